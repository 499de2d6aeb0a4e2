//! End-to-end tests of the `.apkg` writer: write a package, reopen the zip
//! and the SQLite collection, and check what Anki will read.

use std::fs;
use std::io::Read;
use std::path::Path;

use examkit_export::anki::{
    AnkiError, Deck, Note, NoteProblem, Package, QUESTION, QuestionFields, SERVICE, ServiceFields,
    field_checksum, guid_for, write_apkg,
};
use rusqlite::Connection;
use serde_json::Value;

const NS: &str = "examkit-test";

fn sample() -> Package {
    let domain = Deck::new("EXAM::Domain 1", "Practice questions");
    let flash = Deck::new("EXAM::Services", "Service flashcards");
    let notes = vec![
        Note::question(
            guid_for(&[NS, "q-0001"]),
            domain.id,
            QuestionFields {
                stem: "Which service provides <b>object</b> storage?".into(),
                options: "<ol type=\"A\"><li>Amazon EBS</li><li>Amazon S3</li></ol>".into(),
                answer: "B".into(),
                explanation: "S3 stores objects; EBS is block storage.".into(),
                rationale: "EBS volumes attach to one instance.".into(),
                task: "1.1 Design secure storage".into(),
                services: "S3, EBS".into(),
                id: "q-0001".into(),
            },
            vec!["domain-1".into(), "aws::storage".into()],
            1_795_000_000,
        ),
        Note::question(
            guid_for(&[NS, "q-0002"]),
            domain.id,
            QuestionFields {
                stem: "Which two are DynamoDB capacity modes? (Choose two.)".into(),
                options: "<ol type=\"A\"><li>On-demand</li><li>Provisioned</li><li>Reserved &amp; burst</li></ol>".into(),
                answer: "A, B".into(),
                id: "q-0002".into(),
                ..QuestionFields::default()
            },
            vec!["domain-1".into()],
            1_795_000_100,
        ),
        Note::service(
            guid_for(&[NS, "svc-s3"]),
            flash.id,
            ServiceFields {
                name: "Amazon S3".into(),
                category: "Storage".into(),
                definition: "Object storage.".into(),
                use_cases: "<ul><li>Backups</li><li>Static websites</li></ul>".into(),
                features: "Versioning, lifecycle rules".into(),
                id: "svc-s3".into(),
            },
            vec!["flashcard".into()],
            1_795_000_200,
        ),
        Note::service(
            guid_for(&[NS, "svc-ebs"]),
            flash.id,
            ServiceFields {
                name: "Amazon EBS".into(),
                category: "Storage".into(),
                definition: "Block storage for EC2.".into(),
                id: "svc-ebs".into(),
                ..ServiceFields::default()
            },
            vec![],
            1_795_000_300,
        ),
    ];
    Package {
        decks: vec![Deck::new("EXAM", "All practice"), domain, flash],
        notes,
        created_ms: 1_795_737_600_000,
    }
}

/// A row of the `cards` table.
struct CardRow {
    nid: i64,
    ord: i64,
    did: i64,
    kind: i64,
    queue: i64,
    due: i64,
    usn: i64,
    modified: i64,
}

/// The zip's entry names and the extracted collection file.
fn open_package(apkg: &Path, scratch: &Path) -> (Vec<String>, Connection, Vec<u8>) {
    let file = fs::File::open(apkg).expect("package exists");
    let mut zip = zip::ZipArchive::new(file).expect("valid zip");
    let names: Vec<String> = (0..zip.len())
        .map(|i| {
            zip.by_index(i)
                .expect("entry")
                .name()
                .expect("UTF-8 name")
                .into_owned()
        })
        .collect();
    let mut media = Vec::new();
    zip.by_name("media")
        .expect("media entry")
        .read_to_end(&mut media)
        .expect("read media");
    let mut entry = zip.by_name("collection.anki2").expect("collection entry");
    assert_eq!(entry.compression(), zip::CompressionMethod::Deflated);
    let mut bytes = Vec::new();
    entry.read_to_end(&mut bytes).expect("read collection");
    let db = scratch.join("extracted.anki2");
    fs::write(&db, bytes).expect("write extracted collection");
    (names, Connection::open(&db).expect("valid SQLite"), media)
}

#[test]
fn written_package_has_the_rows_anki_expects() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("sample.apkg");
    let summary = write_apkg(&sample(), &out).expect("writes");
    assert_eq!((summary.notes, summary.cards, summary.decks), (4, 5, 3));
    assert_eq!(summary.bytes, fs::metadata(&out).expect("exists").len());

    let (names, db, media) = open_package(&out, dir.path());
    assert_eq!(names, ["collection.anki2", "media"]);
    assert_eq!(media, b"{}");

    // col: one row, schema 11, JSON columns.
    let (count, ver): (i64, i64) = db
        .query_row("SELECT count(*), max(ver) FROM col", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .expect("col");
    assert_eq!((count, ver), (1, 11));
    let (models, decks, dconf, conf, tags): (String, String, String, String, String) = db
        .query_row(
            "SELECT models, decks, dconf, conf, tags FROM col",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .expect("col json");
    let models: Value = serde_json::from_str(&models).expect("models JSON");
    for nt in [&QUESTION, &SERVICE] {
        let m = &models[nt.id.to_string()];
        for key in [
            "id", "name", "type", "mod", "usn", "sortf", "did", "tmpls", "flds", "css",
        ] {
            assert!(m.get(key).is_some(), "{}: model key {key}", nt.name);
        }
        assert_eq!(m["name"], nt.name);
        assert_eq!(m["type"], 0);
        assert_eq!(m["sortf"], 0);
        for (i, f) in m["flds"].as_array().expect("flds").iter().enumerate() {
            for key in ["name", "ord", "sticky", "rtl", "font", "size"] {
                assert!(f.get(key).is_some(), "field key {key}");
            }
            assert_eq!(f["name"], nt.fields[i].name);
            assert_eq!(f["ord"], i);
            assert_eq!(f["id"], nt.fields[i].id);
        }
        for (i, t) in m["tmpls"].as_array().expect("tmpls").iter().enumerate() {
            for key in ["name", "ord", "qfmt", "afmt"] {
                assert!(t.get(key).is_some(), "template key {key}");
            }
            assert_eq!(t["ord"], i);
            assert_eq!(t["id"], nt.templates[i].id);
        }
    }
    let decks: Value = serde_json::from_str(&decks).expect("decks JSON");
    let mut deck_names: Vec<&str> = decks
        .as_object()
        .expect("deck map")
        .values()
        .map(|d| d["name"].as_str().expect("name"))
        .collect();
    deck_names.sort_unstable();
    assert_eq!(
        deck_names,
        ["Default", "EXAM", "EXAM::Domain 1", "EXAM::Services"]
    );
    for d in decks.as_object().expect("deck map").values() {
        for key in [
            "id",
            "name",
            "usn",
            "collapsed",
            "dyn",
            "conf",
            "lrnToday",
            "revToday",
            "newToday",
            "timeToday",
        ] {
            assert!(d.get(key).is_some(), "deck key {key}");
        }
    }
    assert!(serde_json::from_str::<Value>(&dconf).expect("dconf")["1"].is_object());
    assert!(
        serde_json::from_str::<Value>(&conf)
            .expect("conf")
            .is_object()
    );
    assert_eq!(tags, "{}");

    // notes
    let mut stmt = db
        .prepare("SELECT id, guid, mid, mod, usn, tags, flds, sfld, csum, flags, data FROM notes ORDER BY id")
        .expect("notes query");
    type NoteRow = (
        i64,
        String,
        i64,
        i64,
        i64,
        String,
        String,
        String,
        i64,
        i64,
        String,
    );
    let notes: Vec<NoteRow> = stmt
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
                r.get(8)?,
                r.get(9)?,
                r.get(10)?,
            ))
        })
        .expect("notes")
        .collect::<Result<_, _>>()
        .expect("rows");
    assert_eq!(notes.len(), 4);
    let package = sample();
    for (row, note) in notes.iter().zip(&package.notes) {
        let (_, guid, mid, modified, usn, tags, flds, _, csum, flags, data) = row;
        assert_eq!(guid, &note.guid);
        assert_eq!(*mid, note.note_type.definition().id);
        assert_eq!(*modified, note.modified);
        assert_eq!(*usn, -1);
        assert_eq!(flds, &note.fields.join("\u{1f}"));
        assert_eq!(*csum, i64::from(field_checksum(&note.fields[0])));
        assert_eq!((*flags, data.as_str()), (0, ""));
        if note.tags.is_empty() {
            assert_eq!(tags, "");
        } else {
            assert!(tags.starts_with(' ') && tags.ends_with(' '), "{tags:?}");
        }
    }
    assert_eq!(notes[0].5, " aws::storage domain-1 ");
    assert_eq!(notes[0].7, "Which service provides object storage?");
    assert_eq!(notes[2].7, "Amazon S3");
    // Ids count up from created_ms: note, its cards, next note, ...
    let ids: Vec<i64> = notes.iter().map(|n| n.0).collect();
    assert_eq!(
        ids,
        [
            1_795_737_600_000,
            1_795_737_600_002,
            1_795_737_600_004,
            1_795_737_600_007
        ]
    );
    // csum golden: SHA-1("Which service provides object storage?")[..4].
    assert_eq!(notes[0].8, 1_195_577_461);

    // cards
    let mut stmt = db
        .prepare("SELECT nid, ord, did, type, queue, due, usn, mod FROM cards ORDER BY id")
        .expect("cards query");
    let cards: Vec<CardRow> = stmt
        .query_map([], |r| {
            Ok(CardRow {
                nid: r.get(0)?,
                ord: r.get(1)?,
                did: r.get(2)?,
                kind: r.get(3)?,
                queue: r.get(4)?,
                due: r.get(5)?,
                usn: r.get(6)?,
                modified: r.get(7)?,
            })
        })
        .expect("cards")
        .collect::<Result<_, _>>()
        .expect("rows");
    let by_note: Vec<(i64, i64, i64)> = cards.iter().map(|c| (c.nid, c.ord, c.due)).collect();
    assert_eq!(
        by_note,
        [
            (ids[0], 0, 1),
            (ids[1], 0, 2),
            (ids[2], 0, 3),
            (ids[2], 1, 3),
            (ids[3], 0, 4),
        ]
    );
    let domain = &package.decks[1];
    let flash = &package.decks[2];
    assert_eq!(cards[0].did, domain.id);
    assert_eq!(cards[4].did, flash.id);
    for c in &cards {
        assert_eq!((c.kind, c.queue, c.usn), (0, 0, -1), "type, queue, usn");
    }
    assert_eq!(cards[0].modified, package.notes[0].modified);

    for table in ["revlog", "graves"] {
        let n: i64 = db
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .expect("table exists");
        assert_eq!(n, 0);
    }
}

#[test]
fn numeric_sort_field_is_stored_like_anki() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("numeric.apkg");
    let mut package = sample();
    package.notes.truncate(1);
    package.notes[0].fields[0] = "<b>42</b>".into();
    write_apkg(&package, &out).expect("writes");
    let (_, db, _) = open_package(&out, dir.path());
    let (kind, value): (String, i64) = db
        .query_row("SELECT typeof(sfld), sfld FROM notes", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .expect("sfld");
    assert_eq!((kind.as_str(), value), ("integer", 42));
}

#[test]
fn same_input_gives_identical_bytes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let a = dir.path().join("a.apkg");
    let b = dir.path().join("b.apkg");
    write_apkg(&sample(), &a).expect("first write");
    write_apkg(&sample(), &b).expect("second write");
    let (a, b) = (fs::read(a).expect("a"), fs::read(b).expect("b"));
    assert!(!a.is_empty());
    assert!(a == b, "two writes of the same package differ");

    // And a real change changes the bytes.
    let mut edited = sample();
    edited.notes[0].fields[3].push_str(" Edited.");
    edited.notes[0].modified += 60;
    let c = dir.path().join("c.apkg");
    write_apkg(&edited, &c).expect("edited write");
    assert!(fs::read(c).expect("c") != a);
}

fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .expect("readable")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort_unstable();
    names
}

#[test]
fn missing_output_folder_is_an_error_and_leaves_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("no-such-dir").join("x.apkg");
    let err = write_apkg(&sample(), &out).expect_err("parent folder is missing");
    assert!(matches!(err, AnkiError::Io { .. }), "{err}");
    assert!(err.to_string().contains("no-such-dir"), "{err}");
    assert!(!out.exists());
    assert!(entries(dir.path()).is_empty());
}

#[test]
fn failed_rename_leaves_no_temporary_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    // A non-empty folder where the package should go: the rename fails.
    let out = dir.path().join("deck.apkg");
    fs::create_dir(&out).expect("mkdir");
    fs::write(out.join("keep"), b"x").expect("file");
    let err = write_apkg(&sample(), &out).expect_err("cannot replace a folder");
    assert!(matches!(err, AnkiError::Io { .. }), "{err}");
    assert_eq!(entries(dir.path()), ["deck.apkg"]);
    assert!(out.join("keep").exists());
}

#[test]
fn invalid_input_leaves_an_existing_file_untouched() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("deck.apkg");
    fs::write(&out, b"previous build").expect("old file");
    let mut package = sample();
    package.notes[1].tags.push("has space".into());
    let err = write_apkg(&package, &out).expect_err("bad tag");
    match &err {
        AnkiError::InvalidNote { index, problem, .. } => {
            assert_eq!(*index, 1);
            assert_eq!(problem, &NoteProblem::InvalidTag("has space".into()));
        }
        other => panic!("unexpected error {other}"),
    }
    assert!(err.to_string().contains("has space"), "{err}");
    assert_eq!(fs::read(&out).expect("still there"), b"previous build");
    assert_eq!(entries(dir.path()), ["deck.apkg"]);
}

#[test]
fn rewriting_replaces_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("deck.apkg");
    fs::write(&out, b"previous build").expect("old file");
    write_apkg(&sample(), &out).expect("writes over it");
    assert!(fs::read(&out).expect("new file").starts_with(b"PK"));
    assert_eq!(entries(dir.path()), ["deck.apkg"]);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(&out).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o644);
    }
}
