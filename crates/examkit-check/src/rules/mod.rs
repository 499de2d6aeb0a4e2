//! The configurable rules: cross-reference, item-writing and bank-wide checks.

use examkit_model::Workspace;
use examkit_syntax::Diagnostic;

use crate::registry::RuleInfo;

/// One check over the workspace.
pub trait Rule: Sync {
    /// The rule's code, severity and rationale.
    fn info(&self) -> &'static RuleInfo;
    /// Runs the rule, reporting findings into `out`.
    fn check(&self, workspace: &Workspace, out: &mut Findings);
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
pub static ALL: &[&dyn Rule] = &[];
