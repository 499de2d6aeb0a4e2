//! The JSON columns of the schema-11 `col` row: `models` (note types),
//! `decks`, `dconf` (deck options), `conf` and `tags`.
//!
//! The layout follows genanki's `APKG_COL`, with the keys Anki's schema-11
//! deserializer requires plus stable field and template ids.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::json;

use super::cards::{CardGenerator, Requirement};
use super::error::AnkiError;
use super::note_type::{NoteKind, NoteType};
use super::package::Deck;

/// Id of Anki's "Default" deck and of the default deck options.
const DEFAULT_ID: i64 = 1;

/// The five JSON strings of the `col` row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ColJson {
    pub conf: String,
    pub models: String,
    pub decks: String,
    pub dconf: String,
    pub tags: String,
}

/// Builds the `col` JSON for these note types and decks; `created_secs` is
/// the decks' modification time.
pub(crate) fn build(
    note_types: impl IntoIterator<Item = NoteKind>,
    decks: &[Deck],
    created_secs: i64,
) -> Result<ColJson, AnkiError> {
    let mut models = BTreeMap::new();
    for kind in note_types {
        let nt = kind.definition();
        let req = CardGenerator::new(nt)?.requirements();
        models.insert(nt.id.to_string(), model_json(nt, req));
    }

    let mut deck_map = BTreeMap::new();
    deck_map.insert(
        DEFAULT_ID.to_string(),
        DeckJson::new(DEFAULT_ID, "Default", "", created_secs),
    );
    for deck in decks {
        deck_map.insert(
            deck.id.to_string(),
            DeckJson::new(deck.id, &deck.name, &deck.description, created_secs),
        );
    }

    let current_model = NoteKind::Question.definition().id.to_string();
    Ok(ColJson {
        conf: serde_json::to_string(&collection_config(&current_model))?,
        models: serde_json::to_string(&models)?,
        decks: serde_json::to_string(&deck_map)?,
        dconf: serde_json::to_string(&json!({ "1": default_deck_options() }))?,
        tags: "{}".to_owned(),
    })
}

/// The schema-11 JSON of one note type, as in the `models` column.
pub(crate) fn note_type_value(kind: NoteKind) -> Result<serde_json::Value, AnkiError> {
    let nt = kind.definition();
    let req = CardGenerator::new(nt)?.requirements();
    Ok(serde_json::to_value(model_json(nt, req))?)
}

/// The schema-11 JSON of one deck, as in the `decks` column, with
/// `modified` as its modification time.
pub(crate) fn deck_value(deck: &Deck, modified: i64) -> Result<serde_json::Value, AnkiError> {
    Ok(serde_json::to_value(DeckJson::new(
        deck.id,
        &deck.name,
        &deck.description,
        modified,
    ))?)
}

/// The schema-11 JSON of the deck options every deck uses, as in the
/// `dconf` column.
pub(crate) fn deck_options_value() -> serde_json::Value {
    default_deck_options()
}

/// A note type in schema-11 JSON.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ModelJson<'a> {
    id: i64,
    name: &'a str,
    #[serde(rename = "type")]
    kind: u8,
    #[serde(rename = "mod")]
    modified: i64,
    usn: i32,
    sortf: usize,
    did: Option<i64>,
    tmpls: Vec<TemplateJson<'a>>,
    flds: Vec<FieldJson<'a>>,
    css: &'a str,
    latex_pre: &'a str,
    latex_post: &'a str,
    latexsvg: bool,
    req: Vec<Requirement>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct FieldJson<'a> {
    name: &'a str,
    ord: usize,
    sticky: bool,
    rtl: bool,
    font: &'a str,
    size: u16,
    description: &'a str,
    plain_text: bool,
    collapsed: bool,
    exclude_from_search: bool,
    id: i64,
}

#[derive(Serialize)]
struct TemplateJson<'a> {
    name: &'a str,
    ord: usize,
    qfmt: &'a str,
    afmt: &'a str,
    bqfmt: &'a str,
    bafmt: &'a str,
    did: Option<i64>,
    bfont: &'a str,
    bsize: u8,
    id: i64,
}

const LATEX_PRE: &str = "\\documentclass[12pt]{article}\n\\special{papersize=3in,5in}\n\
\\usepackage[utf8]{inputenc}\n\\usepackage{amssymb,amsmath}\n\\pagestyle{empty}\n\
\\setlength{\\parindent}{0in}\n\\begin{document}\n";
const LATEX_POST: &str = "\\end{document}";

fn model_json(nt: &'static NoteType, req: Vec<Requirement>) -> ModelJson<'static> {
    ModelJson {
        id: nt.id,
        name: nt.name,
        kind: 0,
        modified: nt.modified,
        usn: -1,
        sortf: nt.sort_field,
        did: None,
        tmpls: nt
            .templates
            .iter()
            .enumerate()
            .map(|(ord, t)| TemplateJson {
                name: t.name,
                ord,
                qfmt: t.front,
                afmt: t.back,
                bqfmt: "",
                bafmt: "",
                did: None,
                bfont: "",
                bsize: 0,
                id: t.id,
            })
            .collect(),
        flds: nt
            .fields
            .iter()
            .enumerate()
            .map(|(ord, f)| FieldJson {
                name: f.name,
                ord,
                sticky: false,
                rtl: false,
                font: "Arial",
                size: 20,
                description: f.description,
                plain_text: false,
                collapsed: false,
                exclude_from_search: false,
                id: f.id,
            })
            .collect(),
        css: nt.css,
        latex_pre: LATEX_PRE,
        latex_post: LATEX_POST,
        latexsvg: false,
        req,
    }
}

/// A deck in schema-11 JSON.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DeckJson<'a> {
    id: i64,
    name: &'a str,
    desc: &'a str,
    #[serde(rename = "mod")]
    modified: i64,
    usn: i32,
    collapsed: bool,
    browser_collapsed: bool,
    #[serde(rename = "dyn")]
    dynamic: u8,
    conf: i64,
    extend_new: u32,
    extend_rev: u32,
    lrn_today: [i64; 2],
    rev_today: [i64; 2],
    new_today: [i64; 2],
    time_today: [i64; 2],
}

impl<'a> DeckJson<'a> {
    fn new(id: i64, name: &'a str, desc: &'a str, modified: i64) -> Self {
        Self {
            id,
            name,
            desc,
            modified,
            usn: -1,
            collapsed: false,
            browser_collapsed: false,
            dynamic: 0,
            conf: DEFAULT_ID,
            extend_new: 0,
            extend_rev: 0,
            lrn_today: [0, 0],
            rev_today: [0, 0],
            new_today: [0, 0],
            time_today: [0, 0],
        }
    }
}

/// Anki's default deck options, as in genanki's `APKG_COL`.
fn default_deck_options() -> serde_json::Value {
    json!({
        "autoplay": true,
        "id": DEFAULT_ID,
        "lapse": {
            "delays": [10],
            "leechAction": 0,
            "leechFails": 8,
            "minInt": 1,
            "mult": 0
        },
        "maxTaken": 60,
        "mod": 0,
        "name": "Default",
        "new": {
            "bury": true,
            "delays": [1, 10],
            "initialFactor": 2500,
            "ints": [1, 4, 7],
            "order": 1,
            "perDay": 20,
            "separate": true
        },
        "replayq": true,
        "rev": {
            "bury": true,
            "ease4": 1.3,
            "fuzz": 0.05,
            "ivlFct": 1,
            "maxIvl": 36500,
            "minSpace": 1,
            "perDay": 100
        },
        "timer": 0,
        "usn": 0
    })
}

/// The collection-wide settings, as in genanki's `APKG_COL`.
fn collection_config(current_model: &str) -> serde_json::Value {
    json!({
        "activeDecks": [DEFAULT_ID],
        "addToCur": true,
        "collapseTime": 1200,
        "curDeck": DEFAULT_ID,
        "curModel": current_model,
        "dueCounts": true,
        "estTimes": true,
        "newBury": true,
        "newSpread": 0,
        "nextPos": 1,
        "sortBackwards": false,
        "sortType": "noteFld",
        "timeLim": 0
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn parse(s: &str) -> Value {
        serde_json::from_str(s).expect("valid JSON")
    }

    #[test]
    fn models_have_the_keys_anki_requires() {
        let col = build(NoteKind::ALL, &[], 1).expect("builds");
        let models = parse(&col.models);
        let map = models.as_object().expect("object");
        assert_eq!(map.len(), 2);
        for (key, model) in map {
            assert_eq!(
                model["id"].as_i64().map(|id| id.to_string()).as_deref(),
                Some(key.as_str())
            );
            for k in [
                "id", "name", "type", "mod", "usn", "sortf", "did", "tmpls", "flds", "css",
            ] {
                assert!(model.get(k).is_some(), "model key {k}");
            }
            for f in model["flds"].as_array().expect("flds") {
                for k in ["name", "ord", "sticky", "rtl", "font", "size", "id"] {
                    assert!(f.get(k).is_some(), "field key {k}");
                }
            }
            for t in model["tmpls"].as_array().expect("tmpls") {
                for k in ["name", "ord", "qfmt", "afmt", "id"] {
                    assert!(t.get(k).is_some(), "template key {k}");
                }
            }
        }
    }

    #[test]
    fn decks_include_default_and_required_keys() {
        let deck = Deck::new("EXAM::Domain 1", "Practice");
        let col = build([NoteKind::Question], std::slice::from_ref(&deck), 7).expect("builds");
        let decks = parse(&col.decks);
        assert_eq!(decks["1"]["name"], "Default");
        let d = &decks[deck.id.to_string()];
        assert_eq!(d["name"], "EXAM::Domain 1");
        assert_eq!(d["desc"], "Practice");
        for k in [
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
            assert!(d.get(k).is_some(), "deck key {k}");
        }
        assert_eq!(parse(&col.models).as_object().map(|m| m.len()), Some(1));
        assert_eq!(parse(&col.dconf)["1"]["id"], 1);
        assert_eq!(col.tags, "{}");
    }
}
