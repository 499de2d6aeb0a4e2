//! Builds the schema-11 SQLite collection (`collection.anki2`) of a legacy
//! package: the table layout of genanki's `APKG_SCHEMA`, one `col` row with
//! `ver = 11`, the `notes` and `cards` rows and Anki's indexes.
//!
//! The database file is written directly ([`super::btree`]), not through
//! SQLite: rows arrive in rowid order, so each table's leaves are filled
//! in turn and its interior pages built once at the end, and each index is
//! built from its sorted keys; complete chunks of pages are deflated for
//! the package meanwhile. Pages are 16 KiB: notes of a few KiB then
//! rarely spill into overflow pages, which makes the file about 15% smaller
//! than with 4 KiB pages. The tests open the result with SQLite (integrity
//! check) and compare every row with a collection SQLite wrote from the
//! same rows.

use rayon::prelude::*;
use rusqlite::Connection;

use super::archive::Deflated;
use super::btree::{self, Pages, Table, Value, put_record};
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

/// Collection schema version of legacy packages.
pub(crate) const SCHEMA_VERSION: i64 = 11;

/// The page size of the collection.
const PAGE_SIZE: usize = 16384;

impl From<btree::TooLarge> for AnkiError {
    fn from(_: btree::TooLarge) -> Self {
        Self::TooLarge
    }
}

impl From<btree::Failed> for AnkiError {
    fn from(failed: btree::Failed) -> Self {
        match failed {
            btree::Failed::TooLarge => Self::TooLarge,
            btree::Failed::Io(source) => Self::Io {
                action: "compress",
                path: "the collection".into(),
                source,
            },
        }
    }
}

/// The value SQLite stores for `text` in a column of integer affinity:
/// an integer or a real when the text is a well-formed number, else the
/// text. SQLite itself decides, for the rare text that could be a number.
struct IntegerAffinity {
    sqlite: Option<Connection>,
}

impl IntegerAffinity {
    fn value<'t>(&mut self, text: &'t str) -> Result<Value<'t>, AnkiError> {
        let could_be_number = text.bytes().any(|b| b.is_ascii_digit())
            && text
                .bytes()
                .all(|b| b.is_ascii_digit() || b"+-.eE \t\n\r\x0b\x0c".contains(&b));
        if !could_be_number {
            return Ok(Value::Text(text));
        }
        let sqlite = match &mut self.sqlite {
            Some(sqlite) => sqlite,
            None => {
                let sqlite = Connection::open_in_memory()?;
                sqlite.execute_batch("CREATE TABLE t (x integer)")?;
                self.sqlite.insert(sqlite)
            }
        };
        sqlite.execute("DELETE FROM t", [])?;
        sqlite.execute("INSERT INTO t VALUES (?1)", [text])?;
        let stored = sqlite.query_row("SELECT typeof(x), x FROM t", [], |row| {
            let kind: String = row.get(0)?;
            Ok(match kind.as_str() {
                "integer" => Some(Value::Int(row.get(1)?)),
                "real" => Some(Value::Real(row.get(1)?)),
                _ => None,
            })
        })?;
        Ok(stored.unwrap_or(Value::Text(text)))
    }
}

/// Inserts note and card rows into the collection being built.
pub(crate) struct Inserter {
    pages: Pages,
    notes: Table,
    cards: Table,
    /// `(csum, id)` of every note, for `ix_notes_csum`.
    note_keys: Vec<(i64, i64)>,
    /// `(nid, did, due, id)` of every card, for the card indexes.
    card_keys: Vec<(i64, i64, i64, i64)>,
    sort_fields: IntegerAffinity,
}

impl Inserter {
    /// Inserts `rows` (and their cards), in increasing id order.
    pub(crate) fn insert(&mut self, rows: &[NoteRow]) -> Result<(), AnkiError> {
        for note in rows {
            // Text; integer affinity turns numeric text into a number,
            // exactly as in a collection Anki writes.
            let sort_field = self.sort_fields.value(&note.sfld)?;
            self.notes.insert(
                &mut self.pages,
                note.id,
                &[
                    Value::Null,
                    Value::Text(note.guid),
                    Value::Int(note.mid),
                    Value::Int(note.modified),
                    Value::Int(-1),
                    Value::Text(&note.tags),
                    Value::Joined {
                        parts: note.fields,
                        separator: super::validate::FIELD_SEPARATOR,
                    },
                    sort_field,
                    Value::Int(i64::from(note.csum)),
                    Value::Int(0),
                    Value::Text(""),
                ],
            )?;
            self.note_keys.push((i64::from(note.csum), note.id));
            for card in &note.cards {
                let zero = Value::Int(0);
                self.cards.insert(
                    &mut self.pages,
                    card.id,
                    &[
                        Value::Null,
                        Value::Int(note.id),
                        Value::Int(card.deck_id),
                        Value::Int(i64::from(card.ord)),
                        Value::Int(note.modified),
                        Value::Int(-1),
                        zero,
                        zero,
                        Value::Int(card.due),
                        zero,
                        zero,
                        zero,
                        zero,
                        zero,
                        zero,
                        zero,
                        zero,
                        Value::Text(""),
                    ],
                )?;
                self.card_keys
                    .push((note.id, card.deck_id, card.due, card.id));
            }
        }
        Ok(())
    }
}

/// The records of an index (each the indexed columns, then the rowid, as
/// `columns` gives them for a key), in the index's order; built on every
/// core, since the indexes come last, when little else is left to do.
fn index_records<K: Copy + Sync, const N: usize>(
    keys: &[K],
    columns: impl Fn(K) -> [i64; N] + Sync,
) -> Vec<Vec<u8>> {
    let mut entries: Vec<[i64; N]> = keys.par_iter().map(|&key| columns(key)).collect();
    entries.par_sort_unstable();
    entries
        .par_iter()
        .map(|entry| {
            let mut record = Vec::with_capacity(1 + 10 * N);
            put_record(&mut record, &entry.map(Value::Int));
            record
        })
        .collect()
}

/// The `CREATE` statements of `sql`, as the schema table stores them.
fn statements(sql: &str) -> impl Iterator<Item = &str> {
    sql.split(';').map(str::trim).filter(|s| !s.is_empty())
}

/// The name of the table or index a `CREATE` statement creates, and the
/// table an index is on.
fn names(statement: &str) -> (&str, &str) {
    let words: Vec<&str> = statement.split_whitespace().collect();
    let name = words.get(2).copied().unwrap_or("");
    let table = match words.get(1) {
        Some(&"INDEX") => words.get(4).copied().unwrap_or(""),
        _ => name,
    };
    (name, table)
}

/// Builds the collection, deflated for the package as it is written:
/// `fill` inserts the rows, then the indexes and the schema are written.
/// `created_ms` becomes the collection's creation and modification times;
/// `estimated_size` (bytes) picks the deflate level. Returns the deflated
/// collection and what `fill` returned.
pub(crate) fn deflated_collection<R>(
    estimated_size: usize,
    col: &ColJson,
    created_ms: i64,
    fill: impl FnOnce(&mut Inserter) -> Result<R, AnkiError>,
) -> Result<(Deflated, R), AnkiError> {
    build_collection(PAGE_SIZE, estimated_size, col, created_ms, fill)
}

/// [`deflated_collection`] with `page_size`-byte pages.
fn build_collection<R>(
    page_size: usize,
    estimated_size: usize,
    col: &ColJson,
    created_ms: i64,
    fill: impl FnOnce(&mut Inserter) -> Result<R, AnkiError>,
) -> Result<(Deflated, R), AnkiError> {
    let mut pages = Pages::new(page_size, estimated_size);
    let mut col_table = Table::new();
    let zero = Value::Int(0);
    col_table.insert(
        &mut pages,
        1,
        &[
            Value::Null,
            Value::Int(created_ms / 1000),
            Value::Int(created_ms),
            Value::Int(created_ms),
            Value::Int(SCHEMA_VERSION),
            zero,
            zero,
            zero,
            Value::Text(&col.conf),
            Value::Text(&col.models),
            Value::Text(&col.decks),
            Value::Text(&col.dconf),
            Value::Text(&col.tags),
        ],
    )?;
    let col_root = col_table.finish(&mut pages)?;
    let mut inserter = Inserter {
        pages,
        notes: Table::new(),
        cards: Table::new(),
        note_keys: Vec::new(),
        card_keys: Vec::new(),
        sort_fields: IntegerAffinity { sqlite: None },
    };
    let filled = fill(&mut inserter)?;
    let Inserter {
        mut pages,
        notes,
        cards,
        note_keys,
        card_keys,
        ..
    } = inserter;
    let notes_root = notes.finish(&mut pages)?;
    let cards_root = cards.finish(&mut pages)?;
    let revlog_root = Table::new().finish(&mut pages)?;
    let graves_root = Table::new().finish(&mut pages)?;
    let index_roots = [
        btree::index(&mut pages, &index_records(&note_keys, |(_, id)| [-1, id]))?,
        btree::index(&mut pages, &index_records(&card_keys, |(.., id)| [-1, id]))?,
        btree::index(&mut pages, &[])?,
        btree::index(
            &mut pages,
            &index_records(&card_keys, |(nid, _, _, id)| [nid, id]),
        )?,
        btree::index(
            &mut pages,
            &index_records(&card_keys, |(_, did, due, id)| [did, 0, due, id]),
        )?,
        btree::index(&mut pages, &[])?,
        btree::index(
            &mut pages,
            &index_records(&note_keys, |(csum, id)| [csum, id]),
        )?,
    ];
    let table_roots = [col_root, notes_root, cards_root, revlog_root, graves_root];
    let schema: Vec<Vec<u8>> = statements(SCHEMA)
        .zip(table_roots)
        .map(|(sql, root)| ("table", sql, root))
        .chain(
            statements(INDEXES)
                .zip(index_roots)
                .map(|(sql, root)| ("index", sql, root)),
        )
        .map(|(kind, sql, root)| {
            let (name, table) = names(sql);
            let mut record = Vec::new();
            put_record(
                &mut record,
                &[
                    Value::Text(kind),
                    Value::Text(name),
                    Value::Text(table),
                    Value::Int(i64::from(root)),
                    Value::Text(sql),
                ],
            );
            record
        })
        .collect();
    Ok((pages.finish(&schema)?, filled))
}

#[cfg(test)]
mod tests {
    use rusqlite::types::Value as Sql;
    use rusqlite::{Connection, MAIN_DB, params};

    use super::*;
    use crate::anki::rows::CardRow;

    /// The collection as SQLite itself writes it from the same rows.
    fn written_by_sqlite(col: &ColJson, created_ms: i64, rows: &[NoteRow]) -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(SCHEMA).unwrap();
        conn.execute(
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
        )
        .unwrap();
        for note in rows {
            conn.execute(
                "INSERT INTO notes VALUES (?1, ?2, ?3, ?4, -1, ?5, ?6, ?7, ?8, 0, '')",
                params![
                    note.id,
                    note.guid,
                    note.mid,
                    note.modified,
                    note.tags,
                    note.fields.join("\u{1f}"),
                    note.sfld,
                    note.csum
                ],
            )
            .unwrap();
            for card in &note.cards {
                conn.execute(
                    "INSERT INTO cards VALUES (?1, ?2, ?3, ?4, ?5, -1, 0, 0, ?6, 0, 0, 0, 0, 0, 0, 0, 0, '')",
                    params![card.id, note.id, card.deck_id, card.ord, note.modified, card.due],
                )
                .unwrap();
            }
        }
        conn.execute_batch(INDEXES).unwrap();
        conn
    }

    /// Every row of every table (and the schema but its root pages), with
    /// each value's storage class.
    fn contents(conn: &Connection) -> Vec<Vec<Sql>> {
        let mut all = Vec::new();
        for query in [
            "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY rowid",
            "SELECT * FROM col ORDER BY id",
            "SELECT * FROM notes ORDER BY id",
            "SELECT * FROM cards ORDER BY id",
            "SELECT * FROM revlog ORDER BY id",
            "SELECT * FROM graves",
        ] {
            let mut statement = conn.prepare(query).unwrap();
            let columns = statement.column_count();
            let rows = statement
                .query_map([], |row| {
                    (0..columns).map(|i| row.get::<_, Sql>(i)).collect()
                })
                .unwrap();
            all.extend(rows.map(Result::unwrap));
        }
        all
    }

    fn opened(deflated: Deflated) -> Connection {
        use std::io::Read;
        let joined = deflated.chunks.concat();
        let mut bytes = Vec::new();
        flate2::read::DeflateDecoder::new(joined.as_slice())
            .read_to_end(&mut bytes)
            .unwrap();
        assert_eq!(bytes.len() as u64, deflated.size);
        assert_eq!(crc32fast::hash(&bytes), deflated.crc32);
        let mut conn = Connection::open_in_memory().unwrap();
        conn.deserialize_read_exact(MAIN_DB, bytes.as_slice(), bytes.len(), false)
            .unwrap();
        conn
    }

    /// Notes of every size (overflowing several pages too), sort fields
    /// SQLite reads as numbers, notes with one and three cards.
    /// The GUID and fields of each of `count` notes of every size (some
    /// overflowing several pages), for [`rows`].
    fn texts(count: usize) -> Vec<(String, Vec<String>)> {
        (0..count)
            .map(|i| {
                let size = [10, 300, 2_000, 20_000, 70_000][i % 5];
                (
                    format!("guid{i}"),
                    vec![i.to_string(), "é".repeat(size / 2)],
                )
            })
            .collect()
    }

    fn rows(texts: &[(String, Vec<String>)]) -> Vec<NoteRow<'_>> {
        let count = texts.len();
        let sort_fields = [
            "42",
            "3.5",
            " 7 ",
            "1e3",
            "-0",
            "007",
            "12abc",
            "9223372036854775808",
            "text",
        ];
        let mut id = 1_700_000_000_000;
        (0..count)
            .map(|i| {
                let note_id = id;
                let cards = (0..1 + 2 * (i % 2))
                    .map(|ord| {
                        id += 1;
                        CardRow {
                            id,
                            ord: u16::try_from(ord).unwrap(),
                            deck_id: 1_000 + (i % 3) as i64,
                            due: (count - i) as i64,
                        }
                    })
                    .collect();
                id += 1;
                let (guid, fields) = &texts[i];
                NoteRow {
                    id: note_id,
                    guid,
                    mid: 1_600_000_000_000 + (i % 2) as i64,
                    modified: 1_700_000_000 + i as i64,
                    tags: if i % 4 == 0 {
                        String::new()
                    } else {
                        format!(" t{i} ")
                    },
                    fields,
                    sfld: sort_fields[i % sort_fields.len()].to_owned(),
                    csum: u32::try_from((i * 2_654_435_761) % (1 << 32)).unwrap(),
                    cards,
                }
            })
            .collect()
    }

    fn col() -> ColJson {
        ColJson {
            conf: "{}".to_owned(),
            models: format!("{{\"m\": \"{}\"}}", "x".repeat(40_000)),
            decks: "{}".to_owned(),
            dconf: "{}".to_owned(),
            tags: "{}".to_owned(),
        }
    }

    #[test]
    fn the_collection_holds_what_sqlite_would_write_and_passes_its_integrity_check() {
        let col = col();
        let created_ms = 1_700_000_000_123;
        // Small pages make deep trees (and many overflow pages) from few rows.
        for (page_size, count) in [(512, 2000), (4096, 300), (PAGE_SIZE, 60)] {
            let texts = texts(count);
            let rows = rows(&texts);
            let (bytes, ()) = build_collection(page_size, 0, &col, created_ms, |inserter| {
                inserter.insert(&rows[..count / 2])?;
                inserter.insert(&rows[count / 2..])
            })
            .unwrap();
            let ours = opened(bytes);
            let check: String = ours
                .query_row("PRAGMA integrity_check", [], |row| row.get(0))
                .unwrap();
            assert_eq!(check, "ok", "page size {page_size}");
            let reference = written_by_sqlite(&col, created_ms, &rows);
            assert_eq!(
                contents(&ours),
                contents(&reference),
                "page size {page_size}"
            );
            // The indexes answer queries as SQLite's do.
            let by_index = |conn: &Connection, sql: &str| -> Vec<i64> {
                let mut statement = conn.prepare(sql).unwrap();
                statement
                    .query_map([], |row| row.get(0))
                    .unwrap()
                    .map(Result::unwrap)
                    .collect()
            };
            for sql in [
                "SELECT id FROM cards INDEXED BY ix_cards_nid WHERE nid > 1700000000100 ORDER BY nid",
                "SELECT id FROM cards INDEXED BY ix_cards_sched WHERE did = 1001 ORDER BY did, queue, due",
                "SELECT id FROM notes INDEXED BY ix_notes_csum WHERE csum > 1000 ORDER BY csum",
                "SELECT id FROM notes INDEXED BY ix_notes_usn WHERE usn = -1",
            ] {
                assert_eq!(by_index(&ours, sql), by_index(&reference, sql), "{sql}");
            }
        }
    }

    #[test]
    fn an_empty_collection_is_valid() {
        let (bytes, ()) =
            build_collection(PAGE_SIZE, 0, &col(), 1_700_000_000_000, |_| Ok(())).unwrap();
        let ours = opened(bytes);
        let check: String = ours
            .query_row("PRAGMA integrity_check", [], |row| row.get(0))
            .unwrap();
        assert_eq!(check, "ok");
        let reference = written_by_sqlite(&col(), 1_700_000_000_000, &[]);
        assert_eq!(contents(&ours), contents(&reference));
    }
}
