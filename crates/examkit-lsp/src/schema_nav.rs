//! Walking a kind's JSON Schema along a path read from the text: which keys a
//! mapping allows (with their descriptions), which values a scalar allows,
//! and which kind of id a value refers to. The schema is the only source of
//! this knowledge.

use examkit_model::Kind;
use examkit_model::references::{
    RefTarget, declared_target, items_schema, property_schema, resolve,
};
use serde_json::Value;

use crate::context::Step;

/// The schema node at `path` in a document of `kind`, with local `$ref`s
/// followed.
#[must_use]
pub fn at_path(kind: Kind, path: &[Step]) -> Option<&'static Value> {
    let root = examkit_model::schema(kind);
    let mut node = root;
    for step in path {
        node = match step {
            Step::Key(key) => property_schema(root, node, key)?,
            Step::Item => items_schema(root, node)?,
        };
    }
    resolve_all(root, node)
}

/// Follows `$ref`s until a node without one (bounded).
#[must_use]
pub fn resolve_all<'s>(root: &'s Value, mut node: &'s Value) -> Option<&'s Value> {
    for _ in 0..8 {
        let next = resolve(root, node)?;
        if std::ptr::eq(next, node) {
            return Some(node);
        }
        node = next;
    }
    Some(node)
}

/// The schema of the value under `key` of the object schema at `path`,
/// unresolved (so a reference target declared on it is still visible).
#[must_use]
pub fn property(kind: Kind, path: &[Step], key: &str) -> Option<&'static Value> {
    let root = examkit_model::schema(kind);
    property_schema(root, at_path(kind, path)?, key)
}

/// The schema of the items of the array schema `node`.
#[must_use]
pub fn items(kind: Kind, node: &'static Value) -> Option<&'static Value> {
    items_schema(examkit_model::schema(kind), node)
}

/// The reference target declared on a schema node (or on what it refers to).
#[must_use]
pub fn target(kind: Kind, node: &Value) -> Option<RefTarget> {
    declared_target(examkit_model::schema(kind), node)
}

/// A key an object schema allows.
#[derive(Clone, Debug)]
pub struct KeyDoc {
    /// The key.
    pub name: &'static str,
    /// Its description.
    pub description: Option<&'static str>,
    /// Whether the object requires it.
    pub required: bool,
    /// Its value's schema, resolved.
    pub schema: Option<&'static Value>,
}

/// The keys the object schema at `path` allows, in schema order.
#[must_use]
pub fn keys(kind: Kind, path: &[Step]) -> Vec<KeyDoc> {
    let root = examkit_model::schema(kind);
    let Some(object) = at_path(kind, path) else {
        return Vec::new();
    };
    let required: Vec<&str> = object
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let Some(properties) = object.get("properties").and_then(Value::as_object) else {
        return Vec::new();
    };
    properties
        .iter()
        .map(|(name, schema)| KeyDoc {
            name: name.as_str(),
            description: description(root, schema),
            required: required.contains(&name.as_str()),
            schema: resolve_all(root, schema),
        })
        .collect()
}

/// The description of a schema node, or of what it refers to.
#[must_use]
pub fn description(root: &'static Value, node: &'static Value) -> Option<&'static str> {
    node.get("description")
        .and_then(Value::as_str)
        .or_else(|| resolve_all(root, node)?.get("description")?.as_str())
}

/// The scalar values a schema node allows, if it lists them (`enum`,
/// `const`, or a boolean type).
#[must_use]
pub fn values(kind: Kind, node: &'static Value) -> Vec<String> {
    let root = examkit_model::schema(kind);
    let Some(node) = resolve_all(root, node) else {
        return Vec::new();
    };
    if let Some(options) = node.get("enum").and_then(Value::as_array) {
        return options.iter().filter_map(scalar_text).collect();
    }
    if let Some(value) = node.get("const").and_then(scalar_text) {
        return vec![value];
    }
    if node.get("type").and_then(Value::as_str) == Some("boolean") {
        return vec!["true".to_owned(), "false".to_owned()];
    }
    Vec::new()
}

fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The JSON type a schema node declares, if one.
#[must_use]
pub fn type_name(node: &Value) -> Option<&str> {
    node.get("type").and_then(Value::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_questions_schema() {
        let path = [Step::Key("questions".into()), Step::Item];
        let keys = keys(Kind::Questions, &path);
        let names: Vec<&str> = keys.iter().map(|k| k.name).collect();
        assert!(names.contains(&"stem") && names.contains(&"services"));
        assert!(keys.iter().find(|k| k.name == "id").unwrap().required);
        let services = property(Kind::Questions, &path, "services").unwrap();
        let item = items(Kind::Questions, services).unwrap();
        assert_eq!(target(Kind::Questions, item), Some(RefTarget::Service));
        let task = property(Kind::Questions, &[], "task").unwrap();
        assert_eq!(target(Kind::Questions, task), Some(RefTarget::Task));
        let kind = property(Kind::Questions, &path, "type").unwrap();
        assert_eq!(values(Kind::Questions, kind).len(), 4);
    }
}
