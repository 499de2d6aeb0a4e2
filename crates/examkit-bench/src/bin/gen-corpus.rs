//! `gen-corpus BASE OUT N [--per-file K] [--errors SHARE] [--seed S]`:
//! writes a benchmark corpus of N questions (see the crate docs).

use std::path::PathBuf;
use std::process::ExitCode;

use examkit_bench::{CorpusSpec, generate};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut positional = Vec::new();
    let mut spec = CorpusSpec {
        questions: 0,
        per_file: 1000,
        error_share: 0.0,
        seed: 42,
    };
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        let mut value = || iter.next().cloned().unwrap_or_default();
        match arg.as_str() {
            "--per-file" => spec.per_file = value().parse().unwrap_or(1000),
            "--errors" => spec.error_share = value().parse().unwrap_or(0.0),
            "--seed" => spec.seed = value().parse().unwrap_or(42),
            other => positional.push(other.to_owned()),
        }
    }
    let [base, out, n] = positional.as_slice() else {
        eprintln!("usage: gen-corpus BASE OUT N [--per-file K] [--errors SHARE] [--seed S]");
        return ExitCode::from(2);
    };
    spec.questions = n.parse().unwrap_or(0);
    match generate(&PathBuf::from(base), &PathBuf::from(out), &spec) {
        Ok(errors) => {
            println!(
                "wrote {} questions ({errors} with an error) to {out}",
                spec.questions
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("gen-corpus: {e}");
            ExitCode::from(2)
        }
    }
}
