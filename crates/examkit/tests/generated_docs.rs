//! Generated documentation stays in step with the code: `docs/rules.md` is
//! exactly what `examkit rules --markdown` prints. Run with
//! `EXAMKIT_UPDATE_DOCS=1` to regenerate it.

#![allow(clippy::unwrap_used)]

mod common;

use common::{examkit, repo};

#[test]
fn rules_reference_is_up_to_date() {
    let repo = repo();
    let output = examkit(&repo, &["rules", "--markdown"]);
    assert!(output.status.success());
    let generated = String::from_utf8(output.stdout).unwrap();
    let path = repo.join("docs/rules.md");
    if std::env::var_os("EXAMKIT_UPDATE_DOCS").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/rules.md is out of date; run `EXAMKIT_UPDATE_DOCS=1 cargo test -p examkit --test generated_docs`"
    );
}

#[test]
fn explain_prints_the_rationale_and_unknown_codes_fail() {
    let repo = repo();
    let output = examkit(&repo, &["explain", "item/all-of-the-above"]);
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("Haladyna"), "{text}");
    let unknown = examkit(&repo, &["explain", "item/all-of-the-abov"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        String::from_utf8(unknown.stderr)
            .unwrap()
            .contains("Did you mean `item/all-of-the-above`")
    );
}
