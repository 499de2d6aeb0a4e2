//! Helpers of the export tests: a scratch copy of the bundled content, the
//! real `examkit` binary, and readers for what it writes.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use rusqlite::Connection;

/// The repository root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// A fixed build time (2026-11-27T00:00:00Z).
pub const EPOCH: &str = "1795737600";

/// A scratch folder holding a copy of the bundled content at `aif-c01/`
/// (without any lock file), so tests never write into the repository.
pub struct Scratch {
    pub dir: tempfile::TempDir,
}

impl Scratch {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(&repo().join("content/aif-c01"), &dir.path().join("aif-c01"));
        let _ = fs::remove_file(dir.path().join("aif-c01/examkit.lock"));
        Self { dir }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn content(&self) -> PathBuf {
        self.dir.path().join("aif-c01")
    }

    /// Runs `examkit` in the scratch folder with `SOURCE_DATE_EPOCH=epoch`.
    pub fn run(&self, epoch: Option<&str>, args: &[&str]) -> Output {
        run_in(self.path(), epoch, args)
    }

    /// Runs `examkit export <args>` against the copy and asserts success.
    pub fn export(&self, epoch: Option<&str>, args: &[&str]) -> Output {
        let mut all = vec!["export"];
        all.extend_from_slice(args);
        let root = self.content();
        all.extend_from_slice(&["--root", root.to_str().unwrap()]);
        let output = self.run(epoch, &all);
        assert!(
            output.status.success(),
            "examkit {all:?} failed: {}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        output
    }

    /// Replaces `from` by `to` in a content file (relative to the copy).
    pub fn edit(&self, file: &str, from: &str, to: &str) {
        let path = self.content().join(file);
        let text = fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{file} does not contain {from:?}");
        fs::write(&path, text.replacen(from, to, 1)).unwrap();
    }
}

/// Prepends `prefix` to the stem of the first question of a questions
/// file (relative to the copy) and returns that question's id. Handles
/// plain, quoted and block (`>-`, `|`) stems.
pub fn prefix_first_stem(scratch: &Scratch, file: &str, prefix: &str) -> String {
    let path = scratch.content().join(file);
    let text = fs::read_to_string(&path).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let start = lines
        .iter()
        .position(|l| l.trim_start().starts_with("- id:"))
        .expect("a question");
    let id = lines[start]
        .trim_start()
        .trim_start_matches("- id:")
        .trim()
        .trim_matches(|c| c == '"' || c == '\'')
        .to_owned();
    let at = (start..lines.len())
        .find(|&i| lines[i].trim_start().starts_with("stem:"))
        .expect("a stem");
    let (indent, rest) = lines[at].split_once("stem:").unwrap();
    let rest = rest.trim_start().to_owned();
    if rest.starts_with('>') || rest.starts_with('|') {
        let next = &lines[at + 1];
        let pad = next.len() - next.trim_start().len();
        lines[at + 1] = format!("{}{prefix}{}", &next[..pad], &next[pad..]);
    } else if rest.starts_with('"') || rest.starts_with('\'') {
        lines[at] = format!("{indent}stem: {}{prefix}{}", &rest[..1], &rest[1..]);
    } else {
        lines[at] = format!("{indent}stem: {prefix}{rest}");
    }
    fs::write(&path, lines.join("\n") + "\n").unwrap();
    id
}

pub fn run_in(cwd: &Path, epoch: Option<&str>, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_examkit"));
    command
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .env_remove("EXAMKIT_OUTPUT_FORMAT");
    match epoch {
        Some(epoch) => command.env("SOURCE_DATE_EPOCH", epoch),
        None => command.env_remove("SOURCE_DATE_EPOCH"),
    };
    command.output().expect("examkit runs")
}

pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// One note row of an exported collection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteRow {
    pub id: i64,
    pub guid: String,
    pub mid: i64,
    pub modified: i64,
    pub tags: Vec<String>,
    pub fields: Vec<String>,
}

/// One card row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardRow {
    pub nid: i64,
    pub did: i64,
    pub ord: i64,
    pub due: i64,
}

/// What an `.apkg` holds.
pub struct Apkg {
    pub entries: Vec<String>,
    pub notes: Vec<NoteRow>,
    pub cards: Vec<CardRow>,
    /// Deck id → name (including Anki's "Default").
    pub decks: BTreeMap<i64, String>,
    pub models: serde_json::Value,
}

impl Apkg {
    pub fn note(&self, guid: &str) -> &NoteRow {
        self.notes
            .iter()
            .find(|n| n.guid == guid)
            .unwrap_or_else(|| panic!("no note {guid}"))
    }

    pub fn by_guid(&self) -> BTreeMap<String, NoteRow> {
        self.notes
            .iter()
            .map(|n| (n.guid.clone(), n.clone()))
            .collect()
    }
    /// Asserts that `stdout` is the summary line of an export of this
    /// package's notes and cards to a path ending in `to`.
    pub fn assert_summary(&self, stdout: &str, to: &str) {
        assert!(
            stdout.starts_with(&format!(
                "exported {} notes ({} cards) in ",
                self.notes.len(),
                self.cards.len()
            )),
            "{stdout}"
        );
        assert!(stdout.contains(to), "{stdout}");
    }
}

/// Opens an `.apkg`: its zip entries and the rows of its collection.
pub fn read_apkg(path: &Path) -> Apkg {
    let scratch = tempfile::tempdir().unwrap();
    let mut zip = zip::ZipArchive::new(fs::File::open(path).unwrap()).unwrap();
    let entries: Vec<String> = (0..zip.len())
        .map(|i| zip.by_index(i).unwrap().name().unwrap().into_owned())
        .collect();
    let mut bytes = Vec::new();
    zip.by_name("collection.anki2")
        .unwrap()
        .read_to_end(&mut bytes)
        .unwrap();
    let db = scratch.path().join("collection.anki2");
    fs::write(&db, bytes).unwrap();
    let conn = Connection::open(&db).unwrap();
    let notes = conn
        .prepare("SELECT id, guid, mid, mod, tags, flds FROM notes ORDER BY id")
        .unwrap()
        .query_map([], |r| {
            let tags: String = r.get(4)?;
            let flds: String = r.get(5)?;
            Ok(NoteRow {
                id: r.get(0)?,
                guid: r.get(1)?,
                mid: r.get(2)?,
                modified: r.get(3)?,
                tags: tags.split_whitespace().map(str::to_owned).collect(),
                fields: flds.split('\u{1f}').map(str::to_owned).collect(),
            })
        })
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    let cards = conn
        .prepare("SELECT nid, did, ord, due FROM cards ORDER BY id")
        .unwrap()
        .query_map([], |r| {
            Ok(CardRow {
                nid: r.get(0)?,
                did: r.get(1)?,
                ord: r.get(2)?,
                due: r.get(3)?,
            })
        })
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    let (decks, models): (String, String) = conn
        .query_row("SELECT decks, models FROM col", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    let decks: serde_json::Value = serde_json::from_str(&decks).unwrap();
    let decks = decks
        .as_object()
        .unwrap()
        .values()
        .map(|d| {
            (
                d["id"].as_i64().unwrap(),
                d["name"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    Apkg {
        entries,
        notes,
        cards,
        decks,
        models: serde_json::from_str(&models).unwrap(),
    }
}

/// Reads a JSON file.
pub fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&fs::read(path).unwrap()).unwrap()
}
