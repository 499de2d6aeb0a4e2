//! The command line, as clap parses it.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Check, lint and export certification study content.
#[derive(Debug, Parser)]
#[command(name = "examkit", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check content: YAML syntax, schemas, cross-references and item-writing rules.
    Check(CheckArgs),
    /// Print the rationale and an example of a diagnostic code.
    Explain {
        /// The code, e.g. `schema/required` or `item/all-of-the-above`.
        code: String,
    },
    /// List every diagnostic code with its default severity.
    Rules,
}

/// Output formats of `check`.
#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Annotated source snippets for people.
    Human,
    /// A JSON array with one object per diagnostic.
    Json,
    /// GitHub Actions workflow commands (annotations on pull requests).
    Github,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
}

/// What `--deny` can make fatal.
#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum Deny {
    /// Fail (exit 1) on warnings as well as errors.
    Warnings,
}

/// Arguments of `check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files or folders to check. Default: the content root found from the
    /// current folder (the nearest `examkit.toml`, else `content/`).
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human, env = "EXAMKIT_OUTPUT_FORMAT")]
    pub format: Format,
    /// Exit with 1 on warnings too.
    #[arg(long, value_enum)]
    pub deny: Option<Deny>,
    /// Write the report to this file (atomically) instead of standard output.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
}
