//! Where references live, as the schemas declare them.
//!
//! A property or item schema carrying `"x-examkit-ref": "service"` (or
//! `"task"`) holds ids of that target. Walking the schema alongside the tree
//! finds every reference in a file, so completion, hover, navigation, rename
//! and the cross-reference rules share one declaration.

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

/// Every reference in a document of `kind`.
#[must_use]
pub fn references(kind: Kind, root: &Node) -> Vec<Reference> {
    let root_schema = schema(kind);
    let mut found = Vec::new();
    walk(root_schema, root_schema, root, &mut found);
    found
}

fn walk(root_schema: &Value, schema_node: &Value, node: &Node, found: &mut Vec<Reference>) {
    if let Some(target) = declared_target(root_schema, schema_node) {
        if let Some(id) = node.scalar_text() {
            found.push(Reference {
                target,
                id: id.to_owned(),
                range: node.range,
            });
        }
        return;
    }
    match &node.kind {
        NodeKind::Mapping(entries) => {
            for entry in entries {
                if let Some(sub) = property_schema(root_schema, schema_node, entry.key_text()) {
                    walk(root_schema, sub, &entry.value, found);
                }
            }
        }
        NodeKind::Sequence(items) => {
            if let Some(sub) = items_schema(root_schema, schema_node) {
                for item in items {
                    walk(root_schema, sub, item, found);
                }
            }
        }
        NodeKind::Scalar(_) | NodeKind::Invalid => {}
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
