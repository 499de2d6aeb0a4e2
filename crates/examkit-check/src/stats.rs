//! Counts of the content against the exam blueprint: per domain, task,
//! question type, difficulty and service. `examkit stats` prints them and
//! the coverage rules read them.

use std::collections::BTreeMap;

use examkit_model::Workspace;
use examkit_model::entities::{Difficulty, Question, QuestionType, Scope};
use serde::Serialize;

/// Counts for one task.
#[derive(Clone, Debug, Default, Serialize)]
pub struct TaskStats {
    /// The task id.
    pub id: String,
    /// The task statement.
    pub title: String,
    /// Its questions.
    pub questions: usize,
    /// Its questions per type name.
    pub types: BTreeMap<&'static str, usize>,
}

/// Counts for one domain.
#[derive(Clone, Debug, Default, Serialize)]
pub struct DomainStats {
    /// The domain id.
    pub id: String,
    /// The domain title.
    pub title: String,
    /// Its blueprint weight in percent, from the exam file.
    pub weight: Option<i64>,
    /// Its questions.
    pub questions: usize,
    /// Its share of all questions, in percent.
    pub share: f64,
    /// Its scenario-style questions (see [`is_scenario`]).
    pub scenarios: usize,
    /// Its tasks.
    pub tasks: Vec<TaskStats>,
}

/// How often one service is referenced.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ServiceStats {
    /// The service id.
    pub id: String,
    /// Its canonical name.
    pub name: String,
    /// Whether the guide lists it as in scope.
    pub in_scope: bool,
    /// Questions whose `services` list it.
    pub questions: usize,
}

/// Counts of a whole content root.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Stats {
    /// All questions.
    pub questions: usize,
    /// Questions per type name.
    pub types: BTreeMap<&'static str, usize>,
    /// Questions per difficulty name.
    pub difficulties: BTreeMap<&'static str, usize>,
    /// Per domain, in exam order.
    pub domains: Vec<DomainStats>,
    /// Questions whose task no domain defines.
    pub unassigned: usize,
    /// Per service, by id.
    pub services: Vec<ServiceStats>,
}

/// Whether a stem is scenario-style, like the real exam: it opens with a
/// subject ("A company …", "An online retailer …") and asks a question.
#[must_use]
pub fn is_scenario(question: &Question) -> bool {
    question.stem.as_ref().is_some_and(|stem| {
        let text = stem.value.trim_start();
        (text.starts_with("A ") || text.starts_with("An ")) && text.contains('?')
    })
}

impl Stats {
    /// Counts the workspace.
    #[must_use]
    pub fn compute(workspace: &Workspace) -> Self {
        let mut stats = Stats::default();
        let weights: BTreeMap<&str, (Option<i64>, &str)> = workspace
            .exam()
            .map(|exam| {
                exam.domains
                    .iter()
                    .map(|d| {
                        (
                            d.id.as_str(),
                            (
                                d.weight.as_ref().map(|w| w.value),
                                d.title.as_ref().map_or("", |t| t.as_str()),
                            ),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        let mut domain_order: Vec<(usize, DomainStats)> = Vec::new();
        let mut task_position: BTreeMap<String, (usize, usize)> = BTreeMap::new();
        for (_, domain) in workspace.domains() {
            let id = domain.id.as_ref().map_or("", |i| i.as_str()).to_owned();
            let (weight, title) = weights.get(id.as_str()).copied().unwrap_or((None, ""));
            let order = weights.keys().position(|k| *k == id).unwrap_or(usize::MAX);
            let d = domain_order.len();
            let tasks = domain
                .tasks
                .iter()
                .enumerate()
                .filter_map(|(t, task)| {
                    let task_id = task.id.as_ref()?.value.clone();
                    task_position.insert(task_id.clone(), (d, t));
                    Some(TaskStats {
                        id: task_id,
                        title: task
                            .title
                            .as_ref()
                            .map_or(String::new(), |t| t.value.clone()),
                        ..TaskStats::default()
                    })
                })
                .collect();
            domain_order.push((
                order,
                DomainStats {
                    id,
                    title: title.to_owned(),
                    weight,
                    tasks,
                    ..DomainStats::default()
                },
            ));
        }
        let mut service_refs: BTreeMap<&str, usize> = BTreeMap::new();
        for (_, set, question) in workspace.questions() {
            stats.questions += 1;
            let kind = question.kind.map_or("unknown", QuestionType::name);
            *stats.types.entry(kind).or_default() += 1;
            let difficulty = question.difficulty.map_or("unknown", Difficulty::name);
            *stats.difficulties.entry(difficulty).or_default() += 1;
            let mut seen = Vec::new();
            for service in &question.services {
                if !seen.contains(&service.as_str()) {
                    seen.push(service.as_str());
                    *service_refs.entry(service.as_str()).or_default() += 1;
                }
            }
            let task = set.task.as_ref().map_or("", |t| t.as_str());
            match task_position.get(task) {
                Some(&(d, t)) => {
                    let domain = &mut domain_order[d].1;
                    domain.questions += 1;
                    domain.scenarios += usize::from(is_scenario(question));
                    let task = &mut domain.tasks[t];
                    task.questions += 1;
                    *task.types.entry(kind).or_default() += 1;
                }
                None => stats.unassigned += 1,
            }
        }
        domain_order.sort_by(|a, b| (a.0, &a.1.id).cmp(&(b.0, &b.1.id)));
        stats.domains = domain_order.into_iter().map(|(_, d)| d).collect();
        let total = stats.questions.max(1) as f64;
        for domain in &mut stats.domains {
            domain.share = (domain.questions as f64 * 1000.0 / total).round() / 10.0;
        }
        stats.services = workspace
            .services()
            .filter_map(|(_, s)| {
                let id = s.id.as_ref()?.value.clone();
                Some(ServiceStats {
                    questions: service_refs.get(id.as_str()).copied().unwrap_or(0),
                    name: s.name.as_ref().map_or(String::new(), |n| n.value.clone()),
                    in_scope: s.scope == Scope::In,
                    id,
                })
            })
            .collect();
        stats.services.sort_by(|a, b| a.id.cmp(&b.id));
        stats
    }
}
