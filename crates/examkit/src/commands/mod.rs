//! One module per subcommand.

pub mod check;
pub mod docs;
pub mod explain;
pub mod export;
pub mod lsp;
pub mod stats;
