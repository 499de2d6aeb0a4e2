//! What a request handler works on: the document's current text (as the
//! client has it now), the last analysis of every root, and the client's
//! settings. Built in the order requests arrive, then read without locks.

use std::path::PathBuf;
use std::sync::Arc;

use examkit_model::Kind;
use examkit_model::entities::{Entity, read_entity};
use examkit_model::references::{Reference, references};
use examkit_syntax::{LineIndex, Node, PositionEncoding, TextRange, parse};
use tower_lsp_server::ls_types::{Position, Range, Uri};

use crate::context::{Lines, StrLines};
use crate::convert::TextView;
use crate::documents::text_of;
use crate::documents::{Document, char_width};
use crate::snapshot::{FileSummary, ReadModel, RootSnapshot, Settings};

/// One request's view of the world.
pub struct Request {
    /// The client's settings.
    pub settings: Arc<Settings>,
    /// The last analysis.
    pub model: Arc<ReadModel>,
    /// The document's path.
    pub path: PathBuf,
    /// The document's URI.
    pub uri: Uri,
    /// The document's current text, when the client has it open.
    pub doc: Option<Document>,
}

/// A file's text as of now, parsed: the open document's, or the analysed one.
pub struct Current {
    /// The text.
    pub text: Arc<str>,
    /// Its line index.
    pub index: Arc<LineIndex>,
    /// The tree (possibly partial).
    pub tree: Option<Node>,
    /// Its kind.
    pub kind: Option<Kind>,
    /// The ids it refers to.
    pub references: Vec<Reference>,
    /// Its entity.
    pub entity: Option<Entity>,
    /// The client's version of this text.
    pub version: Option<i32>,
}

impl Current {
    /// Parses a text.
    #[must_use]
    pub fn parse(text: Arc<str>, version: Option<i32>) -> Self {
        let parsed = parse(&text);
        let tree = parsed.root;
        let kind = tree
            .as_ref()
            .and_then(|root| root.get("kind"))
            .and_then(Node::scalar_text)
            .and_then(Kind::from_name);
        let (references, entity) = match (kind, tree.as_ref()) {
            (Some(kind), Some(root)) => (references(kind, root), Some(read_entity(kind, root))),
            _ => (Vec::new(), None),
        };
        let index = Arc::new(LineIndex::new(&text));
        Self {
            text,
            index,
            tree,
            kind,
            references,
            entity,
            version,
        }
    }

    /// Converts byte ranges of this text.
    #[must_use]
    pub fn view(&self) -> TextView<'_> {
        TextView {
            text: &self.text,
            index: &self.index,
        }
    }
}

impl Request {
    /// The encoding in force.
    #[must_use]
    pub fn encoding(&self) -> PositionEncoding {
        self.settings.encoding
    }

    /// The root the document belongs to.
    #[must_use]
    pub fn root(&self) -> Option<&Arc<RootSnapshot>> {
        self.model.root_of(&self.path)
    }

    /// The last analysis of the document.
    #[must_use]
    pub fn summary(&self) -> Option<&Arc<FileSummary>> {
        self.root()?.files.get(self.path.as_path())
    }

    /// Whether the last analysis is of the text the client has now.
    #[must_use]
    pub fn analysis_is_current(&self) -> bool {
        match (&self.doc, self.summary()) {
            (Some(doc), Some(summary)) => summary.version == Some(doc.version),
            (None, Some(_)) => true,
            _ => false,
        }
    }

    /// The document's lines as of now.
    #[must_use]
    pub fn lines(&self) -> Box<dyn Lines + '_> {
        match (&self.doc, self.summary()) {
            (Some(doc), _) => Box::new(doc.rope.clone()),
            (None, Some(summary)) => Box::new(StrLines::new(&summary.text)),
            (None, None) => Box::new(StrLines::new("")),
        }
    }

    /// The document's kind, read from its current text.
    #[must_use]
    pub fn kind(&self, lines: &dyn Lines) -> Option<Kind> {
        crate::context::document_kind(lines).and_then(|k| Kind::from_name(&k))
    }

    /// The document's text as of now, parsed (from the analysis when it is
    /// current, else parsed here).
    #[must_use]
    pub fn current(&self) -> Option<Current> {
        current_of(&self.doc, self.summary())
    }
}

fn current_of(doc: &Option<Document>, summary: Option<&Arc<FileSummary>>) -> Option<Current> {
    match (doc, summary) {
        (Some(doc), Some(summary)) if summary.version == Some(doc.version) => {
            Some(from_summary(summary))
        }
        (Some(doc), _) => Some(Current::parse(
            Arc::from(text_of(&doc.rope)),
            Some(doc.version),
        )),
        (None, Some(summary)) => Some(from_summary(summary)),
        (None, None) => None,
    }
}

fn from_summary(summary: &FileSummary) -> Current {
    // The summary keeps what requests need but not the tree: parse again
    // only what is asked for it.
    Current {
        text: summary.text.clone(),
        index: summary.line_index.clone(),
        tree: None,
        kind: summary.kind,
        references: summary.references.clone(),
        entity: summary.entity.clone(),
        version: summary.version,
    }
}

/// The byte column in `line` of a client column (clamped to the line).
#[must_use]
pub fn byte_col(line: &str, character: u32, enc: PositionEncoding) -> usize {
    let mut units = 0u32;
    for (byte, ch) in line.char_indices() {
        let width = char_width(ch, enc);
        if units + width > character {
            return byte;
        }
        units += width;
    }
    line.len()
}

/// The client column of a byte column in `line`.
#[must_use]
pub fn client_col(line: &str, byte: usize, enc: PositionEncoding) -> u32 {
    let mut end = byte.min(line.len());
    while end > 0 && !line.is_char_boundary(end) {
        end -= 1;
    }
    line[..end].chars().map(|c| char_width(c, enc)).sum()
}

/// The client range of byte columns `start..end` on line `line`.
#[must_use]
pub fn line_range(
    line_no: usize,
    line: &str,
    start: usize,
    end: usize,
    enc: PositionEncoding,
) -> Range {
    let l = u32::try_from(line_no).unwrap_or(u32::MAX);
    Range::new(
        Position::new(l, client_col(line, start, enc)),
        Position::new(l, client_col(line, end, enc)),
    )
}

/// The byte range of a scalar without its quotes.
#[must_use]
pub fn unquoted(range: TextRange, text: &str) -> TextRange {
    let s = range.slice(text);
    if s.len() >= 2
        && ((s.starts_with('"') && s.ends_with('"')) || (s.starts_with('\'') && s.ends_with('\'')))
    {
        TextRange::new(range.start() + 1, range.end() - 1)
    } else {
        range
    }
}

/// The path of a URI, or the URI's text when it names no file.
#[must_use]
pub fn path_of(uri: &Uri) -> PathBuf {
    let is_file = uri.scheme().as_str().eq_ignore_ascii_case("file");
    match uri.to_file_path() {
        Some(path) if is_file => path.into_owned(),
        _ => PathBuf::from(uri.as_str()),
    }
}
