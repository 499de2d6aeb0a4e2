//! A fast path for the YAML that content files are written in: block
//! mappings and sequences with plain keys, one-line plain and quoted
//! scalars, one-line flow sequences of plain scalars, and folded or literal
//! block scalars.
//!
//! It reads a file line by line and builds the same tree, with the same
//! ranges, as the general parser (`saphyr-parser` events); anything else —
//! anchors, tags, flow mappings, multi-line plain or quoted scalars, escapes,
//! tabs, carriage returns, duplicate keys, any error — makes it give up, and
//! the general parser reads the file instead. A differential test holds the
//! two to the same trees on the bundled content, the fixtures, the YAML test
//! suite and random edits of content files.

use compact_str::CompactString;

use crate::TextRange;
use crate::line_index::offset_u32;
use crate::tree::{Entry, Node, NodeKind, Scalar, ScalarStyle};

/// Nesting deeper than this is left to the general parser.
const MAX_NESTING: usize = 32;

/// Mappings with more entries than this are left to the general parser
/// (which finds duplicate keys with an index).
const MAX_ENTRIES: usize = 256;

/// Parses `text` (without a byte order mark; its ranges start at `base`)
/// if it is in the subset this module reads and free of errors.
pub(crate) fn parse(text: &str, base: u32) -> Option<Node> {
    if !plain_characters(text) {
        return None;
    }
    let mut reader = Reader {
        text,
        base,
        lines: lines(text),
        at: 0,
        depth: 0,
        open_entries: Vec::new(),
        open_items: Vec::new(),
    };
    reader.skip_insignificant();
    let first = reader.lines.get(reader.at)?;
    if first.indent != 0 {
        return None;
    }
    let root = reader.block_mapping(0, first.start)?;
    reader.skip_insignificant();
    (reader.at == reader.lines.len()).then_some(root)
}

/// Whether the text uses only characters this module handles: no tabs,
/// carriage returns, other control characters, NEL, or byte order marks and
/// non-characters past the start.
fn plain_characters(text: &str) -> bool {
    let bytes = text.as_bytes();
    if bytes.iter().any(|&b| (b < 0x20 && b != b'\n') || b == 0x7f) {
        return false;
    }
    text.is_ascii()
        || !text.chars().any(|c| {
            matches!(
                c,
                '\u{80}'..='\u{9f}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
            ) || ('\u{2028}'..='\u{2029}').contains(&c)
        })
}

/// One line: where it starts and ends (before its `\n`), its indentation,
/// and whether it holds anything but spaces and a comment.
#[derive(Clone, Copy, Debug)]
struct Line {
    start: usize,
    end: usize,
    indent: usize,
    /// Only spaces.
    blank: bool,
    /// Only spaces, then a comment.
    comment: bool,
}

fn lines(text: &str) -> Vec<Line> {
    let bytes = text.as_bytes();
    let mut lines = Vec::with_capacity(bytes.len() / 24 + 1);
    let mut start = 0;
    while start < bytes.len() {
        let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |i| start + i);
        let indent = bytes[start..end].iter().take_while(|&&b| b == b' ').count();
        let first = bytes
            .get(start + indent)
            .copied()
            .filter(|_| start + indent < end);
        lines.push(Line {
            start,
            end,
            indent,
            blank: first.is_none(),
            comment: first == Some(b'#'),
        });
        start = end + 1;
    }
    lines
}

struct Reader<'a> {
    text: &'a str,
    base: u32,
    lines: Vec<Line>,
    /// The next line to read.
    at: usize,
    depth: usize,
    /// The entries of the mappings being read, the innermost mapping's
    /// last. A mapping moves its own into a vector of their exact number
    /// when it ends: no vector grows entry by entry, none keeps spare room.
    /// A reader that gives up is dropped with whatever is left here.
    open_entries: Vec<Entry>,
    /// The items of the sequences being read, kept the same way.
    open_items: Vec<Node>,
}

impl Reader<'_> {
    fn range(&self, start: usize, end: usize) -> TextRange {
        TextRange::new(self.base + offset_u32(start), self.base + offset_u32(end))
    }

    /// Moves past blank and comment lines.
    fn skip_insignificant(&mut self) {
        while self
            .lines
            .get(self.at)
            .is_some_and(|l| l.blank || l.comment)
        {
            self.at += 1;
        }
    }

    /// The next line that holds something, without moving to it.
    fn next_significant(&self) -> Option<Line> {
        self.lines[self.at..]
            .iter()
            .find(|l| !(l.blank || l.comment))
            .copied()
    }

    /// After an entry or item of a block at column `indent`: moves to the
    /// next significant line and tells whether it continues the block
    /// (`None` when it is deeper, which the subset does not allow).
    fn block_continues(&mut self, indent: usize) -> Option<bool> {
        self.skip_insignificant();
        match self.lines.get(self.at) {
            Some(next) if next.indent == indent => Some(true),
            Some(next) if next.indent > indent => None,
            _ => Some(false),
        }
    }

    fn nest(&mut self) -> Option<()> {
        self.depth += 1;
        (self.depth <= MAX_NESTING).then_some(())
    }

    /// A block mapping whose keys sit at column `indent`; its first key is
    /// on the current line at byte `first_key` (after `- ` for a mapping
    /// inside a sequence item).
    fn block_mapping(&mut self, indent: usize, first_key: usize) -> Option<Node> {
        self.nest()?;
        let first_entry = self.open_entries.len();
        let mut first_key = Some(first_key);
        loop {
            let line = self.lines[self.at];
            let at = first_key.take().unwrap_or(line.start + indent);
            let (key, after_colon) = key_at(self.text, line, at)?;
            // Duplicate keys are the general parser's to report.
            let entries = &self.open_entries[first_entry..];
            if entries.len() >= MAX_ENTRIES
                || entries
                    .iter()
                    .any(|e| e.key.scalar_text() == Some(&self.text[key.0..key.1]))
            {
                return None;
            }
            let key_node = scalar(
                &self.text[key.0..key.1],
                ScalarStyle::Plain,
                self.range(key.0, key.1),
            );
            let value = self.value_after(line, after_colon, indent)?;
            self.open_entries.push(Entry {
                key: key_node,
                value,
            });
            if !self.block_continues(indent)? {
                break;
            }
        }
        self.depth -= 1;
        let entries: Vec<Entry> = self.open_entries.drain(first_entry..).collect();
        let start = entries[0].key.range.start();
        let end = entries
            .last()
            .map_or(start, |e| e.value.range.end().max(e.key.range.end()));
        Some(Node {
            kind: NodeKind::Mapping(entries),
            range: TextRange::new(start, end),
        })
    }

    /// The value of a mapping entry whose `:` ends at byte `after_colon` of
    /// `line` (the current line), in a mapping at column `indent`. Leaves
    /// the reader after the value's last line.
    fn value_after(&mut self, line: Line, after_colon: usize, indent: usize) -> Option<Node> {
        let bytes = self.text.as_bytes();
        let start = skip_spaces(bytes, after_colon, line.end);
        if start == line.end || (bytes[start] == b'#' && start > after_colon) {
            // The value is a block on the next lines.
            self.at += 1;
            let next = self.next_significant()?;
            if next.indent <= indent {
                return None;
            }
            self.skip_insignificant();
            return if is_dash(bytes, next, next.indent) {
                self.block_sequence(next.indent)
            } else {
                self.block_mapping(next.indent, next.start + next.indent)
            };
        }
        self.inline_value(line, start, indent)
    }

    /// A value that starts on `line` at byte `start`, in a block at column
    /// `indent`: a block scalar, a quoted or plain scalar or a flow
    /// sequence. Leaves the reader after its last line.
    fn inline_value(&mut self, line: Line, start: usize, indent: usize) -> Option<Node> {
        let bytes = self.text.as_bytes();
        let node = match bytes[start] {
            b'>' | b'|' => return self.block_scalar(line, start, indent),
            b'"' => double_quoted(self.text, start, line.end)
                .map(|(text, end)| scalar(text, ScalarStyle::Quoted, self.range(start, end)))?,
            b'\'' => {
                let (text, end) = single_quoted(self.text, start, line.end)?;
                scalar(text, ScalarStyle::Quoted, self.range(start, end))
            }
            b'[' => self.flow_sequence(start, line.end)?,
            _ => {
                let end = plain_end(self.text, start, line.end)?;
                scalar(
                    &self.text[start..end],
                    ScalarStyle::Plain,
                    self.range(start, end),
                )
            }
        };
        let end = (node.range.end() - self.base) as usize;
        if !rest_is_comment(bytes, end, line.end) {
            return None;
        }
        self.at += 1;
        // A more-indented line next would continue a plain scalar (or be an
        // error after any other).
        match self.next_significant() {
            Some(next) if next.indent > indent => None,
            _ => Some(node),
        }
    }

    /// A block sequence whose dashes sit at column `indent`, starting on
    /// the current line.
    fn block_sequence(&mut self, indent: usize) -> Option<Node> {
        self.nest()?;
        let bytes = self.text.as_bytes();
        let first_item = self.open_items.len();
        let mut start = None;
        loop {
            let line = self.lines[self.at];
            let dash = line.start + indent;
            if !is_dash(bytes, line, indent) {
                return None;
            }
            start.get_or_insert(dash);
            let item_start = skip_spaces(bytes, dash + 1, line.end);
            if item_start == line.end || item_start == dash + 1 {
                return None;
            }
            let column = item_start - line.start;
            let item = if key_at(self.text, line, item_start).is_some() {
                self.block_mapping(column, item_start)?
            } else if bytes[item_start] == b'-' || bytes[item_start] == b'#' {
                return None;
            } else {
                self.inline_value(line, item_start, indent)?
            };
            self.open_items.push(item);
            if !self.block_continues(indent)? {
                break;
            }
        }
        self.depth -= 1;
        let items: Vec<Node> = self.open_items.drain(first_item..).collect();
        let start = self.base + offset_u32(start?);
        let end = items.last().map_or(start, |n: &Node| n.range.end());
        Some(Node {
            kind: NodeKind::Sequence(items),
            range: TextRange::new(start, end),
        })
    }

    /// A folded (`>`) or literal (`|`) block scalar whose indicator is at
    /// byte `at` of `line`, in a block at column `indent`. Keeping chomping
    /// (`+`), indentation indicators, leading blank lines, more-indented
    /// folded lines and whitespace-only lines deeper than the content are
    /// left to the general parser.
    fn block_scalar(&mut self, line: Line, at: usize, indent: usize) -> Option<Node> {
        let bytes = self.text.as_bytes();
        let folded = bytes[at] == b'>';
        let mut after = at + 1;
        let strip = match bytes.get(after) {
            Some(b'-') => {
                after += 1;
                true
            }
            _ => false,
        };
        if after < line.end && bytes[after] != b' ' {
            return None;
        }
        if !rest_is_comment(bytes, after, line.end) {
            return None;
        }
        let first = *self.lines.get(self.at + 1)?;
        if first.blank || first.indent <= indent {
            return None;
        }
        let content_indent = first.indent;
        let mut last = self.at + 1;
        let mut end_line = self.at + 1;
        for (i, l) in self.lines.iter().enumerate().skip(self.at + 1) {
            if l.blank {
                if l.end - l.start > content_indent {
                    return None;
                }
                continue;
            }
            if l.indent < content_indent {
                break;
            }
            if folded && l.indent > content_indent {
                return None;
            }
            last = i;
            end_line = i + 1;
        }
        // The scalar's range runs to the first character of the line that
        // ends it (past trailing blank lines), or to the end of the text.
        let mut stop = end_line;
        while self.lines.get(stop).is_some_and(|l| l.blank) {
            stop += 1;
        }
        let end = match self.lines.get(stop) {
            Some(l) => l.start + l.indent,
            None => {
                if !self.text.ends_with('\n') {
                    return None;
                }
                self.text.len()
            }
        };
        let body = &self.lines[self.at + 1..=last];
        // Each line's content and one separator (or the final line break).
        let capacity: usize = body
            .iter()
            .map(|l| (l.end - l.start).saturating_sub(content_indent) + 1)
            .sum();
        let mut text = String::with_capacity(capacity);
        let mut breaks = 0usize;
        for l in body {
            if l.blank {
                breaks += 1;
                continue;
            }
            let content = &self.text[l.start + content_indent..l.end];
            if !text.is_empty() || breaks > 0 {
                if folded {
                    if breaks == 0 {
                        text.push(' ');
                    }
                    for _ in 0..breaks {
                        text.push('\n');
                    }
                } else {
                    for _ in 0..=breaks {
                        text.push('\n');
                    }
                }
            }
            breaks = 0;
            text.push_str(content);
        }
        if !strip {
            text.push('\n');
        }
        let start = first.start + content_indent;
        self.at = stop;
        Some(scalar(text, ScalarStyle::Quoted, self.range(start, end)))
    }

    /// A flow sequence of plain and quoted scalars on one line, from `[` at
    /// `start`.
    fn flow_sequence(&self, start: usize, line_end: usize) -> Option<Node> {
        let bytes = self.text.as_bytes();
        let mut items = Vec::new();
        let mut at = skip_spaces(bytes, start + 1, line_end);
        if bytes.get(at) == Some(&b']') {
            return Some(Node {
                kind: NodeKind::Sequence(items),
                range: self.range(start, at + 1),
            });
        }
        loop {
            let (item, next) = match *bytes.get(at).filter(|_| at < line_end)? {
                b'"' => {
                    let (text, end) = double_quoted(self.text, at, line_end)?;
                    let node = scalar(text, ScalarStyle::Quoted, self.range(at, end));
                    (node, skip_spaces(bytes, end, line_end))
                }
                b'\'' => {
                    let (text, end) = single_quoted(self.text, at, line_end)?;
                    let node = scalar(text, ScalarStyle::Quoted, self.range(at, end));
                    (node, skip_spaces(bytes, end, line_end))
                }
                _ => {
                    let stop = at + memchr::memchr2(b',', b']', &bytes[at..line_end])?;
                    let item = self.text[at..stop].trim_end_matches(' ');
                    if !flow_plain(item) {
                        return None;
                    }
                    let end = at + item.len();
                    (
                        scalar(item, ScalarStyle::Plain, self.range(at, end)),
                        skip_spaces(bytes, end, line_end),
                    )
                }
            };
            items.push(item);
            match bytes.get(next).filter(|_| next < line_end)? {
                b',' => at = skip_spaces(bytes, next + 1, line_end),
                b']' => {
                    return Some(Node {
                        kind: NodeKind::Sequence(items),
                        range: self.range(start, next + 1),
                    });
                }
                _ => return None,
            }
        }
    }
}

/// A scalar node. Text built here (a `String`) keeps its buffer when long;
/// borrowed text is copied, short text of either kind is stored inline.
fn scalar(text: impl Into<CompactString>, style: ScalarStyle, range: TextRange) -> Node {
    Node {
        kind: NodeKind::Scalar(Scalar {
            text: text.into(),
            style,
        }),
        range,
    }
}

fn skip_spaces(bytes: &[u8], mut at: usize, end: usize) -> usize {
    while at < end && bytes[at] == b' ' {
        at += 1;
    }
    at
}

/// Whether nothing but spaces, or spaces and then a comment, follows byte
/// `at` up to `end`.
fn rest_is_comment(bytes: &[u8], at: usize, end: usize) -> bool {
    let next = skip_spaces(bytes, at, end);
    next == end || (bytes[next] == b'#' && next > at)
}

/// Whether `line` has a sequence dash at column `indent`, followed by a
/// space or the end of the line.
fn is_dash(bytes: &[u8], line: Line, indent: usize) -> bool {
    let dash = line.start + indent;
    line.indent == indent
        && bytes.get(dash) == Some(&b'-')
        && (dash + 1 == line.end || bytes.get(dash + 1) == Some(&b' '))
}

/// A plain key at byte `at` of `line`: letters, digits, `_`, `-`, `.` and
/// `/`, starting with a letter, digit or `_`, then `:` and a space or the
/// end of the line. The key's bytes and the byte after its colon.
fn key_at(text: &str, line: Line, at: usize) -> Option<((usize, usize), usize)> {
    let bytes = text.as_bytes();
    let first = *bytes.get(at).filter(|_| at < line.end)?;
    if !(first.is_ascii_alphanumeric() || first == b'_') {
        return None;
    }
    let mut end = at;
    while end < line.end
        && (bytes[end].is_ascii_alphanumeric() || matches!(bytes[end], b'_' | b'-' | b'.' | b'/'))
    {
        end += 1;
    }
    if bytes.get(end) != Some(&b':') || end >= line.end {
        return None;
    }
    let after = end + 1;
    (after == line.end || bytes[after] == b' ').then_some(((at, end), after))
}

/// The end of a one-line plain scalar starting at `start`: before a
/// comment or trailing spaces. `None` for what a plain scalar cannot start
/// with or hold here (indicators, `: `, a trailing `:`).
fn plain_end(text: &str, start: usize, line_end: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    if matches!(
        bytes[start],
        b'-' | b'?'
            | b':'
            | b','
            | b'['
            | b']'
            | b'{'
            | b'}'
            | b'#'
            | b'&'
            | b'*'
            | b'!'
            | b'|'
            | b'>'
            | b'\''
            | b'"'
            | b'%'
            | b'@'
            | b'`'
    ) {
        return None;
    }
    let line = &text[start..line_end];
    let body = match line.find(" #") {
        Some(comment) => &line[..comment],
        None => line,
    };
    let body = body.trim_end_matches(' ');
    if body.contains(": ") || body.ends_with(':') {
        return None;
    }
    Some(start + body.len())
}

/// A plain scalar inside a flow sequence: not empty, without flow
/// indicators, quotes, comments or colons, no word starting with an indicator.
fn flow_plain(item: &str) -> bool {
    // Every word is held to what may start a plain scalar: the general
    // parser rejects, for one, a `-` after a space right before `]` or `,`.
    let starts_plain = |word: &str| {
        !matches!(
            word.as_bytes()[0],
            b'-' | b'?' | b'&' | b'*' | b'!' | b'|' | b'>' | b'%' | b'@' | b'`'
        )
    };
    !item.is_empty()
        && item.split(' ').filter(|w| !w.is_empty()).all(starts_plain)
        && !item.bytes().any(|b| {
            matches!(
                b,
                b'[' | b']' | b'{' | b'}' | b'#' | b'\'' | b'"' | b':' | b','
            )
        })
}

/// A double-quoted scalar on one line without escapes, from its opening
/// quote at `start`: its text and the byte after its closing quote.
fn double_quoted(text: &str, start: usize, line_end: usize) -> Option<(&str, usize)> {
    let bytes = text.as_bytes();
    let close = start + 1 + memchr::memchr2(b'"', b'\\', &bytes[start + 1..line_end])?;
    (bytes[close] == b'"').then(|| (&text[start + 1..close], close + 1))
}

/// A single-quoted scalar on one line, from its opening quote at `start`:
/// its text (`''` read as `'`) and the byte after its closing quote.
fn single_quoted(text: &str, start: usize, line_end: usize) -> Option<(String, usize)> {
    let bytes = text.as_bytes();
    let mut value = String::new();
    let mut from = start + 1;
    loop {
        let quote = from + memchr::memchr(b'\'', &bytes[from..line_end])?;
        value.push_str(&text[from..quote]);
        if bytes.get(quote + 1) == Some(&b'\'') && quote + 1 < line_end {
            value.push('\'');
            from = quote + 2;
        } else {
            return Some((value, quote + 1));
        }
    }
}
