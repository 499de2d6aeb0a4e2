//! `--format json`: a JSON array with one object per diagnostic.

use serde_json::{Value, json};

use super::{LineSpan, Report};

/// Renders the report as pretty-printed JSON.
pub fn render(report: &Report<'_>) -> String {
    let mut items = Vec::new();
    for file in &report.files {
        for d in &file.diagnostics {
            let span = LineSpan::of(d.range, file.text, file.line_index);
            let fix = d.fix.as_ref().map(|fix| {
                json!({
                    "title": fix.title,
                    "edits": fix.edits.iter().map(|e| json!({
                        "range": { "start": e.range.start(), "end": e.range.end() },
                        "replacement": e.replacement,
                    })).collect::<Vec<_>>(),
                })
            });
            let related: Vec<Value> = d
                .related
                .iter()
                .map(|r| {
                    json!({
                        "file": super::display_path(&r.path, report.cwd),
                        "range": { "start": r.range.start(), "end": r.range.end() },
                        "message": r.message,
                    })
                })
                .collect();
            items.push(json!({
                "file": file.display,
                "code": d.code,
                "severity": d.severity.as_str(),
                "message": d.message,
                "help": d.help,
                "start": { "line": span.start_line, "column": span.start_column },
                "end": { "line": span.end_line, "column": span.end_column },
                "range": { "start": d.range.start(), "end": d.range.end() },
                "fix": fix,
                "related": related,
            }));
        }
    }
    let mut out = serde_json::to_string_pretty(&Value::Array(items)).unwrap_or_default();
    out.push('\n');
    out
}
