//! Long random editing sessions on a real content root, in both position
//! encodings: edits anywhere (past the end of a line or of the text,
//! reversed ranges, inside a surrogate pair, whole-text replacements), each
//! followed now and then by a request of every kind at any position. Every
//! request must be answered, and none with an internal error; the server's
//! text must be the one the edits make; and once the session ends, the
//! diagnostics published for the document must be what `examkit check`
//! finds in the same files.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use examkit_check::discover::{NestedRoots, content_files};
use examkit_check::{Config, analyse};
use examkit_model::{SourceFile, Workspace};
use serde_json::{Value, json};

use common::{Client, uri_of};

/// JSON-RPC's "invalid params": the answer to a rename the content does not
/// allow (a duplicate id, a position on no id), never a failure.
const INVALID_PARAMS: i64 = -32602;

/// Edits per session.
const STEPS: usize = 160;

/// A deterministic pseudo-random sequence (SplitMix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// What an edit inserts: YAML structure, content-like text, multi-byte and
/// astral characters, and every line break the server knows.
const INSERTS: &[&str] = &[
    "",
    "x",
    " ",
    "  ",
    "\n",
    ": ",
    "- ",
    "#",
    "\"",
    "'",
    "[",
    "]",
    ",",
    "é",
    "漢",
    "😀",
    "\t",
    "\r\n",
    "\r",
    "\n    - ",
    "\n  - id: new-question\n    type: single\n",
    "services: [",
    "amazon-bedrock",
    "task: \"1.1\"",
    "kind: service\n",
    "correct: true",
    ">-\n      ",
];

/// Where line `line` of `text` starts, and its content (without the break),
/// with lines ended by `\n`, `\r\n` or `\r`, as the server's ropes end them.
fn lines(text: &str) -> Vec<(usize, &str)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                out.push((start, &text[start..i]));
                start = i + 1;
            }
            b'\r' => {
                out.push((start, &text[start..i]));
                if bytes.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    out.push((start, &text[start..]));
    out
}

/// The client position of byte `at` (a character boundary, not inside a
/// line break) in `encoding`.
fn position(text: &str, at: usize, utf8: bool) -> Value {
    let lines = lines(text);
    let line = lines.partition_point(|&(start, _)| start <= at) - 1;
    let before = &text[lines[line].0..at];
    let character: usize = if utf8 {
        before.len()
    } else {
        before.chars().map(char::len_utf16).sum()
    };
    json!({ "line": line, "character": character })
}

/// A byte offset of `text` where an edit may start or end: a character
/// boundary outside any line break.
fn boundary(rng: &mut Rng, text: &str) -> usize {
    let lines = lines(text);
    let (start, content) = lines[rng.below(lines.len())];
    near(text, start + rng.below(content.len() + 1))
}

/// The nearest offset at or before `at` (and not before the start of the
/// text) where an edit may end: a character boundary outside a `\r\n`.
fn near(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) || (text[..at].ends_with('\r') && text[at..].starts_with('\n'))
    {
        at -= 1;
    }
    at
}

/// A position anywhere, valid or not: past the end of a line or of the
/// text, or inside a character.
fn any_position(rng: &mut Rng, text: &str) -> Value {
    let lines = lines(text);
    let line = rng.below(lines.len() + 3);
    let width = lines.get(line).map_or(0, |(_, content)| content.len());
    json!({ "line": line, "character": rng.below(width + 6) })
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_tree(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

/// What `examkit check` reports for `edited` in `root`, with `text` in
/// place of what is on disk: each finding's code and message.
fn check_findings(root: &Path, edited: &Path, text: &str) -> BTreeMap<(String, String), usize> {
    let (paths, unreadable) = content_files(root, NestedRoots::Skip);
    assert!(unreadable.is_empty(), "{unreadable:?}");
    let files = paths
        .iter()
        .map(|path| {
            let content = if path == edited {
                text.to_owned()
            } else {
                std::fs::read_to_string(path).unwrap()
            };
            SourceFile::from_text(Arc::from(path.as_path()), content)
        })
        .collect();
    let workspace = Workspace::new(files);
    let config_text = std::fs::read_to_string(root.join("examkit.toml")).unwrap();
    let (config, problems) = Config::parse(&config_text);
    assert!(problems.is_empty(), "{problems:?}");
    // The workspace keeps its files in path order, as `paths` is sorted.
    let relative = |i: usize| {
        paths[i]
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .into_owned()
    };
    let analysis = analyse(workspace, &config, &relative);
    let file = analysis
        .workspace
        .files
        .iter()
        .position(|f| &*f.path == edited)
        .unwrap();
    let mut findings = BTreeMap::new();
    for d in &analysis.diagnostics[file] {
        *findings
            .entry((d.code.to_owned(), d.message.clone()))
            .or_insert(0) += 1;
    }
    findings
}

async fn session(seed: u64, utf8: bool) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("aif-c01");
    copy_tree(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content/aif-c01"),
        &root,
    );
    let file = root.join("questions/1.1.yaml");
    let uri = uri_of(&file);
    let mut text = std::fs::read_to_string(&file).unwrap();
    let mut client = Client::start(&root, if utf8 { &["utf-8"] } else { &[] }).await;
    client
        .notify(
            "textDocument/didOpen",
            json!({ "textDocument": {
                "uri": uri, "languageId": "yaml", "version": 1, "text": text
            }}),
        )
        .await;

    let mut rng = Rng(seed);
    let mut version = 1;
    let mut next_id = 100;
    let mut pending: BTreeMap<u64, &str> = BTreeMap::new();
    for _ in 0..STEPS {
        version += 1;
        let roll = rng.below(100);
        let insert = rng.pick(INSERTS);
        let known = if roll < 75 {
            // An edit inside the text, as an editor sends it.
            let start = boundary(&mut rng, &text);
            let end = if rng.below(2) == 0 {
                start
            } else {
                near(&text, start + rng.below(40))
            };
            let range =
                json!({ "start": position(&text, start, utf8), "end": position(&text, end, utf8) });
            client
                .change(&uri, version, json!({ "range": range, "text": insert }))
                .await;
            text.replace_range(start..end, insert);
            true
        } else if roll < 97 {
            // Anywhere: out of range, reversed, inside a character.
            let start = any_position(&mut rng, &text);
            let end = if rng.below(10) == 0 {
                any_position(&mut rng, &text)
            } else {
                // Near the start, possibly before it.
                let line = start["line"].as_u64().unwrap() + rng.below(2) as u64;
                json!({ "line": line, "character": rng.below(12) })
            };
            let range = json!({ "start": start, "end": end });
            client
                .change(&uri, version, json!({ "range": range, "text": insert }))
                .await;
            false
        } else {
            // The whole text at once, one line shorter.
            let lines = lines(&text);
            let (start, _) = lines[rng.below(lines.len())];
            let end = text[start..]
                .find('\n')
                .map_or(text.len(), |i| start + i + 1);
            text.replace_range(start..end, "");
            client.change(&uri, version, json!({ "text": text })).await;
            true
        };
        if !known {
            // The test does not model clamping: it takes the server's text.
            client
                .request(1, "examkit/documentText", json!({ "uri": uri }))
                .await;
            let answer = client.answer_to(1).await;
            assert_eq!(answer["result"]["version"], version, "seed {seed}");
            text = answer["result"]["text"].as_str().unwrap().to_owned();
        }
        if rng.below(3) == 0 {
            let at = any_position(&mut rng, &text);
            let document = json!({ "uri": uri });
            let (method, params) = match rng.below(9) {
                0 => (
                    "textDocument/hover",
                    json!({ "textDocument": document, "position": at }),
                ),
                1 => (
                    "textDocument/completion",
                    json!({ "textDocument": document, "position": at }),
                ),
                2 => (
                    "textDocument/definition",
                    json!({ "textDocument": document, "position": at }),
                ),
                3 => (
                    "textDocument/references",
                    json!({ "textDocument": document, "position": at,
                        "context": { "includeDeclaration": true } }),
                ),
                4 => (
                    "textDocument/prepareRename",
                    json!({ "textDocument": document, "position": at }),
                ),
                5 => (
                    "textDocument/rename",
                    json!({ "textDocument": document, "position": at, "newName": "renamed-id" }),
                ),
                6 => (
                    "textDocument/documentSymbol",
                    json!({ "textDocument": document }),
                ),
                7 => (
                    "workspace/symbol",
                    json!({ "query": rng.pick(&["", "a", "bedrock", "1."]) }),
                ),
                _ => (
                    "textDocument/codeAction",
                    json!({ "textDocument": document,
                        "range": { "start": at, "end": any_position(&mut rng, &text) },
                        "context": { "diagnostics": [] } }),
                ),
            };
            client.request(next_id, method, params).await;
            pending.insert(next_id, method);
            next_id += 1;
        }
    }

    let (answered, diagnostics) = settle(&mut client, &uri, version, &mut pending, seed).await;
    assert!(answered > 0, "seed {seed}: no request found anything");
    assert_eq!(
        diagnostics,
        check_findings(&root, &file, &text),
        "seed {seed}, final text:\n{text}"
    );

    // Then the file as it was, with two mistakes, sent whole: the analysis
    // keeps nothing of the session.
    let original = std::fs::read_to_string(&file).unwrap();
    text = original
        .replacen("services: []", "services: [amazon-bedrok]", 1)
        .replacen("correct: true", "correct: false", 1);
    version += 1;
    client.change(&uri, version, json!({ "text": text })).await;
    let (_, diagnostics) = settle(&mut client, &uri, version, &mut pending, seed).await;
    let expected = check_findings(&root, &file, &text);
    assert_eq!(expected.len(), 2, "{expected:?}");
    assert_eq!(diagnostics, expected, "seed {seed}");
}

/// Waits until every pending request is answered (none with a failure),
/// the server's text is `text`'s version `version`, and the diagnostics of
/// that version are published; returns how many requests found something,
/// and the diagnostics as code and message.
async fn settle(
    client: &mut Client,
    uri: &str,
    version: i64,
    pending: &mut BTreeMap<u64, &str>,
    seed: u64,
) -> (usize, BTreeMap<(String, String), usize>) {
    client
        .request(1, "examkit/documentText", json!({ "uri": uri }))
        .await;
    let mut text_version = None;
    let mut published = None;
    let mut answered = 0;
    while text_version.is_none() || !pending.is_empty() || published.is_none() {
        let Some(message) = client.try_recv(Duration::from_secs(30)).await else {
            panic!("seed {seed}: no answer to {pending:?}, or no diagnostics of version {version}");
        };
        if message["method"] == "textDocument/publishDiagnostics" {
            if message["params"]["uri"] == uri && message["params"]["version"] == version {
                published = Some(message["params"]["diagnostics"].clone());
            }
            continue;
        }
        let Some(id) = message["id"].as_u64() else {
            continue;
        };
        if id == 1 {
            text_version = Some(message["result"]["version"].clone());
        } else if let Some(method) = pending.remove(&id) {
            if let Some(error) = message.get("error") {
                assert!(
                    method == "textDocument/rename" && error["code"] == INVALID_PARAMS,
                    "seed {seed}: {method} failed: {error}"
                );
            } else if !message["result"].is_null() {
                answered += 1;
            }
        }
    }
    assert_eq!(text_version, Some(json!(version)), "seed {seed}");
    let mut diagnostics = BTreeMap::new();
    for d in published.unwrap().as_array().unwrap() {
        let key = (
            d["code"].as_str().unwrap().to_owned(),
            d["message"].as_str().unwrap().to_owned(),
        );
        *diagnostics.entry(key).or_insert(0) += 1;
    }
    (answered, diagnostics)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_editing_sessions_are_answered_and_end_in_the_checked_state() {
    // More sessions by hand: EXAMKIT_SESSIONS=500 cargo test --test random_sessions
    let sessions = std::env::var("EXAMKIT_SESSIONS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(6u64);
    for seed in 1..=sessions {
        session(seed, seed % 2 == 0).await;
    }
}
