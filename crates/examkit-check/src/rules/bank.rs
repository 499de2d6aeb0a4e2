//! Bank-wide rules: near-duplicate questions and the balance of key
//! positions.

use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeSet, HashMap};
use std::hash::{Hash, Hasher};

use examkit_model::entities::{Entity, QuestionType};
use examkit_syntax::{Diagnostic, Related, Severity, TextRange};

use super::{Context, Findings, Rule};
use crate::registry::RuleInfo;
use crate::text::words;

static NEAR_DUPLICATE: RuleInfo = RuleInfo {
    code: "bank/near-duplicate",
    default_severity: Severity::Warning,
    summary: "Two questions are nearly the same.",
    rationale: "Items should be independent (Haladyna et al. 2002, guideline 4): a near-copy inflates the bank, double-counts a fact in coverage, and lets one item give away the other. Compared by the Jaccard similarity of word 3-grams of stem and key (at least 0.6).",
    example: None,
    fixable: false,
    configurable: true,
};

static KEY_POSITION: RuleInfo = RuleInfo {
    code: "bank/key-position",
    default_severity: Severity::Warning,
    summary: "Keys of single-answer questions sit in some positions far more often than others.",
    rationale: "Test-wise candidates learn a bank's habits, such as \"the answer is usually C\" (Haladyna et al. 2002, guideline 20). Reported when the key positions of four-option questions differ from uniform (chi-square, p < 0.05), and where one position is the key four or more times in a row within a file.",
    example: None,
    fixable: false,
    configurable: true,
};

/// `bank/near-duplicate`.
pub struct NearDuplicate;
/// `bank/key-position`.
pub struct KeyPosition;

/// Postings longer than this are too common to tell questions apart.
const MAX_POSTINGS: usize = 200;
const THRESHOLD: f64 = 0.6;

fn shingles(text: &str) -> BTreeSet<u64> {
    let words: Vec<String> = words(text).collect();
    words
        .windows(3)
        .map(|w| {
            let mut hasher = DefaultHasher::new();
            w.hash(&mut hasher);
            hasher.finish()
        })
        .collect()
}

impl Rule for NearDuplicate {
    fn info(&self) -> &'static RuleInfo {
        &NEAR_DUPLICATE
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        struct Item {
            file: usize,
            anchor: TextRange,
            id: String,
            shingles: BTreeSet<u64>,
        }
        let mut items = Vec::new();
        for (file, source) in cx.workspace.files.iter().enumerate() {
            let Some(Entity::Questions(set)) = &source.entity else {
                continue;
            };
            for q in &set.questions {
                let mut text = q.stem.as_ref().map_or(String::new(), |s| s.value.clone());
                for key in q.correct_options() {
                    text.push(' ');
                    text.push_str(&key.text.value);
                }
                items.push(Item {
                    file,
                    anchor: q.anchor(),
                    id: q.id.as_ref().map_or(String::new(), |i| i.value.clone()),
                    shingles: shingles(&text),
                });
            }
        }
        let mut postings: HashMap<u64, Vec<u32>> = HashMap::new();
        for (i, item) in items.iter().enumerate() {
            for s in &item.shingles {
                postings
                    .entry(*s)
                    .or_default()
                    .push(u32::try_from(i).unwrap_or(u32::MAX));
            }
        }
        // Every pair of questions that share a shingle, once per shared
        // shingle; sorting turns the runs of one pair into its count.
        let mut co_occurrences: Vec<u64> = Vec::new();
        for list in postings
            .values()
            .filter(|l| l.len() > 1 && l.len() <= MAX_POSTINGS)
        {
            for (x, &a) in list.iter().enumerate() {
                for &b in &list[x + 1..] {
                    co_occurrences.push((u64::from(a) << 32) | u64::from(b));
                }
            }
        }
        co_occurrences.sort_unstable();
        let mut pairs: Vec<((u32, u32), f64)> = co_occurrences
            .chunk_by(|x, y| x == y)
            .filter_map(|run| {
                let (a, b) = ((run[0] >> 32) as u32, (run[0] & 0xFFFF_FFFF) as u32);
                let n = u32::try_from(run.len()).unwrap_or(u32::MAX);
                let (ia, ib) = (&items[a as usize], &items[b as usize]);
                let union = ia.shingles.len() + ib.shingles.len() - n as usize;
                let similarity = f64::from(n) / union.max(1) as f64;
                (similarity >= THRESHOLD).then_some(((a, b), similarity))
            })
            .collect();
        pairs.sort_by_key(|p| p.0);
        for ((a, b), similarity) in pairs {
            let (first, second) = (&items[a as usize], &items[b as usize]);
            out.report(
                second.file,
                Diagnostic::new(
                    NEAR_DUPLICATE.code,
                    NEAR_DUPLICATE.default_severity,
                    second.anchor,
                    format!(
                        "this question is {:.0}% the same as `{}`",
                        similarity * 100.0,
                        first.id
                    ),
                )
                .with_related(Related {
                    path: cx.workspace.files[first.file].path.clone(),
                    range: first.anchor,
                    message: format!("`{}` is here", first.id),
                }),
            );
        }
    }
}

impl Rule for KeyPosition {
    fn info(&self) -> &'static RuleInfo {
        &KEY_POSITION
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        let mut counts = [0usize; 4];
        let mut first_file = None;
        for (file, source) in cx.workspace.files.iter().enumerate() {
            let Some(Entity::Questions(set)) = &source.entity else {
                continue;
            };
            let mut run: Option<(usize, usize)> = None;
            for q in &set.questions {
                if q.kind != Some(QuestionType::Single) || q.options.len() != 4 {
                    continue;
                }
                let Some(position) = q.options.iter().position(|o| o.correct) else {
                    continue;
                };
                first_file.get_or_insert((file, set.task.as_ref().map_or(q.anchor(), |t| t.range)));
                counts[position] += 1;
                run = match run {
                    Some((p, n)) if p == position => Some((p, n + 1)),
                    _ => Some((position, 1)),
                };
                if run == Some((position, 4)) {
                    out.report(
                        file,
                        Diagnostic::new(
                            KEY_POSITION.code,
                            KEY_POSITION.default_severity,
                            q.anchor(),
                            format!(
                                "the key is option {} for the fourth question in a row",
                                letter(position)
                            ),
                        ),
                    );
                }
            }
        }
        let n: usize = counts.iter().sum();
        if n < 20 {
            return;
        }
        let expected = n as f64 / 4.0;
        let chi_square: f64 = counts
            .iter()
            .map(|&o| (o as f64 - expected).powi(2) / expected)
            .sum();
        // The 95th percentile of chi-square with three degrees of freedom.
        if chi_square > 7.815 {
            let anchor = cx
                .workspace
                .index
                .exams
                .first()
                .and_then(|&f| match &cx.workspace.files[f].entity {
                    Some(Entity::Exam(exam)) => exam.id.as_ref().map(|id| (f, id.range)),
                    _ => None,
                })
                .or(first_file);
            if let Some((file, range)) = anchor {
                out.report(
                    file,
                    Diagnostic::new(
                        KEY_POSITION.code,
                        KEY_POSITION.default_severity,
                        range,
                        format!(
                            "keys of {n} single-answer questions are unevenly spread: A {}, B {}, C {}, D {} (chi-square {chi_square:.1} > 7.8)",
                            counts[0], counts[1], counts[2], counts[3]
                        ),
                    ),
                );
            }
        }
    }
}

fn letter(position: usize) -> char {
    char::from(b'A' + u8::try_from(position).unwrap_or(0))
}
