//! `--format github`: GitHub Actions workflow commands, which GitHub shows
//! as annotations on the changed lines of a pull request.

use std::fmt::Write;

use examkit_syntax::Severity;

use super::{LineSpan, Report};

/// Renders one `::error …::message` line per diagnostic. Columns are given
/// only for spans on one line: GitHub ignores them (or misplaces the
/// annotation) otherwise.
pub fn render(report: &Report<'_>) -> String {
    let mut out = String::new();
    for file in &report.files {
        for d in &file.diagnostics {
            let level = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            let span = LineSpan::of(d.range, file.text, file.line_index);
            let mut properties = format!(
                "file={},line={},endLine={}",
                escape_property(&file.display),
                span.start_line,
                span.end_line
            );
            if span.start_line == span.end_line {
                let _ = write!(
                    properties,
                    ",col={},endColumn={}",
                    span.start_column, span.end_column
                );
            }
            let _ = write!(properties, ",title={}", escape_property(d.code));
            let mut message = d.message.clone();
            if let Some(help) = &d.help {
                message.push('\n');
                message.push_str(help);
            }
            let _ = writeln!(out, "::{level} {properties}::{}", escape_data(&message));
        }
    }
    out
}

fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_the_actions_toolkit() {
        assert_eq!(escape_data("50% done\nnext"), "50%25 done%0Anext");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }
}
