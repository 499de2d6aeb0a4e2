//! The lint and cross-reference rules on `tests/fixtures/lint`, a content
//! root whose flawed questions each carry one known flaw, marked where it
//! must be reported with a trailing `# expect: <code>` comment; the clean
//! near-misses carry none. Every expected finding must be reported on its
//! line, and nothing else may be. Then `--fix` is applied to a copy and the
//! fixable findings must be gone.

#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::{examkit, repo};

type Finding = (String, u64, String);

fn expectations(root: &Path, relative_to: &Path) -> BTreeSet<Finding> {
    let mut expected = BTreeSet::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().and_then(|e| e.to_str()) != Some("yaml") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let file = path
                .strip_prefix(relative_to)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            for (n, line) in text.lines().enumerate() {
                if let Some(at) = line.find("# expect:") {
                    for code in line[at + 9..].split(',') {
                        expected.insert((file.clone(), n as u64 + 1, code.trim().to_owned()));
                    }
                }
            }
        }
    }
    expected
}

fn findings(cwd: &Path, path: &str) -> (Vec<serde_json::Value>, BTreeSet<Finding>) {
    let output = examkit(cwd, &["check", "--format", "json", path]);
    let items: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).unwrap();
    let set = items
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap().to_owned(),
                d["start"]["line"].as_u64().unwrap(),
                d["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    (items, set)
}

#[test]
fn each_known_flaw_is_caught_on_its_line_and_nothing_else() {
    let repo = repo();
    let root = repo.join("tests/fixtures/lint");
    let expected = expectations(&root, &repo);
    assert!(
        expected.len() >= 15,
        "too few expectations: {}",
        expected.len()
    );
    let (_, actual) = findings(&repo, "tests/fixtures/lint");
    let missed: Vec<_> = expected.difference(&actual).collect();
    let unexpected: Vec<_> = actual.difference(&expected).collect();
    assert!(
        missed.is_empty() && unexpected.is_empty(),
        "missed findings: {missed:#?}\nunexpected findings: {unexpected:#?}"
    );
}

#[test]
fn fixes_resolve_their_findings() {
    let repo = repo();
    let temp = tempfile::tempdir().unwrap();
    copy_dir(&repo.join("tests/fixtures/lint"), temp.path());
    let (before, _) = findings(temp.path(), ".");
    let fixable: Vec<&serde_json::Value> = before.iter().filter(|d| !d["fix"].is_null()).collect();
    assert!(
        fixable.len() >= 4,
        "expected several fixable findings, got {}",
        fixable.len()
    );
    let output = examkit(temp.path(), &["check", "--fix", "--format", "json", "."]);
    let after: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).unwrap();
    assert!(
        after.iter().all(|d| d["fix"].is_null()),
        "fixable findings remain: {after:#?}"
    );
    assert!(after.len() < before.len());
    assert!(
        after
            .iter()
            .all(|d| !d["code"].as_str().unwrap().starts_with("syntax/")
                && !d["code"].as_str().unwrap().starts_with("schema/")),
        "a fix broke the file: {after:#?}"
    );
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[test]
fn configuration_changes_severity_and_reports_unknown_codes() {
    let repo = repo();
    let temp = tempfile::tempdir().unwrap();
    copy_dir(&repo.join("tests/fixtures/lint"), temp.path());
    let config = "[rules]\n\"item/missing-rationale\" = \"off\"\n\"item/longest-kye\" = \"warning\"\n\n[[overrides]]\npaths = [\"questions/**\"]\nrules = { \"item/thin-explanation\" = \"info\" }\n";
    std::fs::write(temp.path().join("examkit.toml"), config).unwrap();
    let (items, _) = findings(temp.path(), ".");
    assert!(items.iter().all(|d| d["code"] != "item/missing-rationale"));
    assert!(
        items
            .iter()
            .filter(|d| d["code"] == "item/thin-explanation")
            .all(|d| d["severity"] == "info")
    );
    let unknown: Vec<_> = items
        .iter()
        .filter(|d| d["code"] == "config/invalid")
        .collect();
    assert_eq!(unknown.len(), 1, "{items:#?}");
    assert_eq!(unknown[0]["file"], "examkit.toml");
    assert_eq!(unknown[0]["start"]["line"], 3);
}

#[test]
fn bundled_content_is_clean() {
    let repo = repo();
    let output = examkit(&repo, &["check", "--deny", "warnings"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
}
