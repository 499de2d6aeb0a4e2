//! `examkit explain CODE` and `examkit rules`.

use std::fmt::Write;

use examkit_check::registry;

use crate::ExitStatus;
use crate::load::LoadError;

/// Prints the rationale and example of `code`.
pub fn explain(code: &str) -> Result<ExitStatus, LoadError> {
    let Some(rule) = registry::lookup(code) else {
        let hint = examkit_model::did_you_mean(code, registry::all().map(|r| r.code))
            .map(|best| format!(" Did you mean `{best}`?"))
            .unwrap_or_default();
        return Err(LoadError(format!(
            "unknown code `{code}`.{hint} `examkit rules` lists them all."
        )));
    };
    let mut out = String::new();
    let _ = writeln!(out, "{} ({})\n", rule.code, rule.default_severity);
    let _ = writeln!(out, "{}\n", rule.summary);
    let _ = writeln!(out, "{}", rule.rationale);
    if let Some(example) = rule.example {
        let _ = writeln!(out, "\nExample of content it reports:\n");
        for line in example.lines() {
            let _ = writeln!(out, "    {line}");
        }
    }
    if rule.fixable {
        let _ = writeln!(out, "\nFindings come with a fix.");
    }
    if !rule.configurable {
        let _ = writeln!(
            out,
            "\nThis reports invalid content; it cannot be turned off."
        );
    }
    print!("{out}");
    Ok(ExitStatus::Success)
}

/// Lists every code with its default severity and summary.
pub fn rules() -> ExitStatus {
    let mut out = String::new();
    for rule in registry::all() {
        let fix = if rule.fixable { " [fix]" } else { "" };
        let _ = writeln!(
            out,
            "{:<34} {:<8} {}{fix}",
            rule.code,
            rule.default_severity.as_str(),
            rule.summary
        );
    }
    print!("{out}");
    ExitStatus::Success
}
