//! `examkit stats`: counts per domain, task, type, difficulty and service,
//! against the exam blueprint.

use std::fmt::Write;
use std::path::Path;

use examkit_check::stats::Stats;

use crate::ExitStatus;
use crate::cli::{StatsArgs, StatsFormat};
use crate::load::{Findings, LoadError, load_content_root};
use crate::timings::Timings;

/// Prints the counts of the content root.
pub fn run(args: &StatsArgs, cwd: &Path) -> Result<ExitStatus, LoadError> {
    let root = load_content_root(
        args.root.as_deref(),
        cwd,
        Findings::All,
        &mut Timings::new(false),
    )?;
    let stats = Stats::compute(&root.analysis.workspace);
    match args.format {
        StatsFormat::Json => {
            let json = serde_json::to_string_pretty(&stats)
                .map_err(|e| LoadError(format!("cannot write JSON: {e}")))?;
            println!("{json}");
        }
        StatsFormat::Text => print!("{}", text(&stats)),
    }
    Ok(ExitStatus::Success)
}

fn percent(part: usize, total: usize) -> f64 {
    if total == 0 {
        0.0
    } else {
        part as f64 * 100.0 / total as f64
    }
}

fn text(stats: &Stats) -> String {
    let mut out = String::new();
    let total = stats.questions;
    let _ = writeln!(out, "{total} questions\n");
    let _ = writeln!(
        out,
        "{:<8} {:>9} {:>7} {:>7} {:>9}  title",
        "domain", "questions", "share", "weight", "scenarios"
    );
    for d in &stats.domains {
        let weight = d.weight.map_or("-".to_owned(), |w| format!("{w}%"));
        let _ = writeln!(
            out,
            "{:<8} {:>9} {:>6.1}% {:>7} {:>9}  {}",
            d.id, d.questions, d.share, weight, d.scenarios, d.title
        );
    }
    if stats.unassigned > 0 {
        let _ = writeln!(
            out,
            "{:<8} {:>9}  (task not defined by any domain)",
            "-", stats.unassigned
        );
    }
    let _ = writeln!(
        out,
        "\n{:<8} {:>9} {:>7} {:>9} {:>9} {:>9}  title",
        "task", "questions", "single", "multiple", "ordering", "matching"
    );
    for d in &stats.domains {
        for t in &d.tasks {
            let n = |k: &str| t.types.get(k).copied().unwrap_or(0);
            let _ = writeln!(
                out,
                "{:<8} {:>9} {:>7} {:>9} {:>9} {:>9}  {}",
                t.id,
                t.questions,
                n("single"),
                n("multiple"),
                n("ordering"),
                n("matching"),
                t.title
            );
        }
    }
    let _ = writeln!(out, "\n{:<10} {:>9} {:>7}", "type", "questions", "share");
    for (kind, n) in &stats.types {
        let _ = writeln!(out, "{kind:<10} {n:>9} {:>6.1}%", percent(*n, total));
    }
    let _ = writeln!(
        out,
        "\n{:<10} {:>9} {:>7}",
        "difficulty", "questions", "share"
    );
    for (level, n) in &stats.difficulties {
        let _ = writeln!(out, "{level:<10} {n:>9} {:>6.1}%", percent(*n, total));
    }
    let _ = writeln!(
        out,
        "\n{:<28} {:>6} {:>9}  name",
        "service", "scope", "questions"
    );
    for s in &stats.services {
        let scope = if s.in_scope { "in" } else { "out" };
        let _ = writeln!(
            out,
            "{:<28} {:>6} {:>9}  {}",
            s.id, scope, s.questions, s.name
        );
    }
    out
}
