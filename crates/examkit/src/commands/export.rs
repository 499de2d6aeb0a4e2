//! `examkit export`.

use std::path::Path;

use crate::ExitStatus;
use crate::cli::ExportArgs;
use crate::load::LoadError;

/// Exports the content.
pub fn run(_args: &ExportArgs, _cwd: &Path) -> Result<ExitStatus, LoadError> {
    Err(LoadError(
        "export is not available in this build yet".to_owned(),
    ))
}
