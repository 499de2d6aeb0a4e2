//! Builds the schema-11 SQLite collection (`collection.anki2`) of a legacy
//! package: the table layout of genanki's `APKG_SCHEMA`, one `col` row with
//! `ver = 11`, and the `notes` and `cards` rows.
//!
//! The database is built in memory (SQLite's `memdb` VFS, no journal, one
//! transaction, prepared statements, indexes created after the rows) and
//! handed to the zip writer as bytes, without a temporary file. Pages are
//! 16 KiB: notes of a few KiB then rarely spill into overflow pages, which
//! makes the file about 15% smaller than with 4 KiB pages (SQLite reads
//! the page size from the file, so Anki opens it like any other).

use rusqlite::{Connection, MAIN_DB, OpenFlags, Statement, params};

use super::col_json::ColJson;
use super::error::AnkiError;
use super::rows::NoteRow;

/// The tables of a schema-11 collection.
const SCHEMA: &str = "
CREATE TABLE col (
    id              integer primary key,
    crt             integer not null,
    mod             integer not null,
    scm             integer not null,
    ver             integer not null,
    dty             integer not null,
    usn             integer not null,
    ls              integer not null,
    conf            text not null,
    models          text not null,
    decks           text not null,
    dconf           text not null,
    tags            text not null
);
CREATE TABLE notes (
    id              integer primary key,
    guid            text not null,
    mid             integer not null,
    mod             integer not null,
    usn             integer not null,
    tags            text not null,
    flds            text not null,
    sfld            integer not null,
    csum            integer not null,
    flags           integer not null,
    data            text not null
);
CREATE TABLE cards (
    id              integer primary key,
    nid             integer not null,
    did             integer not null,
    ord             integer not null,
    mod             integer not null,
    usn             integer not null,
    type            integer not null,
    queue           integer not null,
    due             integer not null,
    ivl             integer not null,
    factor          integer not null,
    reps            integer not null,
    lapses          integer not null,
    left            integer not null,
    odue            integer not null,
    odid            integer not null,
    flags           integer not null,
    data            text not null
);
CREATE TABLE revlog (
    id              integer primary key,
    cid             integer not null,
    usn             integer not null,
    ease            integer not null,
    ivl             integer not null,
    lastIvl         integer not null,
    factor          integer not null,
    time            integer not null,
    type            integer not null
);
CREATE TABLE graves (
    usn             integer not null,
    oid             integer not null,
    type            integer not null
);
";

/// The indexes Anki expects, created once the rows are in (faster than
/// maintaining them row by row).
const INDEXES: &str = "
CREATE INDEX ix_notes_usn on notes (usn);
CREATE INDEX ix_cards_usn on cards (usn);
CREATE INDEX ix_revlog_usn on revlog (usn);
CREATE INDEX ix_cards_nid on cards (nid);
CREATE INDEX ix_cards_sched on cards (did, queue, due);
CREATE INDEX ix_revlog_cid on revlog (cid);
CREATE INDEX ix_notes_csum on notes (csum);
";

/// Estimated collection size above which the memdb VFS (1 GiB at most,
/// indexes and page overhead included) is not used.
const MEMDB_LIMIT: usize = 640 << 20;

/// Collection schema version of legacy packages.
pub(crate) const SCHEMA_VERSION: i64 = 11;

/// Inserts note and card rows into the collection being built.
pub(crate) struct Inserter<'conn> {
    notes: Statement<'conn>,
    cards: Statement<'conn>,
}

impl Inserter<'_> {
    /// Inserts `rows` (and their cards).
    pub(crate) fn insert(&mut self, rows: &[NoteRow]) -> Result<(), AnkiError> {
        for note in rows {
            self.notes.execute(params![
                note.id,
                note.guid,
                note.mid,
                note.modified,
                note.tags,
                note.flds,
                // Text; SQLite's integer affinity turns numeric text into a
                // number, exactly as in a collection Anki writes.
                note.sfld,
                note.csum,
            ])?;
            for card in &note.cards {
                self.cards.execute(params![
                    card.id,
                    note.id,
                    card.deck_id,
                    card.ord,
                    note.modified,
                    card.due
                ])?;
            }
        }
        Ok(())
    }
}

/// Builds the collection in memory: `fill` inserts the rows (in one
/// transaction, with prepared statements), then the indexes are created and
/// the database's bytes (exactly what the file would hold) are passed to
/// `consume` with what `fill` returned. `created_ms` becomes the
/// collection's creation and modification times; `estimated_size` (bytes)
/// picks the in-memory backend.
pub(crate) fn with_collection_bytes<R, T>(
    estimated_size: usize,
    col: &ColJson,
    created_ms: i64,
    fill: impl FnOnce(&mut Inserter<'_>) -> Result<R, AnkiError>,
    consume: impl FnOnce(&[u8], R) -> Result<T, AnkiError>,
) -> Result<T, AnkiError> {
    // A private in-memory database on the memdb VFS, whose pages are one
    // contiguous buffer that `serialize` hands out without copying (and
    // that creating the indexes reads fastest). memdb databases are capped
    // at 1 GiB, so very large collections use a plain in-memory database,
    // which `serialize` copies.
    let name = if estimated_size < MEMDB_LIMIT {
        "file:examkit-collection?vfs=memdb"
    } else {
        ":memory:"
    };
    let mut conn = Connection::open_with_flags(
        name,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.execute_batch(
        "PRAGMA page_size = 16384; PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; \
         PRAGMA locking_mode = EXCLUSIVE;",
    )?;
    conn.execute_batch(SCHEMA)?;
    let tx = conn.transaction()?;
    tx.execute(
        "INSERT INTO col VALUES (1, ?1, ?2, ?2, ?3, 0, 0, 0, ?4, ?5, ?6, ?7, ?8)",
        params![
            created_ms / 1000,
            created_ms,
            SCHEMA_VERSION,
            col.conf,
            col.models,
            col.decks,
            col.dconf,
            col.tags
        ],
    )?;
    let filled = {
        let mut inserter = Inserter {
            notes: tx
                .prepare("INSERT INTO notes VALUES (?1, ?2, ?3, ?4, -1, ?5, ?6, ?7, ?8, 0, '')")?,
            cards: tx.prepare(
                "INSERT INTO cards VALUES (?1, ?2, ?3, ?4, ?5, -1, 0, 0, ?6, 0, 0, 0, 0, 0, 0, 0, 0, '')",
            )?,
        };
        fill(&mut inserter)?
    };
    tx.commit()?;
    conn.execute_batch(INDEXES)?;
    let bytes = conn.serialize(MAIN_DB)?;
    consume(&bytes, filled)
}
