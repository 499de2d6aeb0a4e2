//! `examkit lsp`: the language server (see the `examkit-lsp` crate).

use crate::ExitStatus;
use crate::load::LoadError;

/// Runs the language server on standard input and output until the client exits.
pub fn run() -> Result<ExitStatus, LoadError> {
    examkit_lsp::run_stdio()
        .map(|()| ExitStatus::Success)
        .map_err(|e| LoadError(format!("the language server failed: {e}")))
}
