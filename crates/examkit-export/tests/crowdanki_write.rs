//! End-to-end tests of the CrowdAnki writer: make the deck of a small
//! package, write the folder, read `deck.json` back and check what
//! CrowdAnki will read.

use std::fs;

use examkit_export::anki::{
    AnkiError, Deck, Note, NoteProblem, Package, QuestionFields, ServiceFields, guid_for,
};
use examkit_export::crowdanki::{CrowdAnkiError, DECK_FILE, MEDIA_FOLDER, deck, write_dir};
use serde_json::Value;

fn sample() -> (Package, Vec<String>) {
    let exam = Deck::new("EXAM", "All practice");
    let task = Deck::new("EXAM::Domain 1::Task 1.1", "Storage");
    let domain = Deck::new("EXAM::Domain 1", "Design");
    let services = Deck::new("EXAM::Services", "Flashcards");
    let question = |id: &str, stem: &str, deck: &Deck| {
        Note::question(
            guid_for(&["ns", "question", id]),
            deck.id,
            QuestionFields {
                stem: stem.into(),
                options: "<ol type=\"A\"><li>S3</li><li>EBS</li></ol>".into(),
                answer: "A".into(),
                id: id.into(),
                ..QuestionFields::default()
            },
            vec!["ns::task::1.1".into(), "ns::domain::1".into()],
            1_795_000_000,
        )
    };
    let notes = vec![
        question("q-2", "Which stores objects? — “é”", &task),
        question("q-1", "Which stores blocks?", &task),
        Note::service(
            guid_for(&["ns", "service", "s3"]),
            services.id,
            ServiceFields {
                name: "Amazon S3".into(),
                use_cases: "<ul><li>Backups</li></ul>".into(),
                id: "s3".into(),
                ..ServiceFields::default()
            },
            vec!["ns::service::s3".into()],
            1_795_000_000,
        ),
    ];
    let sources = ["exam", "task/1.1", "domain/1", "services"].map(String::from);
    (
        Package {
            decks: vec![exam, task, domain, services],
            notes,
            created_ms: 0,
        },
        sources.to_vec(),
    )
}

fn strings(value: &Value, key: &str) -> Vec<String> {
    value
        .as_array()
        .expect("array")
        .iter()
        .map(|v| v[key].as_str().expect("string").to_owned())
        .collect()
}

#[test]
fn the_deck_nests_decks_and_keeps_notes_in_order() {
    let (package, sources) = sample();
    let made = deck(&package, &sources, "ns").expect("valid package");
    let summary = made.summary();
    assert_eq!((summary.notes, summary.cards, summary.decks), (3, 4, 4));
    let root = made.json();
    assert_eq!(root["__type__"], "Deck");
    assert_eq!(root["name"], "EXAM");
    assert_eq!(root["desc"], "All practice");
    assert_eq!(strings(&root["children"], "name"), ["Domain 1", "Services"]);
    let domain = &root["children"][0];
    assert_eq!(strings(&domain["children"], "name"), ["Task 1.1"]);
    let task = &domain["children"][0];
    assert_eq!(
        strings(&task["notes"], "guid"),
        [
            guid_for(&["ns", "question", "q-2"]),
            guid_for(&["ns", "question", "q-1"])
        ]
    );
    assert_eq!(task["notes"][0]["tags"][0], "ns::domain::1");
    assert_eq!(task["notes"][0]["fields"][0], "Which stores objects? — “é”");
    assert_eq!(task["children"].as_array().map(Vec::len), Some(0));
    assert_eq!(root["children"][1]["notes"][0]["fields"][0], "Amazon S3");
    // Only the top-level deck carries note types and options.
    assert_eq!(
        strings(&root["note_models"], "name"),
        ["examkit Question", "examkit Service"]
    );
    assert!(domain.get("note_models").is_none());
    let config = &root["deck_configurations"][0];
    assert_eq!(config["name"], "EXAM");
    // Every deck names the options, and every note a note model.
    let model_uuids = strings(&root["note_models"], "crowdanki_uuid");
    for d in [root, domain, task, &root["children"][1]] {
        assert_eq!(d["deck_config_uuid"], config["crowdanki_uuid"]);
        assert_eq!(d["media_files"].as_array().map(Vec::len), Some(0));
        for note in d["notes"].as_array().expect("notes") {
            assert!(
                model_uuids.contains(&note["note_model_uuid"].as_str().unwrap_or("").to_owned())
            );
        }
    }
}

#[test]
fn uuids_are_stable_ids_not_titles() {
    let (package, sources) = sample();
    let first = deck(&package, &sources, "ns").expect("valid");
    let again = deck(&package, &sources, "ns").expect("valid");
    assert_eq!(first, again);
    assert_eq!(
        first.to_vec().expect("encodes"),
        again.to_vec().expect("encodes")
    );

    // A renamed task deck keeps its UUID; another exam gets other UUIDs.
    let mut renamed = package.clone();
    renamed.decks[1] = Deck::new("EXAM::Domain 1::Task 1.1 Storage", "Storage");
    for note in &mut renamed.notes[..2] {
        note.deck_id = renamed.decks[1].id;
    }
    let renamed = deck(&renamed, &sources, "ns").expect("valid");
    let task_uuid = |d: &Value| d["children"][0]["children"][0]["crowdanki_uuid"].clone();
    assert_eq!(task_uuid(first.json()), task_uuid(renamed.json()));
    let other = deck(&package, &sources, "other").expect("valid");
    assert_ne!(task_uuid(first.json()), task_uuid(other.json()));
    assert_ne!(
        first.json()["crowdanki_uuid"],
        other.json()["crowdanki_uuid"]
    );
    // Note types are the same in every exam, like their Anki ids.
    assert_eq!(first.json()["note_models"], other.json()["note_models"]);
    let uuid = first.json()["crowdanki_uuid"].as_str().expect("uuid");
    assert_eq!(uuid.len(), 36);
    assert_eq!(&uuid[14..15], "5");
}

#[test]
fn invalid_packages_are_refused_as_for_an_apkg() {
    let (mut package, sources) = sample();
    let first = package.notes[0].guid.clone();
    package.notes[1].guid = first;
    match deck(&package, &sources, "ns") {
        Err(CrowdAnkiError::Invalid(AnkiError::InvalidNote { index, problem, .. })) => {
            assert_eq!((index, problem), (1, NoteProblem::DuplicateGuid));
        }
        other => panic!("{other:?}"),
    }
    let (package, _) = sample();
    assert!(matches!(
        deck(&package, &["exam".to_owned()], "ns"),
        Err(CrowdAnkiError::DeckSources {
            decks: 4,
            sources: 1
        })
    ));
    let (mut package, mut sources) = sample();
    package.decks.push(Deck::new("OTHER", ""));
    sources.push("other".into());
    let error = deck(&package, &sources, "ns").expect_err("two top-level decks");
    assert!(
        error.to_string().contains("\"EXAM\" and \"OTHER\""),
        "{error}"
    );
}

#[test]
fn deck_json_is_replaced_and_other_files_are_kept() {
    let (package, sources) = sample();
    let made = deck(&package, &sources, "ns").expect("valid");
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("deck-folder");
    fs::create_dir_all(out.join(".git")).expect("mkdir");
    fs::write(out.join("README.md"), "kept").expect("write");
    fs::write(out.join(DECK_FILE), "old").expect("write");

    let written = write_dir(&made, &out).expect("writes");
    assert_eq!(written, out.join(DECK_FILE));
    let text = fs::read_to_string(&written).expect("read");
    assert!(text.starts_with("{\n    \"__type__\": \"Deck\",\n    \"children\": ["));
    assert!(text.ends_with("}\n"));
    assert!(text.contains("“é”"), "non-ASCII text is written as is");
    let parsed: Value = serde_json::from_str(&text).expect("valid JSON");
    assert_eq!(&parsed, made.json());
    assert!(out.join(MEDIA_FOLDER).is_dir());
    // Other files stay; no temporary file remains.
    assert_eq!(
        fs::read_to_string(out.join("README.md")).expect("read"),
        "kept"
    );
    assert!(out.join(".git").is_dir());
    let mut names: Vec<String> = fs::read_dir(&out)
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, [".git", "README.md", DECK_FILE, MEDIA_FOLDER]);

    // A folder that cannot be made is a clear error, and changes nothing.
    let blocked = dir.path().join("file");
    fs::write(&blocked, "x").expect("write");
    let error = write_dir(&made, &blocked).expect_err("not a folder");
    assert!(matches!(error, CrowdAnkiError::Io { .. }), "{error:?}");
    assert!(
        error.to_string().contains("cannot create the folder"),
        "{error}"
    );
    assert_eq!(fs::read_to_string(&blocked).expect("read"), "x");
}

/// Keys are sorted in every object, as CrowdAnki writes them.
#[test]
fn keys_are_sorted_everywhere() {
    let (package, sources) = sample();
    let made = deck(&package, &sources, "ns").expect("valid");
    let text = String::from_utf8(made.to_vec().expect("encodes")).expect("UTF-8");
    // Parsing keeps the text's key order (serde_json's `preserve_order`
    // is on in this workspace).
    let reparsed: Value = serde_json::from_str(&text).expect("valid");
    let mut objects = 0;
    let mut stack: Vec<&Value> = vec![&reparsed];
    while let Some(value) = stack.pop() {
        if let Some(map) = value.as_object() {
            objects += 1;
            let keys: Vec<&String> = map.keys().collect();
            let mut sorted = keys.clone();
            sorted.sort();
            assert_eq!(keys, sorted);
            stack.extend(map.values());
        } else if let Some(items) = value.as_array() {
            stack.extend(items);
        }
    }
    assert!(objects > 10, "{objects}");
}
