//! Finding the content files of a folder, as `examkit check` and the
//! language server both do.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::config::CONFIG_FILE;

/// Whether `path` names a content file: YAML, by its extension.
#[must_use]
pub fn is_content_file(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml")
    )
}

/// Whether a folder is searched: not hidden, not build output or packages.
fn is_searched(name: &str) -> bool {
    !name.starts_with('.') && name != "node_modules" && name != "target"
}

/// Which folders under the one searched [`content_files`] enters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NestedRoots {
    /// Every folder, content roots (with an `examkit.toml`) included.
    Enter,
    /// Every folder except other content roots, whose files are theirs.
    Skip,
}

/// Every content file under `dir`, in path order, skipping hidden folders,
/// `node_modules` and `target`. Folders that cannot be read are skipped and
/// returned as errors beside the files found.
#[must_use]
pub fn content_files(dir: &Path, nested: NestedRoots) -> (Vec<PathBuf>, Vec<(PathBuf, io::Error)>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    walk(dir, true, nested, &mut files, &mut errors);
    (files, errors)
}

fn walk(
    dir: &Path,
    top: bool,
    nested: NestedRoots,
    files: &mut Vec<PathBuf>,
    errors: &mut Vec<(PathBuf, io::Error)>,
) {
    if !top && nested == NestedRoots::Skip && dir.join(CONFIG_FILE).is_file() {
        return;
    }
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) => {
            errors.push((dir.to_path_buf(), error));
            return;
        }
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
    entries.sort_by_key(fs::DirEntry::file_name);
    for entry in entries {
        let path = entry.path();
        let Ok(file_type) = entry.file_type() else {
            continue;
        };
        if file_type.is_dir() {
            if is_searched(&entry.file_name().to_string_lossy()) {
                walk(&path, false, nested, files, errors);
            }
        } else if is_content_file(&path) {
            files.push(path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn touch(path: &Path) {
        fs::create_dir_all(path.parent().expect("parent")).expect("folder");
        fs::write(path, "").expect("file");
    }

    #[test]
    fn finds_yaml_in_path_order_and_skips_hidden_build_and_nested_roots() {
        let temp = tempfile::tempdir().expect("temp dir");
        let root = temp.path();
        for file in [
            "examkit.toml",
            "b.yaml",
            "a.yml",
            "notes.md",
            "questions/1.yaml",
            ".git/x.yaml",
            "node_modules/p/x.yaml",
            "target/x.yaml",
            "other/examkit.toml",
            "other/q.yaml",
        ] {
            touch(&root.join(file));
        }
        let names = |nested| {
            let (files, errors) = content_files(root, nested);
            assert!(errors.is_empty(), "{errors:?}");
            files
                .iter()
                .map(|f| {
                    f.strip_prefix(root)
                        .expect("under root")
                        .to_string_lossy()
                        .replace('\\', "/")
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(
            names(NestedRoots::Enter),
            ["a.yml", "b.yaml", "other/q.yaml", "questions/1.yaml"]
        );
        assert_eq!(
            names(NestedRoots::Skip),
            ["a.yml", "b.yaml", "questions/1.yaml"]
        );
    }

    #[test]
    fn a_missing_folder_is_an_error_not_a_panic() {
        let temp = tempfile::tempdir().expect("temp dir");
        let (files, errors) = content_files(&temp.path().join("missing"), NestedRoots::Enter);
        assert!(files.is_empty());
        assert_eq!(errors.len(), 1);
    }
}
