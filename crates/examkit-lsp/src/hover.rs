//! Hover: a service's name, category, definition and use cases; a task's
//! title and summary; a key's description from the schema.

use std::fmt::Write;

use examkit_model::entities::Entity;
use examkit_model::references::RefTarget;
use tower_lsp_server::ls_types::{Hover, HoverContents, MarkupContent, MarkupKind, Position};

use crate::navigation::{Symbol, symbol_at};
use crate::request::Request;
use crate::schema_nav;
use crate::snapshot::RootSnapshot;

/// Answers `textDocument/hover`.
#[must_use]
pub fn hover(request: &Request, position: Position) -> Option<Hover> {
    let at = symbol_at(request, position)?;
    let text = match &at.symbol {
        Symbol::Key { kind, path, key } => {
            let node = schema_nav::property(*kind, path, key)?;
            let description = schema_nav::description(examkit_model::schema(*kind), node)?;
            format!("**{key}**\n\n{description}")
        }
        Symbol::Ref { target, id, .. } => {
            let root = request.root();
            match target {
                RefTarget::Service => service_text(root.map(AsRef::as_ref), id),
                RefTarget::Task => task_text(root.map(AsRef::as_ref), id),
            }
        }
        Symbol::Question { id } => format!("question `{id}`"),
    };
    let kind = if request.settings.markdown {
        MarkupKind::Markdown
    } else {
        MarkupKind::PlainText
    };
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent { kind, value: text }),
        range: Some(at.range),
    })
}

/// The hover text of a service id.
#[must_use]
pub fn service_text(root: Option<&RootSnapshot>, id: &str) -> String {
    let found = root.and_then(|root| {
        let def = root.index.services.get(id)?.first()?;
        match &root.file_at(def.file)?.entity {
            Some(Entity::Service(service)) => Some(service.clone()),
            _ => None,
        }
    });
    let Some(service) = found else {
        return format!("No service with id `{id}` in this content root.");
    };
    let mut out = String::new();
    let name = service.name.as_ref().map_or(id, |n| n.value.as_str());
    let _ = write!(out, "**{name}** · `{id}`");
    if let Some(category) = &service.category {
        let _ = write!(out, "\n\n*{}*", category.value);
    }
    if let Some(definition) = &service.definition {
        let _ = write!(out, "\n\n{}", definition.value);
    }
    if !service.use_cases.is_empty() {
        out.push_str("\n\n**Use cases**\n");
        for case in &service.use_cases {
            let _ = write!(out, "\n- {}", case.value);
        }
    }
    out
}

/// The hover text of a task id.
#[must_use]
pub fn task_text(root: Option<&RootSnapshot>, id: &str) -> String {
    let found = root.and_then(|root| {
        let def = root.index.tasks.get(id)?.first()?;
        match &root.file_at(def.file)?.entity {
            Some(Entity::Domain(domain)) => domain
                .tasks
                .iter()
                .find(|t| t.id.as_ref().is_some_and(|i| i.range == def.range))
                .cloned(),
            _ => None,
        }
    });
    let Some(task) = found else {
        return format!("No task with id `{id}` in this content root.");
    };
    let mut out = format!("**Task {id}**");
    if let Some(title) = &task.title {
        let _ = write!(out, ": {}", title.value);
    }
    if let Some(summary) = &task.summary {
        let _ = write!(out, "\n\n{}", summary.value);
    }
    out
}
