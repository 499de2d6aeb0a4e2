//! The spanned YAML tree: every node knows the bytes it came from.

use compact_str::CompactString;

use crate::TextRange;

/// How a scalar was written, which decides how it is typed.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum ScalarStyle {
    /// Unquoted: typed by the YAML 1.2 core schema (`1` is a number, `true` a boolean).
    Plain,
    /// Single- or double-quoted, a block scalar, or tagged `!!str`: always a string.
    Quoted,
}

/// A scalar's text and how it was written.
#[derive(Clone, Debug, PartialEq)]
pub struct Scalar {
    /// The scalar's value after unescaping and folding. Keys and short
    /// values (up to 24 bytes) are stored inline, without an allocation.
    pub text: CompactString,
    /// How it was written.
    pub style: ScalarStyle,
}

/// The typed value of a scalar under the YAML 1.2 core schema.
#[derive(Clone, Debug, PartialEq)]
pub enum ScalarValue<'a> {
    /// `null`, `~` or nothing.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// An integer that fits in 64 bits.
    Int(i64),
    /// A floating-point number.
    Float(f64),
    /// Anything else.
    Str(&'a str),
}

impl Scalar {
    /// Types the scalar by the YAML 1.2 core schema.
    #[must_use]
    pub fn value(&self) -> ScalarValue<'_> {
        if self.style == ScalarStyle::Quoted {
            return ScalarValue::Str(&self.text);
        }
        let t = self.text.as_str();
        match t {
            "" | "~" | "null" | "Null" | "NULL" => return ScalarValue::Null,
            "true" | "True" | "TRUE" => return ScalarValue::Bool(true),
            "false" | "False" | "FALSE" => return ScalarValue::Bool(false),
            ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
                return ScalarValue::Float(f64::INFINITY);
            }
            "-.inf" | "-.Inf" | "-.INF" => return ScalarValue::Float(f64::NEG_INFINITY),
            ".nan" | ".NaN" | ".NAN" => return ScalarValue::Float(f64::NAN),
            _ => {}
        }
        if let Some(int) = parse_int(t) {
            return ScalarValue::Int(int);
        }
        if looks_like_float(t)
            && let Ok(float) = t.parse::<f64>()
        {
            return ScalarValue::Float(float);
        }
        ScalarValue::Str(t)
    }
}

fn parse_int(t: &str) -> Option<i64> {
    if let Some(hex) = t.strip_prefix("0x") {
        return i64::from_str_radix(hex, 16).ok();
    }
    if let Some(oct) = t.strip_prefix("0o") {
        return i64::from_str_radix(oct, 8).ok();
    }
    let digits = t.strip_prefix(['-', '+']).unwrap_or(t);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    t.parse().ok()
}

/// `[-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?`
fn looks_like_float(t: &str) -> bool {
    let b = t.strip_prefix(['-', '+']).unwrap_or(t).as_bytes();
    let mut i = 0;
    let int_digits = count_digits(&b[i..]);
    i += int_digits;
    let mut frac_digits = 0;
    if b.get(i) == Some(&b'.') {
        i += 1;
        frac_digits = count_digits(&b[i..]);
        i += frac_digits;
    }
    if int_digits == 0 && frac_digits == 0 {
        return false;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'-' | b'+')) {
            i += 1;
        }
        let exp = count_digits(&b[i..]);
        if exp == 0 {
            return false;
        }
        i += exp;
    }
    i == b.len()
}

fn count_digits(b: &[u8]) -> usize {
    b.iter().take_while(|c| c.is_ascii_digit()).count()
}

/// A key and its value in a mapping.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// The key node (a scalar in every valid examkit file).
    pub key: Node,
    /// The value node.
    pub value: Node,
}

impl Entry {
    /// The key's text, or `""` for a key that is not a scalar.
    #[must_use]
    pub fn key_text(&self) -> &str {
        self.key.as_scalar().map_or("", |s| s.text.as_str())
    }
}

/// What a node holds.
#[derive(Clone, Debug, PartialEq)]
pub enum NodeKind {
    /// A scalar.
    Scalar(Scalar),
    /// A mapping, its entries in source order (duplicates already reported).
    Mapping(Vec<Entry>),
    /// A sequence.
    Sequence(Vec<Node>),
    /// A node that could not be built: an alias, a too-deep subtree, or the
    /// missing value where parsing stopped. A diagnostic says why.
    Invalid,
}

/// One YAML node and the bytes it spans.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// What the node holds.
    pub kind: NodeKind,
    /// The bytes it spans: the scalar with its quotes, or the whole collection.
    pub range: TextRange,
}

impl Node {
    /// The scalar, if this is one.
    #[must_use]
    pub fn as_scalar(&self) -> Option<&Scalar> {
        match &self.kind {
            NodeKind::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// The text of a scalar that types as a string (quoted, or plain and not a
    /// number, boolean or null).
    #[must_use]
    pub fn as_str(&self) -> Option<&str> {
        match self.as_scalar()?.value() {
            ScalarValue::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The text of any scalar, whatever it types as.
    #[must_use]
    pub fn scalar_text(&self) -> Option<&str> {
        self.as_scalar().map(|s| s.text.as_str())
    }

    /// The entries, if this is a mapping.
    #[must_use]
    pub fn as_mapping(&self) -> Option<&[Entry]> {
        match &self.kind {
            NodeKind::Mapping(entries) => Some(entries),
            _ => None,
        }
    }

    /// The items, if this is a sequence.
    #[must_use]
    pub fn as_sequence(&self) -> Option<&[Node]> {
        match &self.kind {
            NodeKind::Sequence(items) => Some(items),
            _ => None,
        }
    }

    /// The entry with key `key`, if this is a mapping that has one.
    #[must_use]
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.as_mapping()?.iter().find(|e| e.key_text() == key)
    }

    /// The value under `key`, if this is a mapping that has one.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }
}
