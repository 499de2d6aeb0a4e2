//! Where the cursor is, in YAML terms, read from the lines of the text alone.
//!
//! While an author types, the document is mostly not valid YAML, and the
//! last analysis is of an older version. So completion, hover and navigation
//! read the structure from the current text by indentation: the chain of keys
//! and sequence items that leads to the cursor, the keys already present
//! beside it, and the word being typed. This needs only the lines from the
//! cursor up to its ancestors, so it costs little even in a large file.
//!
//! Columns here are byte offsets within a line.

use std::borrow::Cow;

use ropey::Rope;

/// A source of lines without their line breaks.
pub trait Lines {
    /// How many lines there are.
    fn line_count(&self) -> usize;
    /// Line `i` without its line break (empty past the end).
    fn line(&self, i: usize) -> Cow<'_, str>;
    /// The lines above line `i`, nearest first, with their numbers.
    fn above(&self, i: usize) -> Box<dyn Iterator<Item = (usize, Cow<'_, str>)> + '_> {
        Box::new(
            (0..i.min(self.line_count()))
                .rev()
                .map(move |l| (l, self.line(l))),
        )
    }
    /// The lines below line `i`, nearest first, with their numbers.
    fn below(&self, i: usize) -> Box<dyn Iterator<Item = (usize, Cow<'_, str>)> + '_> {
        Box::new((i + 1..self.line_count()).map(move |l| (l, self.line(l))))
    }
}

fn slice_text(slice: ropey::RopeSlice<'_>) -> Cow<'_, str> {
    match slice.as_str() {
        Some(s) => Cow::Borrowed(strip_break(s)),
        None => Cow::Owned(strip_break(&slice.to_string()).to_owned()),
    }
}

impl Lines for Rope {
    fn line_count(&self) -> usize {
        self.len_lines()
    }

    fn line(&self, i: usize) -> Cow<'_, str> {
        if i >= self.len_lines() {
            return Cow::Borrowed("");
        }
        slice_text(Rope::line(self, i))
    }

    // Walking a rope line by line is cheaper than looking each line up.
    fn above(&self, i: usize) -> Box<dyn Iterator<Item = (usize, Cow<'_, str>)> + '_> {
        let i = i.min(self.len_lines());
        let mut lines = self.lines_at(i);
        let mut l = i;
        Box::new(std::iter::from_fn(move || {
            let slice = lines.prev()?;
            l -= 1;
            Some((l, slice_text(slice)))
        }))
    }

    fn below(&self, i: usize) -> Box<dyn Iterator<Item = (usize, Cow<'_, str>)> + '_> {
        let start = (i + 1).min(self.len_lines());
        let lines = self.lines_at(start);
        Box::new(
            lines
                .enumerate()
                .map(move |(k, slice)| (start + k, slice_text(slice))),
        )
    }
}

/// The lines of a string, for tests and for analysed text.
pub struct StrLines<'a> {
    lines: Vec<&'a str>,
}

impl<'a> StrLines<'a> {
    /// Splits `text` at LF, CRLF and CR.
    #[must_use]
    pub fn new(text: &'a str) -> Self {
        let mut lines = Vec::new();
        let bytes = text.as_bytes();
        let mut start = 0;
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\n' => {
                    lines.push(&text[start..i]);
                    start = i + 1;
                }
                b'\r' => {
                    lines.push(&text[start..i]);
                    if bytes.get(i + 1) == Some(&b'\n') {
                        i += 1;
                    }
                    start = i + 1;
                }
                _ => {}
            }
            i += 1;
        }
        lines.push(&text[start..]);
        Self { lines }
    }
}

impl Lines for StrLines<'_> {
    fn line_count(&self) -> usize {
        self.lines.len()
    }

    fn line(&self, i: usize) -> Cow<'_, str> {
        Cow::Borrowed(self.lines.get(i).copied().unwrap_or(""))
    }
}

fn strip_break(s: &str) -> &str {
    let s = s.strip_suffix('\n').unwrap_or(s);
    s.strip_suffix('\r').unwrap_or(s)
}

/// One step of a path from the document root.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// The value under a mapping key.
    Key(String),
    /// An item of a sequence (which one does not matter to the schema).
    Item,
}

/// What follows a key's colon on its line.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum ValueKind {
    /// Nothing (or a comment): the value is on the following lines.
    Empty,
    /// `|` or `>`: a block scalar on the following lines.
    BlockScalar,
    /// `[`: a flow sequence.
    FlowSeq,
    /// `{`: a flow mapping.
    FlowMap,
    /// Any other scalar.
    Scalar,
}

/// A `key:` at the start of a line's body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyInfo {
    /// The key's text (without quotes).
    pub name: String,
    /// Column of the key's first character (its quote, if quoted).
    pub start: usize,
    /// Column just after the key (after its closing quote).
    pub end: usize,
    /// Column of the colon.
    pub colon: usize,
    /// Column of the value's first character, if any on this line.
    pub value_start: Option<usize>,
    /// What the value is.
    pub value: ValueKind,
}

/// The structure at the start of one line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LineInfo {
    /// Column of the first character that is not a space.
    pub indent: usize,
    /// Columns of the leading `- ` markers.
    pub dashes: Vec<usize>,
    /// Column of what follows the markers, if anything does.
    pub body: Option<usize>,
    /// The key the body starts with, if it does.
    pub key: Option<KeyInfo>,
    /// Blank or only a comment.
    pub blank: bool,
    /// A `---` or `...` document marker.
    pub doc_marker: bool,
}

/// Reads the structure at the start of a line.
#[must_use]
pub fn parse_line(line: &str) -> LineInfo {
    let bytes = line.as_bytes();
    let indent = bytes.iter().take_while(|&&b| b == b' ').count();
    let mut info = LineInfo {
        indent,
        ..LineInfo::default()
    };
    if indent >= bytes.len() || bytes[indent] == b'#' {
        info.blank = true;
        return info;
    }
    if indent == 0 && (line.starts_with("---") || line.starts_with("...")) {
        let rest = &bytes[3..];
        if rest.is_empty() || rest[0] == b' ' || rest[0] == b'\t' {
            info.doc_marker = true;
            return info;
        }
    }
    let mut i = indent;
    while i < bytes.len() && bytes[i] == b'-' && (i + 1 == bytes.len() || bytes[i + 1] == b' ') {
        info.dashes.push(i);
        i += 1;
        while i < bytes.len() && bytes[i] == b' ' {
            i += 1;
        }
    }
    if i < bytes.len() && bytes[i] != b'#' {
        info.body = Some(i);
        info.key = parse_key(line, i);
    }
    info
}

fn parse_key(line: &str, start: usize) -> Option<KeyInfo> {
    let bytes = line.as_bytes();
    let first = *bytes.get(start)?;
    let (name, end) = if first == b'"' || first == b'\'' {
        let close = line[start + 1..].find(first as char)? + start + 1;
        (line[start + 1..close].to_owned(), close + 1)
    } else {
        if b"[{#|>&*!%@`,?]}".contains(&first) {
            return None;
        }
        let mut j = start;
        let mut found = None;
        while j < bytes.len() {
            if bytes[j] == b':' && (j + 1 == bytes.len() || bytes[j + 1] == b' ') {
                found = Some(j);
                break;
            }
            if bytes[j] == b'#' && j > start && bytes[j - 1] == b' ' {
                return None;
            }
            j += 1;
        }
        let colon = found?;
        let name = line[start..colon].trim_end();
        (name.to_owned(), start + name.len())
    };
    // The colon follows the key (after optional spaces).
    let mut colon = end;
    while colon < bytes.len() && bytes[colon] == b' ' {
        colon += 1;
    }
    if bytes.get(colon) != Some(&b':') || !(colon + 1 == bytes.len() || bytes[colon + 1] == b' ') {
        return None;
    }
    let mut v = colon + 1;
    while v < bytes.len() && bytes[v] == b' ' {
        v += 1;
    }
    let (value_start, value) = match bytes.get(v) {
        None | Some(b'#') => (None, ValueKind::Empty),
        Some(b'|' | b'>') => (Some(v), ValueKind::BlockScalar),
        Some(b'[') => (Some(v), ValueKind::FlowSeq),
        Some(b'{') => (Some(v), ValueKind::FlowMap),
        Some(_) => (Some(v), ValueKind::Scalar),
    };
    Some(KeyInfo {
        name,
        start,
        end,
        colon,
        value_start,
        value,
    })
}

/// The indentation of a line and its first other byte, cheaply: walks use
/// it to skip the many lines that cannot matter before parsing any.
fn quick(line: &str) -> (usize, Option<u8>) {
    let bytes = line.as_bytes();
    let indent = bytes.iter().take_while(|&&b| b == b' ').count();
    match bytes.get(indent) {
        None | Some(b'#') => (indent, None),
        Some(&b) => (indent, Some(b)),
    }
}

/// Whether a walk can skip a line without parsing it: blank, a comment,
/// deeper than `col`, or (when `items` is set) a sequence item at `col`.
fn skippable(line: &str, col: usize, items: bool) -> bool {
    let (indent, first) = quick(line);
    match first {
        None => true,
        Some(b'-') if indent == 0 && line.starts_with("---") => false,
        Some(b'.') if indent == 0 && line.starts_with("...") => false,
        Some(b'-') if items && indent == col => {
            matches!(line.as_bytes().get(indent + 1), None | Some(b' '))
        }
        Some(_) => indent > col,
    }
}

/// Guards against pathological inputs: how far up a walk may go.
const MAX_WALK: usize = 200_000;

fn repeat_item(mut path: Vec<Step>, n: usize) -> Vec<Step> {
    path.extend(std::iter::repeat_n(Step::Item, n));
    path
}

/// The path to the mapping that holds a key at column `col` of line `line`
/// (not counting keys on `line` itself). `None` when the column is inside a
/// scalar or a flow collection rather than a mapping.
#[must_use]
pub fn mapping_container(lines: &dyn Lines, line: usize, col: usize) -> Option<Vec<Step>> {
    for (l, text) in lines.above(line).take(MAX_WALK) {
        if skippable(&text, col, false) {
            continue;
        }
        let info = parse_line(&text);
        if info.doc_marker {
            return Some(Vec::new());
        }
        if info.blank || info.indent >= col {
            // Deeper lines belong to siblings; lines at the same column are
            // sibling keys (or an indentless sequence of one).
            continue;
        }
        if info.body == Some(col) || (info.body.is_none() && !info.dashes.is_empty()) {
            // The first key of this mapping follows `- ` markers here.
            return Some(repeat_item(
                seq_container(lines, l, &info, info.dashes[0])?,
                info.dashes.len(),
            ));
        }
        if let Some(key) = &info.key
            && key.start < col
        {
            return match key.value {
                ValueKind::Empty => {
                    let mut path = key_path(lines, l, &info)?;
                    path.push(Step::Key(key.name.clone()));
                    Some(path)
                }
                _ => None,
            };
        }
        return None;
    }
    Some(Vec::new())
}

/// The path to the mapping that holds the key on line `l`.
fn key_path(lines: &dyn Lines, l: usize, info: &LineInfo) -> Option<Vec<Step>> {
    let key = info.key.as_ref()?;
    if info.dashes.is_empty() {
        mapping_container(lines, l, key.start)
    } else {
        Some(repeat_item(
            seq_container(lines, l, info, info.dashes[0])?,
            info.dashes.len(),
        ))
    }
}

/// The path to the sequence whose item marker is at column `dash` of line `l`.
fn seq_container(lines: &dyn Lines, l: usize, info: &LineInfo, dash: usize) -> Option<Vec<Step>> {
    if let Some(j) = info.dashes.iter().position(|&d| d == dash)
        && j > 0
    {
        return Some(repeat_item(
            seq_container(lines, l, info, info.dashes[0])?,
            j,
        ));
    }
    for (up, text) in lines.above(l).take(MAX_WALK) {
        if skippable(&text, dash, true) {
            continue;
        }
        let above = parse_line(&text);
        if above.doc_marker {
            return Some(Vec::new());
        }
        if above.blank || above.indent > dash {
            continue;
        }
        if above.indent == dash && !above.dashes.is_empty() {
            continue; // an earlier item of the same sequence
        }
        if let Some(key) = &above.key
            && key.start <= dash
        {
            if key.value != ValueKind::Empty {
                return None;
            }
            let mut path = key_path(lines, up, &above)?;
            path.push(Step::Key(key.name.clone()));
            return Some(path);
        }
        if above.body.is_none() && !above.dashes.is_empty() {
            return Some(repeat_item(
                seq_container(lines, up, &above, above.dashes[0])?,
                above.dashes.len(),
            ));
        }
        return None;
    }
    Some(Vec::new())
}

/// The keys present in the mapping whose keys sit at column `col`, found
/// around line `line` (whose own key, if any, is left out).
#[must_use]
pub fn sibling_keys(lines: &dyn Lines, line: usize, col: usize) -> Vec<String> {
    let mut keys = Vec::new();
    for (_, text) in lines.above(line).take(MAX_WALK) {
        if skippable(&text, col, false) {
            continue;
        }
        let info = parse_line(&text);
        if info.doc_marker {
            break;
        }
        if info.blank || info.indent > col {
            continue;
        }
        if info.body == Some(col) || info.indent == col {
            if let Some(key) = info.key
                && key.start == col
            {
                keys.push(key.name);
            }
            if info.indent < col {
                break;
            }
            continue;
        }
        break;
    }
    for (_, text) in lines.below(line).take(MAX_WALK) {
        if skippable(&text, col, false) {
            continue;
        }
        let info = parse_line(&text);
        if info.doc_marker {
            break;
        }
        if info.blank || info.indent > col {
            continue;
        }
        if info.indent < col {
            break;
        }
        if let Some(key) = info.key
            && key.start == col
            && info.dashes.is_empty()
        {
            keys.push(key.name);
        }
    }
    keys
}

/// What the cursor is on or typing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// A key (or nothing yet) in the mapping at `path`.
    Key {
        /// The mapping's path.
        path: Vec<Step>,
        /// The keys already there, besides the one at the cursor.
        existing: Vec<String>,
        /// The key's column.
        indent: usize,
    },
    /// The value of `key` in the mapping at `path`.
    Value {
        /// The mapping's path.
        path: Vec<Step>,
        /// The key.
        key: String,
        /// Whether the value is an item of a flow sequence (`[a, b]`).
        flow_item: bool,
        /// The quote the value is written in, if any.
        quote: Option<char>,
    },
    /// An item of the sequence at `path`.
    Item {
        /// The sequence's path.
        path: Vec<Step>,
        /// Whether the line has its `- ` already.
        dash: bool,
        /// The column of the item marker (or where it goes).
        indent: usize,
    },
    /// A fresh line below a `key:` without value: its first child, a key
    /// or an item depending on what the schema says the value is.
    Child {
        /// The path of the value (ending with the key).
        path: Vec<Step>,
        /// The cursor's column.
        indent: usize,
    },
}

/// The cursor's context: its target and the word under or before it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cursor {
    /// What is at the cursor.
    pub target: Target,
    /// The line.
    pub line: usize,
    /// Byte columns of the word to replace (for completion: its start to the
    /// cursor; for hover: the whole word).
    pub word: (usize, usize),
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'/') || b >= 0x80
}

/// Moves a column back to a character boundary of `s`.
fn floor_boundary(s: &str, mut col: usize) -> usize {
    col = col.min(s.len());
    while col > 0 && !s.is_char_boundary(col) {
        col -= 1;
    }
    col
}

fn in_comment(line: &str, col: usize) -> bool {
    let bytes = line.as_bytes();
    let mut quote: Option<u8> = None;
    for (i, &b) in bytes.iter().enumerate().take(col) {
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'"' || b == b'\'' => quote = Some(b),
            None if b == b'#' && (i == 0 || bytes[i - 1] == b' ') => return true,
            None => {}
        }
    }
    false
}

/// The context for completing at a cursor: the word being typed is the one
/// ending at the cursor.
#[must_use]
pub fn completion_context(lines: &dyn Lines, line: usize, col: usize) -> Option<Cursor> {
    let text = lines.line(line);
    let col = floor_boundary(&text, col);
    let prefix = &text[..col];
    if in_comment(&text, col) {
        return None;
    }
    let info = parse_line(&text);
    if prefix.trim().is_empty() {
        return blank_context(lines, line, col);
    }
    let word_start = {
        let bytes = prefix.as_bytes();
        let mut s = col;
        while s > 0 && is_word_byte(bytes[s - 1]) {
            s -= 1;
        }
        s
    };
    classify(lines, line, &text, &info, col, (word_start, col))
}

/// The context for hover and navigation: the word around the cursor.
#[must_use]
pub fn token_context(lines: &dyn Lines, line: usize, col: usize) -> Option<Cursor> {
    let text = lines.line(line);
    let col = floor_boundary(&text, col);
    if in_comment(&text, col) {
        return None;
    }
    let bytes = text.as_bytes();
    let mut start = col;
    while start > 0 && is_word_byte(bytes[start - 1]) {
        start -= 1;
    }
    let mut end = col;
    while end < bytes.len() && is_word_byte(bytes[end]) {
        end += 1;
    }
    if start == end {
        return None;
    }
    let info = parse_line(&text);
    classify(lines, line, &text, &info, start, (start, end))
}

fn classify(
    lines: &dyn Lines,
    line: usize,
    text: &str,
    info: &LineInfo,
    col: usize,
    word: (usize, usize),
) -> Option<Cursor> {
    let cursor = |target| Some(Cursor { target, line, word });
    if let Some(key) = &info.key {
        if col > key.colon {
            let path = key_path(lines, line, info)?;
            return match key.value {
                ValueKind::BlockScalar | ValueKind::FlowMap => None,
                ValueKind::FlowSeq => {
                    let start = key.value_start.unwrap_or(col);
                    if col <= start {
                        return None;
                    }
                    let inside = &text[start..col];
                    let depth = inside.matches('[').count();
                    if depth != 1 || inside.contains(']') {
                        return None;
                    }
                    let item_start = inside.rfind([',', '[']).map_or(start, |i| start + i + 1);
                    let quote = text[item_start..col]
                        .trim_start()
                        .chars()
                        .next()
                        .filter(|c| *c == '"' || *c == '\'');
                    cursor(Target::Value {
                        path,
                        key: key.name.clone(),
                        flow_item: true,
                        quote,
                    })
                }
                ValueKind::Empty | ValueKind::Scalar => {
                    let quote = key
                        .value_start
                        .and_then(|v| text[v..].chars().next())
                        .filter(|c| *c == '"' || *c == '\'');
                    cursor(Target::Value {
                        path,
                        key: key.name.clone(),
                        flow_item: false,
                        quote,
                    })
                }
            };
        }
        if col >= key.start {
            let path = key_path(lines, line, info)?;
            let mut existing = sibling_keys(lines, line, key.start);
            existing.retain(|k| *k != key.name);
            return cursor(Target::Key {
                path,
                existing,
                indent: key.start,
            });
        }
        return None;
    }
    // No key on this line: a word being typed after optional `- ` markers.
    let dashes: Vec<usize> = info.dashes.iter().copied().filter(|&d| d < col).collect();
    let body = info.body.unwrap_or(col);
    let typed = &text[body.min(col)..col];
    if typed.contains([':', '[', '{', '#', '"', '\'']) && !typed.starts_with(['"', '\'']) {
        return None;
    }
    if let Some(&first) = dashes.first() {
        let path = repeat_item(seq_container(lines, line, info, first)?, dashes.len() - 1);
        return cursor(Target::Item {
            path,
            dash: true,
            indent: dashes[dashes.len() - 1],
        });
    }
    let path = mapping_container(lines, line, body)?;
    let existing = sibling_keys(lines, line, body);
    cursor(Target::Key {
        path,
        existing,
        indent: body,
    })
}

/// The context on a line that is blank up to the cursor, which sits at `col`.
fn blank_context(lines: &dyn Lines, line: usize, col: usize) -> Option<Cursor> {
    let cursor = |target| {
        Some(Cursor {
            target,
            line,
            word: (col, col),
        })
    };
    for (l, text) in lines.above(line).take(MAX_WALK) {
        if skippable(&text, col, false) {
            continue;
        }
        let info = parse_line(&text);
        if info.doc_marker {
            break;
        }
        if info.blank || info.indent > col {
            continue;
        }
        if info.indent == col {
            if info.dashes.is_empty() {
                break; // a sibling key: handled below
            }
            return cursor(Target::Item {
                path: seq_container(lines, l, &info, col)?,
                dash: false,
                indent: col,
            });
        }
        if info.body == Some(col) {
            break; // the first key of this mapping follows `- ` there
        }
        if let Some(key) = &info.key
            && key.start < col
            && key.value == ValueKind::Empty
        {
            let mut path = key_path(lines, l, &info)?;
            path.push(Step::Key(key.name.clone()));
            return cursor(Target::Child { path, indent: col });
        }
        return None;
    }
    let path = mapping_container(lines, line, col)?;
    let existing = sibling_keys(lines, line, col);
    cursor(Target::Key {
        path,
        existing,
        indent: col,
    })
}

/// The value of the root `kind:` key, read from the text.
#[must_use]
pub fn document_kind(lines: &dyn Lines) -> Option<String> {
    for l in 0..lines.line_count().min(MAX_WALK) {
        let text = lines.line(l);
        let info = parse_line(&text);
        if info.blank || info.indent > 0 || info.doc_marker {
            continue;
        }
        if let Some(key) = &info.key
            && key.name == "kind"
            && info.dashes.is_empty()
        {
            let v = key.value_start?;
            let value = text[v..].split(" #").next().unwrap_or("").trim();
            return Some(value.trim_matches(['"', '\'']).to_owned());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Splits a fixture at `|`, the cursor: (text, line, byte column).
    fn at(fixture: &str) -> (String, usize, usize) {
        let i = fixture.find('|').expect("cursor");
        let text = format!("{}{}", &fixture[..i], &fixture[i + 1..]);
        let line = fixture[..i].matches('\n').count();
        let col = i - fixture[..i].rfind('\n').map_or(0, |n| n + 1);
        (text, line, col)
    }

    fn complete(fixture: &str) -> Option<Cursor> {
        let (text, line, col) = at(fixture);
        completion_context(&StrLines::new(&text), line, col)
    }

    fn key(k: &str) -> Step {
        Step::Key(k.to_owned())
    }

    const QUESTIONS: &str =
        "kind: questions\ntask: \"1.1\"\nquestions:\n  - id: foo\n    stem: bar\n";

    #[test]
    fn key_in_a_question() {
        let c = complete(&format!("{QUESTIONS}    ty|\n")).unwrap();
        assert_eq!(
            c.target,
            Target::Key {
                path: vec![key("questions"), Step::Item],
                existing: vec!["stem".into(), "id".into()],
                indent: 4
            }
        );
        assert_eq!(c.word, (4, 6));
    }

    #[test]
    fn blank_line_at_key_column_and_at_item_column() {
        let c = complete(&format!("{QUESTIONS}    |\n")).unwrap();
        assert!(
            matches!(c.target, Target::Key { ref path, .. } if *path == vec![key("questions"), Step::Item])
        );
        let c = complete(&format!("{QUESTIONS}  |\n")).unwrap();
        assert_eq!(
            c.target,
            Target::Item {
                path: vec![key("questions")],
                dash: false,
                indent: 2
            }
        );
        let c = complete(&format!("{QUESTIONS}  - |\n")).unwrap();
        assert_eq!(
            c.target,
            Target::Item {
                path: vec![key("questions")],
                dash: true,
                indent: 2
            }
        );
        let c = complete(&format!("{QUESTIONS}|\n")).unwrap();
        assert!(
            matches!(c.target, Target::Key { ref path, ref existing, .. }
            if path.is_empty() && existing.len() == 3)
        );
    }

    #[test]
    fn values_block_flow_and_items() {
        let c = complete(&format!("{QUESTIONS}    services: [amazon-s3, ama|")).unwrap();
        assert_eq!(
            c.target,
            Target::Value {
                path: vec![key("questions"), Step::Item],
                key: "services".into(),
                flow_item: true,
                quote: None
            }
        );
        assert_eq!(c.word.1 - c.word.0, 3);
        let c = complete(&format!("{QUESTIONS}    services:\n      - am|")).unwrap();
        assert_eq!(
            c.target,
            Target::Item {
                path: vec![key("questions"), Step::Item, key("services")],
                dash: true,
                indent: 6
            }
        );
        let c = complete(&format!("{QUESTIONS}    services:\n      |")).unwrap();
        assert_eq!(
            c.target,
            Target::Child {
                path: vec![key("questions"), Step::Item, key("services")],
                indent: 6
            }
        );
        let c = complete("kind: questions\ntask: \"1.|").unwrap();
        assert_eq!(
            c.target,
            Target::Value {
                path: vec![],
                key: "task".into(),
                flow_item: false,
                quote: Some('"')
            }
        );
        let c = complete(&format!("{QUESTIONS}    type: |")).unwrap();
        assert!(matches!(c.target, Target::Value { ref key, .. } if key == "type"));
    }

    #[test]
    fn nested_items_and_first_keys_after_dashes() {
        let text = format!("{QUESTIONS}    options:\n      - text: a\n        cor|");
        let c = complete(&text).unwrap();
        assert_eq!(
            c.target,
            Target::Key {
                path: vec![key("questions"), Step::Item, key("options"), Step::Item],
                existing: vec!["text".into()],
                indent: 8
            }
        );
        // Indentless sequences.
        let c = complete("kind: questions\nquestions:\n- id: a\n  ty|").unwrap();
        assert!(
            matches!(c.target, Target::Key { ref path, .. } if *path == vec![key("questions"), Step::Item])
        );
    }

    #[test]
    fn no_context_inside_scalars_and_comments() {
        assert_eq!(
            complete(&format!("{QUESTIONS}    stem: >-\n      some te|")),
            None
        );
        assert_eq!(complete(&format!("{QUESTIONS}    # a comm|")), None);
        assert_eq!(complete("a: plain\n  continued|"), None);
    }

    #[test]
    fn tokens_for_hover() {
        let text = format!("{QUESTIONS}    services: [amazon-s3, amazon-bedrock]\n");
        let lines = StrLines::new(&text);
        let c = token_context(&lines, 5, 30).unwrap();
        assert_eq!(
            &text.lines().nth(5).unwrap()[c.word.0..c.word.1],
            "amazon-bedrock"
        );
        assert!(matches!(
            c.target,
            Target::Value {
                flow_item: true,
                ..
            }
        ));
        let c = token_context(&lines, 5, 6).unwrap();
        assert!(matches!(c.target, Target::Key { .. }));
        assert_eq!(document_kind(&lines).as_deref(), Some("questions"));
    }

    #[test]
    fn a_rope_reads_the_same_as_a_string() {
        let text = format!(
            "{QUESTIONS}    options:\r\n      - text: a\n        correct: true\n    services:\n      - am\n  - id: two\n    stem: >-\n      long\n    services: [a, b]\n"
        );
        let rope = Rope::from_str(&text);
        let lines = StrLines::new(&text);
        for (l, line) in text.lines().enumerate() {
            for col in 0..=line.len() {
                assert_eq!(
                    completion_context(&rope, l, col),
                    completion_context(&lines, l, col),
                    "line {l} col {col}"
                );
                assert_eq!(token_context(&rope, l, col), token_context(&lines, l, col));
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn never_panics_on_any_text(text in "[-: \\[\\]\"'#\na{},|>é😀]{0,80}") {
            let rope = Rope::from_str(&text);
            for (l, line) in text.split('\n').enumerate() {
                for col in 0..=line.len() + 2 {
                    let a = completion_context(&rope, l, col);
                    proptest::prop_assert_eq!(&a, &completion_context(&StrLines::new(&text), l, col));
                    let _ = token_context(&rope, l, col);
                }
            }
        }
    }

    #[test]
    fn line_parsing() {
        let info = parse_line("  - - \"quoted key\" : [a, b] # c");
        assert_eq!(info.dashes, vec![2, 4]);
        let key = info.key.unwrap();
        assert_eq!(key.name, "quoted key");
        assert_eq!(key.value, ValueKind::FlowSeq);
        assert!(parse_line("   # comment").blank);
        assert!(parse_line("---").doc_marker);
        assert_eq!(
            parse_line("url: http://x").key.unwrap().value,
            ValueKind::Scalar
        );
        assert_eq!(parse_line("text without colon").key, None);
    }
}
