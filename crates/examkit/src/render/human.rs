//! `--format human`: annotated source snippets (miette), then a summary.

use std::fmt::{self, Write};

use examkit_syntax::{Diagnostic, LineIndex, Severity};
use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};

use super::Report;

/// A diagnostic in the shape miette renders.
struct Snippet<'a> {
    diagnostic: &'a Diagnostic,
    source: &'a IndexedSource<'a>,
}

/// A file as miette reads it. The lines around a span are found through
/// the file's line index, and only they are handed to miette, whose own
/// sources scan the text from its start for every snippet (seconds for a
/// thousand findings in a large file).
struct IndexedSource<'a> {
    name: &'a str,
    text: &'a str,
    line_index: &'a LineIndex,
}

impl SourceCode for IndexedSource<'_> {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let offset_of = |at: usize| u32::try_from(at.min(self.text.len())).unwrap_or(u32::MAX);
        let line_of = |at: usize| self.line_index.line_of(offset_of(at)) as usize;
        let line_start = |line: usize| {
            u32::try_from(line)
                .ok()
                .filter(|&line| line < self.line_index.line_count())
                .map_or(self.text.len(), |line| {
                    self.line_index.line_range(line, self.text).start() as usize
                })
        };
        // One line to spare on each side of what miette shows.
        let first_line = line_of(span.offset()).saturating_sub(context_lines_before + 1);
        let last_line = line_of(span.offset() + span.len()) + context_lines_after + 1;
        let window_start = line_start(first_line);
        let window_end = line_start(last_line + 1).max(window_start);
        let window = self.text.get(window_start..window_end).unwrap_or_default();
        let inner_span = SourceSpan::new(
            span.offset().saturating_sub(window_start).into(),
            span.len(),
        );
        let inner = window.read_span(&inner_span, context_lines_before, context_lines_after)?;
        let contents = MietteSpanContents::new_named(
            self.name.to_owned(),
            inner.data(),
            SourceSpan::new(
                (inner.span().offset() + window_start).into(),
                inner.span().len(),
            ),
            inner.line() + first_line,
            inner.column(),
            inner.line_count() + first_line,
        )
        .with_language("yaml");
        Ok(Box::new(contents))
    }
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
        let source = IndexedSource {
            name: &file.display,
            text: file.text,
            line_index: file.line_index,
        };
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

#[cfg(test)]
mod tests {
    use super::*;
    use miette::NamedSource;

    /// What miette's own source reads, for comparison.
    fn read_whole(
        source: &NamedSource<String>,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> (String, SourceSpan, usize, usize, usize) {
        let c = source.read_span(span, before, after).expect("readable");
        let data = String::from_utf8_lossy(c.data()).into_owned();
        (data, *c.span(), c.line(), c.column(), c.line_count())
    }

    #[test]
    fn reads_the_same_span_contents_as_miette_does_on_the_whole_text() {
        let texts = [
            "kind: questions\nquestions:\n  - id: a\n    stem: >-\n      Which one?\n\n  - id: b\n",
            "a: 1\r\nb: 2\r\nc: 3",
            "",
            "\n\n\n",
            "only: line",
            "x: 1\ny: é ü\nz: [1, 2]\n# end",
            "a\n\nb\r\n\r\nc\nd\n\n\ne: f\ng\nh: [i,\n  j]\n\n",
        ];
        for text in texts {
            let index = LineIndex::new(text);
            let indexed = IndexedSource {
                name: "f.yaml",
                text,
                line_index: &index,
            };
            let whole = NamedSource::new("f.yaml", text.to_owned());
            for start in 0..=text.len() {
                for len in [0, 1, 3, 12, 40] {
                    let len = len.min(text.len() - start);
                    let span = SourceSpan::new(start.into(), len);
                    for (before, after) in [(0, 0), (1, 1), (2, 3)] {
                        let expected = read_whole(&whole, &span, before, after);
                        let c = indexed.read_span(&span, before, after).expect("readable");
                        let got = (
                            String::from_utf8_lossy(c.data()).into_owned(),
                            *c.span(),
                            c.line(),
                            c.column(),
                            c.line_count(),
                        );
                        assert_eq!(got, expected, "{text:?} at {start}+{len}, {before}/{after}");
                        assert_eq!(c.name(), Some("f.yaml"));
                    }
                }
            }
        }
    }
}
