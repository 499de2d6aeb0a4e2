//! Bank-wide rules: near-duplicate questions and the balance of key
//! positions.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use examkit_model::entities::{Entity, Question, QuestionType};
use examkit_syntax::{Diagnostic, Related, Severity, TextRange};
use rayon::prelude::*;

use super::{Context, Findings, Input, Rule, per_questions_file};
use crate::hashing::PrehashedMap;
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

/// The distinct hashed word 3-grams of a text, sorted.
fn shingles(text: &str) -> Vec<u32> {
    let words: Vec<_> = words(text).collect();
    // 32 bits keep the index small; a rare collision merely counts one
    // more shared 3-gram for one pair.
    let mut shingles: Vec<u32> = words
        .windows(3)
        .map(|w| {
            let mut hasher = DefaultHasher::new();
            w.hash(&mut hasher);
            (hasher.finish() >> 32) as u32
        })
        .collect();
    shingles.sort_unstable();
    shingles.dedup();
    shingles
}

impl Rule for NearDuplicate {
    fn info(&self) -> &'static RuleInfo {
        &NEAR_DUPLICATE
    }

    fn inputs(&self) -> &'static [Input] {
        &[Input::NearDuplicates]
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        for (file, diagnostic) in cx.near_duplicates() {
            out.report(*file, diagnostic.clone());
        }
    }
}

/// The findings of `bank/near-duplicate`, each with its file: every pair of
/// questions whose stem and key are similar enough.
pub(crate) fn near_duplicates(cx: &Context<'_>) -> Vec<(usize, Diagnostic)> {
    struct Item<'w> {
        file: usize,
        anchor: TextRange,
        id: &'w str,
    }
    let memoised = cx.memoised();
    let per_file: Vec<Vec<(Item<'_>, Shingles)>> =
        per_questions_file(cx.workspace, |file, _, set| {
            let compute = |q: &Question| {
                let mut text = q.stem.as_ref().map_or(String::new(), |s| s.value.clone());
                for key in q.correct_options() {
                    text.push(' ');
                    text.push_str(&key.text.value);
                }
                shingles(&text)
            };
            let sets: Vec<Shingles> = match memoised {
                Some(m) => m
                    .memo
                    .shingles(&m.question_keys[file], |i| compute(&set.questions[i])),
                None => set
                    .questions
                    .par_iter()
                    .with_min_len(256)
                    .map(|q| compute(q).into())
                    .collect(),
            };
            set.questions
                .iter()
                .map(|q| Item {
                    file,
                    anchor: q.anchor(),
                    id: q.id.as_ref().map_or("", |i| i.value.as_str()),
                })
                .zip(sets)
                .collect()
        });
    let (items, sets): (Vec<Item<'_>>, Vec<Shingles>) = per_file.into_iter().flatten().unzip();
    let pairs = match memoised {
        None => similar_pairs(&sets),
        Some(m) => {
            let keys: Vec<u64> = m.question_keys.iter().flatten().copied().collect();
            let index = m
                .memo
                .take_pairs()
                .and_then(|last| last.update(&keys, &sets))
                .unwrap_or_else(|| PairIndex::build(&keys, &sets));
            let pairs = index.pairs.clone();
            m.memo.keep_pairs(index);
            pairs
        }
    };
    pairs
        .into_iter()
        .map(|((a, b), similarity)| {
            let (first, second) = (&items[a as usize], &items[b as usize]);
            (
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
            )
        })
        .collect()
}

/// The distinct 3-grams of one question, shared with the memo.
type Shingles = Arc<[u32]>;

/// Two questions (by index, the earlier first) and their similarity.
type Pair = ((u32, u32), f64);

/// Whether a 3-gram held by `count` questions is rare enough to tell
/// questions apart.
fn tells_apart(count: usize) -> bool {
    count <= MAX_POSTINGS
}

/// The Jaccard similarity of two shingle sets of `a` and `b` shingles that
/// share `shared`.
fn similarity(shared: u32, a: usize, b: usize) -> f64 {
    let union = a + b - shared as usize;
    f64::from(shared) / union.max(1) as f64
}

fn index(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

/// Every pair of questions (given by their shingle sets) similar enough,
/// sorted.
fn similar_pairs(sets: &[Shingles]) -> Vec<Pair> {
    similar_pairs_within(sets, MAX_POSTINGS)
}

/// [`similar_pairs`], where a shingle held by more than `limit` questions
/// does not count.
///
/// Prefix filtering (the "all-pairs" similarity join of Bayardo, Ma and
/// Srikant, 2007): a pair similar enough shares at least
/// `THRESHOLD * |a|` useful shingles of `a`, so with every question's
/// useful shingles in one global order (rarest first), the first
/// `useful - shared + 1` of `a` and those of `b` have one in common. Only
/// pairs whose prefixes meet are counted in full.
fn similar_pairs_within(sets: &[Shingles], limit: usize) -> Vec<Pair> {
    // (shingle, question) for every shingle of every question; sorted,
    // the runs of one shingle list the questions that have it.
    let mut postings: Vec<(u32, u32)> = sets
        .iter()
        .enumerate()
        .flat_map(|(i, set)| set.iter().map(move |&s| (s, index(i))))
        .collect();
    postings.par_sort_unstable();
    // The useful shingles (shared, and not so common that they tell
    // nothing apart), rarest first: (rank key, run of postings).
    let mut runs: Vec<(u64, &[(u32, u32)])> = postings
        .chunk_by(|x, y| x.0 == y.0)
        .filter(|run| run.len() > 1 && run.len() <= limit)
        .map(|run| ((run.len() as u64) << 32 | u64::from(run[0].0), run))
        .collect();
    runs.par_sort_unstable_by_key(|(key, _)| *key);
    // Each question's useful shingles as rank keys, in rank order, one
    // slice per question of `ranked` (from `starts[q]` to `starts[q + 1]`).
    let mut starts = vec![0usize; sets.len() + 1];
    for (_, run) in &runs {
        for &(_, q) in *run {
            starts[q as usize + 1] += 1;
        }
    }
    for q in 0..sets.len() {
        starts[q + 1] += starts[q];
    }
    let mut ranked = vec![0u64; starts[sets.len()]];
    let mut fill = starts.clone();
    for (key, run) in &runs {
        for &(_, q) in *run {
            ranked[fill[q as usize]] = *key;
            fill[q as usize] += 1;
        }
    }
    let useful = |q: usize| &ranked[starts[q]..starts[q + 1]];
    let prefix = |q: usize| {
        let useful = useful(q);
        // At least this many shingles of `q` are shared with any question
        // similar enough (rounded down: a longer prefix is always safe).
        let shared = (THRESHOLD * sets[q].len() as f64).floor() as usize;
        &useful[..(useful.len() + 1).saturating_sub(shared).min(useful.len())]
    };
    // Which questions have each shingle in their prefix, in order.
    let mut prefixes: Vec<(u64, u32)> = (0..sets.len())
        .into_par_iter()
        .flat_map_iter(|q| prefix(q).iter().map(move |&key| (key, index(q))))
        .collect();
    prefixes.par_sort_unstable();
    let holders: PrehashedMap<u32, &[(u64, u32)]> = prefixes
        .chunk_by(|x, y| x.0 == y.0)
        .filter(|run| run.len() > 1)
        .map(|run| (run[0].0 as u32, run))
        .collect();
    // For each question, the later questions whose prefix meets its own,
    // each counted once (a dense mark per chunk of questions, reset through
    // the list of those it touched), compared in full.
    const CHUNK: usize = 4096;
    let mut pairs: Vec<Pair> = (0..sets.len())
        .into_par_iter()
        .chunks(CHUNK)
        .flat_map_iter(|chunk| {
            let mut seen = vec![false; sets.len()];
            let mut touched = Vec::new();
            let mut similar = Vec::new();
            for a in chunk {
                for &key in prefix(a) {
                    let Some(list) = holders.get(&(key as u32)) else {
                        continue;
                    };
                    let later = list.partition_point(|p| p.1 as usize <= a);
                    for &(_, b) in &list[later..] {
                        if !std::mem::replace(&mut seen[b as usize], true) {
                            touched.push(b);
                        }
                    }
                }
                for b in touched.drain(..) {
                    seen[b as usize] = false;
                    let shared = shared_keys(useful(a), useful(b as usize));
                    let similarity = similarity(shared, sets[a].len(), sets[b as usize].len());
                    if similarity >= THRESHOLD {
                        similar.push(((index(a), b), similarity));
                    }
                }
            }
            similar
        })
        .collect();
    pairs.sort_by_key(|p| p.0);
    pairs
}

/// How many keys two sorted slices share.
fn shared_keys(a: &[u64], b: &[u64]) -> u32 {
    let (mut i, mut j, mut shared) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                shared += 1;
                i += 1;
                j += 1;
            }
        }
    }
    shared
}

/// The near-duplicate pairs of one analysis and what they were computed
/// from, so that the next analysis (after an edit of a few questions)
/// compares the changed questions only.
#[derive(Debug)]
pub(crate) struct PairIndex {
    /// The memo key of each question's text, in order.
    keys: Vec<u64>,
    /// The shingles of each question.
    sets: Vec<Shingles>,
    /// How many questions hold each shingle.
    counts: PrehashedMap<u32, u32>,
    /// The similar pairs, sorted.
    pairs: Vec<Pair>,
}

/// More changed questions than this are compared from scratch.
const MAX_CHANGED: usize = 64;

impl PairIndex {
    /// Compares every pair of questions.
    fn build(keys: &[u64], sets: &[Shingles]) -> Self {
        let mut counts = PrehashedMap::default();
        for &shingle in sets.iter().flat_map(|set| set.iter()) {
            *counts.entry(shingle).or_insert(0) += 1;
        }
        Self {
            keys: keys.to_vec(),
            sets: sets.to_vec(),
            counts,
            pairs: similar_pairs(sets),
        }
    }

    /// The index for questions `keys` with shingles `sets`, from this one:
    /// the questions before and after the changed ones keep their pairs,
    /// the changed ones are compared with every question. `None` when too
    /// many questions changed, or when a change makes a shingle cross the
    /// commonness limit (which changes pairs of unchanged questions).
    fn update(mut self, keys: &[u64], sets: &[Shingles]) -> Option<Self> {
        let prefix = self
            .keys
            .iter()
            .zip(keys)
            .take_while(|(a, b)| a == b)
            .count();
        let suffix = self.keys[prefix..]
            .iter()
            .rev()
            .zip(keys[prefix..].iter().rev())
            .take_while(|(a, b)| a == b)
            .count();
        let removed = prefix..self.keys.len() - suffix;
        let added = prefix..keys.len() - suffix;
        if removed.len() + added.len() > MAX_CHANGED {
            return None;
        }
        let mut before: PrehashedMap<u32, u32> = PrehashedMap::default();
        for set in &self.sets[removed.clone()] {
            for &shingle in set.iter() {
                let count = self.counts.entry(shingle).or_insert(0);
                before.entry(shingle).or_insert(*count);
                *count = count.saturating_sub(1);
            }
        }
        for set in &sets[added.clone()] {
            for &shingle in set.iter() {
                let count = self.counts.entry(shingle).or_insert(0);
                before.entry(shingle).or_insert(*count);
                *count += 1;
            }
        }
        for (shingle, was) in before {
            let now = self.counts.get(&shingle).copied().unwrap_or(0);
            if tells_apart(was as usize) != tells_apart(now as usize) {
                return None;
            }
            if now == 0 {
                self.counts.remove(&shingle);
            }
        }
        // The pairs of unchanged questions, renumbered.
        let renumber = |i: u32| {
            let i = i as usize;
            if i < removed.start {
                Some(index(i))
            } else if i >= removed.end {
                Some(index(i - removed.len() + added.len()))
            } else {
                None
            }
        };
        let mut pairs: Vec<Pair> = self
            .pairs
            .iter()
            .filter_map(|&((a, b), similarity)| Some(((renumber(a)?, renumber(b)?), similarity)))
            .collect();
        // The changed questions against every question.
        let mut holders: PrehashedMap<u32, Vec<usize>> = PrehashedMap::default();
        for a in added.clone() {
            for &shingle in sets[a].iter() {
                let count = self.counts.get(&shingle).copied().unwrap_or(0);
                if tells_apart(count as usize) {
                    holders.entry(shingle).or_default().push(a);
                }
            }
        }
        let mut shared = vec![0u32; added.len()];
        for (b, set) in sets.iter().enumerate() {
            for shingle in set.iter() {
                for &a in holders.get(shingle).map_or(&[][..], Vec::as_slice) {
                    if a != b {
                        shared[a - added.start] += 1;
                    }
                }
            }
            for (offset, n) in shared.iter_mut().enumerate() {
                let n = std::mem::take(n);
                let a = added.start + offset;
                // A pair of two changed questions is counted from its first.
                if n == 0 || (added.contains(&b) && b < a) {
                    continue;
                }
                let similarity = similarity(n, sets[a].len(), set.len());
                if similarity >= THRESHOLD {
                    pairs.push(((index(a.min(b)), index(a.max(b))), similarity));
                }
            }
        }
        pairs.sort_by_key(|p| p.0);
        self.keys = keys.to_vec();
        self.sets = sets.to_vec();
        self.pairs = pairs;
        Some(self)
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashMap;

    /// Shingle sets from small lists of words (ids), with keys that depend
    /// on the set alone, as the memo's keys depend on the text alone.
    fn questions(lists: &[Vec<u32>]) -> (Vec<u64>, Vec<Shingles>) {
        let sets: Vec<Shingles> = lists
            .iter()
            .map(|list| {
                let mut set = list.clone();
                set.sort_unstable();
                set.dedup();
                set.into()
            })
            .collect();
        let keys = sets
            .iter()
            .map(|set| {
                let mut hasher = DefaultHasher::new();
                set.hash(&mut hasher);
                hasher.finish()
            })
            .collect();
        (keys, sets)
    }

    fn question() -> impl Strategy<Value = Vec<u32>> {
        // Few distinct shingles, so that many pairs are similar.
        prop::collection::vec(0u32..12, 1..6)
    }

    /// Every pair compared the obvious way.
    fn every_pair(sets: &[Shingles], limit: usize) -> Vec<Pair> {
        let mut holders: HashMap<u32, usize> = HashMap::new();
        for &shingle in sets.iter().flat_map(|set| set.iter()) {
            *holders.entry(shingle).or_default() += 1;
        }
        let mut pairs = Vec::new();
        for (a, x) in sets.iter().enumerate() {
            for (b, y) in sets.iter().enumerate().skip(a + 1) {
                let shared = x
                    .iter()
                    .filter(|s| y.contains(s) && holders[s] <= limit)
                    .count();
                let shared = u32::try_from(shared).unwrap();
                if shared > 0 && similarity(shared, x.len(), y.len()) >= THRESHOLD {
                    pairs.push(((index(a), index(b)), similarity(shared, x.len(), y.len())));
                }
            }
        }
        pairs
    }

    proptest! {
        /// Prefix filtering finds exactly the pairs that comparing every
        /// pair finds, whatever the commonness limit.
        #[test]
        fn prefix_filtering_finds_every_similar_pair(
            lists in prop::collection::vec(question(), 0..60),
            limit in 2usize..12,
        ) {
            let (_, sets) = questions(&lists);
            prop_assert_eq!(similar_pairs_within(&sets, limit), every_pair(&sets, limit));
        }

        /// Updating after replacing a few questions gives what comparing
        /// every pair from scratch gives.
        #[test]
        fn an_update_equals_a_fresh_comparison(
            before in prop::collection::vec(question(), 0..40),
            replaced_at in 0usize..40,
            replaced in 0usize..4,
            inserted in prop::collection::vec(question(), 0..4),
        ) {
            let (old_keys, old_sets) = questions(&before);
            let at = replaced_at.min(before.len());
            let end = (at + replaced).min(before.len());
            let mut after = before.clone();
            after.splice(at..end, inserted);
            let (keys, sets) = questions(&after);
            let fresh = PairIndex::build(&keys, &sets);
            let updated = PairIndex::build(&old_keys, &old_sets)
                .update(&keys, &sets)
                .expect("few changes and no common shingles: an update");
            prop_assert_eq!(updated.pairs, fresh.pairs);
            prop_assert_eq!(updated.counts, fresh.counts);
        }
    }
}
