//! The JSON bundle: the exported content for apps, described by
//! `schema/export.schema.json` (draft 2020-12).
//!
//! - Versioned: `format_version` changes only on incompatible changes.
//! - Stable ordering: domains and tasks in blueprint order, questions in
//!   content order, services by id; object keys in a fixed order.
//! - Every key is always present; optional values are `null`, lists may be
//!   empty.
//! - Text is given both as written (`markdown`, the Markdown subset) and as
//!   the safe HTML the Anki deck uses (`html`).
//! - The same content gives byte-identical output.

use serde::Serialize;

use examkit_model::entities::{Feature, Question, Scope, Service, Spanned};

use crate::content::{DomainEntry, Selection};
use crate::deck::{question_guid, service_guid};
use crate::markdown::render;

/// The version of the bundle format this build writes.
pub const FORMAT_VERSION: u32 = 1;

/// The schema of the bundle, as shipped in `schema/export.schema.json`.
pub const SCHEMA: &str = include_str!("../../../schema/export.schema.json");

/// A text in both forms.
#[derive(Debug, Serialize)]
pub struct Text {
    /// As written in the content (Markdown subset).
    pub markdown: String,
    /// Rendered to safe HTML.
    pub html: String,
}

impl Text {
    fn of(markdown: &str) -> Self {
        Self {
            markdown: markdown.to_owned(),
            html: render(markdown).into_owned(),
        }
    }

    fn opt(value: Option<&Spanned<String>>) -> Option<Self> {
        value.map(|v| Self::of(v.as_str()))
    }
}

/// The root of the bundle.
#[derive(Debug, Serialize)]
pub struct Bundle {
    /// [`FORMAT_VERSION`].
    pub format_version: u32,
    /// What wrote the bundle.
    pub generator: Generator,
    /// The exam.
    pub exam: ExamJson,
    /// The filters the export was made with.
    pub filter: FilterJson,
    /// Domains with their tasks.
    pub domains: Vec<DomainJson>,
    /// Questions, in content order.
    pub questions: Vec<QuestionJson>,
    /// Services, by id.
    pub services: Vec<ServiceJson>,
}

/// The tool that wrote the bundle.
#[derive(Debug, Serialize)]
pub struct Generator {
    /// Always `examkit`.
    pub name: &'static str,
    /// The examkit version.
    pub version: &'static str,
}

/// The exam.
#[derive(Debug, Serialize)]
pub struct ExamJson {
    /// Exam id.
    pub id: String,
    /// Exam code.
    pub code: Option<String>,
    /// Title.
    pub title: String,
    /// Guide version.
    pub guide_version: Option<String>,
}

/// The filters.
#[derive(Debug, Serialize)]
pub struct FilterJson {
    /// `--domain` values.
    pub domains: Vec<String>,
    /// `--task` values.
    pub tasks: Vec<String>,
    /// `--tag` values.
    pub tags: Vec<String>,
}

/// A domain.
#[derive(Debug, Serialize)]
pub struct DomainJson {
    /// Domain id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Weight in percent.
    pub weight: Option<i64>,
    /// Summary.
    pub summary: Option<Text>,
    /// Tasks.
    pub tasks: Vec<TaskJson>,
}

/// A task.
#[derive(Debug, Serialize)]
pub struct TaskJson {
    /// Task id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Summary.
    pub summary: Option<Text>,
    /// Key terms.
    pub key_terms: Vec<KeyTermJson>,
    /// Ids of its exported questions.
    pub questions: Vec<String>,
}

/// A key term.
#[derive(Debug, Serialize)]
pub struct KeyTermJson {
    /// The term.
    pub term: String,
    /// Its definition.
    pub definition: Option<Text>,
}

/// A question.
#[derive(Debug, Serialize)]
pub struct QuestionJson {
    /// Question id.
    pub id: String,
    /// The Anki note GUID.
    pub anki_guid: String,
    /// Domain id.
    pub domain: String,
    /// Task id.
    pub task: String,
    /// `single`, `multiple`, `ordering` or `matching`.
    #[serde(rename = "type")]
    pub kind: Option<&'static str>,
    /// `easy`, `medium` or `hard`.
    pub difficulty: Option<&'static str>,
    /// The stem.
    pub stem: Option<Text>,
    /// How many options to choose (multiple).
    pub select: Option<i64>,
    /// Options (single, multiple).
    pub options: Vec<OptionJson>,
    /// Steps in correct order (ordering).
    pub items: Vec<ItemJson>,
    /// Pairs (matching).
    pub pairs: Vec<PairJson>,
    /// The explanation.
    pub explanation: Option<Text>,
    /// Service ids.
    pub services: Vec<String>,
    /// Free tags.
    pub tags: Vec<String>,
}

/// An answer option.
#[derive(Debug, Serialize)]
pub struct OptionJson {
    /// Text.
    pub text: Text,
    /// Correct or not.
    pub correct: bool,
    /// Why.
    pub why: Option<Text>,
}

/// A step of an ordering question.
#[derive(Debug, Serialize)]
pub struct ItemJson {
    /// Text.
    pub text: Text,
    /// Why.
    pub why: Option<Text>,
}

/// A pair of a matching question.
#[derive(Debug, Serialize)]
pub struct PairJson {
    /// Prompt.
    pub prompt: Text,
    /// Answer.
    pub answer: Text,
    /// Why.
    pub why: Option<Text>,
}

/// A service.
#[derive(Debug, Serialize)]
pub struct ServiceJson {
    /// Service id.
    pub id: String,
    /// The Anki note GUID.
    pub anki_guid: String,
    /// Name.
    pub name: Option<String>,
    /// Aliases.
    pub aliases: Vec<String>,
    /// Former names.
    pub former_names: Vec<String>,
    /// `in` or `out`.
    pub scope: &'static str,
    /// Category.
    pub category: Option<String>,
    /// Definition.
    pub definition: Option<Text>,
    /// Use cases.
    pub use_cases: Vec<Text>,
    /// Task ids.
    pub tasks: Vec<String>,
    /// Related service ids.
    pub related: Vec<String>,
    /// Features.
    pub features: Vec<FeatureJson>,
}

/// A feature of a service.
#[derive(Debug, Serialize)]
pub struct FeatureJson {
    /// Name.
    pub name: String,
    /// Aliases.
    pub aliases: Vec<String>,
    /// Former names.
    pub former_names: Vec<String>,
    /// Description.
    pub description: Option<Text>,
}

fn strings(values: &[Spanned<String>]) -> Vec<String> {
    values.iter().map(|v| v.value.clone()).collect()
}

fn string(value: Option<&Spanned<String>>) -> Option<String> {
    value.map(|v| v.value.clone())
}

/// Builds the bundle of a selection.
#[must_use]
pub fn bundle(selection: &Selection<'_>) -> Bundle {
    let exam_id = selection.exam.id;
    Bundle {
        format_version: FORMAT_VERSION,
        generator: Generator {
            name: "examkit",
            version: env!("CARGO_PKG_VERSION"),
        },
        exam: ExamJson {
            id: exam_id.to_owned(),
            code: selection.exam.code.map(str::to_owned),
            title: selection.exam.title.to_owned(),
            guide_version: selection.exam.guide_version.map(str::to_owned),
        },
        filter: FilterJson {
            domains: selection.filter.domains.clone(),
            tasks: selection.filter.tasks.clone(),
            tags: selection.filter.tags.clone(),
        },
        domains: selection.domains.iter().map(domain).collect(),
        questions: selection
            .questions()
            .map(|q| question(exam_id, q.domain.id, q.task.id, q.question))
            .collect(),
        services: selection
            .services
            .iter()
            .map(|s| service(exam_id, s))
            .collect(),
    }
}

/// The bundle as pretty-printed JSON text (two-space indent, trailing
/// newline): byte-identical for the same content.
///
/// # Errors
/// Only if serialization fails, which the types rule out in practice.
pub fn to_vec(bundle: &Bundle) -> Result<Vec<u8>, serde_json::Error> {
    let mut bytes = serde_json::to_vec_pretty(bundle)?;
    bytes.push(b'\n');
    Ok(bytes)
}

fn domain(entry: &DomainEntry<'_>) -> DomainJson {
    DomainJson {
        id: entry.id.to_owned(),
        title: entry.title.to_owned(),
        weight: entry.weight,
        summary: Text::opt(entry.domain.and_then(|d| d.summary.as_ref())),
        tasks: entry
            .tasks
            .iter()
            .map(|t| TaskJson {
                id: t.id.to_owned(),
                title: t.title().to_owned(),
                summary: Text::opt(t.task.summary.as_ref()),
                key_terms: t
                    .task
                    .key_terms
                    .iter()
                    .map(|k| KeyTermJson {
                        term: k.term.value.clone(),
                        definition: Text::opt(k.definition.as_ref()),
                    })
                    .collect(),
                questions: t
                    .questions
                    .iter()
                    .filter_map(|q| string(q.id.as_ref()))
                    .collect(),
            })
            .collect(),
    }
}

fn question(exam_id: &str, domain: &str, task: &str, q: &Question) -> QuestionJson {
    let id = q.id.as_ref().map_or("", |i| i.as_str());
    QuestionJson {
        id: id.to_owned(),
        anki_guid: question_guid(exam_id, id),
        domain: domain.to_owned(),
        task: task.to_owned(),
        kind: q.kind.map(|k| k.name()),
        difficulty: q.difficulty.map(|d| d.name()),
        stem: Text::opt(q.stem.as_ref()),
        select: q.select.as_ref().map(|s| s.value),
        options: q
            .options
            .iter()
            .map(|o| OptionJson {
                text: Text::of(o.text.as_str()),
                correct: o.correct,
                why: Text::opt(o.why.as_ref()),
            })
            .collect(),
        items: q
            .items
            .iter()
            .map(|i| ItemJson {
                text: Text::of(i.text.as_str()),
                why: Text::opt(i.why.as_ref()),
            })
            .collect(),
        pairs: q
            .pairs
            .iter()
            .map(|p| PairJson {
                prompt: Text::of(p.prompt.as_str()),
                answer: Text::of(p.answer.as_str()),
                why: Text::opt(p.why.as_ref()),
            })
            .collect(),
        explanation: Text::opt(q.explanation.as_ref()),
        services: strings(&q.services),
        tags: strings(&q.tags),
    }
}

fn feature(f: &Feature) -> FeatureJson {
    FeatureJson {
        name: f.name.value.clone(),
        aliases: strings(&f.aliases),
        former_names: strings(&f.former_names),
        description: Text::opt(f.description.as_ref()),
    }
}

fn service(exam_id: &str, s: &Service) -> ServiceJson {
    let id = s.id.as_ref().map_or("", |i| i.as_str());
    ServiceJson {
        id: id.to_owned(),
        anki_guid: service_guid(exam_id, id),
        name: string(s.name.as_ref()),
        aliases: strings(&s.aliases),
        former_names: strings(&s.former_names),
        scope: match s.scope {
            Scope::In => "in",
            Scope::Out => "out",
        },
        category: string(s.category.as_ref()),
        definition: Text::opt(s.definition.as_ref()),
        use_cases: s.use_cases.iter().map(|u| Text::of(u.as_str())).collect(),
        tasks: strings(&s.tasks),
        related: strings(&s.related),
        features: s.features.iter().map(feature).collect(),
    }
}
