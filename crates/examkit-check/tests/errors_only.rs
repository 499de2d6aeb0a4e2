//! `analyse_for_errors` (what export runs) must find exactly the errors of
//! the full analysis, under any configuration, and skip what cannot be one.

mod common;

use std::path::PathBuf;

use examkit_check::{Analysis, Config, analyse, analyse_for_errors};
use examkit_syntax::{Diagnostic, Severity};

use common::{bundled_content, edit, workspace};

const QUESTIONS: &str = "questions/1.2.yaml";

/// The bundled content with one finding of each kind: an absolute term (a
/// warning), "all of the above" (an item error), an unknown service id and
/// a miscased service name (cross-reference errors).
fn content_with_findings() -> Vec<(PathBuf, String)> {
    let mut files = bundled_content();
    edit(
        &mut files,
        QUESTIONS,
        "    options:\n      - text: ",
        "    options:\n      - text: Always ",
    );
    edit(
        &mut files,
        QUESTIONS,
        "    options:\n      - text: ",
        "    options:\n      - text: All of the above\n      - text: ",
    );
    edit(
        &mut files,
        QUESTIONS,
        "services: [amazon-comprehend,",
        "services: [amazon-comprehendo,",
    );
    edit(&mut files, QUESTIONS, "Amazon Bedrock", "Amazon bedrock");
    files
}

fn with_severity(analysis: &Analysis, severity: Severity) -> Vec<Vec<&Diagnostic>> {
    analysis
        .diagnostics
        .iter()
        .map(|found| found.iter().filter(|d| d.severity == severity).collect())
        .collect()
}

fn codes(analysis: &Analysis) -> Vec<&'static str> {
    let mut codes: Vec<&str> = analysis
        .diagnostics
        .iter()
        .flatten()
        .map(|d| d.code)
        .collect();
    codes.sort_unstable();
    codes.dedup();
    codes
}

/// Paths relative to the content root, for per-path overrides.
fn relative_paths(files: &[(PathBuf, String)]) -> Vec<String> {
    files
        .iter()
        .map(|(path, _)| {
            let text = path.to_string_lossy().replace('\\', "/");
            text.split_once("/aif-c01/")
                .map_or(text.clone(), |(_, rest)| rest.to_owned())
        })
        .collect()
}

fn compare(config_text: &str) -> (Analysis, Analysis) {
    let files = content_with_findings();
    let (config, problems) = Config::parse(config_text);
    assert!(problems.is_empty(), "{problems:?}");
    let paths = relative_paths(&files);
    let relative = |i: usize| paths[i].clone();
    let full = analyse(workspace(&files), &config, &relative);
    let errors_only = analyse_for_errors(workspace(&files), &config, &relative);
    assert_eq!(
        with_severity(&errors_only, Severity::Error),
        with_severity(&full, Severity::Error),
        "with configuration {config_text:?}"
    );
    (full, errors_only)
}

#[test]
fn errors_match_the_full_analysis_and_warning_rules_do_not_run() {
    let (full, errors_only) = compare("");
    let full_codes = codes(&full);
    for code in [
        "item/absolute-term",
        "item/all-of-the-above",
        "xref/unknown-service",
        "xref/service-name",
    ] {
        assert!(full_codes.contains(&code), "{code} missing: {full_codes:?}");
    }
    let errors_only_codes = codes(&errors_only);
    assert!(errors_only_codes.contains(&"item/all-of-the-above"));
    assert!(
        !errors_only_codes.contains(&"item/absolute-term"),
        "a warning-only rule ran: {errors_only_codes:?}"
    );
}

#[test]
fn a_rule_raised_to_error_runs() {
    let (_, errors_only) = compare("[rules]\n\"item/absolute-term\" = \"error\"\n");
    assert!(codes(&errors_only).contains(&"item/absolute-term"));
}

#[test]
fn a_rule_raised_to_error_for_some_paths_runs() {
    let (_, errors_only) = compare(
        "[[overrides]]\npaths = [\"questions/**\"]\nrules = { \"item/absolute-term\" = \"error\" }\n",
    );
    assert!(codes(&errors_only).contains(&"item/absolute-term"));
}

#[test]
fn a_rule_turned_off_or_lowered_reports_no_error() {
    let (full, _) = compare(
        "[rules]\n\"item/all-of-the-above\" = \"off\"\n\"xref/service-name\" = \"warning\"\n",
    );
    assert!(!codes(&full).contains(&"item/all-of-the-above"));
}
