//! Where references live, as the schemas declare them.
//!
//! A property or item schema carrying `"x-examkit-ref": "service"` (or
//! `"task"`) holds ids of that target. Walking the schema alongside the tree
//! finds every reference in a file, so completion, hover, navigation, rename
//! and the cross-reference rules share one declaration.

use std::sync::OnceLock;

use examkit_syntax::{Node, NodeKind, TextRange};
use serde_json::Value;

use crate::schemas::{Kind, schema};

/// What a reference points at.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RefTarget {
    /// A service id (`kind: service`).
    Service,
    /// A task id (in a `kind: domain` file).
    Task,
}

impl RefTarget {
    fn from_name(name: &str) -> Option<Self> {
        match name {
            "service" => Some(Self::Service),
            "task" => Some(Self::Task),
            _ => None,
        }
    }

    /// The name used in the schema keyword and in messages.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Service => "service",
            Self::Task => "task",
        }
    }
}

/// One reference in a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference {
    /// What it points at.
    pub target: RefTarget,
    /// The id written.
    pub id: String,
    /// The bytes of the id (with quotes, if quoted).
    pub range: TextRange,
}

/// The reference target declared for a schema node, if any.
#[must_use]
pub fn declared_target(root_schema: &Value, node: &Value) -> Option<RefTarget> {
    node.get("x-examkit-ref")
        .and_then(Value::as_str)
        .and_then(RefTarget::from_name)
        .or_else(|| {
            let resolved = resolve(root_schema, node)?;
            (!std::ptr::eq(resolved, node)).then(|| declared_target(root_schema, resolved))?
        })
}

/// Follows a local `$ref` (once per call), or returns the node itself.
#[must_use]
pub fn resolve<'s>(root_schema: &'s Value, node: &'s Value) -> Option<&'s Value> {
    match node.get("$ref").and_then(Value::as_str) {
        Some(reference) => root_schema.pointer(reference.strip_prefix('#')?),
        None => Some(node),
    }
}

/// The schema for the value under `key` of an object schema.
#[must_use]
pub fn property_schema<'s>(
    root_schema: &'s Value,
    object: &'s Value,
    key: &str,
) -> Option<&'s Value> {
    let object = resolve(root_schema, object)?;
    object.get("properties")?.get(key)
}

/// The schema for the items of an array schema.
#[must_use]
pub fn items_schema<'s>(root_schema: &'s Value, array: &'s Value) -> Option<&'s Value> {
    resolve(root_schema, array)?.get("items")
}

/// Where references can sit in documents of one kind: the schema compiled
/// once into the paths that lead to an `x-examkit-ref`, so a walk visits
/// only those paths instead of consulting the schema at every node.
#[derive(Debug)]
enum RefShape {
    /// The value here is an id of this target.
    Target(RefTarget),
    /// A mapping or sequence with references somewhere below.
    Container {
        /// Keys whose values can hold references.
        properties: Vec<(String, RefShape)>,
        /// The shape of sequence items, if they can hold references.
        items: Option<Box<RefShape>>,
    },
}

/// Schemas nest far less than this; the bound ends recursive `$ref`s.
const MAX_SCHEMA_DEPTH: usize = 32;

impl RefShape {
    /// The shape of `node`, or `None` when nothing below it is a reference.
    fn compile(root_schema: &Value, node: &Value, depth: usize) -> Option<Self> {
        if let Some(target) = declared_target(root_schema, node) {
            return Some(Self::Target(target));
        }
        if depth >= MAX_SCHEMA_DEPTH {
            return None;
        }
        let resolved = resolve(root_schema, node)?;
        let properties: Vec<(String, RefShape)> = resolved
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .filter_map(|(key, sub)| {
                Self::compile(root_schema, sub, depth + 1).map(|shape| (key.clone(), shape))
            })
            .collect();
        let items = resolved
            .get("items")
            .and_then(|sub| Self::compile(root_schema, sub, depth + 1))
            .map(Box::new);
        (!properties.is_empty() || items.is_some()).then_some(Self::Container { properties, items })
    }

    /// The compiled shape of documents of `kind`.
    fn of(kind: Kind) -> Option<&'static RefShape> {
        static SHAPES: OnceLock<Vec<Option<RefShape>>> = OnceLock::new();
        let shapes = SHAPES.get_or_init(|| {
            Kind::ALL
                .iter()
                .map(|&kind| {
                    let root_schema = schema(kind);
                    Self::compile(root_schema, root_schema, 0)
                })
                .collect()
        });
        let index = Kind::ALL.iter().position(|&k| k == kind)?;
        shapes.get(index)?.as_ref()
    }
}

/// Every reference in a document of `kind`.
#[must_use]
pub fn references(kind: Kind, root: &Node) -> Vec<Reference> {
    let mut found = Vec::new();
    if let Some(shape) = RefShape::of(kind) {
        walk(shape, root, &mut found);
    }
    found
}

fn walk(shape: &RefShape, node: &Node, found: &mut Vec<Reference>) {
    match (shape, &node.kind) {
        (RefShape::Target(target), _) => {
            if let Some(id) = node.scalar_text() {
                found.push(Reference {
                    target: *target,
                    id: id.to_owned(),
                    range: node.range,
                });
            }
        }
        (RefShape::Container { properties, .. }, NodeKind::Mapping(entries)) => {
            for entry in entries {
                let key = entry.key_text();
                if let Some((_, sub)) = properties.iter().find(|(k, _)| k == key) {
                    walk(sub, &entry.value, found);
                }
            }
        }
        (
            RefShape::Container {
                items: Some(sub), ..
            },
            NodeKind::Sequence(items),
        ) => {
            for item in items {
                walk(sub, item, found);
            }
        }
        (RefShape::Container { .. }, _) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_service_and_task_references_declared_in_the_schema() {
        let text = "kind: questions\ntask: \"1.1\"\nquestions:\n  - id: q\n    services: [amazon-bedrock, amazon-s3]\n";
        let root = examkit_syntax::parse(text).root.unwrap();
        let refs = references(Kind::Questions, &root);
        let found: Vec<(RefTarget, &str, &str)> = refs
            .iter()
            .map(|r| (r.target, r.id.as_str(), r.range.slice(text)))
            .collect();
        assert_eq!(
            found,
            vec![
                (RefTarget::Task, "1.1", "\"1.1\""),
                (RefTarget::Service, "amazon-bedrock", "amazon-bedrock"),
                (RefTarget::Service, "amazon-s3", "amazon-s3"),
            ]
        );
    }
}
