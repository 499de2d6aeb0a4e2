//! The server in-process over an in-memory pipe: a burst of edits
//! interleaved with requests, sent without waiting, must be applied in
//! order (tower-lsp runs handlers concurrently; the server must not let
//! that reorder document changes), and every request must be answered.

mod common;

use serde_json::json;

use common::{Client, uri_of};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_burst_of_edits_and_requests_is_applied_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let mut client = Client::start(dir.path(), &[]).await;
    let uri = uri_of(&dir.path().join("burst.yaml"));
    client
        .notify(
            "textDocument/didOpen",
            json!({
                "textDocument": { "uri": uri, "languageId": "yaml", "version": 1, "text": "" }
            }),
        )
        .await;
    // 300 edits, each appending one character at the end of line 0, with a
    // hover request after every tenth: all sent back to back.
    let mut expected = String::new();
    let mut requests = 0;
    for i in 0..300u32 {
        let ch = char::from(b'a' + (i % 26) as u8);
        let at = json!({ "line": 0, "character": i });
        client
            .change(
                &uri,
                i + 2,
                json!({ "range": { "start": at, "end": at }, "text": ch.to_string() }),
            )
            .await;
        expected.push(ch);
        if i % 10 == 9 {
            requests += 1;
            client
                .request(
                    1000 + u64::from(i),
                    "textDocument/hover",
                    json!({
                        "textDocument": { "uri": uri }, "position": { "line": 0, "character": i }
                    }),
                )
                .await;
        }
    }
    client
        .request(1, "examkit/documentText", json!({ "uri": uri }))
        .await;
    let mut answered = 0;
    let mut text = None;
    while text.is_none() || answered < requests {
        let message = client.recv().await;
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
