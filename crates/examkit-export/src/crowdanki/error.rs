//! Errors of the CrowdAnki writer.

use std::fmt;
use std::io;
use std::path::PathBuf;

use crate::anki::AnkiError;

/// Why a CrowdAnki deck could not be made or written.
#[derive(Debug)]
pub enum CrowdAnkiError {
    /// The package is not one Anki would import as given (the same checks
    /// as for an `.apkg`).
    Invalid(AnkiError),
    /// The package has no deck.
    NoDeck,
    /// A CrowdAnki deck has one top-level deck; the package has several.
    SeveralTopLevelDecks {
        /// The first top-level deck.
        first: String,
        /// Another one.
        second: String,
    },
    /// The deck sources do not match the decks one to one.
    DeckSources {
        /// Decks in the package.
        decks: usize,
        /// Deck sources given.
        sources: usize,
    },
    /// Encoding `deck.json` failed.
    Json(serde_json::Error),
    /// A file-system operation failed.
    Io {
        /// What was being done, e.g. "create the folder".
        action: &'static str,
        /// The path concerned.
        path: PathBuf,
        /// The underlying error.
        source: io::Error,
    },
}

impl fmt::Display for CrowdAnkiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Invalid(e) => e.fmt(f),
            Self::NoDeck => f.write_str("there is no deck to export"),
            Self::SeveralTopLevelDecks { first, second } => write!(
                f,
                "a CrowdAnki deck has one top-level deck, but there are several: {first:?} and {second:?}"
            ),
            Self::DeckSources { decks, sources } => write!(
                f,
                "{sources} deck sources were given for {decks} decks (one per deck expected)"
            ),
            Self::Json(e) => write!(f, "encoding deck.json: {e}"),
            Self::Io {
                action,
                path,
                source,
            } => write!(f, "cannot {action} {}: {source}", path.display()),
        }
    }
}

impl std::error::Error for CrowdAnkiError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Invalid(e) => Some(e),
            Self::Json(e) => Some(e),
            Self::Io { source, .. } => Some(source),
            Self::NoDeck | Self::SeveralTopLevelDecks { .. } | Self::DeckSources { .. } => None,
        }
    }
}

impl From<AnkiError> for CrowdAnkiError {
    fn from(e: AnkiError) -> Self {
        Self::Invalid(e)
    }
}

impl From<serde_json::Error> for CrowdAnkiError {
    fn from(e: serde_json::Error) -> Self {
        Self::Json(e)
    }
}
