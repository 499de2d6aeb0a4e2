//! Exports of checked examkit content for learners: Anki packages (`.apkg`),
//! CrowdAnki folders and the JSON bundle.
//!
//! This crate reads the typed model ([`examkit_model::Workspace`]) and writes
//! output formats. It knows nothing of YAML parsing, schemas, diagnostics or
//! the command line, and does no I/O except writing the files it is asked
//! to write ([`anki::write_apkg`], [`crowdanki::write_dir`]); the caller
//! checks the content first and refuses to export content with errors.
//!
//! The pipeline:
//!
//! 1. [`content::select`] picks what to export (filters by domain, task and
//!    tag) in content order;
//! 2. [`deck::build`] maps it to Anki decks, notes, fields and tags, with
//!    text rendered by [`markdown::render`] (raw HTML always escaped);
//! 3. [`lock::Lock::stamp`] gives each note its modification time from the
//!    lock file `examkit.lock` (below);
//! 4. [`anki::write_apkg`] writes the package atomically, or
//!    [`crowdanki::write_dir`] writes it as a CrowdAnki folder; or
//!    [`json::bundle`] makes the JSON bundle instead.
//!
//! # Stable modification times: the lock file
//!
//! Anki matches a re-imported note to the existing one by GUID (derived from
//! the exam id and the content id) and updates it **only if the incoming
//! modification time is later** than the stored one; otherwise the update
//! is silently skipped. examkit therefore keeps `examkit.lock` at the
//! content root, committed with the content: one line per note GUID with a
//! hash of the note's fields, tags and note type, and the time it was
//! exported with. On each export:
//!
//! - unchanged hash → the note keeps its locked time;
//! - new note or changed hash → `max(now, previous + 1)`, where `now` is
//!   `SOURCE_DATE_EPOCH` when set, else the clock;
//! - the package's id base is the latest note time, so with an up-to-date
//!   lock the same content exports to the same bytes.
//!
//! An edited note thus always arrives as an update, unchanged notes are left
//! alone (Anki logs them as duplicates and skips them), and review history
//! is kept because the importer never touches existing cards. See
//! [`lock`] for the file format and `docs/export.md` for the command.

pub mod anki;
pub mod content;
pub mod crowdanki;
pub mod deck;
pub mod json;
pub mod lock;
pub mod markdown;
