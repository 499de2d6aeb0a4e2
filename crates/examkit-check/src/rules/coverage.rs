//! Coverage rules: the blueprint adds up, every task has questions, every
//! in-scope service is tested.

use std::collections::BTreeSet;

use examkit_model::entities::{Entity, Scope};
use examkit_syntax::{Diagnostic, Severity, TextRange};

use super::{Context, Findings, Rule};
use crate::registry::RuleInfo;

static DOMAIN_WEIGHTS: RuleInfo = RuleInfo {
    code: "content/domain-weights",
    default_severity: Severity::Error,
    summary: "The exam's domain weights do not sum to 100.",
    rationale: "Weights are the share of scored content per domain; coverage compares the question bank against them, which only makes sense when they add up to 100 percent.",
    example: Some(
        "domains:\n  - { id: \"1\", title: A, weight: 20 }\n  - { id: \"2\", title: B, weight: 70 }\n",
    ),
    fixable: false,
    configurable: true,
};

/// `content/domain-weights`.
pub struct DomainWeights;

impl Rule for DomainWeights {
    fn info(&self) -> &'static RuleInfo {
        &DOMAIN_WEIGHTS
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        for &file in &cx.workspace.index.exams {
            let Some(Entity::Exam(exam)) = &cx.workspace.files[file].entity else {
                continue;
            };
            if exam.domains.iter().any(|d| d.weight.is_none()) || exam.domains.is_empty() {
                continue;
            }
            let total: i64 = exam
                .domains
                .iter()
                .filter_map(|d| d.weight.as_ref())
                .map(|w| w.value)
                .sum();
            if total != 100 {
                let anchor = exam.domains_key.unwrap_or(TextRange::empty(0));
                out.report(
                    file,
                    Diagnostic::new(
                        DOMAIN_WEIGHTS.code,
                        DOMAIN_WEIGHTS.default_severity,
                        anchor,
                        format!("the domain weights sum to {total}, not 100"),
                    ),
                );
            }
        }
    }
}

static TASK_WITHOUT_QUESTIONS: RuleInfo = RuleInfo {
    code: "content/task-without-questions",
    default_severity: Severity::Warning,
    summary: "A task statement has no questions.",
    rationale: "Every task of the blueprint can appear on the exam, so a bank with no question for a task leaves a gap learners will not notice.",
    example: None,
    fixable: false,
    configurable: true,
};

/// `content/task-without-questions`.
pub struct TaskWithoutQuestions;

impl Rule for TaskWithoutQuestions {
    fn info(&self) -> &'static RuleInfo {
        &TASK_WITHOUT_QUESTIONS
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        let workspace = cx.workspace;
        // Only a content set with questions has gaps to speak of.
        if workspace.question_sets().next().is_none() {
            return;
        }
        let tested: BTreeSet<&str> = workspace
            .question_sets()
            .filter(|(_, set)| !set.questions.is_empty())
            .filter_map(|(_, set)| set.task.as_ref().map(|t| t.as_str()))
            .collect();
        for (task_id, definitions) in &workspace.index.tasks {
            if tested.contains(task_id.as_str()) {
                continue;
            }
            for definition in definitions {
                out.report(
                    definition.file,
                    Diagnostic::new(
                        TASK_WITHOUT_QUESTIONS.code,
                        TASK_WITHOUT_QUESTIONS.default_severity,
                        definition.range,
                        format!("task `{task_id}` has no questions"),
                    ),
                );
            }
        }
    }
}

static UNREFERENCED_SERVICE: RuleInfo = RuleInfo {
    code: "content/unreferenced-service",
    default_severity: Severity::Warning,
    summary: "An in-scope service is in no question's `services`.",
    rationale: "Every in-scope service can appear on the exam; a service no question involves is untested. Write a question whose key or distractors involve it, and list it in that question's `services`.",
    example: None,
    fixable: false,
    configurable: true,
};

/// `content/unreferenced-service`.
pub struct UnreferencedService;

impl Rule for UnreferencedService {
    fn info(&self) -> &'static RuleInfo {
        &UNREFERENCED_SERVICE
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        let workspace = cx.workspace;
        if workspace.question_sets().next().is_none() {
            return;
        }
        let referenced: BTreeSet<&str> = workspace
            .questions()
            .flat_map(|(_, _, q)| q.services.iter().map(|s| s.as_str()))
            .collect();
        for (file, source) in workspace.files.iter().enumerate() {
            let Some(Entity::Service(service)) = &source.entity else {
                continue;
            };
            let Some(id) = &service.id else { continue };
            if service.scope == Scope::In && !referenced.contains(id.as_str()) {
                out.report(
                    file,
                    Diagnostic::new(
                        UNREFERENCED_SERVICE.code,
                        UNREFERENCED_SERVICE.default_severity,
                        id.range,
                        format!("no question involves `{}`", id.value),
                    ),
                );
            }
        }
    }
}
