//! The workspace: every analysed file of a content root and the index of the
//! ids they define.

use std::collections::BTreeMap;
use std::path::Path;

use examkit_syntax::TextRange;

use crate::entities::{Domain, Entity, Exam, Question, QuestionSet, Service, Task};
use crate::file::SourceFile;

/// Where an id is defined: a file (by its index in [`Workspace::files`]) and
/// the bytes of the id.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Definition {
    /// Index of the file in [`Workspace::files`].
    pub file: usize,
    /// The id's bytes.
    pub range: TextRange,
}

/// Every id the workspace defines, with all places that define it (more than
/// one place is a duplicate the checks report).
#[derive(Clone, Debug, Default)]
pub struct Index {
    /// The exam files.
    pub exams: Vec<usize>,
    /// Domain ids, from domain files.
    pub domains: BTreeMap<String, Vec<Definition>>,
    /// Task ids, from domain files.
    pub tasks: BTreeMap<String, Vec<Definition>>,
    /// Service ids.
    pub services: BTreeMap<String, Vec<Definition>>,
    /// Question ids.
    pub questions: BTreeMap<String, Vec<Definition>>,
}

/// All files of a content root, analysed, and the index of their ids.
#[derive(Clone, Debug, Default)]
pub struct Workspace {
    /// The files, sorted by path so that every result is deterministic.
    pub files: Vec<SourceFile>,
    /// The ids they define.
    pub index: Index,
}

impl Workspace {
    /// Builds the workspace from analysed files.
    #[must_use]
    pub fn new(mut files: Vec<SourceFile>) -> Self {
        files.sort_by(|a, b| a.path.cmp(&b.path));
        let index = build_index(&files);
        Self { files, index }
    }

    /// Replaces (or adds) one file and rebuilds the index.
    pub fn upsert(&mut self, file: SourceFile) {
        match self.files.binary_search_by(|f| f.path.cmp(&file.path)) {
            Ok(i) => self.files[i] = file,
            Err(i) => self.files.insert(i, file),
        }
        self.index = build_index(&self.files);
    }

    /// Removes a file, if present, and rebuilds the index.
    pub fn remove(&mut self, path: &Path) {
        if let Ok(i) = self.files.binary_search_by(|f| f.path.as_ref().cmp(path)) {
            self.files.remove(i);
            self.index = build_index(&self.files);
        }
    }

    /// The file at `path`.
    #[must_use]
    pub fn file(&self, path: &Path) -> Option<&SourceFile> {
        self.files
            .binary_search_by(|f| f.path.as_ref().cmp(path))
            .ok()
            .map(|i| &self.files[i])
    }

    /// The index of the file at `path`.
    #[must_use]
    pub fn file_index(&self, path: &Path) -> Option<usize> {
        self.files
            .binary_search_by(|f| f.path.as_ref().cmp(path))
            .ok()
    }

    /// The exam, if exactly one file defines it (or the first of several).
    #[must_use]
    pub fn exam(&self) -> Option<&Exam> {
        self.index
            .exams
            .first()
            .and_then(|&i| match &self.files[i].entity {
                Some(Entity::Exam(exam)) => Some(exam),
                _ => None,
            })
    }

    /// The first definition of service `id`.
    #[must_use]
    pub fn service(&self, id: &str) -> Option<(&SourceFile, &Service)> {
        let definition = self.index.services.get(id)?.first()?;
        let file = &self.files[definition.file];
        match &file.entity {
            Some(Entity::Service(service)) => Some((file, service)),
            _ => None,
        }
    }

    /// Every service with its file, in file order.
    pub fn services(&self) -> impl Iterator<Item = (&SourceFile, &Service)> {
        self.files.iter().filter_map(|f| match &f.entity {
            Some(Entity::Service(s)) => Some((f, s)),
            _ => None,
        })
    }

    /// Every domain with its file, in file order.
    pub fn domains(&self) -> impl Iterator<Item = (&SourceFile, &Domain)> {
        self.files.iter().filter_map(|f| match &f.entity {
            Some(Entity::Domain(d)) => Some((f, d)),
            _ => None,
        })
    }

    /// The first definition of task `id`, with its domain.
    #[must_use]
    pub fn task(&self, id: &str) -> Option<(&SourceFile, &Domain, &Task)> {
        let definition = self.index.tasks.get(id)?.first()?;
        let file = &self.files[definition.file];
        let Some(Entity::Domain(domain)) = &file.entity else {
            return None;
        };
        let task = domain
            .tasks
            .iter()
            .find(|t| t.id.as_ref().is_some_and(|i| i.range == definition.range))?;
        Some((file, domain, task))
    }

    /// Every question set with its file, in file order.
    pub fn question_sets(&self) -> impl Iterator<Item = (&SourceFile, &QuestionSet)> {
        self.files.iter().filter_map(|f| match &f.entity {
            Some(Entity::Questions(q)) => Some((f, q)),
            _ => None,
        })
    }

    /// Every question with its file and set, in file order.
    pub fn questions(&self) -> impl Iterator<Item = (&SourceFile, &QuestionSet, &Question)> {
        self.question_sets()
            .flat_map(|(f, set)| set.questions.iter().map(move |q| (f, set, q)))
    }
}

fn define(map: &mut BTreeMap<String, Vec<Definition>>, id: &str, file: usize, range: TextRange) {
    map.entry(id.to_owned())
        .or_default()
        .push(Definition { file, range });
}

fn build_index(files: &[SourceFile]) -> Index {
    let mut index = Index::default();
    for (i, file) in files.iter().enumerate() {
        match &file.entity {
            Some(Entity::Exam(_)) => index.exams.push(i),
            Some(Entity::Domain(domain)) => {
                if let Some(id) = &domain.id {
                    define(&mut index.domains, &id.value, i, id.range);
                }
                for task in &domain.tasks {
                    if let Some(id) = &task.id {
                        define(&mut index.tasks, &id.value, i, id.range);
                    }
                }
            }
            Some(Entity::Service(service)) => {
                if let Some(id) = &service.id {
                    define(&mut index.services, &id.value, i, id.range);
                }
            }
            Some(Entity::Questions(set)) => {
                for question in &set.questions {
                    if let Some(id) = &question.id {
                        define(&mut index.questions, &id.value, i, id.range);
                    }
                }
            }
            None => {}
        }
    }
    index
}
