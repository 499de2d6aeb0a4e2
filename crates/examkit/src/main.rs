//! The `examkit` command: check, lint and export certification study content.

mod allocator;
mod cli;
mod commands;
mod load;
mod output;
mod render;
mod timings;

use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Command};

/// How a command ended, as an exit code.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum ExitStatus {
    /// 0: done, nothing to report (or only what does not fail).
    Success,
    /// 1: the content has errors (or warnings with `--deny warnings`).
    Findings,
    /// 2: the command could not do its work (usage, I/O, internal error).
    Failure,
}

impl From<ExitStatus> for ExitCode {
    fn from(status: ExitStatus) -> Self {
        match status {
            ExitStatus::Success => ExitCode::SUCCESS,
            ExitStatus::Findings => ExitCode::from(1),
            ExitStatus::Failure => ExitCode::from(2),
        }
    }
}

fn run(cli: &Cli) -> ExitStatus {
    let cwd = match std::env::current_dir() {
        Ok(cwd) => cwd,
        Err(error) => {
            eprintln!("examkit: cannot read the current folder: {error}");
            return ExitStatus::Failure;
        }
    };
    let result = match &cli.command {
        Command::Check(args) => commands::check::run(args, &cwd),
        Command::Explain { code } => commands::explain::explain(code),
        Command::Rules { markdown } => Ok(commands::explain::rules(*markdown)),
        Command::Stats(args) => commands::stats::run(args, &cwd),
        Command::Export(args) => commands::export::run(args, &cwd),
        Command::Lsp => commands::lsp::run(),
        Command::Completions { shell } => Ok(commands::docs::completions(*shell)),
        Command::Man => commands::docs::man(),
    };
    result.unwrap_or_else(|error| {
        eprintln!("examkit: {error}");
        ExitStatus::Failure
    })
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if matches!(cli.command, Command::Export(_)) {
        // Still the only thread, as this requires. An export frees the
        // syntax trees once the content is checked and builds the package
        // in that memory.
        allocator::keep_freed_memory();
    }
    // A defect must not end in a panic's exit code 101: report it and exit 2.
    std::panic::set_hook(Box::new(|info| {
        eprintln!(
            "examkit: internal error: {info}\nThis is a bug in examkit; please report it with the input that caused it."
        );
    }));
    match std::panic::catch_unwind(|| run(&cli)) {
        Ok(status) => status.into(),
        Err(_) => ExitStatus::Failure.into(),
    }
}
