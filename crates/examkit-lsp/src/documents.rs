//! Open documents: the editor's text of each, kept in a rope and changed by
//! the client's incremental edits, strictly in the order they arrive.
//!
//! Positions from the client are clamped, never trusted: a line past the end
//! means the end of the document, a column past the end of a line means the
//! end of that line, and a column inside a character means its start.

use std::collections::HashMap;
use std::path::PathBuf;

use examkit_syntax::PositionEncoding;
use ropey::{Rope, RopeSlice};
use tower_lsp_server::ls_types::{Position, TextDocumentContentChangeEvent, Uri};

/// One document the client has open.
#[derive(Clone, Debug)]
pub struct Document {
    /// The client's URI for it (used verbatim in everything sent back).
    pub uri: Uri,
    /// The client's version of the text.
    pub version: i32,
    /// The text.
    pub rope: Rope,
}

/// Every open document, by file path.
#[derive(Debug, Default)]
pub struct Documents {
    docs: HashMap<PathBuf, Document>,
}

impl Documents {
    /// Records a newly opened document.
    pub fn open(&mut self, path: PathBuf, uri: Uri, version: i32, text: &str) -> &Document {
        let doc = Document {
            uri,
            version,
            rope: Rope::from_str(text),
        };
        self.docs.insert(path.clone(), doc);
        &self.docs[&path]
    }

    /// Applies one `didChange`: its changes in order, then its version.
    /// Returns `None` for a document that is not open.
    pub fn change(
        &mut self,
        path: &PathBuf,
        version: i32,
        changes: &[TextDocumentContentChangeEvent],
        encoding: PositionEncoding,
    ) -> Option<&Document> {
        let doc = self.docs.get_mut(path)?;
        for change in changes {
            apply_change(&mut doc.rope, change, encoding);
        }
        doc.version = version;
        Some(doc)
    }

    /// Forgets a closed document.
    pub fn close(&mut self, path: &PathBuf) -> Option<Document> {
        self.docs.remove(path)
    }

    /// The open document at `path`.
    #[must_use]
    pub fn get(&self, path: &PathBuf) -> Option<&Document> {
        self.docs.get(path)
    }

    /// Every open document.
    pub fn iter(&self) -> impl Iterator<Item = (&PathBuf, &Document)> {
        self.docs.iter()
    }
}

/// The text of `rope` as one string, allocated once at its full length
/// (`Rope::to_string` grows the string chunk by chunk, copying it again at
/// every doubling).
#[must_use]
pub fn text_of(rope: &Rope) -> String {
    let mut text = String::with_capacity(rope.len_bytes());
    for chunk in rope.chunks() {
        text.push_str(chunk);
    }
    text
}

/// Applies one content change to a rope: a ranged replacement, or the whole
/// text when the change has no range.
pub fn apply_change(
    rope: &mut Rope,
    change: &TextDocumentContentChangeEvent,
    enc: PositionEncoding,
) {
    match change.range {
        None => *rope = Rope::from_str(&change.text),
        Some(range) => {
            let a = char_index(rope, range.start, enc);
            let b = char_index(rope, range.end, enc);
            let (start, end) = if a <= b { (a, b) } else { (b, a) };
            if start < end {
                rope.remove(start..end);
            }
            if !change.text.is_empty() {
                rope.insert(start, &change.text);
            }
        }
    }
}

/// The width of a character in the units of `enc`.
#[must_use]
pub fn char_width(ch: char, enc: PositionEncoding) -> u32 {
    match enc {
        PositionEncoding::Utf8 => ch.len_utf8() as u32,
        PositionEncoding::Utf16 => ch.len_utf16() as u32,
        PositionEncoding::Utf32 => 1,
    }
}

/// The number of characters of a line slice without its line break.
fn content_chars(line: RopeSlice<'_>) -> usize {
    let mut end = line.len_chars();
    if end > 0 && line.char(end - 1) == '\n' {
        end -= 1;
    }
    if end > 0 && line.char(end - 1) == '\r' {
        end -= 1;
    }
    end
}

/// The character index of a client position, clamped into the text.
#[must_use]
pub fn char_index(rope: &Rope, pos: Position, enc: PositionEncoding) -> usize {
    let line = pos.line as usize;
    if line >= rope.len_lines() {
        return rope.len_chars();
    }
    let start = rope.line_to_char(line);
    let slice = rope.line(line);
    let end = content_chars(slice);
    let mut units = 0u32;
    let mut index = 0usize;
    for ch in slice.chars().take(end) {
        let width = char_width(ch, enc);
        if units + width > pos.character {
            break;
        }
        units += width;
        index += 1;
    }
    start + index
}

/// The client position of a character index.
#[cfg(test)]
#[must_use]
pub fn position_of_char(rope: &Rope, char_idx: usize, enc: PositionEncoding) -> Position {
    let char_idx = char_idx.min(rope.len_chars());
    let line = rope.char_to_line(char_idx);
    let start = rope.line_to_char(line);
    let col: u32 = rope
        .slice(start..char_idx)
        .chars()
        .map(|c| char_width(c, enc))
        .sum();
    Position::new(u32::try_from(line).unwrap_or(u32::MAX), col)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower_lsp_server::ls_types::Range;

    fn change(sl: u32, sc: u32, el: u32, ec: u32, text: &str) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: Some(Range::new(Position::new(sl, sc), Position::new(el, ec))),
            range_length: None,
            text: text.to_owned(),
        }
    }

    #[test]
    fn utf16_edits_after_emoji_land_on_the_right_character() {
        let mut rope = Rope::from_str("a😀b\n漢c\n");
        // After the emoji (2 UTF-16 units) comes `b` at column 3.
        apply_change(&mut rope, &change(0, 3, 0, 4, "B"), PositionEncoding::Utf16);
        apply_change(&mut rope, &change(1, 1, 1, 2, "C"), PositionEncoding::Utf16);
        assert_eq!(rope.to_string(), "a😀B\n漢C\n");
        // The same edit in UTF-8 columns: the emoji is 4 bytes.
        let mut rope = Rope::from_str("a😀b\n");
        apply_change(&mut rope, &change(0, 5, 0, 6, "B"), PositionEncoding::Utf8);
        assert_eq!(rope.to_string(), "a😀B\n");
    }

    #[test]
    fn out_of_range_positions_clamp() {
        let mut rope = Rope::from_str("ab\r\ncd");
        // A column past the end of line 0 stops before its CRLF.
        assert_eq!(
            char_index(&rope, Position::new(0, 99), PositionEncoding::Utf16),
            2
        );
        // A line past the end is the end of the text.
        assert_eq!(
            char_index(&rope, Position::new(9, 0), PositionEncoding::Utf16),
            6
        );
        apply_change(&mut rope, &change(7, 0, 8, 3, "!"), PositionEncoding::Utf16);
        assert_eq!(rope.to_string(), "ab\r\ncd!");
        // Reversed ranges are taken the right way round.
        apply_change(&mut rope, &change(0, 2, 0, 0, "x"), PositionEncoding::Utf16);
        assert_eq!(rope.to_string(), "x\r\ncd!");
        // A column inside a surrogate pair means the character's start.
        let rope = Rope::from_str("😀x");
        assert_eq!(
            char_index(&rope, Position::new(0, 1), PositionEncoding::Utf16),
            0
        );
    }

    #[test]
    fn full_replacement() {
        let mut rope = Rope::from_str("old");
        let full = TextDocumentContentChangeEvent {
            range: None,
            range_length: None,
            text: "new text".to_owned(),
        };
        apply_change(&mut rope, &full, PositionEncoding::Utf16);
        assert_eq!(rope.to_string(), "new text");
        assert_eq!(
            position_of_char(&rope, 4, PositionEncoding::Utf16),
            Position::new(0, 4)
        );
    }
}
