//! Code actions: the fixes the check rules attach to their diagnostics (the
//! same edits `examkit check` knows), and "Add missing required keys" for the
//! innermost mapping at the cursor that lacks keys its schema requires.

use std::collections::HashMap;

use examkit_model::{Instance, instance_path, schema_codes};
use examkit_syntax::{Node, NodeKind, PathSegment, TextRange, locate};
use jsonschema::error::ValidationErrorKind;
use serde_json::Value;
use tower_lsp_server::ls_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, Range, TextEdit, WorkspaceEdit,
};

use crate::context::Step;
use crate::convert::{self, TextView};
use crate::request::{Current, Request};
use crate::schema_nav;

/// Answers `textDocument/codeAction`.
#[must_use]
pub fn code_actions(request: &Request, range: Range) -> Option<Vec<CodeActionOrCommand>> {
    let mut actions = Vec::new();
    quick_fixes(request, range, &mut actions);
    if let Some(current) = request.current() {
        let current = if current.tree.is_none() {
            Current::parse(current.text.clone(), current.version)
        } else {
            current
        };
        add_required_keys(request, &current, range, &mut actions);
    }
    Some(actions)
}

fn overlaps(a: Range, b: Range) -> bool {
    a.start <= b.end && b.start <= a.end
}

fn quick_fixes(request: &Request, range: Range, out: &mut Vec<CodeActionOrCommand>) {
    // Fixes are byte edits of the analysed text: offered only while the
    // client's text is that text.
    if !request.analysis_is_current() {
        return;
    }
    let Some(summary) = request.summary() else {
        return;
    };
    let enc = request.encoding();
    let view = TextView {
        text: &summary.text,
        index: &summary.line_index,
    };
    for d in &summary.diagnostics {
        let Some(fix) = &d.fix else { continue };
        let at = view.range(d.range, enc);
        if !overlaps(at, range) {
            continue;
        }
        let edits = fix
            .edits
            .iter()
            .map(|e| TextEdit::new(view.range(e.range, enc), e.replacement.clone()))
            .collect();
        let diagnostic = convert::diagnostic(
            d,
            &request.uri,
            view,
            enc,
            request.settings.related_information,
            &|_, _| None,
        );
        out.push(CodeActionOrCommand::CodeAction(CodeAction {
            title: fix.title.clone(),
            kind: Some(CodeActionKind::QUICKFIX),
            diagnostics: Some(vec![diagnostic]),
            edit: Some(WorkspaceEdit {
                changes: Some(HashMap::from([(request.uri.clone(), edits)])),
                ..WorkspaceEdit::default()
            }),
            is_preferred: Some(true),
            ..CodeAction::default()
        }));
    }
}

/// The missing required keys of every mapping, by the mapping's path.
fn missing_keys(current: &Current) -> Vec<(Vec<PathSegment>, Vec<String>)> {
    let mut missing: Vec<(Vec<PathSegment>, Vec<String>)> = Vec::new();
    let (Some(kind), Some(root)) = (current.kind, current.tree.as_ref()) else {
        return missing;
    };
    for error in examkit_model::validator(kind).iter_errors(Instance::Tree(root)) {
        if let ValidationErrorKind::Required { property } = error.kind() {
            let path = instance_path(error.instance_path());
            if let Some(name) = property.as_str() {
                let at = match missing.iter().position(|(p, _)| *p == path) {
                    Some(i) => i,
                    None => {
                        missing.push((path, Vec::new()));
                        missing.len() - 1
                    }
                };
                let keys = &mut missing[at].1;
                if !keys.iter().any(|k| k == name) {
                    keys.push(name.to_owned());
                }
            }
        }
    }
    missing
}

fn node_at<'n>(root: &'n Node, path: &[PathSegment]) -> Option<&'n Node> {
    let mut node = root;
    for segment in path {
        node = match (segment, &node.kind) {
            (PathSegment::Key(k), NodeKind::Mapping(_)) => node.get(k)?,
            (PathSegment::Index(i), NodeKind::Sequence(items)) => items.get(*i)?,
            _ => return None,
        };
    }
    Some(node)
}

/// A placeholder value for a key, from its schema.
fn placeholder(kind: examkit_model::Kind, path: &[PathSegment], key: &str) -> String {
    let steps: Vec<Step> = path
        .iter()
        .map(|s| match s {
            PathSegment::Key(k) => Step::Key(k.clone()),
            PathSegment::Index(_) => Step::Item,
        })
        .collect();
    let Some(node) = schema_nav::property(kind, &steps, key) else {
        return "\"\"".to_owned();
    };
    let values = schema_nav::values(kind, node);
    if let Some(first) = values.first() {
        return if first.parse::<f64>().is_ok() {
            format!("\"{first}\"")
        } else {
            first.clone()
        };
    }
    let resolved = schema_nav::resolve_all(examkit_model::schema(kind), node);
    match resolved.and_then(schema_nav::type_name) {
        Some("array") => "[]".to_owned(),
        Some("object") => "{}".to_owned(),
        Some("integer" | "number") => resolved
            .and_then(|r| r.get("minimum"))
            .and_then(Value::as_i64)
            .unwrap_or(0)
            .to_string(),
        Some("boolean") => "false".to_owned(),
        _ => "\"\"".to_owned(),
    }
}

fn add_required_keys(
    request: &Request,
    current: &Current,
    range: Range,
    out: &mut Vec<CodeActionOrCommand>,
) {
    let (Some(kind), Some(root)) = (current.kind, current.tree.as_ref()) else {
        return;
    };
    let enc = request.encoding();
    let view = current.view();
    let start = view.offset(range.start, enc);
    let end = view.offset(range.end, enc);
    // The innermost mapping at the cursor that lacks required keys.
    let best = missing_keys(current)
        .into_iter()
        .filter_map(|(path, keys)| {
            let node = node_at(root, &path)?;
            let entries = node.as_mapping()?;
            let covers = node.range.contains_inclusive(start)
                || node.range.contains_inclusive(end)
                || locate(root, &path)
                    .key
                    .is_some_and(|k| k.contains_inclusive(start));
            (covers && !entries.is_empty()).then_some((path, keys, node))
        })
        .min_by_key(|(_, _, node)| node.range.len());
    let Some((path, keys, node)) = best else {
        return;
    };
    let text = &current.text;
    let Some(entries) = node.as_mapping() else {
        return;
    };
    let pairs: Vec<(String, String)> = keys
        .iter()
        .map(|k| (k.clone(), placeholder(kind, &path, k)))
        .collect();
    let flow = text.as_bytes().get(node.range.start() as usize) == Some(&b'{');
    let edit = if flow {
        let close = node.range.end().saturating_sub(1);
        let inserted: String = pairs.iter().map(|(k, v)| format!(", {k}: {v}")).collect();
        TextEdit::new(view.range(TextRange::empty(close), enc), inserted)
    } else {
        let first_key = entries[0].key.range.start();
        let line_start = text[..first_key as usize].rfind('\n').map_or(0, |i| i + 1);
        let indent = " ".repeat(first_key as usize - line_start);
        // After the mapping's last line.
        let body = TextRange::new(node.range.start(), node.range.end()).slice(text);
        let last = node.range.start() + u32::try_from(body.trim_end().len()).unwrap_or(0);
        let (at, lead) = match text[last as usize..].find('\n') {
            Some(i) => (last + u32::try_from(i + 1).unwrap_or(0), ""),
            None => (u32::try_from(text.len()).unwrap_or(u32::MAX), "\n"),
        };
        let inserted: String = pairs
            .iter()
            .map(|(k, v)| format!("{indent}{k}: {v}\n"))
            .collect();
        TextEdit::new(
            view.range(TextRange::empty(at), enc),
            format!("{lead}{inserted}"),
        )
    };
    let list = keys
        .iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let mut edit_map = HashMap::new();
    edit_map.insert(request.uri.clone(), vec![edit]);
    let diagnostics = request
        .summary()
        .filter(|_| request.analysis_is_current())
        .map(|summary| {
            let sview = TextView {
                text: &summary.text,
                index: &summary.line_index,
            };
            summary
                .diagnostics
                .iter()
                .filter(|d| d.code == schema_codes::REQUIRED)
                .map(|d| convert::diagnostic(d, &request.uri, sview, enc, false, &|_, _| None))
                .filter(|d| overlaps(d.range, range))
                .collect::<Vec<_>>()
        });
    out.push(CodeActionOrCommand::CodeAction(CodeAction {
        title: format!("Add missing required keys ({list})"),
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: diagnostics.filter(|d| !d.is_empty()),
        edit: Some(WorkspaceEdit {
            changes: Some(edit_map),
            ..WorkspaceEdit::default()
        }),
        ..CodeAction::default()
    }));
}
