//! Item-writing rules, one question at a time (see the sources in each
//! rule's rationale: Haladyna, Downing & Rodriguez 2002; the NBME item-writing
//! guide; the AWS exam guide's question formats).

use std::borrow::Cow;

use examkit_model::entities::{Question, QuestionType, Spanned};
use examkit_syntax::{Diagnostic, Edit, Fix, Severity, TextRange};
use rayon::prelude::*;

use examkit_model::Workspace;

use super::{Context, Findings, Input, Memoised, Rule, RuleFilter, per_questions_file};
use crate::registry::RuleInfo;
use crate::text::words;

/// A rule that looks at one question at a time.
pub trait QuestionRule: Sync {
    /// The rule's code, severity and rationale.
    fn info(&self) -> &'static RuleInfo;
    /// Checks one question of file `source`.
    fn check_question(&self, question: &Question, source: &str, emit: &mut dyn FnMut(Diagnostic));
}

impl<T: QuestionRule> Rule for T {
    fn info(&self) -> &'static RuleInfo {
        QuestionRule::info(self)
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        let code = QuestionRule::info(self).code;
        for (file, found) in cx.question_findings().iter().enumerate() {
            for diagnostic in found.iter().filter(|d| d.code == code) {
                out.report(file, diagnostic.clone());
            }
        }
    }

    fn inputs(&self) -> &'static [Input] {
        &[Input::QuestionFindings]
    }
}

/// Every question rule, in the order they run.
static QUESTION_RULES: &[&dyn QuestionRule] = &[
    &AllOfTheAbove,
    &NoneOfTheAbove,
    &ComplexOption,
    &AbsoluteTerm,
    &VagueFrequency,
    &NegativeStem,
    &LongestKey,
    &WordRepeat,
    &DuplicateOption,
    &OptionCount,
    &SelectCue,
    &MissingRationale,
    &ThinExplanation,
];

/// The findings of `rules` on one question.
fn question_findings(
    question: &Question,
    source: &str,
    rules: &[&dyn QuestionRule],
) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    for rule in rules {
        rule.check_question(question, source, &mut |d| found.push(d));
    }
    found
}

/// Per file: the findings of every question rule `only` accepts (all when
/// `None`) on every question, one pass over the questions for all the
/// rules. With a memo, a question whose text is unchanged since the last
/// analysis is not checked again; the memo keeps the findings of every rule,
/// so it is used only when `only` is `None`.
pub(crate) fn all_question_findings(
    workspace: &Workspace,
    memoised: Option<Memoised<'_>>,
    only: Option<&RuleFilter<'_>>,
) -> Vec<Vec<Diagnostic>> {
    let selected: Vec<&dyn QuestionRule> = QUESTION_RULES
        .iter()
        .copied()
        .filter(|rule| only.is_none_or(|accept| accept(rule.info())))
        .collect();
    let memoised = memoised.filter(|_| only.is_none());
    let rules = selected.as_slice();
    per_questions_file(workspace, |file, source, set| {
        let mut found: Vec<Diagnostic> = match memoised {
            None => set
                .questions
                .par_iter()
                .with_min_len(64)
                .flat_map_iter(|question| question_findings(question, &source.text, rules))
                .collect(),
            Some(m) => {
                let relative = m.memo.questions(&m.question_keys[file], |i| {
                    let question = &set.questions[i];
                    let start = i64::from(question.range.start());
                    let mut found = question_findings(question, &source.text, rules);
                    found.iter_mut().for_each(|d| d.shift(-start));
                    found
                });
                set.questions
                    .iter()
                    .zip(relative)
                    .flat_map(|(question, relative)| {
                        let start = i64::from(question.range.start());
                        relative
                            .iter()
                            .map(|d| {
                                let mut d = d.clone();
                                d.shift(start);
                                d
                            })
                            .collect::<Vec<_>>()
                    })
                    .collect()
            }
        };
        found.sort_by_key(|d| (d.range.start(), d.range.end()));
        found
    })
}

fn finding(info: &'static RuleInfo, range: TextRange, message: String) -> Diagnostic {
    Diagnostic::new(info.code, info.default_severity, range, message)
}

/// Option texts in the question's own order.
fn option_texts(question: &Question) -> impl Iterator<Item = &Spanned<String>> {
    question.options.iter().map(|o| &o.text)
}

/// Option text folded for comparison: lower case, punctuation and articles gone.
fn folded(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in words(text).filter(|w| !matches!(&**w, "a" | "an" | "the")) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&word);
    }
    out
}

/// The source range of the first whole word of `text` (a scalar at `range`)
/// that is in `set`, compared in lower case.
fn find_word(source: &str, range: TextRange, set: &[&str]) -> Option<(TextRange, String)> {
    let slice = range.slice(source);
    let mut start = None;
    for (i, c) in slice
        .char_indices()
        .chain(std::iter::once((slice.len(), ' ')))
    {
        let is_word = c.is_alphanumeric() || c == '\'';
        match (start, is_word) {
            (None, true) => start = Some(i),
            (Some(s), false) => {
                let word = &slice[s..i];
                let in_set = if word.is_ascii() {
                    set.iter().any(|w| w.eq_ignore_ascii_case(word))
                } else {
                    set.contains(&word.to_lowercase().as_str())
                };
                if in_set {
                    let offset = range.start() + u32::try_from(s).unwrap_or(0);
                    return Some((
                        TextRange::new(offset, offset + u32::try_from(word.len()).unwrap_or(0)),
                        word.to_owned(),
                    ));
                }
                start = None;
            }
            _ => {}
        }
    }
    None
}

macro_rules! rule_info {
    ($name:ident, $code:literal, $severity:ident, $fixable:literal, $summary:literal, $rationale:literal, $example:expr) => {
        static $name: RuleInfo = RuleInfo {
            code: $code,
            default_severity: Severity::$severity,
            summary: $summary,
            rationale: $rationale,
            example: $example,
            fixable: $fixable,
            configurable: true,
        };
    };
}

rule_info!(
    ALL_OF_THE_ABOVE,
    "item/all-of-the-above",
    Error,
    false,
    "An option is \"all of the above\" or alike.",
    "\"All of the above\" cues the key: a candidate who sees two correct options picks it without knowing the third, and it lowers reliability (Haladyna et al. 2002, guideline 26; NBME). AWS items never use it. Replace it with a plausible, independent distractor.",
    Some("- { text: All of the above }\n")
);
rule_info!(
    NONE_OF_THE_ABOVE,
    "item/none-of-the-above",
    Warning,
    false,
    "An option is \"none of the above\" or alike.",
    "\"None of the above\" measures only that the candidate can rule out the options shown, not that they know the answer, and makes items harder for the wrong reason (Haladyna et al. 2002, guideline 25; NBME: irrelevant difficulty). Write a real distractor.",
    Some("- { text: None of the above }\n")
);
rule_info!(
    COMPLEX_OPTION,
    "item/complex-option",
    Error,
    false,
    "An option refers to other options (\"A and C\").",
    "Options that combine other options (\"Both A and B\", \"1 and 3\") are complex (type K) items: they test test-taking more than knowledge and break when options are shuffled, as Anki export does (Haladyna et al. 2002, guideline 9). Use a multiple-response question instead.",
    Some("- { text: A and C }\n")
);
rule_info!(
    ABSOLUTE_TERM,
    "item/absolute-term",
    Warning,
    false,
    "An option uses an absolute term (always, never, only, all, none, every …).",
    "Specific determiners such as \"always\" and \"never\" let test-wise candidates eliminate distractors without knowing the content, because absolute claims are rarely true (Haladyna et al. 2002, guideline 28a; NBME: absolute terms). Qualify the statement with content, not absolutes.",
    Some("- { text: Fine-tuning always improves accuracy }\n")
);
rule_info!(
    VAGUE_FREQUENCY,
    "item/vague-frequency",
    Warning,
    false,
    "An option uses a vague frequency term (usually, often, may, might …).",
    "Vague frequency words mean different things to different readers, so a candidate's answer depends on how they read the word rather than on what they know (NBME: vague terms). State the fact precisely.",
    Some("- { text: RAG may reduce hallucinations }\n")
);
rule_info!(
    NEGATIVE_STEM,
    "item/negative-stem",
    Error,
    true,
    "A negative lead-in (not, except, least …) is not emphasised.",
    "Candidates overlook a lower-case \"not\" and answer the positive question. Word stems positively where you can; where a negative is needed, write it in capitals (Haladyna et al. 2002, guideline 17). The fix capitalises the word.",
    Some("stem: Which service does not store vectors?\n")
);
rule_info!(
    LONGEST_KEY,
    "item/longest-key",
    Warning,
    false,
    "The key is conspicuously longer than the distractors.",
    "Item writers qualify the correct answer until it is unassailable, so the longest option is a well-known cue (Haladyna et al. 2002, guidelines 24 and 28d; NBME: \"answer stands out\"). Flagged when the key is the unique longest option and at least 1.25 times the mean distractor length (for multiple response: the keys' mean length). Shorten the key or lengthen the distractors.",
    None
);
rule_info!(
    WORD_REPEAT,
    "item/word-repeat",
    Warning,
    false,
    "The key repeats a distinctive word of the stem that no distractor repeats.",
    "A word shared only by the stem and the key (clang association) points to the key (Haladyna et al. 2002, guideline 28b; NBME: word repeats). Reword the key, or use the word in a distractor too.",
    Some(
        "stem: Which feature detects bias?\noptions:\n  - { text: Bias detection with SageMaker Clarify, correct: true }\n"
    )
);
rule_info!(
    DUPLICATE_OPTION,
    "item/duplicate-option",
    Error,
    false,
    "Two options (or steps, or answers) are the same or nearly the same.",
    "Options must be independent and non-overlapping, or the item has two keys or a free elimination (Haladyna et al. 2002, guidelines 19 and 22). Compared after folding case, punctuation and articles, and, for options of ten words or more, when at most one word in ten differs.",
    Some("- { text: Amazon Polly }\n- { text: amazon polly. }\n")
);
rule_info!(
    OPTION_COUNT,
    "item/option-count",
    Warning,
    false,
    "The number of options does not fit the question type.",
    "AWS single-answer items have one correct response and three incorrect responses; multiple-response items have two or more correct responses out of five or more options, so at least two distractors remain.",
    None
);
rule_info!(
    SELECT_CUE,
    "item/select-cue",
    Error,
    true,
    "A multiple-response stem does not say how many options to choose.",
    "Multiple-response items are scored all or nothing, so the stem must say how many options to select, as the real exam does: \"(Select TWO.)\" with the number equal to `select`. A single-answer stem must not carry such a cue. The fix writes the cue.",
    Some("type: multiple\nselect: 2\nstem: Which services store vectors?\n")
);
rule_info!(
    MISSING_RATIONALE,
    "item/missing-rationale",
    Warning,
    false,
    "An option, step or pair has no `why`.",
    "A one-line rationale per option teaches why a distractor is wrong, which is where most learning from practice questions happens; distractors should be named errors (Haladyna et al. 2002, guideline 30). Exports show it on the back of the card.",
    Some("- { text: Amazon Polly }\n")
);
rule_info!(
    THIN_EXPLANATION,
    "item/thin-explanation",
    Warning,
    false,
    "The explanation is too short to teach anything.",
    "The explanation is what a learner reads after answering; fewer than twelve words rarely say why the key is right and what the question tests.",
    Some("explanation: It is B.\n")
);

/// `item/all-of-the-above`.
pub struct AllOfTheAbove;
/// `item/none-of-the-above`.
pub struct NoneOfTheAbove;
/// `item/complex-option`.
pub struct ComplexOption;
/// `item/absolute-term`.
pub struct AbsoluteTerm;
/// `item/vague-frequency`.
pub struct VagueFrequency;
/// `item/negative-stem`.
pub struct NegativeStem;
/// `item/longest-key`.
pub struct LongestKey;
/// `item/word-repeat`.
pub struct WordRepeat;
/// `item/duplicate-option`.
pub struct DuplicateOption;
/// `item/option-count`.
pub struct OptionCount;
/// `item/select-cue`.
pub struct SelectCue;
/// `item/missing-rationale`.
pub struct MissingRationale;
/// `item/thin-explanation`.
pub struct ThinExplanation;

/// "All of the above" (the first seven) and "none of the above" phrasings:
/// options the more specific rules report, so the term rules skip them.
const ABOVE_PHRASES: &[&str] = &[
    "all of the above",
    "all the above",
    "all of these",
    "all of the options",
    "both of the above",
    "both of these",
    "all of the answers",
    "none of the above",
    "none of these",
    "none of the options",
    "neither of the above",
    "none of the answers",
];

/// Whether the words of `text` begin with one of `phrases` (each written
/// as lower-case words separated by single spaces).
fn starts_with_phrase(text: &str, phrases: &[&str]) -> bool {
    let mut words = words(text);
    // Most texts are settled by their first word.
    let Some(first) = words.next() else {
        return false;
    };
    if phrases.contains(&&*first) {
        return true;
    }
    let candidates: Vec<&str> = phrases
        .iter()
        .filter_map(|phrase| phrase.strip_prefix(&*first)?.strip_prefix(' '))
        .collect();
    if candidates.is_empty() {
        return false;
    }
    let longest = candidates.iter().map(|c| c.split(' ').count()).max();
    let next: Vec<Cow<'_, str>> = words.take(longest.unwrap_or(0)).collect();
    candidates.iter().any(|rest| {
        let mut next = next.iter();
        rest.split(' ').all(|p| next.next().is_some_and(|w| w == p))
    })
}

impl QuestionRule for AllOfTheAbove {
    fn info(&self) -> &'static RuleInfo {
        &ALL_OF_THE_ABOVE
    }

    fn check_question(&self, question: &Question, _: &str, emit: &mut dyn FnMut(Diagnostic)) {
        for text in option_texts(question) {
            if starts_with_phrase(&text.value, &ABOVE_PHRASES[..7]) {
                emit(finding(
                    &ALL_OF_THE_ABOVE,
                    text.range,
                    "\"all of the above\" cues the key; write an independent distractor".to_owned(),
                ));
            }
        }
    }
}

impl QuestionRule for NoneOfTheAbove {
    fn info(&self) -> &'static RuleInfo {
        &NONE_OF_THE_ABOVE
    }

    fn check_question(&self, question: &Question, _: &str, emit: &mut dyn FnMut(Diagnostic)) {
        for text in option_texts(question) {
            if starts_with_phrase(&text.value, &ABOVE_PHRASES[7..]) {
                emit(finding(&NONE_OF_THE_ABOVE, text.range, "\"none of the above\" tests elimination, not knowledge; write a real distractor".to_owned()));
            }
        }
    }
}

impl QuestionRule for ComplexOption {
    fn info(&self) -> &'static RuleInfo {
        &COMPLEX_OPTION
    }

    fn check_question(&self, question: &Question, _: &str, emit: &mut dyn FnMut(Diagnostic)) {
        const LABELS: &[&str] = &["a", "b", "c", "d", "e", "f", "1", "2", "3", "4", "5", "6"];
        const GLUE: &[&str] = &[
            "and", "or", "both", "only", "option", "options", "answer", "answers", "choice",
            "choices",
        ];
        for text in option_texts(question) {
            let tokens: Vec<_> = words(&text.value).collect();
            let labels = tokens.iter().filter(|t| LABELS.contains(&&***t)).count();
            let only_refs = tokens
                .iter()
                .all(|t| LABELS.contains(&&**t) || GLUE.contains(&&**t));
            if labels >= 2 && only_refs {
                emit(finding(
                    &COMPLEX_OPTION,
                    text.range,
                    "this option refers to other options; use a multiple-response question instead"
                        .to_owned(),
                ));
            }
        }
    }
}

const ABSOLUTES: &[&str] = &[
    "always",
    "never",
    "only",
    "all",
    "none",
    "every",
    "completely",
    "absolutely",
    "guaranteed",
    "guarantees",
    "must",
];
const VAGUE: &[&str] = &[
    "usually",
    "often",
    "sometimes",
    "rarely",
    "frequently",
    "generally",
    "may",
    "might",
];

impl QuestionRule for AbsoluteTerm {
    fn info(&self) -> &'static RuleInfo {
        &ABSOLUTE_TERM
    }

    fn check_question(&self, question: &Question, source: &str, emit: &mut dyn FnMut(Diagnostic)) {
        let hits: Vec<(bool, TextRange, String)> = question
            .options
            .iter()
            .filter(|o| !starts_with_phrase(&o.text.value, ABOVE_PHRASES))
            .filter_map(|o| {
                find_word(source, o.text.range, ABSOLUTES).map(|(r, w)| (o.correct, r, w))
            })
            .collect();
        let in_key = hits.iter().any(|h| h.0);
        let in_distractor = hits.iter().any(|h| !h.0);
        for (_, range, word) in &hits {
            let where_ = match (in_key, in_distractor) {
                (true, false) => " (only the key has one, which cues it)",
                (false, true) => " (only distractors have them, which marks them as wrong)",
                _ => "",
            };
            emit(finding(
                &ABSOLUTE_TERM,
                *range,
                format!("absolute term `{word}` in an option{where_}"),
            ));
        }
    }
}

impl QuestionRule for VagueFrequency {
    fn info(&self) -> &'static RuleInfo {
        &VAGUE_FREQUENCY
    }

    fn check_question(&self, question: &Question, source: &str, emit: &mut dyn FnMut(Diagnostic)) {
        for text in option_texts(question) {
            if let Some((range, word)) = find_word(source, text.range, VAGUE) {
                emit(finding(
                    &VAGUE_FREQUENCY,
                    range,
                    format!("vague frequency term `{word}` in an option"),
                ));
            }
        }
    }
}

/// The last sentence of a stem (its lead-in) as a source range.
fn lead_in(stem: &Spanned<String>, source: &str) -> TextRange {
    let slice = stem.range.slice(source);
    let trimmed = slice.trim_end_matches(['"', '\'', ' ', '\n', '\r']);
    let body = &trimmed[..trimmed.len().saturating_sub(1)];
    let start = body.rfind(['.', '?', '!']).map_or(0, |i| i + 1);
    TextRange::new(
        stem.range.start() + u32::try_from(start).unwrap_or(0),
        stem.range.start() + u32::try_from(trimmed.len()).unwrap_or(0),
    )
}

impl QuestionRule for NegativeStem {
    fn info(&self) -> &'static RuleInfo {
        &NEGATIVE_STEM
    }

    fn check_question(&self, question: &Question, source: &str, emit: &mut dyn FnMut(Diagnostic)) {
        let Some(stem) = &question.stem else { return };
        let lead = lead_in(stem, source);
        if let Some((range, word)) = find_word(
            source,
            lead,
            &["not", "except", "least", "false", "incorrect", "cannot"],
        ) && word.chars().any(char::is_lowercase)
        {
            let upper = word.to_uppercase();
            emit(
                    finding(&NEGATIVE_STEM, range, format!("the negative `{word}` in the lead-in is easy to overlook; write it as `{upper}`"))
                        .with_fix(Fix { title: format!("Write `{upper}`"), edits: vec![Edit { range, replacement: upper.clone() }] }),
                );
        }
    }
}

fn length(text: &str) -> usize {
    text.split_whitespace()
        .map(|w| w.chars().count())
        .sum::<usize>()
        + text.split_whitespace().count().saturating_sub(1)
}

impl QuestionRule for LongestKey {
    fn info(&self) -> &'static RuleInfo {
        &LONGEST_KEY
    }

    fn check_question(&self, question: &Question, _: &str, emit: &mut dyn FnMut(Diagnostic)) {
        let (keys, distractors): (Vec<_>, Vec<_>) =
            question.options.iter().partition(|o| o.correct);
        if keys.is_empty() || distractors.is_empty() {
            return;
        }
        let mean = |v: &[&examkit_model::entities::AnswerOption]| {
            v.iter().map(|o| length(&o.text.value)).sum::<usize>() as f64 / v.len() as f64
        };
        let distractor_mean = mean(&distractors);
        let key_mean = mean(&keys);
        let flagged = match question.kind {
            Some(QuestionType::Single) => {
                let key = length(&keys[0].text.value);
                distractors.iter().all(|d| length(&d.text.value) < key)
                    && key as f64 >= 1.25 * distractor_mean
            }
            Some(QuestionType::Multiple) => key_mean >= 1.25 * distractor_mean,
            _ => false,
        };
        if flagged {
            emit(finding(
                &LONGEST_KEY,
                keys[0].text.range,
                format!(
                    "the key is {:.2} times as long as the average distractor",
                    key_mean / distractor_mean.max(1.0)
                ),
            ));
        }
    }
}

const STOP_WORDS: &[&str] = &[
    "about",
    "above",
    "after",
    "again",
    "against",
    "also",
    "amazon",
    "another",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "company",
    "could",
    "data",
    "does",
    "doing",
    "down",
    "during",
    "each",
    "from",
    "further",
    "have",
    "having",
    "here",
    "into",
    "itself",
    "just",
    "make",
    "model",
    "models",
    "more",
    "most",
    "must",
    "need",
    "needs",
    "only",
    "other",
    "over",
    "own",
    "same",
    "service",
    "services",
    "should",
    "some",
    "such",
    "than",
    "that",
    "their",
    "them",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "under",
    "until",
    "using",
    "very",
    "want",
    "wants",
    "what",
    "when",
    "where",
    "which",
    "while",
    "with",
    "without",
    "would",
    "your",
    "team",
    "requirements",
    "meet",
    "meets",
    "solution",
    "best",
    "feature",
    "features",
    "option",
    "options",
];

/// The whitespace-separated tokens of a text without service names: a brand
/// (`Amazon`, `AWS`) and the capitalised words after it. Names repeat across
/// stem and options by necessity, so they are no cue.
fn tokens_without_names(text: &str) -> impl Iterator<Item = &str> {
    let mut in_name = false;
    text.split_whitespace().filter(move |token| {
        let bare = token.trim_matches(|c: char| !c.is_alphanumeric());
        if bare == "Amazon" || bare == "AWS" {
            in_name = true;
            return false;
        }
        if in_name
            && bare
                .chars()
                .next()
                .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
        {
            return false;
        }
        in_name = false;
        true
    })
}

/// The stemmed content words of a text, without stop words and names.
fn content_words(text: &str) -> impl Iterator<Item = Cow<'_, str>> {
    tokens_without_names(text)
        .flat_map(words)
        .filter(|w| w.chars().count() >= 4 && !STOP_WORDS.contains(&&**w))
        .map(stem)
}

/// A light stemmer: strips one common suffix when at least four letters
/// remain, so "summarize" and "summarization" share the stem "summar".
fn stem(word: Cow<'_, str>) -> Cow<'_, str> {
    const SUFFIXES: &[&str] = &[
        "izations", "ization", "ations", "ation", "izing", "ized", "izes", "ize", "ings", "ing",
        "ers", "er", "ed", "s",
    ];
    let root_len = SUFFIXES.iter().find_map(|suffix| {
        word.strip_suffix(suffix)
            .filter(|root| root.chars().count() >= 4)
            .map(str::len)
    });
    match (root_len, word) {
        (None, word) => word,
        (Some(len), Cow::Borrowed(word)) => Cow::Borrowed(&word[..len]),
        (Some(len), Cow::Owned(mut word)) => {
            word.truncate(len);
            Cow::Owned(word)
        }
    }
}

impl QuestionRule for WordRepeat {
    fn info(&self) -> &'static RuleInfo {
        &WORD_REPEAT
    }

    fn check_question(&self, question: &Question, _: &str, emit: &mut dyn FnMut(Diagnostic)) {
        if question.kind != Some(QuestionType::Single) {
            return;
        }
        let (Some(stem), Some(key)) = (&question.stem, question.correct_options().next()) else {
            return;
        };
        // The key's words, sorted; then which of them the stem and the
        // distractors use.
        let mut key_words: Vec<Cow<'_, str>> = content_words(&key.text.value).collect();
        key_words.sort_unstable();
        key_words.dedup();
        if key_words.is_empty() {
            return;
        }
        let used_by = |texts: &mut dyn Iterator<Item = &str>| {
            let mut used = vec![false; key_words.len()];
            for word in texts.flat_map(content_words) {
                if let Ok(i) = key_words.binary_search(&word) {
                    used[i] = true;
                }
            }
            used
        };
        let in_stem = used_by(&mut std::iter::once(stem.value.as_str()));
        if !in_stem.contains(&true) {
            return;
        }
        let in_distractors = used_by(
            &mut question
                .options
                .iter()
                .filter(|o| !o.correct)
                .map(|o| o.text.value.as_str()),
        );
        let clang = (0..key_words.len()).find(|&i| in_stem[i] && !in_distractors[i]);
        if let Some(word) = clang.map(|i| &key_words[i]) {
            emit(finding(
                &WORD_REPEAT,
                key.text.range,
                format!("only the key repeats `{word}` from the stem, which points to it"),
            ));
        }
    }
}

/// Whether two folded texts are the same, or, for texts of ten words or
/// more, differ in at most one word in ten (word-level edit distance). Word
/// order counts, so "A beats B" and "B beats A" are different options.
fn near_identical(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    // The distance is at least the difference in length: most pairs are
    // settled by counting words.
    let (a_words, b_words) = (a.split(' ').count(), b.split(' ').count());
    let longest = a_words.max(b_words);
    if longest < 10 || a_words.abs_diff(b_words) * 10 > longest {
        return false;
    }
    let b: Vec<&str> = b.split(' ').collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, wa) in a.split(' ').enumerate() {
        current[0] = i + 1;
        for (j, wb) in b.iter().enumerate() {
            current[j + 1] = (previous[j] + usize::from(wa != *wb))
                .min(previous[j + 1] + 1)
                .min(current[j] + 1);
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()] * 10 <= longest
}

impl QuestionRule for DuplicateOption {
    fn info(&self) -> &'static RuleInfo {
        &DUPLICATE_OPTION
    }

    fn check_question(&self, question: &Question, _: &str, emit: &mut dyn FnMut(Diagnostic)) {
        let groups: [Vec<&Spanned<String>>; 3] = [
            option_texts(question).collect(),
            question.items.iter().map(|i| &i.text).collect(),
            question.pairs.iter().map(|p| &p.answer).collect(),
        ];
        for texts in groups {
            let folded: Vec<String> = texts.iter().map(|t| folded(&t.value)).collect();
            for (i, b) in texts.iter().enumerate() {
                let duplicate_of = folded[..i]
                    .iter()
                    .position(|a| near_identical(a, &folded[i]));
                if let Some(j) = duplicate_of {
                    emit(finding(
                        &DUPLICATE_OPTION,
                        b.range,
                        format!("this repeats entry {} of the same list", j + 1),
                    ));
                }
            }
        }
    }
}

impl QuestionRule for OptionCount {
    fn info(&self) -> &'static RuleInfo {
        &OPTION_COUNT
    }

    fn check_question(&self, question: &Question, _: &str, emit: &mut dyn FnMut(Diagnostic)) {
        let anchor = question.options_key.unwrap_or_else(|| question.anchor());
        let n = question.options.len();
        let correct = question.correct_options().count();
        match question.kind {
            Some(QuestionType::Single) if n != 4 && n >= 3 => emit(finding(
                &OPTION_COUNT,
                anchor,
                format!(
                    "a single-answer question has four options (one key, three distractors); this one has {n}"
                ),
            )),
            Some(QuestionType::Multiple) if n >= 5 && n - correct < 2 => emit(finding(
                &OPTION_COUNT,
                anchor,
                format!(
                    "a multiple-response question needs at least two distractors; this one has {}",
                    n - correct
                ),
            )),
            _ => {}
        }
    }
}

fn number_word(n: i64) -> Option<&'static str> {
    ["", "ONE", "TWO", "THREE", "FOUR", "FIVE", "SIX"]
        .get(usize::try_from(n).ok()?)
        .copied()
        .filter(|w| !w.is_empty())
}

impl QuestionRule for SelectCue {
    fn info(&self) -> &'static RuleInfo {
        &SELECT_CUE
    }

    fn check_question(&self, question: &Question, source: &str, emit: &mut dyn FnMut(Diagnostic)) {
        let Some(stem) = &question.stem else { return };
        let raw = stem.range.slice(source);
        let cue_at = raw.find("(Select ");
        match question.kind {
            Some(QuestionType::Multiple) => {
                let Some(select) = &question.select else {
                    return;
                };
                let Some(word) = number_word(select.value) else {
                    return;
                };
                let expected = format!("(Select {word}.)");
                let folded_stem = stem.value.split_whitespace().collect::<Vec<_>>().join(" ");
                if folded_stem.contains(&expected) {
                    return;
                }
                let (range, replacement, message) = match cue_at {
                    Some(at) => {
                        let end = raw[at..].find(')').map_or(raw.len(), |i| at + i + 1);
                        let start = stem.range.start() + u32::try_from(at).unwrap_or(0);
                        (
                            TextRange::new(
                                start,
                                stem.range.start() + u32::try_from(end).unwrap_or(0),
                            ),
                            expected.clone(),
                            format!(
                                "the stem's cue does not match `select: {}`; write `{expected}`",
                                select.value
                            ),
                        )
                    }
                    None => {
                        let end = lead_in(stem, source).end();
                        (
                            TextRange::empty(end),
                            format!(" {expected}"),
                            format!(
                                "the stem does not say how many options to choose; end it with `{expected}`"
                            ),
                        )
                    }
                };
                let anchor = if range.is_empty() { stem.range } else { range };
                emit(finding(&SELECT_CUE, anchor, message).with_fix(Fix {
                    title: format!("Write `{expected}`"),
                    edits: vec![Edit { range, replacement }],
                }));
            }
            Some(QuestionType::Single) => {
                if let Some(at) = cue_at {
                    let start = stem.range.start() + u32::try_from(at).unwrap_or(0);
                    emit(finding(
                        &SELECT_CUE,
                        TextRange::new(start, start + 8),
                        "a single-answer stem has no \"(Select …)\" cue".to_owned(),
                    ));
                }
            }
            _ => {}
        }
    }
}

impl QuestionRule for MissingRationale {
    fn info(&self) -> &'static RuleInfo {
        &MISSING_RATIONALE
    }

    fn check_question(&self, question: &Question, _: &str, emit: &mut dyn FnMut(Diagnostic)) {
        let missing = question
            .options
            .iter()
            .filter(|o| o.why.is_none())
            .map(|o| &o.text)
            .chain(
                question
                    .items
                    .iter()
                    .filter(|i| i.why.is_none())
                    .map(|i| &i.text),
            )
            .chain(
                question
                    .pairs
                    .iter()
                    .filter(|p| p.why.is_none())
                    .map(|p| &p.prompt),
            );
        for text in missing {
            emit(finding(
                &MISSING_RATIONALE,
                text.range,
                "no `why`: add one line on why this is right or wrong".to_owned(),
            ));
        }
    }
}

impl QuestionRule for ThinExplanation {
    fn info(&self) -> &'static RuleInfo {
        &THIN_EXPLANATION
    }

    fn check_question(&self, question: &Question, _: &str, emit: &mut dyn FnMut(Diagnostic)) {
        if let Some(explanation) = &question.explanation {
            let n = explanation.value.split_whitespace().count();
            if n < 12 {
                emit(finding(
                    &THIN_EXPLANATION,
                    explanation.range,
                    format!(
                        "the explanation has {n} words; say why the key is right and what the question tests"
                    ),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether the words of `text` begin with one of `phrases`, the obvious
    /// way: every phrase against the text from its start.
    fn starts_with_phrase_reference(text: &str, phrases: &[&str]) -> bool {
        phrases.iter().any(|phrase| {
            let mut words = words(text);
            phrase
                .split(' ')
                .all(|p| words.next().is_some_and(|w| w == p))
        })
    }

    proptest::proptest! {
        #[test]
        fn phrase_starts_match_the_reference(
            picked in proptest::collection::vec(0usize..9, 0..6),
            punctuation in proptest::sample::select(vec!["", ".", ",", "!"]),
        ) {
            const WORDS: [&str; 9] = ["All", "of", "the", "above", "none", "Both", "these", "NONE", "allow"];
            let text = picked.iter().map(|&i| WORDS[i]).collect::<Vec<_>>().join(" ") + punctuation;
            let phrases = [ABOVE_PHRASES, &["none"]].concat();
            for phrases in [ABOVE_PHRASES, &ABOVE_PHRASES[..7], &phrases[..]] {
                proptest::prop_assert_eq!(
                    starts_with_phrase(&text, phrases),
                    starts_with_phrase_reference(&text, phrases),
                    "{}", text
                );
            }
        }
    }

    fn words_of(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("w{i}")).collect()
    }

    #[test]
    fn near_identical_allows_one_word_in_ten() {
        let ten = words_of(10).join(" ");
        let mut changed = words_of(10);
        changed[4] = "other".to_owned();
        assert!(near_identical(&ten, &ten));
        assert!(near_identical(&ten, &changed.join(" ")));
        // One word more: distance 1 over 11 words.
        assert!(near_identical(&ten, &words_of(11).join(" ")));
        // Two words more: distance 2 over 12 words.
        assert!(!near_identical(&ten, &words_of(12).join(" ")));
        // Two changed words in ten.
        changed[7] = "else".to_owned();
        assert!(!near_identical(&ten, &changed.join(" ")));
        // Word order counts.
        let mut swapped = words_of(10);
        swapped.swap(0, 9);
        assert!(!near_identical(&ten, &swapped.join(" ")));
        // Short texts must match exactly.
        assert!(!near_identical("a b c", "a b d"));
    }

    #[test]
    fn folding_drops_articles_case_and_punctuation() {
        assert_eq!(
            folded("An input feature of the Model."),
            "input feature of model"
        );
    }
}
