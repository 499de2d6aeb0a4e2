//! The writer's input: plain data describing decks and notes.
//!
//! Field values are **HTML**: the writer stores them as given. Escaping text
//! (`&`, `<`, `>`) and rendering Markdown is the caller's job.

use sha2::{Digest, Sha256};

use super::note_type::NoteKind;

/// Everything that goes into one `.apkg` file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Package {
    /// The decks notes are placed in. Deck names are matched by Anki on
    /// import, so parents of a `A::B` deck are created by Anki when missing;
    /// list them here to give them a description.
    pub decks: Vec<Deck>,
    /// The notes, in study order: new cards are due in this order.
    pub notes: Vec<Note>,
    /// Base for note and card ids, in milliseconds since the epoch. Ids are
    /// `created_ms`, `created_ms + 1`, … (each note, then its cards), and
    /// Anki shows `id / 1000` as the creation date, so use the build or
    /// last-commit time, not a constant.
    pub created_ms: i64,
}

/// An Anki deck.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deck {
    /// Deck id, positive and not 1 (Anki's "Default" deck). Use
    /// [`deck_id_for`] to derive a stable one from the name.
    pub id: i64,
    /// Full deck name; `::` separates levels (`"EXAM::Domain 1"`).
    pub name: String,
    /// Description shown on the deck's overview screen (HTML).
    pub description: String,
}

impl Deck {
    /// A deck whose id is [`deck_id_for`] its name.
    #[must_use]
    pub fn new(name: impl Into<String>, description: impl Into<String>) -> Self {
        let name = name.into();
        Self {
            id: deck_id_for(&name),
            name,
            description: description.into(),
        }
    }
}

/// A stable deck id for a deck name: the first 8 bytes of the SHA-256 of the
/// UTF-8 name, big-endian, reduced to 52 bits, plus 2^52. The result is in
/// `[2^52, 2^53)`: positive, exactly representable in JavaScript, and never
/// 1 (Anki's "Default" deck).
#[must_use]
pub fn deck_id_for(name: &str) -> i64 {
    const BIT_52: u64 = 1 << 52;
    let digest = Sha256::digest(name.as_bytes());
    let mut first8 = [0u8; 8];
    first8.copy_from_slice(&digest[..8]);
    let id = (u64::from_be_bytes(first8) & (BIT_52 - 1)) | BIT_52;
    // `id < 2^53`, so it always fits an i64.
    i64::try_from(id).unwrap_or(i64::MAX)
}

/// One Anki note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// Note GUID; Anki matches notes only by it. Derive it from a stable
    /// source id with [`guid_for`](super::guid_for), never from field text.
    pub guid: String,
    /// Which note type the note uses.
    pub note_type: NoteKind,
    /// Id of the [`Deck`] the note's cards go to.
    pub deck_id: i64,
    /// Field values (HTML), in the note type's field order; see
    /// [`QuestionFields`] and [`ServiceFields`].
    pub fields: Vec<String>,
    /// Tags: no whitespace or control characters; `::` makes a hierarchy.
    /// Written sorted and without (case-insensitive) duplicates. Anki stores
    /// tags (and field text) NFC-normalized, so pass NFC text.
    pub tags: Vec<String>,
    /// When the note's content last changed, in seconds since the epoch.
    /// Anki updates an existing note on re-import only if this is later than
    /// the stored time, so bump it whenever the note changes.
    pub modified: i64,
}

impl Note {
    /// A note of the "examkit Question" type.
    #[must_use]
    pub fn question(
        guid: impl Into<String>,
        deck_id: i64,
        fields: QuestionFields,
        tags: Vec<String>,
        modified: i64,
    ) -> Self {
        Self {
            guid: guid.into(),
            note_type: NoteKind::Question,
            deck_id,
            fields: fields.into_fields(),
            tags,
            modified,
        }
    }

    /// A note of the "examkit Service" type.
    #[must_use]
    pub fn service(
        guid: impl Into<String>,
        deck_id: i64,
        fields: ServiceFields,
        tags: Vec<String>,
        modified: i64,
    ) -> Self {
        Self {
            guid: guid.into(),
            note_type: NoteKind::Service,
            deck_id,
            fields: fields.into_fields(),
            tags,
            modified,
        }
    }
}

/// The fields of an "examkit Question" note, all HTML.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QuestionFields {
    /// The question (sort field; must not be empty). For a
    /// multiple-response question, say here or in `options` how many to pick.
    pub stem: String,
    /// The options, e.g. `<ol type="A"><li>…</li></ol>`.
    pub options: String,
    /// The correct option(s).
    pub answer: String,
    /// Why the answer is right.
    pub explanation: String,
    /// Why the other options are wrong.
    pub rationale: String,
    /// The exam domain or task statement.
    pub task: String,
    /// The services the question is about.
    pub services: String,
    /// The examkit source id, shown small on the back.
    pub id: String,
}

impl QuestionFields {
    /// The values in the note type's field order.
    #[must_use]
    pub fn into_fields(self) -> Vec<String> {
        vec![
            self.stem,
            self.options,
            self.answer,
            self.explanation,
            self.rationale,
            self.task,
            self.services,
            self.id,
        ]
    }
}

/// The fields of an "examkit Service" note, all HTML.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServiceFields {
    /// The service name (sort field; must not be empty).
    pub name: String,
    /// The service category.
    pub category: String,
    /// What the service is.
    pub definition: String,
    /// Typical use cases; when empty the note has no "Use case → Service" card.
    pub use_cases: String,
    /// Key features.
    pub features: String,
    /// The examkit source id.
    pub id: String,
}

impl ServiceFields {
    /// The values in the note type's field order.
    #[must_use]
    pub fn into_fields(self) -> Vec<String> {
        vec![
            self.name,
            self.category,
            self.definition,
            self.use_cases,
            self.features,
            self.id,
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::anki::note_type::{QUESTION, SERVICE};

    #[test]
    fn deck_ids_are_stable_and_in_range() {
        // Frozen: changing the derivation would change every deck id.
        assert_eq!(deck_id_for("EXAM::Domain 1"), deck_id_for("EXAM::Domain 1"));
        for name in ["", "Default", "EXAM", "EXAM::Domain 1", "日本語::デッキ"] {
            let id = deck_id_for(name);
            assert!(((1 << 52)..(1 << 53)).contains(&id), "{name}: {id}");
        }
        assert_ne!(deck_id_for("EXAM"), deck_id_for("EXAM::Domain 1"));
    }

    #[test]
    fn deck_id_golden() {
        // sha256("EXAM")[..8] as computed by Python's hashlib, masked.
        assert_eq!(deck_id_for("EXAM"), 6_463_670_357_355_233);
    }

    #[test]
    fn field_structs_follow_the_note_type_order() {
        let q = QuestionFields {
            stem: "Stem".into(),
            options: "Options".into(),
            answer: "Answer".into(),
            explanation: "Explanation".into(),
            rationale: "Rationale".into(),
            task: "Task".into(),
            services: "Services".into(),
            id: "Id".into(),
        };
        let names: Vec<&str> = QUESTION.fields.iter().map(|f| f.name).collect();
        assert_eq!(q.into_fields(), names);

        let s = ServiceFields {
            name: "Name".into(),
            category: "Category".into(),
            definition: "Definition".into(),
            use_cases: "UseCases".into(),
            features: "Features".into(),
            id: "Id".into(),
        };
        let names: Vec<&str> = SERVICE.fields.iter().map(|f| f.name).collect();
        assert_eq!(s.into_fields(), names);
    }
}
