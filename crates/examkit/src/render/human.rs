//! `--format human`: annotated source snippets (miette), then a summary.

use std::fmt::{self, Write};

use examkit_syntax::{Diagnostic, Severity};
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode};

use super::Report;

/// A diagnostic in the shape miette renders.
struct Snippet<'a> {
    diagnostic: &'a Diagnostic,
    source: &'a NamedSource<String>,
}

impl fmt::Debug for Snippet<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diagnostic.message)
    }
}

impl fmt::Display for Snippet<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diagnostic.message)
    }
}

impl std::error::Error for Snippet<'_> {}

impl miette::Diagnostic for Snippet<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(self.diagnostic.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        let help = self.diagnostic.help.as_ref();
        let fix = self
            .diagnostic
            .fix
            .as_ref()
            .map(|f| format!("fix available: {}", f.title));
        match (help, fix) {
            (Some(h), Some(f)) => Some(Box::new(format!("{h}\n{f}"))),
            (Some(h), None) => Some(Box::new(h.clone())),
            (None, Some(f)) => Some(Box::new(f)),
            (None, None) => None,
        }
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let range = self.diagnostic.range;
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(
            Some(label(self.diagnostic)),
            (range.start() as usize, range.len() as usize),
        ))))
    }
}

fn label(diagnostic: &Diagnostic) -> String {
    match diagnostic.severity {
        Severity::Error => "here".to_owned(),
        Severity::Warning => "here".to_owned(),
        Severity::Info => "note".to_owned(),
    }
}

/// Renders every diagnostic as a snippet, then one summary line.
pub fn render(report: &Report<'_>, color: bool) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_context_lines(1);
    let mut out = String::new();
    for file in &report.files {
        let source =
            NamedSource::new(file.display.clone(), file.text.to_owned()).with_language("yaml");
        for diagnostic in &file.diagnostics {
            let snippet = Snippet {
                diagnostic,
                source: &source,
            };
            if handler.render_report(&mut out, &snippet).is_err() {
                let _ = writeln!(
                    out,
                    "{}: {}: {}",
                    file.display, diagnostic.code, diagnostic.message
                );
            }
            out.push('\n');
        }
    }
    let errors = report.count(Severity::Error);
    let warnings = report.count(Severity::Warning);
    let infos = report.count(Severity::Info);
    let files = report.files_checked;
    if errors + warnings + infos == 0 {
        let _ = writeln!(
            out,
            "All checks passed: {files} file{} clean.",
            plural(files)
        );
    } else {
        let _ = writeln!(
            out,
            "Found {errors} error{}, {warnings} warning{} and {infos} note{} in {} of {files} file{}.",
            plural(errors),
            plural(warnings),
            plural(infos),
            report.files.len(),
            plural(files)
        );
    }
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
