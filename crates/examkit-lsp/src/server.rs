//! The protocol front: lifecycle, document synchronisation and one handler
//! per request, each run on a snapshot and guarded against panics.
//!
//! Ordering. tower-lsp-server starts handlers in the order messages arrive
//! but lets them run concurrently (tower-lsp issue 284), so no handler here
//! awaits anything before it has done its part in order: a notification
//! applies its document change under the documents lock and queues its job
//! for the analysis engine; a request takes its snapshot (the document's rope
//! and the current read model). Only then may a handler await. Document
//! mutations are therefore applied strictly in arrival order, by one writer
//! at a time, and every request sees the text as of its own arrival.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock, RwLock};

use examkit_syntax::PositionEncoding;
use serde::{Deserialize, Serialize};
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

use crate::documents::Documents;
use crate::documents::text_of;
use crate::engine::{self, EngineHandle, Job, Outgoing};
use crate::request::{Request, path_of};
use crate::snapshot::{ReadModel, Settings};
use crate::{actions, completion, hover, navigation, symbols};

/// The language server.
pub struct Backend {
    client: Client,
    documents: Mutex<Documents>,
    settings: OnceLock<Arc<Settings>>,
    engine: OnceLock<EngineHandle>,
    model: Arc<RwLock<Arc<ReadModel>>>,
}

/// Parameters of `examkit/documentText`.
#[derive(Debug, Deserialize)]
pub struct DocumentTextParams {
    /// The document.
    pub uri: Uri,
}

/// Result of `examkit/documentText`: the server's copy of a document.
#[derive(Debug, Serialize)]
pub struct DocumentText {
    /// The text, or `None` when the document is not open.
    pub text: Option<String>,
    /// Its version.
    pub version: Option<i32>,
}

impl Backend {
    /// A server that talks to `client`.
    #[must_use]
    pub fn new(client: Client) -> Self {
        Self {
            client,
            documents: Mutex::new(Documents::default()),
            settings: OnceLock::new(),
            engine: OnceLock::new(),
            model: Arc::new(RwLock::new(Arc::new(ReadModel::default()))),
        }
    }

    fn settings(&self) -> Arc<Settings> {
        self.settings.get().cloned().unwrap_or_default()
    }

    fn send(&self, job: Job) {
        if let Some(engine) = self.engine.get() {
            engine.send(job);
        }
    }

    fn documents(&self) -> std::sync::MutexGuard<'_, Documents> {
        match self.documents.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    fn model(&self) -> Arc<ReadModel> {
        match self.model.read() {
            Ok(model) => model.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// The snapshot a request on `uri` works on.
    fn request(&self, uri: &Uri) -> Request {
        let path = path_of(uri);
        let doc = self.documents().get(&path).cloned();
        Request {
            settings: self.settings(),
            model: self.model(),
            path,
            uri: uri.clone(),
            doc,
        }
    }

    /// Runs a handler's work, turning a panic into an error answer and a
    /// message to the user instead of the end of the server.
    async fn guard<T>(&self, name: &str, work: impl FnOnce() -> T) -> Result<T> {
        let started = std::time::Instant::now();
        let result = catch_unwind(AssertUnwindSafe(work));
        if crate::engine::trace() {
            eprintln!(
                "examkit lsp: {name} {:.2} ms",
                started.elapsed().as_secs_f64() * 1e3
            );
        }
        match result {
            Ok(value) => Ok(value),
            Err(panic) => {
                let detail = panic
                    .downcast_ref::<&str>()
                    .map(|s| (*s).to_owned())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                self.client
                    .show_message(
                        MessageType::ERROR,
                        format!("examkit: internal error in {name}: {detail}. The server keeps running; please report this."),
                    )
                    .await;
                Err(Error {
                    code: ErrorCode::InternalError,
                    message: format!("internal error in {name}").into(),
                    data: None,
                })
            }
        }
    }

    /// `examkit/documentText`: the server's copy of an open document (for
    /// tests and troubleshooting).
    pub async fn document_text(&self, params: DocumentTextParams) -> Result<DocumentText> {
        let path = path_of(&params.uri);
        let docs = self.documents();
        let doc = docs.get(&path);
        Ok(DocumentText {
            text: doc.map(|d| text_of(&d.rope)),
            version: doc.map(|d| d.version),
        })
    }

    /// `examkit/panic`: fails on purpose, to show that a failing handler
    /// does not take the server down (tests only; needs `EXAMKIT_LSP_TEST`).
    pub async fn test_panic(&self) -> Result<()> {
        let enabled = std::env::var_os("EXAMKIT_LSP_TEST").is_some();
        self.guard("examkit/panic", || {
            #[allow(clippy::panic)]
            if enabled {
                panic!("requested by examkit/panic");
            }
        })
        .await
    }
}

fn negotiate(params: &InitializeParams) -> Settings {
    let caps = &params.capabilities;
    let offered = caps
        .general
        .as_ref()
        .and_then(|g| g.position_encodings.as_ref());
    let encoding = if offered.is_some_and(|o| o.contains(&PositionEncodingKind::UTF8)) {
        PositionEncoding::Utf8
    } else {
        PositionEncoding::Utf16
    };
    let text = caps.text_document.as_ref();
    let snippets = text
        .and_then(|t| t.completion.as_ref())
        .and_then(|c| c.completion_item.as_ref())
        .and_then(|i| i.snippet_support)
        .unwrap_or(false);
    let related_information = text
        .and_then(|t| t.publish_diagnostics.as_ref())
        .and_then(|p| p.related_information)
        .unwrap_or(false);
    let hierarchical_symbols = text
        .and_then(|t| t.document_symbol.as_ref())
        .and_then(|d| d.hierarchical_document_symbol_support)
        .unwrap_or(false);
    let markdown = text
        .and_then(|t| t.hover.as_ref())
        .and_then(|h| h.content_format.as_ref())
        .is_some_and(|f| f.contains(&MarkupKind::Markdown));
    let document_changes = caps
        .workspace
        .as_ref()
        .and_then(|w| w.workspace_edit.as_ref())
        .and_then(|e| e.document_changes)
        .unwrap_or(false);
    Settings {
        encoding,
        snippets,
        related_information,
        hierarchical_symbols,
        document_changes,
        markdown,
    }
}

fn encoding_kind(encoding: PositionEncoding) -> PositionEncodingKind {
    match encoding {
        PositionEncoding::Utf8 => PositionEncodingKind::UTF8,
        PositionEncoding::Utf16 => PositionEncodingKind::UTF16,
        PositionEncoding::Utf32 => PositionEncodingKind::UTF32,
    }
}

fn folders(params: &InitializeParams) -> Vec<PathBuf> {
    if let Some(folders) = &params.workspace_folders
        && !folders.is_empty()
    {
        return folders.iter().map(|f| path_of(&f.uri)).collect();
    }
    #[allow(deprecated)]
    let root = params.root_uri.as_ref();
    root.map(|uri| vec![path_of(uri)]).unwrap_or_default()
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let settings = Arc::new(negotiate(&params));
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Outgoing>();
        let client = self.client.clone();
        // One task publishes everything the engine sends, in order.
        tokio::spawn(async move {
            while let Some(message) = rx.recv().await {
                match message {
                    Outgoing::Publish {
                        uri,
                        diagnostics,
                        version,
                    } => client.publish_diagnostics(uri, diagnostics, version).await,
                    Outgoing::Show(kind, text) => client.show_message(kind, text).await,
                    Outgoing::Log(kind, text) => client.log_message(kind, text).await,
                }
            }
        });
        let handle = engine::start((*settings).clone(), self.model.clone(), tx);
        handle.send(Job::AddFolders(folders(&params)));
        let _ = self.engine.set(handle);
        let encoding = settings.encoding;
        let _ = self.settings.set(settings);
        Ok(InitializeResult {
            server_info: Some(ServerInfo {
                name: "examkit".to_owned(),
                version: Some(env!("CARGO_PKG_VERSION").to_owned()),
            }),
            capabilities: ServerCapabilities {
                position_encoding: Some(encoding_kind(encoding)),
                text_document_sync: Some(TextDocumentSyncCapability::Options(
                    TextDocumentSyncOptions {
                        open_close: Some(true),
                        change: Some(TextDocumentSyncKind::INCREMENTAL),
                        will_save: None,
                        will_save_wait_until: None,
                        save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                    },
                )),
                completion_provider: Some(CompletionOptions {
                    trigger_characters: Some(
                        [":", " ", "-", "[", ",", "\""].map(str::to_owned).to_vec(),
                    ),
                    ..CompletionOptions::default()
                }),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                definition_provider: Some(OneOf::Left(true)),
                references_provider: Some(OneOf::Left(true)),
                rename_provider: Some(OneOf::Right(RenameOptions {
                    prepare_provider: Some(true),
                    work_done_progress_options: WorkDoneProgressOptions::default(),
                })),
                document_symbol_provider: Some(OneOf::Left(true)),
                workspace_symbol_provider: Some(OneOf::Left(true)),
                code_action_provider: Some(CodeActionProviderCapability::Options(
                    CodeActionOptions {
                        code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
                        ..CodeActionOptions::default()
                    },
                )),
                workspace: Some(WorkspaceServerCapabilities {
                    workspace_folders: Some(WorkspaceFoldersServerCapabilities {
                        supported: Some(true),
                        change_notifications: Some(OneOf::Left(true)),
                    }),
                    file_operations: None,
                }),
                ..ServerCapabilities::default()
            },
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        // Files changed outside the editor (git checkout, another tool).
        let registration = Registration {
            id: "examkit-watch".to_owned(),
            method: "workspace/didChangeWatchedFiles".to_owned(),
            register_options: serde_json::to_value(DidChangeWatchedFilesRegistrationOptions {
                watchers: ["**/*.yaml", "**/*.yml", "**/examkit.toml"]
                    .into_iter()
                    .map(|glob| FileSystemWatcher {
                        glob_pattern: GlobPattern::String(glob.to_owned()),
                        kind: None,
                    })
                    .collect(),
            })
            .ok(),
        };
        let client = self.client.clone();
        tokio::spawn(async move {
            let _ = client.register_capability(vec![registration]).await;
        });
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let doc = params.text_document;
        let path = path_of(&doc.uri);
        let rope = self
            .documents()
            .open(path.clone(), doc.uri.clone(), doc.version, &doc.text)
            .rope
            .clone();
        self.send(Job::Document {
            path,
            uri: doc.uri,
            version: doc.version,
            rope,
        });
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let encoding = self.settings().encoding;
        let path = path_of(&params.text_document.uri);
        let mut docs = self.documents();
        let Some(doc) = docs.change(
            &path,
            params.text_document.version,
            &params.content_changes,
            encoding,
        ) else {
            return;
        };
        let job = Job::Document {
            path,
            uri: doc.uri.clone(),
            version: doc.version,
            rope: doc.rope.clone(),
        };
        // Queued while the lock is held: jobs leave in mutation order.
        self.send(job);
    }

    async fn did_save(&self, params: DidSaveTextDocumentParams) {
        let path = path_of(&params.text_document.uri);
        if self.documents().get(&path).is_none() {
            self.send(Job::OnDisk(vec![path]));
        }
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let path = path_of(&params.text_document.uri);
        let mut docs = self.documents();
        docs.close(&path);
        self.send(Job::Closed(path));
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        let paths = params.changes.iter().map(|c| path_of(&c.uri)).collect();
        self.send(Job::OnDisk(paths));
    }

    async fn did_change_workspace_folders(&self, params: DidChangeWorkspaceFoldersParams) {
        let removed: Vec<PathBuf> = params
            .event
            .removed
            .iter()
            .map(|f| path_of(&f.uri))
            .collect();
        let added: Vec<PathBuf> = params.event.added.iter().map(|f| path_of(&f.uri)).collect();
        if !removed.is_empty() {
            self.send(Job::RemoveFolders(removed));
        }
        if !added.is_empty() {
            self.send(Job::AddFolders(added));
        }
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let at = params.text_document_position;
        let request = self.request(&at.text_document.uri);
        self.guard("completion", || completion::complete(&request, at.position))
            .await
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let at = params.text_document_position_params;
        let request = self.request(&at.text_document.uri);
        self.guard("hover", || hover::hover(&request, at.position))
            .await
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        let at = params.text_document_position_params;
        let request = self.request(&at.text_document.uri);
        self.guard("definition", || {
            navigation::definition(&request, at.position)
        })
        .await
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        let at = params.text_document_position;
        let request = self.request(&at.text_document.uri);
        let docs: Vec<_> = self
            .documents()
            .iter()
            .map(|(p, d)| (p.clone(), d.clone()))
            .collect();
        self.guard("references", || {
            navigation::references(
                &request,
                at.position,
                params.context.include_declaration,
                &docs,
            )
        })
        .await
    }

    async fn prepare_rename(
        &self,
        params: TextDocumentPositionParams,
    ) -> Result<Option<PrepareRenameResponse>> {
        let request = self.request(&params.text_document.uri);
        self.guard("prepareRename", || {
            navigation::prepare_rename(&request, params.position)
        })
        .await
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        let at = params.text_document_position;
        let request = self.request(&at.text_document.uri);
        let docs: Vec<_> = self
            .documents()
            .iter()
            .map(|(p, d)| (p.clone(), d.clone()))
            .collect();
        let result = self
            .guard("rename", || {
                navigation::rename(&request, at.position, &params.new_name, &docs)
            })
            .await?;
        result.map_err(|message| Error {
            code: ErrorCode::InvalidParams,
            message: message.into(),
            data: None,
        })
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        let request = self.request(&params.text_document.uri);
        self.guard("documentSymbol", || symbols::document(&request))
            .await
    }

    async fn symbol(
        &self,
        params: WorkspaceSymbolParams,
    ) -> Result<Option<WorkspaceSymbolResponse>> {
        let model = self.model();
        let settings = self.settings();
        self.guard("workspace/symbol", || {
            symbols::workspace(&model, &settings, &params.query)
        })
        .await
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let request = self.request(&params.text_document.uri);
        self.guard("codeAction", || {
            actions::code_actions(&request, params.range)
        })
        .await
    }
}
