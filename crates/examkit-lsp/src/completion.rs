//! Completion from the YAML path at the cursor: keys the schema allows and
//! that are not there yet, enum values, service and task ids where the
//! schema declares a reference, and a skeleton for a new question.

use examkit_model::Kind;
use examkit_model::entities::Entity;
use examkit_model::references::RefTarget;
use examkit_syntax::{Scalar, ScalarStyle, ScalarValue};
use serde_json::Value;
use tower_lsp_server::ls_types::{
    CompletionItem, CompletionItemKind, CompletionResponse, CompletionTextEdit, Documentation,
    InsertTextFormat, InsertTextMode, MarkupContent, MarkupKind, Position, TextEdit,
};

use crate::context::{Cursor, Step, Target, completion_context};
use crate::request::{Request, byte_col, line_range};
use crate::schema_nav::{self, KeyDoc};
use crate::snapshot::RootSnapshot;

/// Answers `textDocument/completion`.
#[must_use]
pub fn complete(request: &Request, position: Position) -> Option<CompletionResponse> {
    let enc = request.encoding();
    let lines = request.lines();
    let line_no = position.line as usize;
    let line = lines.line(line_no);
    let col = byte_col(&line, position.character, enc);
    let cursor = completion_context(lines.as_ref(), line_no, col)?;
    let kind = request.kind(lines.as_ref());
    let range = line_range(line_no, &line, cursor.word.0, cursor.word.1, enc);
    let after = line[col..].chars().next();
    let mut out = Out {
        items: Vec::new(),
        range,
        snippets: request.settings.snippets,
        markdown: request.settings.markdown,
    };
    let Some(kind) = kind else {
        // No kind yet: only `kind:` itself can be completed.
        complete_without_kind(&cursor, &mut out);
        return Some(CompletionResponse::Array(out.items));
    };
    let root = request.root().map(AsRef::as_ref);
    match &cursor.target {
        Target::Key {
            path,
            existing,
            indent,
        } => {
            out.keys(kind, path, existing, *indent);
        }
        Target::Value {
            path,
            key,
            flow_item,
            quote,
        } => {
            let Some(mut node) = schema_nav::property(kind, path, key) else {
                return Some(CompletionResponse::Array(Vec::new()));
            };
            if *flow_item {
                node = schema_nav::items(kind, node)?;
            }
            let flow = if *flow_item {
                Some(line.as_ref())
            } else {
                None
            };
            out.values(kind, node, root, *quote, after, flow, "");
        }
        Target::Item { path, dash, indent } => {
            out.item(kind, path, *dash, *indent, root, after);
        }
        Target::Child { path, indent } => {
            let node = schema_nav::at_path(kind, path);
            match node.and_then(schema_nav::type_name) {
                Some("array") => out.item(kind, path, false, *indent, root, after),
                _ => out.keys(kind, path, &[], *indent),
            }
        }
    }
    Some(CompletionResponse::Array(out.items))
}

fn complete_without_kind(cursor: &Cursor, out: &mut Out) {
    match &cursor.target {
        Target::Key { path, existing, .. }
            if path.is_empty() && !existing.iter().any(|k| k == "kind") =>
        {
            out.items.push(CompletionItem {
                label: "kind".to_owned(),
                kind: Some(CompletionItemKind::PROPERTY),
                detail: Some("what the file holds".to_owned()),
                documentation: Some(
                    out.doc(
                        "The kind of content file: `exam`, `domain`, `service` or `questions`.",
                    ),
                ),
                text_edit: Some(out.edit("kind: ")),
                ..CompletionItem::default()
            });
        }
        Target::Value { path, key, .. } if path.is_empty() && key == "kind" => {
            for kind in Kind::ALL {
                let mut item = out.value_item(kind.name(), kind.name());
                item.kind = Some(CompletionItemKind::ENUM_MEMBER);
                out.items.push(item);
            }
        }
        _ => {}
    }
}

struct Out {
    items: Vec<CompletionItem>,
    range: tower_lsp_server::ls_types::Range,
    snippets: bool,
    markdown: bool,
}

/// Whether a plain scalar would not read back as this string.
fn needs_quotes(s: &str, flow: bool) -> bool {
    let plain = Scalar {
        text: s.into(),
        style: ScalarStyle::Plain,
    };
    !matches!(plain.value(), ScalarValue::Str(_))
        || s.is_empty()
        || s.starts_with(|c: char| "-?:,[]{}#&*!|>'\"%@`".contains(c) || c.is_whitespace())
        || s.ends_with(char::is_whitespace)
        || s.contains(": ")
        || s.contains(" #")
        || (flow && s.contains([',', '[', ']', '{', '}']))
}

impl Out {
    fn doc(&self, text: &str) -> Documentation {
        if self.markdown {
            Documentation::MarkupContent(MarkupContent {
                kind: MarkupKind::Markdown,
                value: text.to_owned(),
            })
        } else {
            Documentation::String(text.to_owned())
        }
    }

    fn edit(&self, text: &str) -> CompletionTextEdit {
        CompletionTextEdit::Edit(TextEdit::new(self.range, text.to_owned()))
    }

    fn value_item(&self, label: &str, insert: &str) -> CompletionItem {
        CompletionItem {
            label: label.to_owned(),
            filter_text: Some(label.to_owned()),
            text_edit: Some(self.edit(insert)),
            ..CompletionItem::default()
        }
    }

    /// Keys allowed in the mapping at `path` and not present yet.
    fn keys(&mut self, kind: Kind, path: &[Step], existing: &[String], indent: usize) {
        for key in schema_nav::keys(kind, path) {
            if existing.iter().any(|e| e == key.name) {
                continue;
            }
            let (text, snippet) = self.key_insert(kind, &key, indent);
            self.items.push(CompletionItem {
                label: key.name.to_owned(),
                kind: Some(CompletionItemKind::PROPERTY),
                detail: Some(if key.required { "required" } else { "optional" }.to_owned()),
                documentation: key.description.map(|d| self.doc(d)),
                sort_text: Some(format!("{}{}", u8::from(!key.required), key.name)),
                filter_text: Some(key.name.to_owned()),
                text_edit: Some(self.edit(&text)),
                insert_text_format: Some(if snippet {
                    InsertTextFormat::SNIPPET
                } else {
                    InsertTextFormat::PLAIN_TEXT
                }),
                insert_text_mode: Some(InsertTextMode::AS_IS),
                ..CompletionItem::default()
            });
        }
    }

    /// What a key inserts: `key: ` and, with snippets, a start of its value.
    fn key_insert(&self, kind: Kind, key: &KeyDoc, indent: usize) -> (String, bool) {
        let name = key.name;
        let Some(schema) = key.schema else {
            return (format!("{name}: "), false);
        };
        let values = schema_nav::values(kind, schema);
        if !self.snippets {
            return (format!("{name}: "), false);
        }
        let pad = " ".repeat(indent + 2);
        if values.len() > 1 {
            let choices = values
                .iter()
                .map(|v| v.replace([',', '|', '\\'], ""))
                .collect::<Vec<_>>()
                .join(",");
            return (format!("{name}: ${{1|{choices}|}}"), true);
        }
        match schema_nav::type_name(schema) {
            Some("array") => {
                let item_is_object = schema_nav::items(kind, schema)
                    .and_then(|i| schema_nav::resolve_all(examkit_model::schema(kind), i))
                    .and_then(schema_nav::type_name)
                    == Some("object");
                if item_is_object {
                    (format!("{name}:\n{pad}- $0"), true)
                } else {
                    (format!("{name}: [$0]"), true)
                }
            }
            Some("object") => (format!("{name}:\n{pad}$0"), true),
            _ => (format!("{name}: $0"), true),
        }
    }

    /// Values a scalar schema allows: enum values, or the ids it refers to.
    #[allow(clippy::too_many_arguments)]
    fn values(
        &mut self,
        kind: Kind,
        node: &'static Value,
        root: Option<&RootSnapshot>,
        quote: Option<char>,
        after: Option<char>,
        flow_line: Option<&str>,
        prefix: &str,
    ) {
        let flow = flow_line.is_some();
        // Ids already listed in the same flow sequence are not offered again.
        let listed: Vec<String> = flow_line
            .and_then(|l| {
                let open = l.find('[')?;
                let close = l.rfind(']').unwrap_or(l.len());
                Some(
                    l[open + 1..close.max(open + 1)]
                        .split(',')
                        .map(|s| s.trim().trim_matches(['"', '\'']).to_owned())
                        .collect(),
                )
            })
            .unwrap_or_default();
        let insert = |value: &str| -> String {
            match quote {
                Some(q) => {
                    let close = if after == Some(q) {
                        String::new()
                    } else {
                        q.to_string()
                    };
                    format!("{prefix}{value}{close}")
                }
                None if needs_quotes(value, flow) => {
                    format!(
                        "{prefix}\"{}\"",
                        value.replace('\\', "\\\\").replace('"', "\\\"")
                    )
                }
                None => format!("{prefix}{value}"),
            }
        };
        match schema_nav::target(kind, node) {
            Some(RefTarget::Service) => {
                let Some(root) = root else { return };
                for (id, name, definition) in services(root) {
                    if listed.contains(&id) {
                        continue;
                    }
                    let mut item = self.value_item(&id, &insert(&id));
                    item.kind = Some(CompletionItemKind::VALUE);
                    item.detail = name;
                    item.documentation = definition.map(|d| self.doc(&d));
                    self.items.push(item);
                }
            }
            Some(RefTarget::Task) => {
                let Some(root) = root else { return };
                for (id, title, summary) in tasks(root) {
                    if listed.contains(&id) {
                        continue;
                    }
                    let mut item = self.value_item(&id, &insert(&id));
                    item.kind = Some(CompletionItemKind::VALUE);
                    item.detail = title;
                    item.documentation = summary.map(|d| self.doc(&d));
                    self.items.push(item);
                }
            }
            None => {
                for value in schema_nav::values(kind, node) {
                    let mut item = self.value_item(&value, &insert(&value));
                    item.kind = Some(CompletionItemKind::ENUM_MEMBER);
                    self.items.push(item);
                }
            }
        }
    }

    /// An item of the sequence at `path`: a new question, the keys of a
    /// new mapping item, or a value.
    fn item(
        &mut self,
        kind: Kind,
        path: &[Step],
        dash: bool,
        indent: usize,
        root: Option<&RootSnapshot>,
        after: Option<char>,
    ) {
        let Some(array) = schema_nav::at_path(kind, path) else {
            return;
        };
        let Some(items) = schema_nav::items(kind, array) else {
            return;
        };
        let resolved = schema_nav::resolve_all(examkit_model::schema(kind), items);
        let is_object = resolved.and_then(schema_nav::type_name) == Some("object");
        if is_object {
            if kind == Kind::Questions && path == [Step::Key("questions".to_owned())] {
                self.question_skeleton(dash, indent);
            }
            let mut item_path = path.to_vec();
            item_path.push(Step::Item);
            let key_indent = indent + 2;
            let start = self.items.len();
            self.keys(kind, &item_path, &[], key_indent);
            if !dash {
                // On a fresh line, the item's marker comes first.
                for item in &mut self.items[start..] {
                    if let Some(CompletionTextEdit::Edit(edit)) = &mut item.text_edit {
                        edit.new_text = format!("- {}", edit.new_text);
                    }
                }
            }
        } else {
            let prefix = if dash { "" } else { "- " };
            self.values(kind, items, root, None, after, None, prefix);
        }
    }

    fn question_skeleton(&mut self, dash: bool, indent: usize) {
        let pad = " ".repeat(indent + 2);
        let marker = if dash { "" } else { "- " };
        let (text, format) = if self.snippets {
            let lines = [
                "id: ${1:question-id}".to_owned(),
                "type: ${2|single,multiple,ordering,matching|}".to_owned(),
                "difficulty: ${3|easy,medium,hard|}".to_owned(),
                "stem: ${4:The question?}".to_owned(),
                "options:".to_owned(),
                "  - text: ${5:The correct option}".to_owned(),
                "    correct: true".to_owned(),
                "    why: ${6:Why it is right.}".to_owned(),
                "  - text: ${7:A wrong option}".to_owned(),
                "    why: ${8:Why it is wrong.}".to_owned(),
                "  - text: ${9:Another wrong option}".to_owned(),
                "    why: ${10:Why it is wrong.}".to_owned(),
                "explanation: ${11:What the question teaches.}".to_owned(),
                "services: [$0]".to_owned(),
            ];
            (lines.join(&format!("\n{pad}")), InsertTextFormat::SNIPPET)
        } else {
            let lines = [
                "id: question-id",
                "type: single",
                "difficulty: medium",
                "stem: \"\"",
                "options:",
                "  - text: \"\"",
                "    correct: true",
                "  - text: \"\"",
                "  - text: \"\"",
                "explanation: \"\"",
                "services: []",
            ];
            (
                lines.join(&format!("\n{pad}")),
                InsertTextFormat::PLAIN_TEXT,
            )
        };
        self.items.push(CompletionItem {
            label: "new question".to_owned(),
            kind: Some(CompletionItemKind::SNIPPET),
            detail: Some("a single-answer question skeleton".to_owned()),
            sort_text: Some("0".to_owned()),
            filter_text: Some("question".to_owned()),
            text_edit: Some(self.edit(&format!("{marker}{text}"))),
            insert_text_format: Some(format),
            insert_text_mode: Some(InsertTextMode::AS_IS),
            ..CompletionItem::default()
        });
    }
}

/// Every service of a root: id, canonical name, definition.
fn services(root: &RootSnapshot) -> Vec<(String, Option<String>, Option<String>)> {
    root.index
        .services
        .iter()
        .filter_map(|(id, defs)| {
            let file = root.file_at(defs.first()?.file)?;
            let Some(Entity::Service(service)) = &file.entity else {
                return Some((id.clone(), None, None));
            };
            Some((
                id.clone(),
                service.name.as_ref().map(|n| n.value.clone()),
                service.definition.as_ref().map(|d| d.value.clone()),
            ))
        })
        .collect()
}

/// Every task of a root: id, title, summary.
fn tasks(root: &RootSnapshot) -> Vec<(String, Option<String>, Option<String>)> {
    root.index
        .tasks
        .iter()
        .filter_map(|(id, defs)| {
            let def = defs.first()?;
            let file = root.file_at(def.file)?;
            let Some(Entity::Domain(domain)) = &file.entity else {
                return Some((id.clone(), None, None));
            };
            let task = domain
                .tasks
                .iter()
                .find(|t| t.id.as_ref().is_some_and(|i| i.range == def.range));
            Some((
                id.clone(),
                task.and_then(|t| t.title.as_ref()).map(|t| t.value.clone()),
                task.and_then(|t| t.summary.as_ref())
                    .map(|s| s.value.clone()),
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::needs_quotes;

    #[test]
    fn quoting() {
        assert!(needs_quotes("1.1", false));
        assert!(needs_quotes("true", false));
        assert!(!needs_quotes("amazon-bedrock", false));
        assert!(!needs_quotes("Security, Identity, and Compliance", false));
        assert!(needs_quotes("Security, Identity, and Compliance", true));
    }
}
