//! `examkit completions SHELL` and `examkit man`, generated from the clap
//! definitions so they never drift from the real options.

use clap::CommandFactory;

use crate::ExitStatus;
use crate::cli::Cli;
use crate::load::LoadError;

/// Prints the completion script for `shell`.
pub fn completions(shell: clap_complete::Shell) -> ExitStatus {
    let mut command = Cli::command();
    clap_complete::generate(shell, &mut command, "examkit", &mut std::io::stdout());
    ExitStatus::Success
}

/// Prints the manual page.
pub fn man() -> Result<ExitStatus, LoadError> {
    let page = clap_mangen::Man::new(Cli::command());
    page.render(&mut std::io::stdout())
        .map_err(|e| LoadError(format!("cannot write the manual page: {e}")))?;
    Ok(ExitStatus::Success)
}
