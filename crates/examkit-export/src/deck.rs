//! The Anki deck examkit makes of a [`Selection`]: decks, notes, fields and
//! tags. Pure data in, [`Package`] out; modification times are stamped
//! afterwards from the lock file (see [`crate::lock`]).
//!
//! - **Decks**: `<exam title>::Domain <n> <title>::Task <n.n> <title>` for
//!   questions and `<exam title>::Services` for services; only decks with
//!   notes (and their parents) are written.
//! - **GUIDs**: `guid_for([exam id, "question", question id])` and
//!   `guid_for([exam id, "service", service id])`: stable while ids are.
//! - **Tags** (namespaced by the exam id, `::` hierarchy, no spaces):
//!   `aif-c01::task::3.1`, `aif-c01::domain::3`, `aif-c01::type::single`,
//!   `aif-c01::difficulty::medium`, `aif-c01::service::amazon-bedrock`, the
//!   question's own tags as `aif-c01::tag::<tag>`; services get
//!   `…::service::<id>`, `…::category::<slug>`, the `…::task::`/`…::domain::`
//!   tags of the tasks they matter for, and `…::scope::out` when out of scope.
//! - **Notes** follow the content order: blueprint order of domains and
//!   tasks, file order of questions, then services by id; new cards are due
//!   in that order.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt::Write as _;

use examkit_model::entities::{Question, QuestionType, Scope, Service};
use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::anki::{Deck, Note, Package, QuestionFields, ServiceFields, guid_for};
use crate::content::{DomainEntry, QuestionRef, Selection, TaskEntry};
use crate::lock::note_hash;
use crate::markdown::{escape_text, render};

/// The name of the services deck under the exam deck.
pub const SERVICES_DECK: &str = "Services";

/// The [`DeckBuild::deck_sources`] entry of the services deck.
const SERVICES_DECK_SOURCE: &str = "services";

/// A package whose notes still need their modification times, with the
/// content id each note comes from.
#[derive(Debug, Clone)]
pub struct DeckBuild {
    /// The package; every note's `modified` is 0 and `created_ms` is 0 until
    /// [`DeckBuild::finish`].
    pub package: Package,
    /// For each note (same order), its source: `question/<id>` or
    /// `service/<id>`.
    pub sources: Vec<String>,
    /// For each note (same order), its [`note_hash`].
    pub hashes: Vec<String>,
    /// For each deck of the package (same order), its source: `exam`,
    /// `domain/<id>`, `task/<id>` or `services`. Unlike the deck name, it
    /// stays the same when a title changes.
    pub deck_sources: Vec<String>,
}

impl DeckBuild {
    /// Sets the package's id base from the latest note time (so that ids
    /// are reproducible and Anki's "created" dates are meaningful) and
    /// returns the package. Call after the notes' times are stamped.
    #[must_use]
    pub fn finish(mut self) -> Package {
        let latest = self
            .package
            .notes
            .iter()
            .map(|n| n.modified)
            .max()
            .unwrap_or(0);
        self.package.created_ms = latest.max(1).saturating_mul(1000);
        self.package
    }
}

/// The GUID of a question note.
#[must_use]
pub fn question_guid(exam_id: &str, question_id: &str) -> String {
    guid_for(&[exam_id, "question", question_id])
}

/// The GUID of a service note.
#[must_use]
pub fn service_guid(exam_id: &str, service_id: &str) -> String {
    guid_for(&[exam_id, "service", service_id])
}

/// Builds the decks and notes of `selection` (times not yet set).
#[must_use]
pub fn build(selection: &Selection<'_>) -> DeckBuild {
    let exam_deck = deck_level(selection.exam.title);
    let mut decks = vec![Deck::new(exam_deck.clone(), exam_description(selection))];
    let mut deck_sources = vec!["exam".to_owned()];
    let mut task_decks: HashMap<&str, i64> = HashMap::new();
    for domain in &selection.domains {
        let tasks: Vec<&TaskEntry<'_>> = domain
            .tasks
            .iter()
            .filter(|t| !t.questions.is_empty())
            .collect();
        if tasks.is_empty() {
            continue;
        }
        let domain_name = domain_deck(&exam_deck, domain);
        decks.push(Deck::new(domain_name.clone(), domain_description(domain)));
        deck_sources.push(format!("domain/{}", domain.id));
        for task in tasks {
            let description = task
                .task
                .summary
                .as_ref()
                .map(|s| render(s.as_str()).into_owned())
                .unwrap_or_default();
            let deck = Deck::new(task_deck(&domain_name, task), description);
            task_decks.insert(task.id, deck.id);
            decks.push(deck);
            deck_sources.push(format!("task/{}", task.id));
        }
    }
    let services_deck = Deck::new(
        format!("{exam_deck}::{SERVICES_DECK}"),
        "Flashcards of the services the exam covers: name to definition, and use cases to service.",
    );
    let services_deck_id = services_deck.id;
    if !selection.services.is_empty() {
        decks.push(services_deck);
        deck_sources.push(SERVICES_DECK_SOURCE.to_owned());
    }

    let service_names: HashMap<&str, &str> = selection
        .services
        .iter()
        .filter_map(|s| Some((s.id.as_ref()?.as_str(), s.name.as_ref()?.as_str())))
        .collect();
    let questions: Vec<QuestionRef<'_, '_>> = selection.questions().collect();
    // Each note is hashed for the lock while its fields are fresh in cache.
    let with_hash = |(note, source): (Note, String)| {
        let hash = note_hash(&note);
        (note, (source, hash))
    };
    // Notes, (sources, hashes): unzipped on every core as they are made.
    let mut parts: (Vec<Note>, (Vec<String>, Vec<String>)) = questions
        .par_iter()
        .map(|q| {
            let deck_id = task_decks.get(q.task.id).copied().unwrap_or_default();
            with_hash(question_note(selection.exam.id, &service_names, deck_id, q))
        })
        .unzip();
    parts.par_extend(
        selection
            .services
            .par_iter()
            .map(|s| with_hash(service_note(selection, services_deck_id, s))),
    );
    let (notes, (sources, hashes)) = parts;
    DeckBuild {
        package: Package {
            decks,
            notes,
            created_ms: 0,
        },
        sources,
        hashes,
        deck_sources,
    }
}

/// A deck name level: no `::`, no control characters, single spaces, no
/// trailing period, never empty.
#[must_use]
pub fn deck_level(text: &str) -> String {
    let cleaned: String = text
        .replace("::", ":")
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let words: Vec<&str> = cleaned.split_whitespace().collect();
    let joined = words.join(" ");
    let level = joined.trim_end_matches('.').trim_end();
    if level.is_empty() {
        "Untitled".to_owned()
    } else {
        level.to_owned()
    }
}

fn domain_deck(exam_deck: &str, domain: &DomainEntry<'_>) -> String {
    deck_path(exam_deck, "Domain", domain.id, domain.title)
}

fn task_deck(domain_deck: &str, task: &TaskEntry<'_>) -> String {
    deck_path(domain_deck, "Task", task.id, task.title())
}

fn deck_path(parent: &str, word: &str, id: &str, title: &str) -> String {
    if title.trim().is_empty() {
        format!("{parent}::{}", deck_level(&format!("{word} {id}")))
    } else {
        format!("{parent}::{}", deck_level(&format!("{word} {id} {title}")))
    }
}

fn exam_description(selection: &Selection<'_>) -> String {
    let exam = &selection.exam;
    let mut text = format!(
        "Practice questions and service flashcards for {}",
        exam.title
    );
    if let Some(code) = exam.code {
        let _ = write!(text, " ({code})");
    }
    if let Some(version) = exam.guide_version {
        let _ = write!(text, ", exam guide version {version}");
    }
    text.push_str(". Made with examkit.");
    escape_text(&text)
}

fn domain_description(domain: &DomainEntry<'_>) -> String {
    let mut html = domain
        .domain
        .and_then(|d| d.summary.as_ref())
        .map(|s| render(s.as_str()).into_owned())
        .unwrap_or_default();
    if let Some(weight) = domain.weight {
        let _ = write!(
            html,
            "<p class=\"ek-weight\">Weight: {weight}% of the scored content.</p>"
        );
    }
    html
}

/// A tag level: whitespace becomes `-`, control characters and `:` runs are
/// removed, so the level is one Anki tag component.
fn tag_level(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_tag_level(&mut out, text);
    out
}

/// Appends `text` to `out` as a [`tag_level`].
fn push_tag_level(out: &mut String, text: &str) {
    let start = out.len();
    for c in text.chars() {
        if c.is_whitespace() || c == '\u{3000}' {
            if !out[start..].ends_with('-') {
                out.push('-');
            }
        } else if !c.is_control() && c != ':' {
            out.push(c);
        }
    }
    let kept = out[start..].trim_end_matches('-').len();
    out.truncate(start + kept);
    let leading = kept - out[start..].trim_start_matches('-').len();
    out.drain(start..start + leading);
    if out.len() == start {
        out.push('-');
    }
}

/// The tag `<ns>::<facet>::<value>`, `value` made a [`tag_level`].
fn facet_tag(ns: &str, facet: &str, value: &str) -> String {
    let mut tag = String::with_capacity(ns.len() + facet.len() + value.len() + 4);
    tag.push_str(ns);
    tag.push_str("::");
    tag.push_str(facet);
    tag.push_str("::");
    push_tag_level(&mut tag, value);
    tag
}

/// A category name as a tag level: lower case, words joined by `-`.
fn slug(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let trimmed = out.trim_end_matches('-');
    if trimmed.is_empty() {
        "-".to_owned()
    } else {
        trimmed.to_owned()
    }
}

/// A content tag under `<ns>::tag::`, keeping its `::` hierarchy and
/// dropping empty levels.
fn content_tag(ns: &str, tag: &str) -> String {
    let mut out = String::with_capacity(ns.len() + tag.len() + 5);
    out.push_str(ns);
    out.push_str("::tag");
    for level in tag.split("::").filter(|l| !l.trim().is_empty()) {
        out.push_str("::");
        push_tag_level(&mut out, level);
    }
    out
}

/// The tags of a question note.
#[must_use]
pub fn question_tags(exam_id: &str, domain: &str, task: &str, question: &Question) -> Vec<String> {
    let ns = tag_level(exam_id);
    let mut tags = Vec::with_capacity(4 + question.services.len() + question.tags.len());
    tags.push(facet_tag(&ns, "domain", domain));
    tags.push(facet_tag(&ns, "task", task));
    // Type and difficulty names are tag levels as they are.
    if let Some(kind) = question.kind {
        tags.push(facet_tag(&ns, "type", kind.name()));
    }
    if let Some(difficulty) = question.difficulty {
        tags.push(facet_tag(&ns, "difficulty", difficulty.name()));
    }
    for service in &question.services {
        tags.push(facet_tag(&ns, "service", service.as_str()));
    }
    for tag in &question.tags {
        tags.push(content_tag(&ns, tag.as_str()));
    }
    tags
}

/// The tags of a service note; `domain_of` maps a task id to its domain id.
#[must_use]
pub fn service_tags(
    exam_id: &str,
    service: &Service,
    domain_of: &dyn Fn(&str) -> Option<String>,
) -> Vec<String> {
    let ns = tag_level(exam_id);
    let mut tags = Vec::new();
    if let Some(id) = &service.id {
        tags.push(facet_tag(&ns, "service", id.as_str()));
    }
    if let Some(category) = &service.category {
        tags.push(format!("{ns}::category::{}", slug(category.as_str())));
    }
    for task in &service.tasks {
        tags.push(facet_tag(&ns, "task", task.as_str()));
        if let Some(domain) = domain_of(task.as_str()) {
            tags.push(facet_tag(&ns, "domain", &domain));
        }
    }
    if service.scope == Scope::Out {
        tags.push(format!("{ns}::scope::out"));
    }
    tags
}

/// The option letter of position `i`: `A`…`Z`, then `27`, `28`, ….
fn letter(i: usize) -> String {
    u8::try_from(i)
        .ok()
        .filter(|&i| i < 26)
        .map_or_else(|| (i + 1).to_string(), |i| char::from(b'A' + i).to_string())
}

/// A deterministic shuffle of `0..n` seeded by the question id: Fisher–Yates
/// driven by SplitMix64 from the first 8 bytes of SHA-256 of the id. When
/// the shuffle leaves every item in place (and `n > 1`), the order is rotated
/// by one so the shown order never gives the answer away.
///
/// Part of the export format: changing it changes every ordering and
/// matching note.
#[must_use]
pub fn shuffled_order(question_id: &str, n: usize) -> Vec<usize> {
    let digest = Sha256::digest(question_id.as_bytes());
    let mut seed = [0u8; 8];
    seed.copy_from_slice(&digest[..8]);
    let mut state = u64::from_be_bytes(seed);
    let mut next = || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let mut order: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        // `i + 1` is small; the modulo bias is irrelevant here.
        let j = usize::try_from(next() % (i as u64 + 1)).unwrap_or(0);
        order.swap(i, j);
    }
    if n > 1 && order.iter().enumerate().all(|(i, &o)| i == o) {
        order.rotate_left(1);
    }
    order
}

fn question_note(
    exam_id: &str,
    service_names: &HashMap<&str, &str>,
    deck_id: i64,
    q: &QuestionRef<'_, '_>,
) -> (Note, String) {
    let question = q.question;
    let id = question.id.as_ref().map_or("", |i| i.as_str());
    let services: Vec<String> = question
        .services
        .iter()
        .map(|s| {
            service_names
                .get(s.as_str())
                .map_or_else(|| escape_text(s.as_str()), |name| escape_text(name))
        })
        .collect();
    let task_title = q.task.title().trim_end_matches('.');
    let mut fields = QuestionFields {
        stem: question
            .stem
            .as_ref()
            .map(|s| render(s.as_str()).into_owned())
            .unwrap_or_default(),
        explanation: question
            .explanation
            .as_ref()
            .map(|s| render(s.as_str()).into_owned())
            .unwrap_or_default(),
        task: escape_text(format!("{} {}", q.task.id, task_title).trim_end()),
        services: services.join(", "),
        id: escape_text(id),
        ..QuestionFields::default()
    };
    match question.kind.unwrap_or(QuestionType::Single) {
        QuestionType::Single | QuestionType::Multiple => choice_fields(question, &mut fields),
        QuestionType::Ordering => ordering_fields(question, id, &mut fields),
        QuestionType::Matching => matching_fields(question, id, &mut fields),
    }
    let tags = question_tags(exam_id, q.domain.id, q.task.id, question);
    let note = Note::question(question_guid(exam_id, id), deck_id, fields, tags, 0);
    (note, format!("question/{id}"))
}

fn why_html(why: Option<&examkit_model::entities::Spanned<String>>) -> Cow<'_, str> {
    why.map(|w| render(w.as_str())).unwrap_or_default()
}

fn choice_fields(question: &Question, fields: &mut QuestionFields) {
    // Sized up front: the fields of 100,000 notes are built at once, and
    // growing each string step by step costs more than the markup.
    let text_len: usize = question.options.iter().map(|o| o.text.as_str().len()).sum();
    let why_len: usize = question
        .options
        .iter()
        .filter_map(|o| o.why.as_ref())
        .map(|w| w.as_str().len())
        .sum();
    let count = question.options.len();
    let mut options = String::with_capacity(80 + text_len + 9 * count);
    if question.kind == Some(QuestionType::Multiple) {
        let count = question
            .select
            .as_ref()
            .map_or_else(|| question.correct_options().count() as i64, |s| s.value);
        let _ = write!(options, "<p class=\"ek-instruction\">Choose {count}.</p>");
    }
    options.push_str("<ol type=\"A\" class=\"ek-choices\">");
    let mut keys = Vec::new();
    let mut key_items = String::new();
    let mut rationale = String::with_capacity(why_len + 80 * count);
    for (i, option) in question.options.iter().enumerate() {
        let text = render(option.text.as_str());
        let letter = letter(i);
        for piece in ["<li>", &text, "</li>"] {
            options.push_str(piece);
        }
        if option.correct {
            for piece in ["<li><b>", &letter, ".</b> ", &text, "</li>"] {
                key_items.push_str(piece);
            }
            keys.push(letter.clone());
        }
        let why = why_html(option.why.as_ref());
        if !why.is_empty() {
            let (class, mark) = if option.correct {
                ("ek-right", "✓")
            } else {
                ("ek-wrong", "✗")
            };
            for piece in [
                "<li class=\"",
                class,
                "\"><b>",
                &letter,
                ".</b> <span class=\"ek-mark\">",
                mark,
                "</span> ",
                &why,
                "</li>",
            ] {
                rationale.push_str(piece);
            }
        }
    }
    options.push_str("</ol>");
    fields.options = options;
    if !keys.is_empty() {
        fields.answer = format!(
            "<div class=\"ek-keys\">{}</div><ul class=\"ek-key-list\">{key_items}</ul>",
            keys.join(", ")
        );
    }
    if !rationale.is_empty() {
        fields.rationale = format!("<ul class=\"ek-why\">{rationale}</ul>");
    }
}

fn ordering_fields(question: &Question, id: &str, fields: &mut QuestionFields) {
    let order = shuffled_order(id, question.items.len());
    // `shown[k]` is the item shown at letter k; `letter_of[i]` the letter
    // under which the i-th item (in correct order) is shown.
    let mut letter_of = vec![String::new(); question.items.len()];
    let mut options = String::from(
        "<p class=\"ek-instruction\">Put these in the correct order.</p><ol type=\"A\" class=\"ek-choices\">",
    );
    for (k, &i) in order.iter().enumerate() {
        let text = render(question.items[i].text.as_str());
        let _ = write!(options, "<li>{text}</li>");
        letter_of[i] = letter(k);
    }
    options.push_str("</ol>");
    let mut key_items = String::new();
    let mut rationale = String::new();
    for (i, item) in question.items.iter().enumerate() {
        let text = render(item.text.as_str());
        let _ = write!(key_items, "<li><b>{}.</b> {text}</li>", letter_of[i]);
        let why = why_html(item.why.as_ref());
        if !why.is_empty() {
            let _ = write!(rationale, "<li><b>{text}</b>: {why}</li>");
        }
    }
    fields.options = options;
    fields.answer = format!(
        "<div class=\"ek-keys\">{}</div><ol class=\"ek-key-list\">{key_items}</ol>",
        letter_of.join(", ")
    );
    if !rationale.is_empty() {
        fields.rationale = format!("<ol class=\"ek-why\">{rationale}</ol>");
    }
}

fn matching_fields(question: &Question, id: &str, fields: &mut QuestionFields) {
    let order = shuffled_order(id, question.pairs.len());
    let mut letter_of = vec![String::new(); question.pairs.len()];
    let mut prompts = String::from("<ol class=\"ek-prompts\">");
    for pair in &question.pairs {
        let _ = write!(prompts, "<li>{}</li>", render(pair.prompt.as_str()));
    }
    prompts.push_str("</ol>");
    let mut answers = String::from("<ol type=\"A\" class=\"ek-choices\">");
    for (k, &i) in order.iter().enumerate() {
        let _ = write!(
            answers,
            "<li>{}</li>",
            render(question.pairs[i].answer.as_str())
        );
        letter_of[i] = letter(k);
    }
    answers.push_str("</ol>");
    fields.options = format!(
        "<p class=\"ek-instruction\">Match each prompt to one answer.</p>{prompts}{answers}"
    );
    let mut keys = Vec::new();
    let mut key_items = String::new();
    let mut rationale = String::new();
    for (i, pair) in question.pairs.iter().enumerate() {
        let prompt = render(pair.prompt.as_str());
        let answer = render(pair.answer.as_str());
        keys.push(format!("{}–{}", i + 1, letter_of[i]));
        let _ = write!(
            key_items,
            "<li>{prompt} → <b>{}.</b> {answer}</li>",
            letter_of[i]
        );
        let why = why_html(pair.why.as_ref());
        if !why.is_empty() {
            let _ = write!(rationale, "<li><b>{prompt} → {answer}</b>: {why}</li>");
        }
    }
    fields.answer = format!(
        "<div class=\"ek-keys\">{}</div><ol class=\"ek-key-list\">{key_items}</ol>",
        keys.join(", ")
    );
    if !rationale.is_empty() {
        fields.rationale = format!("<ul class=\"ek-why\">{rationale}</ul>");
    }
}

/// Replaces the service's name and aliases in a use case with `[…]`, so
/// the use-case card does not show its own answer. Whole words only,
/// longest name first.
#[must_use]
pub fn mask_names(text: &str, names: &[&str]) -> String {
    let mut names: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| !n.trim().is_empty())
        .collect();
    names.sort_by_key(|n| std::cmp::Reverse(n.len()));
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let bytes = text.as_bytes();
    'outer: while i < text.len() {
        let at_boundary = text[..i]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric());
        if at_boundary {
            for name in &names {
                if text[i..].starts_with(name) {
                    let end = i + name.len();
                    let ends_word = text[end..]
                        .chars()
                        .next()
                        .is_none_or(|c| !c.is_alphanumeric());
                    if ends_word {
                        out.push_str("[…]");
                        i = end;
                        continue 'outer;
                    }
                }
            }
        }
        let c = text[i..].chars().next().unwrap_or('\u{fffd}');
        out.push(c);
        i += c.len_utf8().max(1);
        debug_assert!(i <= bytes.len());
    }
    out
}

fn service_note(selection: &Selection<'_>, deck_id: i64, service: &Service) -> (Note, String) {
    let exam_id = selection.exam.id;
    let id = service.id.as_ref().map_or("", |i| i.as_str());
    let name = service.name.as_ref().map_or(id, |n| n.as_str());
    let mut names: Vec<&str> = vec![name];
    names.extend(service.aliases.iter().map(|a| a.as_str()));
    names.extend(service.former_names.iter().map(|a| a.as_str()));
    let use_cases = if service.use_cases.is_empty() {
        String::new()
    } else {
        let items: String = service
            .use_cases
            .iter()
            .map(|u| format!("<li>{}</li>", render(&mask_names(u.as_str(), &names))))
            .collect();
        format!("<ul class=\"ek-use-cases\">{items}</ul>")
    };
    let features = if service.features.is_empty() {
        String::new()
    } else {
        let items: String = service
            .features
            .iter()
            .map(|f| {
                let description = f
                    .description
                    .as_ref()
                    .map(|d| format!(": {}", render(d.as_str())))
                    .unwrap_or_default();
                format!(
                    "<li><b>{}</b>{description}</li>",
                    escape_text(f.name.as_str())
                )
            })
            .collect();
        format!("<ul class=\"ek-features\">{items}</ul>")
    };
    let fields = ServiceFields {
        name: escape_text(name),
        category: service
            .category
            .as_ref()
            .map(|c| escape_text(c.as_str()))
            .unwrap_or_default(),
        definition: service
            .definition
            .as_ref()
            .map(|d| render(d.as_str()).into_owned())
            .unwrap_or_default(),
        use_cases,
        features,
        id: escape_text(id),
    };
    let domain_of = |task: &str| {
        selection
            .task(task)
            .map(|(d, _)| d.id.to_owned())
            .or_else(|| task.split_once('.').map(|(d, _)| d.to_owned()))
    };
    let tags = service_tags(exam_id, service, &domain_of);
    let note = Note::service(service_guid(exam_id, id), deck_id, fields, tags, 0);
    (note, format!("service/{id}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guids_are_namespaced_and_golden() {
        // Frozen: changing these forks every learner's notes. Expected
        // values from genanki 0.13.1: `guid_for("aif-c01", "question", …)`.
        assert_eq!(
            question_guid("aif-c01", "ai-fields-broadest-to-narrowest"),
            "pm-z&4VPf$"
        );
        assert_eq!(service_guid("aif-c01", "amazon-bedrock"), "woZr,Y.tdP");
        assert_eq!(
            question_guid("aif-c01", "rag-request-flow"),
            guid_for(&["aif-c01", "question", "rag-request-flow"])
        );
        assert_ne!(question_guid("aif-c01", "x"), service_guid("aif-c01", "x"));
        assert_ne!(question_guid("aif-c01", "x"), question_guid("saa-c03", "x"));
    }

    #[test]
    fn deck_levels_are_clean() {
        assert_eq!(deck_level("  A::B \n c. "), "A:B c");
        assert_eq!(deck_level("Explain AI."), "Explain AI");
        assert_eq!(deck_level(" . "), "Untitled");
    }

    #[test]
    fn tags_are_single_anki_tags() {
        assert_eq!(tag_level("two words\there"), "two-words-here");
        assert_eq!(tag_level("a::b"), "ab");
        assert_eq!(slug("Machine Learning & AI"), "machine-learning-ai");
        assert_eq!(
            content_tag("ns", "rag::retrieval"),
            "ns::tag::rag::retrieval"
        );
        assert_eq!(content_tag("ns", "a::::b::"), "ns::tag::a::b");
        assert_eq!(content_tag("ns", " :: "), "ns::tag");
        assert_eq!(facet_tag("ns", "task", "- 1.1 -"), "ns::task::1.1");
        assert_eq!(facet_tag("ns", "task", "\u{7}"), "ns::task::-");
    }

    /// A tag level by its definition: the characters kept, each whitespace
    /// run one `-`, then `-` trimmed from both ends, `-` when nothing is left.
    fn tag_level_by_definition(text: &str) -> String {
        let mut level = String::new();
        for c in text.chars() {
            if c.is_whitespace() || c == '\u{3000}' {
                if !level.ends_with('-') {
                    level.push('-');
                }
            } else if !c.is_control() && c != ':' {
                level.push(c);
            }
        }
        match level.trim_matches('-') {
            "" => "-".to_owned(),
            trimmed => trimmed.to_owned(),
        }
    }

    proptest::proptest! {
        #[test]
        fn tag_levels_append_as_defined(
            prefix in "[a-z:-]{0,4}",
            text in "[a-z\\- :\t\u{7}\u{3000}\u{85}é]{0,12}",
        ) {
            let mut out = prefix.clone();
            push_tag_level(&mut out, &text);
            proptest::prop_assert_eq!(out, format!("{prefix}{}", tag_level_by_definition(&text)));
        }
    }

    #[test]
    fn shuffle_is_deterministic_and_never_the_identity() {
        for n in 0..8 {
            for id in ["a", "rag-request-flow", "metrics-to-tasks", "x-1", "x-2"] {
                let order = shuffled_order(id, n);
                assert_eq!(order, shuffled_order(id, n));
                let mut sorted = order.clone();
                sorted.sort_unstable();
                assert_eq!(sorted, (0..n).collect::<Vec<_>>());
                if n > 1 {
                    assert!(order.iter().enumerate().any(|(i, &o)| i != o), "{id} {n}");
                }
            }
        }
        // Frozen: the shown order is part of the note.
        assert_eq!(
            shuffled_order("ai-fields-broadest-to-narrowest", 4),
            [0, 2, 1, 3]
        );
    }

    #[test]
    fn masks_whole_names_only() {
        let names = ["Amazon Bedrock", "Bedrock"];
        assert_eq!(
            mask_names(
                "Use Amazon Bedrock Knowledge Bases or Bedrock; not Bedrocks.",
                &names
            ),
            "Use […] Knowledge Bases or […]; not Bedrocks."
        );
        assert_eq!(mask_names("Lex and Lexicon", &["Lex"]), "[…] and Lexicon");
        assert_eq!(mask_names("日本 Lex", &["Lex"]), "日本 […]");
    }

    #[test]
    fn letters() {
        assert_eq!(letter(0), "A");
        assert_eq!(letter(25), "Z");
        assert_eq!(letter(26), "27");
    }
}
