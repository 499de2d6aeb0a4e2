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

/// A questions file of `fillers` unrelated questions that all share one
/// 3-gram (`alpha beta gamma`), then `extra` (YAML of whole questions).
fn bank(fillers: usize, extra: &str) -> String {
    let mut text = String::from("kind: questions\ntask: \"1.1\"\nquestions:\n");
    for i in 0..fillers {
        text.push_str(&format!(
            "  - id: filler-{i}\n    type: single\n    stem: Alpha beta gamma w{i}a w{i}b?\n    options:\n      - text: key{i}\n        correct: true\n      - text: other\n"
        ));
    }
    text.push_str(extra);
    text
}

/// A question whose stem and key are `stem` and `key`.
fn question(id: &str, stem: &str, key: &str) -> String {
    format!(
        "  - id: {id}\n    type: single\n    stem: {stem}\n    options:\n      - text: {key}\n        correct: true\n      - text: other\n"
    )
}

#[test]
fn near_duplicates_follow_questions_added_removed_and_moved() {
    let config = Config::default();
    let relative = |_: usize| String::new();
    let memo = Memo::new();
    let a = question("a", "Alpha beta gamma delta epsilon?", "zeta");
    let b = question("b", "Alpha beta gamma delta epsilon?", "eta");
    let c = question("c", "Alpha beta gamma delta epsilon?", "theta");
    let d = question("d", "Omega psi chi phi upsilon tau?", "sigma");
    let e = question("e", "Omega psi chi phi upsilon tau?", "rho");
    // The shared 3-gram is held by 200 questions here: still rare enough to
    // count, and it makes `a` and `b` similar (3 of 5 distinct 3-grams).
    // With 201 holders it no longer counts and the pair drops below the
    // threshold though neither question changed.
    let versions: Vec<(&str, String)> = vec![
        ("start", bank(198, &format!("{a}{b}{d}"))),
        ("one question edited", bank(198, &format!("{a}{b}{e}"))),
        ("a near-copy added", bank(197, &format!("{a}{c}{b}{e}"))),
        ("a question removed", bank(198, &format!("{c}{b}{e}"))),
        ("two questions swapped", bank(198, &format!("{b}{c}{e}"))),
        (
            "the shared 3-gram too common",
            bank(199, &format!("{a}{b}{e}")),
        ),
        ("and rare enough again", bank(198, &format!("{a}{b}{e}"))),
        (
            "everything moved",
            format!("# moved\n{}", bank(198, &format!("{a}{b}{e}"))),
        ),
    ];
    let near_duplicates = |analysis: &examkit_check::Analysis| {
        analysis
            .diagnostics
            .iter()
            .flatten()
            .filter(|d| d.code == "bank/near-duplicate")
            .count()
    };
    let mut counts = Vec::new();
    for (what, text) in versions {
        let files = vec![("questions/bank.yaml".into(), text)];
        let fresh = analyse(workspace(&files), &config, &relative);
        let memoised = analyse_memoised(workspace(&files), &config, &relative, &memo);
        assert_eq!(memoised.diagnostics, fresh.diagnostics, "after: {what}");
        counts.push(near_duplicates(&fresh));
    }
    // What the versions were built to show: pairs appear with a copy and go
    // with a removal or a too-common 3-gram.
    assert_eq!(counts, [1, 1, 3, 1, 1, 0, 1, 1]);
}
