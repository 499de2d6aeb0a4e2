//! `examkit export anki|crowdanki|json`: the Anki package, the CrowdAnki
//! folder or the JSON bundle of the content root, refused when the content
//! has errors. The Anki and CrowdAnki exports write the same decks and
//! notes, and both keep `examkit.lock`.

use std::fs;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use clap::ValueEnum;
use examkit_export::anki::write_apkg;
use examkit_export::content::{Filter, Selection, select};
use examkit_export::deck::DeckBuild;
use examkit_export::lock::{LOCK_FILE, Lock, StampSummary, stamp_all};
use examkit_export::{crowdanki, deck, json};
use examkit_model::Workspace;
use examkit_syntax::Severity;
use rayon::prelude::*;

use crate::ExitStatus;
use crate::cli::{ExportArgs, ExportFormat, Format};
use crate::load::{Findings, LoadError, LoadedRoot, default_root, load_content_root};
use crate::output::write_output;
use crate::render::{FileView, Report, display_path, render};
use crate::timings::Timings;

/// Exports the content.
pub fn run(args: &ExportArgs, cwd: &Path) -> Result<ExitStatus, LoadError> {
    if args.format == ExportFormat::Json && (args.no_lock || args.locked) {
        return Err(LoadError(
            "--no-lock and --locked apply to `export anki` and `export crowdanki` only".to_owned(),
        ));
    }
    if args.format == ExportFormat::CrowdAnki && args.out.as_deref() == Some(Path::new("-")) {
        return Err(LoadError(
            "`export crowdanki` writes a folder; --out - (standard output) is for `export json` only"
                .to_owned(),
        ));
    }
    let root = match &args.root {
        Some(root) => root.clone(),
        None => default_root(cwd)?,
    };
    let mut timings = Timings::new(args.timings);
    let mut loaded = load_content_root(Some(&root), cwd, Findings::Errors, &mut timings)?;
    if refuse_errors(&loaded, cwd) {
        return Ok(ExitStatus::Findings);
    }
    free_syntax_trees(&mut loaded.analysis.workspace);
    timings.step("free");
    // The lock file sits at the content root: the folder of examkit.toml.
    let content_root = loaded
        .config_file
        .as_ref()
        .and_then(|c| c.path.parent().map(Path::to_path_buf))
        .unwrap_or(root);
    let filter = Filter {
        domains: args.domain.clone(),
        tasks: args.task.clone(),
        tags: args.tag.clone(),
    };
    let selection = select(&loaded.analysis.workspace, &filter)
        .map_err(|e| LoadError(format!("cannot export: {e}")))?;
    timings.step("select");
    let status = match args.format {
        ExportFormat::Json => {
            let status = export_json(args, cwd, &selection, &mut timings);
            drop(selection);
            // The process ends next: freeing the workspace's millions of
            // small allocations one by one would only delay the exit.
            std::mem::forget(loaded);
            status
        }
        ExportFormat::Anki | ExportFormat::CrowdAnki => {
            let built = build_stamped(args, cwd, &content_root, &selection, &mut timings);
            let exam_id = selection.exam.id.to_owned();
            drop(selection);
            // The notes own their text now, and the process ends soon after
            // the package is written. Freeing the workspace's millions of
            // small allocations meanwhile would take CPU time from
            // compressing the package for about 70 MB less peak memory.
            std::mem::forget(loaded);
            match built? {
                None => Ok(ExitStatus::Findings),
                Some((build, stamped)) if args.format == ExportFormat::Anki => {
                    write_anki(args, cwd, build, &exam_id, stamped, &mut timings)
                }
                Some((build, stamped)) => {
                    write_crowdanki(args, cwd, &build, &exam_id, stamped, &mut timings)
                }
            }
        }
    };
    timings.report();
    status
}

/// Frees every file's syntax tree, which nothing needs once the content is
/// checked: the notes are built from the typed entities. The notes and the
/// package reuse the memory (kept by [`crate::allocator::keep_freed_memory`]),
/// which takes a quarter off the peak for 100,000 questions at the same
/// speed.
fn free_syntax_trees(workspace: &mut Workspace) {
    workspace
        .files
        .par_iter_mut()
        .for_each(|file| drop(file.tree.take()));
}

fn errors_of(diagnostics: &[examkit_syntax::Diagnostic]) -> Vec<&examkit_syntax::Diagnostic> {
    diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect()
}

/// At most this many errors are shown when an export is refused; `check`
/// shows them all.
const MAX_SHOWN_ERRORS: usize = 50;

/// Prints the content's errors (as `check` does, errors only, the first
/// [`MAX_SHOWN_ERRORS`]) to standard error and returns true when there are
/// any.
fn refuse_errors(loaded: &LoadedRoot, cwd: &Path) -> bool {
    let mut files = Vec::new();
    if let Some(config) = &loaded.config_file {
        let errors = errors_of(&config.diagnostics);
        if !errors.is_empty() {
            files.push(FileView {
                display: display_path(&config.path, cwd),
                text: &config.text,
                line_index: &config.line_index,
                diagnostics: errors,
            });
        }
    }
    let workspace = &loaded.analysis.workspace;
    for (file, diagnostics) in workspace.files.iter().zip(&loaded.analysis.diagnostics) {
        let errors = errors_of(diagnostics);
        if !errors.is_empty() {
            files.push(FileView {
                display: display_path(&file.path, cwd),
                text: &file.text,
                line_index: &file.line_index,
                diagnostics: errors,
            });
        }
    }
    if files.is_empty() {
        return false;
    }
    let errors: usize = files.iter().map(|f| f.diagnostics.len()).sum();
    // Keep the first errors (files in path order, errors by position).
    let mut budget = MAX_SHOWN_ERRORS;
    for file in &mut files {
        file.diagnostics.truncate(budget);
        budget -= file.diagnostics.len();
    }
    files.retain(|f| !f.diagnostics.is_empty());
    let report = Report {
        files,
        files_checked: workspace.files.len(),
        cwd,
    };
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    eprint!("{}", render(&report, Format::Human, color));
    if errors > MAX_SHOWN_ERRORS {
        eprintln!(
            "({} more error{} not shown; `examkit check` lists them all)",
            errors - MAX_SHOWN_ERRORS,
            if errors - MAX_SHOWN_ERRORS == 1 {
                ""
            } else {
                "s"
            }
        );
    }
    eprintln!(
        "examkit: export refused: the content has {errors} error{}; fix {} and export again",
        if errors == 1 { "" } else { "s" },
        if errors == 1 { "it" } else { "them" }
    );
    true
}

/// `SOURCE_DATE_EPOCH` when set, else the clock, in seconds.
fn now() -> Result<i64, LoadError> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(value) => value
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|&secs| secs > 0)
            .ok_or_else(|| {
                LoadError(format!(
                    "SOURCE_DATE_EPOCH must be a positive number of seconds, not {value:?}"
                ))
            }),
        Err(_) => Ok(std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))),
    }
}

/// The output path: `--out`, else `dist/<exam id>.<ext>` under `cwd`.
fn output_path(args: &ExportArgs, cwd: &Path, exam_id: &str, ext: &str) -> PathBuf {
    match &args.out {
        Some(out) if out.is_absolute() => out.clone(),
        Some(out) => cwd.join(out),
        None => cwd.join("dist").join(format!("{exam_id}.{ext}")),
    }
}

fn create_parent(path: &Path) -> Result<(), LoadError> {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => fs::create_dir_all(parent)
            .map_err(|e| LoadError(format!("cannot create folder {}: {e}", parent.display()))),
        _ => Ok(()),
    }
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// The name of an export format on the command line.
fn format_name(format: ExportFormat) -> String {
    format
        .to_possible_value()
        .map_or_else(String::new, |v| v.get_name().to_owned())
}

/// What [`stamp_notes`] did with the lock: the note for the summary line,
/// and the updated lock when it changed, to be written alongside the
/// package.
struct Stamped {
    note: String,
    update: Option<LockUpdate>,
}

/// An updated `examkit.lock` and where it goes.
struct LockUpdate {
    lock: Lock,
    path: PathBuf,
}

impl LockUpdate {
    fn write(&self, cwd: &Path) -> Result<(), LoadError> {
        write_output(&self.path, self.lock.to_text().as_bytes()).map_err(|e| {
            LoadError(format!(
                "cannot write {}: {e}",
                display_path(&self.path, cwd)
            ))
        })
    }
}

/// Runs `write_package` while the lock update, if any, is written on
/// another thread (serialising 100,000 lock entries takes a core for a
/// while; writing the package rarely keeps both busy). Both are always
/// attempted: should the export fail, the next one reuses the lock's
/// times, which is harmless. The package's error comes first.
fn write_with_lock<T>(
    update: Option<&LockUpdate>,
    cwd: &Path,
    write_package: impl FnOnce() -> Result<T, LoadError>,
) -> Result<T, LoadError> {
    let Some(update) = update else {
        return write_package();
    };
    std::thread::scope(|scope| {
        let lock_written = scope.spawn(|| update.write(cwd));
        let package_written = write_package();
        let lock_written = lock_written.join().unwrap_or_else(|_| {
            Err(LoadError(format!(
                "cannot write {}: the writer stopped",
                display_path(&update.path, cwd)
            )))
        });
        let written = package_written?;
        lock_written.map(|()| written)
    })
}

/// Gives the notes of `build` their modification times from
/// `examkit.lock` (or `now` with `--no-lock`) and updates the lock in
/// memory. `None` when `--locked` finds the lock out of date (reported
/// here; nothing is written then).
fn stamp_notes(
    args: &ExportArgs,
    cwd: &Path,
    content_root: &Path,
    selection: &Selection<'_>,
    build: &mut DeckBuild,
) -> Result<Option<Stamped>, LoadError> {
    let now = now()?;
    if args.no_lock {
        stamp_all(&mut build.package.notes, now);
        return Ok(Some(Stamped {
            note: "no lock file".to_owned(),
            update: None,
        }));
    }
    let lock_path = content_root.join(LOCK_FILE);
    let mut lock = match fs::read_to_string(&lock_path) {
        Ok(text) => Lock::parse(&text).map_err(|e| {
            LoadError(format!(
                "cannot use {}: {e}\n  resolve it, or delete it to start over (every note then gets a new modification time)",
                display_path(&lock_path, cwd)
            ))
        })?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Lock::default(),
        Err(e) => {
            return Err(LoadError(format!(
                "cannot read {}: {e}",
                display_path(&lock_path, cwd)
            )));
        }
    };
    let hashes = std::mem::take(&mut build.hashes);
    let summary = lock.stamp_hashed(
        &mut build.package.notes,
        &build.sources,
        hashes,
        now,
        selection.filter.is_empty(),
    );
    if !summary.lock_changed() {
        return Ok(Some(Stamped {
            note: format!("{LOCK_FILE} unchanged"),
            update: None,
        }));
    }
    if args.locked {
        eprintln!(
            "examkit: {} is out of date ({}); run `examkit export {}` without --locked and commit it",
            display_path(&lock_path, cwd),
            describe(&summary),
            format_name(args.format)
        );
        return Ok(None);
    }
    Ok(Some(Stamped {
        note: format!("{}: {}", LOCK_FILE, describe(&summary)),
        update: Some(LockUpdate {
            lock,
            path: lock_path,
        }),
    }))
}

/// The decks and notes of `selection`, their modification times given by
/// [`stamp_notes`], and what became of the lock; `None`
/// when `--locked` finds the lock out of date.
fn build_stamped(
    args: &ExportArgs,
    cwd: &Path,
    content_root: &Path,
    selection: &Selection<'_>,
    timings: &mut Timings,
) -> Result<Option<(DeckBuild, Stamped)>, LoadError> {
    let mut build = deck::build(selection);
    timings.step("build");
    let stamped = stamp_notes(args, cwd, content_root, selection, &mut build)?;
    timings.step("lock");
    Ok(stamped.map(|stamped| (build, stamped)))
}

/// Writes the Anki package of `build`.
fn write_anki(
    args: &ExportArgs,
    cwd: &Path,
    build: DeckBuild,
    exam_id: &str,
    stamped: Stamped,
    timings: &mut Timings,
) -> Result<ExitStatus, LoadError> {
    let package = build.finish();
    let out = output_path(args, cwd, exam_id, "apkg");
    let written = write_with_lock(stamped.update.as_ref(), cwd, || {
        create_parent(&out)?;
        write_apkg(&package, &out)
            .map_err(|e| LoadError(format!("cannot write {}: {e}", display_path(&out, cwd))))
    })?;
    timings.step("write");
    // The process ends soon: freeing every note one by one would only
    // delay the exit.
    std::mem::forget(package);
    print_exported(
        written.notes,
        written.cards,
        written.decks,
        &out,
        cwd,
        &stamped.note,
    );
    // Like the package, the lock is left for the process's end to free.
    std::mem::forget(stamped);
    Ok(ExitStatus::Success)
}

/// Writes the CrowdAnki folder of `build`: the decks and notes of the Anki
/// package, as `deck.json` and `media/` in `--out` (default
/// `dist/<exam id>/`).
fn write_crowdanki(
    args: &ExportArgs,
    cwd: &Path,
    build: &DeckBuild,
    exam_id: &str,
    stamped: Stamped,
    timings: &mut Timings,
) -> Result<ExitStatus, LoadError> {
    let out = match &args.out {
        Some(out) if out.is_absolute() => out.clone(),
        Some(out) => cwd.join(out),
        None => cwd.join("dist").join(exam_id),
    };
    let (made, written) = write_with_lock(stamped.update.as_ref(), cwd, || {
        let cannot = |e: crowdanki::CrowdAnkiError| {
            LoadError(format!("cannot export to {}: {e}", display_path(&out, cwd)))
        };
        let made = crowdanki::deck(&build.package, &build.deck_sources, exam_id).map_err(cannot)?;
        let written = crowdanki::write_dir(&made, &out).map_err(cannot)?;
        Ok((made, written))
    })?;
    timings.step("write");
    let summary = made.summary();
    print_exported(
        summary.notes,
        summary.cards,
        summary.decks,
        &written,
        cwd,
        &stamped.note,
    );
    Ok(ExitStatus::Success)
}

/// The summary line of an Anki or CrowdAnki export.
fn print_exported(
    notes: usize,
    cards: usize,
    decks: usize,
    to: &Path,
    cwd: &Path,
    lock_note: &str,
) {
    println!(
        "exported {} ({}) in {} to {} ({lock_note})",
        plural(notes, "note"),
        plural(cards, "card"),
        plural(decks, "deck"),
        display_path(to, cwd)
    );
}

fn describe(summary: &StampSummary) -> String {
    format!(
        "{} new, {} changed, {} removed, {} unchanged",
        summary.added, summary.changed, summary.removed, summary.unchanged
    )
}

fn export_json(
    args: &ExportArgs,
    cwd: &Path,
    selection: &Selection<'_>,
    timings: &mut Timings,
) -> Result<ExitStatus, LoadError> {
    let bundle = json::bundle(selection);
    let bytes = json::to_vec(&bundle)
        .map_err(|e| LoadError(format!("cannot encode the JSON bundle: {e}")))?;
    timings.step("build");
    let summary = format!(
        "{} and {}",
        plural(bundle.questions.len(), "question"),
        plural(bundle.services.len(), "service")
    );
    if args.out.as_deref() == Some(Path::new("-")) {
        use std::io::Write;
        let mut stdout = std::io::stdout().lock();
        stdout
            .write_all(&bytes)
            .and_then(|()| stdout.flush())
            .map_err(|e| LoadError(format!("cannot write to standard output: {e}")))?;
        timings.step("write");
        eprintln!("exported {summary} to standard output");
        return Ok(ExitStatus::Success);
    }
    let out = output_path(args, cwd, selection.exam.id, "json");
    create_parent(&out)?;
    write_output(&out, &bytes)
        .map_err(|e| LoadError(format!("cannot write {}: {e}", display_path(&out, cwd))))?;
    timings.step("write");
    println!(
        "exported {summary} in {} to {}",
        plural(bundle.domains.iter().map(|d| d.tasks.len()).sum(), "task"),
        display_path(&out, cwd)
    );
    Ok(ExitStatus::Success)
}
