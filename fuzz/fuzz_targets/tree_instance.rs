//! The schema validator reading the tree in place (`TreeJson`) agrees with
//! validating the tree's `serde_json` copy: the same verdict and the same
//! errors, for any text under each `kind` that parses cleanly.
#![no_main]

use std::sync::OnceLock;

use examkit_model::{Instance, Kind, schema, validator};
use examkit_syntax::{parse, to_json};
use jsonschema::Validator;
use libfuzzer_sys::fuzz_target;

fn value_validator(kind: Kind) -> &'static Validator {
    static CACHE: [OnceLock<Validator>; 4] = [const { OnceLock::new() }; 4];
    let index = Kind::ALL.iter().position(|&k| k == kind).unwrap_or(0);
    CACHE[index].get_or_init(|| jsonschema::draft202012::new(schema(kind)).expect("compiles"))
}

fn describe<'a>(errors: impl Iterator<Item = jsonschema::ValidationError<'a>>) -> Vec<String> {
    let mut lines: Vec<String> = errors
        .map(|e| format!("{} | {} | {} | {}", e.instance_path(), e.schema_path(), e, e.instance()))
        .collect();
    lines.sort();
    lines
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else { return };
    let kind = Kind::ALL[usize::from(selector) % Kind::ALL.len()];
    let Ok(rest) = std::str::from_utf8(rest) else { return };
    let text = format!("kind: {}\n{rest}", kind.name());
    let parsed = parse(&text);
    // Only trees without a syntax error are validated.
    let (true, Some(root)) = (parsed.diagnostics.is_empty(), parsed.root) else { return };
    let json = to_json(&root);
    assert_eq!(
        validator(kind).is_valid(Instance::Tree(&root)),
        value_validator(kind).is_valid(&json)
    );
    assert_eq!(
        describe(validator(kind).iter_errors(Instance::Tree(&root))),
        describe(value_validator(kind).iter_errors(&json))
    );
});
