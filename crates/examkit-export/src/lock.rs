//! The export lock file, `examkit.lock`: stable note modification times.
//!
//! Anki updates an existing note on re-import only when the incoming note's
//! modification time (`notes.mod`, in seconds) is **later** than the stored
//! one; otherwise it silently skips it. So an edited note must get a later
//! time than in the previous export, while an unchanged note must keep its
//! time (a new time for every note would rewrite every note on each import,
//! and exports would never be reproducible).
//!
//! The lock file lives at the content root and is committed with the
//! content. It holds one entry per note GUID, sorted: the note's source id,
//! a hash of what the note carries (note type, fields, tags) and the
//! modification time it was exported with:
//!
//! ```json
//! {
//!   "format_version": 1,
//!   "notes": {
//!     "b$Xk4?e0!T": {"source": "question/rag-request-flow", "hash": "5c1f…", "modified": 1795737600}
//!   }
//! }
//! ```
//!
//! On export, [`Lock::stamp`] gives each note its time:
//! - same hash as in the lock: the locked time (unchanged notes keep it);
//! - new note, or changed hash: `max(now, previous + 1)`, where `now` is
//!   `SOURCE_DATE_EPOCH` when set, else the clock.
//!
//! With an up-to-date lock the export is reproducible: the same content gives
//! the same bytes, whatever the clock says.

use std::collections::BTreeMap;
use std::fmt::{self, Write as _};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::anki::Note;

/// The lock file's name, at the content root.
pub const LOCK_FILE: &str = "examkit.lock";

/// The lock format version this build reads and writes.
pub const FORMAT_VERSION: u32 = 1;

/// One note's entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LockEntry {
    /// Where the note comes from, e.g. `question/rag-request-flow`
    /// (informational: notes are keyed by GUID).
    pub source: String,
    /// [`note_hash`] of the note as exported.
    pub hash: String,
    /// The note's modification time, seconds since the epoch.
    pub modified: i64,
}

/// The lock: note GUID → entry, sorted by GUID.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Lock {
    /// The entries.
    pub notes: BTreeMap<String, LockEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LockFile {
    format_version: u32,
    notes: BTreeMap<String, LockEntry>,
}

/// A lock file that cannot be used.
#[derive(Debug)]
pub enum LockError {
    /// Not valid lock JSON (for example a merge conflict).
    Parse(serde_json::Error),
    /// Written by a newer examkit.
    Version(u32),
}

impl fmt::Display for LockError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Parse(e) => write!(f, "not a valid lock file: {e}"),
            Self::Version(v) => write!(
                f,
                "lock format version {v} is newer than this examkit understands ({FORMAT_VERSION})"
            ),
        }
    }
}

impl std::error::Error for LockError {}

/// What [`Lock::stamp`] did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StampSummary {
    /// Notes not in the lock before.
    pub added: usize,
    /// Notes whose hash changed: they got a later time.
    pub changed: usize,
    /// Notes that kept their time.
    pub unchanged: usize,
    /// Entries dropped because their note is gone (full exports only).
    pub removed: usize,
}

impl StampSummary {
    /// True when the lock was modified.
    #[must_use]
    pub fn lock_changed(&self) -> bool {
        self.added + self.changed + self.removed > 0
    }
}

/// The hash that decides whether a note changed: SHA-256 over the note
/// type, the fields and the sorted tags, as 32 hex digits.
#[must_use]
pub fn note_hash(note: &Note) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"examkit-note-v1\0");
    hasher.update(note.note_type.definition().id.to_be_bytes());
    for field in &note.fields {
        hasher.update((field.len() as u64).to_be_bytes());
        hasher.update(field.as_bytes());
    }
    let mut tags: Vec<&str> = note.tags.iter().map(String::as_str).collect();
    tags.sort_unstable();
    for tag in tags {
        hasher.update((tag.len() as u64).to_be_bytes());
        hasher.update(tag.as_bytes());
    }
    let digest = hasher.finalize();
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut hex = String::with_capacity(32);
    for &byte in &digest[..16] {
        hex.push(char::from(HEX[usize::from(byte >> 4)]));
        hex.push(char::from(HEX[usize::from(byte & 0xf)]));
    }
    hex
}

impl Lock {
    /// Parses a lock file.
    ///
    /// # Errors
    /// [`LockError`] when the text is not a lock of a known version.
    pub fn parse(text: &str) -> Result<Self, LockError> {
        let file: LockFile = serde_json::from_str(text).map_err(LockError::Parse)?;
        if file.format_version > FORMAT_VERSION {
            return Err(LockError::Version(file.format_version));
        }
        Ok(Self { notes: file.notes })
    }

    /// The lock file's text: sorted, one line per note (so diffs show each
    /// changed note on its own line), ending in a newline.
    #[must_use]
    pub fn to_text(&self) -> String {
        let mut out = String::with_capacity(64 + self.notes.len() * 110);
        let _ = write!(
            out,
            "{{\n  \"format_version\": {FORMAT_VERSION},\n  \"notes\": {{"
        );
        let mut first = true;
        for (guid, entry) in &self.notes {
            out.push_str(if first { "\n" } else { ",\n" });
            first = false;
            out.push_str("    ");
            push_json_string(&mut out, guid);
            out.push_str(": {\"source\": ");
            push_json_string(&mut out, &entry.source);
            out.push_str(", \"hash\": ");
            push_json_string(&mut out, &entry.hash);
            out.push_str(", \"modified\": ");
            out.push_str(itoa::Buffer::new().format(entry.modified));
            out.push('}');
        }
        out.push_str(if first { "}\n}\n" } else { "\n  }\n}\n" });
        out
    }

    /// Gives every note its modification time and updates the lock (see the
    /// module documentation). `sources[i]` names where `notes[i]` comes from.
    /// With `prune` (a full, unfiltered export), entries of notes that are
    /// not exported any more are dropped; a filtered export keeps them.
    pub fn stamp(
        &mut self,
        notes: &mut [Note],
        sources: &[String],
        now: i64,
        prune: bool,
    ) -> StampSummary {
        let hashes: Vec<String> = notes.par_iter().map(note_hash).collect();
        self.stamp_hashed(notes, sources, hashes, now, prune)
    }

    /// [`Lock::stamp`] with the notes' [`note_hash`]es already computed
    /// (as [`DeckBuild::hashes`](crate::deck::DeckBuild::hashes) has them).
    pub fn stamp_hashed(
        &mut self,
        notes: &mut [Note],
        sources: &[String],
        hashes: Vec<String>,
        now: i64,
        prune: bool,
    ) -> StampSummary {
        debug_assert_eq!(notes.len(), hashes.len());
        let fresh = self.notes.is_empty();
        let mut summary = StampSummary::default();
        let mut added = Vec::new();
        for ((note, hash), source) in notes.iter_mut().zip(hashes).zip(sources) {
            match self.notes.get_mut(&note.guid) {
                Some(entry) if entry.hash == hash => {
                    note.modified = entry.modified;
                    if entry.source != *source {
                        entry.source.clone_from(source);
                    }
                    summary.unchanged += 1;
                }
                Some(entry) => {
                    let modified = now.max(entry.modified.saturating_add(1));
                    note.modified = modified;
                    *entry = LockEntry {
                        source: source.clone(),
                        hash,
                        modified,
                    };
                    summary.changed += 1;
                }
                None => {
                    note.modified = now;
                    added.push((
                        note.guid.clone(),
                        LockEntry {
                            source: source.clone(),
                            hash,
                            modified: now,
                        },
                    ));
                    summary.added += 1;
                }
            }
        }
        if fresh {
            // A fresh lock: build the map in bulk from sorted input (sorted
            // on every core first; stable, so of duplicate GUIDs the last
            // still wins).
            added.par_sort_by(|a, b| a.0.cmp(&b.0));
            self.notes = added.into_iter().collect();
        } else {
            self.notes.extend(added);
        }
        // A fresh lock holds exported notes only: nothing to prune.
        if prune && !fresh {
            let exported: std::collections::HashSet<&str> =
                notes.iter().map(|n| n.guid.as_str()).collect();
            let before = self.notes.len();
            self.notes
                .retain(|guid, _| exported.contains(guid.as_str()));
            summary.removed = before - self.notes.len();
        }
        summary
    }
}

/// Gives every note the time `now` (exports without a lock file).
pub fn stamp_all(notes: &mut [Note], now: i64) {
    for note in notes {
        note.modified = now;
    }
}

/// Appends `text` as a JSON string. Lock entries rarely hold anything to
/// escape, so they are copied as they are when they do not.
fn push_json_string(out: &mut String, text: &str) {
    if text.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\') {
        out.push_str(&serde_json::Value::from(text).to_string());
    } else {
        out.push('"');
        out.push_str(text);
        out.push('"');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::anki::{QuestionFields, deck_id_for};

    fn note(guid: &str, stem: &str) -> Note {
        Note::question(
            guid,
            deck_id_for("D"),
            QuestionFields {
                stem: stem.into(),
                ..QuestionFields::default()
            },
            vec!["b".into(), "a".into()],
            0,
        )
    }

    fn sources(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("question/q{i}")).collect()
    }

    #[test]
    fn new_notes_get_now_and_unchanged_keep_their_time() {
        let mut lock = Lock::default();
        let mut notes = vec![note("g1", "one"), note("g2", "two")];
        let s = lock.stamp(&mut notes, &sources(2), 1000, true);
        assert_eq!((s.added, s.changed, s.unchanged), (2, 0, 0));
        assert!(notes.iter().all(|n| n.modified == 1000));

        // Later, nothing changed: times stay, even though "now" moved on.
        let mut again = vec![note("g1", "one"), note("g2", "two")];
        let s = lock.stamp(&mut again, &sources(2), 5000, true);
        assert_eq!((s.added, s.changed, s.unchanged), (0, 0, 2));
        assert!(!s.lock_changed());
        assert!(again.iter().all(|n| n.modified == 1000));
    }

    #[test]
    fn changed_notes_always_move_forward() {
        let mut lock = Lock::default();
        lock.stamp(&mut [note("g1", "one")], &sources(1), 1000, true);
        // Same "now" (a fixed SOURCE_DATE_EPOCH): still later than before.
        let mut edited = [note("g1", "one, edited")];
        let s = lock.stamp(&mut edited, &sources(1), 1000, true);
        assert_eq!(s.changed, 1);
        assert_eq!(edited[0].modified, 1001);
        // A clock behind the lock cannot move a note back in time.
        let mut again = [note("g1", "edited twice")];
        lock.stamp(&mut again, &sources(1), 10, true);
        assert_eq!(again[0].modified, 1002);
        // A clock ahead is used as it is.
        let mut later = [note("g1", "edited thrice")];
        lock.stamp(&mut later, &sources(1), 9000, true);
        assert_eq!(later[0].modified, 9000);
    }

    #[test]
    fn tag_order_does_not_matter_but_tags_do() {
        let a = note("g", "x");
        let mut b = note("g", "x");
        b.tags.reverse();
        assert_eq!(note_hash(&a), note_hash(&b));
        b.tags.push("c".into());
        assert_ne!(note_hash(&a), note_hash(&b));
        assert_eq!(note_hash(&a).len(), 32);
    }

    #[test]
    fn pruning_only_on_full_exports() {
        let mut lock = Lock::default();
        lock.stamp(
            &mut [note("g1", "one"), note("g2", "two")],
            &sources(2),
            1000,
            true,
        );
        let s = lock.stamp(&mut [note("g1", "one")], &sources(1), 2000, false);
        assert_eq!((s.removed, lock.notes.len()), (0, 2));
        let s = lock.stamp(&mut [note("g1", "one")], &sources(1), 2000, true);
        assert_eq!((s.removed, lock.notes.len()), (1, 1));
        assert!(s.lock_changed());
    }

    proptest::proptest! {
        /// The same JSON string as serde_json writes, escaped or not.
        #[test]
        fn json_strings_match_serde_json(text in "[\u{0}-\u{7f}\u{e9}\u{2028}]{0,12}") {
            let mut out = String::new();
            push_json_string(&mut out, &text);
            proptest::prop_assert_eq!(out, serde_json::to_string(&text).expect("a string encodes"));
        }
    }

    #[test]
    fn text_round_trips_sorted_one_line_per_note() {
        let mut lock = Lock::default();
        lock.stamp(
            &mut [note("zz\"q", "one"), note("aa", "two")],
            &sources(2),
            1000,
            true,
        );
        let text = lock.to_text();
        assert_eq!(Lock::parse(&text).expect("parses"), lock);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 7);
        assert!(lines[3].trim_start().starts_with("\"aa\""));
        assert!(lines[4].trim_start().starts_with("\"zz\\\"q\""));
        assert_eq!(
            Lock::parse(&Lock::default().to_text()).expect("empty"),
            Lock::default()
        );
        assert!(Lock::parse("<<<<<<< HEAD").is_err());
        assert!(matches!(
            Lock::parse("{\"format_version\": 9, \"notes\": {}}"),
            Err(LockError::Version(9))
        ));
    }
}
