//! The syntax tree as the schema validator's instance, read in place.
//!
//! The validator is generic over how a JSON document is held
//! ([`jsonschema::json::Json`]); [`TreeJson`] lets it walk the YAML tree
//! directly instead of a `serde_json::Value` copy of it, which would cost an
//! allocation per key and string of every file. The tree reads exactly as
//! [`to_json`] converts it: scalars typed by the YAML 1.2 core schema,
//! non-finite floats and invalid nodes as `null`. A lookup finds the first
//! of duplicate keys, as `to_json` keeps it, but a mapping's members are
//! every entry as written: the two differ only on a tree with duplicate
//! keys, which has a syntax error and is not validated.

use std::borrow::Cow;

use examkit_syntax::{Entry, Node, NodeKind, ScalarValue, to_json};
use jsonschema::JsonType;
use jsonschema::json::{self, Json, JsonNumber, NodeIdentity};
use serde_json::{Number, Value};

/// The representation marker: instances are [`Instance`]s of the tree.
pub struct TreeJson;

/// A value the validator reads: a tree node, or a property name (which
/// `propertyNames` validates as a string).
#[derive(Clone, Copy, Debug)]
pub enum Instance<'a> {
    /// A node of the syntax tree.
    Tree(&'a Node),
    /// A mapping key, as a string.
    Name(&'a str),
}

impl<'a> Instance<'a> {
    /// The JSON value this instance stands for, without copying its text.
    fn value(self) -> Typed<'a> {
        match self {
            Instance::Name(name) => Typed::String(name),
            Instance::Tree(node) => match &node.kind {
                NodeKind::Scalar(scalar) => match scalar.value() {
                    ScalarValue::Null => Typed::Null,
                    ScalarValue::Bool(b) => Typed::Boolean(b),
                    ScalarValue::Int(i) => Typed::Number(TreeNumber::Int(i)),
                    // JSON has no infinities or NaN: `to_json` makes them null.
                    ScalarValue::Float(f) if f.is_finite() => Typed::Number(TreeNumber::Float(f)),
                    ScalarValue::Float(_) => Typed::Null,
                    ScalarValue::Str(s) => Typed::String(s),
                },
                NodeKind::Mapping(entries) => Typed::Object(entries),
                NodeKind::Sequence(items) => Typed::Array(items),
                NodeKind::Invalid => Typed::Null,
            },
        }
    }
}

/// An instance's JSON type with its content.
enum Typed<'a> {
    Null,
    Boolean(bool),
    Number(TreeNumber),
    String(&'a str),
    Array(&'a [Node]),
    Object(&'a [Entry]),
}

/// A number of the tree: what `serde_json` makes of an integer or of a
/// finite float.
#[derive(Clone, Copy, Debug)]
pub enum TreeNumber {
    /// An integer that fits in 64 bits.
    Int(i64),
    /// A finite floating-point number.
    Float(f64),
}

impl JsonNumber for TreeNumber {
    fn as_u64(&self) -> Option<u64> {
        match *self {
            TreeNumber::Int(i) => u64::try_from(i).ok(),
            TreeNumber::Float(_) => None,
        }
    }

    fn as_i64(&self) -> Option<i64> {
        match *self {
            TreeNumber::Int(i) => Some(i),
            TreeNumber::Float(_) => None,
        }
    }

    fn as_f64(&self) -> Option<f64> {
        match *self {
            // As `serde_json::Number::as_f64` converts it.
            #[allow(clippy::cast_precision_loss)]
            TreeNumber::Int(i) => Some(i as f64),
            TreeNumber::Float(f) => Some(f),
        }
    }

    fn as_str(&self) -> Cow<'_, str> {
        Cow::Owned(self.to_number().to_string())
    }

    fn to_number(&self) -> Cow<'_, Number> {
        Cow::Owned(match *self {
            TreeNumber::Int(i) => Number::from(i),
            // Finite by construction; zero is never reached.
            TreeNumber::Float(f) => Number::from_f64(f).unwrap_or_else(|| Number::from(0)),
        })
    }
}

impl Json for TreeJson {
    type Node<'a> = Instance<'a>;
    type PreparedKey = String;
    type StringBuffer = ();

    /// A lookup scans the mapping's entries, so a pass over all of them is
    /// never dearer than the lookups it replaces (mappings are small).
    const KEYS_PER_LOOKUP: usize = 16;
    const ACYCLIC: bool = true;

    fn prepare_key(key: &str) -> String {
        key.to_owned()
    }

    fn with_string_node<T>((): &mut (), string: &str, f: impl FnOnce(Instance<'_>) -> T) -> T {
        f(Instance::Name(string))
    }
}

impl<'a> json::Node<'a, TreeJson> for Instance<'a> {
    type Object = Members<'a>;
    type Array = Items<'a>;
    type Number = TreeNumber;

    fn as_object(&self) -> Option<Members<'a>> {
        match self.value() {
            Typed::Object(entries) => Some(Members(entries)),
            _ => None,
        }
    }

    fn as_array(&self) -> Option<Items<'a>> {
        match self.value() {
            Typed::Array(items) => Some(Items(items)),
            _ => None,
        }
    }

    fn as_string(&self) -> Option<Cow<'a, str>> {
        match self.value() {
            Typed::String(s) => Some(Cow::Borrowed(s)),
            _ => None,
        }
    }

    fn as_number(&self) -> Option<TreeNumber> {
        match self.value() {
            Typed::Number(n) => Some(n),
            _ => None,
        }
    }

    fn as_boolean(&self) -> Option<bool> {
        match self.value() {
            Typed::Boolean(b) => Some(b),
            _ => None,
        }
    }

    fn is_null(&self) -> bool {
        matches!(self.value(), Typed::Null)
    }

    fn json_type(&self) -> JsonType {
        match self.value() {
            Typed::Null => JsonType::Null,
            Typed::Boolean(_) => JsonType::Boolean,
            Typed::Number(_) => JsonType::Number,
            Typed::String(_) => JsonType::String,
            Typed::Array(_) => JsonType::Array,
            Typed::Object(_) => JsonType::Object,
        }
    }

    /// Cold paths only (error messages, and `const` and `enum` of
    /// non-strings): the node as `to_json` converts it.
    fn to_value(&self) -> Cow<'a, Value> {
        Cow::Owned(match *self {
            Instance::Tree(node) => to_json(node),
            Instance::Name(name) => Value::String(name.to_owned()),
        })
    }

    fn identity(&self) -> Option<NodeIdentity> {
        match *self {
            Instance::Tree(node) => Some(NodeIdentity::new(std::ptr::from_ref(node) as usize)),
            // A name lives only while it is validated, and is no container.
            Instance::Name(_) => None,
        }
    }
}

/// A mapping's entries, as a JSON object.
#[derive(Clone, Copy, Debug)]
pub struct Members<'a>(&'a [Entry]);

impl<'a> json::Object<'a, TreeJson> for Members<'a> {
    type Node = Instance<'a>;
    type MemberName = &'a str;
    type MembersIter = MembersIter<'a>;

    fn len(&self) -> usize {
        self.0.len()
    }

    fn get(&self, key: &String) -> Option<Instance<'a>> {
        self.0
            .iter()
            .find(|entry| entry.key_text() == key)
            .map(|entry| Instance::Tree(&entry.value))
    }

    fn members(&self) -> MembersIter<'a> {
        MembersIter(self.0.iter())
    }
}

/// The (key, value) pairs of a mapping.
#[derive(Clone, Debug)]
pub struct MembersIter<'a>(std::slice::Iter<'a, Entry>);

impl<'a> Iterator for MembersIter<'a> {
    type Item = (&'a str, Instance<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        self.0
            .next()
            .map(|entry| (entry.key_text(), Instance::Tree(&entry.value)))
    }
}

/// A sequence's items, as a JSON array.
#[derive(Clone, Copy, Debug)]
pub struct Items<'a>(&'a [Node]);

impl<'a> json::Array<'a, TreeJson> for Items<'a> {
    type Node = Instance<'a>;
    type ElementsIter = std::iter::Map<std::slice::Iter<'a, Node>, fn(&'a Node) -> Instance<'a>>;

    fn len(&self) -> usize {
        self.0.len()
    }

    fn elements(&self) -> Self::ElementsIter {
        self.0.iter().map(Instance::Tree)
    }

    /// Lists of strings (ids, tags) are compared as text; anything else
    /// as JSON values.
    fn is_unique(&self) -> bool {
        let strings: Option<Vec<&str>> = self
            .0
            .iter()
            .map(|item| match Instance::Tree(item).value() {
                Typed::String(s) => Some(s),
                _ => None,
            })
            .collect();
        match strings {
            Some(mut strings) => {
                strings.sort_unstable();
                strings.windows(2).all(|pair| pair[0] != pair[1])
            }
            None => {
                let values: Vec<Value> = self.0.iter().map(to_json).collect();
                json::unique::is_unique(&values)
            }
        }
    }
}
