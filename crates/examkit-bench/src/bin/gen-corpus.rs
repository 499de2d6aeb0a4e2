//! `gen-corpus BASE OUT N [OPTIONS]`: writes a benchmark corpus of N
//! questions (see the crate docs and `gen-corpus --help`).

use std::path::PathBuf;
use std::process::ExitCode;

use examkit_bench::{CorpusSpec, generate};

const USAGE: &str = "\
usage: gen-corpus BASE OUT N [OPTIONS]

Writes a content root at OUT (replacing it): the exam, domains and services
of the content root BASE, plus N generated questions in OUT/questions/.
The same arguments always give byte-identical files.

options:
  --style STYLE     synthetic (default): vocabulary-drawn questions that pass
                    every rule of `examkit check`; realistic: BASE's questions
                    cycled (full text, unique ids and stems); compact: like
                    realistic with every text cut to a few words
  --per-file K      at most K questions per file (default 1000; K >= N gives
                    one file of N questions for synthetic)
  --errors SHARE    share of questions with one error each, 0 to 1 (default 0)
  --seed S          seed of the pseudo-random sequence (default 42)
  --keep-questions  also copy BASE's own question files
  -h, --help        this text";

fn parse_args(args: &[String]) -> Result<Option<(PathBuf, PathBuf, CorpusSpec)>, String> {
    let mut positional = Vec::new();
    let mut spec = CorpusSpec::default();
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        let mut value = |name: &str| {
            iter.next()
                .cloned()
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match arg.as_str() {
            "-h" | "--help" => return Ok(None),
            "--per-file" => {
                let v = value(arg)?;
                spec.per_file = v
                    .parse()
                    .ok()
                    .filter(|&k| k > 0)
                    .ok_or_else(|| format!("--per-file: `{v}` is not a positive number"))?;
            }
            "--errors" => {
                let v = value(arg)?;
                spec.error_share = v
                    .parse()
                    .ok()
                    .filter(|s: &f64| (0.0..=1.0).contains(s))
                    .ok_or_else(|| format!("--errors: `{v}` is not a share between 0 and 1"))?;
            }
            "--seed" => {
                let v = value(arg)?;
                spec.seed = v
                    .parse()
                    .map_err(|_| format!("--seed: `{v}` is not a whole number"))?;
            }
            "--style" => spec.style = value(arg)?.parse()?,
            "--keep-questions" => spec.keep_questions = true,
            other if other.starts_with('-') && other.len() > 1 => {
                return Err(format!("unknown option `{other}`"));
            }
            other => positional.push(other.to_owned()),
        }
    }
    let [base, out, n] = positional.as_slice() else {
        return Err(format!(
            "expected BASE OUT N, got {} positional argument(s)",
            positional.len()
        ));
    };
    spec.questions = n
        .parse()
        .map_err(|_| format!("N: `{n}` is not a number of questions"))?;
    Ok(Some((PathBuf::from(base), PathBuf::from(out), spec)))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (base, out, spec) = match parse_args(&args) {
        Ok(Some(parsed)) => parsed,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("gen-corpus: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match generate(&base, &out, &spec) {
        Ok(summary) => {
            println!(
                "wrote {} questions ({} with an error) in {} files to {}",
                spec.questions,
                summary.errors,
                summary.files,
                out.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("gen-corpus: {e}");
            ExitCode::from(2)
        }
    }
}
