//! Document symbols (an outline of a file's questions, tasks, domains and
//! service features) and workspace symbols (services, tasks, questions).

use examkit_model::entities::Entity;
use examkit_syntax::TextRange;
use tower_lsp_server::ls_types::{
    DocumentSymbol, DocumentSymbolResponse, Location, SymbolInformation, SymbolKind,
    WorkspaceSymbolResponse,
};

use crate::convert::TextView;
use crate::request::{Current, Request};
use crate::snapshot::{ReadModel, Settings};

/// The most workspace symbols one answer carries.
const MAX_WORKSPACE_SYMBOLS: usize = 2000;

struct Outline {
    name: String,
    detail: Option<String>,
    kind: SymbolKind,
    range: TextRange,
    selection: TextRange,
    children: Vec<Outline>,
}

fn first_line(text: &str, max: usize) -> String {
    let line = text.lines().next().unwrap_or("").trim();
    if line.chars().count() > max {
        let cut: String = line.chars().take(max).collect();
        format!("{cut}…")
    } else {
        line.to_owned()
    }
}

fn outline(current: &Current, questions: &[crate::snapshot::QuestionOutline]) -> Vec<Outline> {
    match &current.entity {
        Some(Entity::Questions(set)) => set
            .questions
            .iter()
            .map(|q| Outline {
                name: q
                    .id
                    .as_ref()
                    .map_or_else(|| "(question without id)".to_owned(), |i| i.value.clone()),
                detail: q.stem.as_ref().map(|s| first_line(&s.value, 80)),
                kind: SymbolKind::OBJECT,
                range: q.range,
                selection: q.id.as_ref().map_or(q.range, |i| i.range),
                children: Vec::new(),
            })
            .collect(),
        Some(Entity::Domain(domain)) => domain
            .tasks
            .iter()
            .map(|t| Outline {
                name: t.id.as_ref().map_or_else(
                    || "(task without id)".to_owned(),
                    |i| format!("Task {}", i.value),
                ),
                detail: t.title.as_ref().map(|s| first_line(&s.value, 80)),
                kind: SymbolKind::FUNCTION,
                range: t.range,
                selection: t.id.as_ref().map_or(t.range, |i| i.range),
                children: Vec::new(),
            })
            .collect(),
        Some(Entity::Service(service)) => {
            let Some(id) = &service.id else {
                return Vec::new();
            };
            let features = service
                .features
                .iter()
                .map(|f| Outline {
                    name: f.name.value.clone(),
                    detail: None,
                    kind: SymbolKind::PROPERTY,
                    range: f.name.range,
                    selection: f.name.range,
                    children: Vec::new(),
                })
                .collect();
            vec![Outline {
                name: id.value.clone(),
                detail: service.name.as_ref().map(|n| n.value.clone()),
                kind: SymbolKind::CLASS,
                range: TextRange::new(0, u32::try_from(current.text.len()).unwrap_or(u32::MAX)),
                selection: id.range,
                children: features,
            }]
        }
        Some(Entity::Exam(exam)) => exam
            .domains
            .iter()
            .map(|d| Outline {
                name: format!("Domain {}", d.id.value),
                detail: d.title.as_ref().map(|t| t.value.clone()),
                kind: SymbolKind::MODULE,
                range: d.id.range,
                selection: d.id.range,
                children: Vec::new(),
            })
            .collect(),
        None => questions
            .iter()
            .map(|q| Outline {
                name: q
                    .id
                    .as_ref()
                    .map_or_else(|| "(question without id)".to_owned(), |i| i.value.clone()),
                detail: q.stem.as_deref().map(|s| first_line(s, 80)),
                kind: SymbolKind::OBJECT,
                range: q.range,
                selection: q.id.as_ref().map_or(q.range, |i| i.range),
                children: Vec::new(),
            })
            .collect(),
    }
}

#[allow(deprecated)]
fn to_document_symbol(o: Outline, view: TextView<'_>, request: &Request) -> DocumentSymbol {
    let enc = request.encoding();
    let range = view.range(o.range, enc);
    let mut selection = view.range(o.selection, enc);
    if selection.start < range.start || selection.end > range.end {
        selection = range;
    }
    DocumentSymbol {
        name: o.name,
        detail: o.detail,
        kind: o.kind,
        tags: None,
        deprecated: None,
        range,
        selection_range: selection,
        children: Some(
            o.children
                .into_iter()
                .map(|c| to_document_symbol(c, view, request))
                .collect(),
        ),
    }
}

/// Answers `textDocument/documentSymbol`.
#[must_use]
#[allow(deprecated)]
pub fn document(request: &Request) -> Option<DocumentSymbolResponse> {
    let current = request.current()?;
    let questions = if request.analysis_is_current() {
        request
            .summary()
            .map(|s| s.questions.clone())
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    let items = outline(&current, &questions);
    let view = current.view();
    if request.settings.hierarchical_symbols {
        Some(DocumentSymbolResponse::Nested(
            items
                .into_iter()
                .map(|o| to_document_symbol(o, view, request))
                .collect(),
        ))
    } else {
        let enc = request.encoding();
        let mut flat = Vec::new();
        for o in items {
            flat.push(SymbolInformation {
                name: o.name,
                kind: o.kind,
                tags: None,
                deprecated: None,
                location: Location::new(request.uri.clone(), view.range(o.range, enc)),
                container_name: None,
            });
        }
        Some(DocumentSymbolResponse::Flat(flat))
    }
}

fn matches(query: &str, name: &str, other: Option<&str>) -> bool {
    if query.is_empty() {
        return true;
    }
    let fuzzy = |hay: &str| {
        let hay = hay.to_lowercase();
        let mut chars = hay.chars();
        query.chars().all(|q| chars.any(|c| c == q))
    };
    fuzzy(name) || other.is_some_and(fuzzy)
}

/// Answers `workspace/symbol`: services, tasks and questions of every root.
#[must_use]
#[allow(deprecated)]
pub fn workspace(
    model: &ReadModel,
    settings: &Settings,
    query: &str,
) -> Option<WorkspaceSymbolResponse> {
    let query = query.to_lowercase();
    let mut out = Vec::new();
    for root in &model.roots {
        for file in root.files.values() {
            let Some(uri) = &file.uri else { continue };
            let view = TextView {
                text: &file.text,
                index: &file.line_index,
            };
            let mut push = |name: String,
                            container: Option<String>,
                            kind: SymbolKind,
                            range: TextRange| {
                if out.len() < MAX_WORKSPACE_SYMBOLS && matches(&query, &name, container.as_deref())
                {
                    out.push(SymbolInformation {
                        name,
                        kind,
                        tags: None,
                        deprecated: None,
                        location: Location::new(uri.clone(), view.range(range, settings.encoding)),
                        container_name: container,
                    });
                }
            };
            match &file.entity {
                Some(Entity::Service(service)) => {
                    if let Some(id) = &service.id {
                        push(
                            id.value.clone(),
                            service.name.as_ref().map(|n| n.value.clone()),
                            SymbolKind::CLASS,
                            id.range,
                        );
                    }
                }
                Some(Entity::Domain(domain)) => {
                    for task in &domain.tasks {
                        if let Some(id) = &task.id {
                            push(
                                format!("Task {}", id.value),
                                task.title.as_ref().map(|t| first_line(&t.value, 80)),
                                SymbolKind::FUNCTION,
                                id.range,
                            );
                        }
                    }
                }
                _ => {}
            }
            for q in &file.questions {
                if let Some(id) = &q.id {
                    push(
                        id.value.clone(),
                        q.stem.as_deref().map(|s| first_line(s, 80)),
                        SymbolKind::OBJECT,
                        id.range,
                    );
                }
            }
        }
    }
    Some(WorkspaceSymbolResponse::Flat(out))
}
