//! Re-analysing a large questions file after an edit inside one question,
//! without parsing and validating the other questions again.
//!
//! The edit is located by comparing the analysed text with the new one. If
//! it lies inside one item of the root `questions:` sequence (not its first
//! two columns, not its last line break, not the last item), only that item
//! is analysed: the file's head (everything before the first question) and
//! that question's lines go through `SourceFile::from_text`, the same parse,
//! schema validation and semantic checks as always, and the result is moved
//! back to where the question sits. The question replaces the old one in the
//! tree, the questions after it shift by the edit's length, and the
//! diagnostics of the other questions are kept (shifted). Anything unusual (syntax errors, an
//! edit across questions, a block that no longer parses to exactly one item)
//! falls back to analysing the whole file. Tests compare the result with
//! the full analysis on random edits.

use std::path::Path;
use std::sync::Arc;

use examkit_model::entities::{Entity, Question, Spanned, read_entity};
use examkit_model::{Kind, SourceFile};
use examkit_syntax::{LineIndex, Node, NodeKind, TextRange};

/// Files smaller than this are simply analysed again.
pub const MIN_SIZE: usize = 32 * 1024;

fn shift_range(r: TextRange, d: i64) -> TextRange {
    r.shifted(d)
}

fn shift(node: &mut Node, d: i64) {
    node.range = shift_range(node.range, d);
    match &mut node.kind {
        NodeKind::Mapping(entries) => {
            for entry in entries {
                shift(&mut entry.key, d);
                shift(&mut entry.value, d);
            }
        }
        NodeKind::Sequence(items) => {
            for item in items {
                shift(item, d);
            }
        }
        NodeKind::Scalar(_) | NodeKind::Invalid => {}
    }
}

fn shift_spanned<T>(s: &mut Spanned<T>, d: i64) {
    s.range = shift_range(s.range, d);
}

fn shift_opt<T>(s: &mut Option<Spanned<T>>, d: i64) {
    if let Some(s) = s {
        shift_spanned(s, d);
    }
}

/// Moves every range of a question (each field named, so that a new field
/// cannot be forgotten here).
fn shift_question(q: &mut Question, d: i64) {
    let Question {
        id,
        kind: _,
        difficulty: _,
        stem,
        options,
        options_key,
        select,
        items,
        pairs,
        explanation,
        services,
        services_key,
        tags,
        range,
    } = q;
    shift_opt(id, d);
    shift_opt(stem, d);
    for o in options {
        shift_spanned(&mut o.text, d);
        shift_opt(&mut o.why, d);
        o.range = shift_range(o.range, d);
    }
    if let Some(k) = options_key {
        *k = shift_range(*k, d);
    }
    shift_opt(select, d);
    for i in items {
        shift_spanned(&mut i.text, d);
        shift_opt(&mut i.why, d);
    }
    for p in pairs {
        shift_spanned(&mut p.prompt, d);
        shift_spanned(&mut p.answer, d);
        shift_opt(&mut p.why, d);
    }
    shift_opt(explanation, d);
    for s in services.iter_mut().chain(tags.iter_mut()) {
        shift_spanned(s, d);
    }
    if let Some(k) = services_key {
        *k = shift_range(*k, d);
    }
    *range = shift_range(*range, d);
}

fn line_start(text: &str, offset: u32) -> usize {
    text[..offset as usize].rfind('\n').map_or(0, |i| i + 1)
}

/// The length of the common prefix of two byte strings: whole blocks
/// compared at once, then bytes.
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    const BLOCK: usize = 64;
    let blocks = a
        .chunks_exact(BLOCK)
        .zip(b.chunks_exact(BLOCK))
        .take_while(|(x, y)| x == y)
        .count();
    let start = blocks * BLOCK;
    start
        + a[start..]
            .iter()
            .zip(&b[start..])
            .take_while(|(x, y)| x == y)
            .count()
}

/// The length of the common suffix of two byte strings, at most `max`.
fn common_suffix(a: &[u8], b: &[u8], max: usize) -> usize {
    const BLOCK: usize = 64;
    let (a, b) = (&a[a.len() - max..], &b[b.len() - max..]);
    let blocks = a
        .rchunks_exact(BLOCK)
        .zip(b.rchunks_exact(BLOCK))
        .take_while(|(x, y)| x == y)
        .count();
    let matched = blocks * BLOCK;
    matched
        + a[..a.len() - matched]
            .iter()
            .rev()
            .zip(b[..b.len() - matched].iter().rev())
            .take_while(|(x, y)| x == y)
            .count()
}

/// The common prefix and suffix lengths of two texts, on char boundaries.
fn common(old: &str, new: &str) -> (usize, usize) {
    let (a, b) = (old.as_bytes(), new.as_bytes());
    let mut prefix = common_prefix(a, b);
    while prefix > 0 && !(old.is_char_boundary(prefix) && new.is_char_boundary(prefix)) {
        prefix -= 1;
    }
    let max_suffix = a.len().min(b.len()) - prefix;
    let mut suffix = common_suffix(a, b, max_suffix);
    while suffix > 0
        && !(old.is_char_boundary(a.len() - suffix) && new.is_char_boundary(b.len() - suffix))
    {
        suffix -= 1;
    }
    (prefix, suffix)
}

/// Re-analyses `old` with `new_text`, reusing what the edit did not touch;
/// the text back when the edit is not one it can take.
pub fn reanalyse(old: SourceFile, new_text: String) -> Result<SourceFile, String> {
    match splice(old, &new_text) {
        Some(mut file) => {
            file.line_index = LineIndex::new(&new_text);
            file.text = new_text;
            Ok(file)
        }
        None => Err(new_text),
    }
}

/// [`reanalyse`] but for the text and its line index, which stay `old`'s.
fn splice(mut old: SourceFile, new_text: &str) -> Option<SourceFile> {
    let plan = plan(&old, new_text)?;
    // The head of the file and the edited question, nothing else.
    let head = plan.first_block_start;
    let moved = i64::try_from(plan.block_start - head).unwrap_or(0);
    let mut synthetic = String::with_capacity(head + plan.new_block_end - plan.block_start);
    synthetic.push_str(&new_text[..head]);
    synthetic.push_str(&new_text[plan.block_start..plan.new_block_end]);
    let mut part = SourceFile::from_text(Arc::clone(&old.path), synthetic);
    if part
        .diagnostics
        .iter()
        .any(|d| d.code.starts_with("syntax/"))
    {
        return None;
    }
    // The part's root must have the same keys as before, and its one
    // question must lie inside the edited block.
    let new_end = plan.new_block_end;
    let same_root = match (
        part.tree.as_ref().and_then(Node::as_mapping),
        old.tree.as_ref().and_then(Node::as_mapping),
    ) {
        (Some(a), Some(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.key_text() == y.key_text())
        }
        _ => false,
    };
    if !same_root {
        return None;
    }
    // Where the part's root and sequence end, for an edit of the last question.
    let part_ends = part.tree.as_ref().and_then(|root| {
        let entry = root.as_mapping()?.get(plan.entry)?;
        Some((root.range.end(), entry.value.range.end()))
    });
    let item = part
        .tree
        .as_mut()
        .and_then(|root| match &mut root.kind {
            NodeKind::Mapping(entries) => entries.get_mut(plan.entry),
            _ => None,
        })
        .filter(|e| e.key_text() == "questions")
        .and_then(|e| match &mut e.value.kind {
            NodeKind::Sequence(items) if items.len() == 1 => items.pop(),
            _ => None,
        });
    let mut item = item.filter(|n| {
        n.range.start() as usize >= head
            && (n.range.end() as usize) <= new_end - plan.block_start + head
    })?;
    shift(&mut item, moved);
    let tree = old.tree.as_mut()?;
    let d = plan.delta;
    let to_real = |x: u32| {
        if x as usize >= head {
            shift_range(TextRange::empty(x), moved).start()
        } else {
            x
        }
    };
    let (root_end, seq_end) = match (plan.last, part_ends) {
        (true, Some((root_end, seq_end))) => (to_real(root_end), to_real(seq_end)),
        (true, None) => return None,
        (false, _) => (
            shift_range(tree.range, d).end(),
            0, // set below from the old sequence
        ),
    };
    tree.range = TextRange::new(tree.range.start(), root_end);
    let NodeKind::Mapping(entries) = &mut tree.kind else {
        return None;
    };
    let entry = entries.get_mut(plan.entry)?;
    let seq_end = if plan.last {
        seq_end
    } else {
        shift_range(entry.value.range, d).end()
    };
    entry.value.range = TextRange::new(entry.value.range.start(), seq_end);
    let NodeKind::Sequence(items) = &mut entry.value.kind else {
        return None;
    };
    let items_len = items.len();
    items[plan.item] = item;
    for later in &mut items[plan.item + 1..] {
        shift(later, d);
    }
    // Diagnostics: those of the other questions stay (shifted when after
    // the edit); the root's and the edited question's come from the part.
    let old_block = plan.block_start as u32..plan.old_block_end as u32;
    let last = plan.last;
    let edited = |start: u32| old_block.contains(&start) || (last && start >= old_block.start);
    let first = plan.first_block_start as u32;
    let mut diagnostics: Vec<_> = std::mem::take(&mut old.diagnostics)
        .into_iter()
        .filter(|d| d.range.start() >= first && !edited(d.range.start()))
        .map(|mut diag| {
            if diag.range.start() >= old_block.end {
                diag.shift(d);
            }
            diag
        })
        .collect();
    let head = u32::try_from(head).unwrap_or(u32::MAX);
    for mut diag in part.diagnostics {
        if diag.range.start() >= head {
            diag.shift(moved);
        }
        diagnostics.push(diag);
    }
    diagnostics.sort_by_key(|d| (d.range.start(), d.range.end()));
    // References and the entity, the same way: the head's and the edited
    // question's from the part, the other questions' kept.
    let in_other_block = |r: TextRange| r.start() >= first && !edited(r.start());
    let mut refs: Vec<_> = std::mem::take(&mut old.references)
        .into_iter()
        .filter(|r| in_other_block(r.range))
        .map(|mut r| {
            if r.range.start() >= old_block.end {
                r.range = shift_range(r.range, d);
            }
            r
        })
        .chain(part.references.into_iter().map(|mut r| {
            if r.range.start() >= head {
                r.range = shift_range(r.range, moved);
            }
            r
        }))
        .collect();
    refs.sort_by_key(|r| r.range.start());
    let entity = match (old.entity.take(), part.entity.take()) {
        (Some(Entity::Questions(mut set)), Some(Entity::Questions(new_set)))
            if new_set.questions.len() == 1 && set.questions.len() == items_len =>
        {
            set.task = new_set.task;
            let mut question = new_set.questions.into_iter().next();
            if let Some(q) = &mut question {
                shift_question(q, moved);
            }
            if let Some(q) = question {
                set.questions[plan.item] = q;
            }
            for q in &mut set.questions[plan.item + 1..] {
                shift_question(q, d);
            }
            Some(Entity::Questions(set))
        }
        _ => old
            .tree
            .as_ref()
            .map(|root| read_entity(Kind::Questions, root)),
    };
    old.diagnostics = diagnostics;
    old.references = refs;
    old.entity = entity;
    Some(old)
}

struct Plan {
    /// Index of the `questions` entry of the root mapping.
    entry: usize,
    /// Index of the edited question.
    item: usize,
    /// Whether it is the last question (its block ends with the file).
    last: bool,
    first_block_start: usize,
    block_start: usize,
    old_block_end: usize,
    new_block_end: usize,
    delta: i64,
}

fn plan(old: &SourceFile, new_text: &str) -> Option<Plan> {
    if old.kind != Some(Kind::Questions)
        || old.text.len() < MIN_SIZE
        || old
            .diagnostics
            .iter()
            .any(|d| d.code.starts_with("syntax/"))
    {
        return None;
    }
    let root = old.tree.as_ref()?;
    let entries = root.as_mapping()?;
    let entry = entries.iter().position(|e| e.key_text() == "questions")?;
    // Only when the questions are the last thing in the file.
    if entry + 1 != entries.len() {
        return None;
    }
    let items = entries[entry].value.as_sequence()?;
    if items.len() < 2 {
        return None;
    }
    let text = old.text.as_str();
    let (prefix, suffix) = common(text, new_text);
    let edit_start = prefix;
    let edit_end = text.len() - suffix;
    let item = items
        .partition_point(|n| (n.range.start() as usize) <= edit_start)
        .checked_sub(1)?;
    // The last question's block runs to the end of the file.
    let last = item + 1 == items.len();
    let block_start = line_start(text, items[item].range.start());
    let old_block_end = if last {
        text.len()
    } else {
        line_start(text, items[item + 1].range.start())
    };
    let dash = block_start + text[block_start..].find('-')?;
    if edit_start < dash + 2 || (!last && edit_end >= old_block_end) {
        return None;
    }
    let delta = i64::try_from(new_text.len()).ok()? - i64::try_from(text.len()).ok()?;
    let new_block_end = usize::try_from(i64::try_from(old_block_end).ok()? + delta).ok()?;
    if !last && !new_text[..new_block_end].ends_with('\n') {
        return None;
    }
    // Every line of the block after its first belongs to the question:
    // deeper than its `-` (blank and comment lines aside).
    let dash_col = dash - block_start;
    let block = new_text.get(block_start..new_block_end)?;
    let belongs = block.split('\n').skip(1).all(|line| {
        let trimmed = line.trim_start_matches(' ');
        trimmed.is_empty()
            || trimmed == "\r"
            || trimmed.starts_with('#')
            || line.len() - trimmed.len() > dash_col
    });
    if !belongs {
        return None;
    }
    Some(Plan {
        entry,
        item,
        last,
        first_block_start: line_start(text, items[0].range.start()),
        block_start,
        old_block_end,
        new_block_end,
        delta,
    })
}

/// Re-analyses `old` with `new_text`: incrementally when it can, else in
/// full.
#[must_use]
pub fn analyse(old: Option<SourceFile>, path: &Path, new_text: String) -> SourceFile {
    let new_text = match old {
        Some(old) => match reanalyse(old, new_text) {
            Ok(file) => return file,
            Err(text) => text,
        },
        None => new_text,
    };
    SourceFile::from_text(Arc::from(path), new_text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn question(i: usize) -> String {
        let difficulty = if i == 5 { "hardest" } else { "easy" };
        let explanation = if i == 7 {
            String::new()
        } else {
            "    explanation: Because the facts of the case say so, and nothing else does.\n"
                .to_owned()
        };
        let select = if i == 9 { "    select: 3\n" } else { "" };
        let kind = if i == 9 { "multiple" } else { "single" };
        format!(
            "  - id: q-{i}\n    type: {kind}\n    difficulty: {difficulty}\n    stem: >-\n      Which of these is right for case {i}? 😀 漢字\n{select}    options:\n      - text: Right {i}\n        correct: true\n      - text: Wrong {i}\n      - {{ text: Also wrong }}\n{explanation}    services: [amazon-bedrock, amazon-s3]\n\n"
        )
    }

    fn document() -> String {
        let mut text = "kind: questions\ntask: \"1.1\"\n# comment\nquestions:\n".to_owned();
        let mut i = 0;
        while text.len() < MIN_SIZE + 2000 {
            text.push_str(&question(i));
            i += 1;
        }
        text
    }

    fn full(text: &str) -> SourceFile {
        SourceFile::from_text(Arc::from(Path::new("q.yaml")), text.to_owned())
    }

    fn same(a: &SourceFile, b: &SourceFile) -> bool {
        a.text == b.text
            && a.tree == b.tree
            && a.kind == b.kind
            && a.entity == b.entity
            && a.references == b.references
            && a.diagnostics == b.diagnostics
    }

    #[test]
    fn an_edit_inside_a_question_is_taken_and_matches_the_full_analysis() {
        let text = document();
        let old = full(&text);
        assert!(!old.diagnostics.is_empty());
        let at = text.find("Which of these is right for case 12").unwrap() + 6;
        let mut edited = text.clone();
        edited.insert_str(at, "😀 ");
        let new = reanalyse(old, edited.clone()).expect("taken");
        assert!(same(&new, &full(&edited)));
        // Breaking a question: a schema error appears in the right place.
        let at = edited.find("difficulty: easy").unwrap() + 12;
        let mut broken = edited.clone();
        broken.replace_range(at..at + 4, "eas");
        let newer = reanalyse(new, broken.clone()).expect("taken");
        assert!(same(&newer, &full(&broken)));
    }

    #[test]
    fn most_single_edits_are_taken() {
        let text = document();
        let mut taken = 0;
        for k in 0..100 {
            let mut at = text.len() * k / 100;
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            let mut edited = text.clone();
            edited.insert(at, 'x');
            if let Ok(new) = reanalyse(full(&text), edited.clone()) {
                assert!(same(&new, &full(&edited)), "edit at {at}");
                taken += 1;
            }
        }
        assert!(taken >= 60, "only {taken} of 100 edits were taken");
    }

    #[test]
    fn edits_in_the_last_question_match_the_full_analysis() {
        let text = document();
        let last = text.rfind("  - id:").unwrap();
        let mut taken = 0;
        let positions = (last..=text.len()).filter(|&i| text.is_char_boundary(i));
        for at in positions.step_by(5) {
            for edit in ["x", "", "\n    tags: [a]\n", "  - id: z\n"] {
                let mut edited = text.clone();
                if edit.is_empty() {
                    let Some(ch) = text[at..].chars().next() else {
                        continue;
                    };
                    edited.replace_range(at..at + ch.len_utf8(), "");
                } else {
                    edited.insert_str(at, edit);
                }
                if let Ok(new) = reanalyse(full(&text), edited.clone()) {
                    let expected = full(&edited);
                    assert!(new.tree == expected.tree, "tree, edit {edit:?} at {at}");
                    assert_eq!(
                        new.diagnostics, expected.diagnostics,
                        "edit {edit:?} at {at}"
                    );
                    assert!(same(&new, &expected), "edit {edit:?} at {at}");
                    taken += 1;
                }
            }
        }
        assert!(taken > 40, "only {taken} taken");
    }

    proptest! {
        /// The blockwise common prefix and suffix equal the bytewise ones.
        #[test]
        fn common_prefix_and_suffix_match_a_bytewise_comparison(
            shared in prop::collection::vec(0u8..3, 0..300),
            a_rest in prop::collection::vec(0u8..3, 0..150),
            b_rest in prop::collection::vec(0u8..3, 0..150),
            cut in 0usize..300,
        ) {
            let cut = cut.min(shared.len());
            let bytewise_prefix = |a: &[u8], b: &[u8]| a.iter().zip(b).take_while(|(x, y)| x == y).count();
            let bytewise_suffix = |a: &[u8], b: &[u8]| {
                a.iter().rev().zip(b.iter().rev()).take_while(|(x, y)| x == y).count()
            };
            // Prefixes: shared text, then different rests.
            let a = [&shared[..], &a_rest[..]].concat();
            let b = [&shared[..cut], &b_rest[..]].concat();
            prop_assert_eq!(common_prefix(&a, &b), bytewise_prefix(&a, &b));
            // Suffixes: different rests, then shared text.
            let a = [&a_rest[..], &shared[..]].concat();
            let b = [&b_rest[..], &shared[cut..]].concat();
            let max = a.len().min(b.len());
            let suffix = bytewise_suffix(&a, &b);
            prop_assert_eq!(common_suffix(&a, &b, max), suffix.min(max));
            prop_assert_eq!(common_suffix(&a, &b, max / 2), suffix.min(max / 2));
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]
        #[test]
        fn matches_the_full_analysis(
            at in 0.0f64..1.0,
            len in 0usize..40,
            insert in prop_oneof![
                Just(""), Just("x"), Just("\n"), Just(": "), Just("- "), Just("  "), Just("漢"),
                Just("\n    tags: [a]"), Just("\n  - id: new"), Just("\""), Just("["), Just("#"),
            ],
        ) {
            let text = document();
            let old = full(&text);
            let mut start = ((text.len() as f64) * at) as usize;
            while !text.is_char_boundary(start) {
                start -= 1;
            }
            let mut end = (start + len).min(text.len());
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            let mut edited = text.clone();
            edited.replace_range(start..end, insert);
            if let Ok(new) = reanalyse(old, edited.clone()) {
                let expected = full(&edited);
                prop_assert!(new.text == expected.text);
                prop_assert_eq!(&new.diagnostics, &expected.diagnostics);
                prop_assert!(new.tree == expected.tree, "tree differs after editing {}..{} to {:?}", start, end, insert);
                prop_assert!(same(&new, &expected));
            }
        }
    }
}
