//! The JSON objects of `deck.json`, made the way CrowdAnki makes them: from
//! Anki's own (schema-11) JSON of each deck, note type and deck options,
//! without the keys CrowdAnki leaves out of its exports (ids, times,
//! collection state), plus `__type__` and a `crowdanki_uuid`.

use serde_json::{Map, Value, json};

use super::tree::Node;
use super::uuid::uuid_for;
use crate::anki::{
    AnkiError, Note, NoteKind, NoteProblem, deck_options_value, deck_value, normalized_tags,
    note_type_value,
};

/// Keys CrowdAnki leaves out of every exported object: `id`, `mod`, `usn`.
const COMMON_FILTER: [&str; 3] = ["id", "mod", "usn"];
/// Keys it also leaves out of decks (collection state; the options are
/// named by `deck_config_uuid` instead of `conf`).
const DECK_FILTER: [&str; 8] = [
    "newToday",
    "revToday",
    "timeToday",
    "lrnToday",
    "browserCollapsed",
    "collapsed",
    "conf",
    "is_child",
];
/// Keys it also leaves out of note types (`did`, the last deck used).
const NOTE_TYPE_FILTER: [&str; 1] = ["did"];

/// Anki's JSON object `value` without the `filtered` keys, with
/// `__type__` and `crowdanki_uuid` added.
fn crowdanki_object(
    value: Value,
    kind: &str,
    uuid: String,
    filtered: &[&str],
) -> Map<String, Value> {
    let mut map = match value {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    for key in COMMON_FILTER.iter().chain(filtered) {
        map.remove(*key);
    }
    map.insert("__type__".to_owned(), Value::from(kind));
    map.insert("crowdanki_uuid".to_owned(), Value::from(uuid));
    map
}

/// The UUID of a note type: the same for every exam, like its Anki id.
pub(crate) fn note_type_uuid(kind: NoteKind) -> String {
    uuid_for(&format!("note-type/{}", kind.definition().id))
}

/// A `NoteModel` object.
pub(crate) fn note_model(kind: NoteKind) -> Result<Value, AnkiError> {
    let map = crowdanki_object(
        note_type_value(kind)?,
        "NoteModel",
        note_type_uuid(kind),
        &NOTE_TYPE_FILTER,
    );
    Ok(Value::Object(map))
}

/// The `DeckConfig` object every deck uses: Anki's default options, named
/// `name`.
pub(crate) fn deck_config(name: &str, uuid: &str) -> Value {
    let mut map = crowdanki_object(deck_options_value(), "DeckConfig", uuid.to_owned(), &[]);
    map.insert("name".to_owned(), Value::from(name));
    Value::Object(map)
}

/// A `Note` object; `index` is the note's position in the package (for
/// errors).
pub(crate) fn note(note: &Note, index: usize) -> Result<Value, AnkiError> {
    let tags = normalized_tags(&note.tags).map_err(|tag| AnkiError::InvalidNote {
        index,
        guid: note.guid.clone(),
        problem: NoteProblem::InvalidTag(tag),
    })?;
    Ok(json!({
        "__type__": "Note",
        "data": "",
        "fields": note.fields,
        "flags": 0,
        "guid": note.guid,
        "note_model_uuid": note_type_uuid(note.note_type),
        "tags": tags,
    }))
}

/// What a `Deck` object holds besides Anki's deck JSON.
pub(crate) struct DeckContents {
    /// The deck's UUID.
    pub uuid: String,
    /// The UUID of its deck options.
    pub config_uuid: String,
    /// Its `Note` objects.
    pub notes: Vec<Value>,
    /// Its sub-decks' `Deck` objects.
    pub children: Vec<Value>,
}

/// A `Deck` object. The top-level deck (`top`) is named in full and
/// later gets `note_models` and `deck_configurations`; a sub-deck is named
/// by its last level.
pub(crate) fn deck(
    node: &Node,
    top: bool,
    contents: DeckContents,
) -> Result<Map<String, Value>, AnkiError> {
    let mut map = crowdanki_object(
        deck_value(&node.deck, 0)?,
        "Deck",
        contents.uuid,
        &DECK_FILTER,
    );
    if !top {
        map.insert("name".to_owned(), Value::from(node.short_name()));
    }
    map.insert(
        "deck_config_uuid".to_owned(),
        Value::from(contents.config_uuid),
    );
    // No media: content text never references files.
    map.insert("media_files".to_owned(), Value::Array(Vec::new()));
    map.insert("notes".to_owned(), Value::Array(contents.notes));
    map.insert("children".to_owned(), Value::Array(contents.children));
    Ok(map)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::anki::{Deck, QuestionFields};

    fn keys(value: &Value) -> Vec<&str> {
        let mut keys: Vec<&str> = value
            .as_object()
            .expect("object")
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        keys
    }

    #[test]
    fn note_models_are_anki_note_types_without_ids() {
        let model = note_model(NoteKind::Question).expect("valid");
        assert_eq!(
            keys(&model),
            [
                "__type__",
                "crowdanki_uuid",
                "css",
                "flds",
                "latexPost",
                "latexPre",
                "latexsvg",
                "name",
                "req",
                "sortf",
                "tmpls",
                "type"
            ]
        );
        assert_eq!(model["name"], "examkit Question");
        assert_eq!(model["__type__"], "NoteModel");
        assert_eq!(model["flds"][0]["name"], "Stem");
        // Field and template ids stay: Anki matches them on import.
        assert_eq!(model["flds"][0]["id"], 507_546_341);
        assert_eq!(model["tmpls"][0]["name"], "Card");
        assert_eq!(
            note_type_uuid(NoteKind::Question),
            "77dbcaaf-04bb-55ec-8889-6b360364f4ad"
        );
        assert_ne!(
            note_type_uuid(NoteKind::Question),
            note_type_uuid(NoteKind::Service)
        );
    }

    #[test]
    fn deck_config_is_named_and_has_no_ids() {
        let config = deck_config("Exam", "u");
        assert_eq!(config["name"], "Exam");
        assert_eq!(config["crowdanki_uuid"], "u");
        assert_eq!(config["__type__"], "DeckConfig");
        for key in ["id", "mod", "usn"] {
            assert!(config.get(key).is_none(), "{key}");
        }
        assert_eq!(config["new"]["perDay"], 20);
    }

    #[test]
    fn notes_carry_sorted_tags_and_reject_bad_ones() {
        let deck = Deck::new("E", "");
        let mut n = Note::question(
            "g",
            deck.id,
            QuestionFields {
                stem: "S".into(),
                ..QuestionFields::default()
            },
            vec!["b".into(), "a".into(), "a".into()],
            7,
        );
        let value = note(&n, 0).expect("valid");
        assert_eq!(value["tags"], json!(["a", "b"]));
        assert_eq!(value["guid"], "g");
        assert_eq!(value["fields"].as_array().map(Vec::len), Some(8));
        assert_eq!(value["flags"], 0);
        assert_eq!(value["data"], "");
        assert!(value.get("mod").is_none());
        n.tags.push("two words".into());
        assert!(matches!(
            note(&n, 3),
            Err(AnkiError::InvalidNote {
                index: 3,
                problem: NoteProblem::InvalidTag(_),
                ..
            })
        ));
    }

    #[test]
    fn decks_keep_only_what_crowdanki_exports() {
        let node = Node {
            deck: Deck::new("E::D", "<b>desc</b>"),
            source: "domain/1".into(),
            children: Vec::new(),
            notes: Vec::new(),
        };
        let contents = || DeckContents {
            uuid: "d".into(),
            config_uuid: "c".into(),
            notes: Vec::new(),
            children: Vec::new(),
        };
        let sub = Value::Object(deck(&node, false, contents()).expect("valid"));
        assert_eq!(
            keys(&sub),
            [
                "__type__",
                "children",
                "crowdanki_uuid",
                "deck_config_uuid",
                "desc",
                "dyn",
                "extendNew",
                "extendRev",
                "media_files",
                "name",
                "notes"
            ]
        );
        assert_eq!(sub["name"], "D");
        assert_eq!(sub["desc"], "<b>desc</b>");
        let top = Value::Object(deck(&node, true, contents()).expect("valid"));
        assert_eq!(top["name"], "E::D");
    }
}
