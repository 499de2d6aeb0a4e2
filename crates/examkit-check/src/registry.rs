//! Every diagnostic code examkit can report, with its default severity and
//! rationale: the syntax, file, schema and semantic codes of validity, and the
//! configurable lint and cross-reference rules.

use examkit_syntax::Severity;

/// What examkit knows about one diagnostic code.
#[derive(Debug)]
pub struct RuleInfo {
    /// The stable code, `family/name`.
    pub code: &'static str,
    /// The severity unless configuration says otherwise.
    pub default_severity: Severity,
    /// One line: what it finds.
    pub summary: &'static str,
    /// One paragraph: why it matters and how to fix it.
    pub rationale: &'static str,
    /// A short example of content it reports, if one helps.
    pub example: Option<&'static str>,
    /// Whether findings come with a fix.
    pub fixable: bool,
    /// Whether configuration may change its severity or turn it off.
    /// Validity codes (syntax, schema) cannot be turned off.
    pub configurable: bool,
}

const fn validity(
    code: &'static str,
    summary: &'static str,
    rationale: &'static str,
    example: Option<&'static str>,
) -> RuleInfo {
    RuleInfo {
        code,
        default_severity: Severity::Error,
        summary,
        rationale,
        example,
        fixable: false,
        configurable: false,
    }
}

/// The validity codes: content with any of these is not valid and cannot be
/// exported.
pub static VALIDITY: &[RuleInfo] = &[
    validity(
        "syntax/invalid-yaml",
        "The file is not valid YAML.",
        "examkit reads YAML 1.2. The message names what the parser expected at that point; the usual causes are a missing space after `:`, unbalanced quotes or brackets, and indentation that does not line up.",
        Some("stem: \"an unclosed quote\n"),
    ),
    RuleInfo {
        fixable: true,
        ..validity(
            "syntax/tab-indentation",
            "A tab is used for indentation.",
            "YAML forbids tabs in indentation because their width is ambiguous. Indent with spaces; the fix replaces the tab with two spaces.",
            Some("questions:\n\t- id: q1\n"),
        )
    },
    validity(
        "syntax/duplicate-key",
        "A mapping has the same key twice.",
        "Most YAML loaders silently keep the last of two equal keys, so one value is lost without a word. examkit reports the second key; remove or rename one of the two.",
        Some("stem: First wording\nstem: Second wording\n"),
    ),
    validity(
        "syntax/alias",
        "An alias (`*name`) is used.",
        "Anchors and aliases make content hard to review and can expand exponentially (the \"billion laughs\" attack), so examkit does not expand them. Write the value out.",
        Some("a: &x text\nb: *x\n"),
    ),
    validity(
        "syntax/complex-key",
        "A mapping key is a mapping or a sequence.",
        "Content keys are plain names such as `stem` or `options`.",
        None,
    ),
    validity(
        "syntax/too-deep",
        "Nesting is deeper than examkit builds.",
        "Content is a few levels deep; examkit stops building a tree at 64 levels so that hostile input cannot exhaust the stack or memory.",
        None,
    ),
    validity(
        "syntax/multiple-documents",
        "A file holds more than one YAML document.",
        "Each content file holds exactly one document, so that every entity has one file to point at. Move the second document (after `---`) into a file of its own.",
        None,
    ),
    validity(
        "syntax/too-large",
        "The file is larger than examkit reads.",
        "examkit refuses files over 16 MiB so that work stays bounded; split the content into several files.",
        None,
    ),
    validity(
        "syntax/not-utf8",
        "The file is not UTF-8.",
        "Content files are UTF-8. Re-save the file as UTF-8; the diagnostic points at the first byte that is not.",
        None,
    ),
    validity(
        "file/missing-kind",
        "A YAML file has no `kind:`.",
        "examkit recognises a file by its `kind:` key (`exam`, `domain`, `service` or `questions`), not by its name or folder.",
        Some("id: amazon-bedrock\nname: Amazon Bedrock\n"),
    ),
    validity(
        "file/unknown-kind",
        "`kind:` names no kind of content file.",
        "The kinds are `exam`, `domain`, `service` and `questions`; each has a schema in `schema/`.",
        Some("kind: question\n"),
    ),
    validity(
        "file/unreadable",
        "A file could not be read.",
        "The operating system refused to read the file (permissions, a broken link, or it vanished while examkit ran).",
        None,
    ),
    validity(
        "schema/unknown-key",
        "A key the schema does not allow here.",
        "Every object in the format is closed, so a misspelt key is caught instead of silently ignored. The help lists the keys allowed at that place and suggests the closest one.",
        Some("- id: q1\n  optoins: []\n"),
    ),
    validity(
        "schema/required",
        "A required key is missing.",
        "The diagnostic sits on the key of the mapping that lacks it (or on the first line of the file) and the help quotes the missing key's description from the schema.",
        Some("- id: q1\n  type: single\n  # no stem\n"),
    ),
    validity(
        "schema/type",
        "A value has the wrong type.",
        "YAML types unquoted values: `1` is a number and `true` a boolean. Ids such as domain `\"1\"` and task `\"1.1\"` must be quoted.",
        Some("task: 1.1\n"),
    ),
    validity(
        "schema/enum",
        "A value is not one of the allowed values.",
        "Fields such as `type`, `difficulty` and `category` take one of a fixed set of values; the message lists them and the help suggests the closest.",
        Some("type: singel\n"),
    ),
    validity(
        "schema/pattern",
        "A string does not have the required form.",
        "Ids are lower-case words joined by hyphens; task ids are `<domain>.<number>`; single-line fields hold no line break.",
        Some("id: Amazon_Bedrock\n"),
    ),
    validity(
        "schema/bounds",
        "Too few or too many items or characters, or a number out of range.",
        "For example a single-answer question has 3 to 6 options, an ordering question 3 to 5 items, a matching question 3 to 7 pairs, and text fields are not empty.",
        None,
    ),
    validity(
        "schema/unique-items",
        "A list holds the same item twice.",
        "Lists of ids and names (`services`, `aliases`, `tasks` …) hold each item once.",
        Some("services: [amazon-s3, amazon-s3]\n"),
    ),
    validity(
        "schema/not-allowed",
        "A key that this type of question must not have.",
        "`select` belongs to multiple-response questions, `items` to ordering, `pairs` to matching and `options` to single and multiple questions.",
        Some("type: single\nselect: 2\n"),
    ),
    validity(
        "schema/contains",
        "A list lacks an item it must contain.",
        "A single-answer question has exactly one option with `correct: true`; a multiple-response question at least two.",
        None,
    ),
    validity(
        "schema/invalid",
        "Another schema violation.",
        "The content breaks a rule of its JSON Schema that has no more specific code; the message names it.",
        None,
    ),
    validity(
        "question/select-mismatch",
        "`select` differs from the number of correct options.",
        "Multiple-response questions are scored all-or-nothing: the candidate must choose every correct option, and the stem says how many. `select` states that number, so it must equal the number of options marked `correct: true`.",
        Some("select: 2\noptions:\n  - { text: A, correct: true }\n  - { text: B }\n"),
    ),
    validity(
        "config/invalid",
        "The configuration or a suppression comment is invalid.",
        "`examkit.toml` is TOML with a `[rules]` table of `\"code\" = \"off|info|warning|error\"` and `[[overrides]]` with `paths` globs and `rules`; suppression comments read `# examkit: allow(code, …)`. Codes must be examkit's configurable rule codes (`examkit rules` lists them); validity codes cannot be turned off.",
        Some("[rules]\n\"item/longest-kye\" = \"off\"\n"),
    ),
];

/// Every code examkit reports: validity codes, then the configurable rules.
pub fn all() -> impl Iterator<Item = &'static RuleInfo> {
    VALIDITY
        .iter()
        .chain(crate::rules::ALL.iter().map(|r| r.info()))
}

/// The information on `code`, if it is one of examkit's codes.
#[must_use]
pub fn lookup(code: &str) -> Option<&'static RuleInfo> {
    all().find(|r| r.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_are_unique_and_well_formed() {
        let mut seen = HashSet::new();
        for rule in all() {
            assert!(seen.insert(rule.code), "duplicate code {}", rule.code);
            let (family, name) = rule.code.split_once('/').expect("family/name");
            assert!(!family.is_empty() && !name.is_empty());
            assert!(
                name.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{}",
                rule.code
            );
            assert!(
                rule.rationale.len() > 40,
                "{} needs a real rationale",
                rule.code
            );
        }
    }

    #[test]
    fn every_code_the_lower_layers_emit_is_registered() {
        for code in [
            examkit_syntax::codes::INVALID_YAML,
            examkit_syntax::codes::TAB_INDENT,
            examkit_syntax::codes::DUPLICATE_KEY,
            examkit_syntax::codes::ALIAS,
            examkit_syntax::codes::COMPLEX_KEY,
            examkit_syntax::codes::TOO_DEEP,
            examkit_syntax::codes::MULTIPLE_DOCUMENTS,
            examkit_syntax::codes::TOO_LARGE,
            examkit_syntax::codes::NOT_UTF8,
            examkit_model::file_codes::MISSING_KIND,
            examkit_model::file_codes::UNKNOWN_KIND,
            examkit_model::file_codes::UNREADABLE,
            examkit_model::schema_codes::UNKNOWN_KEY,
            examkit_model::schema_codes::REQUIRED,
            examkit_model::schema_codes::TYPE,
            examkit_model::schema_codes::ENUM,
            examkit_model::schema_codes::PATTERN,
            examkit_model::schema_codes::BOUNDS,
            examkit_model::schema_codes::UNIQUE,
            examkit_model::schema_codes::NOT_ALLOWED,
            examkit_model::schema_codes::CONTAINS,
            examkit_model::schema_codes::INVALID,
            examkit_model::semantic_codes::SELECT_MISMATCH,
            crate::config::CONFIG_CODE,
        ] {
            assert!(lookup(code).is_some(), "{code} is not registered");
        }
    }
}
