//! The text of `deck.json` as CrowdAnki writes it: object keys sorted,
//! four-space indentation, non-ASCII characters as they are, and a final
//! newline. Key order never depends on how a value was built.

use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::Value;
use serde_json::ser::PrettyFormatter;

/// Serializes `value` with every object's keys sorted (by code point, as
/// Python's `sort_keys` does).
struct Sorted<'a>(&'a Value);

impl Serialize for Sorted<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Value::Object(map) => {
                let mut entries: Vec<(&String, &Value)> = map.iter().collect();
                entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
                let mut out = serializer.serialize_map(Some(entries.len()))?;
                for (key, value) in entries {
                    out.serialize_entry(key, &Sorted(value))?;
                }
                out.end()
            }
            Value::Array(items) => {
                let mut out = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    out.serialize_element(&Sorted(item))?;
                }
                out.end()
            }
            other => other.serialize(serializer),
        }
    }
}

/// `value` as the text of a CrowdAnki `deck.json`.
///
/// # Errors
/// Only if serialization fails, which a [`Value`] never does in practice.
pub(crate) fn to_vec(value: &Value) -> serde_json::Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut serializer =
        serde_json::Serializer::with_formatter(&mut out, PrettyFormatter::with_indent(b"    "));
    Sorted(value).serialize(&mut serializer)?;
    out.push(b'\n');
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_are_sorted_at_every_level() {
        let mut inner = serde_json::Map::new();
        inner.insert("b".into(), json!(1));
        inner.insert("__type__".into(), json!("Note"));
        inner.insert("a".into(), json!([]));
        let mut outer = serde_json::Map::new();
        outer.insert("z".into(), json!([Value::Object(inner)]));
        outer.insert("m".into(), json!({"y": "é", "x": 1.3}));
        let text =
            String::from_utf8(to_vec(&Value::Object(outer)).expect("serializes")).expect("UTF-8");
        assert_eq!(
            text,
            "{\n    \"m\": {\n        \"x\": 1.3,\n        \"y\": \"é\"\n    },\n    \"z\": [\n        {\n            \"__type__\": \"Note\",\n            \"a\": [],\n            \"b\": 1\n        }\n    ]\n}\n"
        );
    }
}
