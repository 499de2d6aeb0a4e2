//! Just enough of Anki's template language to decide whether a card's front
//! side is empty: `{{Field}}` / `{{filter:Field}}` replacements and
//! `{{#Field}}…{{/Field}}` / `{{^Field}}…{{/Field}}` sections.

use std::fmt;

/// A parsed template: the replacements and sections, text dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedTemplate(Vec<Node>);

#[derive(Debug, Clone, PartialEq, Eq)]
enum Node {
    /// `{{key}}` or `{{filter:…:key}}`.
    Replacement { key: String },
    /// `{{#key}}…{{/key}}` (or `{{^key}}` when `negated`).
    Section {
        key: String,
        negated: bool,
        children: Vec<Node>,
    },
}

/// Why a template could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateError {
    /// A `{{` without a matching `}}`.
    Unclosed,
    /// `{{/key}}` that closes nothing, or closes a different section.
    UnexpectedClose {
        /// The key in the closing tag.
        found: String,
        /// The innermost open section, if any.
        expected: Option<String>,
    },
    /// A section still open at the end of the template.
    MissingClose(String),
}

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unclosed => f.write_str("'{{' without a matching '}}'"),
            Self::UnexpectedClose {
                found,
                expected: Some(open),
            } => write!(f, "found '{{{{/{found}}}}}' but '{{{{#{open}}}}}' is open"),
            Self::UnexpectedClose {
                found,
                expected: None,
            } => write!(f, "found '{{{{/{found}}}}}' with no open section"),
            Self::MissingClose(key) => write!(f, "section '{{{{#{key}}}}}' is never closed"),
        }
    }
}

impl std::error::Error for TemplateError {}

/// A section waiting for its closing tag while parsing.
struct OpenSection {
    key: String,
    negated: bool,
    parent: Vec<Node>,
}

impl ParsedTemplate {
    /// Parses a template such as a note type's `qfmt`.
    ///
    /// # Errors
    /// [`TemplateError`] for an unclosed `{{`, or unbalanced sections.
    pub fn parse(template: &str) -> Result<Self, TemplateError> {
        let mut nodes: Vec<Node> = Vec::new();
        let mut open: Vec<OpenSection> = Vec::new();
        let mut rest = template;
        while let Some(start) = rest.find("{{") {
            let after = &rest[start + 2..];
            let end = after.find("}}").ok_or(TemplateError::Unclosed)?;
            let tag = after[..end].trim();
            rest = &after[end + 2..];

            if let Some(key) = tag.strip_prefix('#').or_else(|| tag.strip_prefix('^')) {
                open.push(OpenSection {
                    key: key.trim().to_owned(),
                    negated: tag.starts_with('^'),
                    parent: std::mem::take(&mut nodes),
                });
            } else if let Some(key) = tag.strip_prefix('/') {
                let key = key.trim();
                match open.pop() {
                    Some(section) if section.key == key => {
                        let children = std::mem::replace(&mut nodes, section.parent);
                        nodes.push(Node::Section {
                            key: section.key,
                            negated: section.negated,
                            children,
                        });
                    }
                    other => {
                        return Err(TemplateError::UnexpectedClose {
                            found: key.to_owned(),
                            expected: other.map(|s| s.key),
                        });
                    }
                }
            } else {
                // `{{filter1:filter2:Field}}`: the field is the last part.
                let key = tag.rsplit(':').next().unwrap_or(tag).trim();
                nodes.push(Node::Replacement {
                    key: key.to_owned(),
                });
            }
        }
        match open.pop() {
            Some(section) => Err(TemplateError::MissingClose(section.key)),
            None => Ok(Self(nodes)),
        }
    }

    /// True when the template renders some field content given which fields
    /// are non-empty, Anki's rule for generating a card from a front side:
    /// a replacement of a non-empty field counts; a `{{#F}}` section counts
    /// only through its contents and only when `F` is non-empty; a `{{^F}}`
    /// section only when `F` is empty. Text and special keys such as
    /// `{{FrontSide}}` or `{{Tags}}` never count.
    pub fn renders_with(&self, is_nonempty: &dyn Fn(&str) -> bool) -> bool {
        nodes_render(&self.0, is_nonempty)
    }

    /// The keys this template refers to, in order, without duplicates.
    #[must_use]
    pub fn referenced_keys(&self) -> Vec<&str> {
        let mut keys = Vec::new();
        collect_keys(&self.0, &mut keys);
        keys
    }
}

fn nodes_render(nodes: &[Node], is_nonempty: &dyn Fn(&str) -> bool) -> bool {
    nodes.iter().any(|node| match node {
        Node::Replacement { key } => is_nonempty(key),
        Node::Section {
            key,
            negated,
            children,
        } => is_nonempty(key) != *negated && nodes_render(children, is_nonempty),
    })
}

fn collect_keys<'a>(nodes: &'a [Node], keys: &mut Vec<&'a str>) {
    for node in nodes {
        let key = match node {
            Node::Replacement { key } | Node::Section { key, .. } => key.as_str(),
        };
        if !keys.contains(&key) {
            keys.push(key);
        }
        if let Node::Section { children, .. } = node {
            collect_keys(children, keys);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn renders(template: &str, nonempty: &[&str]) -> bool {
        let parsed = ParsedTemplate::parse(template).expect("template parses");
        parsed.renders_with(&|key| nonempty.contains(&key))
    }

    #[test]
    fn replacements() {
        assert!(renders("{{Front}}", &["Front"]));
        assert!(!renders("{{Front}}", &[]));
        assert!(!renders("just text", &["Front"]));
        assert!(renders("{{ text:Front }}", &["Front"]));
        assert!(!renders("{{FrontSide}}{{Tags}}", &["Front"]));
    }

    #[test]
    fn sections() {
        let t = "{{#Extra}}<div>{{Extra}}</div>{{/Extra}}";
        assert!(renders(t, &["Extra"]));
        assert!(!renders(t, &[]));
        // A section's own key does not count, only its contents.
        assert!(!renders("{{#A}}{{B}}{{/A}}", &["A"]));
        assert!(renders("{{#A}}{{B}}{{/A}}", &["A", "B"]));
        assert!(!renders("{{#A}}{{B}}{{/A}}", &["B"]));
        // Negated sections render when their key is empty.
        assert!(renders("{{^A}}{{B}}{{/A}}", &["B"]));
        assert!(!renders("{{^A}}{{B}}{{/A}}", &["A", "B"]));
        // Nesting.
        assert!(renders("{{#A}}{{#B}}{{C}}{{/B}}{{/A}}", &["A", "B", "C"]));
        assert!(!renders("{{#A}}{{#B}}{{C}}{{/B}}{{/A}}", &["A", "C"]));
    }

    #[test]
    fn errors() {
        assert_eq!(
            ParsedTemplate::parse("{{Front"),
            Err(TemplateError::Unclosed)
        );
        assert_eq!(
            ParsedTemplate::parse("{{#A}}x"),
            Err(TemplateError::MissingClose("A".into()))
        );
        assert_eq!(
            ParsedTemplate::parse("{{#A}}{{/B}}"),
            Err(TemplateError::UnexpectedClose {
                found: "B".into(),
                expected: Some("A".into())
            })
        );
        let err = ParsedTemplate::parse("{{/B}}").expect_err("stray close");
        assert_eq!(err.to_string(), "found '{{/B}}' with no open section");
    }

    #[test]
    fn keys() {
        let parsed = ParsedTemplate::parse("{{A}}{{#B}}{{A}}{{C}}{{/B}}").expect("parses");
        assert_eq!(parsed.referenced_keys(), ["A", "B", "C"]);
    }
}
