//! Checks on the input that Anki would otherwise silently "fix" (or choke on).

use std::collections::HashSet;

use super::error::{AnkiError, DeckProblem, NoteProblem};
use super::package::{Deck, Note};

/// Ids must stay exactly representable in JavaScript (Anki's UI and
/// AnkiWeb handle them as numbers).
pub(crate) const MAX_ID: i64 = 1 << 53;

/// Checks the decks; returns their ids.
pub(crate) fn decks(decks: &[Deck]) -> Result<HashSet<i64>, AnkiError> {
    let mut ids = HashSet::new();
    let mut names = HashSet::new();
    for deck in decks {
        let problem = if deck.id <= 1 || deck.id >= MAX_ID {
            Some(DeckProblem::InvalidId(deck.id))
        } else if deck.name.chars().any(char::is_control) {
            Some(DeckProblem::ControlCharacter)
        } else if deck
            .name
            .split("::")
            .any(|level| level.is_empty() || level.trim() != level)
        {
            Some(DeckProblem::BadLevel)
        } else if !ids.insert(deck.id) {
            Some(DeckProblem::DuplicateId(deck.id))
        } else if !names.insert(deck.name.to_lowercase()) {
            Some(DeckProblem::DuplicateName)
        } else {
            None
        };
        if let Some(problem) = problem {
            return Err(AnkiError::InvalidDeck {
                name: deck.name.clone(),
                problem,
            });
        }
    }
    Ok(ids)
}

/// True if Anki stores `tag` unchanged: not empty, no whitespace (Anki splits
/// tags on spaces and U+3000) or control characters, no empty `::` level.
pub(crate) fn is_valid_tag(tag: &str) -> bool {
    // Visible ASCII (the usual tag) is neither whitespace nor control.
    let visible_ascii = tag.bytes().all(|b| (b'!'..=b'~').contains(&b));
    !tag.is_empty()
        && (visible_ascii || !tag.chars().any(|c| c.is_whitespace() || c.is_control()))
        && tag.split("::").all(|level| !level.is_empty())
}

/// The characters of `s` lower-cased, without allocating.
fn caseless(s: &str) -> impl Iterator<Item = char> + '_ {
    s.chars().flat_map(char::to_lowercase)
}

/// The note's tags sorted (ignoring case) and without case-insensitive
/// duplicates, as Anki keeps them; `Err` holds the first invalid tag.
pub(crate) fn normalized_tags(tags: &[String]) -> Result<Vec<&str>, String> {
    if let Some(bad) = tags.iter().find(|t| !is_valid_tag(t)) {
        return Err(bad.clone());
    }
    let mut sorted: Vec<&str> = tags.iter().map(String::as_str).collect();
    // Lower-case ASCII tags (the usual case): caseless order is byte order.
    if tags
        .iter()
        .all(|t| !t.bytes().any(|b| b.is_ascii_uppercase() || !b.is_ascii()))
    {
        sorted.sort_unstable();
        sorted.dedup();
        return Ok(sorted);
    }
    sorted.sort_by(|a, b| caseless(a).cmp(caseless(b)).then_with(|| a.cmp(b)));
    sorted.dedup_by(|a, b| caseless(a).eq(caseless(b)));
    Ok(sorted)
}

/// True if the GUID is not empty and has no whitespace or control
/// characters.
pub(crate) fn guid_is_valid(guid: &str) -> bool {
    !guid.is_empty() && !guid.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// The byte between fields in Anki's `notes.flds` (U+001F, the unit
/// separator), which no field may contain.
pub(crate) const FIELD_SEPARATOR: u8 = 0x1f;

/// Checks one note against its note type and the package's decks, except
/// for its GUID (see [`guid_is_valid`]; uniqueness is checked by the
/// caller, in package order).
///
/// `first_stripped` is the first field after
/// [`strip_html_preserving_media_filenames`](super::text::strip_html_preserving_media_filenames).
pub(crate) fn note_contents(
    note: &Note,
    deck_ids: &HashSet<i64>,
    first_stripped: &str,
) -> Result<(), NoteProblem> {
    let note_type = note.note_type.definition();
    if note.fields.len() != note_type.fields.len() {
        return Err(NoteProblem::FieldCount {
            expected: note_type.fields.len(),
            found: note.fields.len(),
        });
    }
    if let Some((def, _)) = note_type
        .fields
        .iter()
        .zip(&note.fields)
        // The field texts are most of the package: memchr's vectorised
        // search is several times faster than `str::contains` here.
        .find(|(_, value)| memchr::memchr(FIELD_SEPARATOR, value.as_bytes()).is_some())
    {
        return Err(NoteProblem::FieldSeparator { field: def.name });
    }
    if first_stripped.trim().is_empty() {
        return Err(NoteProblem::EmptyFirstField);
    }
    if !deck_ids.contains(&note.deck_id) {
        return Err(NoteProblem::UnknownDeck(note.deck_id));
    }
    if note.modified < 0 {
        return Err(NoteProblem::NegativeModified(note.modified));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags() {
        for ok in ["aws", "aws::storage", "domain-1", "日本語", "a:b", "C++"] {
            assert!(is_valid_tag(ok), "{ok:?}");
        }
        for bad in [
            "",
            "a b",
            "a\u{3000}b",
            "a\tb",
            "a\u{7}",
            "a\u{7f}b",
            "é\u{85}",
            "::a",
            "a::",
            "a::::b",
        ] {
            assert!(!is_valid_tag(bad), "{bad:?}");
        }
    }

    #[test]
    fn tags_are_sorted_and_deduplicated() {
        let tags = ["b", "A", "a", "B::x", "b"].map(String::from);
        assert_eq!(normalized_tags(&tags), Ok(vec!["A", "b", "B::x"]));
        assert_eq!(
            normalized_tags(&["ok".into(), "not ok".into()]),
            Err("not ok".into())
        );
    }

    #[test]
    fn deck_rules() {
        let deck = |id, name: &str| Deck {
            id,
            name: name.into(),
            description: String::new(),
        };
        assert!(decks(&[deck(2, "EXAM"), deck(3, "EXAM::Domain 1")]).is_ok());
        let problem = |ds: &[Deck]| match decks(ds) {
            Err(AnkiError::InvalidDeck { problem, .. }) => Some(problem),
            _ => None,
        };
        assert_eq!(problem(&[deck(1, "A")]), Some(DeckProblem::InvalidId(1)));
        assert_eq!(problem(&[deck(0, "A")]), Some(DeckProblem::InvalidId(0)));
        assert_eq!(
            problem(&[deck(MAX_ID, "A")]),
            Some(DeckProblem::InvalidId(MAX_ID))
        );
        assert_eq!(problem(&[deck(2, "A::")]), Some(DeckProblem::BadLevel));
        assert_eq!(problem(&[deck(2, "A:: B")]), Some(DeckProblem::BadLevel));
        assert_eq!(problem(&[deck(2, "")]), Some(DeckProblem::BadLevel));
        assert_eq!(
            problem(&[deck(2, "A\nB")]),
            Some(DeckProblem::ControlCharacter)
        );
        assert_eq!(
            problem(&[deck(2, "A"), deck(2, "B")]),
            Some(DeckProblem::DuplicateId(2))
        );
        assert_eq!(
            problem(&[deck(2, "Exam"), deck(3, "EXAM")]),
            Some(DeckProblem::DuplicateName)
        );
    }
}
