//! Turns a [`Package`] into the rows of the `notes` and `cards` tables:
//! validation, card generation, ids, sort field, checksum and tags.

#[cfg(test)]
use std::collections::BTreeSet;
use std::collections::HashSet;

use rayon::prelude::*;

use super::cards::CardGenerator;
use super::error::{AnkiError, NoteProblem};
use super::note_type::NoteKind;
use super::package::{Note, Package};
use super::text::{checksum_of_stripped, strip_html_preserving_media_filenames};
use super::validate;

/// A row of `notes`, with its cards.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NoteRow<'a> {
    pub id: i64,
    pub guid: &'a str,
    pub mid: i64,
    /// Seconds since the epoch.
    pub modified: i64,
    /// `" a b "`, or `""` without tags.
    pub tags: String,
    /// Field values, stored joined with U+001F.
    pub fields: &'a [String],
    /// Stripped text of the sort field.
    pub sfld: String,
    pub csum: u32,
    pub cards: Vec<CardRow>,
}

/// A row of `cards` (new, unscheduled).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CardRow {
    pub id: i64,
    pub ord: u16,
    pub deck_id: i64,
    /// New-card position: the note's 1-based position in the package,
    /// shared by sibling cards as when notes are added in Anki.
    pub due: i64,
}

/// All rows of a package.
#[cfg(test)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Rows<'a> {
    pub notes: Vec<NoteRow<'a>>,
    /// The note types used by at least one note.
    pub note_types: BTreeSet<NoteKind>,
}

#[cfg(test)]
impl Rows<'_> {
    /// Number of cards over all notes.
    pub fn card_count(&self) -> usize {
        self.notes.iter().map(|n| n.cards.len()).sum()
    }
}

/// What one note contributes to the rows, computed independently of the
/// other notes (so in parallel).
struct Prepared {
    ords: Vec<usize>,
    tags: String,
    sfld: String,
    csum: u32,
}

fn prepare(
    note: &Note,
    deck_ids: &HashSet<i64>,
    question: &CardGenerator,
    service: &CardGenerator,
) -> Result<Prepared, NoteProblem> {
    let first_field = note.fields.first().map_or("", String::as_str);
    let first_stripped = strip_html_preserving_media_filenames(first_field);
    validate::note_contents(note, deck_ids, &first_stripped)?;
    let tags = validate::normalized_tags(&note.tags).map_err(NoteProblem::InvalidTag)?;
    let generator = match note.note_type {
        NoteKind::Question => question,
        NoteKind::Service => service,
    };
    let ords = generator.card_ords(&note.fields);
    if ords.is_empty() {
        return Err(NoteProblem::NoCards);
    }
    let note_type = note.note_type.definition();
    let csum = checksum_of_stripped(&first_stripped);
    let sfld = if note_type.sort_field == 0 {
        first_stripped
    } else {
        let sort_field = note
            .fields
            .get(note_type.sort_field)
            .map_or("", String::as_str);
        strip_html_preserving_media_filenames(sort_field)
    };
    Ok(Prepared {
        ords,
        tags: join_tags(&tags),
        sfld,
        csum,
    })
}

/// Notes per chunk of the pipeline in [`stream`].
const CHUNK: usize = 4096;

/// What [`stream`] handed to its sink.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Totals {
    pub notes: usize,
    pub cards: usize,
}

/// Validates the notes of `package` (whose decks have the ids `deck_ids`)
/// and hands their rows to `sink` in package order, a chunk at a time.
/// While `sink` works on one chunk (on this thread), the next chunk is
/// prepared on the others, in parallel. GUID uniqueness and ids follow the
/// package order, and the first invalid note (by position) is the one
/// reported; chunks before it have been handed to `sink` by then.
pub(crate) fn stream<'p>(
    package: &'p Package,
    deck_ids: &HashSet<i64>,
    sink: impl FnMut(&[NoteRow<'p>]) -> Result<(), AnkiError>,
) -> Result<Totals, AnkiError> {
    if package.created_ms <= 0 {
        return Err(AnkiError::InvalidCreatedMs(package.created_ms));
    }
    let (totals, next_id) = stream_from(package, deck_ids, package.created_ms, sink)?;
    // `next_id` is one past the last id used.
    if next_id > validate::MAX_ID {
        return Err(AnkiError::InvalidCreatedMs(package.created_ms));
    }
    Ok(totals)
}

/// Validates the notes of `package` as [`stream`] does, without keeping
/// their rows and whatever the package's `created_ms`.
pub(crate) fn validate_notes(
    package: &Package,
    deck_ids: &HashSet<i64>,
) -> Result<Totals, AnkiError> {
    stream_from(package, deck_ids, 1, |_| Ok(())).map(|(totals, _)| totals)
}

/// [`stream`] with ids counted from `first_id`; also returns the id after
/// the last one used.
fn stream_from<'p>(
    package: &'p Package,
    deck_ids: &HashSet<i64>,
    first_id: i64,
    mut sink: impl FnMut(&[NoteRow<'p>]) -> Result<(), AnkiError>,
) -> Result<(Totals, i64), AnkiError> {
    let question = CardGenerator::new(NoteKind::Question.definition())?;
    let service = CardGenerator::new(NoteKind::Service.definition())?;
    let prepare_chunk = |chunk: &[Note]| -> Vec<Result<Prepared, NoteProblem>> {
        chunk
            .par_iter()
            .map(|note| prepare(note, deck_ids, &question, &service))
            .collect()
    };
    let chunks: Vec<&[Note]> = package.notes.chunks(CHUNK).collect();

    let mut guids: HashSet<&str> = HashSet::with_capacity(package.notes.len());
    let mut next_id = first_id;
    let mut totals = Totals { notes: 0, cards: 0 };
    std::thread::scope(|scope| -> Result<(), AnkiError> {
        let spawn = |k: usize| {
            chunks
                .get(k)
                .map(|&chunk| scope.spawn(move || prepare_chunk(chunk)))
        };
        let mut pending = spawn(0);
        for (k, chunk) in chunks.iter().enumerate() {
            let Some(handle) = pending.take() else {
                break;
            };
            let prepared = handle
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            pending = spawn(k + 1);

            let mut rows = Vec::with_capacity(chunk.len());
            for (offset, (note, prepared)) in chunk.iter().zip(prepared).enumerate() {
                let index = k * CHUNK + offset;
                let invalid = |problem| AnkiError::InvalidNote {
                    index,
                    guid: note.guid.clone(),
                    problem,
                };
                if !validate::guid_is_valid(&note.guid) {
                    return Err(invalid(NoteProblem::InvalidGuid));
                }
                if !guids.insert(&note.guid) {
                    return Err(invalid(NoteProblem::DuplicateGuid));
                }
                let prepared = prepared.map_err(invalid)?;

                let note_id = next_id;
                next_id = next_id.saturating_add(1);
                let due = i64::try_from(index + 1).unwrap_or(i64::MAX);
                let cards = prepared
                    .ords
                    .into_iter()
                    .map(|ord| {
                        let id = next_id;
                        next_id = next_id.saturating_add(1);
                        CardRow {
                            id,
                            // A note type has a handful of templates.
                            ord: u16::try_from(ord).unwrap_or(u16::MAX),
                            deck_id: note.deck_id,
                            due,
                        }
                    })
                    .collect::<Vec<_>>();
                totals.cards += cards.len();
                rows.push(NoteRow {
                    id: note_id,
                    guid: &note.guid,
                    mid: note.note_type.definition().id,
                    modified: note.modified,
                    tags: prepared.tags,
                    fields: &note.fields,
                    sfld: prepared.sfld,
                    csum: prepared.csum,
                    cards,
                });
            }
            totals.notes += rows.len();
            sink(&rows)?;
        }
        Ok(())
    })?;
    Ok((totals, next_id))
}

/// Validates `package` and computes all its rows at once (see [`stream`]).
#[cfg(test)]
pub(crate) fn build(package: &Package) -> Result<Rows<'_>, AnkiError> {
    let deck_ids = validate::decks(&package.decks)?;
    let mut notes = Vec::with_capacity(package.notes.len());
    stream(package, &deck_ids, |chunk| {
        notes.extend_from_slice(chunk);
        Ok(())
    })?;
    let note_types = package.notes.iter().map(|n| n.note_type).collect();
    Ok(Rows { notes, note_types })
}

/// Anki's tag column format: `" a b "`, or `""` for no tags.
fn join_tags(tags: &[&str]) -> String {
    if tags.is_empty() {
        return String::new();
    }
    let mut joined = String::with_capacity(1 + tags.iter().map(|t| t.len() + 1).sum::<usize>());
    joined.push(' ');
    for tag in tags {
        joined.push_str(tag);
        joined.push(' ');
    }
    joined
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::anki::package::{Deck, Note, QuestionFields, ServiceFields};

    fn package() -> Package {
        let deck = Deck::new("EXAM", "");
        let id = deck.id;
        Package {
            decks: vec![deck],
            notes: vec![
                Note::question(
                    "g1",
                    id,
                    QuestionFields {
                        stem: "<b>Which</b> one?".into(),
                        ..QuestionFields::default()
                    },
                    vec!["z".into(), "a".into()],
                    100,
                ),
                Note::service(
                    "g2",
                    id,
                    ServiceFields {
                        name: "S3".into(),
                        use_cases: "Backups".into(),
                        ..ServiceFields::default()
                    },
                    vec![],
                    200,
                ),
            ],
            created_ms: 1_000,
        }
    }

    #[test]
    fn ids_cards_and_text_columns() {
        let package = package();
        let rows = build(&package).expect("valid package");
        assert_eq!(rows.card_count(), 3);
        let [q, s] = rows.notes.as_slice() else {
            panic!("two notes expected");
        };
        assert_eq!((q.id, q.cards[0].id), (1_000, 1_001));
        assert_eq!(s.id, 1_002);
        assert_eq!(
            s.cards.iter().map(|c| c.id).collect::<Vec<_>>(),
            [1_003, 1_004]
        );
        assert_eq!(s.cards.iter().map(|c| c.ord).collect::<Vec<_>>(), [0, 1]);
        assert_eq!((q.cards[0].due, s.cards[0].due, s.cards[1].due), (1, 2, 2));
        assert_eq!(q.sfld, "Which one?");
        assert_eq!(q.tags, " a z ");
        assert_eq!(s.tags, "");
        assert_eq!(
            q.fields.join("\u{1f}"),
            "<b>Which</b> one?\u{1f}\u{1f}\u{1f}\u{1f}\u{1f}\u{1f}\u{1f}"
        );
        assert_eq!(q.modified, 100);
        assert_eq!(
            rows.note_types.into_iter().collect::<Vec<_>>(),
            [NoteKind::Question, NoteKind::Service]
        );
    }

    fn note_problem(package: &Package) -> Option<NoteProblem> {
        match build(package) {
            Err(AnkiError::InvalidNote { problem, .. }) => Some(problem),
            _ => None,
        }
    }

    #[test]
    fn invalid_notes_are_rejected() {
        let mut p = package();
        p.notes[1].guid = "g1".into();
        assert_eq!(note_problem(&p), Some(NoteProblem::DuplicateGuid));

        let mut p = package();
        p.notes[0].tags.push("two words".into());
        assert_eq!(
            note_problem(&p),
            Some(NoteProblem::InvalidTag("two words".into()))
        );

        let mut p = package();
        p.notes[0].fields[0] = "<div> </div>".into();
        assert_eq!(note_problem(&p), Some(NoteProblem::EmptyFirstField));

        let mut p = package();
        p.notes[0].fields.pop();
        assert_eq!(
            note_problem(&p),
            Some(NoteProblem::FieldCount {
                expected: 8,
                found: 7
            })
        );

        let mut p = package();
        p.notes[0].fields[3] = "a\u{1f}b".into();
        assert_eq!(
            note_problem(&p),
            Some(NoteProblem::FieldSeparator {
                field: "Explanation"
            })
        );

        let mut p = package();
        p.notes[0].deck_id = 42;
        assert_eq!(note_problem(&p), Some(NoteProblem::UnknownDeck(42)));

        let mut p = package();
        p.notes[0].modified = -1;
        assert_eq!(note_problem(&p), Some(NoteProblem::NegativeModified(-1)));

        let mut p = package();
        p.notes[0].guid = "has space".into();
        assert_eq!(note_problem(&p), Some(NoteProblem::InvalidGuid));
    }

    #[test]
    fn many_chunks_keep_package_order() {
        let deck = Deck::new("EXAM", "");
        let id = deck.id;
        let n = CHUNK * 2 + 17;
        let notes: Vec<Note> = (0..n)
            .map(|i| {
                Note::question(
                    format!("g{i}"),
                    id,
                    QuestionFields {
                        stem: format!("Question {i}"),
                        ..QuestionFields::default()
                    },
                    vec![],
                    1,
                )
            })
            .collect();
        let mut p = Package {
            decks: vec![deck],
            notes,
            created_ms: 1_000,
        };
        let rows = build(&p).expect("valid");
        assert_eq!(rows.notes.len(), n);
        for (i, note) in rows.notes.iter().enumerate() {
            let i64_i = i64::try_from(i).expect("small");
            assert_eq!(note.guid, format!("g{i}"));
            assert_eq!(note.id, 1_000 + 2 * i64_i);
            assert_eq!(note.cards[0].id, 1_001 + 2 * i64_i);
            assert_eq!(note.cards[0].due, i64_i + 1);
        }
        // The first bad note is reported, even in a later chunk.
        p.notes[CHUNK + 5].guid = "g3".into();
        p.notes[CHUNK * 2 + 1].fields[0] = String::new();
        match build(&p) {
            Err(AnkiError::InvalidNote { index, problem, .. }) => {
                assert_eq!((index, problem), (CHUNK + 5, NoteProblem::DuplicateGuid));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn created_ms_must_leave_room_for_ids() {
        let mut p = package();
        p.created_ms = 0;
        assert!(matches!(build(&p), Err(AnkiError::InvalidCreatedMs(0))));
        // Five ids: the last one must stay below 2^53.
        p.created_ms = validate::MAX_ID - 4;
        assert!(matches!(build(&p), Err(AnkiError::InvalidCreatedMs(_))));
        p.created_ms = validate::MAX_ID - 5;
        assert!(build(&p).is_ok());
    }
}
