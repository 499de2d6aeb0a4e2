//! The configurable rules: cross-reference, item-writing, coverage and
//! bank-wide checks. Each rule reads the typed model and the workspace
//! index, never raw text alone.

mod bank;
mod coverage;
pub(crate) mod edits;
mod item;
mod names;
mod xref;

use std::sync::OnceLock;

use examkit_model::entities::{Entity, QuestionSet};
use examkit_model::{SourceFile, Workspace};
use examkit_syntax::Diagnostic;
use rayon::prelude::*;

use crate::registry::RuleInfo;
pub(crate) use bank::PairIndex;
pub(crate) use names::Mention;
use names::{Catalog, all_mentions};

use crate::memo::{Memo, question_keys};

/// What rules read: the workspace and what several rules derive from it,
/// computed once on first use.
pub struct Context<'w> {
    /// The analysed workspace.
    pub workspace: &'w Workspace,
    memo: Option<&'w Memo>,
    question_keys: OnceLock<Vec<Vec<u64>>>,
    catalog: OnceLock<Catalog<'w>>,
    mentions: OnceLock<Vec<Mention>>,
    question_findings: OnceLock<Vec<Vec<Diagnostic>>>,
    near_duplicates: OnceLock<Vec<(usize, Diagnostic)>>,
    /// Which question rules the question findings include: `None` for all.
    question_rules: Option<&'w RuleFilter<'w>>,
}

/// What a memoised analysis reads its earlier findings with.
#[derive(Clone, Copy)]
pub(crate) struct Memoised<'a> {
    /// The memo.
    pub(crate) memo: &'a Memo,
    /// Per file, the key of each question's text (see
    /// [`question_keys`]).
    pub(crate) question_keys: &'a [Vec<u64>],
}

/// Picks rules by their description.
pub type RuleFilter<'a> = dyn Fn(&RuleInfo) -> bool + Sync + 'a;

/// A costly input a rule reads from its [`Context`], which
/// [`Context::prepare`] computes up front.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Input {
    /// Service and feature names mentioned in prose.
    Mentions,
    /// The findings of the question rules.
    QuestionFindings,
    /// Pairs of near-duplicate questions.
    NearDuplicates,
}

impl<'w> Context<'w> {
    /// A context over `workspace`.
    #[must_use]
    pub fn new(workspace: &'w Workspace) -> Self {
        Self {
            workspace,
            memo: None,
            question_keys: OnceLock::new(),
            catalog: OnceLock::new(),
            mentions: OnceLock::new(),
            question_findings: OnceLock::new(),
            near_duplicates: OnceLock::new(),
            question_rules: None,
        }
    }

    /// A context whose question findings come from the question rules
    /// `filter` accepts only (other rules pick their own findings).
    #[must_use]
    pub fn with_question_rules(workspace: &'w Workspace, filter: &'w RuleFilter<'w>) -> Self {
        Self {
            question_rules: Some(filter),
            ..Self::new(workspace)
        }
    }

    /// A context that reuses (and keeps) findings in `memo`.
    #[must_use]
    pub fn with_memo(workspace: &'w Workspace, memo: &'w Memo) -> Self {
        Self {
            memo: Some(memo),
            ..Self::new(workspace)
        }
    }

    /// Computes the costly inputs of `rules` (the name catalog and
    /// mentions, the question findings, the near-duplicate pairs) up front,
    /// all at once: a rule waiting for another thread's computation would
    /// hold its own thread idle.
    pub fn prepare(&self, rules: &[&dyn Rule]) {
        let needed = |input: Input| rules.iter().any(|r| r.inputs().contains(&input));
        let (mentions, question_findings, near_duplicates) = (
            needed(Input::Mentions),
            needed(Input::QuestionFindings),
            needed(Input::NearDuplicates),
        );
        // Every memoised input reads the questions' keys.
        self.memoised();
        rayon::join(
            || {
                rayon::join(
                    || mentions.then(|| self.mentions()),
                    || question_findings.then(|| self.question_findings()),
                )
            },
            || near_duplicates.then(|| self.near_duplicates()),
        );
    }

    /// The findings of `bank/near-duplicate`, each with its file.
    pub(crate) fn near_duplicates(&self) -> &[(usize, Diagnostic)] {
        self.near_duplicates
            .get_or_init(|| bank::near_duplicates(self))
    }

    /// The memo of findings from earlier analyses, if this one keeps one,
    /// with the keys of the questions' texts.
    pub(crate) fn memoised(&self) -> Option<Memoised<'_>> {
        let memo = self.memo?;
        Some(Memoised {
            memo,
            question_keys: self
                .question_keys
                .get_or_init(|| question_keys(self.workspace)),
        })
    }

    pub(crate) fn catalog(&self) -> &Catalog<'w> {
        self.catalog
            .get_or_init(|| Catalog::new(self.workspace, self.memo))
    }

    pub(crate) fn mentions(&self) -> &[Mention] {
        self.mentions
            .get_or_init(|| all_mentions(self.workspace, self.catalog(), self.memoised()))
    }

    /// Per file: the findings of every question rule, sorted by position.
    pub(crate) fn question_findings(&self) -> &[Vec<Diagnostic>] {
        self.question_findings.get_or_init(|| {
            item::all_question_findings(self.workspace, self.memoised(), self.question_rules)
        })
    }
}

/// `per_file` run on every file of `workspace` in parallel, with its index
/// and question set; other files give nothing. The result is in file order.
pub(crate) fn per_questions_file<'w, T: Send>(
    workspace: &'w Workspace,
    per_file: impl Fn(usize, &'w SourceFile, &'w QuestionSet) -> Vec<T> + Sync,
) -> Vec<Vec<T>> {
    workspace
        .files
        .par_iter()
        .enumerate()
        .map(|(file, source)| match &source.entity {
            Some(Entity::Questions(set)) => per_file(file, source, set),
            _ => Vec::new(),
        })
        .collect()
}

/// One check over the workspace.
pub trait Rule: Sync {
    /// The rule's code, severity and rationale.
    fn info(&self) -> &'static RuleInfo;
    /// Runs the rule, reporting findings into `out`.
    fn check(&self, cx: &Context<'_>, out: &mut Findings);
    /// The costly inputs the rule reads: none unless it says so.
    fn inputs(&self) -> &'static [Input] {
        &[]
    }
}

/// Findings of one rule, each tagged with its file's index in the workspace.
#[derive(Debug, Default)]
pub struct Findings {
    pub(crate) items: Vec<(usize, Diagnostic)>,
}

impl Findings {
    /// Reports a finding in file `file`.
    pub fn report(&mut self, file: usize, diagnostic: Diagnostic) {
        self.items.push((file, diagnostic));
    }
}

/// Every configurable rule, in the order they run.
pub static ALL: &[&dyn Rule] = &[
    &xref::UnknownService,
    &xref::UnknownTask,
    &xref::DuplicateId,
    &xref::TaskOutsideExam,
    &names::ServiceName,
    &names::LegacyName,
    &names::FeatureAsService,
    &names::UnlistedService,
    &names::OutOfScope,
    &names::OutOfScopeMention,
    &coverage::DomainWeights,
    &coverage::TaskWithoutQuestions,
    &coverage::UnreferencedService,
    &item::AllOfTheAbove,
    &item::NoneOfTheAbove,
    &item::ComplexOption,
    &item::AbsoluteTerm,
    &item::VagueFrequency,
    &item::NegativeStem,
    &item::LongestKey,
    &item::WordRepeat,
    &item::DuplicateOption,
    &item::OptionCount,
    &item::SelectCue,
    &item::MissingRationale,
    &item::ThinExplanation,
    &bank::NearDuplicate,
    &bank::KeyPosition,
];
