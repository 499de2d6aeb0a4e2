//! Text edits that fixes share: adding an id to a YAML list.

use examkit_model::entities::Spanned;
use examkit_syntax::{Edit, Fix, TextRange};

/// A fix that adds `id` to the list under `key` of a mapping: appended to a
/// flow list (`[a, b]`), as a new item of a block list, or as a new
/// `key: [id]` line when the mapping has no such key.
pub fn add_to_list(
    source: &str,
    key_range: Option<TextRange>,
    items: &[Spanned<String>],
    mapping: TextRange,
    key: &str,
    id: &str,
) -> Option<Fix> {
    let title = format!("Add `{id}` to `{key}`");
    let edit = match (key_range, items.last()) {
        (Some(key_range), None) => {
            // `key: []` or `key:` with nothing after it.
            let line_end = line_end(source, key_range.end());
            let after_key = TextRange::new(key_range.end(), line_end);
            let rest = after_key.slice(source);
            let colon = rest.find(':')?;
            let start = key_range.end() + u32::try_from(colon).ok()? + 1;
            Edit {
                range: TextRange::new(start, line_end),
                replacement: format!(" [{id}]"),
            }
        }
        (Some(_), Some(last)) => {
            let after = &source[last.range.end() as usize..];
            let next = after.trim_start_matches([' ', '\t']);
            if next.starts_with(',') || next.starts_with(']') {
                Edit {
                    range: TextRange::empty(last.range.end()),
                    replacement: format!(", {id}"),
                }
            } else {
                let indent = line_indent(source, last.range.start());
                Edit {
                    range: TextRange::empty(line_end(source, last.range.end())),
                    replacement: format!("\n{indent}{id}"),
                }
            }
        }
        (None, _) => {
            let end = line_end(source, mapping.end().saturating_sub(1).max(mapping.start()));
            let first_key_indent = line_indent(source, mapping.start());
            let indent: String = first_key_indent
                .chars()
                .map(|c| if c == '-' { ' ' } else { c })
                .collect();
            Edit {
                range: TextRange::empty(end),
                replacement: format!("\n{indent}{key}: [{id}]"),
            }
        }
    };
    Some(Fix {
        title,
        edits: vec![edit],
    })
}

/// The offset of the end of the line holding `offset` (before `\r\n` or `\n`).
fn line_end(source: &str, offset: u32) -> u32 {
    let rest = &source[offset as usize..];
    let len = rest.find(['\n', '\r']).unwrap_or(rest.len());
    offset + u32::try_from(len).unwrap_or(0)
}

/// The text before the first non-blank of the line holding `offset`,
/// counting a sequence dash (`- `) as indentation.
fn line_indent(source: &str, offset: u32) -> String {
    let start = source[..offset as usize].rfind('\n').map_or(0, |i| i + 1);
    let line = &source[start..offset as usize];
    let trimmed = line.trim_start_matches([' ', '-']);
    line[..line.len() - trimmed.len()].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(source: &str, fix: &Fix) -> String {
        let mut out = source.to_owned();
        for edit in fix.edits.iter().rev() {
            out.replace_range(edit.range.to_usize(), &edit.replacement);
        }
        out
    }

    fn services(source: &str) -> (Option<TextRange>, Vec<Spanned<String>>, TextRange) {
        let root = examkit_syntax::parse(source).root.unwrap();
        let q = &root.get("questions").unwrap().as_sequence().unwrap()[0];
        let key = q.entry("services").map(|e| e.key.range);
        let items = q
            .get("services")
            .and_then(|s| s.as_sequence())
            .unwrap_or(&[])
            .iter()
            .map(|n| Spanned {
                value: n.scalar_text().unwrap().to_owned(),
                range: n.range,
            })
            .collect();
        (key, items, q.range)
    }

    #[test]
    fn adds_to_flow_block_empty_and_missing_lists() {
        for (source, expected) in [
            (
                "questions:\n  - id: q\n    services: [a, b]\n",
                "questions:\n  - id: q\n    services: [a, b, new]\n",
            ),
            (
                "questions:\n  - id: q\n    services:\n      - a\n",
                "questions:\n  - id: q\n    services:\n      - a\n      - new\n",
            ),
            (
                "questions:\n  - id: q\n    services: []\n",
                "questions:\n  - id: q\n    services: [new]\n",
            ),
            (
                "questions:\n  - id: q\n    stem: s\n",
                "questions:\n  - id: q\n    stem: s\n    services: [new]\n",
            ),
        ] {
            let (key, items, mapping) = services(source);
            let fix = add_to_list(source, key, &items, mapping, "services", "new").unwrap();
            let fixed = apply(source, &fix);
            assert_eq!(fixed, expected);
            assert!(examkit_syntax::parse(&fixed).diagnostics.is_empty());
        }
    }
}
