//! Service and feature names in prose: a catalog built from the service
//! files, matched with one Aho-Corasick automaton, and the rules that read
//! the matches.
//!
//! A name is matched case-insensitively only when it is distinctive (several
//! words, or a CamelCase word such as `SageMaker`); short names such as
//! `Lex` or `S3` match in their exact case only, so ordinary words are not
//! mistaken for services.

use std::collections::BTreeSet;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use examkit_model::entities::{Entity, Scope, Service};
use examkit_model::{SourceFile, Workspace};
use examkit_syntax::{Diagnostic, Edit, Fix, Node, Severity, TextRange};
use rayon::prelude::*;

use super::{Context, Findings, Input, Memoised, Rule};
use crate::memo::{Memo, salted, text_key};
use crate::registry::RuleInfo;
use crate::text::{Prose, entry_prose_fields, prose_fields};

/// How a catalog name relates to its service.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum NameKind {
    /// The canonical name.
    Canonical,
    /// A correct short name.
    Alias,
    /// A name from before a rename.
    Former,
    /// `AWS` written for `Amazon` or the reverse.
    WrongPrefix,
}

#[derive(Debug)]
struct Name {
    text: String,
    service: usize,
    /// The feature of the service this name names, if any.
    feature: Option<usize>,
    kind: NameKind,
    /// Whether a match in another letter case counts (as a misspelling).
    case_insensitive: bool,
}

/// One service known to the catalog.
#[derive(Debug)]
struct Entry<'w> {
    id: &'w str,
    service: &'w Service,
    file: usize,
}

/// One name found in prose.
#[derive(Clone, Debug)]
pub(crate) struct Mention {
    /// The file it is in.
    pub file: usize,
    /// Its source range.
    pub range: TextRange,
    /// The text as written.
    pub written: Arc<str>,
    /// The mentioned service's index in the catalog.
    service: usize,
    feature: Option<usize>,
    kind: NameKind,
    /// Whether the letter case differs from the catalog's.
    miscased: bool,
    /// Whether the word after it is "service".
    followed_by_service: bool,
}

/// The names of every service, and the mentions of them in prose.
pub(crate) struct Catalog<'w> {
    entries: Vec<Entry<'w>>,
    names: Vec<Name>,
    automaton: Option<AhoCorasick>,
    /// A hash of every name and what it names: equal for equal catalogs.
    pub fingerprint: u64,
}

/// Whether a name is distinctive enough to match in any letter case: it
/// carries the provider's brand or has a CamelCase word (`SageMaker`).
fn distinctive(name: &str) -> bool {
    if name.starts_with("Amazon ") || name.starts_with("AWS ") {
        return true;
    }
    let chars: Vec<char> = name.chars().collect();
    chars
        .windows(2)
        .any(|w| w[0].is_lowercase() && w[1].is_uppercase())
}

fn swapped_prefix(name: &str) -> Option<String> {
    if let Some(rest) = name.strip_prefix("Amazon ") {
        Some(format!("AWS {rest}"))
    } else {
        name.strip_prefix("AWS ")
            .map(|rest| format!("Amazon {rest}"))
    }
}

impl<'w> Catalog<'w> {
    /// Builds the catalog of the workspace's services.
    pub fn new(workspace: &'w Workspace, memo: Option<&Memo>) -> Self {
        let mut entries = Vec::new();
        let mut names = Vec::new();
        let mut seen = BTreeSet::new();
        let mut add = |names: &mut Vec<Name>, text: &str, service, feature, kind| {
            if text.len() < 2 || !seen.insert(text.to_lowercase()) {
                return;
            }
            names.push(Name {
                text: text.to_owned(),
                service,
                feature,
                kind,
                case_insensitive: distinctive(text),
            });
        };
        for (file, source) in workspace.files.iter().enumerate() {
            let Some(Entity::Service(service)) = &source.entity else {
                continue;
            };
            let Some(id) = service.id.as_ref() else {
                continue;
            };
            let Some(name) = service.name.as_ref() else {
                continue;
            };
            let index = entries.len();
            entries.push(Entry {
                id: id.as_str(),
                service,
                file,
            });
            add(&mut names, name.as_str(), index, None, NameKind::Canonical);
            for alias in &service.aliases {
                add(&mut names, alias.as_str(), index, None, NameKind::Alias);
            }
            for former in &service.former_names {
                add(&mut names, former.as_str(), index, None, NameKind::Former);
            }
            for (f, feature) in service.features.iter().enumerate() {
                add(
                    &mut names,
                    feature.name.as_str(),
                    index,
                    Some(f),
                    NameKind::Canonical,
                );
                for alias in &feature.aliases {
                    add(&mut names, alias.as_str(), index, Some(f), NameKind::Alias);
                }
                for former in &feature.former_names {
                    add(
                        &mut names,
                        former.as_str(),
                        index,
                        Some(f),
                        NameKind::Former,
                    );
                }
            }
        }
        // Wrong prefixes last, so a real name always wins over a variant.
        let variants: Vec<(String, usize, Option<usize>)> = names
            .iter()
            .filter(|n| n.kind == NameKind::Canonical)
            .filter_map(|n| swapped_prefix(&n.text).map(|v| (v, n.service, n.feature)))
            .collect();
        for (text, service, feature) in variants {
            add(&mut names, &text, service, feature, NameKind::WrongPrefix);
        }
        let mut hasher = DefaultHasher::new();
        for name in &names {
            (&name.text, name.service, name.feature, name.kind as u8).hash(&mut hasher);
            name.case_insensitive.hash(&mut hasher);
        }
        let names_hash = hasher.finish();
        for entry in &entries {
            (entry.id, entry.file).hash(&mut hasher);
        }
        // A DFA: a few hundred names make it small, and it scans all prose
        // of the workspace about twice as fast as the default NFA. Building
        // it takes milliseconds, so a memo keeps it while the names stay.
        let build = || {
            AhoCorasickBuilder::new()
                .kind(Some(AhoCorasickKind::DFA))
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::LeftmostLongest)
                .build(names.iter().map(|n| n.text.as_str()))
                .ok()
        };
        let automaton = match memo {
            Some(memo) => memo.automaton(names_hash, build),
            None => build(),
        };
        Self {
            entries,
            names,
            automaton,
            fingerprint: hasher.finish(),
        }
    }

    /// Whether the workspace defines any service at all.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The mentions in one prose field of file `file`.
    pub fn mentions(&self, prose: &Prose, file: usize, out: &mut Vec<Mention>) {
        let Some(automaton) = &self.automaton else {
            return;
        };
        let text = prose.text.as_str();
        for m in automaton.find_iter(text) {
            let name = &self.names[m.pattern().as_usize()];
            let written = &text[m.start()..m.end()];
            let before = text[..m.start()].chars().next_back();
            let after = text[m.end()..].chars().next();
            let boundary = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
            if !boundary(before) || !boundary(after) {
                continue;
            }
            let miscased = written != name.text;
            if miscased && !name.case_insensitive {
                continue;
            }
            let rest: String = text[m.end()..]
                .trim_start()
                .chars()
                .take(9)
                .collect::<String>()
                .to_lowercase();
            out.push(Mention {
                file,
                range: prose.source_range(m.start(), m.end()),
                written: written.into(),
                service: name.service,
                feature: name.feature,
                kind: name.kind,
                miscased,
                followed_by_service: rest.starts_with("service") && !rest.starts_with("services,"),
            });
        }
    }

    fn canonical(&self, mention: &Mention) -> &str {
        let service = self.entries[mention.service].service;
        match mention.feature {
            Some(f) => service.features[f].name.as_str(),
            None => service.name.as_ref().map_or("", |n| n.as_str()),
        }
    }

    /// The correctly written form of a mention: the catalog name it matched
    /// in its proper case, or the canonical name for former names and wrong
    /// prefixes.
    fn corrected(&self, mention: &Mention) -> String {
        match mention.kind {
            NameKind::Former | NameKind::WrongPrefix => self.canonical(mention).to_owned(),
            NameKind::Canonical | NameKind::Alias => self
                .names
                .iter()
                .find(|n| n.text.eq_ignore_ascii_case(&mention.written))
                .map_or_else(|| self.canonical(mention).to_owned(), |n| n.text.clone()),
        }
    }

    /// The id of the service a mention names (its parent, for a feature).
    pub fn service_id(&self, mention: &Mention) -> &'w str {
        self.entries[mention.service].id
    }

    fn scope(&self, mention: &Mention) -> Scope {
        self.entries[mention.service].service.scope
    }

    fn defining_file(&self, mention: &Mention) -> usize {
        self.entries[mention.service].file
    }
}

/// The mentions of file `file` inside `range`, found by binary search in
/// mentions sorted by file and position.
pub(crate) fn mentions_in(mentions: &[Mention], file: usize, range: TextRange) -> &[Mention] {
    let key = |m: &Mention| (m.file, m.range.start());
    let from = mentions.partition_point(|m| key(m) < (file, range.start()));
    let to = mentions.partition_point(|m| key(m) < (file, range.end()));
    &mentions[from..to.max(from)]
}

/// Every mention in every file's prose, sorted by file and position. With
/// a memo, a prose field whose text is unchanged is not searched again.
pub(crate) fn all_mentions(
    workspace: &Workspace,
    catalog: &Catalog<'_>,
    memoised: Option<Memoised<'_>>,
) -> Vec<Mention> {
    let per_file: Vec<Vec<Mention>> = workspace
        .files
        .par_iter()
        .enumerate()
        .map(|(file, source)| {
            let Some(root) = &source.tree else {
                return Vec::new();
            };
            let mut mentions: Vec<Mention> = match memoised {
                None => {
                    let mut fields = Vec::new();
                    prose_fields(root, &mut fields);
                    fields
                        .par_iter()
                        .with_min_len(256)
                        .flat_map_iter(|&(_, node)| {
                            let mut found = Vec::new();
                            catalog.mentions(&Prose::of(node, &source.text), file, &mut found);
                            found
                        })
                        .collect()
                }
                Some(m) => memoised_mentions(source, root, file, catalog, m),
            };
            mentions.sort_by_key(|m| m.range.start());
            mentions
        })
        .collect();
    per_file.into_iter().flatten().collect()
}

/// A piece of a file whose mentions the memo keeps as one entry: a whole
/// question, or a prose field outside the questions.
struct Piece<'n> {
    /// The question's node, or the field's.
    node: &'n Node,
    /// The memo key of its text.
    key: u64,
    /// Whether it is a question (whose prose fields are all those under
    /// it) rather than one field.
    whole: bool,
}

/// The mentions in one file, the memo's where the text is unchanged.
fn memoised_mentions(
    source: &SourceFile,
    root: &Node,
    file: usize,
    catalog: &Catalog<'_>,
    m: Memoised<'_>,
) -> Vec<Mention> {
    let field = |node| Piece {
        node,
        key: text_key(&source.text, node.range, catalog.fingerprint),
        whole: false,
    };
    let question_keys = &m.question_keys[file];
    let mut pieces = Vec::new();
    let mut fields = Vec::new();
    for entry in root.as_mapping().unwrap_or_default() {
        // The items of `questions` (not a prose key) are the questions, in
        // order: their prose fields are all those under them.
        match entry.value.as_sequence() {
            Some(items)
                if entry.key_text() == "questions" && items.len() == question_keys.len() =>
            {
                pieces.extend(items.iter().zip(question_keys).map(|(node, &key)| Piece {
                    node,
                    key: salted(key, catalog.fingerprint),
                    whole: true,
                }));
            }
            _ => {
                entry_prose_fields(entry, &mut fields);
                pieces.extend(fields.drain(..).map(|(_, node)| field(node)));
            }
        }
    }
    if root.as_mapping().is_none() {
        prose_fields(root, &mut fields);
        pieces.extend(fields.drain(..).map(|(_, node)| field(node)));
    }
    let keys: Vec<u64> = pieces.iter().map(|p| p.key).collect();
    let relative = m.memo.mentions(&keys, |i| {
        let piece = &pieces[i];
        let mut fields = Vec::new();
        if piece.whole {
            prose_fields(piece.node, &mut fields);
        } else {
            fields.push(("", piece.node));
        }
        let mut found = Vec::new();
        for (_, node) in fields {
            catalog.mentions(&Prose::of(node, &source.text), file, &mut found);
        }
        let start = i64::from(piece.node.range.start());
        for mention in &mut found {
            mention.range = mention.range.shifted(-start);
        }
        found
    });
    pieces
        .iter()
        .zip(relative)
        .flat_map(|(piece, relative)| {
            let start = i64::from(piece.node.range.start());
            relative
                .iter()
                .map(|m| Mention {
                    file,
                    range: m.range.shifted(start),
                    ..m.clone()
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

/// `xref/service-name`: a misspelt, miscased or wrong-prefix service name.
pub struct ServiceName;

static SERVICE_NAME: RuleInfo = RuleInfo {
    code: "xref/service-name",
    default_severity: Severity::Error,
    summary: "A service or feature name is misspelt, miscased or has the wrong prefix.",
    rationale: "Candidates meet services by their exact names, and the exam writes them exactly (`Amazon SageMaker AI`, not `Amazon Sagemaker AI`; `Amazon Bedrock`, not `AWS Bedrock`). The catalog in the service files is the reference; the fix writes the name as the catalog has it.",
    example: Some("stem: Which AWS Bedrock feature filters harmful content?\n"),
    fixable: true,
    configurable: true,
};

impl Rule for ServiceName {
    fn info(&self) -> &'static RuleInfo {
        &SERVICE_NAME
    }

    fn inputs(&self) -> &'static [Input] {
        &[Input::Mentions]
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        let catalog = cx.catalog();
        for mention in cx.mentions() {
            if !(mention.miscased || mention.kind == NameKind::WrongPrefix) {
                continue;
            }
            let corrected = catalog.corrected(mention);
            out.report(
                mention.file,
                Diagnostic::new(
                    SERVICE_NAME.code,
                    SERVICE_NAME.default_severity,
                    mention.range,
                    format!(
                        "`{}` is not how the name is written: `{corrected}`",
                        mention.written
                    ),
                )
                .with_fix(replace(mention.range, &corrected)),
            );
        }
    }
}

fn replace(range: TextRange, text: &str) -> Fix {
    Fix {
        title: format!("Write `{text}`"),
        edits: vec![Edit {
            range,
            replacement: text.to_owned(),
        }],
    }
}

/// `xref/legacy-name`: a name from before a rename.
pub struct LegacyName;

static LEGACY_NAME: RuleInfo = RuleInfo {
    code: "xref/legacy-name",
    default_severity: Severity::Warning,
    summary: "A service or feature is called by its name from before a rename.",
    rationale: "Renamed services keep their old names in the service file's `former_names` (e.g. Amazon SageMaker became Amazon SageMaker AI; Guardrails for Amazon Bedrock became Amazon Bedrock Guardrails). Current exams use the new names, so content should too. The service's own file may mention its former names.",
    example: Some("explanation: Guardrails for Amazon Bedrock blocks denied topics.\n"),
    fixable: true,
    configurable: true,
};

impl Rule for LegacyName {
    fn info(&self) -> &'static RuleInfo {
        &LEGACY_NAME
    }

    fn inputs(&self) -> &'static [Input] {
        &[Input::Mentions]
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        let catalog = cx.catalog();
        for mention in cx.mentions() {
            if mention.kind != NameKind::Former || mention.file == catalog.defining_file(mention) {
                continue;
            }
            let canonical = catalog.canonical(mention).to_owned();
            out.report(
                mention.file,
                Diagnostic::new(
                    LEGACY_NAME.code,
                    LEGACY_NAME.default_severity,
                    mention.range,
                    format!(
                        "`{}` is a former name; it is now `{canonical}`",
                        mention.written
                    ),
                )
                .with_fix(replace(mention.range, &canonical)),
            );
        }
    }
}

/// `xref/feature-as-service`: a feature called a service.
pub struct FeatureAsService;

static FEATURE_AS_SERVICE: RuleInfo = RuleInfo {
    code: "xref/feature-as-service",
    default_severity: Severity::Warning,
    summary: "A feature of a service is called a service.",
    rationale: "Features such as Amazon SageMaker Clarify or Amazon Bedrock Guardrails belong to a parent service; calling them services teaches the wrong mental model and makes distractors inconsistent. Write \"feature\" or \"capability\", or name the parent service.",
    example: Some("stem: Which Amazon SageMaker Clarify service detects bias?\n"),
    fixable: false,
    configurable: true,
};

impl Rule for FeatureAsService {
    fn info(&self) -> &'static RuleInfo {
        &FEATURE_AS_SERVICE
    }

    fn inputs(&self) -> &'static [Input] {
        &[Input::Mentions]
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        let catalog = cx.catalog();
        for mention in cx.mentions() {
            if mention.feature.is_none() || !mention.followed_by_service {
                continue;
            }
            let parent = catalog.entries[mention.service]
                .service
                .name
                .as_ref()
                .map_or("its service", |n| n.as_str());
            out.report(
                mention.file,
                Diagnostic::new(
                    FEATURE_AS_SERVICE.code,
                    FEATURE_AS_SERVICE.default_severity,
                    mention.range,
                    format!(
                        "`{}` is a feature of {parent}, not a service",
                        mention.written
                    ),
                )
                .with_help("call it a feature or capability"),
            );
        }
    }
}

/// Question-level name rules: unlisted services and out-of-scope services.
pub struct UnlistedService;

static UNLISTED_SERVICE: RuleInfo = RuleInfo {
    code: "xref/unlisted-service",
    default_severity: Severity::Warning,
    summary: "A question names a service that its `services` list leaves out.",
    rationale: "`services` drives filtering, Anki tags, coverage and the cross-reference index. A question that names a service in its stem, options or explanation involves it, so the id belongs in the list. The fix adds it.",
    example: Some("stem: Which Amazon Bedrock feature …\nservices: []\n"),
    fixable: true,
    configurable: true,
};

impl Rule for UnlistedService {
    fn info(&self) -> &'static RuleInfo {
        &UNLISTED_SERVICE
    }

    fn inputs(&self) -> &'static [Input] {
        &[Input::Mentions]
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        let catalog = cx.catalog();
        if catalog.is_empty() {
            return;
        }
        let mentions = cx.mentions();
        for (file, source) in cx.workspace.files.iter().enumerate() {
            let Some(Entity::Questions(set)) = &source.entity else {
                continue;
            };
            for question in &set.questions {
                let listed: BTreeSet<&str> = question.services.iter().map(|s| s.as_str()).collect();
                let mut reported = BTreeSet::new();
                for mention in mentions_in(mentions, file, question.range) {
                    let id = catalog.service_id(mention);
                    if listed.contains(id) || !reported.insert(id) {
                        continue;
                    }
                    let mut diagnostic = Diagnostic::new(
                        UNLISTED_SERVICE.code,
                        UNLISTED_SERVICE.default_severity,
                        mention.range,
                        format!(
                            "`{}` is named here but `{id}` is not in the question's `services`",
                            mention.written
                        ),
                    );
                    if let Some(fix) = super::edits::add_to_list(
                        &source.text,
                        question.services_key,
                        &question.services,
                        question.range,
                        "services",
                        id,
                    ) {
                        diagnostic = diagnostic.with_fix(fix);
                    }
                    out.report(file, diagnostic);
                }
            }
        }
    }
}

/// `xref/out-of-scope-key` and `xref/out-of-scope-mention`.
pub struct OutOfScope;

static OUT_OF_SCOPE_KEY: RuleInfo = RuleInfo {
    code: "xref/out-of-scope-key",
    default_severity: Severity::Error,
    summary: "A correct option relies on a service the exam guide lists as out of scope.",
    rationale: "Candidates are not expected to know out-of-scope services, so a key that needs one tests something the exam does not. Rewrite the question around an in-scope service.",
    example: Some("options:\n  - { text: AWS Trainium, correct: true }\n"),
    fixable: false,
    configurable: true,
};

static OUT_OF_SCOPE_MENTION: RuleInfo = RuleInfo {
    code: "xref/out-of-scope-mention",
    default_severity: Severity::Info,
    summary: "A question names a service the exam guide lists as out of scope.",
    rationale: "Out-of-scope services may appear as distractors or in explanations, but a distractor that is out of scope is an easy elimination for test-wise candidates. Prefer an in-scope service.",
    example: Some("options:\n  - { text: AWS Lambda }\n"),
    fixable: false,
    configurable: true,
};

/// The out-of-scope mention rule (registered separately for its code).
pub struct OutOfScopeMention;

impl Rule for OutOfScopeMention {
    fn info(&self) -> &'static RuleInfo {
        &OUT_OF_SCOPE_MENTION
    }

    fn inputs(&self) -> &'static [Input] {
        &[Input::Mentions]
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        out_of_scope(cx, out, false);
    }
}

impl Rule for OutOfScope {
    fn info(&self) -> &'static RuleInfo {
        &OUT_OF_SCOPE_KEY
    }

    fn inputs(&self) -> &'static [Input] {
        &[Input::Mentions]
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        out_of_scope(cx, out, true);
    }
}

fn out_of_scope(cx: &Context<'_>, out: &mut Findings, keys: bool) {
    let catalog = cx.catalog();
    let mentions = cx.mentions();
    for (file, source) in cx.workspace.files.iter().enumerate() {
        let Some(Entity::Questions(set)) = &source.entity else {
            continue;
        };
        for question in &set.questions {
            let in_key = |range: TextRange| {
                question.correct_options().any(|o| {
                    o.text.range.start() <= range.start() && range.end() <= o.text.range.end()
                })
            };
            let out_of_scope: Vec<&Mention> = mentions_in(mentions, file, question.range)
                .iter()
                .filter(|m| catalog.scope(m) == Scope::Out)
                .collect();
            // A question whose key is out of scope is reported once, there.
            let key_reported = out_of_scope.iter().any(|m| in_key(m.range));
            if !keys && key_reported {
                continue;
            }
            for mention in out_of_scope {
                let key = in_key(mention.range);
                if key != keys {
                    continue;
                }
                let info = if keys {
                    &OUT_OF_SCOPE_KEY
                } else {
                    &OUT_OF_SCOPE_MENTION
                };
                out.report(
                    file,
                    Diagnostic::new(
                        info.code,
                        info.default_severity,
                        mention.range,
                        format!("`{}` is out of scope for this exam", mention.written),
                    ),
                );
            }
        }
    }
}
