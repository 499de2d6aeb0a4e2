//! Rules of the format that JSON Schema cannot express, each with its own
//! code. They are part of validity (not configurable lint rules).

use examkit_syntax::Diagnostic;

use crate::entities::{Entity, QuestionType};

/// Diagnostic codes of the semantic checks.
pub mod codes {
    /// A multiple-response question whose `select` differs from its number of
    /// correct options.
    pub const SELECT_MISMATCH: &str = "question/select-mismatch";
}

/// Checks of one entity that the schema cannot express.
#[must_use]
pub fn semantic_checks(entity: &Entity) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    if let Entity::Questions(set) = entity {
        for question in &set.questions {
            if question.kind != Some(QuestionType::Multiple) {
                continue;
            }
            let Some(select) = &question.select else {
                continue;
            };
            let correct = question.correct_options().count();
            if usize::try_from(select.value).ok() != Some(correct) {
                found.push(
                    Diagnostic::error(
                        codes::SELECT_MISMATCH,
                        select.range,
                        format!(
                            "`select: {}` but {correct} option{} marked `correct: true`",
                            select.value,
                            if correct == 1 { " is" } else { "s are" }
                        ),
                    )
                    .with_help("the candidate must choose every correct option, so `select` equals the number of correct options"),
                );
            }
        }
    }
    found
}
