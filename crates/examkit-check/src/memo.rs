//! Findings kept from one analysis to the next, for a front end that
//! analyses the same workspace again and again (the language server, after
//! every edit). What depends on a piece of text alone (a question's item
//! findings, the names in a prose field) is stored under a hash of that text
//! with offsets relative to its start, so after an edit only the edited
//! question is checked again, wherever the edit moved the others.
//!
//! Entries not used by an analysis are dropped after the next one, so the
//! memo never holds much more than one analysis's worth.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use aho_corasick::AhoCorasick;
use examkit_model::Workspace;
use examkit_syntax::{Diagnostic, TextRange};
use rayon::prelude::*;

use crate::hashing::{PrehashedMap, fast_hash};
use crate::rules::{Mention, PairIndex, per_questions_file};

/// Findings of one analysis, reusable by the next.
#[derive(Debug, Default)]
pub struct Memo {
    questions: Generations<Arc<[Diagnostic]>>,
    mentions: Generations<Arc<[Mention]>>,
    shingles: Generations<Arc<[u32]>>,
    /// The service-name automaton, with a hash of the names it was built from.
    automaton: Mutex<Option<(u64, Option<AhoCorasick>)>>,
    /// The near-duplicate pairs of the last analysis, with what they were
    /// computed from.
    pairs: Mutex<Option<PairIndex>>,
}

impl Memo {
    /// An empty memo.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Ends an analysis: what it did not use is forgotten by the next.
    pub(crate) fn end_analysis(&self) {
        self.questions.advance();
        self.mentions.advance();
        self.shingles.advance();
    }

    /// The item findings of the questions with text keys `keys` (offsets
    /// relative to the question), from the memo or from `compute` (given
    /// the index of a question in `keys`).
    pub(crate) fn questions(
        &self,
        keys: &[u64],
        compute: impl Fn(usize) -> Vec<Diagnostic> + Sync,
    ) -> Vec<Arc<[Diagnostic]>> {
        self.questions
            .get_or_insert_all(keys, |i| compute(i).into())
    }

    /// The mentions in the pieces of prose with text keys `keys` (offsets
    /// relative to the piece), from the memo or from `compute`.
    pub(crate) fn mentions(
        &self,
        keys: &[u64],
        compute: impl Fn(usize) -> Vec<Mention> + Sync,
    ) -> Vec<Arc<[Mention]>> {
        self.mentions.get_or_insert_all(keys, |i| compute(i).into())
    }

    /// The near-duplicate shingles of the questions with text keys `keys`,
    /// from the memo or from `compute`.
    pub(crate) fn shingles(
        &self,
        keys: &[u64],
        compute: impl Fn(usize) -> Vec<u32> + Sync,
    ) -> Vec<Arc<[u32]>> {
        self.shingles.get_or_insert_all(keys, |i| compute(i).into())
    }
}

impl Memo {
    /// Takes the near-duplicate pairs the last analysis kept, if any.
    pub(crate) fn take_pairs(&self) -> Option<PairIndex> {
        self.pairs
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
    }

    /// Keeps this analysis's near-duplicate pairs for the next.
    pub(crate) fn keep_pairs(&self, pairs: PairIndex) {
        *self.pairs.lock().unwrap_or_else(PoisonError::into_inner) = Some(pairs);
    }

    /// The service-name automaton for names with hash `names`, built when
    /// the names changed since the last one.
    pub(crate) fn automaton(
        &self,
        names: u64,
        build: impl FnOnce() -> Option<AhoCorasick>,
    ) -> Option<AhoCorasick> {
        let mut kept = self
            .automaton
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        match &*kept {
            Some((hash, automaton)) if *hash == names => automaton.clone(),
            _ => {
                let automaton = build();
                *kept = Some((names, automaton.clone()));
                automaton
            }
        }
    }
}

/// A hash of `text` as it stands in `source` at `range`, including the
/// column it starts at (indentation changes how YAML reads a block), mixed
/// with `salt`.
pub(crate) fn text_key(source: &str, range: TextRange, salt: u64) -> u64 {
    let start = range.start() as usize;
    let line_start = source
        .get(..start)
        .and_then(|before| before.rfind('\n').map(|i| i + 1))
        .unwrap_or(0);
    let column = (start - line_start.min(start)) as u64;
    fast_hash(
        range.slice(source).as_bytes(),
        salt ^ column.rotate_left(32),
    )
}

/// Per file, the [`text_key`] of each question (none for other files): the
/// key of a question's memo entries, which each memo salts its own way.
pub(crate) fn question_keys(workspace: &Workspace) -> Vec<Vec<u64>> {
    per_questions_file(workspace, |_, source, set| {
        set.questions
            .par_iter()
            .with_min_len(64)
            .map(|q| text_key(&source.text, q.range, 0))
            .collect()
    })
}

/// `key` mixed with `salt`: another key for the same text.
pub(crate) fn salted(key: u64, salt: u64) -> u64 {
    fast_hash(&key.to_le_bytes(), salt)
}

/// A cache whose entries remember the last analysis that used them: an
/// analysis finishing forgets the entries it did not use. Lookups share a
/// read lock.
#[derive(Debug)]
struct Generations<V> {
    map: RwLock<PrehashedMap<u64, (V, AtomicU32)>>,
    generation: AtomicU32,
}

impl<V> Default for Generations<V> {
    fn default() -> Self {
        Self {
            map: RwLock::new(PrehashedMap::default()),
            generation: AtomicU32::new(0),
        }
    }
}

impl<V: Clone + Send + Sync> Generations<V> {
    /// The value under each of `keys`: looked up under one read lock, the
    /// missing ones computed (from their index in `keys`) in parallel and
    /// stored under one write lock (one lock per key would have the threads
    /// take turns at it).
    fn get_or_insert_all(&self, keys: &[u64], compute: impl Fn(usize) -> V + Sync) -> Vec<V> {
        let generation = self.generation.load(Ordering::Relaxed);
        let mut values: Vec<Option<V>> = {
            let map = self.map.read().unwrap_or_else(PoisonError::into_inner);
            keys.iter()
                .map(|k| {
                    map.get(k).map(|(value, used)| {
                        used.store(generation, Ordering::Relaxed);
                        value.clone()
                    })
                })
                .collect()
        };
        let computed: Vec<(usize, V)> = values
            .par_iter()
            .enumerate()
            .filter(|(_, value)| value.is_none())
            .map(|(i, _)| (i, compute(i)))
            .collect();
        if !computed.is_empty() {
            let mut map = self.map.write().unwrap_or_else(PoisonError::into_inner);
            for (i, value) in computed {
                map.insert(keys[i], (value.clone(), AtomicU32::new(generation)));
                values[i] = Some(value);
            }
        }
        values.into_iter().flatten().collect()
    }

    fn advance(&self) {
        let generation = self.generation.fetch_add(1, Ordering::Relaxed);
        let mut map = self.map.write().unwrap_or_else(PoisonError::into_inner);
        map.retain(|_, (_, used)| used.load(Ordering::Relaxed) == generation);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    /// Looks `key` up, counting the computations in `computed`.
    fn lookup(memo: &Memo, key: u64, computed: &mut usize) {
        let count = AtomicUsize::new(0);
        memo.questions(&[key], |_| {
            count.fetch_add(1, Ordering::Relaxed);
            Vec::new()
        });
        *computed += count.into_inner();
    }

    #[test]
    fn keeps_entries_used_by_the_last_analysis_only() {
        let memo = Memo::new();
        let mut computed = 0;
        for key in [1, 1, 2] {
            lookup(&memo, key, &mut computed);
        }
        assert_eq!(computed, 2);
        memo.end_analysis();
        // Analysis 2 uses key 1 only.
        lookup(&memo, 1, &mut computed);
        memo.end_analysis();
        // Analysis 3: key 1 is still known, key 2 was forgotten.
        lookup(&memo, 1, &mut computed);
        lookup(&memo, 2, &mut computed);
        assert_eq!(computed, 3);
    }

    #[test]
    fn a_key_depends_on_text_and_column() {
        let source = "a: x\na: x\n  a: x\n";
        let at = |start: u32| TextRange::new(start, start + 4);
        assert_eq!(text_key(source, at(0), 0), text_key(source, at(5), 0));
        assert_ne!(text_key(source, at(0), 0), text_key(source, at(12), 0));
        assert_ne!(text_key(source, at(0), 0), text_key(source, at(0), 1));
    }
}
