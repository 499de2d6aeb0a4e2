//! Go to definition, find references and rename, for service ids, task ids
//! and question ids. What is at the cursor is read from the current text;
//! where ids are defined and referenced comes from every file of the root,
//! each as the client has it now.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use examkit_model::Kind;
use examkit_model::entities::Entity;
use examkit_model::references::RefTarget;
use examkit_syntax::TextRange;
use tower_lsp_server::ls_types::{
    GotoDefinitionResponse, Location, OneOf, OptionalVersionedTextDocumentIdentifier, Position,
    PrepareRenameResponse, Range, TextDocumentEdit, TextEdit, Uri, WorkspaceEdit,
};

use crate::context::{Step, Target, token_context};
use crate::documents::Document;
use crate::documents::text_of;
use crate::request::{Current, Request, byte_col, line_range, unquoted};
use crate::schema_nav;
use crate::snapshot::{FileSummary, RootSnapshot};

/// What the cursor is on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Symbol {
    /// A key in the mapping at `path`.
    Key {
        /// The document's kind.
        kind: Kind,
        /// The mapping's path.
        path: Vec<Step>,
        /// The key.
        key: String,
    },
    /// A service or task id: a reference, or the definition itself.
    Ref {
        /// What it names.
        target: RefTarget,
        /// The id.
        id: String,
        /// Whether this is where the id is defined.
        definition: bool,
    },
    /// A question's id where the question defines it.
    Question {
        /// The id.
        id: String,
    },
}

/// A symbol and the client range of its word.
#[derive(Clone, Debug)]
pub struct SymbolAt {
    /// The symbol.
    pub symbol: Symbol,
    /// Its word.
    pub range: Range,
}

fn key(name: &str) -> Step {
    Step::Key(name.to_owned())
}

/// What is at `position` in the request's document.
#[must_use]
pub fn symbol_at(request: &Request, position: Position) -> Option<SymbolAt> {
    let enc = request.encoding();
    let lines = request.lines();
    let line_no = position.line as usize;
    let line = lines.line(line_no);
    let col = byte_col(&line, position.character, enc);
    let cursor = token_context(lines.as_ref(), line_no, col)?;
    let kind = request.kind(lines.as_ref())?;
    let word = line.get(cursor.word.0..cursor.word.1)?.to_owned();
    let range = line_range(line_no, &line, cursor.word.0, cursor.word.1, enc);
    let symbol = match cursor.target {
        Target::Key { path, .. } => Symbol::Key {
            kind,
            path,
            key: word,
        },
        Target::Value {
            path,
            key: name,
            flow_item,
            ..
        } => {
            let mut node = schema_nav::property(kind, &path, &name);
            if flow_item {
                node = node.and_then(|n| schema_nav::items(kind, n));
            }
            if let Some(target) = node.and_then(|n| schema_nav::target(kind, n)) {
                Symbol::Ref {
                    target,
                    id: word,
                    definition: false,
                }
            } else if name == "id" && kind == Kind::Service && path.is_empty() {
                Symbol::Ref {
                    target: RefTarget::Service,
                    id: word,
                    definition: true,
                }
            } else if name == "id" && kind == Kind::Domain && path == [key("tasks"), Step::Item] {
                Symbol::Ref {
                    target: RefTarget::Task,
                    id: word,
                    definition: true,
                }
            } else if name == "id"
                && kind == Kind::Questions
                && path == [key("questions"), Step::Item]
            {
                Symbol::Question { id: word }
            } else {
                Symbol::Key {
                    kind,
                    path,
                    key: name,
                }
            }
        }
        Target::Item { path, .. } => {
            let node = schema_nav::at_path(kind, &path).and_then(|n| schema_nav::items(kind, n))?;
            Symbol::Ref {
                target: schema_nav::target(kind, node)?,
                id: word,
                definition: false,
            }
        }
        Target::Child { .. } => return None,
    };
    Some(SymbolAt { symbol, range })
}

/// Answers `textDocument/definition`.
#[must_use]
pub fn definition(request: &Request, position: Position) -> Option<GotoDefinitionResponse> {
    let at = symbol_at(request, position)?;
    let root = request.root()?;
    let defs = match &at.symbol {
        Symbol::Ref {
            target: RefTarget::Service,
            id,
            ..
        } => root.index.services.get(id)?,
        Symbol::Ref {
            target: RefTarget::Task,
            id,
            ..
        } => root.index.tasks.get(id)?,
        Symbol::Question { id } => root.index.questions.get(id)?,
        Symbol::Key { .. } => return None,
    };
    let enc = request.encoding();
    let locations: Vec<Location> = defs
        .iter()
        .filter_map(|def| {
            let file = root.file_at(def.file)?;
            let uri = file.uri.clone()?;
            let view = crate::convert::TextView {
                text: &file.text,
                index: &file.line_index,
            };
            Some(Location::new(
                uri,
                view.range(unquoted(def.range, &file.text), enc),
            ))
        })
        .collect();
    match locations.len() {
        0 => None,
        1 => locations
            .into_iter()
            .next()
            .map(GotoDefinitionResponse::Scalar),
        _ => Some(GotoDefinitionResponse::Array(locations)),
    }
}

/// A file of the root as the client has it now.
fn current_file(
    summary: &Arc<FileSummary>,
    docs: &[(PathBuf, Document)],
) -> (Current, Option<Uri>) {
    let open = docs
        .iter()
        .find(|(p, _)| p.as_path() == summary.path.as_ref());
    match open {
        Some((_, doc)) if summary.version != Some(doc.version) => (
            Current::parse(Arc::from(text_of(&doc.rope)), Some(doc.version)),
            Some(doc.uri.clone()),
        ),
        Some((_, doc)) => (current_from(summary), Some(doc.uri.clone())),
        None => (current_from(summary), summary.uri.clone()),
    }
}

fn current_from(summary: &FileSummary) -> Current {
    let mut current = Current {
        text: summary.text.clone(),
        index: summary.line_index.clone(),
        tree: None,
        kind: summary.kind,
        references: Vec::new(),
        entity: summary.entity.clone(),
        version: summary.version,
    };
    current.references.clone_from(&summary.references);
    if summary.kind == Some(Kind::Questions) {
        // The summary keeps an outline of questions: enough for their ids.
        current.entity = None;
    }
    current
}

/// Where `symbol` occurs in one file: references, then definitions.
fn occurrences(
    symbol: &Symbol,
    current: &Current,
    summary: &FileSummary,
    declarations: bool,
) -> Vec<TextRange> {
    let mut out = Vec::new();
    match symbol {
        Symbol::Ref { target, id, .. } => {
            out.extend(
                current
                    .references
                    .iter()
                    .filter(|r| r.target == *target && r.id == *id)
                    .map(|r| r.range),
            );
            if declarations {
                match (&current.entity, target) {
                    (Some(Entity::Service(service)), RefTarget::Service) => {
                        out.extend(
                            service
                                .id
                                .iter()
                                .filter(|i| i.value == *id)
                                .map(|i| i.range),
                        );
                    }
                    (Some(Entity::Domain(domain)), RefTarget::Task) => out.extend(
                        domain
                            .tasks
                            .iter()
                            .filter_map(|t| t.id.as_ref())
                            .filter(|i| i.value == *id)
                            .map(|i| i.range),
                    ),
                    _ => {}
                }
            }
        }
        Symbol::Question { id } => match &current.entity {
            Some(Entity::Questions(set)) => out.extend(
                set.questions
                    .iter()
                    .filter_map(|q| q.id.as_ref())
                    .filter(|i| i.value == *id)
                    .map(|i| i.range),
            ),
            _ if current.kind == Some(Kind::Questions) && current.version == summary.version => out
                .extend(
                    summary
                        .questions
                        .iter()
                        .filter_map(|q| q.id.as_ref())
                        .filter(|i| i.value == *id)
                        .map(|i| i.range),
                ),
            _ => {}
        },
        Symbol::Key { .. } => {}
    }
    out
}

/// Every occurrence of `symbol` in the root, per file.
fn all_occurrences(
    root: &RootSnapshot,
    symbol: &Symbol,
    declarations: bool,
    docs: &[(PathBuf, Document)],
) -> Vec<(Uri, Option<i32>, Current, Vec<TextRange>)> {
    let mut out = Vec::new();
    for summary in root.files.values() {
        let (current, uri) = current_file(summary, docs);
        let ranges = occurrences(symbol, &current, summary, declarations);
        if ranges.is_empty() {
            continue;
        }
        let Some(uri) = uri else { continue };
        out.push((uri, current.version, current, ranges));
    }
    out
}

/// Answers `textDocument/references`.
#[must_use]
pub fn references(
    request: &Request,
    position: Position,
    include_declaration: bool,
    docs: &[(PathBuf, Document)],
) -> Option<Vec<Location>> {
    let at = symbol_at(request, position)?;
    if matches!(at.symbol, Symbol::Key { .. }) {
        return None;
    }
    let root = request.root()?;
    let enc = request.encoding();
    let mut locations = Vec::new();
    for (uri, _, current, ranges) in all_occurrences(root, &at.symbol, include_declaration, docs) {
        let view = current.view();
        for range in ranges {
            locations.push(Location::new(
                uri.clone(),
                view.range(unquoted(range, &current.text), enc),
            ));
        }
    }
    Some(locations)
}

/// Answers `textDocument/prepareRename`: service ids and question ids can
/// be renamed.
#[must_use]
pub fn prepare_rename(request: &Request, position: Position) -> Option<PrepareRenameResponse> {
    let at = symbol_at(request, position)?;
    let placeholder = match &at.symbol {
        Symbol::Ref {
            target: RefTarget::Service,
            id,
            ..
        }
        | Symbol::Question { id } => id.clone(),
        _ => return None,
    };
    Some(PrepareRenameResponse::RangeWithPlaceholder {
        range: at.range,
        placeholder,
    })
}

fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.split('-').all(|w| {
            !w.is_empty()
                && w.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// Answers `textDocument/rename` with one edit over every file of the root,
/// or an explanation of why the new name cannot be used.
pub fn rename(
    request: &Request,
    position: Position,
    new_name: &str,
    docs: &[(PathBuf, Document)],
) -> Result<Option<WorkspaceEdit>, String> {
    let Some(at) = symbol_at(request, position) else {
        return Ok(None);
    };
    let Some(root) = request.root() else {
        return Ok(None);
    };
    let (what, taken) = match &at.symbol {
        Symbol::Ref {
            target: RefTarget::Service,
            ..
        } => ("service", root.index.services.contains_key(new_name)),
        Symbol::Question { .. } => ("question", root.index.questions.contains_key(new_name)),
        _ => return Err("only service ids and question ids can be renamed".to_owned()),
    };
    if !is_slug(new_name) {
        return Err(format!(
            "`{new_name}` is not a valid id: use lower-case letters and digits in words joined by single hyphens"
        ));
    }
    if taken {
        return Err(format!("a {what} with id `{new_name}` already exists"));
    }
    let enc = request.encoding();
    let mut per_file: Vec<(Uri, Option<i32>, Vec<TextEdit>)> = Vec::new();
    for (uri, version, current, ranges) in all_occurrences(root, &at.symbol, true, docs) {
        let view = current.view();
        let edits = ranges
            .into_iter()
            .map(|r| {
                TextEdit::new(
                    view.range(unquoted(r, &current.text), enc),
                    new_name.to_owned(),
                )
            })
            .collect();
        per_file.push((uri, version, edits));
    }
    if request.settings.document_changes {
        let edits = per_file
            .into_iter()
            .map(|(uri, version, edits)| TextDocumentEdit {
                text_document: OptionalVersionedTextDocumentIdentifier { uri, version },
                edits: edits.into_iter().map(OneOf::Left).collect(),
            })
            .collect();
        Ok(Some(WorkspaceEdit {
            changes: None,
            document_changes: Some(tower_lsp_server::ls_types::DocumentChanges::Edits(edits)),
            change_annotations: None,
        }))
    } else {
        let changes: HashMap<Uri, Vec<TextEdit>> = per_file
            .into_iter()
            .map(|(uri, _, edits)| (uri, edits))
            .collect();
        Ok(Some(WorkspaceEdit {
            changes: Some(changes),
            document_changes: None,
            change_annotations: None,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::is_slug;

    #[test]
    fn slugs() {
        assert!(is_slug("amazon-bedrock"));
        assert!(is_slug("s3"));
        assert!(!is_slug("Amazon"));
        assert!(!is_slug("a--b"));
        assert!(!is_slug("-a"));
    }
}
