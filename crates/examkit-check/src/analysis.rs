//! One analysis for every front end: the CLI and the language server call
//! [`analyse`] and render what it returns.

use examkit_model::Workspace;
use examkit_syntax::Diagnostic;
use rayon::prelude::*;

use crate::config::Config;
use crate::memo::Memo;
use crate::rules::{ALL, Context, Findings};
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
    analyse_with(workspace, config, relative, None)
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
    let analysis = analyse_with(workspace, config, relative, Some(memo));
    memo.end_analysis();
    analysis
}

fn analyse_with(
    workspace: Workspace,
    config: &Config,
    relative: &(dyn Fn(usize) -> String + Sync),
    memo: Option<&Memo>,
) -> Analysis {
    let mut diagnostics: Vec<Vec<Diagnostic>> = workspace
        .files
        .iter()
        .map(|f| f.diagnostics.clone())
        .collect();
    let cx = match memo {
        Some(memo) => Context::with_memo(&workspace, memo),
        None => Context::new(&workspace),
    };
    cx.prepare();
    let findings: Vec<Findings> = ALL
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
