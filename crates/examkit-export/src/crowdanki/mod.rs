//! CrowdAnki export: the folder that the CrowdAnki add-on imports into Anki
//! and that decks kept in git are made of.
//!
//! The folder holds `deck.json` and a `media/` folder (empty: content
//! text never references files). `deck.json` is one top-level `Deck`
//! object whose sub-decks are nested in `children` (named by their last
//! level), with the `note_models` (note types) and `deck_configurations`
//! (deck options) used, each deck's `notes`, and `media_files`. Every
//! object is Anki's own JSON for it without ids and times, plus `__type__`
//! and a `crowdanki_uuid`, as CrowdAnki writes it.
//!
//! The decks, notes (fields, tags, GUIDs) and note types are those of the
//! `.apkg` ([`crate::anki`]): the same [`Package`] is written in another
//! form, after the same checks ([`crate::anki::check`]).
//!
//! - **UUIDs** are version-5 UUIDs of stable ids, never random: a deck's
//!   from the exam id and the deck's source (`exam`, `domain/<id>`,
//!   `task/<id>`, `services`), so a renamed task keeps its deck; a note
//!   type's from its fixed Anki id; the deck options' from the exam id.
//!   CrowdAnki matches decks, note types and options by UUID and notes by
//!   GUID, so a re-import updates them in place.
//! - **Order**: sub-decks and notes in content order; object keys sorted.
//!   The same content gives byte-identical output (no times are written:
//!   CrowdAnki stamps notes when it imports them).
//! - **Writing** ([`write_dir`]): `deck.json` is written to a temporary file
//!   in the folder and renamed into place, so an interrupted export leaves
//!   the previous `deck.json` or the new one, never part of one. Other
//!   files in the folder (a `.git`, a README) are left alone.

mod document;
mod error;
mod json_text;
mod tree;
mod uuid;

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

pub use error::CrowdAnkiError;

use crate::anki::{self, AnkiError, NoteKind, Package};
use document::DeckContents;

/// The name of the deck file in the folder.
pub const DECK_FILE: &str = "deck.json";
/// The name of the media folder in the folder.
pub const MEDIA_FOLDER: &str = "media";

/// A CrowdAnki deck, ready to write.
#[derive(Debug, Clone, PartialEq)]
pub struct CrowdAnkiDeck {
    json: Value,
    summary: DeckSummary,
}

/// What a [`CrowdAnkiDeck`] holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeckSummary {
    /// Notes, over all decks.
    pub notes: usize,
    /// Cards Anki generates for them.
    pub cards: usize,
    /// Decks, the top-level deck included.
    pub decks: usize,
}

impl CrowdAnkiDeck {
    /// The `deck.json` document.
    #[must_use]
    pub fn json(&self) -> &Value {
        &self.json
    }

    /// Counts of notes, cards and decks.
    #[must_use]
    pub fn summary(&self) -> DeckSummary {
        self.summary
    }

    /// The text of `deck.json`: keys sorted, indented by four spaces, with
    /// a final newline.
    ///
    /// # Errors
    /// [`CrowdAnkiError::Json`] if encoding fails.
    pub fn to_vec(&self) -> Result<Vec<u8>, CrowdAnkiError> {
        Ok(json_text::to_vec(&self.json)?)
    }
}

/// Makes the CrowdAnki deck of `package`.
///
/// `deck_sources` gives each deck of the package (same order) a stable
/// source, such as [`DeckBuild::deck_sources`](crate::deck::DeckBuild::deck_sources);
/// `namespace` (the exam id) keeps UUIDs of different exams apart. The
/// package's note times and `created_ms` are not used.
///
/// # Errors
/// [`CrowdAnkiError::Invalid`] for a package [`anki::write_apkg`] would
/// refuse; [`CrowdAnkiError::NoDeck`], [`CrowdAnkiError::SeveralTopLevelDecks`]
/// or [`CrowdAnkiError::DeckSources`] for decks CrowdAnki cannot hold as
/// given.
pub fn deck(
    package: &Package,
    deck_sources: &[String],
    namespace: &str,
) -> Result<CrowdAnkiDeck, CrowdAnkiError> {
    let checked = anki::check(package)?;
    let tree = tree::build(&package.decks, deck_sources, &package.notes)?;
    let config_uuid = uuid::uuid_for(&format!("{namespace}/deck-config"));

    // Every node comes after its parent, so building from the last node
    // up finds each node's sub-decks done.
    let mut built: Vec<Option<Map<String, Value>>> = vec![None; tree.nodes.len()];
    for (i, node) in tree.nodes.iter().enumerate().rev() {
        let notes = node
            .notes
            .iter()
            .filter_map(|&n| package.notes.get(n).map(|note| document::note(note, n)))
            .collect::<Result<Vec<_>, AnkiError>>()?;
        let children = node
            .children
            .iter()
            .filter_map(|&c| built.get_mut(c).and_then(Option::take).map(Value::Object))
            .collect();
        let contents = DeckContents {
            uuid: uuid::uuid_for(&format!("{namespace}/deck/{}", node.source)),
            config_uuid: config_uuid.clone(),
            notes,
            children,
        };
        built[i] = Some(document::deck(node, i == 0, contents)?);
    }
    let mut root = built
        .into_iter()
        .next()
        .flatten()
        .ok_or(CrowdAnkiError::NoDeck)?;

    let used: BTreeSet<NoteKind> = package.notes.iter().map(|n| n.note_type).collect();
    let note_models = used
        .into_iter()
        .map(document::note_model)
        .collect::<Result<Vec<_>, AnkiError>>()?;
    let config = document::deck_config(&tree.nodes[0].deck.name, &config_uuid);
    root.insert("note_models".to_owned(), Value::Array(note_models));
    root.insert("deck_configurations".to_owned(), Value::Array(vec![config]));
    Ok(CrowdAnkiDeck {
        json: Value::Object(root),
        summary: DeckSummary {
            notes: checked.notes,
            cards: checked.cards,
            decks: tree.nodes.len(),
        },
    })
}

/// Writes `deck` into the folder `dir` (created if missing): the folder
/// `media/` and then `deck.json`, atomically. Returns the path of
/// `deck.json`.
///
/// # Errors
/// [`CrowdAnkiError::Io`] when a folder cannot be created or the file
/// cannot be written (an existing `deck.json` is then left as it was, and
/// no temporary file remains); [`CrowdAnkiError::Json`] if encoding fails.
pub fn write_dir(deck: &CrowdAnkiDeck, dir: &Path) -> Result<PathBuf, CrowdAnkiError> {
    let bytes = deck.to_vec()?;
    let media = dir.join(MEDIA_FOLDER);
    std::fs::create_dir_all(&media).map_err(|source| CrowdAnkiError::Io {
        action: "create the folder",
        path: media.clone(),
        source,
    })?;
    let out = dir.join(DECK_FILE);
    anki::write_atomically(&out, |file| {
        file.write_all(&bytes).map_err(|source| AnkiError::Io {
            action: "write",
            path: out.clone(),
            source,
        })
    })
    .map_err(|e| match e {
        AnkiError::Io {
            action,
            path,
            source,
        } => CrowdAnkiError::Io {
            action,
            path,
            source,
        },
        other => CrowdAnkiError::Invalid(other),
    })?;
    Ok(out)
}
