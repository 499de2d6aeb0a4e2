//! Prose in content files: which fields hold it, and a whitespace-normalised
//! view of each that maps offsets back to the source, so a name folded over
//! two lines of a YAML block scalar is still found and fixed in place.

use std::borrow::Cow;

use examkit_syntax::{Entry, Node, NodeKind, TextRange};

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
    /// Where the text's contiguous pieces come from: `(text offset, source
    /// offset)` of each piece's first byte, by text offset. A piece ends
    /// where folding breaks the byte-for-byte correspondence.
    pieces: Vec<(u32, u32)>,
}

/// The byte length of the whitespace character at `i` of `s`, or 0.
fn whitespace_len(s: &str, i: usize) -> usize {
    match s.as_bytes()[i] {
        b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c => 1,
        byte if byte.is_ascii() => 0,
        _ => s[i..]
            .chars()
            .next()
            .filter(|c| c.is_whitespace())
            .map_or(0, char::len_utf8),
    }
}

/// How many bytes at the start of `bytes` fold to themselves, found eight
/// at a time: visible ASCII, and single spaces between visible ASCII. A
/// space ending an eight-byte word is left to the caller, which sees what
/// follows it. The byte before `bytes`, if any, must not be whitespace.
fn ascii_words_len(bytes: &[u8]) -> usize {
    const ONES: u64 = u64::from_le_bytes([0x01; 8]);
    const HIGH_BITS: u64 = ONES * 0x80;
    const LOW_BITS: u64 = ONES * 0x7f;
    const SPACES: u64 = ONES * 0x20;
    let mut len = 0;
    while let Some(word) = bytes
        .get(len..len + 8)
        .and_then(|w| <[u8; 8]>::try_from(w).ok())
    {
        let word = u64::from_le_bytes(word);
        // Some byte below the space, or at or above DEL (non-ASCII too).
        let below_space = word.wrapping_sub(SPACES) & !word & HIGH_BITS;
        let above_tilde = (word.wrapping_add(ONES) | word) & HIGH_BITS;
        if below_space | above_tilde != 0 {
            break;
        }
        // The high bit of each byte that is a space.
        let not_space = word ^ SPACES;
        let spaces = !(((not_space & LOW_BITS) + LOW_BITS) | not_space | LOW_BITS);
        if spaces & (spaces >> 8) != 0 {
            break;
        }
        if spaces >> 63 != 0 {
            return len + 7;
        }
        len += 8;
    }
    len
}

fn is_visible_ascii(byte: &u8) -> bool {
    (b'!'..=b'~').contains(byte)
}

fn offset(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

/// The byte range of a scalar's source text that holds its words: without
/// the header line of a block scalar or the quotes of a quoted one.
fn scalar_body(raw: &str) -> (usize, usize) {
    if raw.starts_with('|') || raw.starts_with('>') {
        (raw.find('\n').map_or(raw.len(), |i| i + 1), raw.len())
    } else if raw.len() >= 2 && (raw.starts_with('"') || raw.starts_with('\'')) {
        (1, raw.len() - 1)
    } else {
        (0, raw.len())
    }
}

impl Prose {
    /// Folds the source bytes of a scalar node: quotes and block indicators
    /// are dropped with the whitespace runs they sit in.
    #[must_use]
    pub fn of(node: &Node, source: &str) -> Self {
        let raw = node.range.slice(source);
        let (body_start, body_end) = scalar_body(raw);
        let body = &raw[body_start..body_end];
        let base = node.range.start() as usize + body_start;
        let mut prose = Prose {
            text: String::with_capacity(body.len()),
            pieces: Vec::new(),
        };
        // The source offset the next byte has when it continues the piece.
        let mut next_source = u32::MAX;
        let mut push = |prose: &mut Prose, piece: &str, at: usize| {
            let at = offset(at);
            if at != next_source {
                prose.pieces.push((offset(prose.text.len()), at));
            }
            prose.text.push_str(piece);
            next_source = at.saturating_add(offset(piece.len()));
        };
        let mut pending_space: Option<usize> = None;
        let mut i = 0;
        while i < body.len() {
            let space = whitespace_len(body, i);
            if space > 0 {
                pending_space.get_or_insert(i);
                i += space;
                continue;
            }
            let mut end = i;
            while end < body.len() {
                end += ascii_words_len(&body.as_bytes()[end..]);
                let Some(&byte) = body.as_bytes().get(end) else {
                    break;
                };
                // Visible ASCII (most prose) is never whitespace.
                if is_visible_ascii(&byte) {
                    end += 1;
                } else if byte == b' ' && body.as_bytes().get(end + 1).is_some_and(is_visible_ascii)
                {
                    // A single space between words folds to itself: the
                    // run goes on.
                    end += 2;
                } else if whitespace_len(body, end) == 0 {
                    end += body[end..].chars().next().map_or(1, char::len_utf8);
                } else {
                    break;
                }
            }
            if let Some(space) = pending_space.take()
                && !prose.text.is_empty()
            {
                push(&mut prose, " ", base + space);
            }
            push(&mut prose, &body[i..end], base + i);
            i = end;
        }
        prose
    }

    /// The source offset of the character holding byte `i` of the folded
    /// text.
    fn source_offset(&self, mut i: usize) -> Option<u32> {
        if i >= self.text.len() {
            return None;
        }
        while !self.text.is_char_boundary(i) {
            i -= 1;
        }
        let i = offset(i);
        let piece = self.pieces.partition_point(|&(start, _)| start <= i);
        let (start, source) = self.pieces[piece.checked_sub(1)?];
        Some(source + (i - start))
    }

    /// The source range of `start..end` in the folded text.
    #[must_use]
    pub fn source_range(&self, start: usize, end: usize) -> TextRange {
        let from = self.source_offset(start).unwrap_or(0);
        let last = end
            .checked_sub(1)
            .and_then(|i| self.source_offset(i))
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
                entry_prose_fields(entry, out);
            }
        }
        NodeKind::Sequence(items) => items.iter().for_each(|i| prose_fields(i, out)),
        NodeKind::Scalar(_) | NodeKind::Invalid => {}
    }
}

/// Every prose field of one mapping entry (its value, or under it), in
/// document order.
pub fn entry_prose_fields<'n>(entry: &'n Entry, out: &mut Vec<(&'static str, &'n Node)>) {
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

    /// The folded text and, per byte, its source offset, computed the
    /// obvious way: one character at a time.
    fn reference(node: &Node, source: &str) -> (String, Vec<u32>) {
        let raw = node.range.slice(source);
        let (body_start, body_end) = scalar_body(raw);
        let (mut text, mut offsets) = (String::new(), Vec::new());
        let mut pending_space = None;
        for (i, ch) in raw[body_start..body_end].char_indices() {
            let at = node.range.start() + offset(body_start + i);
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
            offsets.extend(std::iter::repeat_n(at, ch.len_utf8()));
            text.push(ch);
        }
        (text, offsets)
    }

    /// The bytes `ascii_words_len` takes, one at a time: visible ASCII, and
    /// spaces followed by visible ASCII.
    fn ascii_run_len(bytes: &[u8]) -> usize {
        let mut len = 0;
        while let Some(&byte) = bytes.get(len) {
            if is_visible_ascii(&byte) {
                len += 1;
            } else if byte == b' ' && bytes.get(len + 1).is_some_and(is_visible_ascii) {
                len += 2;
            } else {
                break;
            }
        }
        len
    }

    proptest::proptest! {
        /// Eight bytes at a time never takes a byte the byte-at-a-time rule
        /// would not, and stops short of it by a whole word only at a space.
        #[test]
        fn ascii_words_are_what_the_bytewise_rule_takes(
            text in "([a~!]{1,5}[ ]{0,2}){0,8}[a \n\t\u{1f}\u{7f}\u{e9}]{0,4}([a~!]{1,5} ?){0,6}",
            start in 0usize..8,
        ) {
            let bytes = text.as_bytes();
            let bytes = bytes.get(start..).unwrap_or_default();
            let bytes = &bytes[bytes.iter().take_while(|&&b| b == b' ').count()..];
            let taken = ascii_words_len(bytes);
            let run = ascii_run_len(bytes);
            proptest::prop_assert!(taken <= run, "took {} of a run of {}", taken, run);
            proptest::prop_assert!(run - taken < 9 || bytes[taken] == b' ',
                "stopped at {} of a run of {}", taken, run);
        }

        #[test]
        fn folding_maps_every_byte_as_the_reference_does(
            words in proptest::collection::vec("[a-zA-Zé€ 🙂'\"-]{0,6}", 0..8),
            gaps in proptest::collection::vec(proptest::sample::select(
                vec![" ", "  ", "\n  ", "\u{a0}", " \u{2003} ", "\t"]), 8),
            style in 0usize..4,
        ) {
            let body: String = words
                .iter()
                .zip(&gaps)
                .map(|(w, g)| format!("{w}{g}"))
                .collect();
            let body = body.trim_matches(|c: char| c.is_whitespace()).replace(['"', '\''], "x");
            let body = if body.is_empty() { "x".to_owned() } else { body };
            let source = match style {
                0 => format!("stem: {}\n", body.replace('\n', " ")),
                1 => format!("stem: \"{}\"\n", body.replace('\n', " ")),
                2 => format!("stem: >-\n  {}\n", body.replace('\n', "\n  ")),
                _ => format!("stem: |\n  {}\n", body.replace('\n', "\n  ")),
            };
            let parsed = examkit_syntax::parse(&source);
            let Some(node) = parsed.root.as_ref().and_then(|root| root.get("stem")) else {
                return Ok(());
            };
            let prose = Prose::of(node, &source);
            let (text, offsets) = reference(node, &source);
            proptest::prop_assert_eq!(&prose.text, &text);
            for (i, expected) in offsets.iter().enumerate() {
                proptest::prop_assert_eq!(prose.source_offset(i), Some(*expected), "byte {}", i);
            }
            proptest::prop_assert_eq!(prose.source_offset(text.len()), None);
        }
    }
}
