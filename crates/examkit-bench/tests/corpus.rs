//! The generated corpora: byte-identical for the same seed, clean under
//! `examkit check` without injected errors, and one finding per injected
//! error.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use examkit_bench::{CorpusSpec, Style, Summary, generate};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn base() -> PathBuf {
    workspace().join("content/aif-c01")
}

/// Every file under `dir`, by path relative to it.
fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for entry in fs::read_dir(dir).expect("read_dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let bytes = fs::read(&path).expect("read");
                out.insert(path.strip_prefix(root).expect("prefix").to_owned(), bytes);
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn spec(style: Style, questions: usize, per_file: usize, errors: f64, seed: u64) -> CorpusSpec {
    CorpusSpec {
        questions,
        per_file,
        error_share: errors,
        seed,
        style,
        keep_questions: false,
    }
}

fn corpus(dir: &Path, spec: &CorpusSpec) -> Summary {
    generate(&base(), dir, spec).expect("generate")
}

#[test]
fn the_same_seed_gives_byte_identical_files() {
    let tmp = tempfile::tempdir().expect("tempdir");
    for style in [Style::Synthetic, Style::Realistic, Style::Compact] {
        let s = spec(style, 700, 150, 0.05, 9);
        let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
        assert_eq!(corpus(&a, &s), corpus(&b, &s));
        let (ta, tb) = (tree(&a), tree(&b));
        assert!(ta.len() > 60, "{style:?}: {} files", ta.len());
        assert!(ta == tb, "{style:?}: two runs with seed 9 differ");
        // Generating again over an existing corpus replaces it.
        corpus(&a, &s);
        assert!(tree(&a) == tb, "{style:?}: regenerating in place differs");
    }
    let other = tmp.path().join("other");
    corpus(&other, &spec(Style::Synthetic, 700, 150, 0.05, 10));
    let first = tmp.path().join("first");
    corpus(&first, &spec(Style::Synthetic, 700, 150, 0.05, 9));
    assert!(
        tree(&other) != tree(&first),
        "another seed gives other questions"
    );
}

#[test]
fn one_file_of_n_questions_with_the_base_questions() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut s = spec(Style::Synthetic, 300, 300, 0.0, 42);
    s.keep_questions = true;
    let summary = corpus(tmp.path(), &s);
    assert_eq!(summary.files, 1);
    let text = fs::read_to_string(tmp.path().join("questions/generated-00000.yaml"))
        .expect("the generated file");
    assert_eq!(text.matches("\n  - id: ").count(), 300);
    for name in fs::read_dir(base().join("questions")).expect("base questions") {
        let name = name.expect("entry").file_name();
        assert!(
            tmp.path().join("questions").join(&name).is_file(),
            "{name:?} copied"
        );
    }
}

/// The `examkit` binary of this workspace (built on first use), or
/// `EXAMKIT_BIN`.
fn examkit() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        if let Some(bin) = std::env::var_os("EXAMKIT_BIN") {
            return PathBuf::from(bin);
        }
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let output = Command::new(cargo)
            .current_dir(workspace())
            .args(["build", "--quiet", "-p", "examkit", "--bin", "examkit"])
            .arg("--message-format=json")
            .output()
            .expect("run cargo build");
        assert!(
            output.status.success(),
            "cargo build -p examkit failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
            .filter(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == "examkit")
            .find_map(|m| m["executable"].as_str().map(PathBuf::from))
            .expect("cargo reported no examkit executable")
    })
}

/// The findings of `examkit check DIR --format json`.
fn check(dir: &Path) -> Vec<serde_json::Value> {
    let output = Command::new(examkit())
        .arg("check")
        .arg(dir)
        .args(["--format", "json"])
        .output()
        .expect("run examkit check");
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "examkit check failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice::<Vec<serde_json::Value>>(&output.stdout).expect("a JSON array")
}

#[test]
fn without_errors_a_synthetic_corpus_passes_examkit_check_cleanly() {
    let tmp = tempfile::tempdir().expect("tempdir");
    // 30 files: every task gets questions.
    corpus(tmp.path(), &spec(Style::Synthetic, 3000, 100, 0.0, 42));
    let findings = check(tmp.path());
    assert!(findings.is_empty(), "findings: {findings:#?}");
}

#[test]
fn one_percent_errors_give_about_one_percent_findings() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let n = 5000;
    let summary = corpus(tmp.path(), &spec(Style::Synthetic, n, 100, 0.01, 42));
    let findings = check(tmp.path());
    // One finding per question with an error, nothing else.
    assert_eq!(findings.len(), summary.errors, "findings: {findings:#?}");
    assert!(
        (n / 200..=n * 3 / 200).contains(&summary.errors),
        "{} errors in {n} questions",
        summary.errors
    );
    assert!(findings.iter().all(|f| f["severity"] == "error"));
}

#[test]
fn cycled_corpora_have_no_errors_without_injected_ones() {
    let tmp = tempfile::tempdir().expect("tempdir");
    for style in [Style::Realistic, Style::Compact] {
        let dir = tmp.path().join(format!("{style:?}"));
        corpus(&dir, &spec(style, 500, 100, 0.0, 42));
        let errors: Vec<_> = check(&dir)
            .into_iter()
            .filter(|f| f["severity"] == "error")
            .collect();
        assert!(errors.is_empty(), "{style:?}: {errors:#?}");
    }
}
