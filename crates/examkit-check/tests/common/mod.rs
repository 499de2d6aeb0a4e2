//! Helpers shared by the integration tests: the bundled content as text,
//! edits to it, and workspaces built from it.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use examkit_model::{SourceFile, Workspace};

/// Every content file of the bundled content root, as (path, text), in
/// path order.
pub fn bundled_content() -> Vec<(PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content/aif-c01");
    let mut files = Vec::new();
    content_files(&root, &mut files);
    files
}

fn content_files(dir: &Path, out: &mut Vec<(PathBuf, String)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("content folder")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            content_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "yaml") {
            let text = std::fs::read_to_string(&path).expect("readable content");
            out.push((path, text));
        }
    }
}

/// A workspace of `files`.
pub fn workspace(files: &[(PathBuf, String)]) -> Workspace {
    Workspace::new(
        files
            .iter()
            .map(|(path, text)| SourceFile::from_text(Arc::from(path.as_path()), text.clone()))
            .collect(),
    )
}

/// Replaces the first `from` in the file whose path ends with `file`.
pub fn edit(files: &mut [(PathBuf, String)], file: &str, from: &str, to: &str) {
    let (_, text) = files
        .iter_mut()
        .find(|(p, _)| p.ends_with(file))
        .expect("file to edit");
    assert!(text.contains(from), "{file} has no `{from}`");
    *text = text.replacen(from, to, 1);
}
