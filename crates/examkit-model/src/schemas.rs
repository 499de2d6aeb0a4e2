//! The JSON Schemas of the content format, embedded in the binary.
//!
//! The files in `schema/` are the source of truth: validation, completion of
//! keys and enum values, and hover text all read them.

use std::sync::OnceLock;

use jsonschema::Validator;
use serde_json::Value;

use crate::instance::TreeJson;

/// The kinds of content file, named by a file's `kind:` key.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// `kind: exam`: the exam and its domains.
    Exam,
    /// `kind: domain`: one domain and its task statements.
    Domain,
    /// `kind: service`: one cloud service.
    Service,
    /// `kind: questions`: practice questions for one task.
    Questions,
}

impl Kind {
    /// Every kind, in a stable order.
    pub const ALL: [Kind; 4] = [Kind::Exam, Kind::Domain, Kind::Service, Kind::Questions];

    /// The value of `kind:` that names this kind.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Kind::Exam => "exam",
            Kind::Domain => "domain",
            Kind::Service => "service",
            Kind::Questions => "questions",
        }
    }

    /// The kind a `kind:` value names.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// The schema's file name in `schema/`.
    #[must_use]
    pub fn schema_file(self) -> &'static str {
        match self {
            Kind::Exam => "exam.schema.json",
            Kind::Domain => "domain.schema.json",
            Kind::Service => "service.schema.json",
            Kind::Questions => "questions.schema.json",
        }
    }

    /// The schema's text as shipped in `schema/`.
    #[must_use]
    pub fn schema_text(self) -> &'static str {
        match self {
            Kind::Exam => include_str!("../../../schema/exam.schema.json"),
            Kind::Domain => include_str!("../../../schema/domain.schema.json"),
            Kind::Service => include_str!("../../../schema/service.schema.json"),
            Kind::Questions => include_str!("../../../schema/questions.schema.json"),
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

struct Compiled {
    document: Value,
    validator: Validator<TreeJson>,
}

fn compiled(kind: Kind) -> &'static Compiled {
    static CACHE: [OnceLock<Compiled>; 4] = [const { OnceLock::new() }; 4];
    CACHE[kind.index()].get_or_init(|| {
        // The schemas are part of the binary and tested; failing here is a
        // build defect, not an input problem.
        #[allow(clippy::expect_used)]
        let document: Value =
            serde_json::from_str(kind.schema_text()).expect("embedded schema is valid JSON");
        #[allow(clippy::expect_used)]
        let validator = jsonschema::options_for::<TreeJson>()
            .with_draft(jsonschema::Draft::Draft202012)
            .build(&document)
            .expect("embedded schema compiles");
        Compiled {
            document,
            validator,
        }
    })
}

/// The parsed schema document of `kind`.
#[must_use]
pub fn schema(kind: Kind) -> &'static Value {
    &compiled(kind).document
}

/// The compiled validator of `kind`; it reads the syntax tree in place
/// ([`Instance::Tree`](crate::Instance::Tree)).
#[must_use]
pub fn validator(kind: Kind) -> &'static Validator<TreeJson> {
    &compiled(kind).validator
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_schema_compiles_and_names_its_kind() {
        for kind in Kind::ALL {
            let doc = schema(kind);
            assert_eq!(doc["properties"]["kind"]["const"], kind.name());
            assert_eq!(Kind::from_name(kind.name()), Some(kind));
            let _ = validator(kind);
        }
    }
}
