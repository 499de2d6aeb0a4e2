//! `examkit export json`: the bundle validates against
//! `schema/export.schema.json`, every schema property is described, and two
//! exports are byte-identical (also to standard output).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod export_support;

use std::fs;

use export_support::{Scratch, read_json, repo};
use serde_json::Value;

fn schema() -> Value {
    serde_json::from_str(&fs::read_to_string(repo().join("schema/export.schema.json")).unwrap())
        .unwrap()
}

#[test]
fn bundle_validates_and_is_reproducible() {
    let scratch = Scratch::new();
    let out = scratch.export(None, &["json"]);
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.starts_with("exported "), "{stdout}");
    assert!(stdout.contains("dist/aif-c01.json"), "{stdout}");
    let first = fs::read(scratch.path().join("dist/aif-c01.json")).unwrap();
    scratch.export(Some("1899999999"), &["json", "--out", "again.json"]);
    let second = fs::read(scratch.path().join("again.json")).unwrap();
    assert_eq!(first, second, "two exports are byte-identical");
    let piped = scratch.export(None, &["json", "--out", "-"]);
    assert_eq!(
        piped.stdout, first,
        "--out - writes the same bytes to stdout"
    );
    assert!(first.ends_with(b"}\n"));
    // The JSON export never touches the lock.
    assert!(!scratch.content().join("examkit.lock").exists());

    let bundle: Value = serde_json::from_slice(&first).unwrap();
    let validator = jsonschema::draft202012::new(&schema()).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&bundle)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");

    assert_eq!(bundle["format_version"], 1);
    assert_eq!(bundle["exam"]["id"], "aif-c01");
    let questions = bundle["questions"].as_array().unwrap();
    let services = bundle["services"].as_array().unwrap();
    assert!(questions.len() >= 200, "bundled content has every question");
    assert!(services.len() >= 60);
    // Stable order: services by id; questions grouped by task in blueprint
    // order, matching each task's question list.
    let ids: Vec<&str> = services.iter().map(|s| s["id"].as_str().unwrap()).collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    assert_eq!(ids, sorted);
    let listed: Vec<&Value> = bundle["domains"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|d| d["tasks"].as_array().unwrap())
        .flat_map(|t| t["questions"].as_array().unwrap())
        .collect();
    let in_order: Vec<&Value> = questions.iter().map(|q| &q["id"]).collect();
    assert_eq!(listed, in_order);
    // Hostile-free sample: text comes in both forms.
    let q = &questions[0];
    assert!(q["stem"]["markdown"].is_string() && q["stem"]["html"].is_string());
}

#[test]
fn bad_bundles_fail_the_schema() {
    let validator = jsonschema::draft202012::new(&schema()).expect("schema compiles");
    let scratch = Scratch::new();
    scratch.export(None, &["json", "--out", "b.json"]);
    let good = read_json(&scratch.path().join("b.json"));
    let mut unknown_key = good.clone();
    unknown_key["questions"][0]["extra"] = Value::Bool(true);
    assert!(!validator.is_valid(&unknown_key));
    let mut bad_type = good.clone();
    bad_type["questions"][0]["type"] = Value::from("essay");
    assert!(!validator.is_valid(&bad_type));
    let mut missing = good;
    missing.as_object_mut().unwrap().remove("format_version");
    assert!(!validator.is_valid(&missing));
}

/// Every property the schema defines has a description.
#[test]
fn every_schema_property_is_described() {
    fn walk(node: &Value, path: &str, missing: &mut Vec<String>) {
        match node {
            Value::Object(map) => {
                if let Some(Value::Object(props)) = map.get("properties") {
                    for (name, prop) in props {
                        if prop
                            .get("description")
                            .and_then(Value::as_str)
                            .is_none_or(str::is_empty)
                        {
                            missing.push(format!("{path}/properties/{name}"));
                        }
                    }
                }
                if map.get("type").and_then(Value::as_str) == Some("object") {
                    assert_eq!(
                        map.get("additionalProperties"),
                        Some(&Value::Bool(false)),
                        "{path}: objects are closed"
                    );
                }
                for (key, value) in map {
                    walk(value, &format!("{path}/{key}"), missing);
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    walk(item, &format!("{path}/{i}"), missing);
                }
            }
            _ => {}
        }
    }
    let schema = schema();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    let mut missing = Vec::new();
    walk(&schema, "#", &mut missing);
    assert!(
        missing.is_empty(),
        "properties without a description: {missing:#?}"
    );
}
