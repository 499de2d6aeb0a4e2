//! Bank-wide rules: near-duplicate questions and the balance of key
//! positions.

use std::collections::HashMap;
use std::collections::hash_map::DefaultHasher;
use std::hash::{BuildHasherDefault, Hash, Hasher};
use std::sync::Arc;

use examkit_model::entities::{Entity, Question, QuestionType};
use examkit_syntax::{Diagnostic, Related, Severity, TextRange};
use rayon::prelude::*;

use super::{Context, Findings, Input, Rule};
use crate::memo::text_key;
use crate::registry::RuleInfo;
use crate::text::words;

static NEAR_DUPLICATE: RuleInfo = RuleInfo {
    code: "bank/near-duplicate",
    default_severity: Severity::Warning,
    summary: "Two questions are nearly the same.",
    rationale: "Items should be independent (Haladyna et al. 2002, guideline 4): a near-copy inflates the bank, double-counts a fact in coverage, and lets one item give away the other. Compared by the Jaccard similarity of word 3-grams of stem and key (at least 0.6).",
    example: None,
    fixable: false,
    configurable: true,
};

static KEY_POSITION: RuleInfo = RuleInfo {
    code: "bank/key-position",
    default_severity: Severity::Warning,
    summary: "Keys of single-answer questions sit in some positions far more often than others.",
    rationale: "Test-wise candidates learn a bank's habits, such as \"the answer is usually C\" (Haladyna et al. 2002, guideline 20). Reported when the key positions of four-option questions differ from uniform (chi-square, p < 0.05), and where one position is the key four or more times in a row within a file.",
    example: None,
    fixable: false,
    configurable: true,
};

/// `bank/near-duplicate`.
pub struct NearDuplicate;
/// `bank/key-position`.
pub struct KeyPosition;

/// Postings longer than this are too common to tell questions apart.
const MAX_POSTINGS: usize = 200;
const THRESHOLD: f64 = 0.6;

/// A hasher for shingles, which are hashes already: they pass through.
#[derive(Default)]
struct ShingleHasher(u64);

impl Hasher for ShingleHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u32(&mut self, shingle: u32) {
        // Spread over 64 bits: the table uses the top bits too.
        self.0 = u64::from(shingle).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

/// The distinct hashed word 3-grams of a text, sorted.
fn shingles(text: &str) -> Vec<u32> {
    let words: Vec<_> = words(text).collect();
    // 32 bits keep the index small; a rare collision merely counts one
    // more shared 3-gram for one pair.
    let mut shingles: Vec<u32> = words
        .windows(3)
        .map(|w| {
            let mut hasher = DefaultHasher::new();
            w.hash(&mut hasher);
            (hasher.finish() >> 32) as u32
        })
        .collect();
    shingles.sort_unstable();
    shingles.dedup();
    shingles
}

impl Rule for NearDuplicate {
    fn info(&self) -> &'static RuleInfo {
        &NEAR_DUPLICATE
    }

    fn inputs(&self) -> &'static [Input] {
        &[Input::NearDuplicates]
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        for (file, diagnostic) in cx.near_duplicates() {
            out.report(*file, diagnostic.clone());
        }
    }
}

/// The findings of `bank/near-duplicate`, each with its file: every pair of
/// questions whose stem and key are similar enough.
pub(crate) fn near_duplicates(cx: &Context<'_>) -> Vec<(usize, Diagnostic)> {
    {
        struct Item<'w> {
            file: usize,
            anchor: TextRange,
            id: &'w str,
            shingles: Arc<[u32]>,
        }
        let per_file: Vec<Vec<Item<'_>>> = cx
            .workspace
            .files
            .par_iter()
            .enumerate()
            .map(|(file, source)| {
                let Some(Entity::Questions(set)) = &source.entity else {
                    return Vec::new();
                };
                let compute = |q: &Question| {
                    let mut text = q.stem.as_ref().map_or(String::new(), |s| s.value.clone());
                    for key in q.correct_options() {
                        text.push(' ');
                        text.push_str(&key.text.value);
                    }
                    shingles(&text)
                };
                let sets: Vec<Arc<[u32]>> = match cx.memo() {
                    Some(memo) => memo.shingles(
                        &set.questions,
                        |q| text_key(&source.text, q.range, 0),
                        compute,
                    ),
                    None => set
                        .questions
                        .par_iter()
                        .with_min_len(256)
                        .map(|q| compute(q).into())
                        .collect(),
                };
                set.questions
                    .iter()
                    .zip(sets)
                    .map(|(q, shingles)| Item {
                        file,
                        anchor: q.anchor(),
                        id: q.id.as_ref().map_or("", |i| i.value.as_str()),
                        shingles,
                    })
                    .collect()
            })
            .collect();
        let items: Vec<Item<'_>> = per_file.into_iter().flatten().collect();
        // (shingle, question) for every shingle of every question; sorted,
        // the runs of one shingle list the questions that have it.
        let mut postings: Vec<(u32, u32)> = items
            .iter()
            .enumerate()
            .flat_map(|(i, item)| {
                let i = u32::try_from(i).unwrap_or(u32::MAX);
                item.shingles.iter().map(move |&s| (s, i))
            })
            .collect();
        postings.par_sort_unstable();
        // The postings of each useful shingle: those shared by more than one
        // question, and not so common that they tell nothing apart.
        let lists: HashMap<u32, &[(u32, u32)], BuildHasherDefault<ShingleHasher>> = postings
            .chunk_by(|x, y| x.0 == y.0)
            .filter(|l| l.len() > 1 && l.len() <= MAX_POSTINGS)
            .map(|l| (l[0].0, l))
            .collect();
        // For each question, count the shingles it shares with every later
        // question (a dense counter per chunk of questions, reset through the
        // list of counters it touched), then keep the pairs similar enough.
        const CHUNK: usize = 4096;
        let mut pairs: Vec<((u32, u32), f64)> = items
            .par_chunks(CHUNK)
            .enumerate()
            .flat_map_iter(|(chunk, chunk_items)| {
                let mut shared = vec![0u32; items.len()];
                let mut touched = Vec::new();
                let mut similar = Vec::new();
                for (offset, item) in chunk_items.iter().enumerate() {
                    let a = u32::try_from(chunk * CHUNK + offset).unwrap_or(u32::MAX);
                    for shingle in item.shingles.iter() {
                        let Some(list) = lists.get(shingle) else {
                            continue;
                        };
                        let later = list.partition_point(|p| p.1 <= a);
                        for &(_, b) in &list[later..] {
                            if shared[b as usize] == 0 {
                                touched.push(b);
                            }
                            shared[b as usize] += 1;
                        }
                    }
                    for b in touched.drain(..) {
                        let n = std::mem::take(&mut shared[b as usize]);
                        let union =
                            item.shingles.len() + items[b as usize].shingles.len() - n as usize;
                        let similarity = f64::from(n) / union.max(1) as f64;
                        if similarity >= THRESHOLD {
                            similar.push(((a, b), similarity));
                        }
                    }
                }
                similar
            })
            .collect();
        pairs.sort_by_key(|p| p.0);
        let mut found = Vec::new();
        for ((a, b), similarity) in pairs {
            let (first, second) = (&items[a as usize], &items[b as usize]);
            found.push((
                second.file,
                Diagnostic::new(
                    NEAR_DUPLICATE.code,
                    NEAR_DUPLICATE.default_severity,
                    second.anchor,
                    format!(
                        "this question is {:.0}% the same as `{}`",
                        similarity * 100.0,
                        first.id
                    ),
                )
                .with_related(Related {
                    path: cx.workspace.files[first.file].path.clone(),
                    range: first.anchor,
                    message: format!("`{}` is here", first.id),
                }),
            ));
        }
        found
    }
}

impl Rule for KeyPosition {
    fn info(&self) -> &'static RuleInfo {
        &KEY_POSITION
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        let mut counts = [0usize; 4];
        let mut first_file = None;
        for (file, source) in cx.workspace.files.iter().enumerate() {
            let Some(Entity::Questions(set)) = &source.entity else {
                continue;
            };
            let mut run: Option<(usize, usize)> = None;
            for q in &set.questions {
                if q.kind != Some(QuestionType::Single) || q.options.len() != 4 {
                    continue;
                }
                let Some(position) = q.options.iter().position(|o| o.correct) else {
                    continue;
                };
                first_file.get_or_insert((file, set.task.as_ref().map_or(q.anchor(), |t| t.range)));
                counts[position] += 1;
                run = match run {
                    Some((p, n)) if p == position => Some((p, n + 1)),
                    _ => Some((position, 1)),
                };
                if run == Some((position, 4)) {
                    out.report(
                        file,
                        Diagnostic::new(
                            KEY_POSITION.code,
                            KEY_POSITION.default_severity,
                            q.anchor(),
                            format!(
                                "the key is option {} for the fourth question in a row",
                                letter(position)
                            ),
                        ),
                    );
                }
            }
        }
        let n: usize = counts.iter().sum();
        if n < 20 {
            return;
        }
        let expected = n as f64 / 4.0;
        let chi_square: f64 = counts
            .iter()
            .map(|&o| (o as f64 - expected).powi(2) / expected)
            .sum();
        // The 95th percentile of chi-square with three degrees of freedom.
        if chi_square > 7.815 {
            let anchor = cx
                .workspace
                .index
                .exams
                .first()
                .and_then(|&f| match &cx.workspace.files[f].entity {
                    Some(Entity::Exam(exam)) => exam.id.as_ref().map(|id| (f, id.range)),
                    _ => None,
                })
                .or(first_file);
            if let Some((file, range)) = anchor {
                out.report(
                    file,
                    Diagnostic::new(
                        KEY_POSITION.code,
                        KEY_POSITION.default_severity,
                        range,
                        format!(
                            "keys of {n} single-answer questions are unevenly spread: A {}, B {}, C {}, D {} (chi-square {chi_square:.1} > 7.8)",
                            counts[0], counts[1], counts[2], counts[3]
                        ),
                    ),
                );
            }
        }
    }
}

fn letter(position: usize) -> char {
    char::from(b'A' + u8::try_from(position).unwrap_or(0))
}
