//! Any bytes: the parser returns a tree and diagnostics whose ranges lie in
//! the text, and never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (text, parsed) = examkit_syntax::parse_bytes(data);
    for d in &parsed.diagnostics {
        assert!(d.range.end() as usize <= text.len());
        assert!(text.is_char_boundary(d.range.start() as usize));
        assert!(text.is_char_boundary(d.range.end() as usize));
    }
    if let Some(root) = &parsed.root {
        let _ = examkit_syntax::to_json(root);
    }
});
