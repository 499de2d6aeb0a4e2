//! The syntax layer never panics, reports every invalid input at a located
//! position, and bounds its work on hostile input.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use examkit_syntax::{Diagnostic, LineIndex, MAX_FILE_SIZE, Node, NodeKind, parse, parse_bytes};
use proptest::prelude::*;

/// Every range in the tree and the diagnostics lies inside the text and on
/// character boundaries: what a renderer or an editor will slice.
fn assert_ranges_valid(text: &str, root: Option<&Node>, diagnostics: &[Diagnostic]) {
    let check = |start: u32, end: u32, what: &str| {
        assert!(
            start <= end && end as usize <= text.len(),
            "{what} {start}..{end} out of {}",
            text.len()
        );
        assert!(
            text.is_char_boundary(start as usize) && text.is_char_boundary(end as usize),
            "{what} {start}..{end} splits a character"
        );
    };
    for d in diagnostics {
        check(d.range.start(), d.range.end(), d.code);
    }
    fn walk(node: &Node, check: &dyn Fn(u32, u32, &str)) {
        check(node.range.start(), node.range.end(), "node");
        match &node.kind {
            NodeKind::Mapping(entries) => entries.iter().for_each(|e| {
                walk(&e.key, check);
                walk(&e.value, check);
            }),
            NodeKind::Sequence(items) => items.iter().for_each(|n| walk(n, check)),
            NodeKind::Scalar(_) | NodeKind::Invalid => {}
        }
    }
    if let Some(root) = root {
        walk(root, &check);
    }
}

fn corpus_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpora/yaml-test-suite");
    if dir.is_dir() {
        Some(dir)
    } else {
        assert!(
            std::env::var_os("CI").is_none(),
            "the YAML test suite must be at {} in CI",
            dir.display()
        );
        eprintln!("skipping: {} not found", dir.display());
        None
    }
}

fn cases(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            if path.join("in.yaml").is_file() {
                out.push(path.clone());
            }
            cases(&path, out);
        }
    }
}

#[test]
fn yaml_test_suite_invalid_cases_are_reported_and_nothing_panics() {
    let Some(dir) = corpus_dir() else { return };
    let mut all = Vec::new();
    cases(&dir, &mut all);
    all.sort();
    assert!(all.len() > 300, "found only {} cases", all.len());
    let mut invalid = 0;
    let mut missed = Vec::new();
    for case in &all {
        let bytes = std::fs::read(case.join("in.yaml")).unwrap();
        let (text, parsed) = parse_bytes(&bytes);
        assert_ranges_valid(&text, parsed.root.as_ref(), &parsed.diagnostics);
        if case.join("error").exists() {
            invalid += 1;
            if parsed.diagnostics.is_empty() {
                missed.push(case.strip_prefix(&dir).unwrap().display().to_string());
            }
        }
    }
    assert!(invalid > 80, "found only {invalid} invalid cases");
    assert!(
        missed.is_empty(),
        "invalid YAML accepted without a diagnostic: {missed:?}"
    );
}

#[test]
fn alias_bomb_is_refused_without_expansion() {
    let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    let mut previous = 'a';
    for name in 'b'..='z' {
        text.push_str(&format!("{name}: &{name} [*{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}]\n"));
        previous = name;
    }
    let parsed = parse(&text);
    assert_eq!(
        parsed
            .diagnostics
            .iter()
            .filter(|d| d.code == "syntax/alias")
            .count(),
        1
    );
    let json = examkit_syntax::to_json(parsed.root.as_ref().unwrap());
    // Unexpanded: 25 keys of 10 nulls each, not 10^25 strings.
    assert!(json.to_string().len() < 10_000);
}

#[test]
fn deep_nesting_is_cut_off() {
    for (open, close) in [("[", "]"), ("{a: ", "}")] {
        let text = format!("{}1{}", open.repeat(10_000), close.repeat(10_000));
        let parsed = parse(&text);
        assert!(
            !parsed.diagnostics.is_empty(),
            "10,000-deep {open} nesting must be reported"
        );
        assert_ranges_valid(&text, parsed.root.as_ref(), &parsed.diagnostics);
    }
    let block: String = (0..10_000)
        .map(|i| format!("{}- \n", " ".repeat(i * 2 % 200)))
        .collect();
    let parsed = parse(&block);
    assert_ranges_valid(&block, parsed.root.as_ref(), &parsed.diagnostics);
}

#[test]
fn one_megabyte_line_parses() {
    let text = format!("kind: service\ndefinition: {}\n", "word ".repeat(200_000));
    let parsed = parse(&text);
    assert!(parsed.diagnostics.is_empty());
    let definition = parsed.root.as_ref().unwrap().get("definition").unwrap();
    assert_eq!(definition.scalar_text().unwrap().len(), 999_999);
}

#[test]
fn oversized_file_is_refused_at_once() {
    let bytes = vec![b'a'; 50 * 1024 * 1024];
    let (_, parsed) = parse_bytes(&bytes);
    assert_eq!(parsed.diagnostics.len(), 1);
    assert_eq!(parsed.diagnostics[0].code, "syntax/too-large");
    assert!(bytes.len() > MAX_FILE_SIZE);
}

#[test]
fn large_valid_file_within_the_limit_parses() {
    let mut text = String::from("kind: questions\nquestions:\n");
    while text.len() < 8 * 1024 * 1024 {
        text.push_str(
            "  - id: q\n    stem: A question stem of ordinary length for a practice exam?\n",
        );
    }
    let parsed = parse(&text);
    assert!(parsed.diagnostics.is_empty());
    let count = parsed
        .root
        .unwrap()
        .get("questions")
        .unwrap()
        .as_sequence()
        .unwrap()
        .len();
    assert!(count > 100_000);
}

#[test]
fn crlf_and_bom_keep_line_numbers() {
    let lf = "kind: service\nid: x\nname: [\n";
    let crlf = format!("\u{feff}{}", lf.replace('\n', "\r\n"));
    let line_of = |text: &str| {
        let parsed = parse(text);
        let d = &parsed.diagnostics[0];
        LineIndex::new(text).line_of(d.range.start())
    };
    assert_eq!(line_of(lf), line_of(&crlf));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
        let parsed = parse(&text);
        assert_ranges_valid(&text, parsed.root.as_ref(), &parsed.diagnostics);
    }

    #[test]
    fn yaml_like_text_never_panics(text in "([a-z]{1,4}|[ \\t\\n:\\-\\[\\]{},&*!|>'\"#?%@`]|😀|漢){0,120}") {
        let parsed = parse(&text);
        assert_ranges_valid(&text, parsed.root.as_ref(), &parsed.diagnostics);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let (text, parsed) = parse_bytes(&bytes);
        assert_ranges_valid(&text, parsed.root.as_ref(), &parsed.diagnostics);
    }
}
