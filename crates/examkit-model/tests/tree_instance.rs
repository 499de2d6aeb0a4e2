//! The schema validator reads the syntax tree in place (`TreeJson`); these
//! tests hold it to the same results as validating the tree converted to a
//! `serde_json::Value` (`to_json`), on every bundled and fixture file and on
//! randomly damaged trees, and to the library's conformance checks.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use compact_str::CompactString;
use examkit_model::{Instance, Kind, TreeJson, schema, validator};
use examkit_syntax::{
    Entry, Node, NodeKind, Scalar, ScalarStyle, ScalarValue, TextRange, parse, to_json,
};
use jsonschema::Validator;
use proptest::prelude::*;
use serde_json::Value;

/// The reference: the same schema compiled for `serde_json::Value`.
fn value_validator(kind: Kind) -> &'static Validator {
    static CACHE: [OnceLock<Validator>; 4] = [const { OnceLock::new() }; 4];
    CACHE[Kind::ALL.iter().position(|&k| k == kind).expect("a kind")]
        .get_or_init(|| jsonschema::draft202012::new(schema(kind)).expect("compiles"))
}

/// Every error as one comparable line: where, which keyword, the message
/// and the instance it names.
fn describe<'a>(errors: impl Iterator<Item = jsonschema::ValidationError<'a>>) -> Vec<String> {
    let mut lines: Vec<String> = errors
        .map(|e| {
            format!(
                "{} | {} | {} | {}",
                e.instance_path(),
                e.schema_path(),
                e,
                e.instance()
            )
        })
        .collect();
    lines.sort();
    lines
}

/// Asserts that both representations give the same verdict and errors.
fn assert_agree(kind: Kind, root: &Node, what: &str) {
    let json: Value = to_json(root);
    let by_value = describe(value_validator(kind).iter_errors(&json));
    let by_tree = describe(validator(kind).iter_errors(Instance::Tree(root)));
    assert_eq!(by_tree, by_value, "{what}");
    assert_eq!(
        validator(kind).is_valid(Instance::Tree(root)),
        value_validator(kind).is_valid(&json),
        "{what}"
    );
}

fn kind_of(root: &Node) -> Option<Kind> {
    root.get("kind")?.as_str().and_then(Kind::from_name)
}

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            yaml_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(path);
        }
    }
}

/// The bundled content and the test fixtures that parse without a syntax
/// error (only those are validated; duplicate keys are one) and name a kind.
fn documents() -> Vec<(PathBuf, Kind, Node)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = Vec::new();
    yaml_files(&root.join("content"), &mut files);
    yaml_files(&root.join("tests/fixtures"), &mut files);
    files
        .into_iter()
        .filter_map(|path| {
            let text = std::fs::read_to_string(&path).ok()?;
            let parsed = parse(&text);
            if !parsed.diagnostics.is_empty() {
                return None;
            }
            let tree = parsed.root?;
            let kind = kind_of(&tree)?;
            Some((path, kind, tree))
        })
        .collect()
}

fn shared_documents() -> &'static [(PathBuf, Kind, Node)] {
    static DOCUMENTS: OnceLock<Vec<(PathBuf, Kind, Node)>> = OnceLock::new();
    DOCUMENTS.get_or_init(documents)
}

#[test]
fn bundled_and_fixture_files_validate_alike() {
    let documents = shared_documents();
    assert!(documents.len() > 80, "found {}", documents.len());
    let mut invalid = 0;
    for (path, kind, tree) in documents {
        assert_agree(*kind, tree, &path.display().to_string());
        invalid += usize::from(!validator(*kind).is_valid(Instance::Tree(tree)));
    }
    // The fixtures include schema errors: the comparison saw some.
    assert!(invalid >= 5, "{invalid} invalid documents");
}

#[test]
fn the_tree_meets_the_representation_contract() {
    // The library's own document, read as YAML (JSON is YAML).
    let text = jsonschema::json::conformance::document().to_string();
    let tree = parse(&text).root.expect("parses");
    jsonschema::json::conformance::assert_conformance::<TreeJson>(&Instance::Tree(&tree));
}

/// Scalars that type differently under the YAML core schema, or test a
/// bound: numbers, floats JSON cannot hold, booleans, nulls and strings.
const PLAIN: &[&str] = &[
    "1",
    "-7",
    "0",
    "1.0",
    "2.5e3",
    ".inf",
    "-.inf",
    ".nan",
    "0x1f",
    "0o17",
    "+12",
    "true",
    "False",
    "null",
    "~",
    "",
    "hello",
    "Amazon S3",
    "q-001",
    "1.1",
];

fn scalar(text: &str, style: ScalarStyle, range: TextRange) -> Node {
    Node {
        kind: NodeKind::Scalar(Scalar {
            text: CompactString::from(text),
            style,
        }),
        range,
    }
}

/// The `n`th node in document order, if there are that many.
fn nth_mut<'a>(node: &'a mut Node, n: &mut usize) -> Option<&'a mut Node> {
    if *n == 0 {
        return Some(node);
    }
    *n -= 1;
    match &mut node.kind {
        NodeKind::Mapping(entries) => entries
            .iter_mut()
            .find_map(|entry| nth_mut(&mut entry.value, n)),
        NodeKind::Sequence(items) => items.iter_mut().find_map(|item| nth_mut(item, n)),
        NodeKind::Scalar(_) | NodeKind::Invalid => None,
    }
}

/// Every node in document order (the order [`nth_mut`] counts in), with
/// the key it is under (items inherit their list's).
fn preorder<'a>(node: &'a Node, key: &'a str, out: &mut Vec<(&'a Node, &'a str)>) {
    out.push((node, key));
    match &node.kind {
        NodeKind::Mapping(entries) => entries
            .iter()
            .for_each(|e| preorder(&e.value, e.key_text(), out)),
        NodeKind::Sequence(items) => items.iter().for_each(|item| preorder(item, key, out)),
        NodeKind::Scalar(_) | NodeKind::Invalid => {}
    }
}

fn count(node: &Node) -> usize {
    let mut nodes = Vec::new();
    preorder(node, "", &mut nodes);
    nodes.len()
}

/// Damages the node: `choice` picks what becomes of it.
fn damage(node: &mut Node, choice: usize) {
    let range = node.range;
    let plain = |i: usize| scalar(PLAIN[i % PLAIN.len()], ScalarStyle::Plain, range);
    match choice % 8 {
        0 => *node = plain(choice / 8),
        1 => {
            *node = scalar(
                PLAIN[(choice / 8) % PLAIN.len()],
                ScalarStyle::Quoted,
                range,
            )
        }
        2 => {
            node.kind = NodeKind::Sequence(vec![plain(choice / 8), plain(choice / 8)]);
        }
        3 => {
            node.kind = NodeKind::Mapping(vec![Entry {
                key: scalar("unexpected", ScalarStyle::Plain, range),
                value: plain(choice / 8),
            }]);
        }
        4 => match &mut node.kind {
            // Drop an entry (perhaps a required one).
            NodeKind::Mapping(entries) if !entries.is_empty() => {
                let at = (choice / 8) % entries.len();
                entries.remove(at);
            }
            _ => node.kind = NodeKind::Invalid,
        },
        5 => match &mut node.kind {
            // Repeat an item (uniqueItems, maxItems).
            NodeKind::Sequence(items) if !items.is_empty() => {
                let at = (choice / 8) % items.len();
                let copy = items[at].clone();
                items.push(copy);
            }
            // A key of its own (duplicate keys are a syntax error).
            NodeKind::Mapping(entries) if entries.iter().all(|e| e.key_text() != "extra_key") => {
                entries.push(Entry {
                    key: scalar("extra_key", ScalarStyle::Plain, range),
                    value: plain(choice / 8),
                });
            }
            _ => *node = plain(choice / 8),
        },
        6 => node.kind = NodeKind::Sequence(Vec::new()),
        _ => node.kind = NodeKind::Mapping(Vec::new()),
    }
}

/// Numbers, booleans and nulls of every document (where the schemas put
/// bounds and types; the first two under each key name) replaced by each of
/// [`PLAIN`], plain and quoted.
#[test]
fn typed_scalars_replaced_validate_alike() {
    let mut compared = 0;
    for (path, kind, tree) in shared_documents() {
        let mut nodes = Vec::new();
        preorder(tree, "", &mut nodes);
        let mut seen: Vec<&str> = Vec::new();
        for (at, (node, key)) in nodes.iter().enumerate() {
            let typed = node
                .as_scalar()
                .is_some_and(|s| !matches!(s.value(), ScalarValue::Str(_)));
            if !typed || seen.iter().filter(|k| *k == key).count() >= 2 {
                continue;
            }
            seen.push(key);
            for choice in 0..PLAIN.len() * 2 {
                let mut damaged = tree.clone();
                let mut n = at;
                let node = nth_mut(&mut damaged, &mut n).expect("the node is there");
                damage(node, (choice / 2) * 8 + choice % 2);
                assert_agree(*kind, &damaged, &path.display().to_string());
                compared += 1;
            }
        }
    }
    assert!(compared > 100, "{compared} replacements");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(600))]

    /// Damaged trees (wrong types, odd scalars, missing, unknown and
    /// repeated entries) get the same errors either way.
    #[test]
    fn damaged_trees_validate_alike(
        document in any::<prop::sample::Index>(),
        damages in prop::collection::vec((any::<prop::sample::Index>(), 0usize..400), 1..4),
    ) {
        let documents = shared_documents();
        let (path, kind, tree) = &documents[document.index(documents.len())];
        let mut tree = tree.clone();
        for (at, choice) in damages {
            let mut n = at.index(count(&tree));
            if let Some(node) = nth_mut(&mut tree, &mut n) {
                damage(node, choice);
            }
        }
        assert_agree(*kind, &tree, &path.display().to_string());
    }
}
