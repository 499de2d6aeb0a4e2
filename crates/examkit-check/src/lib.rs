//! The checks of examkit: the registry of every diagnostic code, the
//! configurable rules (cross-reference, item-writing, bank-wide), their
//! configuration, and the one analysis the CLI and the language server share.
//!
//! This crate knows nothing of terminals, output formats or the language
//! server protocol.

mod analysis;
pub mod config;
pub mod discover;
mod hashing;
pub mod memo;
pub mod registry;
pub mod rules;
pub mod stats;
mod suppress;
mod text;

pub use analysis::{Analysis, analyse, analyse_for_errors, analyse_memoised};
pub use config::Config;
pub use memo::Memo;
pub use registry::{RuleInfo, lookup};
