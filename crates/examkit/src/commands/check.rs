//! `examkit check`.

use std::io::IsTerminal;
use std::path::Path;

use examkit_syntax::Severity;

use crate::ExitStatus;
use crate::cli::{CheckArgs, Deny, Format};
use crate::load::{LoadError, load};
use crate::output::write_output;
use crate::render::{FileView, Report, display_path, render};

/// Runs the check and prints (or writes) the report.
pub fn run(args: &CheckArgs, cwd: &Path) -> Result<ExitStatus, LoadError> {
    let roots = load(&args.paths, cwd)?;
    let mut files = Vec::new();
    let mut files_checked = 0;
    for root in &roots {
        if let Some(config) = &root.config_file
            && !config.diagnostics.is_empty()
        {
            files.push(FileView {
                display: display_path(&config.path, cwd),
                text: &config.text,
                line_index: &config.line_index,
                diagnostics: config.diagnostics.iter().collect(),
            });
        }
        let workspace = &root.analysis.workspace;
        for (i, file) in workspace.files.iter().enumerate() {
            if !root.requested[i] {
                continue;
            }
            files_checked += 1;
            let diagnostics = &root.analysis.diagnostics[i];
            if diagnostics.is_empty() {
                continue;
            }
            files.push(FileView {
                display: display_path(&file.path, cwd),
                text: &file.text,
                line_index: &file.line_index,
                diagnostics: diagnostics.iter().collect(),
            });
        }
    }
    let report = Report {
        files,
        files_checked,
        cwd,
    };
    let color = args.format == Format::Human
        && args.output.is_none()
        && std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none();
    let text = render(&report, args.format, color);
    match &args.output {
        Some(path) => write_output(path, text.as_bytes())
            .map_err(|e| LoadError(format!("cannot write {}: {e}", path.display())))?,
        None => print!("{text}"),
    }
    let errors = report.count(Severity::Error);
    let warnings = report.count(Severity::Warning);
    let failed = errors > 0 || (args.deny == Some(Deny::Warnings) && warnings > 0);
    Ok(if failed {
        ExitStatus::Findings
    } else {
        ExitStatus::Success
    })
}
