//! JSON Schema validation with every error placed on the node at fault.
//!
//! Placement by keyword: unknown keys and keys a type forbids on the key;
//! a missing required key on its parent's key (the first line at the root);
//! type, enum, const, pattern and bounds on the value — except a value that
//! spans several lines, which is marked by its key. A location that does not
//! exist in the tree falls back to its nearest ancestor, never to the whole
//! file.

use examkit_syntax::{Diagnostic, Node, NodeKind, PathSegment, TextRange, locate};
use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::paths::LocationSegment;
use serde_json::Value;

use crate::instance::Instance;
use crate::schemas::{Kind, schema, validator};
use crate::suggest::did_you_mean;

/// Diagnostic codes of schema validation.
pub mod codes {
    /// A key the schema does not allow here.
    pub const UNKNOWN_KEY: &str = "schema/unknown-key";
    /// A required key is missing.
    pub const REQUIRED: &str = "schema/required";
    /// A value of the wrong type.
    pub const TYPE: &str = "schema/type";
    /// A value outside the allowed set.
    pub const ENUM: &str = "schema/enum";
    /// A string that does not have the required form.
    pub const PATTERN: &str = "schema/pattern";
    /// Too few or too many items, characters, or a number out of bounds.
    pub const BOUNDS: &str = "schema/bounds";
    /// A list with the same item twice.
    pub const UNIQUE: &str = "schema/unique-items";
    /// A key that this type of entity must not have.
    pub const NOT_ALLOWED: &str = "schema/not-allowed";
    /// A list without the items it must contain (e.g. a correct option).
    pub const CONTAINS: &str = "schema/contains";
    /// Any other schema violation.
    pub const INVALID: &str = "schema/invalid";
}

/// Validates a document of `kind` and places each error on its node.
#[must_use]
pub fn validate(kind: Kind, root: &Node, source: &str) -> Vec<Diagnostic> {
    let validator = validator(kind);
    if validator.is_valid(Instance::Tree(root)) {
        return Vec::new();
    }
    let mut diagnostics: Vec<Diagnostic> = validator
        .iter_errors(Instance::Tree(root))
        .map(|error| {
            let path = instance_path(error.instance_path());
            let schema_path: Vec<String> =
                error.schema_path().iter().map(|s| s.to_string()).collect();
            let context = SchemaContext::at(schema(kind), &schema_path);
            to_diagnostic(
                error.kind(),
                error.instance(),
                &path,
                &context,
                root,
                source,
            )
        })
        .collect();
    diagnostics.sort_by(|a, b| (a.range.start(), a.code).cmp(&(b.range.start(), b.code)));
    diagnostics.dedup_by(|a, b| a.range == b.range && a.message == b.message);
    diagnostics
}

/// A validation error's instance location as a path into the tree.
#[must_use]
pub fn instance_path(location: &jsonschema::paths::Location) -> Vec<PathSegment> {
    location
        .iter()
        .map(|segment| match segment {
            LocationSegment::Property(key) => PathSegment::Key(key.into_owned()),
            LocationSegment::Index(i) => PathSegment::Index(i),
        })
        .collect()
}

/// The schema object that holds the failing keyword.
struct SchemaContext<'s> {
    object: Option<&'s serde_json::Map<String, Value>>,
    keyword: String,
    root: &'s Value,
}

impl<'s> SchemaContext<'s> {
    fn at(root: &'s Value, schema_path: &[String]) -> Self {
        let (keyword, parent) = match schema_path.split_last() {
            Some((last, parent)) => (last.clone(), parent),
            None => (String::new(), schema_path),
        };
        let mut node = Some(root);
        for segment in parent {
            node = node.and_then(|n| match n {
                Value::Object(map) => map.get(segment.as_str()),
                Value::Array(items) => segment.parse::<usize>().ok().and_then(|i| items.get(i)),
                _ => None,
            });
        }
        Self {
            object: node.and_then(Value::as_object),
            keyword,
            root,
        }
    }

    /// The schema's own message for this keyword (`x-examkit-message`).
    fn custom_message(&self) -> Option<String> {
        let messages = self.object?.get("x-examkit-message")?;
        match messages {
            Value::String(s) => Some(s.clone()),
            Value::Object(map) => map.get(&self.keyword)?.as_str().map(str::to_owned),
            _ => None,
        }
    }

    /// The keys `properties` allows in this object, in schema order.
    fn allowed_keys(&self) -> Vec<&'s str> {
        self.object
            .and_then(|o| o.get("properties"))
            .and_then(Value::as_object)
            .map(|props| props.keys().map(String::as_str).collect())
            .unwrap_or_default()
    }

    /// The `description` of property `key`, following one local `$ref`.
    fn property_description(&self, key: &str) -> Option<&'s str> {
        let property = self.object?.get("properties")?.get(key)?;
        property
            .get("description")
            .or_else(|| resolve_ref(self.root, property)?.get("description"))
            .and_then(Value::as_str)
    }
}

fn resolve_ref<'s>(root: &'s Value, schema: &'s Value) -> Option<&'s Value> {
    let reference = schema.get("$ref")?.as_str()?;
    root.pointer(reference.strip_prefix('#')?)
}

/// Where a diagnostic goes: the key, the value, or (at the root) the first line.
enum Anchor {
    Key,
    Value,
    Parent,
}

fn place(anchor: Anchor, path: &[PathSegment], root: &Node, source: &str) -> TextRange {
    let location = locate(root, path);
    let exact = location.depth == path.len();
    let multi_line = |range: TextRange| range.slice(source).trim_end().contains('\n');
    let range = match (anchor, exact) {
        (Anchor::Key | Anchor::Parent, true) | (_, false) => location.key.unwrap_or(location.value),
        (Anchor::Value, true) => match location.key {
            Some(key) if multi_line(location.value) => key,
            _ => location.value,
        },
    };
    if range == root.range || (location.key.is_none() && multi_line(range)) {
        first_line(range, source)
    } else {
        range
    }
}

/// The first line of `range`, for errors about a whole mapping.
fn first_line(range: TextRange, source: &str) -> TextRange {
    let text = range.slice(source);
    let len = text.find(['\n', '\r']).unwrap_or(text.len());
    TextRange::new(
        range.start(),
        range.start() + u32::try_from(len).unwrap_or(0),
    )
}

fn to_diagnostic(
    kind: &ValidationErrorKind,
    instance: &Value,
    path: &[PathSegment],
    context: &SchemaContext<'_>,
    root: &Node,
    source: &str,
) -> Diagnostic {
    let custom = context.custom_message();
    match kind {
        ValidationErrorKind::AdditionalProperties { unexpected }
        | ValidationErrorKind::UnevaluatedProperties { unexpected } => {
            let key = unexpected.first().cloned().unwrap_or_default();
            let mut key_path = path.to_vec();
            key_path.push(PathSegment::Key(key.clone()));
            let allowed = context.allowed_keys();
            let mut diagnostic = Diagnostic::error(
                codes::UNKNOWN_KEY,
                place(Anchor::Key, &key_path, root, source),
                format!("unknown key `{key}`"),
            );
            let list = allowed
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ");
            diagnostic.help = Some(match did_you_mean(&key, allowed.iter().copied()) {
                Some(best) => format!("did you mean `{best}`? Keys allowed here: {list}"),
                None => format!("keys allowed here: {list}"),
            });
            diagnostic
        }
        ValidationErrorKind::Required { property } => {
            let name = property.as_str().unwrap_or_default();
            let mut diagnostic = Diagnostic::error(
                codes::REQUIRED,
                place(Anchor::Parent, path, root, source),
                custom.unwrap_or_else(|| format!("missing required key `{name}`")),
            );
            if let Some(description) = context.property_description(name) {
                diagnostic.help = Some(format!("`{name}`: {description}"));
            }
            diagnostic
        }
        ValidationErrorKind::Type { kind } => {
            let expected = type_names(kind);
            let found = json_type_name(instance);
            let mut diagnostic = Diagnostic::error(
                codes::TYPE,
                place(Anchor::Value, path, root, source),
                custom.unwrap_or_else(|| format!("expected {expected}, found {found}")),
            );
            if expected.contains("string") && instance.is_number() {
                diagnostic.help = Some(format!(
                    "write it in quotes to make it a string: \"{}\"",
                    scalar_text(path, root).unwrap_or_default()
                ));
            }
            diagnostic
        }
        ValidationErrorKind::Enum { options } => {
            let allowed: Vec<&str> = options
                .as_array()
                .map(|items| items.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let list = allowed
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ");
            let value = display_value(instance);
            let mut diagnostic = Diagnostic::error(
                codes::ENUM,
                place(Anchor::Value, path, root, source),
                custom
                    .unwrap_or_else(|| format!("{value} is not one of the allowed values: {list}")),
            );
            if let Some(best) = instance
                .as_str()
                .and_then(|v| did_you_mean(v, allowed.iter().copied()))
            {
                diagnostic.help = Some(format!("did you mean `{best}`?"));
            }
            diagnostic
        }
        ValidationErrorKind::Constant { expected_value } => Diagnostic::error(
            codes::ENUM,
            place(Anchor::Value, path, root, source),
            custom.unwrap_or_else(|| {
                format!(
                    "expected {}, found {}",
                    display_value(expected_value),
                    display_value(instance)
                )
            }),
        ),
        ValidationErrorKind::Pattern { pattern } => Diagnostic::error(
            codes::PATTERN,
            place(Anchor::Value, path, root, source),
            match custom {
                Some(message) => format!("{} is not valid: {message}", display_value(instance)),
                None => format!(
                    "{} does not have the required form (pattern `{pattern}`)",
                    display_value(instance)
                ),
            },
        ),
        ValidationErrorKind::MinItems { limit } => bounds(
            custom.unwrap_or_else(|| {
                format!(
                    "needs at least {limit} item{}, found {}",
                    plural(*limit),
                    array_len(instance)
                )
            }),
            path,
            root,
            source,
        ),
        ValidationErrorKind::MaxItems { limit } => bounds(
            custom.unwrap_or_else(|| {
                format!(
                    "allows at most {limit} item{}, found {}",
                    plural(*limit),
                    array_len(instance)
                )
            }),
            path,
            root,
            source,
        ),
        ValidationErrorKind::MinLength { limit } => bounds(
            custom.unwrap_or_else(|| {
                if *limit <= 1 {
                    "must not be empty".to_owned()
                } else {
                    format!("must be at least {limit} characters long")
                }
            }),
            path,
            root,
            source,
        ),
        ValidationErrorKind::MaxLength { limit } => bounds(
            custom.unwrap_or_else(|| format!("must be at most {limit} characters long")),
            path,
            root,
            source,
        ),
        ValidationErrorKind::Minimum { limit }
        | ValidationErrorKind::ExclusiveMinimum { limit } => bounds(
            custom.unwrap_or_else(|| format!("must be at least {limit}, found {instance}")),
            path,
            root,
            source,
        ),
        ValidationErrorKind::Maximum { limit }
        | ValidationErrorKind::ExclusiveMaximum { limit } => bounds(
            custom.unwrap_or_else(|| format!("must be at most {limit}, found {instance}")),
            path,
            root,
            source,
        ),
        ValidationErrorKind::UniqueItems => Diagnostic::error(
            codes::UNIQUE,
            place(Anchor::Value, path, root, source),
            custom.unwrap_or_else(|| "lists the same item more than once".to_owned()),
        ),
        ValidationErrorKind::Not { .. } | ValidationErrorKind::FalseSchema => Diagnostic::error(
            codes::NOT_ALLOWED,
            place(Anchor::Key, path, root, source),
            custom.unwrap_or_else(|| format!("`{}` is not allowed here", last_key(path))),
        ),
        ValidationErrorKind::Contains => Diagnostic::error(
            codes::CONTAINS,
            place(Anchor::Key, path, root, source),
            custom.unwrap_or_else(|| "does not contain a required item".to_owned()),
        ),
        other => {
            let keyword = context.keyword.as_str();
            let code = if keyword.ends_with("Contains") {
                codes::CONTAINS
            } else {
                codes::INVALID
            };
            let message = custom.unwrap_or_else(|| format!("{other:?}"));
            Diagnostic::error(code, place(Anchor::Key, path, root, source), message)
        }
    }
}

fn bounds(message: String, path: &[PathSegment], root: &Node, source: &str) -> Diagnostic {
    Diagnostic::error(
        codes::BOUNDS,
        place(Anchor::Value, path, root, source),
        message,
    )
}

fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn array_len(value: &Value) -> usize {
    value.as_array().map_or(0, Vec::len)
}

fn last_key(path: &[PathSegment]) -> String {
    match path.last() {
        Some(PathSegment::Key(k)) => k.clone(),
        Some(PathSegment::Index(i)) => format!("item {}", i + 1),
        None => "this".to_owned(),
    }
}

fn scalar_text(path: &[PathSegment], root: &Node) -> Option<String> {
    let mut node = root;
    for segment in path {
        node = match (segment, &node.kind) {
            (PathSegment::Key(k), NodeKind::Mapping(_)) => node.get(k)?,
            (PathSegment::Index(i), NodeKind::Sequence(items)) => items.get(*i)?,
            _ => return None,
        };
    }
    node.scalar_text().map(str::to_owned)
}

fn display_value(value: &Value) -> String {
    match value {
        Value::String(s) => format!("`{s}`"),
        Value::Null => "nothing (null)".to_owned(),
        Value::Object(_) => "a mapping".to_owned(),
        Value::Array(_) => "a list".to_owned(),
        other => format!("`{other}`"),
    }
}

fn json_type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "nothing (null)",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "an integer",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

fn type_names(kind: &TypeKind) -> String {
    let name = |t: &jsonschema::JsonType| -> &'static str {
        match t.to_string().as_str() {
            "string" => "a string",
            "integer" => "an integer",
            "number" => "a number",
            "boolean" => "`true` or `false`",
            "array" => "a list",
            "object" => "a mapping",
            "null" => "nothing (null)",
            _ => "another type",
        }
    };
    match kind {
        TypeKind::Single(t) => name(t).to_owned(),
        TypeKind::Multiple(types) => types
            .iter()
            .map(|t| name(&t))
            .collect::<Vec<_>>()
            .join(" or "),
    }
}
