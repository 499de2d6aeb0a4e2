//! `--format sarif`: a SARIF 2.1.0 log with one run, for code scanning.

use std::collections::BTreeMap;

use examkit_syntax::Severity;
use serde_json::{Value, json};

use super::{LineSpan, Report};

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// Renders the report as a SARIF log. Rules are listed once each, for the
/// codes that occur, with their rationale as help text.
pub fn render(report: &Report<'_>) -> String {
    let mut rule_index: BTreeMap<&str, usize> = BTreeMap::new();
    for file in &report.files {
        for d in &file.diagnostics {
            let next = rule_index.len();
            rule_index.entry(d.code).or_insert(next);
        }
    }
    let mut rules: Vec<(usize, Value)> = rule_index
        .iter()
        .map(|(code, &i)| {
            let info = examkit_check::lookup(code);
            let summary = info.map_or(*code, |r| r.summary);
            let rationale = info.map_or(*code, |r| r.rationale);
            let severity = info.map_or(Severity::Error, |r| r.default_severity);
            (
                i,
                json!({
                    "id": code,
                    "name": code.replace(['/', '-'], "_"),
                    "shortDescription": { "text": summary },
                    "fullDescription": { "text": rationale },
                    "help": { "text": format!("{rationale}\nRun `examkit explain {code}` for an example.") },
                    "defaultConfiguration": { "level": level(severity) },
                }),
            )
        })
        .collect();
    rules.sort_by_key(|(i, _)| *i);
    let mut results = Vec::new();
    for file in &report.files {
        for d in &file.diagnostics {
            let span = LineSpan::of(d.range, file.text, file.line_index);
            let mut message = d.message.clone();
            if let Some(help) = &d.help {
                message.push_str(" (");
                message.push_str(help);
                message.push(')');
            }
            let mut result = json!({
                "ruleId": d.code,
                "ruleIndex": rule_index[d.code],
                "level": level(d.severity),
                "message": { "text": message },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": file.display, "uriBaseId": "%SRCROOT%" },
                        "region": {
                            "startLine": span.start_line,
                            "startColumn": span.start_column,
                            "endLine": span.end_line,
                            "endColumn": span.end_column,
                            "byteOffset": d.range.start(),
                            "byteLength": d.range.len(),
                        }
                    }
                }],
            });
            if let Some(fix) = &d.fix {
                result["fixes"] = json!([{
                    "description": { "text": fix.title },
                    "artifactChanges": [{
                        "artifactLocation": { "uri": file.display, "uriBaseId": "%SRCROOT%" },
                        "replacements": fix.edits.iter().map(|e| json!({
                            "deletedRegion": { "byteOffset": e.range.start(), "byteLength": e.range.len() },
                            "insertedContent": { "text": e.replacement },
                        })).collect::<Vec<_>>(),
                    }],
                }]);
            }
            results.push(result);
        }
    }
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "examkit",
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "rules": rules.into_iter().map(|(_, r)| r).collect::<Vec<_>>(),
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    let mut out = serde_json::to_string_pretty(&log).unwrap_or_default();
    out.push('\n');
    out
}
