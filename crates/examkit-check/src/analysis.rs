//! One analysis for every front end: the CLI and the language server call
//! [`analyse`] and render what it returns.

use examkit_model::Workspace;
use examkit_syntax::Diagnostic;
use rayon::prelude::*;

use crate::config::Config;
use crate::memo::Memo;
use crate::registry::RuleInfo;
use crate::rules::{ALL, Context, Findings, Rule};
use crate::suppress::{is_suppressed, suppressions};

/// The findings of every file of a workspace.
#[derive(Debug)]
pub struct Analysis {
    /// The analysed workspace.
    pub workspace: Workspace,
    /// Per file (same order as `workspace.files`): its diagnostics, sorted by position.
    pub diagnostics: Vec<Vec<Diagnostic>>,
}

/// Runs every rule on the workspace and merges the findings with each file's
/// own (syntax, schema, semantic) diagnostics. `relative` gives a file's path
/// relative to its content root for per-path configuration.
#[must_use]
pub fn analyse(
    workspace: Workspace,
    config: &Config,
    relative: &(dyn Fn(usize) -> String + Sync),
) -> Analysis {
    analyse_with(workspace, config, relative, Scope::All)
}

/// [`analyse`] for a gate that refuses content with errors, as export
/// does: only the rules that can report an error under `config` run. The
/// errors are exactly those of [`analyse`]; the warnings and notes of the
/// rules left out are missing.
#[must_use]
pub fn analyse_for_errors(
    workspace: Workspace,
    config: &Config,
    relative: &(dyn Fn(usize) -> String + Sync),
) -> Analysis {
    analyse_with(workspace, config, relative, Scope::Errors)
}

/// [`analyse`] for a front end that analyses the same workspace again and
/// again: findings that depend on unchanged text alone come from `memo`,
/// which keeps this analysis's findings for the next. The result is the
/// same as [`analyse`]'s.
#[must_use]
pub fn analyse_memoised(
    workspace: Workspace,
    config: &Config,
    relative: &(dyn Fn(usize) -> String + Sync),
    memo: &Memo,
) -> Analysis {
    let analysis = analyse_with(workspace, config, relative, Scope::Memoised(memo));
    memo.end_analysis();
    analysis
}

/// Which rules an analysis runs, and with which memo.
#[derive(Clone, Copy)]
enum Scope<'m> {
    /// Every rule.
    All,
    /// Every rule, reusing and keeping findings in a memo.
    Memoised(&'m Memo),
    /// The rules that can report an error.
    Errors,
}

fn analyse_with(
    workspace: Workspace,
    config: &Config,
    relative: &(dyn Fn(usize) -> String + Sync),
    scope: Scope<'_>,
) -> Analysis {
    let mut diagnostics: Vec<Vec<Diagnostic>> = workspace
        .files
        .iter()
        .map(|f| f.diagnostics.clone())
        .collect();
    let may_report_error =
        |info: &RuleInfo| config.may_report_error(info.code, info.default_severity);
    let rules: Vec<&dyn Rule> = match scope {
        Scope::All | Scope::Memoised(_) => ALL.to_vec(),
        Scope::Errors => ALL
            .iter()
            .copied()
            .filter(|rule| may_report_error(rule.info()))
            .collect(),
    };
    let cx = match scope {
        Scope::All => Context::new(&workspace),
        Scope::Memoised(memo) => Context::with_memo(&workspace, memo),
        Scope::Errors => Context::with_question_rules(&workspace, &may_report_error),
    };
    cx.prepare(&rules);
    let findings: Vec<Findings> = rules
        .par_iter()
        .map(|rule| {
            let mut out = Findings::default();
            rule.check(&cx, &mut out);
            out
        })
        .collect();
    drop(cx);
    for (file, mut diagnostic) in findings.into_iter().flat_map(|f| f.items) {
        let Some(per_file) = diagnostics.get_mut(file) else {
            continue;
        };
        if let Some(severity) =
            config.severity(diagnostic.code, diagnostic.severity, &relative(file))
        {
            diagnostic.severity = severity;
            per_file.push(diagnostic);
        }
    }
    workspace
        .files
        .par_iter()
        .zip(&mut diagnostics)
        .for_each(|(file, per_file)| {
            let (suppressions, problems) = suppressions(&file.text, file.tree.as_ref());
            if !suppressions.is_empty() {
                per_file.retain(|d| {
                    crate::registry::lookup(d.code).is_none_or(|r| !r.configurable)
                        || !is_suppressed(d, &suppressions)
                });
            }
            per_file.extend(problems);
            per_file.sort_by(|a, b| {
                (a.range.start(), a.range.end(), a.code).cmp(&(
                    b.range.start(),
                    b.range.end(),
                    b.code,
                ))
            });
        });
    Analysis {
        workspace,
        diagnostics,
    }
}
