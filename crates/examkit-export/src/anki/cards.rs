//! Card generation for standard note types, as Anki does it: a note gets one
//! card per template whose front side renders some non-empty field.
//!
//! Anki's importer copies the package's cards and does not generate them,
//! so a missing card would only appear later, silently, through "Check
//! Database"; this module is what keeps the package consistent.

use serde::Serialize;

use super::error::AnkiError;
use super::note_type::NoteType;
use super::template::ParsedTemplate;
use super::text::field_is_empty;

/// The parsed fronts of one note type, ready to generate cards.
#[derive(Debug, Clone)]
pub struct CardGenerator {
    note_type: &'static NoteType,
    fronts: Vec<ParsedTemplate>,
}

impl CardGenerator {
    /// Parses the note type's front templates.
    ///
    /// # Errors
    /// [`AnkiError::Template`] if a front template is malformed.
    pub fn new(note_type: &'static NoteType) -> Result<Self, AnkiError> {
        let fronts = note_type
            .templates
            .iter()
            .map(|t| {
                ParsedTemplate::parse(t.front).map_err(|source| AnkiError::Template {
                    note_type: note_type.name,
                    template: t.name,
                    source,
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self { note_type, fronts })
    }

    /// The template ordinals (`cards.ord`) of the cards a note with these
    /// field values gets, ascending. A field missing from `fields` counts as
    /// empty; emptiness follows [`field_is_empty`].
    #[must_use]
    pub fn card_ords(&self, fields: &[String]) -> Vec<usize> {
        let is_nonempty = |key: &str| {
            self.note_type
                .field_index(key)
                .and_then(|i| fields.get(i))
                .is_some_and(|value| !field_is_empty(value))
        };
        self.fronts
            .iter()
            .enumerate()
            .filter(|(_, front)| front.renders_with(&is_nonempty))
            .map(|(ord, _)| ord)
            .collect()
    }

    /// Anki's legacy `req` hint for each template: which fields a card
    /// requires. Modern Anki ignores it and renders the templates; older
    /// clients used it when adding notes.
    #[must_use]
    pub fn requirements(&self) -> Vec<Requirement> {
        let names: Vec<&str> = self.note_type.fields.iter().map(|f| f.name).collect();
        self.fronts
            .iter()
            .enumerate()
            .map(|(ord, front)| {
                // "all": fields without which the front is empty even when
                // every other field is filled.
                let all: Vec<usize> = (0..names.len())
                    .filter(|&i| {
                        !front.renders_with(&|key: &str| key != names[i] && names.contains(&key))
                    })
                    .collect();
                if !all.is_empty() {
                    return Requirement(ord, RequirementKind::All, all);
                }
                // "any": fields that alone make the front non-empty.
                let any: Vec<usize> = (0..names.len())
                    .filter(|&i| front.renders_with(&|key: &str| key == names[i]))
                    .collect();
                let kind = if any.is_empty() {
                    RequirementKind::None
                } else {
                    RequirementKind::Any
                };
                Requirement(ord, kind, any)
            })
            .collect()
    }
}

/// The number of cards a note of `note_type` with these fields gets.
///
/// # Errors
/// [`AnkiError::Template`] if a front template is malformed.
pub fn render_card_count(
    note_type: &'static NoteType,
    fields: &[String],
) -> Result<usize, AnkiError> {
    Ok(CardGenerator::new(note_type)?.card_ords(fields).len())
}

/// One entry of a note type's legacy `req` list:
/// `[template ord, "any" | "all" | "none", [field ords]]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Requirement(pub usize, pub RequirementKind, pub Vec<usize>);

/// How a template's required fields combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RequirementKind {
    /// The card needs at least one of the fields.
    Any,
    /// The card needs all of the fields.
    All,
    /// The card can never be generated.
    None,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::anki::note_type::{QUESTION, SERVICE};
    use crate::anki::package::{QuestionFields, ServiceFields};

    fn service(use_cases: &str) -> Vec<String> {
        ServiceFields {
            name: "Amazon S3".into(),
            definition: "Object storage.".into(),
            use_cases: use_cases.into(),
            ..ServiceFields::default()
        }
        .into_fields()
    }

    #[test]
    fn question_has_one_card() {
        let fields = QuestionFields {
            stem: "Which service?".into(),
            ..QuestionFields::default()
        }
        .into_fields();
        assert_eq!(render_card_count(&QUESTION, &fields).ok(), Some(1));
        let generator = CardGenerator::new(&QUESTION).expect("templates parse");
        assert_eq!(generator.card_ords(&fields), [0]);
    }

    #[test]
    fn question_without_stem_or_options_has_none() {
        let generator = CardGenerator::new(&QUESTION).expect("templates parse");
        let fields = QuestionFields {
            answer: "B".into(),
            explanation: "because".into(),
            ..QuestionFields::default()
        }
        .into_fields();
        assert!(generator.card_ords(&fields).is_empty());
        let only_options = QuestionFields {
            options: "<ol><li>x</li></ol>".into(),
            ..QuestionFields::default()
        }
        .into_fields();
        assert_eq!(generator.card_ords(&only_options), [0]);
    }

    #[test]
    fn service_use_case_card_only_with_use_cases() {
        let generator = CardGenerator::new(&SERVICE).expect("templates parse");
        assert_eq!(
            generator.card_ords(&service("<ul><li>Backups</li></ul>")),
            [0, 1]
        );
        // The cards the official `anki` 26.09.3 library generated for these
        // UseCases values (col.add_note on the imported note type): only
        // whitespace and empty <br>/<div> tags count as empty.
        let anki: &[(&str, &[usize])] = &[
            ("", &[0]),
            (" ", &[0]),
            (" <br> <div></div>\n", &[0]),
            ("<div><br/></div>", &[0]),
            ("<BR />", &[0]),
            ("&nbsp;", &[0, 1]),
            ("<p></p>", &[0, 1]),
            ("<b></b>", &[0, 1]),
            ("\u{a0}", &[0, 1]),
            ("x", &[0, 1]),
        ];
        for (use_cases, ords) in anki {
            assert_eq!(
                generator.card_ords(&service(use_cases)),
                *ords,
                "{use_cases:?}"
            );
        }
    }

    #[test]
    fn missing_fields_count_as_empty() {
        let generator = CardGenerator::new(&SERVICE).expect("templates parse");
        assert!(generator.card_ords(&[]).is_empty());
        assert_eq!(generator.card_ords(&["S3".to_owned()]), [0]);
    }

    #[test]
    fn legacy_requirements() {
        let q = CardGenerator::new(&QUESTION)
            .expect("parses")
            .requirements();
        // Front = Stem + {{#Options}}{{Options}}{{/Options}}: either suffices.
        assert_eq!(q, [Requirement(0, RequirementKind::Any, vec![0, 1])]);
        let s = CardGenerator::new(&SERVICE).expect("parses").requirements();
        assert_eq!(
            s,
            [
                Requirement(0, RequirementKind::All, vec![0]),
                Requirement(1, RequirementKind::All, vec![3]),
            ]
        );
        let json = serde_json::to_string(&s).expect("serializes");
        assert_eq!(json, r#"[[0,"all",[0]],[1,"all",[3]]]"#);
    }
}
