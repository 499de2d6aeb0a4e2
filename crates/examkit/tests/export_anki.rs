//! `examkit export anki`, driven as a user would: the bundled content (a
//! scratch copy) exported and reopened, checked against the JSON bundle of
//! the same content; GUID stability, the lock file, reproducibility,
//! filters, refusal of broken content and escaping of hostile text.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod export_support;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;

use export_support::{EPOCH, Scratch, prefix_first_stem, read_apkg, read_json, run_in};
use serde_json::Value;

const QUESTION_MID: i64 = 1_691_937_695;
const SERVICE_MID: i64 = 2_074_763_033;

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or_default()
}

/// Deck level as the exporter names it: single spaces, no trailing period.
fn level(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .trim_end_matches('.')
        .to_owned()
}

#[test]
fn bundled_deck_matches_the_content() {
    let scratch = Scratch::new();
    scratch.export(Some(EPOCH), &["json", "--out", "out/bundle.json"]);
    let out = scratch.export(Some(EPOCH), &["anki", "--out", "out/deck.apkg"]);
    let stdout = String::from_utf8(out.stdout).unwrap();
    let bundle = read_json(&scratch.path().join("out/bundle.json"));
    let apkg = read_apkg(&scratch.path().join("out/deck.apkg"));

    let questions = bundle["questions"].as_array().unwrap();
    let services = bundle["services"].as_array().unwrap();
    assert!(questions.len() > 100 && services.len() > 20);
    assert_eq!(apkg.entries, ["collection.anki2", "media"]);
    assert_eq!(apkg.notes.len(), questions.len() + services.len());
    let with_use_cases = services
        .iter()
        .filter(|s| !s["use_cases"].as_array().unwrap().is_empty())
        .count();
    assert_eq!(apkg.cards.len(), apkg.notes.len() + with_use_cases);
    apkg.assert_summary(&stdout, "out/deck.apkg");

    // Decks: exam::Domain n title::Task n.n title, and exam::Services.
    let exam = s(&bundle["exam"]["title"]).to_owned();
    let ns = s(&bundle["exam"]["id"]).to_owned();
    let mut expected_decks = BTreeSet::from([exam.clone(), format!("{exam}::Services")]);
    let mut deck_of_task = BTreeMap::new();
    for domain in bundle["domains"].as_array().unwrap() {
        let domain_deck = format!(
            "{exam}::{}",
            level(&format!(
                "Domain {} {}",
                s(&domain["id"]),
                s(&domain["title"])
            ))
        );
        for task in domain["tasks"].as_array().unwrap() {
            if task["questions"].as_array().unwrap().is_empty() {
                continue;
            }
            expected_decks.insert(domain_deck.clone());
            let task_deck = format!(
                "{domain_deck}::{}",
                level(&format!("Task {} {}", s(&task["id"]), s(&task["title"])))
            );
            expected_decks.insert(task_deck.clone());
            deck_of_task.insert(s(&task["id"]).to_owned(), task_deck);
        }
    }
    let decks: BTreeSet<String> = apkg
        .decks
        .values()
        .filter(|n| *n != "Default")
        .cloned()
        .collect();
    assert_eq!(decks, expected_decks);
    assert!(
        decks
            .iter()
            .any(|d| d.contains("::Domain 1 ") && d.contains("::Task 1.1 "))
    );

    // Question notes: GUID, deck, fields and tags from the content, in
    // content order (note ids and new-card positions ascend with it).
    let by_guid = apkg.by_guid();
    let deck_id = |name: &str| *apkg.decks.iter().find(|(_, n)| *n == name).unwrap().0;
    let mut previous_id = 0;
    for (position, q) in questions.iter().enumerate() {
        let note = &by_guid[s(&q["anki_guid"])];
        assert_eq!(note.mid, QUESTION_MID);
        assert!(note.id > previous_id, "content order");
        previous_id = note.id;
        assert_eq!(note.fields.len(), 8);
        assert_eq!(note.fields[0], s(&q["stem"]["html"]));
        assert_eq!(note.fields[3], s(&q["explanation"]["html"]));
        assert_eq!(note.fields[7], s(&q["id"]));
        assert!(note.fields[5].starts_with(&format!("{} ", s(&q["task"]))));
        let mut tags = vec![
            format!("{ns}::domain::{}", s(&q["domain"])),
            format!("{ns}::task::{}", s(&q["task"])),
            format!("{ns}::type::{}", s(&q["type"])),
            format!("{ns}::difficulty::{}", s(&q["difficulty"])),
        ];
        for service in q["services"].as_array().unwrap() {
            tags.push(format!("{ns}::service::{}", s(service)));
        }
        for tag in q["tags"].as_array().unwrap() {
            tags.push(format!("{ns}::tag::{}", s(tag)));
        }
        tags.sort();
        assert_eq!(note.tags, tags, "{}", s(&q["id"]));
        let cards: Vec<_> = apkg.cards.iter().filter(|c| c.nid == note.id).collect();
        assert_eq!(cards.len(), 1);
        assert_eq!(cards[0].did, deck_id(&deck_of_task[s(&q["task"])]));
        assert_eq!(cards[0].due, i64::try_from(position + 1).unwrap());

        match s(&q["type"]) {
            "single" | "multiple" => {
                let mut at = 0;
                for (i, option) in q["options"].as_array().unwrap().iter().enumerate() {
                    let li = format!("<li>{}</li>", s(&option["text"]["html"]));
                    let found = note.fields[1][at..].find(&li).expect("options in order");
                    at += found + li.len();
                    if option["correct"].as_bool().unwrap() {
                        let letter = char::from(b'A' + u8::try_from(i).unwrap());
                        assert!(note.fields[2].contains(&format!("<b>{letter}.</b>")));
                    }
                }
                if s(&q["type"]) == "multiple" {
                    let n = q["select"].as_i64().unwrap();
                    assert!(note.fields[1].contains(&format!("Choose {n}.")));
                }
            }
            "ordering" => {
                for item in q["items"].as_array().unwrap() {
                    assert!(note.fields[1].contains(s(&item["text"]["html"])));
                }
            }
            "matching" => {
                for pair in q["pairs"].as_array().unwrap() {
                    assert!(note.fields[1].contains(s(&pair["prompt"]["html"])));
                    assert!(note.fields[1].contains(s(&pair["answer"]["html"])));
                }
            }
            other => panic!("unknown type {other}"),
        }
    }

    // Service notes: after the questions, by id, in the services deck.
    let services_deck = deck_id(&format!("{exam}::Services"));
    for service in services {
        let note = &by_guid[s(&service["anki_guid"])];
        assert_eq!(note.mid, SERVICE_MID);
        assert!(note.id > previous_id, "services follow the questions by id");
        previous_id = note.id;
        assert_eq!(note.fields[5], s(&service["id"]));
        assert_eq!(note.fields[2], s(&service["definition"]["html"]));
        assert!(
            note.tags
                .contains(&format!("{ns}::service::{}", s(&service["id"])))
        );
        if s(&service["scope"]) == "out" {
            assert!(note.tags.contains(&format!("{ns}::scope::out")));
        }
        let cards: Vec<_> = apkg.cards.iter().filter(|c| c.nid == note.id).collect();
        let expected = if service["use_cases"].as_array().unwrap().is_empty() {
            1
        } else {
            2
        };
        assert_eq!(cards.len(), expected);
        assert!(cards.iter().all(|c| c.did == services_deck));
    }
    // Tags never hold whitespace.
    assert!(
        apkg.notes
            .iter()
            .flat_map(|n| &n.tags)
            .all(|t| !t.contains(char::is_whitespace))
    );
    // Both note types, with their frozen ids.
    let model_ids: BTreeSet<&str> = apkg
        .models
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(model_ids, BTreeSet::from(["1691937695", "2074763033"]));
}

#[test]
fn lock_keeps_times_and_moves_edited_notes_forward() {
    let scratch = Scratch::new();
    let lock_path = scratch.content().join("examkit.lock");
    let first = scratch.export(Some(EPOCH), &["anki", "--out", "a.apkg"]);
    let lock_text = fs::read_to_string(&lock_path).expect("the export writes examkit.lock");
    let lock: Value = serde_json::from_str(&lock_text).unwrap();
    assert_eq!(lock["format_version"], 1);
    let a = read_apkg(&scratch.path().join("a.apkg"));
    let stdout = String::from_utf8_lossy(&first.stdout);
    assert!(
        stdout.contains(&format!("examkit.lock: {} new, 0 changed", a.notes.len())),
        "{stdout}"
    );
    assert_eq!(lock["notes"].as_object().unwrap().len(), a.notes.len());
    assert!(a.notes.iter().all(|n| n.modified == 1_795_737_600));
    // Sorted by GUID, one line per note.
    let guids: Vec<&str> = lock["notes"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut sorted = guids.clone();
    sorted.sort_unstable();
    assert_eq!(guids, sorted);
    assert_eq!(lock_text.lines().count(), a.notes.len() + 5);

    // A later export of unchanged content: same times, same bytes, lock
    // untouched, whatever the clock says.
    let out = scratch.export(Some("1899999999"), &["anki", "--out", "b.apkg"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("examkit.lock unchanged"));
    assert_eq!(
        fs::read(scratch.path().join("a.apkg")).unwrap(),
        fs::read(scratch.path().join("b.apkg")).unwrap(),
        "exports of unchanged content are byte-identical"
    );
    assert_eq!(fs::read_to_string(&lock_path).unwrap(), lock_text);
    // Without SOURCE_DATE_EPOCH too.
    scratch.export(None, &["anki", "--out", "c.apkg"]);
    assert_eq!(
        fs::read(scratch.path().join("a.apkg")).unwrap(),
        fs::read(scratch.path().join("c.apkg")).unwrap()
    );
    // --locked passes while the lock is current.
    scratch.export(Some(EPOCH), &["anki", "--locked", "--out", "d.apkg"]);

    // Edit one question; export with the *same* SOURCE_DATE_EPOCH.
    let edited_id = prefix_first_stem(&scratch, "questions/1.1.yaml", "Edited: ");
    let bundle_path = scratch.path().join("bundle.json");
    scratch.export(
        Some(EPOCH),
        &["json", "--out", bundle_path.to_str().unwrap()],
    );
    let bundle = read_json(&bundle_path);
    let edited_guid = bundle["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| s(&q["id"]) == edited_id)
        .map(|q| s(&q["anki_guid"]).to_owned())
        .expect("the edited question is exported");
    // --locked refuses, and writes nothing.
    let root = scratch.content();
    let refused = scratch.run(
        Some(EPOCH),
        &[
            "export",
            "anki",
            "--locked",
            "--root",
            root.to_str().unwrap(),
            "--out",
            "e.apkg",
        ],
    );
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("out of date (0 new, 1 changed"));
    assert!(!scratch.path().join("e.apkg").exists());
    assert_eq!(fs::read_to_string(&lock_path).unwrap(), lock_text);

    let out = scratch.export(Some(EPOCH), &["anki", "--out", "f.apkg"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("0 new, 1 changed, 0 removed"));
    let f = read_apkg(&scratch.path().join("f.apkg"));
    let before = a.by_guid();
    for note in &f.notes {
        if note.guid == edited_guid {
            assert_eq!(note.modified, 1_795_737_601, "edited: previous + 1");
            assert!(note.fields[0].starts_with("Edited: "));
        } else {
            assert_eq!(
                note.modified, before[&note.guid].modified,
                "unchanged notes keep their time"
            );
            assert_eq!(note.fields, before[&note.guid].fields);
        }
    }
    let lock: Value = serde_json::from_str(&fs::read_to_string(&lock_path).unwrap()).unwrap();
    assert_eq!(lock["notes"][&edited_guid]["modified"], 1_795_737_601);
    assert_eq!(
        lock["notes"][&edited_guid]["source"],
        format!("question/{edited_id}")
    );
    // GUIDs are stable across the edit.
    let guids_a: BTreeSet<_> = a.notes.iter().map(|n| &n.guid).collect();
    let guids_f: BTreeSet<_> = f.notes.iter().map(|n| &n.guid).collect();
    assert_eq!(guids_a, guids_f);

    // A later clock is used as it is.
    prefix_first_stem(&scratch, "questions/1.1.yaml", "Again: ");
    scratch.export(Some("1800000000"), &["anki", "--out", "g.apkg"]);
    let g = read_apkg(&scratch.path().join("g.apkg"));
    assert_eq!(g.note(&edited_guid).modified, 1_800_000_000);
}

#[test]
fn no_lock_stamps_every_note_and_writes_no_lock() {
    let scratch = Scratch::new();
    let out = scratch.export(Some("1800000000"), &["anki", "--no-lock"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("(no lock file)"));
    assert!(!scratch.content().join("examkit.lock").exists());
    // Default output: dist/<exam id>.apkg under the current folder.
    let apkg = read_apkg(&scratch.path().join("dist/aif-c01.apkg"));
    assert!(apkg.notes.iter().all(|n| n.modified == 1_800_000_000));
    let bad = scratch.run(
        Some("yesterday"),
        &["export", "anki", "--no-lock", "--root", "aif-c01"],
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("SOURCE_DATE_EPOCH"));
}

#[test]
fn a_package_that_cannot_be_written_is_reported_and_the_lock_still_kept() {
    let scratch = Scratch::new();
    // The output's folder cannot be made: a file stands where it would go.
    fs::write(scratch.path().join("blocked"), "not a folder").expect("write a file");
    let out = scratch.run(
        Some(EPOCH),
        &[
            "export",
            "anki",
            "--root",
            "aif-c01",
            "--out",
            "blocked/deck.apkg",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cannot create folder"), "{stderr}");
    assert!(!scratch.path().join("blocked/deck.apkg").exists());
    // The lock, written alongside, is complete: the next export keeps the
    // same times and finds nothing changed.
    let lock = fs::read_to_string(scratch.content().join("examkit.lock")).expect("lock written");
    let again = scratch.run(
        Some("1900000000"),
        &["export", "anki", "--root", "aif-c01", "--out", "deck.apkg"],
    );
    assert!(
        again.status.success(),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    assert!(
        String::from_utf8_lossy(&again.stdout).contains("examkit.lock unchanged"),
        "{}",
        String::from_utf8_lossy(&again.stdout)
    );
    assert_eq!(
        fs::read_to_string(scratch.content().join("examkit.lock")).expect("lock"),
        lock
    );
}

#[test]
fn default_root_is_found_from_the_current_folder() {
    let scratch = Scratch::new();
    let inside = scratch.content().join("questions");
    let out = run_in(
        &inside,
        Some(EPOCH),
        &["export", "anki", "--out", "../../x.apkg"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(scratch.path().join("x.apkg").is_file());
    assert!(
        scratch.content().join("examkit.lock").is_file(),
        "lock at the content root"
    );
}

#[test]
fn filters_select_questions_and_their_services() {
    let scratch = Scratch::new();
    scratch.export(Some(EPOCH), &["json", "--task", "1.1", "--out", "t.json"]);
    scratch.export(Some(EPOCH), &["anki", "--task", "1.1", "--out", "t.apkg"]);
    let bundle = read_json(&scratch.path().join("t.json"));
    let apkg = read_apkg(&scratch.path().join("t.apkg"));
    let questions = bundle["questions"].as_array().unwrap();
    assert!(!questions.is_empty());
    assert!(questions.iter().all(|q| q["task"] == "1.1"));
    assert_eq!(bundle["filter"]["tasks"], serde_json::json!(["1.1"]));
    let question_notes = apkg.notes.iter().filter(|n| n.mid == QUESTION_MID).count();
    assert_eq!(question_notes, questions.len());
    let decks: Vec<&String> = apkg
        .decks
        .values()
        .filter(|d| d.contains("::Task "))
        .collect();
    assert_eq!(decks.len(), 1);
    assert!(decks[0].contains("::Task 1.1 "));
    // Services: those named by the questions or listing task 1.1.
    for service in bundle["services"].as_array().unwrap() {
        let id = s(&service["id"]);
        let named = questions
            .iter()
            .any(|q| q["services"].as_array().unwrap().iter().any(|x| x == id));
        let listed = service["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t == "1.1");
        assert!(named || listed, "{id}");
    }
    // The filtered export kept the lock entries it did not export.
    scratch.export(Some(EPOCH), &["anki", "--out", "all.apkg"]);
    scratch.export(Some(EPOCH), &["anki", "--domain", "2", "--out", "d2.apkg"]);
    let lock: Value =
        serde_json::from_str(&fs::read_to_string(scratch.content().join("examkit.lock")).unwrap())
            .unwrap();
    let all = read_apkg(&scratch.path().join("all.apkg"));
    assert_eq!(lock["notes"].as_object().unwrap().len(), all.notes.len());

    let root = scratch.content();
    let root = root.to_str().unwrap();
    let unknown = scratch.run(None, &["export", "anki", "--root", root, "--domain", "9"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no domain \"9\""));
    let typo = scratch.run(None, &["export", "json", "--root", root, "--task", "1.11"]);
    assert_eq!(typo.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&typo.stderr).contains("did you mean \"1.1\"?"));
    let none = scratch.run(
        None,
        &["export", "anki", "--root", root, "--tag", "no-such-tag"],
    );
    assert_eq!(none.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&none.stderr).contains("select no question"));
}

#[test]
fn content_with_errors_is_refused() {
    let scratch = Scratch::new();
    scratch.edit(
        "questions/1.1.yaml",
        "    type: ordering\n",
        "    type: ordering\n    colour: blue\n",
    );
    let root = scratch.content();
    for format in ["anki", "json"] {
        let out = scratch.run(
            Some(EPOCH),
            &[
                "export",
                format,
                "--root",
                root.to_str().unwrap(),
                "--out",
                "x.out",
            ],
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(
            stderr.contains("schema/"),
            "names the diagnostic code: {stderr}"
        );
        assert!(
            stderr.contains("questions/1.1.yaml"),
            "names the file: {stderr}"
        );
        assert!(stderr.contains("colour"), "{stderr}");
        assert!(stderr.contains("export refused"), "{stderr}");
        assert!(!scratch.path().join("x.out").exists());
    }
    assert!(!root.join("examkit.lock").exists());
}

#[test]
fn many_errors_are_capped() {
    let scratch = Scratch::new();
    let questions = scratch.content().join("questions");
    let mut total = 0;
    for entry in fs::read_dir(&questions).unwrap() {
        let path = entry.unwrap().path();
        let text = fs::read_to_string(&path).unwrap();
        total += text.matches("    difficulty: ").count();
        fs::write(
            &path,
            text.replace("    difficulty: ", "    difficulty: extreme-"),
        )
        .unwrap();
    }
    assert!(total > 50);
    let root = scratch.content();
    let out = scratch.run(None, &["export", "anki", "--root", root.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stderr.matches("schema/").count(), 50, "{stderr}");
    assert!(
        stderr.contains("more errors not shown; `examkit check` lists them all"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("the content has {total} errors")),
        "{stderr}"
    );
}

#[test]
fn hostile_text_is_escaped_on_cards() {
    let scratch = Scratch::new();
    let id = prefix_first_stem(
        &scratch,
        "questions/1.1.yaml",
        "<script>alert(1)</script> <img src=x onerror=alert(2)> [x](javascript:alert(3)) [sound:../../secret.mp3] <b onmouseover=alert(4)>hi</b> ",
    );
    scratch.export(Some(EPOCH), &["anki", "--out", "h.apkg"]);
    let apkg = read_apkg(&scratch.path().join("h.apkg"));
    let note = apkg.notes.iter().find(|n| n.fields[7] == id).unwrap();
    let all = note.fields.join("\n").to_ascii_lowercase();
    for bad in [
        "<script",
        "<img",
        "<a ",
        "href",
        "onerror=alert(2)>",
        "<b onmouseover",
        "[sound:",
    ] {
        assert!(!all.contains(bad), "{bad} reached the note: {all}");
    }
    assert!(
        note.fields[0].starts_with(
            "&lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(2)&gt; "
        )
    );
    assert!(note.fields[0].contains("&#91;sound:../../secret.mp3]"));
    assert!(note.fields[0].contains("&lt;b onmouseover=alert(4)&gt;hi&lt;/b&gt;"));
}

#[test]
fn warnings_do_not_stop_an_export_unless_configured_as_errors() {
    let scratch = Scratch::new();
    // An absolute term in an option: a warning by default.
    scratch.edit(
        "questions/1.2.yaml",
        "    options:\n      - text: ",
        "    options:\n      - text: Always ",
    );
    let root = scratch.content();
    let export = || {
        scratch.run(
            Some(EPOCH),
            &[
                "export",
                "anki",
                "--root",
                root.to_str().unwrap(),
                "--out",
                "x.apkg",
            ],
        )
    };
    let out = export();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // Raised to an error for the questions folder only: the export is refused.
    let config = root.join("examkit.toml");
    let mut text = fs::read_to_string(&config).unwrap();
    text.push_str(
        "\n[[overrides]]\npaths = [\"questions/**\"]\nrules = { \"item/absolute-term\" = \"error\" }\n",
    );
    fs::write(&config, text).unwrap();
    let out = export();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("item/absolute-term"), "{stderr}");
    assert!(stderr.contains("questions/1.2.yaml"), "{stderr}");
    assert!(stderr.contains("export refused"), "{stderr}");
}
