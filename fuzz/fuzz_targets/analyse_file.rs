//! Any text under each `kind`: parsing, schema validation, entity reading
//! and reference extraction never panic. The input is prefixed with a kind
//! so the fuzzer reaches the schema layer quickly.
#![no_main]

use std::path::Path;
use std::sync::Arc;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else { return };
    let kind = ["exam", "domain", "service", "questions"][usize::from(selector) % 4];
    let mut bytes = format!("kind: {kind}\n").into_bytes();
    bytes.extend_from_slice(rest);
    let path: Arc<Path> = Arc::from(Path::new("fuzz.yaml"));
    let file = examkit_model::SourceFile::from_bytes(path, &bytes);
    for d in &file.diagnostics {
        assert!(d.range.end() as usize <= file.text.len());
    }
});
