//! Finding content roots and files on disk, and loading them into analysed
//! workspaces. The only module of the CLI that reads content from disk.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use examkit_check::config::{CONFIG_FILE, Config};
use examkit_check::discover::{NestedRoots, content_files};
use examkit_check::{Analysis, analyse, analyse_for_errors};
use examkit_model::{SourceFile, Workspace};
use examkit_syntax::{Diagnostic, LineIndex};
use rayon::prelude::*;

use crate::timings::Timings;

/// A failure that stops a command (exit code 2).
#[derive(Debug)]
pub struct LoadError(pub String);

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The configuration file of a root, with its own diagnostics.
#[derive(Debug)]
pub struct ConfigFile {
    /// Its path.
    pub path: Arc<Path>,
    /// Its text.
    pub text: String,
    /// Its line index.
    pub line_index: LineIndex,
    /// Problems in it.
    pub diagnostics: Vec<Diagnostic>,
}

/// One content root, analysed.
#[derive(Debug)]
pub struct LoadedRoot {
    /// Its configuration file, when it has one.
    pub config_file: Option<ConfigFile>,
    /// The analysis of every content file under it.
    pub analysis: Analysis,
    /// Which files were asked for (the others are loaded for their ids).
    pub requested: Vec<bool>,
}

/// The content root for the current folder: the nearest folder upwards with
/// an `examkit.toml`, else `./content`.
pub fn default_root(cwd: &Path) -> Result<PathBuf, LoadError> {
    if let Some(root) = cwd.ancestors().find(|dir| dir.join(CONFIG_FILE).is_file()) {
        return Ok(root.to_path_buf());
    }
    let content = cwd.join("content");
    if content.is_dir() {
        return Ok(content);
    }
    Err(LoadError(format!(
        "no content found: neither an {CONFIG_FILE} in {} or a folder above it, nor a content/ folder; name the files or folders to check",
        cwd.display()
    )))
}

/// `path` without `.` components, so `./questions/a.yaml` and
/// `questions/a.yaml` name the same file.
fn clean(path: &Path) -> PathBuf {
    path.components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .collect()
}

/// Every content file under `dir` (see [`content_files`]); an unreadable
/// folder is an error.
fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), LoadError> {
    let (files, errors) = content_files(dir, NestedRoots::Enter);
    if let Some((folder, e)) = errors.first() {
        return Err(LoadError(format!(
            "cannot read folder {}: {e}",
            folder.display()
        )));
    }
    out.extend(files.iter().map(|f| clean(f)));
    Ok(())
}

/// The content root a file belongs to: the nearest folder upwards with an
/// `examkit.toml`, else `fallback`.
fn root_of(path: &Path, fallback: &Path) -> PathBuf {
    let root = path
        .ancestors()
        .skip(1)
        .find(|dir| dir.join(CONFIG_FILE).is_file())
        .unwrap_or(fallback);
    // `questions/x.yaml` has the empty path as its last ancestor: the
    // current folder.
    if root.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        root.to_path_buf()
    }
}

/// Which findings a command needs from the analysis.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Findings {
    /// Every finding: errors, warnings and notes.
    All,
    /// Errors only (a gate such as export): rules that cannot report an
    /// error under the configuration do not run.
    Errors,
}

/// Loads the content under `paths` (or the default root), grouped by
/// content root. Every file of a root is analysed, so cross-references see
/// the whole root; only the files under `paths` are marked requested.
pub fn load(
    paths: &[PathBuf],
    cwd: &Path,
    findings: Findings,
    timings: &mut Timings,
) -> Result<Vec<LoadedRoot>, LoadError> {
    let paths = if paths.is_empty() {
        vec![default_root(cwd)?]
    } else {
        paths.to_vec()
    };
    let mut requested: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
    for path in &paths {
        let meta = fs::metadata(path)
            .map_err(|e| LoadError(format!("cannot read {}: {e}", path.display())))?;
        if meta.is_dir() {
            let mut files = Vec::new();
            walk(path, &mut files)?;
            for file in files {
                let root = root_of(&file, path);
                requested.entry(root).or_default().push(file);
            }
        } else {
            let fallback = path.parent().unwrap_or(Path::new(""));
            let root = root_of(path, fallback);
            requested.entry(root).or_default().push(clean(path));
        }
    }
    requested
        .into_iter()
        .map(|(root, files)| load_root(&root, &files, findings, timings))
        .collect()
}

fn load_root(
    root: &Path,
    requested_files: &[PathBuf],
    findings: Findings,
    timings: &mut Timings,
) -> Result<LoadedRoot, LoadError> {
    let config_path = root.join(CONFIG_FILE);
    let has_config = config_path.is_file();
    let mut files = Vec::new();
    if has_config {
        walk(root, &mut files)?;
    }
    for file in requested_files {
        if !files.contains(file) {
            files.push(file.clone());
        }
    }
    let sources: Vec<SourceFile> = files
        .par_iter()
        .map(|path| {
            let shared: Arc<Path> = Arc::from(path.as_path());
            match fs::read(path) {
                Ok(bytes) => SourceFile::from_bytes(shared, &bytes),
                Err(error) => SourceFile::unreadable(shared, &error),
            }
        })
        .collect();
    let workspace = Workspace::new(sources);
    timings.step("read");
    let (config, config_file) = if has_config {
        let text = fs::read_to_string(&config_path)
            .map_err(|e| LoadError(format!("cannot read {}: {e}", config_path.display())))?;
        let (config, diagnostics) = Config::parse(&text);
        let file = ConfigFile {
            path: Arc::from(config_path.as_path()),
            line_index: LineIndex::new(&text),
            text,
            diagnostics,
        };
        (config, Some(file))
    } else {
        (Config::default(), None)
    };
    let relative_paths: Vec<String> = workspace
        .files
        .iter()
        .map(|f| {
            f.path
                .strip_prefix(root)
                .unwrap_or(&f.path)
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    let requested: Vec<bool> = workspace
        .files
        .iter()
        .map(|f| {
            requested_files
                .iter()
                .any(|r| r.as_path() == f.path.as_ref())
        })
        .collect();
    let relative = |i: usize| relative_paths[i].clone();
    let analysis = match findings {
        Findings::All => analyse(workspace, &config, &relative),
        Findings::Errors => analyse_for_errors(workspace, &config, &relative),
    };
    timings.step("check");
    Ok(LoadedRoot {
        config_file,
        analysis,
        requested,
    })
}

/// Loads one content root: `root` if given, else the default root. Fails
/// when the path holds no content root.
pub fn load_content_root(
    root: Option<&Path>,
    cwd: &Path,
    findings: Findings,
    timings: &mut Timings,
) -> Result<LoadedRoot, LoadError> {
    let root = match root {
        Some(root) => root.to_path_buf(),
        None => default_root(cwd)?,
    };
    let mut roots = load(std::slice::from_ref(&root), cwd, findings, timings)?;
    match roots.len() {
        1 => Ok(roots.remove(0)),
        0 => Err(LoadError(format!(
            "no content files under {}",
            root.display()
        ))),
        n => Err(LoadError(format!(
            "{} holds {n} content roots; name one of them",
            root.display()
        ))),
    }
}
