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
    Rules {
        /// Print the reference page (docs/rules.md) in Markdown instead.
        #[arg(long)]
        markdown: bool,
    },
    /// Count the content per domain, task, question type, difficulty and service,
    /// against the exam blueprint.
    #[command(alias = "coverage")]
    Stats(StatsArgs),
    /// Export the content for learners: an Anki deck, a CrowdAnki folder or the JSON bundle.
    Export(ExportArgs),
    /// Run the language server on standard input and output.
    Lsp,
    /// Print a shell completion script, e.g. `examkit completions bash > /etc/bash_completion.d/examkit`.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), e.g. `examkit man > examkit.1`.
    Man,
}

/// Output formats of `stats`.
#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum StatsFormat {
    /// Tables for people.
    Text,
    /// One JSON document.
    Json,
}

/// Arguments of `stats`.
#[derive(Debug, Args)]
pub struct StatsArgs {
    /// The content root. Default: found from the current folder.
    pub root: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = StatsFormat::Text)]
    pub format: StatsFormat,
}

/// What `export` writes.
#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// An Anki package (`.apkg`) that updates in place on re-import.
    Anki,
    /// A CrowdAnki folder (`deck.json` and `media/`), for decks kept in git.
    #[value(name = "crowdanki")]
    CrowdAnki,
    /// The JSON bundle described by `schema/export.schema.json`.
    Json,
}

/// Arguments of `export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// What to write.
    #[arg(value_enum)]
    pub format: ExportFormat,
    /// The content root. Default: found from the current folder.
    #[arg(long)]
    pub root: Option<PathBuf>,
    /// The output file (for crowdanki, a folder). Default:
    /// `dist/<exam id>.apkg`, `dist/<exam id>/` or `dist/<exam id>.json`.
    #[arg(long, short)]
    pub out: Option<PathBuf>,
    /// Only questions of these domains, e.g. `--domain 1` (repeatable).
    #[arg(long)]
    pub domain: Vec<String>,
    /// Only questions of these tasks, e.g. `--task 3.1` (repeatable).
    #[arg(long)]
    pub task: Vec<String>,
    /// Only questions with these tags (repeatable).
    #[arg(long)]
    pub tag: Vec<String>,
    /// Anki, CrowdAnki: neither read nor write `examkit.lock`; every note
    /// gets the time `SOURCE_DATE_EPOCH` (or now), so a re-import updates
    /// every note.
    #[arg(long, conflicts_with = "locked")]
    pub no_lock: bool,
    /// Anki, CrowdAnki: fail (exit 1) instead of changing `examkit.lock`
    /// when it is missing or out of date (for CI: the committed lock must
    /// be current).
    #[arg(long)]
    pub locked: bool,
    /// Print how long each step took (read, check, …) to standard error.
    #[arg(long)]
    pub timings: bool,
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
    /// Apply the fixes that findings carry, then report what remains.
    #[arg(long)]
    pub fix: bool,
    /// Report only files changed since this git revision (committed, staged
    /// or not), while cross-references still see the whole content root.
    #[arg(long, value_name = "REV")]
    pub changed_since: Option<String>,
    /// Print how long each step took (read, check, …) to standard error.
    #[arg(long)]
    pub timings: bool,
}
