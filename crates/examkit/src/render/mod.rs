//! One renderer per output format, all over the same report.

mod github;
mod human;
mod json;
mod sarif;

use std::path::Path;

use examkit_syntax::{Diagnostic, LineIndex, PositionEncoding, Severity, TextRange};

use crate::cli::Format;

/// One file's diagnostics, with what renderers need to place them.
pub struct FileView<'a> {
    /// The path as shown to the user (relative to the current folder when possible).
    pub display: String,
    /// The file's text.
    pub text: &'a str,
    /// Its line index.
    pub line_index: &'a LineIndex,
    /// Its diagnostics, sorted by position.
    pub diagnostics: Vec<&'a Diagnostic>,
}

/// Everything a check reports.
pub struct Report<'a> {
    /// Files with findings (files without any are left out).
    pub files: Vec<FileView<'a>>,
    /// How many files were checked.
    pub files_checked: usize,
    /// The folder paths are shown relative to.
    pub cwd: &'a Path,
}

impl Report<'_> {
    /// The number of diagnostics of `severity`.
    pub fn count(&self, severity: Severity) -> usize {
        self.files
            .iter()
            .flat_map(|f| &f.diagnostics)
            .filter(|d| d.severity == severity)
            .count()
    }
}

/// A 1-based line and character column range, as people and CI tools count.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct LineSpan {
    /// First line, from 1.
    pub start_line: u32,
    /// First column, from 1, in characters.
    pub start_column: u32,
    /// Last line, from 1.
    pub end_line: u32,
    /// Column after the last character, from 1.
    pub end_column: u32,
}

impl LineSpan {
    /// Converts a byte range of `text`.
    pub fn of(range: TextRange, text: &str, index: &LineIndex) -> Self {
        let start = index.position(range.start(), text, PositionEncoding::Utf32);
        let end = index.position(range.end(), text, PositionEncoding::Utf32);
        Self {
            start_line: start.line + 1,
            start_column: start.col + 1,
            end_line: end.line + 1,
            end_column: end.col + 1,
        }
    }
}

/// The path shown for `path`: relative to `cwd` when inside it, `/`-separated.
pub fn display_path(path: &Path, cwd: &Path) -> String {
    let relative = path.strip_prefix(cwd).unwrap_or(path);
    let relative = relative.strip_prefix(".").unwrap_or(relative);
    relative.to_string_lossy().replace('\\', "/")
}

/// Renders `report` in `format`. `color` applies to the human format only.
pub fn render(report: &Report<'_>, format: Format, color: bool) -> String {
    match format {
        Format::Human => human::render(report, color),
        Format::Json => json::render(report),
        Format::Github => github::render(report),
        Format::Sarif => sarif::render(report),
    }
}
