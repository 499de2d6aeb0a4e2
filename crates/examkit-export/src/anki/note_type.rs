//! The two note types examkit writes, fixed and final.
//!
//! Anki matches note types by id and compares their field and template
//! lists: any change to those lists makes Anki fork the note type on import
//! ("examkit Question+") and stop updating existing notes. So ids, field
//! names and order, and template names are frozen here. Templates and CSS may
//! still be improved: bump [`NoteType::modified`] when they change so that
//! "update note types if newer" picks the new version up.

/// Which of examkit's note types a note uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NoteKind {
    /// A practice question: [`QUESTION`].
    Question,
    /// A service flashcard: [`SERVICE`].
    Service,
}

impl NoteKind {
    /// Every kind, in the order the note types are written.
    pub const ALL: [Self; 2] = [Self::Question, Self::Service];

    /// The note type definition for this kind.
    #[must_use]
    pub fn definition(self) -> &'static NoteType {
        match self {
            Self::Question => &QUESTION,
            Self::Service => &SERVICE,
        }
    }
}

/// A standard (non-cloze) Anki note type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteType {
    /// Anki note type id (`notes.mid`); constant forever.
    pub id: i64,
    /// Name shown in Anki.
    pub name: &'static str,
    /// Fields, in order; a note's `fields` follow this order.
    pub fields: &'static [FieldDef],
    /// Card templates, in order; a card's `ord` indexes this list.
    pub templates: &'static [TemplateDef],
    /// Style sheet shared by all templates.
    pub css: &'static str,
    /// Index of the sort field (Anki's `sortf`).
    pub sort_field: usize,
    /// Modification time of this definition (seconds since the epoch), the
    /// note type's `mod`. Bump it whenever templates or CSS change.
    pub modified: i64,
}

/// One field of a note type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldDef {
    /// Field name, as referenced by `{{Name}}` in templates.
    pub name: &'static str,
    /// Stable field id (Anki ≥ 2.1.67 matches fields by id on import).
    pub id: i64,
    /// Hint Anki's editor shows in the empty field.
    pub description: &'static str,
}

/// One card template of a note type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TemplateDef {
    /// Template name, shown as the card type in Anki.
    pub name: &'static str,
    /// Stable template id (Anki ≥ 2.1.67 matches templates by id on import).
    pub id: i64,
    /// Front side (`qfmt`).
    pub front: &'static str,
    /// Back side (`afmt`).
    pub back: &'static str,
}

impl NoteType {
    /// Index of the field called `name`.
    #[must_use]
    pub fn field_index(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.name == name)
    }
}

/// Style sheet of both note types: readable in light and night mode
/// (`.nightMode` on desktop and AnkiMobile, `.night_mode` on AnkiDroid),
/// narrow-screen friendly, and left-aligned for long question text.
pub const CSS: &str = r#".card {
  --ek-text: #1f2328;
  --ek-muted: #59636e;
  --ek-bg: #ffffff;
  --ek-surface: #f6f8fa;
  --ek-border: #d1d9e0;
  --ek-accent: #0969da;
  --ek-answer-bg: #dafbe1;
  --ek-answer-border: #1a7f37;
  --ek-code-bg: #eff2f5;
  --ek-wrong: #cf222e;
  font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif;
  font-size: 19px;
  line-height: 1.5;
  text-align: left;
  color: var(--ek-text);
  background-color: var(--ek-bg);
  overflow-wrap: break-word;
}
.card.nightMode, .card.night_mode, .nightMode .card, .night_mode .card {
  --ek-text: #e6edf3;
  --ek-muted: #9198a1;
  --ek-bg: #1f2126;
  --ek-surface: #262a31;
  --ek-border: #3d444d;
  --ek-accent: #4493f8;
  --ek-answer-bg: #15301f;
  --ek-answer-border: #3fb950;
  --ek-code-bg: #2d333b;
  --ek-wrong: #f85149;
}
.ek { max-width: 44rem; margin: 0 auto; }
.ek p { margin: 0.45em 0; }
.ek ul, .ek ol { padding-left: 1.5em; }
.ek-stem { margin-bottom: 0.8em; }
.ek-options ol, .ek-options ul { margin: 0.4em 0; padding-left: 2em; }
.ek-options li {
  margin: 0.4em 0;
  padding: 0.35em 0.65em;
  border: 1px solid var(--ek-border);
  border-radius: 8px;
  background-color: var(--ek-surface);
}
hr#answer { border: 0; border-top: 1px solid var(--ek-border); margin: 1.1em 0; }
.ek-section { margin: 0.9em 0; }
.ek-label {
  font-size: 0.72em;
  font-weight: 600;
  letter-spacing: 0.06em;
  text-transform: uppercase;
  color: var(--ek-muted);
  margin-bottom: 0.2em;
}
.ek-body > :first-child { margin-top: 0.15em; }
.ek-body > :last-child { margin-bottom: 0; }
.ek-answer {
  padding: 0.5em 0.8em;
  border-left: 4px solid var(--ek-answer-border);
  border-radius: 6px;
  background-color: var(--ek-answer-bg);
}
.ek-answer .ek-body { font-weight: 600; }
.ek-meta {
  display: flex;
  flex-wrap: wrap;
  gap: 0.4em;
  margin-top: 1.2em;
  font-size: 0.8em;
  color: var(--ek-muted);
}
.ek-meta:empty { display: none; }
.ek-chip { border: 1px solid var(--ek-border); border-radius: 999px; padding: 0.05em 0.65em; }
.ek-id { margin-left: auto; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.ek-name { font-size: 1.5em; font-weight: 700; text-align: center; margin: 0.4em 0; }
.ek-prompt { font-size: 0.85em; color: var(--ek-muted); margin-bottom: 0.5em; }
.card a { color: var(--ek-accent); }
.card code {
  font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  font-size: 0.9em;
  padding: 0.1em 0.3em;
  border-radius: 4px;
  background-color: var(--ek-code-bg);
}
.card pre {
  padding: 0.6em 0.8em;
  border-radius: 6px;
  background-color: var(--ek-code-bg);
  overflow-x: auto;
  white-space: pre-wrap;
}
.card pre code { padding: 0; background: none; }
.card img { max-width: 100%; height: auto; }
.card table { border-collapse: collapse; display: block; max-width: 100%; overflow-x: auto; }
.card th, .card td { border: 1px solid var(--ek-border); padding: 0.3em 0.5em; }
.ek-instruction { font-size: 0.85em; font-weight: 600; color: var(--ek-muted); margin: 0.5em 0 0.2em; }
.ek-options .ek-prompts li { background-color: transparent; }
.ek-keys { letter-spacing: 0.03em; }
.ek-answer .ek-key-list { font-weight: 400; margin: 0.3em 0 0; padding-left: 1.4em; }
.ek-why { margin: 0.2em 0 0; padding-left: 1.4em; }
.ek-why li { margin: 0.3em 0; }
.ek-mark { font-weight: 700; }
.ek-right .ek-mark { color: var(--ek-answer-border); }
.ek-wrong .ek-mark { color: var(--ek-wrong); }
.ek-use-cases li, .ek-features li { margin: 0.3em 0; }
@media (max-width: 600px) {
  .card { font-size: 17px; }
  .ek-options ol, .ek-options ul { padding-left: 1.6em; }
  .ek-options li { padding: 0.3em 0.5em; }
  .ek-name { font-size: 1.3em; }
}
"#;

/// Front of the question card: the stem and the options. For a
/// multiple-response question the caller's Stem or Options HTML says how
/// many options to choose; the template stays generic.
const QUESTION_FRONT: &str = r#"<div class="ek ek-question">
<div class="ek-stem">{{Stem}}</div>
{{#Options}}<div class="ek-options">{{Options}}</div>{{/Options}}
</div>"#;

/// Back of the question card: the front, then answer, explanation and
/// rationale, and a small footer with task, services and the source id.
const QUESTION_BACK: &str = r#"{{FrontSide}}
<hr id="answer">
<div class="ek ek-back">
{{#Answer}}<section class="ek-section ek-answer"><div class="ek-label">Answer</div><div class="ek-body">{{Answer}}</div></section>{{/Answer}}
{{#Explanation}}<section class="ek-section ek-explanation"><div class="ek-label">Explanation</div><div class="ek-body">{{Explanation}}</div></section>{{/Explanation}}
{{#Rationale}}<section class="ek-section ek-rationale"><div class="ek-label">Rationale</div><div class="ek-body">{{Rationale}}</div></section>{{/Rationale}}
<footer class="ek-meta">{{#Task}}<span class="ek-chip ek-task">{{Task}}</span>{{/Task}}{{#Services}}<span class="ek-chip ek-services">{{Services}}</span>{{/Services}}{{#Id}}<span class="ek-id">{{Id}}</span>{{/Id}}</footer>
</div>"#;

/// "examkit Question": a practice question with one card.
pub static QUESTION: NoteType = NoteType {
    id: 1_691_937_695,
    name: "examkit Question",
    fields: &[
        FieldDef {
            name: "Stem",
            id: 507_546_341,
            description: "The question text (HTML).",
        },
        FieldDef {
            name: "Options",
            id: 1_738_358_362,
            description: "The answer options, e.g. a lettered list (HTML).",
        },
        FieldDef {
            name: "Answer",
            id: 1_686_789_449,
            description: "The correct option(s) (HTML).",
        },
        FieldDef {
            name: "Explanation",
            id: 677_313_837,
            description: "Why the answer is right (HTML).",
        },
        FieldDef {
            name: "Rationale",
            id: 1_976_427_415,
            description: "Why the other options are wrong (HTML).",
        },
        FieldDef {
            name: "Task",
            id: 991_781_543,
            description: "Exam domain / task statement.",
        },
        FieldDef {
            name: "Services",
            id: 374_501_690,
            description: "Services the question is about.",
        },
        FieldDef {
            name: "Id",
            id: 1_442_418_265,
            description: "examkit source id (do not edit).",
        },
    ],
    templates: &[TemplateDef {
        name: "Card",
        id: 689_105_690,
        front: QUESTION_FRONT,
        back: QUESTION_BACK,
    }],
    css: CSS,
    sort_field: 0,
    modified: 1_795_742_400,
};

const SERVICE_NAME_FRONT: &str = r#"<div class="ek ek-service">
<div class="ek-name">{{Name}}</div>
</div>"#;

const SERVICE_NAME_BACK: &str = r#"{{FrontSide}}
<hr id="answer">
<div class="ek ek-back">
{{#Definition}}<section class="ek-section ek-definition"><div class="ek-body">{{Definition}}</div></section>{{/Definition}}
{{#Category}}<section class="ek-section ek-category"><div class="ek-label">Category</div><div class="ek-body">{{Category}}</div></section>{{/Category}}
{{#Features}}<section class="ek-section ek-features"><div class="ek-label">Key features</div><div class="ek-body">{{Features}}</div></section>{{/Features}}
</div>"#;

/// The whole front sits inside `{{#UseCases}}`, so this card exists only
/// for services with use cases.
const SERVICE_USE_CASE_FRONT: &str = r#"{{#UseCases}}<div class="ek ek-service">
<div class="ek-prompt">Which service fits these use cases?</div>
<div class="ek-usecases">{{UseCases}}</div>
</div>{{/UseCases}}"#;

const SERVICE_USE_CASE_BACK: &str = r#"{{FrontSide}}
<hr id="answer">
<div class="ek ek-back">
<div class="ek-name">{{Name}}</div>
</div>"#;

/// "examkit Service": a service flashcard with up to two cards.
pub static SERVICE: NoteType = NoteType {
    id: 2_074_763_033,
    name: "examkit Service",
    fields: &[
        FieldDef {
            name: "Name",
            id: 458_317_622,
            description: "Service name.",
        },
        FieldDef {
            name: "Category",
            id: 1_679_984_540,
            description: "Service category, e.g. Storage.",
        },
        FieldDef {
            name: "Definition",
            id: 1_724_626_995,
            description: "What the service is (HTML).",
        },
        FieldDef {
            name: "UseCases",
            id: 1_332_925_498,
            description: "Typical use cases, e.g. a list (HTML). Empty: no use-case card.",
        },
        FieldDef {
            name: "Features",
            id: 1_765_107_288,
            description: "Key features (HTML).",
        },
        FieldDef {
            name: "Id",
            id: 440_962_459,
            description: "examkit source id (do not edit).",
        },
    ],
    templates: &[
        TemplateDef {
            name: "Name → Definition",
            id: 1_480_624_015,
            front: SERVICE_NAME_FRONT,
            back: SERVICE_NAME_BACK,
        },
        TemplateDef {
            name: "Use case → Service",
            id: 362_361_209,
            front: SERVICE_USE_CASE_FRONT,
            back: SERVICE_USE_CASE_BACK,
        },
    ],
    css: CSS,
    sort_field: 0,
    modified: 1_795_742_400,
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::anki::template::ParsedTemplate;

    /// The frozen schema: changing any of this forks the note type in every
    /// user's collection. Update this test only for a deliberate new note type.
    #[test]
    fn schemas_are_frozen() {
        let names = |nt: &NoteType| nt.fields.iter().map(|f| f.name).collect::<Vec<_>>();
        assert_eq!(QUESTION.id, 1_691_937_695);
        assert_eq!(
            names(&QUESTION),
            [
                "Stem",
                "Options",
                "Answer",
                "Explanation",
                "Rationale",
                "Task",
                "Services",
                "Id"
            ]
        );
        assert_eq!(QUESTION.templates.len(), 1);
        assert_eq!(QUESTION.templates[0].name, "Card");
        assert_eq!(SERVICE.id, 2_074_763_033);
        assert_eq!(
            names(&SERVICE),
            [
                "Name",
                "Category",
                "Definition",
                "UseCases",
                "Features",
                "Id"
            ]
        );
        let tmpl: Vec<_> = SERVICE.templates.iter().map(|t| t.name).collect();
        assert_eq!(tmpl, ["Name → Definition", "Use case → Service"]);
    }

    #[test]
    fn templates_only_reference_their_fields() {
        for kind in NoteKind::ALL {
            let nt = kind.definition();
            for t in nt.templates {
                for side in [t.front, t.back] {
                    let parsed = ParsedTemplate::parse(side).expect("template parses");
                    for key in parsed.referenced_keys() {
                        assert!(
                            key == "FrontSide" || nt.field_index(key).is_some(),
                            "{}/{}: unknown field {key}",
                            nt.name,
                            t.name
                        );
                    }
                }
                let front = ParsedTemplate::parse(t.front).expect("front parses");
                assert!(
                    !front.referenced_keys().contains(&"FrontSide"),
                    "a front cannot use FrontSide"
                );
            }
        }
    }

    #[test]
    fn ids_are_unique() {
        let mut ids = Vec::new();
        for kind in NoteKind::ALL {
            let nt = kind.definition();
            ids.push(nt.id);
            ids.extend(nt.fields.iter().map(|f| f.id));
            ids.extend(nt.templates.iter().map(|t| t.id));
        }
        let count = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), count);
    }

    #[test]
    fn use_case_card_does_not_reveal_the_name() {
        let front = ParsedTemplate::parse(SERVICE.templates[1].front).expect("parses");
        assert_eq!(front.referenced_keys(), ["UseCases"]);
    }
}
