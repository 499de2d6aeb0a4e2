//! Inline suppression: a comment `# examkit: allow(code, code)` above an
//! entity (or at the end of its first line) turns those rules off for that
//! entity: the innermost mapping that starts on the line it annotates, such
//! as one question. Above the file's first key it covers the whole file.

use examkit_syntax::{Diagnostic, Node, NodeKind, TextRange};

use crate::config::CONFIG_CODE;
use crate::registry;

const MARKER: &str = "examkit: allow(";

/// Rules switched off for a region of a file.
#[derive(Debug)]
pub struct Suppression {
    /// Where the rules are off.
    pub region: TextRange,
    /// The codes switched off.
    pub codes: Vec<String>,
}

/// The suppressions in a file, and diagnostics for comments that name
/// unknown codes.
pub fn suppressions(text: &str, root: Option<&Node>) -> (Vec<Suppression>, Vec<Diagnostic>) {
    let mut found = Vec::new();
    let mut problems = Vec::new();
    if !text.contains(MARKER) {
        return (found, problems);
    }
    let first_content = first_content_offset(text, 0);
    let mut line_start = 0usize;
    for line in text.split_inclusive('\n') {
        let hash = line.find('#');
        if let Some(at) = hash.and_then(|h| line[h..].find(MARKER).map(|m| h + m)) {
            let list_start = at + MARKER.len();
            let list_end = line[list_start..]
                .find(')')
                .map_or(line.trim_end().len(), |i| list_start + i);
            let codes: Vec<String> = line[list_start..list_end]
                .split(',')
                .map(|c| c.trim().to_owned())
                .filter(|c| !c.is_empty())
                .collect();
            for code in &codes {
                if registry::lookup(code).is_none_or(|r| !r.configurable) {
                    let offset = line_start
                        + list_start
                        + line[list_start..].find(code.as_str()).unwrap_or(0);
                    let range = TextRange::new(to_u32(offset), to_u32(offset + code.len()));
                    problems.push(Diagnostic::error(
                        CONFIG_CODE,
                        range,
                        if registry::lookup(code).is_some() {
                            format!("`{code}` reports invalid content and cannot be allowed")
                        } else {
                            format!("unknown rule code `{code}` in a suppression comment")
                        },
                    ));
                }
            }
            let trailing = !line[..hash.unwrap_or(0)].trim().is_empty();
            let target = if trailing {
                first_content_offset(text, line_start)
            } else {
                first_content_offset(text, line_start + line.len())
            };
            let region = match (target, root) {
                _ if !trailing && first_content.is_none_or(|f| line_start < f) => {
                    TextRange::new(0, to_u32(text.len()))
                }
                (Some(target), Some(root)) => {
                    innermost_mapping(root, to_u32(target)).unwrap_or_default()
                }
                _ => TextRange::default(),
            };
            found.push(Suppression { region, codes });
        }
        line_start += line.len();
    }
    (found, problems)
}

/// The offset of the first content character at or after `from`: not
/// blank, not a comment, and past a sequence dash.
fn first_content_offset(text: &str, from: usize) -> Option<usize> {
    let mut start = from;
    for line in text.get(from..)?.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if !trimmed.is_empty() && !trimmed.starts_with('#') {
            let mut offset = start + (line.len() - trimmed.len());
            let after_dash = trimmed.trim_start_matches(['-', ' ']);
            if trimmed.starts_with("- ") && !after_dash.is_empty() {
                offset = start + (line.len() - after_dash.len());
            }
            return Some(offset);
        }
        start += line.len();
    }
    None
}

/// The smallest mapping that starts at `offset`'s line and contains it.
fn innermost_mapping(node: &Node, offset: u32) -> Option<TextRange> {
    if !node.range.contains_inclusive(offset) {
        return None;
    }
    let children: Vec<&Node> = match &node.kind {
        NodeKind::Mapping(entries) => entries.iter().map(|e| &e.value).collect(),
        NodeKind::Sequence(items) => items.iter().collect(),
        _ => Vec::new(),
    };
    children
        .into_iter()
        .find_map(|child| innermost_mapping(child, offset))
        .or_else(|| {
            (matches!(node.kind, NodeKind::Mapping(_)) && node.range.start() == offset)
                .then_some(node.range)
        })
}

fn to_u32(offset: usize) -> u32 {
    u32::try_from(offset).unwrap_or(u32::MAX)
}

/// Whether `diagnostic` is switched off by a suppression.
pub fn is_suppressed(diagnostic: &Diagnostic, suppressions: &[Suppression]) -> bool {
    suppressions.iter().any(|s| {
        s.region.contains_inclusive(diagnostic.range.start())
            && s.codes.iter().any(|c| c == diagnostic.code)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comment_above_a_question_covers_that_question_only() {
        let text = "kind: questions\nquestions:\n  # examkit: allow(item/longest-key)\n  - id: one\n    stem: a\n  - id: two\n    stem: b\n";
        let root = examkit_syntax::parse(text).root.unwrap();
        let (found, problems) = suppressions(text, Some(&root));
        assert!(problems.is_empty());
        assert_eq!(found.len(), 1);
        let region = found[0].region.slice(text);
        assert!(
            region.contains("one") && !region.contains("two"),
            "{region:?}"
        );
    }

    #[test]
    fn header_comment_covers_the_file_and_unknown_codes_are_reported() {
        let text = "# examkit: allow(item/longest-key, no/such-rule)\nkind: questions\n";
        let root = examkit_syntax::parse(text).root.unwrap();
        let (found, problems) = suppressions(text, Some(&root));
        assert_eq!(found[0].region, TextRange::new(0, text.len() as u32));
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].range.slice(text), "no/such-rule");
    }

    #[test]
    fn trailing_comment_covers_its_line_entity() {
        let text = "questions:\n  - id: one  # examkit: allow(item/word-repeat)\n    stem: a\n  - id: two\n";
        let root = examkit_syntax::parse(text).root.unwrap();
        let (found, _) = suppressions(text, Some(&root));
        let region = found[0].region.slice(text);
        assert!(
            region.starts_with("id: one") && !region.contains("two"),
            "{region:?}"
        );
    }
}
