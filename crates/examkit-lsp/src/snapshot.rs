//! What requests read: an immutable summary of every analysed file and the
//! id index of each content root, replaced as a whole after each analysis,
//! plus the negotiated client settings.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use examkit_model::entities::{Entity, Spanned};
use examkit_model::references::Reference;
use examkit_model::{Index, Kind};
use examkit_syntax::{Diagnostic, LineIndex, PositionEncoding, TextRange};
use tower_lsp_server::ls_types::Uri;

/// What the client supports, fixed at `initialize`.
#[derive(Clone, Debug)]
pub struct Settings {
    /// The position encoding in force.
    pub encoding: PositionEncoding,
    /// Completion items may be snippets.
    pub snippets: bool,
    /// Diagnostics may carry related information.
    pub related_information: bool,
    /// Document symbols may be hierarchical.
    pub hierarchical_symbols: bool,
    /// Workspace edits may use versioned `documentChanges`.
    pub document_changes: bool,
    /// Hover and documentation may be Markdown.
    pub markdown: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            encoding: PositionEncoding::Utf16,
            snippets: false,
            related_information: false,
            hierarchical_symbols: false,
            document_changes: false,
            markdown: false,
        }
    }
}

/// One question, as much as the outline needs.
#[derive(Clone, Debug)]
pub struct QuestionOutline {
    /// Its id.
    pub id: Option<Spanned<String>>,
    /// Its stem.
    pub stem: Option<String>,
    /// The whole question.
    pub range: TextRange,
}

/// One analysed file, as requests see it.
#[derive(Debug)]
pub struct FileSummary {
    /// Its path.
    pub path: Arc<Path>,
    /// Its URI (the client's, when the client has it open).
    pub uri: Option<Uri>,
    /// Its kind.
    pub kind: Option<Kind>,
    /// The client's version of the analysed text, for an open document.
    pub version: Option<i32>,
    /// The analysed text.
    pub text: Arc<str>,
    /// Its line index.
    pub line_index: Arc<LineIndex>,
    /// The ids it refers to.
    pub references: Vec<Reference>,
    /// Its entity, for every kind but questions (see `questions`).
    pub entity: Option<Entity>,
    /// Its questions, for a questions file.
    pub questions: Vec<QuestionOutline>,
    /// Its diagnostics from the last analysis.
    pub diagnostics: Vec<Diagnostic>,
}

/// One content root (or one file outside every root), analysed.
#[derive(Debug)]
pub struct RootSnapshot {
    /// Its files, by path.
    pub files: BTreeMap<Arc<Path>, Arc<FileSummary>>,
    /// The paths in workspace order (what [`Index`] definitions count in).
    pub order: Vec<Arc<Path>>,
    /// The id index.
    pub index: Index,
}

impl RootSnapshot {
    /// The file a definition is in.
    #[must_use]
    pub fn file_at(&self, index: usize) -> Option<&Arc<FileSummary>> {
        self.files.get(self.order.get(index)?)
    }
}

/// Everything analysed, as of the last analysis.
#[derive(Debug, Default)]
pub struct ReadModel {
    /// The roots.
    pub roots: Vec<Arc<RootSnapshot>>,
}

impl ReadModel {
    /// The root that holds `path`.
    #[must_use]
    pub fn root_of(&self, path: &Path) -> Option<&Arc<RootSnapshot>> {
        self.roots.iter().find(|r| r.files.contains_key(path))
    }
}
