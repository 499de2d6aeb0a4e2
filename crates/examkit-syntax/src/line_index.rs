//! Conversion between byte offsets and line/column positions.
//!
//! One index of line starts serves every consumer: the CLI renders 1-based
//! character columns, the language server speaks UTF-8 or UTF-16 code units.
//! `\r\n` counts as one line break, so CRLF files report the same line
//! numbers as LF files.

use crate::TextRange;

/// How a column counts the characters before it on its line.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum PositionEncoding {
    /// Bytes of UTF-8.
    Utf8,
    /// Code units of UTF-16 (the Language Server Protocol's default).
    Utf16,
    /// Unicode scalar values (characters).
    Utf32,
}

/// A zero-based line and column.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LineCol {
    /// The line, counted from 0.
    pub line: u32,
    /// The column, counted from 0 in the units of the encoding asked for.
    pub col: u32,
}

/// The start offsets of every line of one text.
#[derive(Clone, Debug)]
pub struct LineIndex {
    line_starts: Vec<u32>,
    ascii: bool,
    len: u32,
}

impl LineIndex {
    /// Indexes `text`.
    #[must_use]
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut line_starts = Vec::with_capacity(bytes.len() / 32 + 1);
        line_starts.push(0);
        line_starts.extend(memchr::memchr_iter(b'\n', bytes).map(|i| offset_u32(i + 1)));
        Self {
            line_starts,
            ascii: text.is_ascii(),
            len: offset_u32(bytes.len()),
        }
    }

    /// The number of lines (a text ending in a line break has an empty last line).
    #[must_use]
    pub fn line_count(&self) -> u32 {
        offset_u32(self.line_starts.len())
    }

    /// The line holding `offset` (clamped to the text).
    #[must_use]
    pub fn line_of(&self, offset: u32) -> u32 {
        let offset = offset.min(self.len);
        match self.line_starts.binary_search(&offset) {
            Ok(line) => offset_u32(line),
            Err(next) => offset_u32(next.saturating_sub(1)),
        }
    }

    /// The byte range of `line` without its line break (`\n` or `\r\n`).
    #[must_use]
    pub fn line_range(&self, line: u32, text: &str) -> TextRange {
        let Some(&start) = self.line_starts.get(line as usize) else {
            return TextRange::empty(self.len);
        };
        let mut end = self
            .line_starts
            .get(line as usize + 1)
            .map_or(self.len, |next| next - 1);
        if end > start && text.as_bytes().get(end as usize - 1) == Some(&b'\r') {
            end -= 1;
        }
        TextRange::new(start, end.max(start))
    }

    /// The position of `offset` in `text` with columns counted in `encoding`.
    /// An offset inside a multi-byte character counts as that character's start.
    #[must_use]
    pub fn position(&self, offset: u32, text: &str, encoding: PositionEncoding) -> LineCol {
        let offset = offset.min(self.len);
        let line = self.line_of(offset);
        let start = self.line_starts[line as usize];
        if self.ascii {
            return LineCol {
                line,
                col: offset - start,
            };
        }
        let before = floor_slice(text, start as usize, offset as usize);
        let col = match encoding {
            PositionEncoding::Utf8 => before.len(),
            PositionEncoding::Utf16 => before.chars().map(char::len_utf16).sum(),
            PositionEncoding::Utf32 => before.chars().count(),
        };
        LineCol {
            line,
            col: offset_u32(col),
        }
    }

    /// The byte offset of a line and column counted in `encoding`. Positions
    /// past the end of a line clamp to its end, lines past the end of the text
    /// clamp to the text's end, and a column inside a character clamps to the
    /// character's start: a client's position never makes this fail.
    #[must_use]
    pub fn offset(&self, position: LineCol, text: &str, encoding: PositionEncoding) -> u32 {
        if position.line as usize >= self.line_starts.len() {
            return self.len;
        }
        let range = self.line_range(position.line, text);
        let line_text = range.slice(text);
        if self.ascii {
            return range.start() + position.col.min(range.len());
        }
        let mut units = 0u32;
        for (byte, ch) in line_text.char_indices() {
            if units >= position.col {
                return range.start() + offset_u32(byte);
            }
            units += match encoding {
                PositionEncoding::Utf8 => offset_u32(ch.len_utf8()),
                PositionEncoding::Utf16 => offset_u32(ch.len_utf16()),
                PositionEncoding::Utf32 => 1,
            };
            if units > position.col {
                return range.start() + offset_u32(byte);
            }
        }
        range.end()
    }
}

/// `text[start..end]`, with `end` moved back to a character boundary.
fn floor_slice(text: &str, start: usize, mut end: usize) -> &str {
    while end > start && !text.is_char_boundary(end) {
        end -= 1;
    }
    text.get(start..end).unwrap_or("")
}

/// Converts an offset that is known to fit (files are capped far below 4 GiB).
pub(crate) fn offset_u32(offset: usize) -> u32 {
    u32::try_from(offset).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crlf_and_lf_give_the_same_lines() {
        let lf = "a: 1\nb: 2\n";
        let crlf = "a: 1\r\nb: 2\r\n";
        let lf_index = LineIndex::new(lf);
        let crlf_index = LineIndex::new(crlf);
        let b_lf = lf.find('b').unwrap() as u32;
        let b_crlf = crlf.find('b').unwrap() as u32;
        assert_eq!(
            lf_index.position(b_lf, lf, PositionEncoding::Utf16),
            crlf_index.position(b_crlf, crlf, PositionEncoding::Utf16)
        );
        assert_eq!(crlf_index.line_range(0, crlf).slice(crlf), "a: 1");
    }

    #[test]
    fn utf16_columns_count_surrogate_pairs() {
        let text = "stem: 😀 漢 x";
        let index = LineIndex::new(text);
        let x = text.find('x').unwrap() as u32;
        // "stem: " = 6, emoji = 2 units, space, CJK = 1 unit, space.
        assert_eq!(index.position(x, text, PositionEncoding::Utf16).col, 11);
        assert_eq!(index.position(x, text, PositionEncoding::Utf32).col, 10);
        assert_eq!(index.position(x, text, PositionEncoding::Utf8).col, x);
        for encoding in [
            PositionEncoding::Utf8,
            PositionEncoding::Utf16,
            PositionEncoding::Utf32,
        ] {
            let pos = index.position(x, text, encoding);
            assert_eq!(index.offset(pos, text, encoding), x);
        }
    }

    #[test]
    fn out_of_range_positions_clamp() {
        let text = "ab\ncd";
        let index = LineIndex::new(text);
        let far = LineCol { line: 0, col: 99 };
        assert_eq!(index.offset(far, text, PositionEncoding::Utf16), 2);
        let below = LineCol { line: 9, col: 0 };
        assert_eq!(index.offset(below, text, PositionEncoding::Utf16), 5);
        assert_eq!(index.position(99, text, PositionEncoding::Utf8).line, 1);
        // A UTF-16 column inside a surrogate pair lands on the character's start.
        let emoji = "😀x";
        let emoji_index = LineIndex::new(emoji);
        let mid = LineCol { line: 0, col: 1 };
        assert_eq!(emoji_index.offset(mid, emoji, PositionEncoding::Utf16), 0);
    }
}
