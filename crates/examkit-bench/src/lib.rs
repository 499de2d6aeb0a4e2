//! A deterministic generator of examkit content for benchmarks: the real
//! exam, domains and services of a content root, plus N questions, with a
//! configurable share of questions carrying one error each.
//!
//! Three styles of question ([`Style`]):
//!
//! - **synthetic**: realistic shape (the four question types in exam-like
//!   proportions), text drawn from a fixed vocabulary. With no errors
//!   injected, the questions pass every schema, cross-reference,
//!   item-writing and bank rule of `examkit check`.
//! - **realistic**: the base's own questions, cycled: question `i` is a copy
//!   of base question `i mod len` with the id `<id>-v<i>` and ` (Variant i.)`
//!   appended to its stem, written in a file of the base question's task.
//!   The full text of real questions; the copies are near-duplicates of each
//!   other, which the bank rules report.
//! - **compact**: like realistic, with every text cut to its first few words
//!   (a stem to 12, an explanation to 15, an option, step, prompt, answer or
//!   rationale to 6).
//!
//! The same arguments always produce byte-identical files.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::Path;
use std::str::FromStr;

/// The kind of questions to generate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// Vocabulary-drawn questions that pass every rule.
    Synthetic,
    /// The base's questions, cycled, full text.
    Realistic,
    /// The base's questions, cycled, every text cut to a few words.
    Compact,
}

impl FromStr for Style {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "synthetic" => Ok(Self::Synthetic),
            "realistic" => Ok(Self::Realistic),
            "compact" => Ok(Self::Compact),
            other => Err(format!(
                "unknown style `{other}` (expected synthetic, realistic or compact)"
            )),
        }
    }
}

/// What to generate.
#[derive(Clone, Debug)]
pub struct CorpusSpec {
    /// Number of questions.
    pub questions: usize,
    /// Questions per file, at most.
    pub per_file: usize,
    /// Share of questions (0.0 – 1.0) that carry one error.
    pub error_share: f64,
    /// Seed of the pseudo-random sequence.
    pub seed: u64,
    /// What the questions look like.
    pub style: Style,
    /// Also copy the base's own question files (the full content root plus
    /// the generated questions).
    pub keep_questions: bool,
}

impl Default for CorpusSpec {
    fn default() -> Self {
        Self {
            questions: 0,
            per_file: 1000,
            error_share: 0.0,
            seed: 42,
            style: Style::Synthetic,
            keep_questions: false,
        }
    }
}

/// What [`generate`] wrote.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Generated question files.
    pub files: usize,
    /// Generated questions that carry an error.
    pub errors: usize,
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

    /// Whether the next question carries an error, and which kind.
    fn error(&mut self, share: f64) -> Option<usize> {
        (self.unit() < share).then(|| self.below(ERRORS))
    }
}

/// Nouns of stems, rationales and explanations.
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

/// Verbs of stems, rationales and explanations.
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

/// Nouns of option texts: no word (or word stem) of a stem, so that no key
/// repeats a word of its stem.
const OPTION_WORDS: &[&str] = &[
    "adapter",
    "allocator",
    "backlog",
    "baseline",
    "bucket",
    "buffer",
    "cache",
    "channel",
    "cipher",
    "console",
    "corpus",
    "cursor",
    "digest",
    "domain",
    "driver",
    "facet",
    "gateway",
    "handler",
    "heuristic",
    "histogram",
    "journal",
    "kernel",
    "manifest",
    "matrix",
    "mirror",
    "module",
    "overlay",
    "partition",
    "payload",
    "plugin",
    "profile",
    "proxy",
    "quota",
    "replica",
    "router",
    "runtime",
    "sandbox",
    "semaphore",
    "segment",
    "shard",
    "sketch",
    "socket",
    "stream",
    "tenant",
    "topic",
    "tracer",
    "utility",
    "vault",
    "widget",
    "window",
];

/// Verbs of option texts (see [`OPTION_WORDS`]).
const OPTION_VERBS: &[&str] = &[
    "aggregate",
    "balance",
    "bundle",
    "calibrate",
    "compress",
    "deduplicate",
    "freeze",
    "merge",
    "normalize",
    "paginate",
    "partition",
    "patch",
    "debounce",
    "queue",
    "replicate",
    "resample",
    "rotate",
    "shuffle",
    "throttle",
    "defragment",
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

fn phrase_from(rng: &mut Rng, n: usize, verbs: &[&str], nouns: &[&str]) -> String {
    let mut out = String::new();
    for i in 0..n {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(if i % 3 == 0 {
            verbs[rng.below(verbs.len())]
        } else {
            nouns[rng.below(nouns.len())]
        });
    }
    out
}

fn phrase(rng: &mut Rng, n: usize) -> String {
    phrase_from(rng, n, VERBS, WORDS)
}

fn option_text(rng: &mut Rng) -> String {
    capitalised(&phrase_from(rng, 5, OPTION_VERBS, OPTION_WORDS))
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// Option texts for `count` options of which those at `keys` are correct:
/// the keys get the shortest texts, so that no key stands out by its
/// length.
fn option_texts(rng: &mut Rng, count: usize, keys: &[usize]) -> Vec<String> {
    let mut texts: Vec<String> = (0..count).map(|_| option_text(rng)).collect();
    let mut order: Vec<usize> = (0..count).collect();
    order.sort_by_key(|&i| (texts[i].len(), i));
    let mut out = vec![String::new(); count];
    let mut shortest = order.iter();
    let mut rest = order.iter().skip(keys.len());
    for (slot, text) in out.iter_mut().enumerate() {
        let from = if keys.contains(&slot) {
            shortest.next()
        } else {
            rest.next()
        };
        if let Some(&from) = from {
            *text = std::mem::take(&mut texts[from]);
        }
    }
    out
}

/// The kinds of error injected into a share of questions: a misspelt
/// question type, a missing explanation, an unknown service id and a key
/// the schema does not allow. Each gives one finding.
const ERRORS: usize = 4;

/// What [`write_question`] needs to know besides the question's number.
pub struct QuestionContext<'a> {
    /// The in-scope service ids; questions name them in turn.
    pub services: &'a [String],
    /// How many single-answer questions came before (their keys rotate
    /// through the four positions).
    pub singles: usize,
}

/// Writes one synthetic question as YAML into `out`.
pub fn write_question(
    out: &mut String,
    rng: &mut Rng,
    number: usize,
    context: &mut QuestionContext<'_>,
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
    let written_kind = if error == Some(0) { "singel" } else { kind };
    let _ = writeln!(out, "    type: {written_kind}");
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
            let keys = [1, 3];
            for (i, text) in option_texts(rng, 5, &keys).into_iter().enumerate() {
                let correct = if keys.contains(&i) {
                    "\n        correct: true"
                } else {
                    ""
                };
                let _ = writeln!(
                    out,
                    "      - text: {text}{correct}\n        why: {}.",
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
                    option_text(rng),
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
            let key = context.singles % 4;
            context.singles += 1;
            for (i, text) in option_texts(rng, 4, &[key]).into_iter().enumerate() {
                let correct = if i == key {
                    "\n        correct: true"
                } else {
                    ""
                };
                let _ = writeln!(
                    out,
                    "      - text: {text}{correct}\n        why: {}.",
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
    let services = context.services;
    let first = &services[number % services.len()];
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
        if text.lines().any(|l| l.trim_end() == "scope: out") {
            continue;
        }
        if let Some(id) = text.lines().find_map(|l| l.strip_prefix("id: ")) {
            ids.push(unquoted(id).to_owned());
        }
    }
    ids.sort();
    if ids.is_empty() {
        return Err(invalid(format!(
            "no in-scope service in {}",
            base.join("services").display()
        )));
    }
    Ok(ids)
}

/// The task ids of a content root (from `domains/*.yaml`).
pub fn task_ids(base: &Path) -> io::Result<Vec<String>> {
    let mut ids = Vec::new();
    for entry in fs::read_dir(base.join("domains"))? {
        let text = fs::read_to_string(entry?.path())?;
        for line in text.lines() {
            if let Some(id) = line.trim_start().strip_prefix("- id: ") {
                ids.push(unquoted(id).to_owned());
            }
        }
    }
    ids.sort();
    if ids.is_empty() {
        return Err(invalid(format!(
            "no task in {}",
            base.join("domains").display()
        )));
    }
    Ok(ids)
}

fn unquoted(value: &str) -> &str {
    let value = value.trim();
    value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .unwrap_or(value)
}

fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message)
}

/// The YAML files of `dir`, sorted by name.
fn yaml_files(dir: &Path) -> io::Result<Vec<std::path::PathBuf>> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        if entry.file_type()?.is_file()
            && matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("yaml" | "yml")
            )
        {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

fn copy_dir(from: &Path, to: &Path) -> io::Result<()> {
    fs::create_dir_all(to)?;
    for path in yaml_files(from)? {
        if let Some(name) = path.file_name() {
            fs::copy(&path, to.join(name))?;
        }
    }
    Ok(())
}

/// Writes a corpus at `out` (replacing it): `base`'s exam, domains and
/// services (and, with `keep_questions`, its questions), plus the generated
/// questions in `out/questions/`.
pub fn generate(base: &Path, out: &Path, spec: &CorpusSpec) -> io::Result<Summary> {
    if !base.join("exam.yaml").is_file() {
        return Err(invalid(format!(
            "{} is not a content root (no exam.yaml)",
            base.display()
        )));
    }
    if !(0.0..=1.0).contains(&spec.error_share) {
        return Err(invalid(format!(
            "the error share must be between 0 and 1, not {}",
            spec.error_share
        )));
    }
    if out.exists() {
        fs::remove_dir_all(out)?;
    }
    fs::create_dir_all(out.join("questions"))?;
    fs::copy(base.join("exam.yaml"), out.join("exam.yaml"))?;
    fs::write(out.join("examkit.toml"), "# generated benchmark corpus\n")?;
    copy_dir(&base.join("domains"), &out.join("domains"))?;
    copy_dir(&base.join("services"), &out.join("services"))?;
    if spec.keep_questions {
        copy_dir(&base.join("questions"), &out.join("questions"))?;
    }
    match spec.style {
        Style::Synthetic => synthetic(base, out, spec),
        Style::Realistic => cycled(base, out, spec, false),
        Style::Compact => cycled(base, out, spec, true),
    }
}

fn file_header(task: &str) -> String {
    format!("kind: questions\ntask: \"{task}\"\nquestions:\n")
}

fn synthetic(base: &Path, out: &Path, spec: &CorpusSpec) -> io::Result<Summary> {
    let services = service_ids(base)?;
    let tasks = task_ids(base)?;
    let mut rng = Rng::new(spec.seed);
    let mut context = QuestionContext {
        services: &services,
        singles: 0,
    };
    let mut summary = Summary::default();
    let per_file = spec.per_file.max(1);
    let files = spec.questions.div_ceil(per_file);
    for f in 0..files {
        let mut text = file_header(&tasks[f % tasks.len()]);
        for n in f * per_file..((f + 1) * per_file).min(spec.questions) {
            let error = rng.error(spec.error_share);
            summary.errors += usize::from(error.is_some());
            write_question(&mut text, &mut rng, n, &mut context, error);
        }
        fs::write(
            out.join("questions").join(format!("generated-{f:05}.yaml")),
            text,
        )?;
    }
    summary.files = files;
    Ok(summary)
}

/// A question of the base, as the lines of its text.
struct Template {
    task: String,
    lines: Vec<String>,
}

/// The questions of `base`, in file and then file order.
fn templates(base: &Path) -> io::Result<Vec<Template>> {
    let mut out = Vec::new();
    for path in yaml_files(&base.join("questions"))? {
        let text = fs::read_to_string(&path)?;
        let mut task = None;
        let mut current: Option<Vec<String>> = None;
        for line in text.lines() {
            if let Some(value) = line.strip_prefix("task:") {
                task = Some(unquoted(value).to_owned());
            }
            if line.starts_with("  - id: ") {
                if let Some(lines) = current.take() {
                    out.push(Template {
                        task: task.clone().unwrap_or_default(),
                        lines,
                    });
                }
                current = Some(Vec::new());
            }
            if let Some(lines) = current.as_mut() {
                lines.push(line.to_owned());
            }
        }
        if let Some(lines) = current {
            out.push(Template {
                task: task.unwrap_or_default(),
                lines,
            });
        }
    }
    for template in &mut out {
        while template.lines.last().is_some_and(|l| l.trim().is_empty()) {
            template.lines.pop();
        }
        if template.task.is_empty() {
            return Err(invalid(format!(
                "a question file of {} has no `task:`",
                base.display()
            )));
        }
    }
    if out.is_empty() {
        return Err(invalid(format!(
            "no questions in {} to cycle through",
            base.join("questions").display()
        )));
    }
    Ok(out)
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// A mapping entry `KEY: REST` on a line, with an optional `- ` before it:
/// (text before the key, key, rest after `: `).
fn field(line: &str) -> Option<(&str, &str, &str)> {
    let start = indent(line);
    let body = &line[start..];
    let lead = if body.starts_with("- ") { 2 } else { 0 };
    let body = &body[lead..];
    let colon = body.find(':')?;
    let key = &body[..colon];
    if key.is_empty() || !key.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
        return None;
    }
    let rest = &body[colon + 1..];
    if !(rest.is_empty() || rest.starts_with(' ')) {
        return None;
    }
    Some((&line[..start + lead], key, rest.trim_start()))
}

/// The end (exclusive) of the value of the entry on line `at`: the lines
/// indented more than its key.
fn value_end(lines: &[String], at: usize, key_column: usize) -> usize {
    let mut end = at + 1;
    while end < lines.len() && !lines[end].trim().is_empty() && indent(&lines[end]) > key_column {
        end += 1;
    }
    end
}

/// The words of a scalar value: `rest` on the key's line, `more` below it.
fn scalar_words(rest: &str, more: &[String]) -> Vec<String> {
    let mut text = rest.to_owned();
    if rest.starts_with('>') || rest.starts_with('|') {
        text.clear();
    }
    for line in more {
        text.push(' ');
        text.push_str(line.trim());
    }
    let text = text.trim();
    let text = if let Some(inner) = text.strip_prefix('"') {
        inner
            .strip_suffix('"')
            .unwrap_or(inner)
            .replace("\\\"", "\"")
            .replace("\\\\", "\\")
    } else if let Some(inner) = text.strip_prefix('\'') {
        inner.strip_suffix('\'').unwrap_or(inner).replace("''", "'")
    } else {
        text.to_owned()
    };
    text.split_whitespace().map(str::to_owned).collect()
}

/// `text` as a double-quoted YAML scalar.
fn quoted(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The multiple-response cue of a stem, e.g. `(Select TWO.)`.
fn select_cue(words: &[String]) -> Option<String> {
    words.windows(2).find_map(|pair| {
        let count = pair[1].strip_suffix(".)")?;
        (pair[0] == "(Select" && !count.is_empty() && count.bytes().all(|b| b.is_ascii_uppercase()))
            .then(|| format!("{} {}", pair[0], pair[1]))
    })
}

/// How many words a compact corpus keeps of a key's text.
fn compact_words(key: &str) -> Option<usize> {
    match key {
        "stem" => Some(12),
        "explanation" => Some(15),
        "text" | "why" | "prompt" | "answer" => Some(6),
        _ => None,
    }
}

/// Cuts every text of a question to a few words (double-quoted scalars).
fn compact(lines: &[String]) -> Vec<String> {
    let mut out = Vec::with_capacity(lines.len());
    let mut at = 0;
    while at < lines.len() {
        if let Some((prefix, key, rest)) = field(&lines[at])
            && let Some(limit) = compact_words(key)
        {
            let end = value_end(lines, at, prefix.len());
            let words = scalar_words(rest, &lines[at + 1..end]);
            let mut text = words
                .iter()
                .take(limit)
                .map(String::as_str)
                .collect::<Vec<_>>()
                .join(" ");
            if key == "stem"
                && let Some(cue) = select_cue(&words)
                && !text.contains(&cue)
            {
                text.push(' ');
                text.push_str(&cue);
            }
            out.push(format!("{prefix}{key}: {}", quoted(&text)));
            at = end;
            continue;
        }
        out.push(lines[at].clone());
        at += 1;
    }
    out
}

/// The line and key column of the question-level entry `key`.
fn question_field(lines: &[String], key: &str) -> Option<(usize, usize)> {
    lines.iter().enumerate().find_map(|(at, line)| {
        let (prefix, k, _) = field(line)?;
        (k == key && prefix.len() == 4).then_some((at, prefix.len()))
    })
}

/// Appends `suffix` to the text of the stem.
fn append_to_stem(lines: &mut [String], suffix: &str) {
    let Some((at, column)) = question_field(lines, "stem") else {
        return;
    };
    let end = value_end(lines, at, column);
    let last = &mut lines[end - 1];
    if last.ends_with('"') {
        last.insert_str(last.len() - 1, suffix);
    } else if last.ends_with('\'') {
        last.insert_str(last.len() - 1, &suffix.replace('\'', "''"));
    } else {
        last.push_str(suffix);
    }
}

/// Gives a question one error of kind `kind` (see [`ERRORS`]).
fn inject(lines: &mut Vec<String>, kind: usize, service: &str) {
    match kind {
        0 => {
            if let Some((at, _)) = question_field(lines, "type") {
                lines[at] = "    type: singel".to_owned();
            }
        }
        1 => {
            if let Some((at, column)) = question_field(lines, "explanation") {
                let end = value_end(lines, at, column);
                lines.drain(at..end);
            }
        }
        2 => {
            // Added to the list, so that every service the text names stays
            // listed.
            let typo = format!("{service}-typo");
            match question_field(lines, "services") {
                Some((at, _)) if lines[at].ends_with("[]") => {
                    lines[at] = format!("    services: [{typo}]");
                }
                Some((at, _)) if lines[at].ends_with(']') => {
                    let line = &mut lines[at];
                    line.insert_str(line.len() - 1, &format!(", {typo}"));
                }
                Some((at, column)) => {
                    let end = value_end(lines, at, column);
                    lines.insert(end, format!("      - {typo}"));
                }
                None => lines.push(format!("    services: [{typo}]")),
            }
        }
        _ => lines.push("    answer: stray key".to_owned()),
    }
}

fn cycled(base: &Path, out: &Path, spec: &CorpusSpec, short: bool) -> io::Result<Summary> {
    let templates = templates(base)?;
    let services = service_ids(base)?;
    let mut rng = Rng::new(spec.seed);
    let mut summary = Summary::default();
    let mut by_task: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for i in 0..spec.questions {
        let template = &templates[i % templates.len()];
        let mut lines = if short {
            compact(&template.lines)
        } else {
            template.lines.clone()
        };
        if let Some(id) = lines[0].strip_prefix("  - id: ") {
            lines[0] = format!("  - id: {}-v{i}", id.trim());
        }
        append_to_stem(&mut lines, &format!(" (Variant {i}.)"));
        if let Some(kind) = rng.error(spec.error_share) {
            summary.errors += 1;
            inject(&mut lines, kind, &services[i % services.len()]);
        }
        let mut text = lines.join("\n");
        text.push('\n');
        by_task.entry(&template.task).or_default().push(text);
    }
    let per_file = spec.per_file.max(1);
    for (task, questions) in &by_task {
        for (chunk, questions) in questions.chunks(per_file).enumerate() {
            let mut text = file_header(task);
            text.push_str(&questions.join("\n"));
            fs::write(
                out.join("questions")
                    .join(format!("generated-{task}-{chunk:04}.yaml")),
                text,
            )?;
            summary.files += 1;
        }
    }
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<String> {
        text.lines().map(str::to_owned).collect()
    }

    #[test]
    fn compact_cuts_every_text_and_keeps_the_select_cue() {
        let question = lines(
            "  - id: a\n    type: multiple\n    stem: >-\n      one two three four five six seven eight nine ten\n      eleven twelve thirteen. (Select TWO.)\n    options:\n      - text: \"Data: one two three four five six seven\"\n        correct: true\n        why: >-\n          a b c d e f g h\n    explanation: It's one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen.\n    services: []",
        );
        let out = compact(&question);
        assert_eq!(
            out,
            lines(
                "  - id: a\n    type: multiple\n    stem: \"one two three four five six seven eight nine ten eleven twelve (Select TWO.)\"\n    options:\n      - text: \"Data: one two three four five\"\n        correct: true\n        why: \"a b c d e f\"\n    explanation: \"It's one two three four five six seven eight nine ten eleven twelve thirteen fourteen\"\n    services: []"
            )
        );
    }

    #[test]
    fn the_variant_goes_at_the_end_of_the_stem() {
        let mut block = lines("  - id: a\n    stem: >-\n      one\n      two\n    options: []");
        append_to_stem(&mut block, " (Variant 3.)");
        assert_eq!(block[3], "      two (Variant 3.)");
        let mut quoted = lines("  - id: a\n    stem: \"one\"");
        append_to_stem(&mut quoted, " (Variant 3.)");
        assert_eq!(quoted[1], "    stem: \"one (Variant 3.)\"");
    }

    #[test]
    fn errors_change_one_entry() {
        let base = lines(
            "  - id: a\n    type: single\n    explanation: >-\n      x\n      y\n    services: [amazon-s3]",
        );
        let mut missing = base.clone();
        inject(&mut missing, 1, "amazon-s3");
        assert_eq!(
            missing,
            lines("  - id: a\n    type: single\n    services: [amazon-s3]")
        );
        let mut typo = base.clone();
        inject(&mut typo, 2, "amazon-lex");
        assert_eq!(typo[5], "    services: [amazon-s3, amazon-lex-typo]");
        let mut kind = base;
        inject(&mut kind, 0, "amazon-s3");
        assert_eq!(kind[1], "    type: singel");
    }

    #[test]
    fn keys_get_the_shortest_option_texts() {
        let mut rng = Rng::new(7);
        for _ in 0..100 {
            let texts = option_texts(&mut rng, 4, &[2]);
            assert!(texts.iter().all(|t| t.len() >= texts[2].len()));
        }
    }
}
