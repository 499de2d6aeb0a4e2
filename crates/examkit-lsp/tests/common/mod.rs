//! A client for the server in-process, over an in-memory pipe: framed
//! JSON-RPC messages written as a client writes them, and everything the
//! server sends read back in order.

#![allow(dead_code)]

use std::collections::VecDeque;
use std::path::Path;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader, WriteHalf};
use tokio::io::{DuplexStream, split};
use tokio::sync::mpsc;

/// How long any one message may take to arrive.
const PATIENCE: Duration = Duration::from_secs(60);

/// The client end of a running server.
pub struct Client {
    out: WriteHalf<DuplexStream>,
    incoming: mpsc::UnboundedReceiver<Value>,
    /// Messages read past while waiting for an answer, in order.
    backlog: VecDeque<Value>,
}

impl Client {
    /// Starts a server with `root` as its workspace folder and initialises
    /// it, offering `encodings` (e.g. `["utf-8"]`; none: UTF-16) and
    /// related information (so diagnostic messages are the CLI's).
    pub async fn start(root: &Path, encodings: &[&str]) -> Self {
        let (client_end, server_end) = tokio::io::duplex(1 << 20);
        let (server_read, server_write) = split(server_end);
        tokio::spawn(examkit_lsp::serve(server_read, server_write));
        let (client_read, out) = split(client_end);
        let (tx, incoming) = mpsc::unbounded_channel();
        tokio::spawn(read_loop(client_read, tx));
        let mut client = Self {
            out,
            incoming,
            backlog: VecDeque::new(),
        };
        let mut capabilities = json!({
            "textDocument": { "publishDiagnostics": { "relatedInformation": true } }
        });
        if !encodings.is_empty() {
            capabilities["general"] = json!({ "positionEncodings": encodings });
        }
        client
            .send(
                json!({ "jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
                    "processId": null, "rootUri": uri_of(root), "capabilities": capabilities
                }}),
            )
            .await;
        // A client waits for the answer to `initialize` before anything else.
        client.answer_to(0).await;
        client.notify("initialized", json!({})).await;
        client
    }

    /// Writes one message.
    pub async fn send(&mut self, message: Value) {
        let body = serde_json::to_vec(&message).expect("a message encodes");
        let header = format!("Content-Length: {}\r\n\r\n", body.len());
        self.out.write_all(header.as_bytes()).await.expect("pipe");
        self.out.write_all(&body).await.expect("pipe");
    }

    /// Sends a notification.
    pub async fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params }))
            .await;
    }

    /// Sends `textDocument/didChange` with one content change.
    pub async fn change(&mut self, uri: &str, version: impl Into<Value>, change: Value) {
        self.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": version.into() },
                "contentChanges": [change] }),
        )
        .await;
    }

    /// Sends a request (without waiting for its answer).
    pub async fn request(&mut self, id: u64, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }))
            .await;
    }

    /// The next message from the server.
    pub async fn recv(&mut self) -> Value {
        self.try_recv(PATIENCE)
            .await
            .expect("the server answers in time, and is alive")
    }

    /// The next message from the server, if one comes within `wait`.
    pub async fn try_recv(&mut self, wait: Duration) -> Option<Value> {
        if let Some(message) = self.backlog.pop_front() {
            return Some(message);
        }
        tokio::time::timeout(wait, self.incoming.recv())
            .await
            .ok()
            .flatten()
    }

    /// Reads until the answer to request `id` and returns it; what comes
    /// before it is kept for [`Client::recv`].
    pub async fn answer_to(&mut self, id: u64) -> Value {
        let mut skipped = VecDeque::new();
        loop {
            let message = tokio::time::timeout(PATIENCE, self.incoming.recv())
                .await
                .expect("the server answers in time")
                .expect("the server is alive");
            if message["id"] == id && message.get("method").is_none() {
                self.backlog.append(&mut skipped);
                return message;
            }
            skipped.push_back(message);
        }
    }
}

/// The `file://` URI of a path.
pub fn uri_of(path: &Path) -> String {
    format!("file://{}", path.display())
}

async fn read_loop(input: impl tokio::io::AsyncRead + Unpin, tx: mpsc::UnboundedSender<Value>) {
    let mut reader = BufReader::new(input);
    loop {
        let mut length = 0;
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).await.unwrap_or(0) == 0 {
                return;
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(v) = line.strip_prefix("Content-Length: ") {
                length = v.parse().expect("a length");
            }
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body).await.expect("pipe");
        let message = serde_json::from_slice(&body).expect("the server sends JSON");
        if tx.send(message).is_err() {
            return;
        }
    }
}
