//! The syntax layer of examkit: YAML text to a tree whose every node knows
//! its byte range, a line index for line/column conversion, JSON conversion
//! with a way back from a JSON pointer to the node, and the diagnostic model
//! shared by every layer.
//!
//! This crate knows nothing of exams, questions or schemas.

mod diagnostic;
mod fast;
mod json;
mod line_index;
mod parse;
mod text_range;
mod tree;

pub use diagnostic::{Diagnostic, Edit, Fix, Related, Severity};
pub use json::{Location, PathSegment, locate, to_json};
pub use line_index::{LineCol, LineIndex, PositionEncoding};
pub use parse::{
    MAX_DEPTH, MAX_FILE_SIZE, Parse, codes, parse, parse_bytes, parse_general, parse_subset,
};
pub use text_range::TextRange;
pub use tree::{Entry, Node, NodeKind, Scalar, ScalarStyle, ScalarValue};
