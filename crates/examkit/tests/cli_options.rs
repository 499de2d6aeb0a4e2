//! Command-line options as a user meets them: `--changed-since`, exit codes,
//! completions and the manual page.

#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;
use std::process::Command;

use common::{examkit, repo};

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.invalid"])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
        .status;
    assert!(status.success(), "git {args:?}");
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[test]
fn changed_since_reports_only_changed_files_but_resolves_against_all() {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path().join("content");
    copy_dir(&repo().join("content/aif-c01"), &root);
    git(temp.path(), &["init", "-q"]);
    git(temp.path(), &["add", "."]);
    git(temp.path(), &["commit", "-q", "-m", "content"]);
    // A broken reference in one question file, and a new service file.
    let questions = root.join("questions/1.2.yaml");
    let text = std::fs::read_to_string(&questions).unwrap();
    std::fs::write(
        &questions,
        text.replacen("services: [", "services: [amazon-pollyy, ", 1),
    )
    .unwrap();
    std::fs::write(
        root.join("services/amazon-new.yaml"),
        "kind: service\nid: amazon-new\nname: Amazon New\nscope: out\ncategory: Compute\ndefinition: A new service.\n",
    )
    .unwrap();
    let output = examkit(
        temp.path(),
        &[
            "check",
            "--format",
            "json",
            "--changed-since",
            "HEAD",
            "content",
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    let items: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).unwrap();
    let files: std::collections::BTreeSet<&str> =
        items.iter().map(|d| d["file"].as_str().unwrap()).collect();
    assert_eq!(
        files.into_iter().collect::<Vec<_>>(),
        vec!["content/questions/1.2.yaml"]
    );
    assert!(items.iter().any(|d| d["code"] == "xref/unknown-service"
        && d["help"].as_str().unwrap().contains("amazon-polly")));
    // Without the option the whole root is reported and still fails.
    let all = examkit(temp.path(), &["check", "--format", "json", "content"]);
    assert_eq!(all.status.code(), Some(1));
    // A revision git does not know is a usage failure.
    let bad = examkit(
        temp.path(),
        &["check", "--changed-since", "no-such-rev", "content"],
    );
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn exit_codes_separate_findings_from_failures() {
    let repo = repo();
    assert_eq!(examkit(&repo, &["check", "content"]).status.code(), Some(0));
    assert_eq!(
        examkit(
            &repo,
            &["check", "tests/fixtures/invalid/schema-unknown-key.yaml"]
        )
        .status
        .code(),
        Some(1)
    );
    assert_eq!(
        examkit(&repo, &["check", "no/such/path"]).status.code(),
        Some(2)
    );
    assert_eq!(
        examkit(&repo, &["check", "--format", "nonsense"])
            .status
            .code(),
        Some(2)
    );
    let empty = tempfile::tempdir().unwrap();
    let none = examkit(empty.path(), &["check"]);
    assert_eq!(none.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&none.stderr).contains("no content found"));
}

#[test]
fn completions_and_manual_page_cover_the_commands() {
    let repo = repo();
    for shell in ["bash", "zsh", "fish"] {
        let output = examkit(&repo, &["completions", shell]);
        assert!(output.status.success());
        let script = String::from_utf8(output.stdout).unwrap();
        assert!(
            script.contains("changed-since"),
            "{shell} completion lacks --changed-since"
        );
    }
    let man = String::from_utf8(examkit(&repo, &["man"]).stdout).unwrap();
    assert!(man.contains(".TH examkit 1") && man.contains("check"));
}

#[test]
fn github_format_gives_columns_only_on_single_line_spans() {
    let repo = repo();
    let output = examkit(
        &repo,
        &[
            "check",
            "--format",
            "github",
            "tests/fixtures/invalid/schema-required-root.yaml",
        ],
    );
    let text = String::from_utf8(output.stdout).unwrap();
    let first = text.lines().next().unwrap();
    assert!(first.starts_with("::error file=tests/fixtures/invalid/schema-required-root.yaml,line=2,endLine=2,col=1,endColumn=14,title=schema/required::"), "{first}");
}

/// The step names and the total of a `timings:` line on standard error.
fn timed_steps(stderr: &[u8]) -> (Vec<String>, f64) {
    let stderr = String::from_utf8_lossy(stderr);
    let line = stderr
        .lines()
        .find_map(|l| l.strip_prefix("timings: "))
        .unwrap_or_else(|| panic!("no timings line in {stderr}"));
    let mut steps = Vec::new();
    let mut total = f64::NAN;
    for part in line.split(", ") {
        let mut words = part.split(' ');
        let (name, seconds) = (words.next().unwrap(), words.next().unwrap());
        let seconds: f64 = seconds.parse().unwrap();
        assert!(seconds >= 0.0, "{line}");
        if name == "total" {
            total = seconds;
        } else {
            steps.push(name.to_owned());
        }
    }
    (steps, total)
}

#[test]
fn timings_name_each_step_of_check_and_export() {
    let temp = tempfile::tempdir().unwrap();
    let content = repo().join("content/aif-c01");
    let content = content.to_str().unwrap();

    let check = examkit(temp.path(), &["check", "--timings", content]);
    assert_eq!(check.status.code(), Some(0));
    let (steps, total) = timed_steps(&check.stderr);
    assert_eq!(steps, ["read", "check", "report"]);
    assert!(total > 0.0);

    let export = examkit(
        temp.path(),
        &[
            "export",
            "anki",
            "--no-lock",
            "--timings",
            "--root",
            content,
            "--out",
            "deck.apkg",
        ],
    );
    assert_eq!(export.status.code(), Some(0), "{export:?}");
    let (steps, _) = timed_steps(&export.stderr);
    assert_eq!(
        steps,
        ["read", "check", "free", "select", "build", "lock", "write"]
    );

    let quiet = examkit(temp.path(), &["check", content]);
    assert!(!String::from_utf8_lossy(&quiet.stderr).contains("timings:"));
}
