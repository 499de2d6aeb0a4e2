//! What an export contains: the exam, its domains and tasks in blueprint
//! order, the questions of each task in content order, and the services,
//! after the filters are applied.
//!
//! Both writers (Anki and JSON) read this one selection, so they always agree
//! on what is exported and in which order.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use examkit_model::Workspace;
use examkit_model::entities::{Domain, Question, Service, Task};

/// Which questions to export. Empty lists select everything.
///
/// A question is exported when it belongs to one of `domains` **or** one of
/// `tasks` (when either list is given), **and** has one of `tags` (when
/// given; a tag also matches its `::` children, so `rag` matches
/// `rag::retrieval`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    /// Domain ids, e.g. `"1"`.
    pub domains: Vec<String>,
    /// Task ids, e.g. `"3.1"`.
    pub tasks: Vec<String>,
    /// Question tags.
    pub tags: Vec<String>,
}

impl Filter {
    /// True when the filter selects everything.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.domains.is_empty() && self.tasks.is_empty() && self.tags.is_empty()
    }

    fn selects_task(&self, domain: &str, task: &str) -> bool {
        (self.domains.is_empty() && self.tasks.is_empty())
            || self.domains.iter().any(|d| d == domain)
            || self.tasks.iter().any(|t| t == task)
    }

    fn selects_tags<'a>(&self, tags: impl IntoIterator<Item = &'a str>) -> bool {
        if self.tags.is_empty() {
            return true;
        }
        let tags: Vec<&str> = tags.into_iter().collect();
        self.tags.iter().any(|wanted| {
            tags.iter().any(|t| {
                *t == wanted
                    || t.strip_prefix(wanted.as_str())
                        .is_some_and(|rest| rest.starts_with("::"))
            })
        })
    }
}

/// Why a selection could not be made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SelectError {
    /// The content has no `kind: exam` file (or it lacks an id or title).
    NoExam,
    /// A `--domain` names no domain of the exam.
    UnknownDomain {
        /// The id given.
        id: String,
        /// A close existing id.
        suggestion: Option<String>,
    },
    /// A `--task` names no task.
    UnknownTask {
        /// The id given.
        id: String,
        /// A close existing id.
        suggestion: Option<String>,
    },
    /// A questions file names a task that no domain defines.
    OrphanQuestions {
        /// The task id the file names.
        task: String,
    },
    /// The filters select no question.
    NothingSelected,
}

impl fmt::Display for SelectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hint = |s: &Option<String>| {
            s.as_ref()
                .map(|s| format!("; did you mean {s:?}?"))
                .unwrap_or_default()
        };
        match self {
            Self::NoExam => {
                f.write_str("the content has no exam (a `kind: exam` file with an id and a title)")
            }
            Self::UnknownDomain { id, suggestion } => {
                write!(f, "no domain {id:?} in the exam{}", hint(suggestion))
            }
            Self::UnknownTask { id, suggestion } => {
                write!(f, "no task {id:?} in the exam{}", hint(suggestion))
            }
            Self::OrphanQuestions { task } => {
                write!(f, "questions for task {task:?}, which no domain defines")
            }
            Self::NothingSelected => f.write_str("the filters select no question"),
        }
    }
}

impl std::error::Error for SelectError {}

/// The exam being exported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExamInfo<'w> {
    /// The exam id, e.g. `aif-c01`: the namespace of GUIDs and tags.
    pub id: &'w str,
    /// The exam code, e.g. `AIF-C01`.
    pub code: Option<&'w str>,
    /// The exam title: the top-level deck's name.
    pub title: &'w str,
    /// The guide version the content follows.
    pub guide_version: Option<&'w str>,
}

/// A domain with its selected tasks.
#[derive(Clone, Debug)]
pub struct DomainEntry<'w> {
    /// The domain id, e.g. `"1"`.
    pub id: &'w str,
    /// The title from the exam's blueprint.
    pub title: &'w str,
    /// The blueprint weight in percent.
    pub weight: Option<i64>,
    /// The domain file, if there is one.
    pub domain: Option<&'w Domain>,
    /// The selected tasks, in the domain file's order.
    pub tasks: Vec<TaskEntry<'w>>,
}

/// A task with its selected questions.
#[derive(Clone, Debug)]
pub struct TaskEntry<'w> {
    /// The task id, e.g. `"1.1"`.
    pub id: &'w str,
    /// The task statement.
    pub task: &'w Task,
    /// The selected questions, in content order.
    pub questions: Vec<&'w Question>,
}

impl TaskEntry<'_> {
    /// The task's title, or `""`.
    #[must_use]
    pub fn title(&self) -> &str {
        self.task.title.as_ref().map_or("", |t| t.as_str())
    }
}

/// Everything an export writes, in order.
#[derive(Clone, Debug)]
pub struct Selection<'w> {
    /// The exam.
    pub exam: ExamInfo<'w>,
    /// Domains in blueprint order (only those with selected tasks).
    pub domains: Vec<DomainEntry<'w>>,
    /// Services, sorted by id.
    pub services: Vec<&'w Service>,
    /// The filter that made the selection.
    pub filter: Filter,
}

/// A question with the domain and task it belongs to.
#[derive(Clone, Copy, Debug)]
pub struct QuestionRef<'s, 'w> {
    /// Its domain.
    pub domain: &'s DomainEntry<'w>,
    /// Its task.
    pub task: &'s TaskEntry<'w>,
    /// The question.
    pub question: &'w Question,
}

impl<'w> Selection<'w> {
    /// Every selected question with its domain and task, in export order.
    pub fn questions(&self) -> impl Iterator<Item = QuestionRef<'_, 'w>> {
        self.domains.iter().flat_map(|domain| {
            domain.tasks.iter().flat_map(move |task| {
                task.questions.iter().map(move |&question| QuestionRef {
                    domain,
                    task,
                    question,
                })
            })
        })
    }

    /// The number of selected questions.
    #[must_use]
    pub fn question_count(&self) -> usize {
        self.domains
            .iter()
            .flat_map(|d| &d.tasks)
            .map(|t| t.questions.len())
            .sum()
    }

    /// The selected domain and task of a task id.
    #[must_use]
    pub fn task(&self, id: &str) -> Option<(&DomainEntry<'w>, &TaskEntry<'w>)> {
        self.domains
            .iter()
            .flat_map(|d| d.tasks.iter().map(move |t| (d, t)))
            .find(|(_, t)| t.id == id)
    }
}

fn text(value: Option<&examkit_model::entities::Spanned<String>>) -> Option<&str> {
    value.map(|v| v.as_str())
}

/// Selects what to export from a checked workspace.
///
/// Services are all exported when the filter is empty; otherwise those the
/// selected questions name, plus (for `--domain`/`--task` filters) those
/// whose `tasks` include a selected task.
///
/// # Errors
/// See [`SelectError`].
pub fn select<'w>(workspace: &'w Workspace, filter: &Filter) -> Result<Selection<'w>, SelectError> {
    let exam_entity = workspace.exam().ok_or(SelectError::NoExam)?;
    let exam = ExamInfo {
        id: text(exam_entity.id.as_ref()).ok_or(SelectError::NoExam)?,
        code: text(exam_entity.code.as_ref()),
        title: text(exam_entity.title.as_ref()).ok_or(SelectError::NoExam)?,
        guide_version: text(exam_entity.guide_version.as_ref()),
    };

    // Domains: blueprint order, then domain files the blueprint omits.
    let domain_files: Vec<&Domain> = workspace.domains().map(|(_, d)| d).collect();
    let file_of = |id: &str| {
        domain_files
            .iter()
            .copied()
            .find(|d| text(d.id.as_ref()) == Some(id))
    };
    let mut domain_list: Vec<(&str, &str, Option<i64>)> = exam_entity
        .domains
        .iter()
        .map(|d| {
            (
                d.id.as_str(),
                text(d.title.as_ref()).unwrap_or(""),
                d.weight.as_ref().map(|w| w.value),
            )
        })
        .collect();
    for domain in &domain_files {
        if let Some(id) = text(domain.id.as_ref())
            && !domain_list.iter().any(|(d, _, _)| *d == id)
        {
            domain_list.push((id, "", None));
        }
    }

    for id in &filter.domains {
        if !domain_list.iter().any(|(d, _, _)| d == id) {
            return Err(SelectError::UnknownDomain {
                id: id.clone(),
                suggestion: examkit_model::did_you_mean(id, domain_list.iter().map(|d| d.0))
                    .map(str::to_owned),
            });
        }
    }
    let all_tasks: Vec<&str> = domain_files
        .iter()
        .flat_map(|d| &d.tasks)
        .filter_map(|t| text(t.id.as_ref()))
        .collect();
    for id in &filter.tasks {
        if !all_tasks.contains(&id.as_str()) {
            return Err(SelectError::UnknownTask {
                id: id.clone(),
                suggestion: examkit_model::did_you_mean(id, all_tasks.iter().copied())
                    .map(str::to_owned),
            });
        }
    }

    // Questions by task, in file order (files are sorted by path).
    let mut by_task: BTreeMap<&str, Vec<&Question>> = BTreeMap::new();
    for (_, set) in workspace.question_sets() {
        let Some(task) = text(set.task.as_ref()) else {
            continue;
        };
        if !all_tasks.contains(&task) {
            return Err(SelectError::OrphanQuestions {
                task: task.to_owned(),
            });
        }
        by_task
            .entry(task)
            .or_default()
            .extend(set.questions.iter().filter(|q| q.id.is_some()));
    }

    let mut domains = Vec::new();
    let mut selected_tasks = BTreeSet::new();
    for (id, title, weight) in domain_list {
        let domain = file_of(id);
        let mut tasks = Vec::new();
        for task in domain.map_or(&[][..], |d| d.tasks.as_slice()) {
            let Some(task_id) = text(task.id.as_ref()) else {
                continue;
            };
            if !filter.selects_task(id, task_id) {
                continue;
            }
            selected_tasks.insert(task_id);
            let questions: Vec<&Question> = by_task
                .get(task_id)
                .map(|qs| {
                    qs.iter()
                        .copied()
                        .filter(|q| filter.selects_tags(q.tags.iter().map(|t| t.as_str())))
                        .collect()
                })
                .unwrap_or_default();
            if questions.is_empty() && !filter.is_empty() {
                continue;
            }
            tasks.push(TaskEntry {
                id: task_id,
                task,
                questions,
            });
        }
        if tasks.is_empty() && !filter.is_empty() {
            continue;
        }
        domains.push(DomainEntry {
            id,
            title,
            weight,
            domain,
            tasks,
        });
    }

    let mut selection = Selection {
        exam,
        domains,
        services: Vec::new(),
        filter: filter.clone(),
    };
    if !filter.is_empty() && selection.question_count() == 0 {
        return Err(SelectError::NothingSelected);
    }

    let named: BTreeSet<&str> = selection
        .questions()
        .flat_map(|q| q.question.services.iter().map(|s| s.as_str()))
        .collect();
    let by_task_filter = !filter.domains.is_empty() || !filter.tasks.is_empty();
    let mut services: Vec<&Service> = workspace
        .services()
        .map(|(_, s)| s)
        .filter(|s| s.id.is_some())
        .filter(|s| {
            filter.is_empty()
                || s.id.as_ref().is_some_and(|id| named.contains(id.as_str()))
                || (by_task_filter && s.tasks.iter().any(|t| selected_tasks.contains(t.as_str())))
        })
        .collect();
    services.sort_by(|a, b| text(a.id.as_ref()).cmp(&text(b.id.as_ref())));
    services.dedup_by(|a, b| text(a.id.as_ref()) == text(b.id.as_ref()));
    selection.services = services;
    Ok(selection)
}

#[cfg(test)]
mod tests {
    use super::Filter;

    #[test]
    fn tag_filter_matches_children() {
        let f = Filter {
            tags: vec!["rag".into()],
            ..Filter::default()
        };
        assert!(f.selects_tags(["x", "rag"]));
        assert!(f.selects_tags(["rag::retrieval"]));
        assert!(!f.selects_tags(["ragtime"]));
        assert!(!f.selects_tags([]));
        assert!(Filter::default().selects_tags([]));
    }

    #[test]
    fn domain_and_task_filters_are_a_union() {
        let f = Filter {
            domains: vec!["1".into()],
            tasks: vec!["3.1".into()],
            ..Filter::default()
        };
        assert!(f.selects_task("1", "1.2"));
        assert!(f.selects_task("3", "3.1"));
        assert!(!f.selects_task("3", "3.2"));
        assert!(Filter::default().selects_task("9", "9.9"));
    }
}
