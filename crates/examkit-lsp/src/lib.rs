//! The examkit language server: `examkit lsp` speaks the Language Server
//! Protocol on standard input and output.
//!
//! This crate owns everything that knows the protocol: document
//! synchronisation (ropes changed by incremental edits, strictly in order),
//! position encodings (UTF-8 when the client offers it, else UTF-16),
//! publishing the diagnostics of `examkit_check::analyse` (the same analysis
//! as `examkit check`, so the same codes, ranges and messages), and the
//! editor features: completion, hover, go to definition, references, rename,
//! document and workspace symbols, and code actions. The analysis itself,
//! the schemas and the content model live in the core crates, which know
//! nothing of the protocol; this crate only converts at the boundary.
//!
//! Framework: `tower-lsp-server` 0.23, the maintained community fork of
//! tower-lsp 0.20 (which has had no release since 2023): current protocol
//! types, URIs that do not panic, exit handling fixed. Neither fixes tower-lsp
//! issue 284 (the fork even runs handlers with `buffer_unordered`), so the
//! order of document changes is kept here: see [`server`].
//!
//! Layout: [`server`] is the protocol front (lifecycle, one handler per
//! request, panics contained per request); `engine` is the one thread that
//! owns the workspaces and analyses off the request path; `context` reads
//! the YAML path at a cursor from the text alone, so features work on
//! half-typed documents; the feature modules answer requests from a
//! snapshot.

mod actions;
mod completion;
mod context;
mod convert;
mod documents;
mod engine;
mod hover;
mod incremental;
mod navigation;
mod request;
mod schema_nav;
pub mod server;
mod snapshot;
mod symbols;

use tokio::io::{AsyncRead, AsyncWrite};
use tower_lsp_server::{LspService, Server};

pub use server::Backend;

/// Serves the protocol over `input` and `output` until the client exits.
pub async fn serve<I, O>(input: I, output: O)
where
    I: AsyncRead + Unpin,
    O: AsyncWrite,
{
    let (service, socket) = LspService::build(Backend::new)
        .custom_method("examkit/documentText", Backend::document_text)
        .custom_method("examkit/panic", Backend::test_panic)
        .finish();
    Server::new(input, output, socket).serve(service).await;
}

/// Runs the server on standard input and output (what `examkit lsp` does).
///
/// # Errors
/// When the async runtime cannot be started.
pub fn run_stdio() -> std::io::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(serve(tokio::io::stdin(), tokio::io::stdout()));
    // The engine thread and any blocked reader end with the process.
    runtime.shutdown_timeout(std::time::Duration::from_millis(100));
    Ok(())
}
