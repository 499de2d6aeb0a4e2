//! YAML text → spanned tree, built from `saphyr-parser` events.
//!
//! Parsing never fails: it returns whatever tree it could build plus
//! diagnostics. Work is bounded on hostile input: aliases are refused (so an
//! alias bomb cannot expand), nesting is capped with an explicit stack, only
//! one document is read, and oversized files are refused before parsing.

use std::collections::HashMap;

use compact_str::CompactString;

use saphyr_parser::{Event, Parser, ScalarStyle as SaphyrStyle, ScanError, Span};

use crate::line_index::offset_u32;
use crate::tree::{Entry, Node, NodeKind, Scalar, ScalarStyle};
use crate::{Diagnostic, TextRange};

/// The largest file examkit parses. Content files are far smaller; a larger
/// one is refused with a diagnostic so that work stays bounded.
pub const MAX_FILE_SIZE: usize = 16 * 1024 * 1024;

/// The deepest nesting of mappings and sequences examkit builds. Content is
/// about six levels deep.
pub const MAX_DEPTH: usize = 64;

/// Diagnostic codes of the syntax layer.
pub mod codes {
    /// The text is not valid YAML.
    pub const INVALID_YAML: &str = "syntax/invalid-yaml";
    /// A tab is used for indentation.
    pub const TAB_INDENT: &str = "syntax/tab-indentation";
    /// A mapping has the same key twice.
    pub const DUPLICATE_KEY: &str = "syntax/duplicate-key";
    /// An alias (`*name`) is used.
    pub const ALIAS: &str = "syntax/alias";
    /// A mapping key is not a scalar.
    pub const COMPLEX_KEY: &str = "syntax/complex-key";
    /// Nesting deeper than [`super::MAX_DEPTH`].
    pub const TOO_DEEP: &str = "syntax/too-deep";
    /// More than one YAML document in a file.
    pub const MULTIPLE_DOCUMENTS: &str = "syntax/multiple-documents";
    /// The file is larger than [`super::MAX_FILE_SIZE`].
    pub const TOO_LARGE: &str = "syntax/too-large";
    /// The file is not UTF-8.
    pub const NOT_UTF8: &str = "syntax/not-utf8";
}

/// The result of parsing one file.
#[derive(Clone, Debug, Default)]
pub struct Parse {
    /// The document's root node; `None` for an empty file or one that failed
    /// before its first node.
    pub root: Option<Node>,
    /// Problems found, in source order.
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses raw bytes: checks size and UTF-8 first, then [`parse`]s.
#[must_use]
pub fn parse_bytes(bytes: &[u8]) -> (String, Parse) {
    if bytes.len() > MAX_FILE_SIZE {
        return (String::new(), too_large(bytes.len()));
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => {
            let parse = parse(text);
            (text.to_owned(), parse)
        }
        Err(err) => {
            // Keep the valid prefix so the error can be placed on its line.
            let valid = &bytes[..err.valid_up_to()];
            let text = String::from_utf8_lossy(bytes).into_owned();
            let at = offset_u32(String::from_utf8_lossy(valid).len());
            let diagnostic = Diagnostic::error(
                codes::NOT_UTF8,
                TextRange::new(at, at + 3),
                format!(
                    "the file is not valid UTF-8: byte 0x{:02X} at byte offset {} cannot start a character",
                    bytes[err.valid_up_to()],
                    err.valid_up_to()
                ),
            )
            .with_help("save the file as UTF-8");
            (
                text,
                Parse {
                    root: None,
                    diagnostics: vec![diagnostic],
                },
            )
        }
    }
}

fn too_large(len: usize) -> Parse {
    Parse {
        root: None,
        diagnostics: vec![
            Diagnostic::error(
                codes::TOO_LARGE,
                TextRange::empty(0),
                format!(
                    "the file is {len} bytes; examkit reads files of at most {MAX_FILE_SIZE} bytes"
                ),
            )
            .with_help("split the content into several files"),
        ],
    }
}

/// Parses one YAML document into a spanned tree: files in the plain subset
/// content is written in take a fast path, others the general parser
/// ([`parse_general`]); both give the same tree.
#[must_use]
pub fn parse(text: &str) -> Parse {
    // An oversized text leaves the fast path, and the general parser
    // refuses it.
    match parse_subset(text) {
        Some(root) => Parse {
            root: Some(root),
            diagnostics: Vec::new(),
        },
        None => parse_general(text),
    }
}

/// The fast path of [`parse`] alone: the tree of a file written in the
/// plain subset content uses, free of errors; `None` for any other file.
#[must_use]
pub fn parse_subset(text: &str) -> Option<Node> {
    if text.len() > MAX_FILE_SIZE {
        return None;
    }
    let (body, base) = without_bom(text);
    crate::fast::parse(body, base)
}

/// The text after a byte order mark, if any, and where it starts.
fn without_bom(text: &str) -> (&str, u32) {
    match text.strip_prefix('\u{feff}') {
        Some(body) => (body, offset_u32(text.len() - body.len())),
        None => (text, 0),
    }
}

/// Parses one YAML document with the general parser only (built on
/// `saphyr-parser` events), whatever subset it is written in.
#[must_use]
pub fn parse_general(text: &str) -> Parse {
    if text.len() > MAX_FILE_SIZE {
        return too_large(text.len());
    }
    let (body, base) = without_bom(text);
    let mut builder = Builder::new(body, base);
    let mut parser = Parser::new_from_str(body);
    loop {
        match parser.next_event() {
            None => break,
            Some(Ok((event, span))) => {
                if builder.event(event, span) == Flow::Stop {
                    break;
                }
            }
            Some(Err(error)) => {
                builder.scan_error(&error);
                break;
            }
        }
    }
    builder.finish()
}

/// Mappings up to this many entries find a duplicate key by a linear
/// search, which is faster than hashing and allocates nothing.
const LINEAR_KEY_SEARCH: usize = 16;

/// The range of the key `text` among a mapping's `entries`, if it is there.
/// Builds the key index `seen` once the mapping outgrows a linear search.
fn first_key_with(
    entries: &[Entry],
    seen: &mut Option<HashMap<CompactString, TextRange>>,
    text: &str,
) -> Option<TextRange> {
    if seen.is_none() && entries.len() >= LINEAR_KEY_SEARCH {
        let mut index = HashMap::with_capacity(entries.len() * 2);
        for entry in entries {
            if let Some(key) = entry.key.scalar_text() {
                index
                    .entry(CompactString::from(key))
                    .or_insert(entry.key.range);
            }
        }
        *seen = Some(index);
    }
    match seen {
        Some(index) => index.get(text).copied(),
        None => entries
            .iter()
            .find(|e| e.key.scalar_text() == Some(text))
            .map(|e| e.key.range),
    }
}

#[derive(PartialEq, Eq)]
enum Flow {
    Continue,
    Stop,
}

enum Frame {
    Mapping {
        start: u32,
        entries: Vec<Entry>,
        pending_key: Option<Node>,
        /// The keys by text, built only once a mapping grows past
        /// [`LINEAR_KEY_SEARCH`] entries; smaller ones are searched in place.
        seen: Option<HashMap<CompactString, TextRange>>,
    },
    Sequence {
        start: u32,
        items: Vec<Node>,
    },
    /// A subtree past [`MAX_DEPTH`], skipped; counts its own nesting.
    Skipped {
        start: u32,
        depth: usize,
    },
}

struct Builder<'a> {
    text: &'a str,
    base: u32,
    chars: CharToByte<'a>,
    stack: Vec<Frame>,
    root: Option<Node>,
    documents: usize,
    aliases: usize,
    diagnostics: Vec<Diagnostic>,
}

impl<'a> Builder<'a> {
    fn new(text: &'a str, base: u32) -> Self {
        Self {
            text,
            base,
            chars: CharToByte::new(text),
            stack: Vec::new(),
            root: None,
            documents: 0,
            aliases: 0,
            diagnostics: Vec::new(),
        }
    }

    fn range(&mut self, span: &Span) -> TextRange {
        let start = self.chars.byte(span.start.index());
        let end = self.chars.byte(span.end.index());
        TextRange::new(self.base + start, self.base + end)
    }

    fn offset(&mut self, char_index: usize) -> u32 {
        self.base + self.chars.byte(char_index)
    }

    fn event(&mut self, event: Event<'_>, span: Span) -> Flow {
        let range = self.range(&span);
        if let Some(Frame::Skipped { depth, start }) = self.stack.last_mut() {
            match event {
                Event::MappingStart(..) | Event::SequenceStart(..) => *depth += 1,
                Event::MappingEnd | Event::SequenceEnd => {
                    if *depth == 0 {
                        let start = *start;
                        self.stack.pop();
                        self.push_node(Node {
                            kind: NodeKind::Invalid,
                            range: TextRange::new(start, range.end()),
                        });
                    } else {
                        *depth -= 1;
                    }
                }
                _ => {}
            }
            return Flow::Continue;
        }
        match event {
            Event::DocumentStart(_) => {
                self.documents += 1;
                if self.documents > 1 {
                    self.diagnostics.push(
                        Diagnostic::error(
                            codes::MULTIPLE_DOCUMENTS,
                            line_of_marker(self.text, range, self.base),
                            "a content file holds one YAML document; this starts a second one",
                        )
                        .with_help("move the second document into a file of its own"),
                    );
                    return Flow::Stop;
                }
            }
            Event::Scalar(value, style, _anchor, tag) => {
                let forced_string = tag
                    .as_ref()
                    .is_some_and(|t| t.handle == "tag:yaml.org,2002:" || t.suffix == "str");
                // A quoted scalar's event runs on over the spaces and any
                // comment after it: end the node at its closing quote.
                let range = match style {
                    SaphyrStyle::SingleQuoted | SaphyrStyle::DoubleQuoted => {
                        self.closing_quote(range).unwrap_or(range)
                    }
                    _ => range,
                };
                let style = match style {
                    SaphyrStyle::Plain if !forced_string => ScalarStyle::Plain,
                    _ => ScalarStyle::Quoted,
                };
                self.push_node(Node {
                    kind: NodeKind::Scalar(Scalar {
                        // Copied at its length: the parser's own buffer for
                        // a folded scalar has grown by doubling.
                        text: CompactString::from(&*value),
                        style,
                    }),
                    range,
                });
            }
            Event::Alias(_) => {
                self.aliases += 1;
                if self.aliases == 1 {
                    self.diagnostics.push(
                        Diagnostic::error(
                            codes::ALIAS,
                            range,
                            "aliases (`*name`) are not supported in examkit files",
                        )
                        .with_help("write the value out in full"),
                    );
                }
                self.push_node(Node {
                    kind: NodeKind::Invalid,
                    range,
                });
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                let is_mapping = matches!(event, Event::MappingStart(..));
                if self.stack.len() >= MAX_DEPTH {
                    self.diagnostics.push(Diagnostic::error(
                        codes::TOO_DEEP,
                        range,
                        format!("nesting is deeper than {MAX_DEPTH} levels"),
                    ));
                    self.stack.push(Frame::Skipped {
                        start: range.start(),
                        depth: 0,
                    });
                } else if is_mapping {
                    self.stack.push(Frame::Mapping {
                        start: range.start(),
                        entries: Vec::new(),
                        pending_key: None,
                        seen: None,
                    });
                } else {
                    self.stack.push(Frame::Sequence {
                        start: range.start(),
                        items: Vec::new(),
                    });
                }
            }
            Event::MappingEnd | Event::SequenceEnd => {
                if let Some(frame) = self.stack.pop() {
                    let node = self.close(frame, Some(range));
                    self.push_node(node);
                }
            }
            Event::StreamEnd => return Flow::Stop,
            Event::StreamStart | Event::DocumentEnd | Event::Nothing => {}
        }
        Flow::Continue
    }

    /// `range` (a quoted scalar's event) cut back to end at its closing
    /// quote: `''` inside single quotes and `\"` or `\\` inside double
    /// quotes do not close it.
    fn closing_quote(&self, range: TextRange) -> Option<TextRange> {
        let local = (range.start() - self.base) as usize;
        let bytes = self
            .text
            .as_bytes()
            .get(local..(range.end() - self.base) as usize)?;
        let quote = *bytes.first().filter(|q| matches!(q, b'"' | b'\''))?;
        let mut i = 1;
        while i < bytes.len() {
            match bytes[i] {
                b'\\' if quote == b'"' => i += 2,
                b'\'' if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 2,
                b if b == quote => {
                    return Some(TextRange::new(
                        range.start(),
                        range.start() + offset_u32(i + 1),
                    ));
                }
                _ => i += 1,
            }
        }
        None
    }

    /// Turns a finished (or abandoned) frame into a node. `closer` is the
    /// range of the closing event, which starts at the bracket of a flow
    /// collection and may run on over spaces and a comment; a block
    /// collection ends at its last child.
    fn close(&mut self, frame: Frame, closer: Option<TextRange>) -> Node {
        match frame {
            Frame::Mapping {
                start,
                mut entries,
                pending_key,
                ..
            } => {
                if let Some(key) = pending_key {
                    // A key with no value yet: keep it, so a half-typed
                    // document still knows where the cursor is.
                    let at = TextRange::empty(key.range.end());
                    entries.push(Entry {
                        key,
                        value: Node {
                            kind: NodeKind::Invalid,
                            range: at,
                        },
                    });
                }
                let end = self.collection_end(
                    start,
                    entries
                        .last()
                        .map(|e| e.value.range.end().max(e.key.range.end())),
                    closer,
                );
                Node {
                    kind: NodeKind::Mapping(entries),
                    range: TextRange::new(start, end),
                }
            }
            Frame::Sequence { start, items } => {
                let end = self.collection_end(start, items.last().map(|n| n.range.end()), closer);
                Node {
                    kind: NodeKind::Sequence(items),
                    range: TextRange::new(start, end),
                }
            }
            Frame::Skipped { start, .. } => Node {
                kind: NodeKind::Invalid,
                range: TextRange::new(start, closer.map_or(start, TextRange::end)),
            },
        }
    }

    fn collection_end(
        &self,
        start: u32,
        last_child: Option<u32>,
        closer: Option<TextRange>,
    ) -> u32 {
        let byte = |at: u32| self.text.as_bytes().get((at - self.base) as usize).copied();
        // A flow collection ends right after its closing bracket.
        let bracket = closer.filter(|closer| {
            matches!(byte(start), Some(b'[' | b'{'))
                && matches!(byte(closer.start()), Some(b']' | b'}'))
        });
        bracket
            .map(|closer| closer.start() + 1)
            .or(last_child)
            .unwrap_or(start)
    }

    fn push_node(&mut self, node: Node) {
        match self.stack.last_mut() {
            None => {
                if self.root.is_none() {
                    self.root = Some(node);
                }
            }
            Some(Frame::Sequence { items, .. }) => items.push(node),
            Some(Frame::Mapping {
                entries,
                pending_key,
                seen,
                ..
            }) => match pending_key.take() {
                None => {
                    if !matches!(node.kind, NodeKind::Scalar(_) | NodeKind::Invalid) {
                        self.diagnostics.push(Diagnostic::error(
                            codes::COMPLEX_KEY,
                            node.range,
                            "a mapping key must be a plain name, not a mapping or a sequence",
                        ));
                    }
                    *pending_key = Some(node);
                }
                Some(key) => {
                    if let Some(text) = key.scalar_text() {
                        if let Some(first) = first_key_with(entries, seen, text) {
                            let first_line = first.start();
                            self.diagnostics.push(
                                Diagnostic::error(
                                    codes::DUPLICATE_KEY,
                                    key.range,
                                    format!("duplicate key `{text}`: this mapping already has it"),
                                )
                                .with_help(format!(
                                    "the first `{text}` is at byte {first_line}; remove one of the two"
                                )),
                            );
                        } else if let Some(seen) = seen {
                            seen.insert(CompactString::from(text), key.range);
                        }
                    }
                    entries.push(Entry { key, value: node });
                }
            },
            Some(Frame::Skipped { .. }) => {}
        }
    }

    fn scan_error(&mut self, error: &ScanError) {
        let at = self.offset(error.marker().index());
        let range = self
            .tab_indent(at)
            .unwrap_or_else(|| word_at(self.text, self.base, at));
        let diagnostic = if self.tab_indent(at).is_some() {
            Diagnostic::error(
                codes::TAB_INDENT,
                range,
                "a tab is used for indentation; YAML indents with spaces",
            )
            .with_help("replace the tab with spaces")
            .with_fix(crate::Fix {
                title: "Replace the tab with two spaces".to_owned(),
                edits: vec![crate::Edit {
                    range,
                    replacement: "  ".to_owned(),
                }],
            })
        } else {
            let diagnostic = Diagnostic::error(
                codes::INVALID_YAML,
                range,
                format!("invalid YAML: {}", error.info()),
            );
            match self.open_flow_collection() {
                Some((bracket, line, column)) => diagnostic.with_help(format!(
                    "the `{bracket}` at line {line}, column {column} is not closed before this point"
                )),
                None => diagnostic,
            }
        };
        self.diagnostics.push(diagnostic);
    }

    /// The innermost open `[` or `{`, with its 1-based line and column.
    fn open_flow_collection(&self) -> Option<(char, usize, usize)> {
        self.stack.iter().rev().find_map(|frame| {
            let start = match frame {
                Frame::Mapping { start, .. } | Frame::Sequence { start, .. } => *start,
                Frame::Skipped { .. } => return None,
            };
            let local = (start - self.base) as usize;
            let bracket = self.text.get(local..)?.chars().next()?;
            if bracket != '[' && bracket != '{' {
                return None;
            }
            let before = &self.text[..local];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            Some((bracket, line, column))
        })
    }

    /// A tab in the indentation of the error's line or the next two lines:
    /// the parser reports such a tab at the scalar before it, so look ahead.
    fn tab_indent(&self, at: u32) -> Option<TextRange> {
        let local = (at - self.base) as usize;
        let line_start = self.text[..local.min(self.text.len())]
            .rfind('\n')
            .map_or(0, |i| i + 1);
        let mut start = line_start;
        for _ in 0..3 {
            let rest = self.text.get(start..)?;
            let line = rest.split('\n').next().unwrap_or("");
            let indent_len = line.len() - line.trim_start_matches([' ', '\t']).len();
            if let Some(tab) = line[..indent_len].find('\t') {
                let offset = self.base + offset_u32(start + tab);
                return Some(TextRange::new(offset, offset + 1));
            }
            start += line.len() + 1;
            if start > self.text.len() {
                break;
            }
        }
        None
    }

    fn finish(mut self) -> Parse {
        if self.aliases > 1
            && let Some(first) = self.diagnostics.iter_mut().find(|d| d.code == codes::ALIAS)
        {
            first.message = format!(
                "aliases (`*name`) are not supported in examkit files; this is the first of {}",
                self.aliases
            );
        }
        while let Some(frame) = self.stack.pop() {
            let node = self.close(frame, None);
            self.push_node(node);
        }
        self.diagnostics.sort_by_key(|d| d.range.start());
        Parse {
            root: self.root,
            diagnostics: self.diagnostics,
        }
    }
}

/// The whole line holding the start of `range`, for document-level errors.
fn line_of_marker(text: &str, range: TextRange, base: u32) -> TextRange {
    let local = (range.start() - base) as usize;
    let end = text[local.min(text.len())..]
        .find('\n')
        .map_or(text.len(), |i| local + i);
    TextRange::new(range.start(), base + offset_u32(end))
}

/// The run of non-blank characters at `at`, or one character, or an empty
/// range at the end of the text.
fn word_at(text: &str, base: u32, at: u32) -> TextRange {
    let local = ((at - base) as usize).min(text.len());
    let rest = &text[local..];
    let len: usize = rest
        .chars()
        .take_while(|c| !c.is_whitespace())
        .map(char::len_utf8)
        .sum();
    let len = if len == 0 {
        rest.chars()
            .next()
            .filter(|c| *c != '\n' && *c != '\r')
            .map_or(0, char::len_utf8)
    } else {
        len
    };
    TextRange::new(at, at + offset_u32(len))
}

/// Converts the parser's character indices to byte offsets. Markers arrive
/// mostly in increasing order, so a moving cursor makes each lookup cheap.
struct CharToByte<'a> {
    text: &'a str,
    ascii: bool,
    char_index: usize,
    byte_index: usize,
}

impl<'a> CharToByte<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            text,
            ascii: text.is_ascii(),
            char_index: 0,
            byte_index: 0,
        }
    }

    fn byte(&mut self, char_index: usize) -> u32 {
        if self.ascii {
            return offset_u32(char_index.min(self.text.len()));
        }
        if char_index < self.char_index {
            if char_index < self.char_index / 2 {
                self.char_index = 0;
                self.byte_index = 0;
            } else {
                while self.char_index > char_index {
                    let prev = self.text[..self.byte_index]
                        .chars()
                        .next_back()
                        .map_or(1, char::len_utf8);
                    self.byte_index -= prev;
                    self.char_index -= 1;
                }
            }
        }
        while self.char_index < char_index {
            let Some(ch) = self.text[self.byte_index..].chars().next() else {
                break;
            };
            self.byte_index += ch.len_utf8();
            self.char_index += 1;
        }
        offset_u32(self.byte_index)
    }
}
