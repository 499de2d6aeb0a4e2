//! The content model of examkit: the embedded JSON Schemas, validation with
//! errors placed on their nodes, typed entities read from the spanned tree,
//! the references the schemas declare, and the workspace index of ids.
//!
//! This crate does no I/O of its own and knows nothing of the language server
//! protocol, terminals or output formats.

pub mod entities;
mod file;
mod instance;
pub mod references;
mod schemas;
mod semantics;
mod suggest;
mod validate;
mod workspace;

pub use file::{SourceFile, codes as file_codes};
pub use instance::{Instance, TreeJson};
pub use schemas::{Kind, schema, validator};
pub use semantics::codes as semantic_codes;
pub use suggest::{did_you_mean, edit_distance};
pub use validate::{codes as schema_codes, instance_path, validate};
pub use workspace::{Definition, Index, Workspace};
