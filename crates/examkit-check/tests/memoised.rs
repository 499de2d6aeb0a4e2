//! A memoised analysis must give exactly what a fresh one gives, through a
//! series of edits that change findings, move text and touch the catalog.

mod common;

use examkit_check::{Config, Memo, analyse, analyse_memoised};

use common::{bundled_content, edit, workspace};

#[test]
fn memoised_analysis_equals_a_fresh_one_after_every_edit() {
    let mut files = bundled_content();
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
