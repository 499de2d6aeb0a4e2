//! The server in-process over an in-memory pipe: a burst of edits
//! interleaved with requests, sent without waiting, must be applied in
//! order (tower-lsp runs handlers concurrently; the server must not let
//! that reorder document changes), and every request must be answered.

use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::sync::mpsc;

async fn write(out: &mut (impl AsyncWriteExt + Unpin), message: Value) {
    let body = serde_json::to_vec(&message).expect("pipe");
    out.write_all(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes())
        .await
        .expect("pipe");
    out.write_all(&body).await.expect("pipe");
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
                length = v.parse().expect("pipe");
            }
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body).await.expect("pipe");
        if tx
            .send(serde_json::from_slice(&body).expect("pipe"))
            .is_err()
        {
            return;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_burst_of_edits_and_requests_is_applied_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let (client_end, server_end) = tokio::io::duplex(1 << 20);
    let (server_read, server_write) = tokio::io::split(server_end);
    tokio::spawn(examkit_lsp::serve(server_read, server_write));
    let (client_read, mut client_write) = tokio::io::split(client_end);
    let (tx, mut rx) = mpsc::unbounded_channel();
    tokio::spawn(read_loop(client_read, tx));

    let root = format!("file://{}", dir.path().display());
    write(
        &mut client_write,
        json!({ "jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
            "processId": null, "rootUri": root, "capabilities": {}
        }}),
    )
    .await;
    // A client waits for the answer to `initialize` before anything else.
    loop {
        let message = tokio::time::timeout(Duration::from_secs(60), rx.recv())
            .await
            .expect("initialize answered in time")
            .expect("server alive");
        if message["id"] == 0 {
            break;
        }
    }
    write(
        &mut client_write,
        json!({ "jsonrpc": "2.0", "method": "initialized", "params": {} }),
    )
    .await;
    let uri = format!("{root}/burst.yaml");
    write(
        &mut client_write,
        json!({ "jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
            "textDocument": { "uri": uri, "languageId": "yaml", "version": 1, "text": "" }
        }}),
    )
    .await;
    // 300 edits, each appending one character at the end of line 0, with a
    // hover request after every tenth: all sent back to back.
    let mut expected = String::new();
    let mut requests = 0;
    for i in 0..300u32 {
        let ch = char::from(b'a' + (i % 26) as u8);
        write(
            &mut client_write,
            json!({ "jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
                "textDocument": { "uri": uri, "version": i + 2 },
                "contentChanges": [{ "range": {
                    "start": { "line": 0, "character": i }, "end": { "line": 0, "character": i }
                }, "text": ch.to_string() }]
            }}),
        )
        .await;
        expected.push(ch);
        if i % 10 == 9 {
            requests += 1;
            write(
                &mut client_write,
                json!({ "jsonrpc": "2.0", "id": 1000 + i, "method": "textDocument/hover", "params": {
                    "textDocument": { "uri": uri }, "position": { "line": 0, "character": i }
                }}),
            )
            .await;
        }
    }
    write(
        &mut client_write,
        json!({ "jsonrpc": "2.0", "id": 1, "method": "examkit/documentText", "params": { "uri": uri } }),
    )
    .await;
    let mut answered = 0;
    let mut text = None;
    while text.is_none() || answered < requests {
        let message = tokio::time::timeout(Duration::from_secs(60), rx.recv())
            .await
            .expect("answer in time")
            .expect("server alive");
        if message["id"] == 1 {
            text = Some(message["result"].clone());
        }
        if message["id"].as_u64().is_some_and(|id| id >= 1000) {
            assert!(message.get("error").is_none(), "{message}");
            answered += 1;
        }
    }
    let text = text.unwrap();
    assert_eq!(text["text"], expected.as_str());
    assert_eq!(text["version"], 301);
}
