//! The analysis of one file on its own: parse, recognise the kind, validate,
//! read the entity and its references. Pure and independent of every other
//! file, so files are analysed in parallel and re-analysed one at a time.

use std::path::Path;
use std::sync::Arc;

use examkit_syntax::{Diagnostic, LineIndex, Node, TextRange, parse, parse_bytes};

use crate::entities::{Entity, read_entity};
use crate::references::{Reference, references};
use crate::schemas::Kind;
use crate::semantics::semantic_checks;
use crate::suggest::did_you_mean;
use crate::validate::validate;

/// Diagnostic codes about a file as a whole.
pub mod codes {
    /// A YAML file without a `kind:` key.
    pub const MISSING_KIND: &str = "file/missing-kind";
    /// A `kind:` value that names no kind of content file.
    pub const UNKNOWN_KIND: &str = "file/unknown-kind";
    /// A file that could not be read.
    pub const UNREADABLE: &str = "file/unreadable";
}

/// One analysed source file.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// The file's path as given.
    pub path: Arc<Path>,
    /// Its text (lossily decoded when it is not UTF-8).
    pub text: String,
    /// Its line index.
    pub line_index: LineIndex,
    /// The document's tree, possibly partial.
    pub tree: Option<Node>,
    /// The kind its `kind:` names, if any.
    pub kind: Option<Kind>,
    /// Its typed content, when the kind is known.
    pub entity: Option<Entity>,
    /// The ids it refers to.
    pub references: Vec<Reference>,
    /// Syntax, schema and semantic findings of this file alone.
    pub diagnostics: Vec<Diagnostic>,
}

impl SourceFile {
    /// Analyses a file's raw bytes.
    #[must_use]
    pub fn from_bytes(path: Arc<Path>, bytes: &[u8]) -> Self {
        let (text, parsed) = parse_bytes(bytes);
        Self::analyse(path, text, parsed)
    }

    /// Analyses a file's text (as an editor holds it).
    #[must_use]
    pub fn from_text(path: Arc<Path>, text: String) -> Self {
        let parsed = parse(&text);
        Self::analyse(path, text, parsed)
    }

    /// A file that could not be read at all.
    #[must_use]
    pub fn unreadable(path: Arc<Path>, error: &std::io::Error) -> Self {
        let diagnostic = Diagnostic::error(
            codes::UNREADABLE,
            TextRange::empty(0),
            format!("cannot read the file: {error}"),
        );
        Self {
            path,
            text: String::new(),
            line_index: LineIndex::new(""),
            tree: None,
            kind: None,
            entity: None,
            references: Vec::new(),
            diagnostics: vec![diagnostic],
        }
    }

    fn analyse(path: Arc<Path>, text: String, parsed: examkit_syntax::Parse) -> Self {
        let line_index = LineIndex::new(&text);
        let mut diagnostics = parsed.diagnostics;
        let tree = parsed.root;
        let syntax_ok = diagnostics.is_empty();
        let kind = tree
            .as_ref()
            .and_then(|root| recognise_kind(root, &text, syntax_ok, &mut diagnostics));
        let mut entity = None;
        let mut refs = Vec::new();
        if let (Some(kind), Some(root)) = (kind, tree.as_ref()) {
            // Schema errors on a partial tree would mostly echo the syntax
            // error (everything after it is "missing"), so validate only a
            // tree that parsed cleanly; entities and references are read
            // either way, for the editor.
            if syntax_ok {
                diagnostics.extend(validate(kind, root, &text));
            }
            let read = read_entity(kind, root);
            diagnostics.extend(semantic_checks(&read));
            entity = Some(read);
            refs = references(kind, root);
        }
        if syntax_ok && tree.is_none() {
            diagnostics.push(Diagnostic::error(
                codes::MISSING_KIND,
                TextRange::empty(0),
                "the file is empty; a content file starts with `kind:`",
            ));
        }
        diagnostics.sort_by_key(|d| (d.range.start(), d.range.end()));
        Self {
            path,
            text,
            line_index,
            tree,
            kind,
            entity,
            references: refs,
            diagnostics,
        }
    }
}

fn recognise_kind(
    root: &Node,
    text: &str,
    report: bool,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Kind> {
    let names = || {
        Kind::ALL
            .iter()
            .map(|k| format!("`{}`", k.name()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let Some(entry) = root.entry("kind") else {
        if report {
            let first_line_end = text.find('\n').unwrap_or(text.len());
            let start = root.range.start();
            let end = u32::try_from(first_line_end).unwrap_or(start).max(start);
            diagnostics.push(
                Diagnostic::error(
                    codes::MISSING_KIND,
                    TextRange::new(start, end),
                    "the file has no `kind:`, so examkit cannot tell what it holds",
                )
                .with_help(format!(
                    "start the file with `kind:` and one of {}",
                    names()
                )),
            );
        }
        return None;
    };
    let value = entry.value.scalar_text().unwrap_or("");
    let kind = Kind::from_name(value);
    if kind.is_none() && report {
        let mut diagnostic = Diagnostic::error(
            codes::UNKNOWN_KIND,
            entry.value.range,
            format!("unknown kind `{value}`; expected one of {}", names()),
        );
        if let Some(best) = did_you_mean(value, Kind::ALL.iter().map(|k| k.name())) {
            diagnostic.help = Some(format!("did you mean `{best}`?"));
        }
        diagnostics.push(diagnostic);
    }
    kind
}
