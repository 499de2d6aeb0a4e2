//! `examkit export crowdanki`, driven as a user would: the bundled content
//! (a scratch copy) exported to a CrowdAnki folder, `deck.json` parsed and
//! checked against the `.apkg` and the JSON bundle of the same content
//! (notes, decks, GUIDs, fields, tags), reproducibility, filters, the lock,
//! refusal of broken content and bad output paths.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod export_support;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use export_support::{EPOCH, Scratch, read_apkg, read_json};
use serde_json::Value;

/// Every deck of a CrowdAnki tree with its full name, parents first.
fn walk<'a>(deck: &'a Value, parent: Option<&str>, out: &mut Vec<(String, &'a Value)>) {
    let name = deck["name"].as_str().unwrap();
    let full = parent.map_or_else(|| name.to_owned(), |p| format!("{p}::{name}"));
    out.push((full.clone(), deck));
    for child in deck["children"].as_array().unwrap() {
        walk(child, Some(&full), out);
    }
}

fn decks(deck: &Value) -> Vec<(String, &Value)> {
    let mut out = Vec::new();
    walk(deck, None, &mut out);
    out
}

/// The notes of every deck, in tree order, with their deck's full name.
fn notes(deck: &Value) -> Vec<(String, &Value)> {
    decks(deck)
        .into_iter()
        .flat_map(|(name, d)| {
            d["notes"]
                .as_array()
                .unwrap()
                .iter()
                .map(move |n| (name.clone(), n))
        })
        .collect()
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect()
}

fn read_deck(dir: &Path) -> Value {
    read_json(&dir.join("deck.json"))
}

#[test]
fn deck_json_matches_the_apkg() {
    let scratch = Scratch::new();
    scratch.export(Some(EPOCH), &["json", "--out", "out/bundle.json"]);
    scratch.export(Some(EPOCH), &["anki", "--out", "out/deck.apkg"]);
    let out = scratch.export(Some(EPOCH), &["crowdanki", "--out", "out/crowd"]);
    let stdout = String::from_utf8(out.stdout).unwrap();
    let bundle = read_json(&scratch.path().join("out/bundle.json"));
    let apkg = read_apkg(&scratch.path().join("out/deck.apkg"));
    let dir = scratch.path().join("out/crowd");
    let deck = read_deck(&dir);
    assert!(dir.join("media").is_dir());

    // Notes: as many as in the apkg and the bundle.
    let notes = notes(&deck);
    let questions = bundle["questions"].as_array().unwrap();
    let services = bundle["services"].as_array().unwrap();
    assert_eq!(notes.len(), apkg.notes.len());
    assert_eq!(notes.len(), questions.len() + services.len());
    apkg.assert_summary(&stdout, "out/crowd/deck.json");

    // Decks: the apkg's deck names, nested.
    let crowd_decks: BTreeSet<String> = decks(&deck).into_iter().map(|(n, _)| n).collect();
    let apkg_decks: BTreeSet<String> = apkg
        .decks
        .values()
        .filter(|n| *n != "Default")
        .cloned()
        .collect();
    assert_eq!(crowd_decks, apkg_decks);
    assert_eq!(deck["name"], bundle["exam"]["title"]);
    for (_, d) in decks(&deck).iter().skip(1) {
        assert!(!d["name"].as_str().unwrap().contains("::"), "short names");
    }

    // GUIDs: the apkg's, in the apkg's order (content order), and each
    // note in the deck its apkg cards are in, with the same fields and tags.
    let guids: Vec<&str> = notes
        .iter()
        .map(|(_, n)| n["guid"].as_str().unwrap())
        .collect();
    let apkg_guids: Vec<&str> = apkg.notes.iter().map(|n| n.guid.as_str()).collect();
    assert_eq!(guids, apkg_guids);
    let deck_name: BTreeMap<i64, &String> = apkg.decks.iter().map(|(id, n)| (*id, n)).collect();
    for (name, note) in &notes {
        let row = apkg.note(note["guid"].as_str().unwrap());
        let card = apkg.cards.iter().find(|c| c.nid == row.id).unwrap();
        assert_eq!(deck_name[&card.did], name);
        assert_eq!(strings(&note["fields"]), row.fields);
        assert_eq!(strings(&note["tags"]), row.tags);
        assert_eq!(note["flags"], 0);
        assert_eq!(note["data"], "");
    }

    // Note types: the apkg's, by name, fields and templates.
    let models: BTreeMap<&str, &Value> = deck["note_models"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["crowdanki_uuid"].as_str().unwrap(), m))
        .collect();
    assert_eq!(models.len(), 2);
    for model in models.values() {
        let apkg_model = apkg
            .models
            .as_object()
            .unwrap()
            .values()
            .find(|m| m["name"] == model["name"])
            .unwrap();
        assert_eq!(model["flds"], apkg_model["flds"]);
        assert_eq!(model["tmpls"], apkg_model["tmpls"]);
        assert_eq!(model["css"], apkg_model["css"]);
        assert!(model.get("id").is_none() && model.get("mod").is_none());
    }
    let config = &deck["deck_configurations"][0];
    for (name, d) in decks(&deck) {
        assert_eq!(d["deck_config_uuid"], config["crowdanki_uuid"], "{name}");
        assert_eq!(d["__type__"], "Deck");
        for note in d["notes"].as_array().unwrap() {
            let model = models[note["note_model_uuid"].as_str().unwrap()];
            assert_eq!(
                note["fields"].as_array().unwrap().len(),
                model["flds"].as_array().unwrap().len()
            );
        }
    }
}

#[test]
fn two_exports_are_byte_identical() {
    let scratch = Scratch::new();
    scratch.export(Some(EPOCH), &["crowdanki", "--out", "a"]);
    // Another clock changes nothing: deck.json holds no times.
    scratch.export(Some("1800000000"), &["crowdanki", "--out", "b"]);
    let a = fs::read(scratch.path().join("a/deck.json")).unwrap();
    let b = fs::read(scratch.path().join("b/deck.json")).unwrap();
    assert!(a.len() > 100_000);
    assert!(a == b, "the two exports differ");
    // Writing over an existing folder gives the same bytes, keeps other
    // files there and leaves no temporary file.
    fs::write(scratch.path().join("a/README.md"), "notes").unwrap();
    scratch.export(Some(EPOCH), &["crowdanki", "--out", "a"]);
    assert_eq!(fs::read(scratch.path().join("a/deck.json")).unwrap(), a);
    let mut entries: Vec<String> = fs::read_dir(scratch.path().join("a"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    entries.sort();
    assert_eq!(entries, ["README.md", "deck.json", "media"]);
}

#[test]
fn default_folder_filters_and_stable_uuids() {
    let scratch = Scratch::new();
    scratch.export(Some(EPOCH), &["crowdanki"]);
    let full = read_deck(&scratch.path().join("dist/aif-c01"));
    scratch.export(Some(EPOCH), &["crowdanki", "--task", "1.1", "--out", "t"]);
    scratch.export(Some(EPOCH), &["anki", "--task", "1.1", "--out", "t.apkg"]);
    let filtered = read_deck(&scratch.path().join("t"));
    let apkg = read_apkg(&scratch.path().join("t.apkg"));
    let guids: Vec<String> = notes(&filtered)
        .iter()
        .map(|(_, n)| n["guid"].as_str().unwrap().to_owned())
        .collect();
    let apkg_guids: Vec<String> = apkg.notes.iter().map(|n| n.guid.clone()).collect();
    assert_eq!(guids, apkg_guids);
    let task_decks: Vec<String> = decks(&filtered)
        .into_iter()
        .map(|(n, _)| n)
        .filter(|n| n.contains("::Task "))
        .collect();
    assert_eq!(task_decks.len(), 1);
    assert!(task_decks[0].contains("::Task 1.1 "));

    // A deck's UUID depends on what it is, not on what else is exported.
    let uuids = |deck: &Value| -> BTreeMap<String, Value> {
        decks(deck)
            .into_iter()
            .map(|(n, d)| (n, d["crowdanki_uuid"].clone()))
            .collect()
    };
    let full_uuids = uuids(&full);
    for (name, uuid) in uuids(&filtered) {
        assert_eq!(full_uuids[&name], uuid, "{name}");
    }
    let distinct: BTreeSet<&str> = full_uuids.values().filter_map(Value::as_str).collect();
    assert_eq!(distinct.len(), full_uuids.len());

    // A renamed task keeps its deck's UUID (CrowdAnki renames the deck).
    let before = &decks(&full)[2];
    assert!(before.0.contains("::Task 1.1 "), "{}", before.0);
    scratch.edit(
        "domains/1.yaml",
        "title: Explain basic AI concepts and terminologies.",
        "title: Explain the basic AI concepts and terminologies.",
    );
    scratch.export(Some(EPOCH), &["crowdanki", "--out", "renamed"]);
    let renamed = read_deck(&scratch.path().join("renamed"));
    let after = &decks(&renamed)[2];
    assert_ne!(before.0, after.0);
    assert_eq!(before.1["crowdanki_uuid"], after.1["crowdanki_uuid"]);
}

#[test]
fn the_lock_is_shared_with_the_anki_export() {
    let scratch = Scratch::new();
    let root = scratch.content();
    let root = root.to_str().unwrap();
    let lock = scratch.content().join("examkit.lock");
    // --locked without a lock: refused, nothing written.
    let refused = scratch.run(
        Some(EPOCH),
        &[
            "export",
            "crowdanki",
            "--locked",
            "--root",
            root,
            "--out",
            "x",
        ],
    );
    assert_eq!(refused.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("run `examkit export crowdanki` without --locked"),
        "{stderr}"
    );
    assert!(!scratch.path().join("x").exists());
    assert!(!lock.exists());
    // The export writes the lock; the Anki export then finds it current.
    let out = scratch.export(Some(EPOCH), &["crowdanki", "--out", "x"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("examkit.lock: 283 new"));
    assert!(lock.is_file());
    let out = scratch.export(Some(EPOCH), &["anki", "--locked", "--out", "x.apkg"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("examkit.lock unchanged"));
    let out = scratch.export(Some(EPOCH), &["crowdanki", "--locked", "--out", "x"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("examkit.lock unchanged"));
    // --no-lock neither reads nor writes it.
    fs::remove_file(&lock).unwrap();
    let out = scratch.export(Some(EPOCH), &["crowdanki", "--no-lock", "--out", "y"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("(no lock file)"));
    assert!(!lock.exists());
}

#[test]
fn broken_content_and_bad_paths_are_refused() {
    let scratch = Scratch::new();
    let root = scratch.content();
    let root = root.to_str().unwrap();
    // Standard output is not a folder.
    let dash = scratch.run(
        Some(EPOCH),
        &["export", "crowdanki", "--root", root, "--out", "-"],
    );
    assert_eq!(dash.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&dash.stderr).contains("writes a folder"));
    // A file where the folder should be.
    fs::write(scratch.path().join("taken"), "x").unwrap();
    let taken = scratch.run(
        Some(EPOCH),
        &["export", "crowdanki", "--root", root, "--out", "taken"],
    );
    assert_eq!(taken.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&taken.stderr);
    assert!(stderr.contains("cannot export to taken"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(
        fs::read_to_string(scratch.path().join("taken")).unwrap(),
        "x"
    );

    // Content with errors: refused as for the other exports.
    scratch.edit(
        "questions/1.1.yaml",
        "    type: ordering\n",
        "    type: ordering\n    colour: blue\n",
    );
    let out = scratch.run(
        Some(EPOCH),
        &["export", "crowdanki", "--root", root, "--out", "refused"],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("export refused"), "{stderr}");
    assert!(stderr.contains("colour"), "{stderr}");
    assert!(!scratch.path().join("refused").exists());
}
