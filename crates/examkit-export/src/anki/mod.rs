//! Anki package (`.apkg`) writer.
//!
//! Writes the "legacy 1" package that genanki also writes, and that current
//! Anki (26.09) imports: a zip with `collection.anki2` (a schema-11 SQLite
//! collection, deflated) and a `media` map (`{}`; media files are not
//! supported yet).
//!
//! The input is plain data ([`Package`], [`Deck`], [`Note`]); this module
//! knows nothing of YAML or examkit's content model. Field values are HTML
//! and are stored as given: escaping is the caller's job.
//!
//! What keeps re-imports clean:
//! - note GUIDs come from stable source ids ([`guid_for`]);
//! - a note's `modified` time moves forward when the note changes (Anki
//!   updates an existing note only if the incoming one is newer);
//! - the two note types ([`QUESTION`], [`SERVICE`]) have fixed ids, fields
//!   and templates;
//! - cards are generated as Anki generates them ([`CardGenerator`]).
//!
//! Writing is reproducible (same input, same bytes) and atomic (a temporary
//! file in the output folder is renamed into place).
//!
//! ```no_run
//! use examkit_export::anki::{Deck, Note, Package, QuestionFields, guid_for, write_apkg};
//!
//! let deck = Deck::new("AWS SAA::Domain 1", "Practice questions");
//! let note = Note::question(
//!     guid_for(&["aws-saa", "q-0001"]),
//!     deck.id,
//!     QuestionFields {
//!         stem: "Which service provides object storage?".into(),
//!         options: "<ol type=\"A\"><li>Amazon EBS</li><li>Amazon S3</li></ol>".into(),
//!         answer: "B".into(),
//!         id: "q-0001".into(),
//!         ..QuestionFields::default()
//!     },
//!     vec!["domain-1".into()],
//!     1_795_737_600,
//! );
//! let package = Package { decks: vec![deck], notes: vec![note], created_ms: 1_795_737_600_000 };
//! let summary = write_apkg(&package, std::path::Path::new("deck.apkg"))?;
//! assert_eq!(summary.notes, 1);
//! # Ok::<(), examkit_export::anki::AnkiError>(())
//! ```

mod archive;
mod btree;
mod cards;
mod col_json;
mod entities;
mod error;
mod guid;
mod note_type;
mod package;
mod rows;
mod sqlite;
mod template;
mod text;
mod validate;

use std::io;
use std::path::Path;

pub use cards::{CardGenerator, Requirement, RequirementKind, render_card_count};
pub use error::{AnkiError, DeckProblem, NoteProblem};
pub use guid::guid_for;
pub use note_type::{CSS, FieldDef, NoteKind, NoteType, QUESTION, SERVICE, TemplateDef};
pub use package::{Deck, Note, Package, QuestionFields, ServiceFields, deck_id_for};
pub use template::{ParsedTemplate, TemplateError};
pub use text::{field_checksum, field_is_empty, strip_html_preserving_media_filenames};

/// Atomic file writing, for other writers.
pub(crate) use archive::write_atomically;
/// The schema-11 JSON of note types, decks and deck options, for other
/// writers of Anki's JSON (see [`crate::crowdanki`]).
pub(crate) use col_json::{deck_options_value, deck_value, note_type_value};
/// Tags as Anki stores them (see [`Note::tags`]).
pub(crate) use validate::normalized_tags;

/// What [`check`] found in a valid package.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PackageSummary {
    /// Notes in the package.
    pub notes: usize,
    /// Cards Anki generates for them.
    pub cards: usize,
    /// Decks in the package.
    pub decks: usize,
}

/// Checks `package` as [`write_apkg`] does (decks, notes, GUIDs, tags,
/// cards), without writing anything and whatever its `created_ms`.
///
/// # Errors
/// [`AnkiError::InvalidDeck`] or [`AnkiError::InvalidNote`] for the first
/// problem found, as [`write_apkg`] reports it.
pub fn check(package: &Package) -> Result<PackageSummary, AnkiError> {
    let deck_ids = validate::decks(&package.decks)?;
    let totals = rows::validate_notes(package, &deck_ids)?;
    Ok(PackageSummary {
        notes: totals.notes,
        cards: totals.cards,
        decks: package.decks.len(),
    })
}

/// What [`write_apkg`] wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WriteSummary {
    /// Notes written.
    pub notes: usize,
    /// Cards written.
    pub cards: usize,
    /// Decks written (not counting Anki's "Default" deck, which every
    /// collection has).
    pub decks: usize,
    /// Size of the `.apkg` file in bytes.
    pub bytes: u64,
}

/// Validates `package` and writes it to `out` as an `.apkg` file, replacing
/// any existing file atomically.
///
/// The collection is built in memory and deflated on all cores while it is
/// being built, then written into a temporary file next to `out`, flushed
/// to disk and renamed to `out`. The same input always gives the same
/// bytes.
///
/// # Errors
/// [`AnkiError::InvalidDeck`], [`AnkiError::InvalidNote`] or
/// [`AnkiError::InvalidCreatedMs`] for input Anki would not import as given;
/// [`AnkiError::Io`] or [`AnkiError::Sqlite`] when writing
/// fails. On error nothing is left at `out` (an existing file is untouched)
/// and no temporary file remains.
pub fn write_apkg(package: &Package, out: &Path) -> Result<WriteSummary, AnkiError> {
    let deck_ids = validate::decks(&package.decks)?;
    let note_types: std::collections::BTreeSet<NoteKind> =
        package.notes.iter().map(|n| n.note_type).collect();
    let col = col_json::build(note_types, &package.decks, package.created_ms / 1000)?;
    // Fields, plus the sort field and tags, plus row overhead.
    let estimated_size: usize = package
        .notes
        .iter()
        .map(|n| {
            let fields: usize = n.fields.iter().map(String::len).sum();
            let tags: usize = n.tags.iter().map(|t| t.len() + 1).sum();
            fields + fields / 4 + tags + 128
        })
        .sum();

    let (collection, totals) =
        sqlite::deflated_collection(estimated_size, &col, package.created_ms, |inserter| {
            rows::stream(package, &deck_ids, |chunk| inserter.insert(chunk))
        })?;
    let bytes = archive::write_atomically(out, |file| {
        archive::write_zip(collection, io::BufWriter::new(file), out).and_then(|w| {
            w.into_inner().map(|_| ()).map_err(|e| AnkiError::Io {
                action: "write",
                path: out.to_path_buf(),
                source: e.into_error(),
            })
        })
    })?;
    Ok(WriteSummary {
        notes: totals.notes,
        cards: totals.cards,
        decks: package.decks.len(),
        bytes,
    })
}
