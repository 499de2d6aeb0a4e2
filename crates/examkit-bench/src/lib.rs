//! A deterministic generator of examkit content for benchmarks: the real
//! exam, domains and services of a content root, plus N synthetic questions
//! of realistic shape whose text is drawn from a fixed vocabulary, with a
//! configurable share of questions carrying one error each.
//!
//! The same arguments always produce byte-identical files.

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::Path;

/// What to generate.
#[derive(Clone, Debug)]
pub struct CorpusSpec {
    /// Number of questions.
    pub questions: usize,
    /// Questions per file.
    pub per_file: usize,
    /// Share of questions (0.0 – 1.0) that carry one error.
    pub error_share: f64,
    /// Seed of the pseudo-random sequence.
    pub seed: u64,
}

/// A small, fast, deterministic pseudo-random generator (SplitMix64).
pub struct Rng(u64);

impl Rng {
    /// A generator seeded with `seed`.
    #[must_use]
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next_u64() % n.max(1) as u64).unwrap_or(0)
    }

    /// A number in `0.0..1.0`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

const WORDS: &[&str] = &[
    "accuracy",
    "agent",
    "alignment",
    "analytics",
    "annotation",
    "anomaly",
    "application",
    "architecture",
    "archive",
    "assistant",
    "audit",
    "batch",
    "benchmark",
    "budget",
    "catalog",
    "chatbot",
    "checkpoint",
    "classifier",
    "cluster",
    "compliance",
    "container",
    "context",
    "cost",
    "customer",
    "dashboard",
    "dataset",
    "deployment",
    "document",
    "embedding",
    "encryption",
    "endpoint",
    "evaluation",
    "experiment",
    "explanation",
    "feedback",
    "forecast",
    "framework",
    "governance",
    "gradient",
    "guardrail",
    "hallucination",
    "image",
    "incident",
    "index",
    "inference",
    "insight",
    "invoice",
    "keyword",
    "label",
    "latency",
    "lineage",
    "ledger",
    "metric",
    "monitor",
    "network",
    "notebook",
    "pipeline",
    "policy",
    "portal",
    "prediction",
    "privacy",
    "prompt",
    "provider",
    "quality",
    "query",
    "ranking",
    "reasoning",
    "record",
    "region",
    "report",
    "request",
    "retrieval",
    "review",
    "risk",
    "sample",
    "schedule",
    "schema",
    "search",
    "sentiment",
    "signal",
    "snapshot",
    "speech",
    "storage",
    "summary",
    "support",
    "survey",
    "template",
    "threshold",
    "ticket",
    "token",
    "training",
    "transcript",
    "translation",
    "trend",
    "vector",
    "version",
    "video",
    "warehouse",
    "workflow",
    "workload",
];

const VERBS: &[&str] = &[
    "analyze",
    "archive",
    "classify",
    "compare",
    "detect",
    "encrypt",
    "evaluate",
    "extract",
    "filter",
    "generate",
    "index",
    "label",
    "measure",
    "monitor",
    "predict",
    "rank",
    "retrieve",
    "review",
    "store",
    "summarize",
    "tag",
    "track",
    "translate",
    "transcribe",
    "validate",
];

const SUBJECTS: &[&str] = &[
    "A retail company",
    "A hospital group",
    "A bank",
    "A media startup",
    "An insurance firm",
    "A logistics company",
    "A university",
    "A software vendor",
    "A travel agency",
    "A public agency",
];

fn phrase(rng: &mut Rng, n: usize) -> String {
    let mut out = String::new();
    for i in 0..n {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(if i % 3 == 0 {
            VERBS[rng.below(VERBS.len())]
        } else {
            WORDS[rng.below(WORDS.len())]
        });
    }
    out
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The kinds of error injected into a share of questions.
const ERRORS: usize = 4;

/// Writes one question as YAML into `out`.
pub fn write_question(
    out: &mut String,
    rng: &mut Rng,
    number: usize,
    services: &[String],
    error: Option<usize>,
) {
    let kind = match number % 20 {
        0..=13 => "single",
        14..=16 => "multiple",
        17..=18 => "ordering",
        _ => "matching",
    };
    let difficulty = ["easy", "medium", "medium", "hard"][rng.below(4)];
    let id = format!("q{number:06}-{}", phrase(rng, 2).replace(' ', "-"));
    let _ = writeln!(out, "  - id: {id}");
    let kind = if error == Some(0) { "singel" } else { kind };
    let _ = writeln!(out, "    type: {kind}");
    let _ = writeln!(out, "    difficulty: {difficulty}");
    let subject = SUBJECTS[rng.below(SUBJECTS.len())];
    let mut stem = format!(
        "{subject} wants to {} with its {}. It must {} every {}. Which solution meets these requirements?",
        phrase(rng, 6),
        phrase(rng, 3),
        phrase(rng, 4),
        phrase(rng, 2)
    );
    if kind == "multiple" {
        stem = stem.replace('?', "? (Select TWO.)");
    }
    let _ = writeln!(out, "    stem: >-\n      {stem}");
    match kind {
        "multiple" => {
            let _ = writeln!(out, "    select: 2\n    options:");
            for i in 0..5 {
                let correct = if i == 1 || i == 3 {
                    "\n        correct: true"
                } else {
                    ""
                };
                let _ = writeln!(
                    out,
                    "      - text: {}{correct}\n        why: {}.",
                    capitalised(&phrase(rng, 5)),
                    capitalised(&phrase(rng, 7))
                );
            }
        }
        "ordering" => {
            let _ = writeln!(out, "    items:");
            for _ in 0..4 {
                let _ = writeln!(
                    out,
                    "      - text: {}\n        why: {}.",
                    capitalised(&phrase(rng, 5)),
                    capitalised(&phrase(rng, 7))
                );
            }
        }
        "matching" => {
            let _ = writeln!(out, "    pairs:");
            for _ in 0..4 {
                let _ = writeln!(
                    out,
                    "      - prompt: {}\n        answer: {}\n        why: {}.",
                    capitalised(&phrase(rng, 2)),
                    capitalised(&phrase(rng, 4)),
                    capitalised(&phrase(rng, 6))
                );
            }
        }
        _ => {
            let _ = writeln!(out, "    options:");
            let key = rng.below(4);
            for i in 0..4 {
                let correct = if i == key {
                    "\n        correct: true"
                } else {
                    ""
                };
                let _ = writeln!(
                    out,
                    "      - text: {}{correct}\n        why: {}.",
                    capitalised(&phrase(rng, 5)),
                    capitalised(&phrase(rng, 7))
                );
            }
        }
    }
    if error != Some(1) {
        let _ = writeln!(
            out,
            "    explanation: >-\n      {}. {}.",
            capitalised(&phrase(rng, 12)),
            capitalised(&phrase(rng, 10))
        );
    }
    let first = &services[rng.below(services.len())];
    let second = &services[rng.below(services.len())];
    let listed = if error == Some(2) {
        format!("{first}-typo")
    } else if first == second {
        first.clone()
    } else {
        format!("{first}, {second}")
    };
    let _ = writeln!(out, "    services: [{listed}]");
    if error == Some(3) {
        let _ = writeln!(out, "    answer: stray key");
    }
}

/// The ids of the in-scope services of a content root (its `services/*.yaml`).
pub fn service_ids(base: &Path) -> io::Result<Vec<String>> {
    let mut ids = Vec::new();
    for entry in fs::read_dir(base.join("services"))? {
        let text = fs::read_to_string(entry?.path())?;
        if text.contains("scope: out") {
            continue;
        }
        if let Some(id) = text.lines().find_map(|l| l.strip_prefix("id: ")) {
            ids.push(id.trim().to_owned());
        }
    }
    ids.sort();
    Ok(ids)
}

/// The task ids of a content root (from `domains/*.yaml`).
pub fn task_ids(base: &Path) -> io::Result<Vec<String>> {
    let mut ids = Vec::new();
    for entry in fs::read_dir(base.join("domains"))? {
        let text = fs::read_to_string(entry?.path())?;
        for line in text.lines() {
            if let Some(id) = line.trim_start().strip_prefix("- id: ") {
                ids.push(id.trim().to_owned());
            }
        }
    }
    ids.sort();
    Ok(ids)
}

fn copy_dir(from: &Path, to: &Path) -> io::Result<()> {
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(from)? {
        let entry = entry?;
        if entry.file_type()?.is_file() {
            fs::copy(entry.path(), to.join(entry.file_name()))?;
        }
    }
    Ok(())
}

/// Writes a corpus at `out`: `base`'s exam, domains and services, plus the
/// generated questions. Returns how many questions carry an error.
pub fn generate(base: &Path, out: &Path, spec: &CorpusSpec) -> io::Result<usize> {
    if out.exists() {
        fs::remove_dir_all(out)?;
    }
    fs::create_dir_all(out.join("questions"))?;
    fs::copy(base.join("exam.yaml"), out.join("exam.yaml"))?;
    fs::write(out.join("examkit.toml"), "# generated benchmark corpus\n")?;
    copy_dir(&base.join("domains"), &out.join("domains"))?;
    copy_dir(&base.join("services"), &out.join("services"))?;
    let services = service_ids(base)?;
    let tasks = task_ids(base)?;
    let mut rng = Rng::new(spec.seed);
    let mut errors = 0;
    let per_file = spec.per_file.max(1);
    let files = spec.questions.div_ceil(per_file);
    for f in 0..files {
        let task = &tasks[f % tasks.len()];
        let mut text = format!("kind: questions\ntask: {task}\nquestions:\n");
        for n in f * per_file..((f + 1) * per_file).min(spec.questions) {
            let error = (rng.unit() < spec.error_share).then(|| rng.below(ERRORS));
            errors += usize::from(error.is_some());
            write_question(&mut text, &mut rng, n, &services, error);
        }
        fs::write(
            out.join("questions").join(format!("generated-{f:05}.yaml")),
            text,
        )?;
    }
    Ok(errors)
}
