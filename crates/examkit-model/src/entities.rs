//! Typed content entities, read leniently from the spanned tree.
//!
//! Building never fails: a missing or mistyped field is `None` (or empty) and
//! schema validation has already reported it. So a half-typed document still
//! yields the entities it has, for completion and navigation.

use examkit_syntax::{Node, TextRange};

use crate::Kind;

/// A value and the bytes it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spanned<T> {
    /// The value.
    pub value: T,
    /// The bytes of the value in its file.
    pub range: TextRange,
}

impl Spanned<String> {
    /// The string value.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.value
    }
}

/// One domain as the exam file lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DomainWeight {
    /// The domain id, e.g. `"1"`.
    pub id: Spanned<String>,
    /// The domain title.
    pub title: Option<Spanned<String>>,
    /// Its blueprint weight in percent.
    pub weight: Option<Spanned<i64>>,
}

/// `kind: exam`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Exam {
    /// The exam id, e.g. `aif-c01`.
    pub id: Option<Spanned<String>>,
    /// The exam code, e.g. `AIF-C01`.
    pub code: Option<Spanned<String>>,
    /// The exam title.
    pub title: Option<Spanned<String>>,
    /// The guide version the content follows.
    pub guide_version: Option<Spanned<String>>,
    /// The domains with their weights, in blueprint order.
    pub domains: Vec<DomainWeight>,
    /// The `domains` key, for findings about the list as a whole.
    pub domains_key: Option<TextRange>,
}

/// A key term of a task.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyTerm {
    /// The term.
    pub term: Spanned<String>,
    /// Its definition.
    pub definition: Option<Spanned<String>>,
}

/// A task statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Task {
    /// The task id, e.g. `"1.1"`.
    pub id: Option<Spanned<String>>,
    /// The task statement.
    pub title: Option<Spanned<String>>,
    /// The teaching summary.
    pub summary: Option<Spanned<String>>,
    /// Key terms with definitions.
    pub key_terms: Vec<KeyTerm>,
    /// The whole task mapping.
    pub range: TextRange,
}

/// `kind: domain`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Domain {
    /// The domain id, e.g. `"1"`.
    pub id: Option<Spanned<String>>,
    /// What the domain covers.
    pub summary: Option<Spanned<String>>,
    /// Its task statements.
    pub tasks: Vec<Task>,
}

/// Whether the exam guide lists a service as in scope.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub enum Scope {
    /// In scope (the default).
    #[default]
    In,
    /// Mentioned by the guide but out of scope.
    Out,
}

/// A named feature of a service.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Feature {
    /// The canonical name.
    pub name: Spanned<String>,
    /// Other correct names.
    pub aliases: Vec<Spanned<String>>,
    /// Names before a rename.
    pub former_names: Vec<Spanned<String>>,
    /// What it does.
    pub description: Option<Spanned<String>>,
}

/// `kind: service`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Service {
    /// The service id, e.g. `amazon-bedrock`.
    pub id: Option<Spanned<String>>,
    /// The canonical name.
    pub name: Option<Spanned<String>>,
    /// Other correct names.
    pub aliases: Vec<Spanned<String>>,
    /// Names before a rename.
    pub former_names: Vec<Spanned<String>>,
    /// In or out of scope.
    pub scope: Scope,
    /// The category.
    pub category: Option<Spanned<String>>,
    /// What the service is.
    pub definition: Option<Spanned<String>>,
    /// Typical uses.
    pub use_cases: Vec<Spanned<String>>,
    /// Task ids it matters for.
    pub tasks: Vec<Spanned<String>>,
    /// Related service ids.
    pub related: Vec<Spanned<String>>,
    /// Named features.
    pub features: Vec<Feature>,
}

/// The question types.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum QuestionType {
    /// One correct option.
    Single,
    /// Several correct options; `select` says how many.
    Multiple,
    /// Put items in order.
    Ordering,
    /// Match prompts to answers.
    Matching,
}

impl QuestionType {
    /// Every type, in a stable order.
    pub const ALL: [QuestionType; 4] = [
        QuestionType::Single,
        QuestionType::Multiple,
        QuestionType::Ordering,
        QuestionType::Matching,
    ];

    /// The name used in content files.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Single => "single",
            Self::Multiple => "multiple",
            Self::Ordering => "ordering",
            Self::Matching => "matching",
        }
    }

    fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.name() == name)
    }
}

/// How hard a question is.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Difficulty {
    /// Easy.
    Easy,
    /// Medium.
    Medium,
    /// Hard.
    Hard,
}

impl Difficulty {
    /// Every difficulty, in a stable order.
    pub const ALL: [Difficulty; 3] = [Difficulty::Easy, Difficulty::Medium, Difficulty::Hard];

    /// The name used in content files.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Easy => "easy",
            Self::Medium => "medium",
            Self::Hard => "hard",
        }
    }

    fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.name() == name)
    }
}

/// An answer option of a single or multiple question.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnswerOption {
    /// The option text.
    pub text: Spanned<String>,
    /// Whether it is correct.
    pub correct: bool,
    /// Why it is right or wrong.
    pub why: Option<Spanned<String>>,
    /// The whole option mapping.
    pub range: TextRange,
}

/// A step of an ordering question.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderingItem {
    /// The step text.
    pub text: Spanned<String>,
    /// Why it comes at its place.
    pub why: Option<Spanned<String>>,
}

/// A prompt and its answer in a matching question.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pair {
    /// The prompt.
    pub prompt: Spanned<String>,
    /// The matching answer.
    pub answer: Spanned<String>,
    /// Why they match.
    pub why: Option<Spanned<String>>,
}

/// One practice question.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Question {
    /// The question id.
    pub id: Option<Spanned<String>>,
    /// The type.
    pub kind: Option<QuestionType>,
    /// The difficulty.
    pub difficulty: Option<Difficulty>,
    /// The stem.
    pub stem: Option<Spanned<String>>,
    /// Options of single and multiple questions.
    pub options: Vec<AnswerOption>,
    /// The `options` key.
    pub options_key: Option<TextRange>,
    /// How many options to select (multiple).
    pub select: Option<Spanned<i64>>,
    /// Steps of an ordering question, in correct order.
    pub items: Vec<OrderingItem>,
    /// Pairs of a matching question.
    pub pairs: Vec<Pair>,
    /// The explanation.
    pub explanation: Option<Spanned<String>>,
    /// Service ids the question involves.
    pub services: Vec<Spanned<String>>,
    /// The `services` key, or `None` when the question has none.
    pub services_key: Option<TextRange>,
    /// Free tags.
    pub tags: Vec<Spanned<String>>,
    /// The whole question mapping.
    pub range: TextRange,
}

impl Question {
    /// The question's correct options.
    pub fn correct_options(&self) -> impl Iterator<Item = &AnswerOption> {
        self.options.iter().filter(|o| o.correct)
    }

    /// Where to report findings about the question as a whole: its id, or
    /// the start of the question.
    #[must_use]
    pub fn anchor(&self) -> TextRange {
        self.id
            .as_ref()
            .map_or(TextRange::empty(self.range.start()), |id| id.range)
    }
}

/// `kind: questions`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct QuestionSet {
    /// The task the questions test.
    pub task: Option<Spanned<String>>,
    /// The questions.
    pub questions: Vec<Question>,
}

/// The typed content of one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Entity {
    /// An exam file.
    Exam(Exam),
    /// A domain file.
    Domain(Domain),
    /// A service file.
    Service(Service),
    /// A questions file.
    Questions(QuestionSet),
}

/// Reads the entity of `kind` from a document's root node.
#[must_use]
pub fn read_entity(kind: Kind, root: &Node) -> Entity {
    match kind {
        Kind::Exam => Entity::Exam(read_exam(root)),
        Kind::Domain => Entity::Domain(read_domain(root)),
        Kind::Service => Entity::Service(read_service(root)),
        Kind::Questions => Entity::Questions(read_questions(root)),
    }
}

fn string(node: &Node, key: &str) -> Option<Spanned<String>> {
    let value = node.get(key)?;
    Some(Spanned {
        value: value.scalar_text()?.to_owned(),
        range: value.range,
    })
}

fn integer(node: &Node, key: &str) -> Option<Spanned<i64>> {
    let value = node.get(key)?;
    match value.as_scalar()?.value() {
        examkit_syntax::ScalarValue::Int(i) => Some(Spanned {
            value: i,
            range: value.range,
        }),
        _ => None,
    }
}

fn strings(node: &Node, key: &str) -> Vec<Spanned<String>> {
    items(node, key)
        .iter()
        .filter_map(|item| {
            Some(Spanned {
                value: item.scalar_text()?.to_owned(),
                range: item.range,
            })
        })
        .collect()
}

fn items<'n>(node: &'n Node, key: &str) -> &'n [Node] {
    node.get(key).and_then(Node::as_sequence).unwrap_or(&[])
}

fn key_range(node: &Node, key: &str) -> Option<TextRange> {
    node.entry(key).map(|e| e.key.range)
}

fn read_exam(root: &Node) -> Exam {
    Exam {
        id: string(root, "id"),
        code: string(root, "code"),
        title: string(root, "title"),
        guide_version: string(root, "guide_version"),
        domains: items(root, "domains")
            .iter()
            .filter_map(|d| {
                Some(DomainWeight {
                    id: string(d, "id")?,
                    title: string(d, "title"),
                    weight: integer(d, "weight"),
                })
            })
            .collect(),
        domains_key: key_range(root, "domains"),
    }
}

fn read_domain(root: &Node) -> Domain {
    Domain {
        id: string(root, "id"),
        summary: string(root, "summary"),
        tasks: items(root, "tasks")
            .iter()
            .map(|t| Task {
                id: string(t, "id"),
                title: string(t, "title"),
                summary: string(t, "summary"),
                key_terms: items(t, "key_terms")
                    .iter()
                    .filter_map(|k| {
                        Some(KeyTerm {
                            term: string(k, "term")?,
                            definition: string(k, "definition"),
                        })
                    })
                    .collect(),
                range: t.range,
            })
            .collect(),
    }
}

fn read_features(root: &Node) -> Vec<Feature> {
    items(root, "features")
        .iter()
        .filter_map(|f| {
            Some(Feature {
                name: string(f, "name")?,
                aliases: strings(f, "aliases"),
                former_names: strings(f, "former_names"),
                description: string(f, "description"),
            })
        })
        .collect()
}

fn read_service(root: &Node) -> Service {
    Service {
        id: string(root, "id"),
        name: string(root, "name"),
        aliases: strings(root, "aliases"),
        former_names: strings(root, "former_names"),
        scope: match root.get("scope").and_then(Node::scalar_text) {
            Some("out") => Scope::Out,
            _ => Scope::In,
        },
        category: string(root, "category"),
        definition: string(root, "definition"),
        use_cases: strings(root, "use_cases"),
        tasks: strings(root, "tasks"),
        related: strings(root, "related"),
        features: read_features(root),
    }
}

fn read_question(q: &Node) -> Question {
    Question {
        id: string(q, "id"),
        kind: q
            .get("type")
            .and_then(Node::scalar_text)
            .and_then(QuestionType::from_name),
        difficulty: q
            .get("difficulty")
            .and_then(Node::scalar_text)
            .and_then(Difficulty::from_name),
        stem: string(q, "stem"),
        options: items(q, "options")
            .iter()
            .filter_map(|o| {
                Some(AnswerOption {
                    text: string(o, "text")?,
                    correct: o.get("correct").and_then(Node::scalar_text) == Some("true"),
                    why: string(o, "why"),
                    range: o.range,
                })
            })
            .collect(),
        options_key: key_range(q, "options"),
        select: integer(q, "select"),
        items: items(q, "items")
            .iter()
            .filter_map(|i| {
                Some(OrderingItem {
                    text: string(i, "text")?,
                    why: string(i, "why"),
                })
            })
            .collect(),
        pairs: items(q, "pairs")
            .iter()
            .filter_map(|p| {
                Some(Pair {
                    prompt: string(p, "prompt")?,
                    answer: string(p, "answer")?,
                    why: string(p, "why"),
                })
            })
            .collect(),
        explanation: string(q, "explanation"),
        services: strings(q, "services"),
        services_key: key_range(q, "services"),
        tags: strings(q, "tags"),
        range: q.range,
    }
}

fn read_questions(root: &Node) -> QuestionSet {
    QuestionSet {
        task: string(root, "task"),
        questions: items(root, "questions").iter().map(read_question).collect(),
    }
}
