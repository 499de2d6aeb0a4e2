//! The boundary between examkit's byte ranges and the protocol's positions,
//! and between examkit's diagnostics and the protocol's. Nothing else in the
//! server converts positions of analysed text.

use std::path::Path;

use examkit_syntax::{Diagnostic, LineCol, LineIndex, PositionEncoding, Severity, TextRange};
use tower_lsp_server::ls_types::{
    self as lsp, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString,
    Position, Range, Uri,
};

/// A text with its line index: enough to convert byte ranges.
#[derive(Clone, Copy)]
pub struct TextView<'a> {
    /// The text.
    pub text: &'a str,
    /// Its line index.
    pub index: &'a LineIndex,
}

impl TextView<'_> {
    /// The protocol position of a byte offset.
    #[must_use]
    pub fn position(&self, offset: u32, enc: PositionEncoding) -> Position {
        let at = self.index.position(offset, self.text, enc);
        Position::new(at.line, at.col)
    }

    /// The protocol range of a byte range.
    #[must_use]
    pub fn range(&self, range: TextRange, enc: PositionEncoding) -> Range {
        Range::new(
            self.position(range.start(), enc),
            self.position(range.end(), enc),
        )
    }

    /// The byte offset of a protocol position (clamped into the text).
    #[must_use]
    pub fn offset(&self, pos: Position, enc: PositionEncoding) -> u32 {
        self.index.offset(
            LineCol {
                line: pos.line,
                col: pos.character,
            },
            self.text,
            enc,
        )
    }
}

/// The URI of a file path.
#[must_use]
pub fn uri_of(path: &Path) -> Option<Uri> {
    Uri::from_file_path(path)
}

/// Converts one examkit diagnostic to the protocol's. The message is the
/// CLI's message, unchanged; the help text and related places become related
/// information (or, for a client without it, a second paragraph of the message).
#[must_use]
pub fn diagnostic(
    d: &Diagnostic,
    uri: &Uri,
    view: TextView<'_>,
    enc: PositionEncoding,
    related_support: bool,
    related_location: &dyn Fn(&Path, TextRange) -> Option<Location>,
) -> lsp::Diagnostic {
    let range = view.range(d.range, enc);
    let mut message = d.message.clone();
    let mut related = Vec::new();
    if let Some(help) = &d.help {
        if related_support {
            related.push(DiagnosticRelatedInformation {
                location: Location::new(uri.clone(), range),
                message: format!("help: {help}"),
            });
        } else {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
    }
    if related_support {
        for r in &d.related {
            if let Some(location) = related_location(&r.path, r.range) {
                related.push(DiagnosticRelatedInformation {
                    location,
                    message: r.message.clone(),
                });
            }
        }
    }
    lsp::Diagnostic {
        range,
        severity: Some(severity(d.severity)),
        code: Some(NumberOrString::String(d.code.to_owned())),
        code_description: None,
        source: Some("examkit".to_owned()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    }
}

/// The protocol severity of an examkit severity.
#[must_use]
pub fn severity(s: Severity) -> DiagnosticSeverity {
    match s {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
    }
}
