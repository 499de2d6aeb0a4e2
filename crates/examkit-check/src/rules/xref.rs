//! Cross-reference rules over the workspace index: references that resolve
//! to nothing, ids defined twice, tasks outside the exam.

use std::collections::BTreeMap;

use examkit_model::entities::Entity;
use examkit_model::references::RefTarget;
use examkit_model::{Definition, did_you_mean};
use examkit_syntax::{Diagnostic, Edit, Fix, Related, Severity};

use super::{Context, Findings, Rule};
use crate::registry::RuleInfo;

static UNKNOWN_SERVICE: RuleInfo = RuleInfo {
    code: "xref/unknown-service",
    default_severity: Severity::Error,
    summary: "A service id refers to no service file.",
    rationale: "Service ids in `services`, `related` and task lists must name a `kind: service` file's `id`, or tags, Anki decks, hover and navigation break. The help suggests the closest id; the fix replaces the id with it.",
    example: Some("services: [amazon-sagemaker]\n"),
    fixable: true,
    configurable: true,
};

static UNKNOWN_TASK: RuleInfo = RuleInfo {
    code: "xref/unknown-task",
    default_severity: Severity::Error,
    summary: "A task id refers to no task statement.",
    rationale: "A questions file's `task` and a service's `tasks` must name a task defined in a `kind: domain` file, so that questions land in the right deck and coverage counts them.",
    example: Some("task: \"1.9\"\n"),
    fixable: true,
    configurable: true,
};

/// `xref/unknown-service`.
pub struct UnknownService;
/// `xref/unknown-task`.
pub struct UnknownTask;

impl Rule for UnknownService {
    fn info(&self) -> &'static RuleInfo {
        &UNKNOWN_SERVICE
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        unknown(cx, out, RefTarget::Service, &UNKNOWN_SERVICE);
    }
}

impl Rule for UnknownTask {
    fn info(&self) -> &'static RuleInfo {
        &UNKNOWN_TASK
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        unknown(cx, out, RefTarget::Task, &UNKNOWN_TASK);
    }
}

fn unknown(cx: &Context<'_>, out: &mut Findings, target: RefTarget, info: &'static RuleInfo) {
    let index = &cx.workspace.index;
    let defined: &BTreeMap<String, Vec<Definition>> = match target {
        RefTarget::Service => &index.services,
        RefTarget::Task => &index.tasks,
    };
    // A lone file outside a content root has nothing to resolve against.
    if defined.is_empty() {
        return;
    }
    for (file, source) in cx.workspace.files.iter().enumerate() {
        for reference in source.references.iter().filter(|r| r.target == target) {
            if defined.contains_key(&reference.id) {
                continue;
            }
            let mut diagnostic = Diagnostic::new(
                info.code,
                info.default_severity,
                reference.range,
                format!("no {} has the id `{}`", target.name(), reference.id),
            );
            if let Some(best) = did_you_mean(&reference.id, defined.keys().map(String::as_str)) {
                let quoted = reference.range.slice(&source.text).starts_with('"');
                let replacement = if quoted {
                    format!("\"{best}\"")
                } else {
                    best.to_owned()
                };
                diagnostic = diagnostic
                    .with_help(format!("did you mean `{best}`?"))
                    .with_fix(Fix {
                        title: format!("Replace with `{best}`"),
                        edits: vec![Edit {
                            range: reference.range,
                            replacement,
                        }],
                    });
            }
            out.report(file, diagnostic);
        }
    }
}

static DUPLICATE_ID: RuleInfo = RuleInfo {
    code: "xref/duplicate-id",
    default_severity: Severity::Error,
    summary: "Two entities of the same kind share an id.",
    rationale: "Ids identify questions, services, tasks and domains everywhere: in references, in Anki note GUIDs and in the JSON export. Two entities with one id make references ambiguous and make one Anki note overwrite the other. Each place is reported with the other as related information.",
    example: Some("# questions/1.1.yaml and questions/2.1.yaml both:\n- id: what-is-a-token\n"),
    fixable: false,
    configurable: true,
};

/// `xref/duplicate-id`.
pub struct DuplicateId;

impl Rule for DuplicateId {
    fn info(&self) -> &'static RuleInfo {
        &DUPLICATE_ID
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        let index = &cx.workspace.index;
        for (what, map) in [
            ("domain", &index.domains),
            ("task", &index.tasks),
            ("service", &index.services),
            ("question", &index.questions),
        ] {
            for (id, definitions) in map.iter().filter(|(_, d)| d.len() > 1) {
                for (i, definition) in definitions.iter().enumerate() {
                    let mut diagnostic = Diagnostic::new(
                        DUPLICATE_ID.code,
                        DUPLICATE_ID.default_severity,
                        definition.range,
                        format!(
                            "the {what} id `{id}` is defined {} times",
                            definitions.len()
                        ),
                    );
                    for (j, other) in definitions.iter().enumerate() {
                        if i != j {
                            diagnostic = diagnostic.with_related(Related {
                                path: cx.workspace.files[other.file].path.clone(),
                                range: other.range,
                                message: format!("`{id}` is also defined here"),
                            });
                        }
                    }
                    out.report(definition.file, diagnostic);
                }
            }
        }
    }
}

static TASK_OUTSIDE_EXAM: RuleInfo = RuleInfo {
    code: "xref/task-outside-exam",
    default_severity: Severity::Error,
    summary: "A domain or task is not part of the exam's blueprint.",
    rationale: "Every domain file must be one of the exam's `domains`, and each task id starts with its domain's id (task `2.3` belongs to domain `2`). Otherwise questions would be counted against a blueprint that does not have them.",
    example: Some("kind: domain\nid: \"2\"\ntasks:\n  - id: \"3.1\"\n"),
    fixable: false,
    configurable: true,
};

/// `xref/task-outside-exam`.
pub struct TaskOutsideExam;

impl Rule for TaskOutsideExam {
    fn info(&self) -> &'static RuleInfo {
        &TASK_OUTSIDE_EXAM
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        let Some(exam) = cx.workspace.exam() else {
            return;
        };
        for (file, source) in cx.workspace.files.iter().enumerate() {
            let Some(Entity::Domain(domain)) = &source.entity else {
                continue;
            };
            let Some(domain_id) = &domain.id else {
                continue;
            };
            if !exam.domains.iter().any(|d| d.id.value == domain_id.value) {
                out.report(
                    file,
                    Diagnostic::new(
                        TASK_OUTSIDE_EXAM.code,
                        TASK_OUTSIDE_EXAM.default_severity,
                        domain_id.range,
                        format!("the exam has no domain `{}`", domain_id.value),
                    )
                    .with_help("add the domain to the exam file's `domains`, or fix the id"),
                );
            }
            for task in &domain.tasks {
                let Some(task_id) = &task.id else { continue };
                let prefix = task_id.value.split('.').next().unwrap_or("");
                if prefix != domain_id.value {
                    out.report(
                        file,
                        Diagnostic::new(
                            TASK_OUTSIDE_EXAM.code,
                            TASK_OUTSIDE_EXAM.default_severity,
                            task_id.range,
                            format!(
                                "task `{}` does not belong to domain `{}`: task ids start with their domain's id",
                                task_id.value, domain_id.value
                            ),
                        ),
                    );
                }
            }
        }
    }
}
