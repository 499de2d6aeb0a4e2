//! Any text: when the fast path reads it, its tree is the general parser's,
//! and the general parser finds no problem in it.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Some(fast) = examkit_syntax::parse_subset(text) {
        let general = examkit_syntax::parse_general(text);
        assert!(general.diagnostics.is_empty(), "{:?}", general.diagnostics);
        assert_eq!(Some(fast), general.root);
    }
});
