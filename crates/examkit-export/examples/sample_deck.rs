//! Writes a small sample deck with both note types, for checking the writer
//! against the real Anki library (`anki_import_check.py`).
//!
//! ```text
//! cargo run -p examkit-export --example sample_deck -- /tmp/sample.apkg
//! cargo run -p examkit-export --example sample_deck -- /tmp/sample-edited.apkg --edited
//! ```
//!
//! `--edited` changes one question's explanation and gives that note (and
//! the build) a later time, as a rebuild after an edit would.

use std::error::Error;
use std::path::PathBuf;

use examkit_export::anki::{
    Deck, Note, Package, QuestionFields, ServiceFields, guid_for, write_apkg,
};

const NAMESPACE: &str = "examkit-sample";
/// Build time of the first version (2026-11-27T00:00:00Z).
const BASE_SECS: i64 = 1_795_737_600;
/// The edit happens a day later.
const EDIT_SECS: i64 = BASE_SECS + 86_400;

fn options(items: &[&str]) -> String {
    let items: String = items.iter().map(|i| format!("<li>{i}</li>")).collect();
    format!("<ol type=\"A\">{items}</ol>")
}

fn package(edited: bool) -> Package {
    let exam = Deck::new("EXAM", "Sample exam (examkit)");
    let domain = Deck::new("EXAM::Domain 1", "Practice questions");
    let services = Deck::new("EXAM::Services", "Service flashcards");

    let mut explanation = "S3 stores objects in buckets; EBS is block storage.".to_owned();
    if edited {
        explanation.push_str(" (Edited: S3 Standard is designed for 11 nines of durability.)");
    }
    let notes = vec![
        Note::question(
            guid_for(&[NAMESPACE, "q-0001"]),
            domain.id,
            QuestionFields {
                stem: "Which service provides object storage?".into(),
                options: options(&["Amazon EBS", "Amazon S3", "Amazon EFS", "AWS Lambda"]),
                answer: "B. Amazon S3".into(),
                explanation,
                rationale: "EBS and EFS are block and file storage; Lambda runs code.".into(),
                task: "1.1 Design secure storage".into(),
                services: "Amazon S3, Amazon EBS".into(),
                id: "q-0001".into(),
            },
            vec!["domain-1".into(), "aws::storage".into()],
            if edited { EDIT_SECS } else { BASE_SECS },
        ),
        Note::question(
            guid_for(&[NAMESPACE, "q-0002"]),
            domain.id,
            QuestionFields {
                stem: "Which <b>two</b> are DynamoDB capacity modes? <i>(Choose two.)</i>".into(),
                options: options(&["On-demand", "Provisioned", "Reserved &amp; burst", "Spot"]),
                answer: "A. On-demand, B. Provisioned".into(),
                explanation: "DynamoDB offers on-demand and provisioned capacity.".into(),
                id: "q-0002".into(),
                ..QuestionFields::default()
            },
            vec!["domain-1".into(), "aws::database".into()],
            BASE_SECS,
        ),
        Note::service(
            guid_for(&[NAMESPACE, "svc-s3"]),
            services.id,
            ServiceFields {
                name: "Amazon S3".into(),
                category: "Storage".into(),
                definition: "Object storage with high durability.".into(),
                use_cases: "<ul><li>Backups and archives</li><li>Static websites</li></ul>".into(),
                features: "<ul><li>Versioning</li><li>Lifecycle rules</li></ul>".into(),
                id: "svc-s3".into(),
            },
            vec!["flashcard".into(), "aws::storage".into()],
            BASE_SECS,
        ),
        Note::service(
            guid_for(&[NAMESPACE, "svc-ebs"]),
            services.id,
            ServiceFields {
                name: "Amazon EBS".into(),
                category: "Storage".into(),
                definition: "Block storage volumes for EC2 instances.".into(),
                id: "svc-ebs".into(),
                ..ServiceFields::default()
            },
            vec!["flashcard".into()],
            BASE_SECS,
        ),
    ];
    let build_secs = if edited { EDIT_SECS } else { BASE_SECS };
    Package {
        decks: vec![exam, domain, services],
        notes,
        created_ms: build_secs * 1000,
    }
}

fn main() -> Result<(), Box<dyn Error>> {
    let mut out = None;
    let mut edited = false;
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--edited" => edited = true,
            _ if out.is_none() => out = Some(PathBuf::from(arg)),
            _ => return Err(format!("unexpected argument {arg:?}").into()),
        }
    }
    let out = out.ok_or("usage: sample_deck OUT.apkg [--edited]")?;
    let summary = write_apkg(&package(edited), &out)?;
    println!(
        "wrote {} ({} notes, {} cards, {} decks, {} bytes)",
        out.display(),
        summary.notes,
        summary.cards,
        summary.decks,
        summary.bytes
    );
    Ok(())
}
