//! End-to-end tests of `examkit lsp`: the real binary, driven over JSON-RPC
//! the way an editor drives it.

mod lsp_client;

use std::collections::BTreeSet;
use std::process::Command;

use lsp_client::{Fixture, Lsp, apply_edits, at, pos, service, uri, utf8_offset};
use serde_json::{Value, json};

const QUESTIONS: &str = r#"kind: questions
task: "1.1"
questions:
  - id: first-question
    type: single
    difficulty: easy
    stem: Which service offers foundation models through one API?
    options:
      - text: Amazon Bedrock
        correct: true
        why: It offers foundation models through a single API.
      - text: Amazon S3
        why: It stores objects.
      - text: A spreadsheet
        why: It is not a service.
    explanation: Amazon Bedrock offers foundation models from several providers through one API.
    services: [amazon-bedrock, amazon-s3]
"#;

fn fixture(questions: &str) -> Fixture {
    Fixture::new(&[
        (
            "services/amazon-bedrock.yaml",
            &service("amazon-bedrock", "Amazon Bedrock", &["amazon-s3"]),
        ),
        (
            "services/amazon-s3.yaml",
            &service("amazon-s3", "Amazon S3", &["amazon-bedrock"]),
        ),
        ("questions/1.1.yaml", questions),
    ])
}

fn codes(diagnostics: &[Value]) -> Vec<&str> {
    diagnostics
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect()
}

fn labels(result: &Value) -> Vec<String> {
    let items = result
        .as_array()
        .cloned()
        .or_else(|| result["items"].as_array().cloned())
        .unwrap_or_default();
    items
        .iter()
        .filter_map(|i| i["label"].as_str().map(str::to_owned))
        .collect()
}

fn item<'a>(result: &'a Value, label: &str) -> &'a Value {
    result
        .as_array()
        .and_then(|a| a.iter().find(|i| i["label"] == label))
        .unwrap_or_else(|| panic!("no item {label} in {result:#}"))
}

/// A diagnostic as (code, message, start, end, severity), UTF-8 offsets.
type Finding = (String, String, u64, u64, String);

/// The CLI's JSON report of the content root `root`.
fn cli_report(root: &std::path::Path) -> Vec<Value> {
    let cli = Command::new(env!("CARGO_BIN_EXE_examkit"))
        .args(["check", "--format", "json"])
        .current_dir(root)
        .output()
        .expect("run examkit check");
    serde_json::from_slice(&cli.stdout).expect("json report")
}

/// The findings of one file in a CLI report.
fn reported(report: &[Value], file: &str) -> BTreeSet<Finding> {
    report
        .iter()
        .filter(|d| d["file"] == file)
        .map(|d| {
            (
                d["code"].as_str().unwrap_or_default().to_owned(),
                d["message"].as_str().unwrap_or_default().to_owned(),
                d["range"]["start"].as_u64().unwrap_or_default(),
                d["range"]["end"].as_u64().unwrap_or_default(),
                d["severity"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

/// The CLI's diagnostics of one file.
fn cli_diagnostics(root: &std::path::Path, file: &str) -> BTreeSet<Finding> {
    reported(&cli_report(root), file)
}

/// Published diagnostics (positions in UTF-8), as findings.
fn lsp_diagnostics(text: &str, published: &[Value]) -> BTreeSet<Finding> {
    published
        .iter()
        .map(|d| {
            let r = &d["range"];
            let offset = |p: &Value| {
                utf8_offset(
                    text,
                    p["line"].as_u64().unwrap_or(0),
                    p["character"].as_u64().unwrap_or(0),
                ) as u64
            };
            let severity = match d["severity"].as_u64() {
                Some(1) => "error",
                Some(2) => "warning",
                _ => "info",
            };
            (
                d["code"].as_str().unwrap_or_default().to_owned(),
                d["message"].as_str().unwrap_or_default().to_owned(),
                offset(&r["start"]),
                offset(&r["end"]),
                severity.to_owned(),
            )
        })
        .collect()
}

#[test]
fn edits_in_a_large_file_give_the_clis_diagnostics() {
    // Large enough for the server to re-analyse only the edited question.
    let mut text = "kind: questions\ntask: \"1.1\"\nquestions:\n".to_owned();
    for i in 0..80 {
        text.push_str(
            &QUESTIONS
                .split_once("questions:\n")
                .unwrap()
                .1
                .replace("first-question", &format!("question-{i}")),
        );
    }
    let fx = fixture(&text);
    let path = fx.path("questions/1.1.yaml");
    let mut lsp = Lsp::start(&fx.root(), &["utf-8"]);
    let u = lsp.open(&path);
    lsp.diagnostics(&u, |_| true);
    // Edit question 40: a bad difficulty and an unknown service, one change each.
    let line = |needle: &str, nth: usize| -> u32 {
        text.lines()
            .enumerate()
            .filter(|(_, l)| l.contains(needle))
            .nth(nth)
            .unwrap()
            .0 as u32
    };
    let difficulty = line("difficulty: easy", 40);
    let services = line("services: [", 40);
    lsp.change(&u, 2, [difficulty, 16, difficulty, 20], "hardest");
    lsp.change(&u, 3, [services, 15, services, 29], "amazon-bedrok");
    let published = lsp.wait(|m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["uri"] == u.as_str()
            && m["params"]["version"] == 3
    });
    let edited = lsp.server_text(&u);
    assert!(
        edited.contains("difficulty: hardest") && edited.contains("[amazon-bedrok, amazon-s3]")
    );
    let got = lsp_diagnostics(
        &edited,
        published["params"]["diagnostics"].as_array().unwrap(),
    );
    std::fs::write(&path, &edited).unwrap();
    let expected = cli_diagnostics(&fx.root(), "questions/1.1.yaml");
    assert!(
        expected.iter().any(|d| d.0 == "schema/enum")
            && expected.iter().any(|d| d.0 == "xref/unknown-service")
    );
    assert_eq!(got, expected);
    lsp.shutdown();
}

#[test]
fn diagnostics_are_the_clis() {
    let broken = QUESTIONS
        .replace("difficulty: easy", "difficulty: hardest")
        .replace("[amazon-bedrock, amazon-s3]", "[amazon-bedrok, amazon-s3]");
    let fx = fixture(&broken);
    let report = cli_report(&fx.root());
    assert!(!report.is_empty());
    let files: BTreeSet<String> = report
        .iter()
        .filter_map(|d| d["file"].as_str().map(str::to_owned))
        .collect();
    let mut lsp = Lsp::start(&fx.root(), &["utf-8", "utf-16"]);
    assert_eq!(lsp.init["capabilities"]["positionEncoding"], "utf-8");
    for file in files {
        let path = fx.path(&file);
        let text = std::fs::read_to_string(&path).expect("read");
        let expected = reported(&report, &file);
        let published = lsp.diagnostics(&uri(&path), |_| true);
        let got = lsp_diagnostics(&text, &published);
        assert_eq!(got, expected, "diagnostics of {file}");
    }
    lsp.shutdown();
}

const EMOJI: &str = "kind: questions\ntask: \"1.1\"\nquestions:\n  - id: emoji-cjk\n    type: single\n    difficulty: 😀漢字 hard\n    stem: A question 😀 with 漢字 before the error.\n    options:\n      - { text: A, correct: true }\n      - { text: B }\n      - { text: C }\n    explanation: Columns count characters.\n";

fn enum_range(diagnostics: &[Value]) -> Value {
    diagnostics
        .iter()
        .find(|d| d["code"] == "schema/enum")
        .map(|d| d["range"].clone())
        .unwrap_or_else(|| panic!("no schema/enum in {diagnostics:#?}"))
}

#[test]
fn squiggles_after_emoji_and_cjk_land_on_the_right_characters() {
    let fx = fixture(QUESTIONS);
    // UTF-16 (the client offers nothing else): the emoji counts 2 units.
    let mut lsp = Lsp::start(&fx.root(), &["utf-16"]);
    assert_eq!(lsp.init["capabilities"]["positionEncoding"], "utf-16");
    let u = lsp.open_text(&fx.path("questions/emoji.yaml"), EMOJI);
    let diagnostics = lsp.diagnostics(&u, |d| d.iter().any(|d| d["code"] == "schema/enum"));
    assert_eq!(
        enum_range(&diagnostics),
        json!({ "start": pos(5, 16), "end": pos(5, 16 + 2 + 1 + 1 + 5) })
    );
    lsp.shutdown();
    // UTF-8 when offered: bytes.
    let mut lsp = Lsp::start(&fx.root(), &["utf-8", "utf-16"]);
    let u = lsp.open_text(&fx.path("questions/emoji.yaml"), EMOJI);
    let diagnostics = lsp.diagnostics(&u, |d| d.iter().any(|d| d["code"] == "schema/enum"));
    assert_eq!(
        enum_range(&diagnostics),
        json!({ "start": pos(5, 16), "end": pos(5, 16 + 4 + 3 + 3 + 5) })
    );
    lsp.shutdown();
}

#[test]
fn incremental_edits_change_the_diagnostics() {
    let fx = fixture(QUESTIONS);
    let mut lsp = Lsp::start(&fx.root(), &["utf-16"]);
    let path = fx.path("questions/1.1.yaml");
    let broken = QUESTIONS.replace("difficulty: easy", "difficulty: 😀 hardest");
    let u = lsp.open_text(&path, &broken);
    let first = lsp.diagnostics(&u, |d| d.iter().any(|d| d["code"] == "schema/enum"));
    assert_eq!(enum_range(&first)["start"], pos(5, 16));
    // Replace "😀 hardest" (2 + 1 + 7 UTF-16 units) with "hard".
    lsp.change(&u, 2, [5, 16, 5, 26], "hard");
    let fixed = lsp.wait(|m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["uri"] == u.as_str()
            && m["params"]["version"] == 2
    });
    assert!(!codes(fixed["params"]["diagnostics"].as_array().unwrap()).contains(&"schema/enum"));
    // Break it again: the type this time.
    lsp.change(&u, 3, [4, 10, 4, 16], "singular");
    let again = lsp.wait(|m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["uri"] == u.as_str()
            && m["params"]["version"] == 3
    });
    let d = again["params"]["diagnostics"].as_array().unwrap();
    let e = d
        .iter()
        .find(|d| d["code"] == "schema/enum")
        .expect("enum error on type");
    assert_eq!(
        e["range"],
        json!({ "start": pos(4, 10), "end": pos(4, 18) })
    );
    assert_eq!(
        lsp.server_text(&u),
        broken
            .replace("😀 hardest", "hard")
            .replace("type: single", "type: singular")
    );
    lsp.shutdown();
}

#[test]
fn completion_offers_ids_keys_values_and_a_skeleton() {
    let fx = fixture(QUESTIONS);
    let mut lsp = Lsp::start(&fx.root(), &["utf-16"]);
    let path = fx.path("questions/1.1.yaml");
    // Half-typed and invalid: an unclosed flow sequence and quote.
    let typing = QUESTIONS
        .replace(
            "    services: [amazon-bedrock, amazon-s3]\n",
            "    services: [amazon-bedrock, \n",
        )
        .replace("why: It stores objects.", "why: \"It stores");
    let u = lsp.open_text(&path, &typing);
    lsp.diagnostics(&u, |_| true);
    // After `services: [amazon-bedrock, `: service ids, minus the one listed.
    let result = lsp.request("textDocument/completion", at(&u, 16, 31));
    let names = labels(&result);
    assert!(names.contains(&"amazon-s3".to_owned()), "{names:?}");
    assert!(!names.contains(&"amazon-bedrock".to_owned()), "{names:?}");
    let s3 = item(&result, "amazon-s3");
    assert_eq!(s3["detail"], "Amazon S3");
    assert!(
        s3["documentation"]["value"]
            .as_str()
            .unwrap()
            .contains("managed service")
    );
    // Directly after `services:` on a fresh line: every service id.
    lsp.change(&u, 2, [16, 0, 16, 31], "    services:\n      - ");
    let result = lsp.request("textDocument/completion", at(&u, 17, 8));
    let names = labels(&result);
    assert!(
        names.contains(&"amazon-bedrock".to_owned()) && names.contains(&"amazon-s3".to_owned()),
        "{names:?}"
    );
    // Keys of the question not present yet, with descriptions.
    lsp.change(&u, 3, [17, 0, 17, 8], "    ");
    let result = lsp.request("textDocument/completion", at(&u, 17, 4));
    let names = labels(&result);
    assert!(names.contains(&"tags".to_owned()), "{names:?}");
    assert!(
        !names.contains(&"stem".to_owned()) && !names.contains(&"services".to_owned()),
        "{names:?}"
    );
    assert!(
        item(&result, "tags")["documentation"]["value"]
            .as_str()
            .unwrap()
            .contains("Free tags")
    );
    // Enum values.
    let result = lsp.request("textDocument/completion", at(&u, 4, 10));
    assert_eq!(
        labels(&result),
        ["single", "multiple", "ordering", "matching"]
    );
    // Task ids, quoted so they stay strings.
    lsp.change(&u, 4, [1, 6, 1, 11], "");
    let result = lsp.request("textDocument/completion", at(&u, 1, 6));
    let task = item(&result, "1.1");
    assert_eq!(task["textEdit"]["newText"], "\"1.1\"");
    assert!(task["detail"].as_str().unwrap().contains("AI concepts"));
    // A new question where an item of `questions` goes.
    lsp.change(&u, 5, [17, 0, 17, 4], "  ");
    let result = lsp.request("textDocument/completion", at(&u, 17, 2));
    let skeleton = item(&result, "new question");
    let text = skeleton["textEdit"]["newText"].as_str().unwrap();
    assert!(
        text.starts_with("- id: ") && text.contains("\n    type: "),
        "{text}"
    );
    lsp.shutdown();
}

#[test]
fn hover_definition_references() {
    let fx = fixture(QUESTIONS);
    let mut lsp = Lsp::start(&fx.root(), &["utf-16"]);
    let u = lsp.open(&fx.path("questions/1.1.yaml"));
    lsp.diagnostics(&u, |_| true);
    // Hover on a service id.
    let hover = lsp.request("textDocument/hover", at(&u, 16, 20));
    let text = hover["contents"]["value"].as_str().unwrap();
    assert!(
        text.contains("**Amazon Bedrock**") && text.contains("managed service used in the tests"),
        "{text}"
    );
    assert!(
        text.contains("Use cases") && text.contains("Machine Learning"),
        "{text}"
    );
    assert_eq!(
        hover["range"],
        json!({ "start": pos(16, 15), "end": pos(16, 29) })
    );
    // Hover on a key and on a task id.
    let hover = lsp.request("textDocument/hover", at(&u, 6, 5));
    assert!(
        hover["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("The question itself")
    );
    let hover = lsp.request("textDocument/hover", at(&u, 1, 8));
    assert!(
        hover["contents"]["value"]
            .as_str()
            .unwrap()
            .starts_with("**Task 1.1**")
    );
    // Definition.
    let definition = lsp.request("textDocument/definition", at(&u, 16, 20));
    assert_eq!(
        definition["uri"],
        uri(&fx.path("services/amazon-bedrock.yaml"))
    );
    assert_eq!(
        definition["range"],
        json!({ "start": pos(1, 4), "end": pos(1, 18) })
    );
    let task = lsp.request("textDocument/definition", at(&u, 1, 8));
    assert_eq!(task["uri"], uri(&fx.path("domains/1.yaml")));
    // References of amazon-s3: the question, the other service, its definition.
    let mut params = at(&u, 16, 33);
    params["context"] = json!({ "includeDeclaration": true });
    let refs = lsp.request("textDocument/references", params);
    let found: BTreeSet<String> = refs
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            format!(
                "{}:{}",
                l["uri"].as_str().unwrap().rsplit('/').next().unwrap(),
                l["range"]["start"]["line"]
            )
        })
        .collect();
    assert_eq!(
        found,
        BTreeSet::from([
            "1.1.yaml:16".to_owned(),
            "amazon-bedrock.yaml:9".to_owned(),
            "amazon-s3.yaml:1".to_owned()
        ])
    );
    lsp.shutdown();
}

#[test]
fn rename_service_and_question_ids() {
    let fx = fixture(QUESTIONS);
    let mut lsp = Lsp::start(&fx.root(), &["utf-16"]);
    let qpath = fx.path("questions/1.1.yaml");
    let u = lsp.open(&qpath);
    lsp.diagnostics(&u, |_| true);
    let prepared = lsp.request("textDocument/prepareRename", at(&u, 16, 33));
    assert_eq!(prepared["placeholder"], "amazon-s3");
    assert_eq!(
        prepared["range"],
        json!({ "start": pos(16, 31), "end": pos(16, 40) })
    );
    let nothing = lsp.request("textDocument/prepareRename", at(&u, 6, 20));
    assert_eq!(nothing, Value::Null);
    let mut params = at(&u, 16, 33);
    params["newName"] = json!("amazon-simple-storage");
    let edit = lsp.request("textDocument/rename", params.clone());
    let changes = edit["documentChanges"].as_array().unwrap();
    assert_eq!(changes.len(), 3, "{edit:#}");
    for change in changes {
        let file_uri = change["textDocument"]["uri"].as_str().unwrap();
        let name = file_uri.rsplit('/').next().unwrap();
        let rel = if name == "1.1.yaml" {
            format!("questions/{name}")
        } else {
            format!("services/{name}")
        };
        let before = std::fs::read_to_string(fx.path(&rel)).unwrap();
        let after = apply_edits(&before, change["edits"].as_array().unwrap());
        assert!(!after.contains("amazon-s3"), "{after}");
        assert!(after.contains("amazon-simple-storage"));
        if name == "1.1.yaml" {
            assert_eq!(change["textDocument"]["version"], 1);
        }
    }
    // Invalid or taken names are refused with a reason.
    params["newName"] = json!("Amazon S3");
    assert!(
        lsp.request_raw("textDocument/rename", params.clone())
            .is_err()
    );
    params["newName"] = json!("amazon-bedrock");
    let error = lsp.request_raw("textDocument/rename", params).unwrap_err();
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("already exists")
    );
    // A question id.
    let mut params = at(&u, 3, 12);
    params["newName"] = json!("renamed-question");
    let edit = lsp.request("textDocument/rename", params);
    let edits = edit["documentChanges"][0]["edits"].as_array().unwrap();
    assert_eq!(edits.len(), 1);
    assert_eq!(
        edits[0]["range"],
        json!({ "start": pos(3, 8), "end": pos(3, 22) })
    );
    lsp.shutdown();
}

#[test]
fn code_actions_fix_and_add_required_keys() {
    let broken = QUESTIONS
        .replace("[amazon-bedrock, amazon-s3]", "[amazon-bedrok, amazon-s3]")
        .replace("    explanation: Amazon Bedrock offers foundation models from several providers through one API.\n", "");
    let fx = fixture(&broken);
    let mut lsp = Lsp::start(&fx.root(), &["utf-16"]);
    let u = lsp.open(&fx.path("questions/1.1.yaml"));
    let diagnostics = lsp.diagnostics(&u, |d| {
        d.iter().any(|d| d["code"] == "xref/unknown-service")
    });
    let unknown = diagnostics
        .iter()
        .find(|d| d["code"] == "xref/unknown-service")
        .unwrap()
        .clone();
    // Fixes are offered once the analysis of the opened text is current;
    // the diagnostics above may come from the analysis of the file on disk,
    // so ask again (a bounded number of times) until it is.
    let mut actions = json!([]);
    for _ in 0..100 {
        actions = lsp.request(
            "textDocument/codeAction",
            json!({ "textDocument": { "uri": u }, "range": unknown["range"], "context": { "diagnostics": [unknown] } }),
        );
        if actions
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["title"] == "Replace with `amazon-bedrock`")
        {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let fix = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"] == "Replace with `amazon-bedrock`")
        .unwrap_or_else(|| panic!("{actions:#}"));
    assert_eq!(fix["kind"], "quickfix");
    let after = apply_edits(
        &broken,
        fix["edit"]["changes"][u.as_str()].as_array().unwrap(),
    );
    assert!(after.contains("[amazon-bedrock, amazon-s3]"));
    // The question lacks `explanation`.
    let actions = lsp.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": u }, "range": { "start": pos(3, 8), "end": pos(3, 8) }, "context": { "diagnostics": [] } }),
    );
    let add = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| {
            a["title"]
                .as_str()
                .unwrap()
                .starts_with("Add missing required keys")
        })
        .unwrap_or_else(|| panic!("{actions:#}"));
    let after = apply_edits(
        &broken,
        add["edit"]["changes"][u.as_str()].as_array().unwrap(),
    );
    assert!(
        after.ends_with("    services: [amazon-bedrok, amazon-s3]\n    explanation: \"\"\n"),
        "{after}"
    );
    lsp.shutdown();
}

#[test]
fn changes_propagate_to_files_that_are_not_open() {
    let fx = fixture(QUESTIONS);
    let mut lsp = Lsp::start(&fx.root(), &["utf-16"]);
    let question = uri(&fx.path("questions/1.1.yaml"));
    // Rename the service in its own (open) file: the question now refers to nothing.
    let s3 = lsp.open(&fx.path("services/amazon-s3.yaml"));
    lsp.diagnostics(&s3, |_| true);
    lsp.change(&s3, 2, [1, 4, 1, 13], "amazon-s4");
    let diagnostics = lsp.diagnostics(&question, |d| {
        d.iter().any(|d| d["code"] == "xref/unknown-service")
    });
    let unknown = diagnostics
        .iter()
        .find(|d| d["code"] == "xref/unknown-service")
        .unwrap();
    assert_eq!(
        unknown["range"],
        json!({ "start": pos(16, 31), "end": pos(16, 40) })
    );
    // And back: the finding goes away.
    lsp.change(&s3, 3, [1, 4, 1, 13], "amazon-s3");
    lsp.diagnostics(&question, |d| {
        !d.iter().any(|d| d["code"] == "xref/unknown-service")
    });
    // A change on disk (another tool) through didChangeWatchedFiles.
    let path = fx.path("questions/1.1.yaml");
    std::fs::write(&path, QUESTIONS.replace("amazon-s3]", "amazon-s5]")).unwrap();
    lsp.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": question, "type": 2 }] }),
    );
    lsp.diagnostics(&question, |d| {
        d.iter().any(|d| d["code"] == "xref/unknown-service")
    });
    lsp.shutdown();
}

#[test]
fn symbols() {
    let fx = fixture(QUESTIONS);
    let mut lsp = Lsp::start(&fx.root(), &["utf-16"]);
    let u = lsp.open(&fx.path("questions/1.1.yaml"));
    lsp.diagnostics(&u, |_| true);
    let symbols = lsp.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": u } }),
    );
    assert_eq!(symbols[0]["name"], "first-question");
    assert!(
        symbols[0]["detail"]
            .as_str()
            .unwrap()
            .starts_with("Which service")
    );
    let found = lsp.request("workspace/symbol", json!({ "query": "bedrock" }));
    let names: Vec<&str> = found
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["name"].as_str())
        .collect();
    assert!(names.contains(&"amazon-bedrock"), "{names:?}");
    let found = lsp.request("workspace/symbol", json!({ "query": "first-q" }));
    assert_eq!(found[0]["name"], "first-question");
    lsp.shutdown();
}

#[test]
fn bad_positions_and_panics_do_not_kill_the_server() {
    let fx = fixture(QUESTIONS);
    let mut lsp = Lsp::start_with(&fx.root(), &["utf-16"], &[("EXAMKIT_LSP_TEST", "1")]);
    let u = lsp.open_text(&fx.path("questions/new.yaml"), "kind: questions\n");
    // A change far past the end appends at the end.
    lsp.change(&u, 2, [999, 5, 1000, 0], "task: \"1.1\"\n");
    assert_eq!(lsp.server_text(&u), "kind: questions\ntask: \"1.1\"\n");
    // Columns past a line's end stop at its end; reversed ranges are taken in order.
    lsp.change(&u, 3, [0, 99, 0, 4], "");
    assert_eq!(lsp.server_text(&u), "kind\ntask: \"1.1\"\n");
    for (line, character) in [(0, 9999), (9999, 0), (9999, 9999)] {
        assert_eq!(
            lsp.request("textDocument/hover", at(&u, line, character)),
            Value::Null
        );
        lsp.request("textDocument/completion", at(&u, line, character));
        lsp.request("textDocument/definition", at(&u, line, character));
    }
    // A handler that panics answers with an error and tells the user.
    assert!(lsp.request_raw("examkit/panic", Value::Null).is_err());
    lsp.wait(|m| m["method"] == "window/showMessage");
    // The server still works.
    let q = lsp.open(&fx.path("questions/1.1.yaml"));
    lsp.diagnostics(&q, |_| true);
    let hover = lsp.request("textDocument/hover", at(&q, 16, 20));
    assert!(
        hover["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("Amazon Bedrock")
    );
    lsp.shutdown();
}
