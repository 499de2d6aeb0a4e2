//! A small language-server client for the end-to-end tests: it spawns the
//! real `examkit lsp`, frames JSON-RPC over its standard streams, answers
//! the server's own requests as an editor would, and waits for messages.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// How long any single wait may take before the test fails.
pub const TIMEOUT: Duration = Duration::from_secs(60);

/// A running server and what it has sent that nobody consumed yet.
pub struct Lsp {
    child: Child,
    stdin: ChildStdin,
    rx: Receiver<Value>,
    inbox: Vec<Value>,
    next_id: i64,
    /// The initialize result.
    pub init: Value,
    /// showMessage notifications seen.
    pub shown: Vec<Value>,
}

/// The `file://` URI of a path.
pub fn uri(path: &Path) -> String {
    format!("file://{}", path.display()).replace(' ', "%20")
}

/// Client capabilities like an editor's; `encodings` is what it offers.
pub fn capabilities(encodings: &[&str]) -> Value {
    json!({
        "general": { "positionEncodings": encodings },
        "workspace": {
            "workspaceFolders": true,
            "didChangeWatchedFiles": { "dynamicRegistration": true },
            "workspaceEdit": { "documentChanges": true },
            "configuration": true
        },
        "textDocument": {
            "synchronization": { "didSave": true, "dynamicRegistration": false },
            "completion": { "completionItem": { "snippetSupport": true, "documentationFormat": ["markdown", "plaintext"] } },
            "hover": { "contentFormat": ["markdown", "plaintext"] },
            "publishDiagnostics": { "relatedInformation": true, "versionSupport": true },
            "documentSymbol": { "hierarchicalDocumentSymbolSupport": true },
            "rename": { "prepareSupport": true },
            "codeAction": { "codeActionLiteralSupport": { "codeActionKind": { "valueSet": ["quickfix"] } } }
        }
    })
}

impl Lsp {
    /// Starts the server with one workspace folder.
    pub fn start(root: &Path, encodings: &[&str]) -> Self {
        Self::start_with(root, encodings, &[])
    }

    /// Starts the server with extra environment variables.
    pub fn start_with(root: &Path, encodings: &[&str], env: &[(&str, &str)]) -> Self {
        let mut command = Command::new(env!("CARGO_BIN_EXE_examkit"));
        command
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        for (k, v) in env {
            command.env(k, v);
        }
        let mut child = command.spawn().expect("spawn examkit lsp");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut length = None;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(v) = line.strip_prefix("Content-Length: ") {
                        length = v.parse::<usize>().ok();
                    }
                }
                let Some(length) = length else { return };
                let mut body = vec![0; length];
                if reader.read_exact(&mut body).is_err() {
                    return;
                }
                let Ok(value) = serde_json::from_slice::<Value>(&body) else {
                    return;
                };
                if tx.send(value).is_err() {
                    return;
                }
            }
        });
        let mut lsp = Self {
            child,
            stdin,
            rx,
            inbox: Vec::new(),
            next_id: 1,
            init: Value::Null,
            shown: Vec::new(),
        };
        let root_uri = uri(root);
        lsp.init = lsp.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": root_uri,
                "workspaceFolders": [{ "uri": root_uri, "name": "root" }],
                "capabilities": capabilities(encodings),
            }),
        );
        lsp.notify("initialized", json!({}));
        lsp
    }

    fn write(&mut self, message: &Value) {
        let body = serde_json::to_vec(message).expect("json");
        let mut data = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
        data.extend(body);
        self.stdin.write_all(&data).expect("write to server");
        self.stdin.flush().expect("flush");
    }

    /// Sends a notification.
    pub fn notify(&mut self, method: &str, params: Value) {
        self.write(&json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// Sends a request without waiting for its answer; returns its id.
    pub fn send_request(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        self.write(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        id
    }

    /// Sends a request and returns its result or its error.
    pub fn request_raw(&mut self, method: &str, params: Value) -> Result<Value, Value> {
        let id = self.send_request(method, params);
        let response = self.wait(|m| m.get("id") == Some(&json!(id)) && m.get("method").is_none());
        match response.get("error") {
            Some(error) => Err(error.clone()),
            None => Ok(response.get("result").cloned().unwrap_or(Value::Null)),
        }
    }

    /// Sends a request and returns its result (failing the test on an error).
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        self.request_raw(method, params)
            .unwrap_or_else(|e| panic!("{method} failed: {e}"))
    }

    fn answer(&mut self, message: &Value) {
        let method = message["method"].as_str().unwrap_or("");
        let result = match method {
            "workspace/configuration" => json!(
                message["params"]["items"]
                    .as_array()
                    .map(|a| vec![Value::Null; a.len()])
                    .unwrap_or_default()
            ),
            _ => Value::Null,
        };
        let id = message["id"].clone();
        self.write(&json!({ "jsonrpc": "2.0", "id": id, "result": result }));
    }

    fn take(&mut self, pred: &mut dyn FnMut(&Value) -> bool) -> Option<Value> {
        let i = self.inbox.iter().position(pred)?;
        Some(self.inbox.remove(i))
    }

    /// Waits for a message the predicate accepts (looking at unconsumed
    /// messages first).
    pub fn wait(&mut self, mut pred: impl FnMut(&Value) -> bool) -> Value {
        self.try_wait(&mut pred, TIMEOUT)
            .unwrap_or_else(|| panic!("timed out; unconsumed: {:#?}", self.inbox))
    }

    /// Like [`Lsp::wait`], but gives up after `timeout`.
    pub fn try_wait(
        &mut self,
        pred: &mut dyn FnMut(&Value) -> bool,
        timeout: Duration,
    ) -> Option<Value> {
        if let Some(found) = self.take(pred) {
            return Some(found);
        }
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let message = match self.rx.recv_timeout(left) {
                Ok(m) => m,
                Err(RecvTimeoutError::Timeout) => return None,
                Err(RecvTimeoutError::Disconnected) => panic!("the server closed its output"),
            };
            if message.get("method").is_some() && message.get("id").is_some() {
                self.answer(&message);
                continue;
            }
            if message["method"] == "window/showMessage" {
                self.shown.push(message.clone());
            }
            if pred(&message) {
                return Some(message);
            }
            self.inbox.push(message);
        }
    }

    /// Waits for diagnostics of `uri` that the predicate accepts; returns
    /// the diagnostics array.
    pub fn diagnostics(&mut self, uri: &str, mut pred: impl FnMut(&[Value]) -> bool) -> Vec<Value> {
        let message = self.wait(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && pred(
                    m["params"]["diagnostics"]
                        .as_array()
                        .map_or(&[], Vec::as_slice),
                )
        });
        message["params"]["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// Opens a file with its text from disk.
    pub fn open(&mut self, path: &Path) -> String {
        let text = std::fs::read_to_string(path).expect("read fixture");
        self.open_text(path, &text);
        uri(path)
    }

    /// Opens a document with the given text.
    pub fn open_text(&mut self, path: &Path, text: &str) -> String {
        let uri = uri(path);
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": "yaml", "version": 1, "text": text } }),
        );
        uri
    }

    /// Sends one incremental change.
    pub fn change(&mut self, uri: &str, version: i32, range: [u32; 4], text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({
                "textDocument": { "uri": uri, "version": version },
                "contentChanges": [{
                    "range": {
                        "start": { "line": range[0], "character": range[1] },
                        "end": { "line": range[2], "character": range[3] }
                    },
                    "text": text
                }]
            }),
        );
    }

    /// The server's copy of a document.
    pub fn server_text(&mut self, uri: &str) -> String {
        let result = self.request("examkit/documentText", json!({ "uri": uri }));
        result["text"].as_str().unwrap_or_default().to_owned()
    }

    /// Shuts the server down politely and checks that it exits with 0.
    pub fn shutdown(mut self) {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                assert!(status.success(), "server exited with {status}");
                return;
            }
            assert!(Instant::now() < deadline, "server did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Lsp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Position helper.
pub fn pos(line: u32, character: u32) -> Value {
    json!({ "line": line, "character": character })
}

/// Text document position params.
pub fn at(uri: &str, line: u32, character: u32) -> Value {
    json!({ "textDocument": { "uri": uri }, "position": pos(line, character) })
}

/// The byte offset of an LSP position counted in UTF-8 bytes.
pub fn utf8_offset(text: &str, line: u64, character: u64) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line as usize)
        .map(str::len)
        .sum();
    start + character as usize
}

/// Applies LSP text edits (UTF-16 positions) to a text.
pub fn apply_edits(text: &str, edits: &[Value]) -> String {
    let offset = |p: &Value| -> usize {
        let line = p["line"].as_u64().unwrap_or(0) as usize;
        let character = p["character"].as_u64().unwrap_or(0) as usize;
        let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
        let line_text = text[start..].split('\n').next().unwrap_or("");
        let mut units = 0;
        for (i, ch) in line_text.char_indices() {
            if units >= character {
                return start + i;
            }
            units += ch.len_utf16();
        }
        start + line_text.len()
    };
    let mut spans: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|e| {
            (
                offset(&e["range"]["start"]),
                offset(&e["range"]["end"]),
                e["newText"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    spans.sort_by_key(|b| std::cmp::Reverse(b.0));
    let mut out = text.to_owned();
    for (s, e, t) in spans {
        out.replace_range(s..e, &t);
    }
    out
}

/// A temporary content root with the AIF-C01 configuration, exam, domains
/// and the given extra files (relative path, text).
pub struct Fixture {
    /// Keeps the folder alive.
    pub dir: tempfile::TempDir,
}

impl Fixture {
    /// Builds the content root.
    pub fn new(files: &[(&str, &str)]) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let base: [(&str, &str); 3] = [
            ("examkit.toml", "# test content root\n"),
            ("exam.yaml", EXAM),
            ("domains/1.yaml", DOMAIN),
        ];
        for (rel, text) in base.iter().chain(files) {
            let to = dir.path().join(rel);
            std::fs::create_dir_all(to.parent().expect("parent")).expect("mkdir");
            std::fs::write(&to, text).expect("write fixture");
        }
        Self { dir }
    }

    /// The root folder.
    pub fn root(&self) -> PathBuf {
        self.dir.path().to_path_buf()
    }

    /// A file in it.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }
}

/// The exam of the test content root.
pub const EXAM: &str = "kind: exam\nid: test-exam\ncode: TST-C01\ntitle: Test exam\nguide_version: \"1\"\ndomains:\n  - { id: \"1\", title: Fundamentals, weight: 100 }\n";

/// The one domain of the test content root.
pub const DOMAIN: &str = "kind: domain\nid: \"1\"\nsummary: The fundamentals the tests use.\ntasks:\n  - id: \"1.1\"\n    title: Explain basic AI concepts and terminologies.\n    summary: The basic vocabulary of AI, as the tests use it.\n    key_terms:\n      - { term: Inference, definition: Using a trained model to make predictions. }\n";

/// A short service file.
pub fn service(id: &str, name: &str, related: &[&str]) -> String {
    format!(
        "kind: service\nid: {id}\nname: {name}\nscope: in\ncategory: Machine Learning\ndefinition: {name} is a managed service used in the tests.\nuse_cases:\n  - Answer questions in the tests.\ntasks: [\"1.1\"]\nrelated: [{}]\n",
        related.join(", ")
    )
}
