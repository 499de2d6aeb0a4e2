//! The fast path reads the plain subset content is written in, and must
//! build exactly the tree the general parser builds; whatever it is unsure
//! of, it leaves to the general parser.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use examkit_syntax::{parse, parse_general, parse_subset};
use proptest::prelude::*;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            yaml_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(path);
        }
    }
}

/// Whether the fast path took `text`; when it did, its tree must be the
/// general parser's, and the general parser must have found no problem.
fn agrees(text: &str) -> Result<bool, TestCaseError> {
    let general = parse_general(text);
    let Some(fast) = parse_subset(text) else {
        return Ok(false);
    };
    prop_assert!(
        general.diagnostics.is_empty(),
        "the fast path accepted a file with problems: {:?}\n{text}",
        general.diagnostics
    );
    prop_assert_eq!(Some(&fast), general.root.as_ref(), "{}", text);
    // And `parse` gives the same either way.
    prop_assert_eq!(parse(text).root, general.root);
    Ok(true)
}

/// Every bundled content file but the exam's (written with flow mappings)
/// is in the subset: the fast path is the one content takes.
#[test]
fn bundled_content_takes_the_fast_path_to_the_same_tree() {
    let mut files = Vec::new();
    yaml_files(&repo().join("content"), &mut files);
    assert!(files.len() > 50, "found only {} content files", files.len());
    let mut left = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        if !agrees(&text).unwrap() {
            left.push(file.strip_prefix(repo()).unwrap().display().to_string());
        }
    }
    assert_eq!(left, ["content/aif-c01/exam.yaml"], "left the fast path");
}

#[test]
fn fixtures_and_the_yaml_test_suite_get_the_same_tree_either_way() {
    let mut files = Vec::new();
    yaml_files(&repo().join("tests/fixtures"), &mut files);
    yaml_files(
        &repo().join("../shared/corpora/yaml-test-suite"),
        &mut files,
    );
    assert!(files.len() > 50, "found only {} files", files.len());
    let mut fast = 0;
    for file in &files {
        let Ok(text) = std::fs::read_to_string(file) else {
            continue;
        };
        if agrees(&text).unwrap() {
            fast += 1;
        }
    }
    // The fixtures are mostly in the subset: the comparison compared trees.
    assert!(
        fast > 30,
        "only {fast} of {} files took the fast path",
        files.len()
    );
}

/// Pieces of YAML in and around the subset, put together at random.
fn scalar_value() -> impl Strategy<Value = String> {
    let inside = prop::sample::select(vec![
        "plain words",
        "x",
        "with # hash",
        "trailing   ",
        "'it''s'",
        "\"quoted: yes\"",
        "[a, b,  c ]",
        "[]",
        "[ ]",
        "[Amazon Bedrock, x-y]",
        "[\"1.1\", '2.2']",
        "true",
        "1.5",
        "é ü 漢字 😀",
        "value # comment",
        "value #not",
        "a,b]{c}",
    ]);
    let around = prop::sample::select(vec![
        "a: b",
        "colon:",
        "-5",
        "- item",
        "'a # b'   ",
        "\"esc\\n\"",
        "\"q\" # c",
        "[a, ]",
        "[a] # c",
        "[ \"1\" , x]",
        "{a: b}",
        "&anchor v",
        "*alias",
        "!tag v",
        "'unclosed",
        "[unclosed",
        "a\tb",
        "?x",
        "",
    ]);
    prop_oneof![4 => inside, 1 => around].prop_map(str::to_owned)
}

fn block_header() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        4 => prop::sample::select(vec![">", ">-", "|", "|-", "> # c", "|-  "]),
        1 => prop::sample::select(vec![">+", "|+", ">2", ">-x"]),
    ]
}

fn block_line() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => Just("words here"),
        1 => prop::sample::select(vec![
            "",
            " more indented",
            "# not a comment",
            "key: like",
            "  ",
            "- dash",
            "end.",
        ]),
    ]
    .prop_map(str::to_owned)
}

#[derive(Clone, Debug)]
enum Piece {
    Scalar(String),
    Block(&'static str, Vec<String>, usize),
    Mapping(Vec<(String, Piece)>, usize),
    Sequence(Vec<Piece>, usize),
}

/// How much deeper a nested block is: mostly deeper, sometimes not.
fn indentation() -> impl Strategy<Value = usize> {
    prop_oneof![1 => Just(0usize), 6 => 1usize..4]
}

/// A key, and whether it may repeat an earlier one of its mapping.
fn key() -> impl Strategy<Value = (&'static str, bool)> {
    (
        prop::sample::select(vec![
            "id", "text", "a", "b", "key_2", "x.y", "k-1", "1", "kind",
        ]),
        prop::bool::weighted(0.1),
    )
}

/// Keys made unique by their position, except those allowed to repeat.
fn unique_keys<V>(entries: Vec<((&'static str, bool), V)>) -> Vec<(String, V)> {
    entries
        .into_iter()
        .enumerate()
        .map(|(i, ((key, repeat), value))| {
            let key = if repeat {
                key.to_owned()
            } else {
                format!("{key}{i}")
            };
            (key, value)
        })
        .collect()
}

fn piece() -> impl Strategy<Value = Piece> {
    let leaf = prop_oneof![
        3 => scalar_value().prop_map(Piece::Scalar),
        1 => (block_header(), prop::collection::vec(block_line(), 0..5), indentation())
            .prop_map(|(h, l, i)| Piece::Block(h, l, i)),
    ];
    leaf.prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            (
                prop::collection::vec((key(), inner.clone()), 1..4).prop_map(unique_keys),
                indentation()
            )
                .prop_map(|(e, i)| Piece::Mapping(e, i)),
            (prop::collection::vec(inner, 1..4), indentation())
                .prop_map(|(items, i)| Piece::Sequence(items, i)),
        ]
    })
}

/// Writes `piece` as the value after `key:` (or `-`) at column `indent`.
fn write_value(out: &mut String, piece: &Piece, indent: usize) {
    match piece {
        Piece::Scalar(s) => {
            out.push(' ');
            out.push_str(s);
            out.push('\n');
        }
        Piece::Block(header, lines, extra) => {
            out.push(' ');
            out.push_str(header);
            out.push('\n');
            for line in lines {
                if !line.is_empty() {
                    out.push_str(&" ".repeat(indent + extra));
                }
                out.push_str(line);
                out.push('\n');
            }
        }
        Piece::Mapping(entries, extra) => {
            out.push('\n');
            write_mapping(out, entries, indent + extra);
        }
        Piece::Sequence(items, extra) => {
            out.push('\n');
            write_sequence(out, items, indent + extra);
        }
    }
}

fn write_mapping(out: &mut String, entries: &[(String, Piece)], indent: usize) {
    for (key, value) in entries {
        out.push_str(&" ".repeat(indent));
        out.push_str(key);
        out.push(':');
        write_value(out, value, indent + 1);
    }
}

fn write_sequence(out: &mut String, items: &[Piece], indent: usize) {
    for item in items {
        out.push_str(&" ".repeat(indent));
        out.push('-');
        match item {
            // A compact mapping after the dash.
            Piece::Mapping(entries, _) => {
                let mut inner = String::new();
                write_mapping(&mut inner, entries, indent + 2);
                out.push_str(&inner[indent + 1..]);
            }
            other => write_value(out, other, indent + 1),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    /// Documents built from pieces in and around the subset.
    #[test]
    fn generated_documents_get_the_same_tree_either_way(
        entries in prop::collection::vec((key(), piece()), 1..5).prop_map(unique_keys),
        comment in prop::sample::select(vec!["", "# head\n", "\n\n", "---\n", "  # indented\n"]),
        trailing in prop::sample::select(vec!["", "\n", "# tail", "\n  \n"]),
    ) {
        let mut text = comment.to_owned();
        write_mapping(&mut text, &entries, 0);
        text.push_str(trailing);
        agrees(&text)?;
    }

    /// Random edits of bundled content files.
    #[test]
    fn edited_content_gets_the_same_tree_either_way(
        file in 0usize..1000,
        edits in prop::collection::vec(
            (0.0f64..1.0, 0usize..4, prop::sample::select(vec![
                "", " ", "  ", "\n", ":", ": ", "-", "- ", "#", " #", "'", "\"", "[", "]", ",",
                ">", "|", "x", "é", "\\", "{", "&", "*", "!", "?", "%", "@", "`", "\t", "\r",
                "\n  ", "\n    - ", "key: ", "---", "''",
            ])),
            1..4,
        ),
    ) {
        let mut files = Vec::new();
        yaml_files(&repo().join("content/aif-c01/questions"), &mut files);
        files.sort();
        let mut text = std::fs::read_to_string(&files[file % files.len()]).unwrap();
        for (at, removed, inserted) in edits {
            let mut start = ((text.len() as f64) * at) as usize;
            while !text.is_char_boundary(start) {
                start -= 1;
            }
            let mut end = (start + removed).min(text.len());
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            text.replace_range(start..end, inserted);
        }
        agrees(&text)?;
    }
}

/// Flow items with a word that starts like an indicator: the general parser
/// rejects some (a `-` right before `]` or `,`), so the fast path must leave
/// them all to it, or read them to the same tree.
#[test]
fn flow_items_with_indicator_words_agree() {
    for text in [
        "ela: [am? -po -po - -  -]\n",
        "k: [a -]\n",
        "k: [a -, b]\n",
        "k: [a - b]\n",
        "k: [a -b]\n",
        "k: [a ?]\n",
        "k: [a ? b, c]\n",
        "k: [a !b]\n",
        "k: [a-b, c - d]\n",
    ] {
        agrees(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
    }
}
