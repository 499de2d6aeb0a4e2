//! Property test of the Markdown renderer: for any mix of Markdown, HTML
//! and Anki syntax, the output holds only whitelisted tags without
//! attributes, no control characters and no Anki media syntax.
//!
//! Failing cases are saved to `markdown_props.proptest-regressions` and
//! re-run first; `PROPTEST_CASES` sets the number of cases (default 2000).

use examkit_export::markdown::{escape_text, render};
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;

const ALLOWED: [&str; 11] = [
    "p",
    "em",
    "strong",
    "code",
    "pre",
    "ul",
    "ol",
    "li",
    "blockquote",
    "br",
    "hr",
];

fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("<script>".to_owned()),
        Just("</script>".to_owned()),
        Just("<img src=x onerror=alert(1)>".to_owned()),
        Just("<a href='javascript:x'>".to_owned()),
        Just("[l](javascript:x)".to_owned()),
        Just("![i](http://x/y.png)".to_owned()),
        Just("[sound:".to_owned()),
        Just("[latex]".to_owned()),
        Just("[anki:tts]".to_owned()),
        Just("[$]".to_owned()),
        Just("[$$]".to_owned()),
        Just("<!--".to_owned()),
        Just("-->".to_owned()),
        Just("`".to_owned()),
        Just("```".to_owned()),
        Just("*".to_owned()),
        Just("**".to_owned()),
        Just("\n".to_owned()),
        Just("\n\n".to_owned()),
        Just("- ".to_owned()),
        Just("1. ".to_owned()),
        Just("> ".to_owned()),
        Just("# ".to_owned()),
        Just("&amp;".to_owned()),
        Just("&lt;b&gt;".to_owned()),
        Just("\\".to_owned()),
        Just("[".to_owned()),
        Just("]".to_owned()),
        Just("\u{1f}".to_owned()),
        Just("<".to_owned()),
        Just(">".to_owned()),
        "[a-z ]{0,8}",
        any::<char>().prop_map(String::from),
    ]
}

fn check(html: &str) -> Result<(), TestCaseError> {
    prop_assert!(
        !html
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t'),
        "{html:?}"
    );
    let lower = html.to_ascii_lowercase();
    for syntax in ["[sound:", "[latex]", "[anki:", "[$]", "[$$]"] {
        prop_assert!(!lower.contains(syntax), "{syntax} in {html:?}");
    }
    for (i, _) in html.match_indices('<') {
        let rest = &html[i + 1..];
        let closing = rest.starts_with('/');
        let name: String = rest
            .trim_start_matches('/')
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect();
        prop_assert!(ALLOWED.contains(&name.as_str()), "tag {name:?} in {html:?}");
        let after = &rest[usize::from(closing) + name.len()..];
        let start_attr = after.starts_with(" start=\"");
        prop_assert!(
            after.starts_with('>') || after.starts_with(" />") || start_attr,
            "attribute on <{name}> in {html:?}"
        );
    }
    Ok(())
}

/// The number of cases: `PROPTEST_CASES` when set, else 2000.
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(2000)
}

proptest! {
    #![proptest_config(ProptestConfig {
        failure_persistence: Some(Box::new(FileFailurePersistence::SourceParallel(
            "proptest-regressions",
        ))),
        ..ProptestConfig::with_cases(cases())
    })]

    #[test]
    fn rendered_markdown_is_safe(parts in prop::collection::vec(fragment(), 0..24)) {
        let input: String = parts.concat();
        check(&render(&input))?;
        let escaped = escape_text(&input);
        prop_assert!(!escaped.contains('<') && !escaped.contains('>'));
        check(&escaped)?;
    }
}
