//! Randomised edit sequences: whatever incremental changes a client sends,
//! in whatever batches, the server's copy of the document equals the
//! client's. Positions are UTF-16 and the text mixes ASCII, CJK, emoji and
//! line breaks; some positions lie past the end of their line or document.

mod lsp_client;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

use lsp_client::{Fixture, Lsp};
use proptest::prelude::*;
use serde_json::json;

fn server() -> &'static Mutex<(Fixture, Lsp)> {
    static SERVER: OnceLock<Mutex<(Fixture, Lsp)>> = OnceLock::new();
    SERVER.get_or_init(|| {
        let fx = Fixture::new(&[]);
        let lsp = Lsp::start(&fx.root(), &["utf-16"]);
        Mutex::new((fx, lsp))
    })
}

/// The client's model: lines break at LF, CRLF and CR, as in the protocol.
fn line_starts(text: &str) -> Vec<usize> {
    let b = text.as_bytes();
    let mut starts = vec![0];
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\n' || (b[i] == b'\r' && b.get(i + 1) != Some(&b'\n')) {
            starts.push(i + 1);
        }
        i += 1;
    }
    starts
}

/// The byte offset of a UTF-16 position, clamped the way the server clamps.
fn offset(text: &str, line: u32, character: u32) -> usize {
    let starts = line_starts(text);
    let Some(&start) = starts.get(line as usize) else {
        return text.len();
    };
    let end = starts.get(line as usize + 1).copied().unwrap_or(text.len());
    let content = text[start..end].trim_end_matches(['\n', '\r']);
    let mut units = 0;
    for (i, ch) in content.char_indices() {
        if units + ch.len_utf16() as u32 > character {
            return start + i;
        }
        units += ch.len_utf16() as u32;
    }
    start + content.len()
}

/// A UTF-16 position for a (line, char) choice in the current text.
fn position(text: &str, line_pick: u16, char_pick: u16) -> (u32, u32) {
    let starts = line_starts(text);
    // One line past the end now and then.
    let line = (line_pick as usize) % (starts.len() + 1);
    let Some(&start) = starts.get(line) else {
        return (line as u32, char_pick as u32 % 4);
    };
    let end = starts.get(line + 1).copied().unwrap_or(text.len());
    let content = text[start..end].trim_end_matches(['\n', '\r']);
    let chars: Vec<char> = content.chars().collect();
    // A character index on the line, or one or two past its end.
    let k = (char_pick as usize) % (chars.len() + 3);
    let units: u32 = chars.iter().take(k).map(|c| c.len_utf16() as u32).sum();
    (line as u32, units + k.saturating_sub(chars.len()) as u32)
}

fn piece() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just("a".to_owned()),
            Just("key: value".to_owned()),
            Just("\n".to_owned()),
            Just("\r\n".to_owned()),
            Just("漢字".to_owned()),
            Just("😀".to_owned()),
            Just("  - ".to_owned()),
            Just("é".to_owned()),
        ],
        0..6,
    )
    .prop_map(|v| v.concat())
}

#[derive(Clone, Debug)]
struct EditPick {
    start: (u16, u16),
    end: (u16, u16),
    text: String,
}

fn edit() -> impl Strategy<Value = EditPick> {
    (any::<(u16, u16)>(), any::<(u16, u16)>(), piece()).prop_map(|(start, end, text)| EditPick {
        start,
        end,
        text,
    })
}

static DOC: AtomicUsize = AtomicUsize::new(0);

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn server_text_equals_client_text(
        initial in piece(),
        batches in prop::collection::vec(prop::collection::vec(edit(), 1..4), 1..12),
    ) {
        let mut guard = server().lock().unwrap_or_else(|p| p.into_inner());
        let (fx, lsp) = &mut *guard;
        let n = DOC.fetch_add(1, Ordering::SeqCst);
        let path = fx.path(&format!("scratch/doc-{n}.yaml"));
        let uri = lsp.open_text(&path, &initial);
        let mut text = initial.clone();
        let mut version = 1;
        // All batches go out back to back, without waiting for anything.
        for batch in &batches {
            let mut changes = Vec::new();
            for e in batch {
                let (sl, sc) = position(&text, e.start.0, e.start.1);
                let (el, ec) = position(&text, e.end.0, e.end.1);
                let a = offset(&text, sl, sc);
                let b = offset(&text, el, ec);
                let (from, to) = if a <= b { (a, b) } else { (b, a) };
                text.replace_range(from..to, &e.text);
                changes.push(json!({
                    "range": { "start": { "line": sl, "character": sc }, "end": { "line": el, "character": ec } },
                    "text": e.text,
                }));
            }
            version += 1;
            lsp.notify("textDocument/didChange", json!({
                "textDocument": { "uri": uri, "version": version },
                "contentChanges": changes,
            }));
        }
        let result = lsp.request("examkit/documentText", json!({ "uri": uri }));
        lsp.notify("textDocument/didClose", json!({ "textDocument": { "uri": uri } }));
        prop_assert_eq!(result["version"].as_i64(), Some(version));
        prop_assert_eq!(result["text"].as_str(), Some(text.as_str()));
    }
}
