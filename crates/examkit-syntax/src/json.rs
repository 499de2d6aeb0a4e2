//! The tree as JSON (for schema validation), and the way back from a JSON
//! location to the node it names.

use serde_json::{Map, Number, Value};

use crate::TextRange;
use crate::tree::{Node, NodeKind, ScalarValue};

/// Converts a node to JSON. Scalars are typed by the YAML 1.2 core schema;
/// invalid nodes (already reported) become `null`; of duplicate keys the
/// first wins (the second is already reported).
#[must_use]
pub fn to_json(node: &Node) -> Value {
    match &node.kind {
        NodeKind::Scalar(scalar) => match scalar.value() {
            ScalarValue::Null => Value::Null,
            ScalarValue::Bool(b) => Value::Bool(b),
            ScalarValue::Int(i) => Value::Number(i.into()),
            ScalarValue::Float(f) => Number::from_f64(f).map_or(Value::Null, Value::Number),
            ScalarValue::Str(s) => Value::String(s.to_owned()),
        },
        NodeKind::Mapping(entries) => {
            let mut map = Map::with_capacity(entries.len());
            for entry in entries {
                map.entry(entry.key_text().to_owned())
                    .or_insert_with(|| to_json(&entry.value));
            }
            Value::Object(map)
        }
        NodeKind::Sequence(items) => Value::Array(items.iter().map(to_json).collect()),
        NodeKind::Invalid => Value::Null,
    }
}

/// One step of a path into a document: a mapping key or a sequence index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathSegment {
    /// A mapping key.
    Key(String),
    /// A sequence index.
    Index(usize),
}

/// Where a path leads in the tree.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Location {
    /// The key of the node reached, when it is a mapping value.
    pub key: Option<TextRange>,
    /// The node reached.
    pub value: TextRange,
    /// How many segments of the path were followed: fewer than the path's
    /// length when the path leads to something that does not exist, in which
    /// case the location is the nearest existing ancestor.
    pub depth: usize,
}

/// Follows `path` from `root` as far as it exists. Never fails: a path that
/// leaves the tree stops at the nearest existing ancestor.
#[must_use]
pub fn locate(root: &Node, path: &[PathSegment]) -> Location {
    let mut location = Location {
        key: None,
        value: root.range,
        depth: 0,
    };
    let mut node = root;
    for segment in path {
        let next = match (segment, &node.kind) {
            (PathSegment::Key(key), NodeKind::Mapping(entries)) => entries
                .iter()
                .find(|e| e.key_text() == key)
                .map(|e| (Some(e.key.range), &e.value)),
            (PathSegment::Index(i), NodeKind::Sequence(items)) => items.get(*i).map(|n| (None, n)),
            _ => None,
        };
        let Some((key, child)) = next else { break };
        node = child;
        location = Location {
            key,
            value: child.range,
            depth: location.depth + 1,
        };
    }
    location
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse;

    #[test]
    fn typed_like_yaml_core_schema() {
        let parsed = parse("a: 1\nb: \"1\"\nc: true\nd: ~\ne: 1.5\nf: text\ng: [x, 2]\n");
        let json = to_json(parsed.root.as_ref().unwrap());
        assert_eq!(
            json,
            serde_json::json!({"a": 1, "b": "1", "c": true, "d": null, "e": 1.5, "f": "text", "g": ["x", 2]})
        );
    }

    #[test]
    fn locate_finds_key_and_value_or_nearest_ancestor() {
        let text = "questions:\n  - id: one\n    stem: hi\n";
        let root = parse(text).root.unwrap();
        let path = [
            PathSegment::Key("questions".into()),
            PathSegment::Index(0),
            PathSegment::Key("stem".into()),
        ];
        let found = locate(&root, &path);
        assert_eq!(found.depth, 3);
        assert_eq!(found.key.unwrap().slice(text), "stem");
        assert_eq!(found.value.slice(text), "hi");
        let missing = [PathSegment::Key("questions".into()), PathSegment::Index(7)];
        let nearest = locate(&root, &missing);
        assert_eq!(nearest.depth, 1);
        assert_eq!(nearest.key.unwrap().slice(text), "questions");
    }
}
