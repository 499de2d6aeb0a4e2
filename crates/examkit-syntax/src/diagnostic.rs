//! The one diagnostic model every layer reports in and every front end renders.

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use crate::TextRange;

/// How serious a finding is.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    /// Worth knowing; never fails a check.
    Info,
    /// Should be fixed; fails a check only with `--deny warnings`.
    Warning,
    /// Must be fixed; fails a check and blocks export.
    Error,
}

impl Severity {
    /// The lower-case name used in output and configuration.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Info => "info",
            Self::Warning => "warning",
            Self::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One text replacement in one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    /// The bytes to replace (empty to insert).
    pub range: TextRange,
    /// The new text.
    pub replacement: String,
}

/// A change that resolves a diagnostic: edits in the diagnostic's own file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    /// A short imperative title, e.g. "Replace with `Amazon SageMaker AI`".
    pub title: String,
    /// The edits, non-overlapping.
    pub edits: Vec<Edit>,
}

/// Another place that explains a diagnostic, e.g. the first of two duplicate ids.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Related {
    /// The file of that place.
    pub path: Arc<Path>,
    /// The place in that file.
    pub range: TextRange,
    /// What the place is.
    pub message: String,
}

/// A finding at a precise place in one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Stable code, `family/name`, e.g. `schema/required`.
    pub code: &'static str,
    /// How serious it is.
    pub severity: Severity,
    /// The offending bytes: the key or value at fault, never the whole file.
    pub range: TextRange,
    /// What is wrong, in one sentence.
    pub message: String,
    /// How to fix it, when there is more to say than the message.
    pub help: Option<String>,
    /// Other places that explain the finding.
    pub related: Vec<Related>,
    /// A change that resolves it, when one is safe to offer.
    pub fix: Option<Fix>,
}

impl Diagnostic {
    /// Moves the diagnostic and its fix by `delta` bytes, for text that moved
    /// within its file. Related places may be in other files and stay.
    pub fn shift(&mut self, delta: i64) {
        self.range = self.range.shifted(delta);
        if let Some(fix) = &mut self.fix {
            for edit in &mut fix.edits {
                edit.range = edit.range.shifted(delta);
            }
        }
    }

    /// A diagnostic with no help, related places or fix.
    #[must_use]
    pub fn new(
        code: &'static str,
        severity: Severity,
        range: TextRange,
        message: impl Into<String>,
    ) -> Self {
        Self {
            code,
            severity,
            range,
            message: message.into(),
            help: None,
            related: Vec::new(),
            fix: None,
        }
    }

    /// An error diagnostic.
    #[must_use]
    pub fn error(code: &'static str, range: TextRange, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Error, range, message)
    }

    /// Adds help text.
    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds a fix.
    #[must_use]
    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fix = Some(fix);
        self
    }

    /// Adds a related place.
    #[must_use]
    pub fn with_related(mut self, related: Related) -> Self {
        self.related.push(related);
        self
    }
}
