//! The analysis engine: one thread that owns every content root's workspace,
//! loads files from disk, analyses with `examkit_check::analyse` (the same
//! analysis as `examkit check`), publishes the diagnostics that changed and
//! installs a new read model for requests.
//!
//! Jobs arrive in the order the client sent its notifications. The engine
//! takes every job queued, applies them all, and analyses only the newest
//! state: a newer edit supersedes an older one. When newer edits arrive
//! while changed files are being parsed, it starts over with them (bounded,
//! so that a fast typist still sees diagnostics).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use examkit_check::config::{CONFIG_FILE, Config};
use examkit_check::discover::{NestedRoots, content_files, is_content_file};
use examkit_check::{Memo, analyse_memoised};
use examkit_model::entities::Entity;
use examkit_model::{SourceFile, Workspace};
use examkit_syntax::{Diagnostic, LineIndex};
use rayon::prelude::*;
use ropey::Rope;
use tower_lsp_server::ls_types::{self as lsp, Location, MessageType, Uri};

use crate::convert::{self, TextView};
use crate::documents::text_of;
use crate::incremental;
use crate::snapshot::{FileSummary, QuestionOutline, ReadModel, RootSnapshot, Settings};

/// A change the engine must take into account.
#[derive(Debug)]
pub enum Job {
    /// Load the content roots of these workspace folders.
    AddFolders(Vec<PathBuf>),
    /// Forget the content roots under these folders.
    RemoveFolders(Vec<PathBuf>),
    /// An open document's text (on open and after every change).
    Document {
        /// Its path.
        path: PathBuf,
        /// The client's URI.
        uri: Uri,
        /// The client's version.
        version: i32,
        /// The text.
        rope: Rope,
    },
    /// The client closed a document: the file on disk counts again.
    Closed(PathBuf),
    /// Files changed on disk (created, changed or deleted).
    OnDisk(Vec<PathBuf>),
}

/// What the engine sends to the client, in order.
#[derive(Debug)]
pub enum Outgoing {
    /// `textDocument/publishDiagnostics`.
    Publish {
        /// The document.
        uri: Uri,
        /// Its diagnostics.
        diagnostics: Vec<lsp::Diagnostic>,
        /// The version they are for.
        version: Option<i32>,
    },
    /// `window/showMessage`.
    Show(MessageType, String),
    /// `window/logMessage`.
    Log(MessageType, String),
}

/// The sending side of the engine's queue.
#[derive(Clone, Debug)]
pub struct EngineHandle {
    tx: Sender<Job>,
    queued: Arc<AtomicUsize>,
}

impl EngineHandle {
    /// Queues a job. Never blocks.
    pub fn send(&self, job: Job) {
        self.queued.fetch_add(1, Ordering::SeqCst);
        if self.tx.send(job).is_err() {
            self.queued.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

/// Starts the engine thread.
pub fn start(
    settings: Settings,
    model: Arc<RwLock<Arc<ReadModel>>>,
    out: tokio::sync::mpsc::UnboundedSender<Outgoing>,
) -> EngineHandle {
    let (tx, rx) = channel();
    let queued = Arc::new(AtomicUsize::new(0));
    let mut engine = Engine {
        rx,
        queued: queued.clone(),
        settings,
        model,
        out,
        roots: BTreeMap::new(),
        open: HashMap::new(),
        folders: Vec::new(),
    };
    let spawned = std::thread::Builder::new()
        .name("examkit-analysis".to_owned())
        .spawn(move || engine.run());
    if let Err(error) = spawned {
        eprintln!("examkit lsp: cannot start the analysis thread: {error}");
    }
    EngineHandle { tx, queued }
}

/// The open documents: URI, version and text by path.
type OpenDocs = HashMap<PathBuf, (Uri, i32, Rope)>;

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum RootKey {
    /// A folder with an `examkit.toml`.
    Content(PathBuf),
    /// One open file outside every content root (checked alone, as
    /// `examkit check FILE` does).
    Loose(PathBuf),
}

#[derive(Debug)]
struct ConfigFile {
    path: PathBuf,
    text: String,
    line_index: LineIndex,
    diagnostics: Vec<Diagnostic>,
}

#[derive(Debug, Default)]
struct Published {
    version: Option<i32>,
    diagnostics: Vec<Diagnostic>,
}

#[derive(Debug)]
struct RootState {
    dir: PathBuf,
    config: Config,
    config_file: Option<ConfigFile>,
    config_published: bool,
    workspace: Workspace,
    /// Files to read again (from the editor or the disk).
    dirty: BTreeSet<PathBuf>,
    /// Files rebuilt since the last analysis.
    fresh: BTreeSet<PathBuf>,
    needs_analysis: bool,
    published: HashMap<PathBuf, Published>,
    summaries: BTreeMap<Arc<Path>, Arc<FileSummary>>,
    /// Findings of the last analysis, so the next checks only what changed.
    memo: Memo,
}

struct Engine {
    rx: Receiver<Job>,
    queued: Arc<AtomicUsize>,
    settings: Settings,
    model: Arc<RwLock<Arc<ReadModel>>>,
    out: tokio::sync::mpsc::UnboundedSender<Outgoing>,
    roots: BTreeMap<RootKey, RootState>,
    open: OpenDocs,
    folders: Vec<PathBuf>,
}

/// Whether to print timings to standard error (`EXAMKIT_LSP_TRACE=1`).
pub(crate) fn trace() -> bool {
    static TRACE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *TRACE.get_or_init(|| std::env::var_os("EXAMKIT_LSP_TRACE").is_some())
}

/// How long newer edits may keep postponing an analysis.
const MAX_POSTPONE: Duration = Duration::from_millis(150);

fn is_config(path: &Path) -> bool {
    path.file_name().and_then(|n| n.to_str()) == Some(CONFIG_FILE)
}

/// Folders holding an `examkit.toml` under `dir` (bounded depth).
fn find_roots(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) {
    if dir.join(CONFIG_FILE).is_file() {
        out.push(dir.to_path_buf());
    }
    if depth == 0 {
        return;
    }
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let mut dirs: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            !name.starts_with('.') && name != "node_modules" && name != "target"
        })
        .map(|e| e.path())
        .collect();
    dirs.sort();
    for sub in dirs {
        find_roots(&sub, depth - 1, out);
    }
}

impl Engine {
    fn run(&mut self) {
        loop {
            let job = match self.rx.recv() {
                Ok(job) => {
                    self.queued.fetch_sub(1, Ordering::SeqCst);
                    job
                }
                Err(_) => return,
            };
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                self.apply(job);
                self.cycle();
            }));
            if result.is_err() {
                self.send(Outgoing::Show(
                    MessageType::ERROR,
                    "examkit: internal error while analysing; diagnostics may be stale until the next change. Please report it.".to_owned(),
                ));
                // Start from a clean slate: every file is read again.
                for root in self.roots.values_mut() {
                    let paths: Vec<PathBuf> = root
                        .workspace
                        .files
                        .iter()
                        .map(|f| f.path.to_path_buf())
                        .collect();
                    root.dirty.extend(paths);
                    root.needs_analysis = true;
                }
            }
        }
    }

    fn send(&self, message: Outgoing) {
        let _ = self.out.send(message);
    }

    /// Takes every job queued now.
    fn drain(&mut self) -> bool {
        let mut any = false;
        while let Ok(job) = self.rx.try_recv() {
            self.queued.fetch_sub(1, Ordering::SeqCst);
            self.apply(job);
            any = true;
        }
        any
    }

    fn cycle(&mut self) {
        let started = Instant::now();
        self.drain();
        loop {
            let timer = Instant::now();
            self.rebuild_dirty();
            if trace() {
                eprintln!(
                    "examkit lsp: read+parse+validate {:.1} ms",
                    timer.elapsed().as_secs_f64() * 1e3
                );
            }
            if self.queued.load(Ordering::SeqCst) > 0 && started.elapsed() < MAX_POSTPONE {
                // Newer edits arrived while parsing: they supersede this state.
                self.drain();
                continue;
            }
            break;
        }
        let keys: Vec<RootKey> = self
            .roots
            .iter()
            .filter(|(_, r)| r.needs_analysis)
            .map(|(k, _)| k.clone())
            .collect();
        for key in &keys {
            self.analyse_root(key);
        }
    }

    fn apply(&mut self, job: Job) {
        match job {
            Job::AddFolders(folders) => {
                for folder in folders {
                    let mut found = Vec::new();
                    if let Some(above) = folder
                        .ancestors()
                        .skip(1)
                        .find(|d| d.join(CONFIG_FILE).is_file())
                    {
                        found.push(above.to_path_buf());
                    }
                    find_roots(&folder, 8, &mut found);
                    for dir in found {
                        self.ensure_root(&dir);
                    }
                    self.folders.push(folder);
                }
            }
            Job::RemoveFolders(folders) => {
                self.folders.retain(|f| !folders.contains(f));
                let doomed: Vec<RootKey> = self
                    .roots
                    .keys()
                    .filter(|k| match k {
                        RootKey::Content(dir) => {
                            folders.iter().any(|f| dir.starts_with(f))
                                && !self.folders.iter().any(|f| dir.starts_with(f))
                                && !self.open.keys().any(|p| p.starts_with(dir))
                        }
                        RootKey::Loose(_) => false,
                    })
                    .cloned()
                    .collect();
                for key in doomed {
                    self.drop_root(&key);
                }
            }
            Job::Document {
                path,
                uri,
                version,
                rope,
            } => {
                self.open.insert(path.clone(), (uri, version, rope));
                if is_config(&path) {
                    self.config_changed(&path);
                    return;
                }
                let key = self.root_for(&path);
                if let Some(root) = self.roots.get_mut(&key) {
                    root.dirty.insert(path);
                }
            }
            Job::Closed(path) => {
                self.open.remove(&path);
                if is_config(&path) {
                    self.config_changed(&path);
                    return;
                }
                let loose = RootKey::Loose(path.clone());
                if self.roots.contains_key(&loose) {
                    self.drop_root(&loose);
                } else if let Some(key) = self.content_root_of(&path)
                    && let Some(root) = self.roots.get_mut(&key)
                {
                    root.dirty.insert(path);
                }
            }
            Job::OnDisk(paths) => {
                for path in paths {
                    if is_config(&path) {
                        self.config_changed(&path);
                    } else if is_content_file(&path)
                        && !self.open.contains_key(&path)
                        && let Some(key) = self.content_root_of(&path)
                        && let Some(root) = self.roots.get_mut(&key)
                    {
                        root.dirty.insert(path);
                    }
                }
            }
        }
    }

    /// The known content root nearest above `path`.
    fn content_root_of(&self, path: &Path) -> Option<RootKey> {
        path.ancestors()
            .skip(1)
            .map(|d| RootKey::Content(d.to_path_buf()))
            .find(|k| self.roots.contains_key(k))
    }

    /// The root an open document belongs to: the nearest folder above it
    /// with an `examkit.toml` (loaded now if it is new), else the file alone.
    fn root_for(&mut self, path: &Path) -> RootKey {
        for dir in path.ancestors().skip(1) {
            let key = RootKey::Content(dir.to_path_buf());
            if self.roots.contains_key(&key) {
                return key;
            }
            if dir.join(CONFIG_FILE).is_file() {
                self.ensure_root(dir);
                return key;
            }
        }
        let key = RootKey::Loose(path.to_path_buf());
        if !self.roots.contains_key(&key) {
            let dir = path.parent().unwrap_or(Path::new("/")).to_path_buf();
            let mut state = new_root(dir);
            state.dirty.insert(path.to_path_buf());
            self.roots.insert(key.clone(), state);
        }
        key
    }

    fn ensure_root(&mut self, dir: &Path) {
        let key = RootKey::Content(dir.to_path_buf());
        if self.roots.contains_key(&key) {
            return;
        }
        let mut state = new_root(dir.to_path_buf());
        // Unreadable folders are skipped: their files cannot be analysed.
        let (mut files, _unreadable) = content_files(dir, NestedRoots::Skip);
        // Open documents under the root that were checked alone join it.
        let loose: Vec<RootKey> = self
            .roots
            .keys()
            .filter(|k| matches!(k, RootKey::Loose(p) if p.starts_with(dir)))
            .cloned()
            .collect();
        for k in loose {
            if let RootKey::Loose(p) = &k {
                if !files.contains(p) {
                    files.push(p.clone());
                }
                // Its diagnostics are published again by the new root.
                self.roots.remove(&k);
            }
        }
        let open = &self.open;
        let sources: Vec<SourceFile> = files
            .par_iter()
            .map(|path| read_source(open, path))
            .collect();
        state.workspace = Workspace::new(sources);
        self.send(Outgoing::Log(
            MessageType::INFO,
            format!(
                "examkit: content root {} ({} files)",
                dir.display(),
                files.len()
            ),
        ));
        state.fresh = files.into_iter().collect();
        state.needs_analysis = true;
        self.roots.insert(key, state);
        self.load_config(dir);
    }

    fn drop_root(&mut self, key: &RootKey) {
        let Some(root) = self.roots.remove(key) else {
            return;
        };
        for (path, published) in &root.published {
            if !published.diagnostics.is_empty() && !self.open.contains_key(path) {
                self.clear(path);
            }
        }
        if let Some(config) = &root.config_file
            && root.config_published
        {
            self.clear(&config.path);
        }
        // Open documents of a dropped content root are checked alone.
        if matches!(key, RootKey::Content(_)) {
            let paths: Vec<PathBuf> = self
                .open
                .keys()
                .filter(|p| p.starts_with(&root.dir) && !is_config(p))
                .cloned()
                .collect();
            for path in paths {
                let key = self.root_for(&path);
                if let Some(r) = self.roots.get_mut(&key) {
                    r.dirty.insert(path);
                }
            }
        } else if let RootKey::Loose(path) = key {
            self.clear(path);
        }
        self.install_model();
    }

    fn clear(&self, path: &Path) {
        if let Some(uri) = self.uri_of(path) {
            self.send(Outgoing::Publish {
                uri,
                diagnostics: Vec::new(),
                version: None,
            });
        }
    }

    fn uri_of(&self, path: &Path) -> Option<Uri> {
        match self.open.get(path) {
            Some((uri, _, _)) => Some(uri.clone()),
            None => convert::uri_of(path),
        }
    }

    fn config_changed(&mut self, path: &Path) {
        let Some(dir) = path.parent() else {
            return;
        };
        let key = RootKey::Content(dir.to_path_buf());
        let exists = self.open.contains_key(path) || path.is_file();
        match (self.roots.contains_key(&key), exists) {
            (true, true) => self.load_config(dir),
            (true, false) => self.drop_root(&key),
            (false, true) => self.ensure_root(dir),
            (false, false) => {}
        }
    }

    fn load_config(&mut self, dir: &Path) {
        let path = dir.join(CONFIG_FILE);
        let text = match self.open.get(&path) {
            Some((_, _, rope)) => Some(text_of(rope)),
            None => fs::read_to_string(&path).ok(),
        };
        let Some(root) = self.roots.get_mut(&RootKey::Content(dir.to_path_buf())) else {
            return;
        };
        let (config, file) = match text {
            Some(text) => {
                let (config, diagnostics) = Config::parse(&text);
                let line_index = LineIndex::new(&text);
                (
                    config,
                    Some(ConfigFile {
                        path,
                        text,
                        line_index,
                        diagnostics,
                    }),
                )
            }
            None => (Config::default(), None),
        };
        root.config = config;
        root.config_file = file;
        root.needs_analysis = true;
        // Every file is published again: severities may have changed.
        let all: Vec<PathBuf> = root
            .workspace
            .files
            .iter()
            .map(|f| f.path.to_path_buf())
            .collect();
        root.fresh.extend(all);
    }

    /// Reads and analyses every dirty file on its own, and puts it into
    /// (or takes it out of) its workspace.
    fn rebuild_dirty(&mut self) {
        let keys: Vec<RootKey> = self
            .roots
            .iter()
            .filter(|(_, r)| !r.dirty.is_empty())
            .map(|(k, _)| k.clone())
            .collect();
        for key in keys {
            let Some(root) = self.roots.get_mut(&key) else {
                continue;
            };
            let dirty: Vec<PathBuf> = std::mem::take(&mut root.dirty).into_iter().collect();
            let open = &self.open;
            let exists = |p: &PathBuf| open.contains_key(p) || p.is_file();
            let (present, gone): (Vec<PathBuf>, Vec<PathBuf>) = dirty.into_iter().partition(exists);
            // A large open file edited inside one question keeps the
            // analysis of its other questions (see `incremental`).
            let previous: Vec<Option<SourceFile>> = present
                .iter()
                .map(|p| {
                    if !open.contains_key(p) {
                        return None;
                    }
                    let index = root.workspace.file_index(p)?;
                    if root.workspace.files[index].text.len() < incremental::MIN_SIZE {
                        return None;
                    }
                    let placeholder = SourceFile::unreadable(
                        Arc::from(p.as_path()),
                        &std::io::Error::other("being analysed again"),
                    );
                    Some(std::mem::replace(
                        &mut root.workspace.files[index],
                        placeholder,
                    ))
                })
                .collect();
            let sources: Vec<SourceFile> = present
                .par_iter()
                .zip(previous)
                .map(|(p, old)| match open.get(p) {
                    Some((_, _, rope)) => incremental::analyse(old, p, text_of(rope)),
                    None => read_source(open, p),
                })
                .collect();
            for path in &gone {
                root.workspace.remove(path);
            }
            if sources.len() > 4 {
                let mut files = std::mem::take(&mut root.workspace.files);
                files.retain(|f| !present.iter().any(|p| p.as_path() == f.path.as_ref()));
                files.extend(sources);
                root.workspace = Workspace::new(files);
            } else {
                for source in sources {
                    root.workspace.upsert(source);
                }
            }
            root.fresh.extend(present);
            root.fresh.extend(gone);
            root.needs_analysis = true;
        }
    }

    fn analyse_root(&mut self, key: &RootKey) {
        let settings = self.settings.clone();
        let Some(root) = self.roots.get_mut(key) else {
            return;
        };
        root.needs_analysis = false;
        let dir = root.dir.clone();
        let workspace = std::mem::take(&mut root.workspace);
        let relative: Vec<String> = workspace
            .files
            .iter()
            .map(|f| {
                f.path
                    .strip_prefix(&dir)
                    .unwrap_or(&f.path)
                    .to_string_lossy()
                    .replace('\\', "/")
            })
            .collect();
        let timer = Instant::now();
        let analysis = analyse_memoised(
            workspace,
            &root.config,
            &|i| relative.get(i).cloned().unwrap_or_default(),
            &root.memo,
        );
        root.workspace = analysis.workspace;
        let analysed = timer.elapsed();
        let fresh = std::mem::take(&mut root.fresh);
        let mut outgoing = Vec::new();
        let mut seen = BTreeSet::new();
        // Diagnostics of every file: publish those that changed (and those
        // of a document whose version changed, so the client knows they are
        // current).
        let mut new_published = HashMap::new();
        for (file, diagnostics) in root.workspace.files.iter().zip(analysis.diagnostics) {
            let path = file.path.to_path_buf();
            seen.insert(path.clone());
            let version = self.open.get(&path).map(|(_, v, _)| *v);
            let previous = root.published.remove(&path).unwrap_or_default();
            let changed = previous.diagnostics != diagnostics
                || (previous.version != version && version.is_some());
            if changed {
                let uri = match self.open.get(&path) {
                    Some((uri, _, _)) => Some(uri.clone()),
                    None => convert::uri_of(&path),
                };
                if let Some(uri) = uri {
                    let view = TextView {
                        text: &file.text,
                        index: &file.line_index,
                    };
                    let files = &root.workspace;
                    let open = &self.open;
                    let related = |p: &Path, r| related_location(files, open, p, r, &settings);
                    let lsp_diagnostics = diagnostics
                        .iter()
                        .map(|d| {
                            convert::diagnostic(
                                d,
                                &uri,
                                view,
                                settings.encoding,
                                settings.related_information,
                                &related,
                            )
                        })
                        .collect();
                    outgoing.push(Outgoing::Publish {
                        uri,
                        diagnostics: lsp_diagnostics,
                        version,
                    });
                }
            }
            new_published.insert(
                path,
                Published {
                    version,
                    diagnostics,
                },
            );
        }
        // Files that left the workspace: clear what was published for them.
        for (path, previous) in root.published.drain() {
            if !previous.diagnostics.is_empty()
                && let Some(uri) = convert::uri_of(&path)
            {
                outgoing.push(Outgoing::Publish {
                    uri,
                    diagnostics: Vec::new(),
                    version: None,
                });
            }
        }
        root.published = new_published;
        // The configuration file's own findings.
        if let Some(config) = &root.config_file {
            let has = !config.diagnostics.is_empty();
            if (has || root.config_published)
                && let Some(uri) = convert::uri_of(&config.path)
            {
                let view = TextView {
                    text: &config.text,
                    index: &config.line_index,
                };
                let diagnostics = config
                    .diagnostics
                    .iter()
                    .map(|d| {
                        convert::diagnostic(d, &uri, view, settings.encoding, false, &|_, _| None)
                    })
                    .collect();
                outgoing.push(Outgoing::Publish {
                    uri,
                    diagnostics,
                    version: None,
                });
                root.config_published = has;
            }
        }
        // Summaries for requests: rebuilt for the files that changed.
        root.summaries.retain(|p, _| seen.contains(p.as_ref()));
        for file in &root.workspace.files {
            let path = file.path.to_path_buf();
            if !fresh.contains(&path) && root.summaries.contains_key(&file.path) {
                // Unchanged text: only the diagnostics may have moved on.
                if let Some(summary) = root.summaries.get_mut(&file.path)
                    && let Some(published) = root.published.get(&path)
                    && summary.diagnostics != published.diagnostics
                {
                    let mut updated = summarise(file, &self.open, &published.diagnostics);
                    updated.version = summary.version;
                    *summary = Arc::new(updated);
                }
                continue;
            }
            let diagnostics = root
                .published
                .get(&path)
                .map(|p| p.diagnostics.as_slice())
                .unwrap_or_default();
            root.summaries.insert(
                file.path.clone(),
                Arc::new(summarise(file, &self.open, diagnostics)),
            );
        }
        // Requests see the new state before the client hears of it, so a
        // request sent after a publish never sees older data.
        self.install_model();
        if trace() {
            eprintln!(
                "examkit lsp: analyse {:.1} ms, publish+summaries {:.1} ms, {} messages",
                analysed.as_secs_f64() * 1e3,
                (timer.elapsed() - analysed).as_secs_f64() * 1e3,
                outgoing.len()
            );
        }
        for message in outgoing {
            let _ = self.out.send(message);
        }
    }

    fn install_model(&self) {
        let roots = self
            .roots
            .values()
            .map(|root| {
                Arc::new(RootSnapshot {
                    files: root.summaries.clone(),
                    order: root
                        .workspace
                        .files
                        .iter()
                        .map(|f| f.path.clone())
                        .collect(),
                    index: root.workspace.index.clone(),
                })
            })
            .collect();
        let model = Arc::new(ReadModel { roots });
        match self.model.write() {
            Ok(mut slot) => *slot = model,
            Err(poisoned) => *poisoned.into_inner() = model,
        }
    }
}

/// Analyses one file: the editor's text when it is open, else the disk's.
fn read_source(open: &OpenDocs, path: &Path) -> SourceFile {
    let shared: Arc<Path> = Arc::from(path);
    match open.get(path) {
        Some((_, _, rope)) => SourceFile::from_text(shared, text_of(rope)),
        None => match fs::read(path) {
            Ok(bytes) => SourceFile::from_bytes(shared, &bytes),
            Err(error) => SourceFile::unreadable(shared, &error),
        },
    }
}

fn new_root(dir: PathBuf) -> RootState {
    RootState {
        dir,
        config: Config::default(),
        config_file: None,
        config_published: false,
        workspace: Workspace::default(),
        dirty: BTreeSet::new(),
        fresh: BTreeSet::new(),
        needs_analysis: false,
        published: HashMap::new(),
        summaries: BTreeMap::new(),
        memo: Memo::new(),
    }
}

fn related_location(
    workspace: &Workspace,
    open: &OpenDocs,
    path: &Path,
    range: examkit_syntax::TextRange,
    settings: &Settings,
) -> Option<Location> {
    let file = workspace.file(path)?;
    let uri = match open.get(path) {
        Some((uri, _, _)) => uri.clone(),
        None => convert::uri_of(path)?,
    };
    let view = TextView {
        text: &file.text,
        index: &file.line_index,
    };
    Some(Location::new(uri, view.range(range, settings.encoding)))
}

fn summarise(file: &SourceFile, open: &OpenDocs, diagnostics: &[Diagnostic]) -> FileSummary {
    let (uri, version) = match open.get(file.path.as_ref()) {
        Some((uri, version, _)) => (Some(uri.clone()), Some(*version)),
        None => (convert::uri_of(&file.path), None),
    };
    let (entity, questions) = match &file.entity {
        Some(Entity::Questions(set)) => (
            None,
            set.questions
                .iter()
                .map(|q| QuestionOutline {
                    id: q.id.clone(),
                    stem: q.stem.as_ref().map(|s| s.value.clone()),
                    range: q.range,
                })
                .collect(),
        ),
        other => (other.clone(), Vec::new()),
    };
    FileSummary {
        path: file.path.clone(),
        uri,
        kind: file.kind,
        version,
        text: Arc::from(file.text.as_str()),
        line_index: Arc::new(file.line_index.clone()),
        references: file.references.clone(),
        entity,
        questions,
        diagnostics: diagnostics.to_vec(),
    }
}
