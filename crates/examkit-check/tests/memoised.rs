//! A memoised analysis must give exactly what a fresh one gives, through a
//! series of edits that change findings, move text and touch the catalog.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use examkit_check::{Config, Memo, analyse, analyse_memoised};
use examkit_model::{SourceFile, Workspace};

fn content_files(dir: &Path, out: &mut Vec<(PathBuf, String)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("content folder")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            content_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "yaml") {
            let text = std::fs::read_to_string(&path).expect("readable content");
            out.push((path, text));
        }
    }
}

fn workspace(files: &[(PathBuf, String)]) -> Workspace {
    Workspace::new(
        files
            .iter()
            .map(|(path, text)| SourceFile::from_text(Arc::from(path.as_path()), text.clone()))
            .collect(),
    )
}

/// Replaces the first `from` in the file whose path ends with `file`.
fn edit(files: &mut [(PathBuf, String)], file: &str, from: &str, to: &str) {
    let (_, text) = files
        .iter_mut()
        .find(|(p, _)| p.ends_with(file))
        .expect("file to edit");
    assert!(text.contains(from), "{file} has no `{from}`");
    *text = text.replacen(from, to, 1);
}

#[test]
fn memoised_analysis_equals_a_fresh_one_after_every_edit() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content/aif-c01");
    let mut files = Vec::new();
    content_files(&root, &mut files);
    let config = Config::default();
    let relative = |_: usize| String::new();
    let memo = Memo::new();
    let questions = "questions/1.2.yaml";
    let edits: &[(&str, &str, &str)] = &[
        // Nothing changed: everything comes from the memo.
        (questions, "", ""),
        // A new finding (an absolute term) inside one question.
        (
            questions,
            "    options:\n      - text: ",
            "    options:\n      - text: Always ",
        ),
        // Text moves: every later question shifts, its findings must too.
        (
            questions,
            "kind: questions\n",
            "kind: questions\n# a comment\n\n",
        ),
        // A misspelt service name in prose.
        (questions, "Amazon Bedrock", "Amazon bedrock"),
        // The catalog changes: a service gains an alias.
        (
            "services/amazon-bedrock.yaml",
            "aliases: [Bedrock]",
            "aliases: [Bedrock, Bedrock Studio]",
        ),
        // Back to a known text: findings come from the memo again.
        (
            questions,
            "kind: questions\n# a comment\n\n",
            "kind: questions\n",
        ),
    ];
    let mut findings_seen = 0;
    for (file, from, to) in edits {
        if !from.is_empty() {
            edit(&mut files, file, from, to);
        }
        let fresh = analyse(workspace(&files), &config, &relative);
        let memoised = analyse_memoised(workspace(&files), &config, &relative, &memo);
        assert_eq!(
            memoised.diagnostics, fresh.diagnostics,
            "after editing {file}: `{from}` -> `{to}`"
        );
        findings_seen += fresh.diagnostics.iter().map(Vec::len).sum::<usize>();
    }
    // The edits did produce findings, so the comparison compared something.
    assert!(findings_seen > 0);
}
