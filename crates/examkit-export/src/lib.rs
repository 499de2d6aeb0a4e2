//! Writers that turn checked examkit content into files learners use: Anki
//! packages (`.apkg`) and the JSON bundle.
//!
//! This crate owns output formats only. It knows nothing of YAML, schemas or
//! diagnostics: callers hand it plain data built from the checked model.

pub mod anki;
