//! `examkit check` on every fixture in `tests/fixtures/invalid`: each file's
//! diagnostics (code, line, column, message) are snapshot-tested, and every
//! invalid file must exit 1 with at least one error.

#![allow(clippy::unwrap_used)]

mod common;

use common::{check_lines, repo};

#[test]
fn invalid_fixtures() {
    let repo = repo();
    insta::glob!("../../../tests/fixtures/invalid", "*.yaml", |path| {
        let relative = path
            .strip_prefix(&repo)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let (code, lines) = check_lines(&repo, &relative);
        assert_eq!(code, 1, "{relative} must fail the check");
        assert!(
            lines.iter().any(|l| l.contains(" error ")),
            "{relative} must report an error"
        );
        insta::assert_snapshot!(lines.join("\n"));
    });
}
