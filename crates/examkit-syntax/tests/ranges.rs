//! Node ranges cover the node and nothing after it: not the spaces and
//! comment after a quoted scalar or a flow collection, not a comment after
//! a block collection's last item, whichever parser reads the file.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use examkit_syntax::{Node, parse, parse_general};

/// The text of the node at `path` (keys, or item indexes as text), read by
/// both parsers, which must agree.
fn slice_at<'t>(text: &'t str, path: &[&str]) -> &'t str {
    let ranges: Vec<_> = [parse(text), parse_general(text)]
        .into_iter()
        .map(|parsed| {
            assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
            let mut node: Node = parsed.root.unwrap();
            for step in path {
                node = match step.parse::<usize>() {
                    Ok(i) => node.as_sequence().unwrap()[i].clone(),
                    Err(_) => node.get(step).unwrap().clone(),
                };
            }
            node.range
        })
        .collect();
    assert_eq!(ranges[0], ranges[1], "the parsers disagree on {path:?}");
    ranges[0].slice(text)
}

#[test]
fn a_quoted_scalar_ends_at_its_closing_quote() {
    let text = "a: \"1.9\"  # a comment with \"quotes\"\nb: 'it''s'   \nc: [\"x\" , 'y' ]\n";
    assert_eq!(slice_at(text, &["a"]), "\"1.9\"");
    assert_eq!(slice_at(text, &["b"]), "'it''s'");
    assert_eq!(slice_at(text, &["c", "0"]), "\"x\"");
    assert_eq!(slice_at(text, &["c", "1"]), "'y'");
    // Escaped quotes do not close a double-quoted scalar.
    let text = "a: \"say \\\"hi\\\" \\\\\"   # c\n";
    assert_eq!(slice_at(text, &["a"]), "\"say \\\"hi\\\" \\\\\"");
}

#[test]
fn a_flow_collection_ends_at_its_closing_bracket() {
    let text = "a: [x, y] # a comment ]\nb: { k: v }   \nc: []\n";
    assert_eq!(slice_at(text, &["a"]), "[x, y]");
    assert_eq!(slice_at(text, &["b"]), "{ k: v }");
    assert_eq!(slice_at(text, &["c"]), "[]");
}

#[test]
fn a_block_collection_ends_at_its_last_item_whatever_comment_follows() {
    let text = "a:\n  - one\n  - two # a comment ending in a bracket ]";
    assert_eq!(slice_at(text, &["a"]), "- one\n  - two");
    let text = "a:\n  k: v # {x}\n";
    assert_eq!(slice_at(text, &["a"]), "k: v");
}
