//! Prose in content files: which fields hold it, and a whitespace-normalised
//! view of each that maps offsets back to the source, so a name folded over
//! two lines of a YAML block scalar is still found and fixed in place.

use std::borrow::Cow;

use examkit_syntax::{Node, NodeKind, TextRange};

/// Keys whose values are prose that may name services.
pub const PROSE_KEYS: &[&str] = &[
    "summary",
    "definition",
    "description",
    "use_cases",
    "stem",
    "text",
    "why",
    "explanation",
    "prompt",
    "answer",
];

/// A prose field with its whitespace folded to single spaces.
#[derive(Debug)]
pub struct Prose {
    /// The folded text.
    pub text: String,
    /// For each byte of `text`, the source offset it came from.
    offsets: Vec<u32>,
}

impl Prose {
    /// Folds the source bytes of a scalar node: quotes and block indicators
    /// are dropped with the whitespace runs they sit in.
    #[must_use]
    pub fn of(node: &Node, source: &str) -> Self {
        let raw = node.range.slice(source);
        let base = node.range.start();
        let mut text = String::with_capacity(raw.len());
        let mut offsets = Vec::with_capacity(raw.len());
        let mut pending_space: Option<u32> = None;
        let skip_header = raw.starts_with('|') || raw.starts_with('>');
        let quoted = raw.len() >= 2 && (raw.starts_with('"') || raw.starts_with('\''));
        let (body_start, body_end) = if skip_header {
            (raw.find('\n').map_or(raw.len(), |i| i + 1), raw.len())
        } else if quoted {
            (1, raw.len() - 1)
        } else {
            (0, raw.len())
        };
        for (i, ch) in raw[body_start..body_end].char_indices() {
            let at = base + u32::try_from(body_start + i).unwrap_or(0);
            if ch.is_whitespace() {
                pending_space.get_or_insert(at);
                continue;
            }
            if let Some(space) = pending_space.take()
                && !text.is_empty()
            {
                text.push(' ');
                offsets.push(space);
            }
            let mut buf = [0u8; 4];
            for _ in 0..ch.encode_utf8(&mut buf).len() {
                offsets.push(at);
            }
            text.push(ch);
        }
        Self { text, offsets }
    }

    /// The source range of `start..end` in the folded text.
    #[must_use]
    pub fn source_range(&self, start: usize, end: usize) -> TextRange {
        let from = self.offsets.get(start).copied().unwrap_or(0);
        let last = end
            .checked_sub(1)
            .and_then(|i| self.offsets.get(i).copied())
            .unwrap_or(from);
        let last_len = self.text[..end.min(self.text.len())]
            .chars()
            .next_back()
            .map_or(0, char::len_utf8);
        TextRange::new(from, last + u32::try_from(last_len).unwrap_or(0))
    }
}

/// Every prose field under `node`, in document order.
pub fn prose_fields<'n>(node: &'n Node, out: &mut Vec<(&'static str, &'n Node)>) {
    match &node.kind {
        NodeKind::Mapping(entries) => {
            for entry in entries {
                let key = PROSE_KEYS.iter().find(|k| **k == entry.key_text());
                match (key, &entry.value.kind) {
                    (Some(k), NodeKind::Scalar(_)) => out.push((k, &entry.value)),
                    (Some(k), NodeKind::Sequence(items)) => {
                        for item in items {
                            if item.as_scalar().is_some() {
                                out.push((k, item));
                            } else {
                                prose_fields(item, out);
                            }
                        }
                    }
                    _ => prose_fields(&entry.value, out),
                }
            }
        }
        NodeKind::Sequence(items) => items.iter().for_each(|i| prose_fields(i, out)),
        NodeKind::Scalar(_) | NodeKind::Invalid => {}
    }
}

/// Lower-case words of a text (letters, digits, hyphens and apostrophes),
/// borrowed from the text when they are already in lower case.
pub fn words(text: &str) -> impl Iterator<Item = Cow<'_, str>> + '_ {
    text.split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '\''))
        .filter(|w| !w.is_empty())
        .map(|w| {
            if w.chars().any(char::is_uppercase) {
                Cow::Owned(w.to_lowercase())
            } else {
                Cow::Borrowed(w)
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folded_block_maps_back_to_source() {
        let source = "stem: >-\n  Use Amazon\n  SageMaker AI today.\n";
        let root = examkit_syntax::parse(source).root.unwrap();
        let node = root.get("stem").unwrap();
        let prose = Prose::of(node, source);
        assert_eq!(prose.text, "Use Amazon SageMaker AI today.");
        let start = prose.text.find("Amazon").unwrap();
        let end = start + "Amazon SageMaker AI".len();
        let range = prose.source_range(start, end);
        assert_eq!(range.slice(source), "Amazon\n  SageMaker AI");
    }
}
