//! Errors of the Anki writer.

use std::fmt;
use std::io;
use std::path::PathBuf;

use super::template::TemplateError;

/// Why a package could not be written.
#[derive(Debug)]
pub enum AnkiError {
    /// `created_ms` must be positive and leave room for all ids below 2^53.
    InvalidCreatedMs(i64),
    /// A deck is not acceptable.
    InvalidDeck {
        /// The deck's name.
        name: String,
        /// What is wrong with it.
        problem: DeckProblem,
    },
    /// A note is not acceptable.
    InvalidNote {
        /// Position of the note in [`Package::notes`](super::Package::notes).
        index: usize,
        /// The note's GUID.
        guid: String,
        /// What is wrong with it.
        problem: NoteProblem,
    },
    /// A note type's template could not be parsed (a bug in the note type).
    Template {
        /// The note type's name.
        note_type: &'static str,
        /// The template's name.
        template: &'static str,
        /// The parse error.
        source: TemplateError,
    },
    /// Writing the SQLite collection failed.
    Sqlite(rusqlite::Error),
    /// The collection does not fit SQLite's file format (more pages than
    /// it can number, or a record larger than an index page allows).
    TooLarge,
    /// Encoding the collection's JSON columns failed.
    Json(serde_json::Error),
    /// A file-system operation failed.
    Io {
        /// What was being done, e.g. "create a temporary file in".
        action: &'static str,
        /// The path concerned.
        path: PathBuf,
        /// The underlying error.
        source: io::Error,
    },
}

/// What is wrong with a deck.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeckProblem {
    /// The id is not positive, is 1 (Anki's Default deck) or is ≥ 2^53.
    InvalidId(i64),
    /// Another deck has the same id.
    DuplicateId(i64),
    /// Another deck has the same name (Anki compares names ignoring case).
    DuplicateName,
    /// The name, or a `::` level of it, is empty or has surrounding spaces.
    BadLevel,
    /// The name contains a control character.
    ControlCharacter,
}

/// What is wrong with a note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoteProblem {
    /// The GUID is empty or contains whitespace or control characters.
    InvalidGuid,
    /// Another note has the same GUID.
    DuplicateGuid,
    /// The number of fields does not match the note type.
    FieldCount {
        /// Fields the note type has.
        expected: usize,
        /// Fields the note has.
        found: usize,
    },
    /// A field contains U+001F, Anki's field separator.
    FieldSeparator {
        /// The field's name.
        field: &'static str,
    },
    /// The first field is empty once HTML is stripped; Anki would show an
    /// empty sort field and the note might get no card.
    EmptyFirstField,
    /// `deck_id` names no deck of the package.
    UnknownDeck(i64),
    /// A tag is empty, contains whitespace or a control character, or has an
    /// empty `::` level.
    InvalidTag(String),
    /// `modified` is negative.
    NegativeModified(i64),
    /// No card template renders a non-empty front for this note.
    NoCards,
}

impl fmt::Display for DeckProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidId(id) => write!(
                f,
                "id {id} is not allowed (must be positive, not 1, below 2^53)"
            ),
            Self::DuplicateId(id) => write!(f, "id {id} is used by another deck"),
            Self::DuplicateName => f.write_str("another deck has the same name (ignoring case)"),
            Self::BadLevel => {
                f.write_str("the name or one of its '::' levels is empty or has surrounding spaces")
            }
            Self::ControlCharacter => f.write_str("the name contains a control character"),
        }
    }
}

impl fmt::Display for NoteProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidGuid => {
                f.write_str("the GUID is empty or contains whitespace or control characters")
            }
            Self::DuplicateGuid => f.write_str("another note has the same GUID"),
            Self::FieldCount { expected, found } => {
                write!(f, "has {found} fields, the note type has {expected}")
            }
            Self::FieldSeparator { field } => {
                write!(f, "field {field} contains U+001F (Anki's field separator)")
            }
            Self::EmptyFirstField => f.write_str("the first field is empty"),
            Self::UnknownDeck(id) => write!(f, "deck id {id} is not a deck of the package"),
            Self::InvalidTag(tag) => write!(
                f,
                "tag {tag:?} is empty, contains whitespace or a control character, \
                 or has an empty '::' level"
            ),
            Self::NegativeModified(secs) => write!(f, "modified time {secs} is negative"),
            Self::NoCards => f.write_str("no card template renders for this note"),
        }
    }
}

impl fmt::Display for AnkiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidCreatedMs(ms) => write!(
                f,
                "created_ms {ms} must be positive and leave room for all ids below 2^53"
            ),
            Self::InvalidDeck { name, problem } => write!(f, "deck {name:?}: {problem}"),
            Self::InvalidNote {
                index,
                guid,
                problem,
            } => write!(f, "note #{index} (guid {guid:?}): {problem}"),
            Self::Template {
                note_type,
                template,
                source,
            } => write!(
                f,
                "note type {note_type:?}, template {template:?}: {source}"
            ),
            Self::Sqlite(e) => write!(f, "writing the Anki collection: {e}"),
            Self::TooLarge => write!(f, "the Anki collection does not fit SQLite's file format"),
            Self::Json(e) => write!(f, "encoding the Anki collection's JSON: {e}"),
            Self::Io {
                action,
                path,
                source,
            } => write!(f, "cannot {action} {}: {source}", path.display()),
        }
    }
}

impl std::error::Error for AnkiError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Template { source, .. } => Some(source),
            Self::Sqlite(e) => Some(e),
            Self::Json(e) => Some(e),
            Self::Io { source, .. } => Some(source),
            Self::InvalidCreatedMs(_)
            | Self::InvalidDeck { .. }
            | Self::InvalidNote { .. }
            | Self::TooLarge => None,
        }
    }
}

impl From<rusqlite::Error> for AnkiError {
    fn from(e: rusqlite::Error) -> Self {
        Self::Sqlite(e)
    }
}

impl From<serde_json::Error> for AnkiError {
    fn from(e: serde_json::Error) -> Self {
        Self::Json(e)
    }
}
