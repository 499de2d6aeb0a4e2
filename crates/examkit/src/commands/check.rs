//! `examkit check`.

use std::io::IsTerminal;
use std::path::Path;

use examkit_syntax::Severity;

use crate::ExitStatus;
use crate::cli::{CheckArgs, Deny, Format};
use crate::load::{Findings, LoadError, load};
use crate::output::write_output;
use crate::render::{FileView, Report, display_path, render};
use crate::timings::Timings;

/// Runs the check and prints (or writes) the report.
pub fn run(args: &CheckArgs, cwd: &Path) -> Result<ExitStatus, LoadError> {
    let mut timings = Timings::new(args.timings);
    let mut roots = load(&args.paths, cwd, Findings::All, &mut timings)?;
    if args.fix {
        let fixed = apply_fixes(&roots)?;
        if fixed.edits > 0 {
            eprintln!(
                "Fixed {} problem{} in {} file{}.",
                fixed.edits,
                if fixed.edits == 1 { "" } else { "s" },
                fixed.files,
                if fixed.files == 1 { "" } else { "s" }
            );
            roots = load(&args.paths, cwd, Findings::All, &mut timings)?;
        }
    }
    let changed = match &args.changed_since {
        Some(rev) => Some(changed_files(rev, cwd)?),
        None => None,
    };
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
            if let Some(changed) = &changed {
                let absolute = cwd.join(&file.path);
                let absolute = absolute.canonicalize().unwrap_or(absolute);
                if !changed.contains(&absolute) {
                    continue;
                }
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
    drop(report);
    timings.step("report");
    timings.report();
    // The process ends next: freeing millions of small allocations one by
    // one would only delay the exit (about a tenth of a large check).
    std::mem::forget(roots);
    Ok(if failed {
        ExitStatus::Findings
    } else {
        ExitStatus::Success
    })
}

/// How much `--fix` changed.
struct Fixed {
    edits: usize,
    files: usize,
}

/// Applies every fix of the requested files' diagnostics. Edits that overlap
/// an edit already taken are left for a later run; each file is written
/// atomically.
fn apply_fixes(roots: &[crate::load::LoadedRoot]) -> Result<Fixed, LoadError> {
    let mut fixed = Fixed { edits: 0, files: 0 };
    for root in roots {
        let workspace = &root.analysis.workspace;
        for (i, file) in workspace.files.iter().enumerate() {
            if !root.requested[i] {
                continue;
            }
            let mut edits: Vec<&examkit_syntax::Edit> = root.analysis.diagnostics[i]
                .iter()
                .filter_map(|d| d.fix.as_ref())
                .flat_map(|f| &f.edits)
                .collect();
            if edits.is_empty() {
                continue;
            }
            edits.sort_by_key(|e| std::cmp::Reverse((e.range.start(), e.range.end())));
            let mut text = file.text.clone();
            let mut floor = u32::MAX;
            let mut applied = 0;
            for edit in edits {
                if edit.range.end() > floor || (edit.range.is_empty() && edit.range.end() == floor)
                {
                    continue;
                }
                text.replace_range(edit.range.to_usize(), &edit.replacement);
                floor = edit.range.start();
                applied += 1;
            }
            write_output(&file.path, text.as_bytes())
                .map_err(|e| LoadError(format!("cannot write {}: {e}", file.path.display())))?;
            fixed.edits += applied;
            fixed.files += 1;
        }
    }
    Ok(fixed)
}

/// The files git reports as changed since `rev` (committed, staged or in
/// the working tree) plus untracked ones, as canonical paths.
fn changed_files(
    rev: &str,
    cwd: &Path,
) -> Result<std::collections::BTreeSet<std::path::PathBuf>, LoadError> {
    let git = |args: &[&str]| -> Result<String, LoadError> {
        let output = std::process::Command::new("git")
            .args(args)
            .current_dir(cwd)
            .output()
            .map_err(|e| LoadError(format!("--changed-since needs git: {e}")))?;
        if !output.status.success() {
            return Err(LoadError(format!(
                "git {} failed: {}",
                args.join(" "),
                String::from_utf8_lossy(&output.stderr).trim()
            )));
        }
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    };
    let top = git(&["rev-parse", "--show-toplevel"])?;
    let top = Path::new(top.trim());
    let mut names = git(&["diff", "--name-only", "--no-renames", rev, "--"])?;
    names.push_str(&git(&["ls-files", "--others", "--exclude-standard"])?);
    Ok(names
        .lines()
        .filter(|l| !l.is_empty())
        .map(|l| {
            let path = top.join(l);
            path.canonicalize().unwrap_or(path)
        })
        .collect())
}
