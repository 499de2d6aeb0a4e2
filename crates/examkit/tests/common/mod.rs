//! Helpers shared by the end-to-end tests: run the real binary as a user would.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// Runs `examkit` with `args` in `cwd`.
pub fn examkit(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_examkit"))
        .args(args)
        .current_dir(cwd)
        .env_remove("EXAMKIT_OUTPUT_FORMAT")
        .env("NO_COLOR", "1")
        .output()
        .expect("examkit runs")
}

/// Runs `examkit check --format json` on `path` and returns the exit code and
/// the diagnostics as compact lines `L:C-L:C severity code message`.
pub fn check_lines(cwd: &Path, path: &str) -> (i32, Vec<String>) {
    let output = examkit(cwd, &["check", "--format", "json", path]);
    let stdout = String::from_utf8(output.stdout).unwrap();
    let items: serde_json::Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "json output: {e}\n{stdout}\n{}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let lines = items
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{}:{}-{}:{} {} {} {}",
                d["start"]["line"],
                d["start"]["column"],
                d["end"]["line"],
                d["end"]["column"],
                d["severity"].as_str().unwrap(),
                d["code"].as_str().unwrap(),
                d["message"].as_str().unwrap()
            )
        })
        .collect();
    (output.status.code().unwrap_or(-1), lines)
}
