//! The `.apkg` zip archive, written reproducibly and atomically.

use std::fs::File;
use std::io::{self, Seek, Write};
use std::path::{Path, PathBuf};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use super::error::AnkiError;

/// Name of the collection entry in a legacy-1 package.
pub(crate) const COLLECTION_ENTRY: &str = "collection.anki2";
/// Name of the media map entry.
pub(crate) const MEDIA_ENTRY: &str = "media";

/// Writes the package zip to `dest`: `collection.anki2` (deflated) read from
/// `collection`, then `media` = `{}`. Fixed entry order, timestamps
/// (1980-01-01) and permissions make the bytes depend only on the inputs.
pub(crate) fn write_zip<W: Write + Seek>(collection: &Path, dest: W) -> Result<W, AnkiError> {
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(DateTime::DEFAULT)
        .unix_permissions(0o644);
    let mut zip = ZipWriter::new(dest);

    zip.start_file(COLLECTION_ENTRY, options)?;
    let mut source = File::open(collection).map_err(|source| AnkiError::Io {
        action: "read the collection",
        path: collection.to_path_buf(),
        source,
    })?;
    io::copy(&mut source, &mut zip).map_err(|source| AnkiError::Io {
        action: "compress the collection",
        path: collection.to_path_buf(),
        source,
    })?;

    zip.start_file(MEDIA_ENTRY, options)?;
    zip.write_all(b"{}").map_err(|source| AnkiError::Io {
        action: "write the media map of",
        path: collection.to_path_buf(),
        source,
    })?;

    Ok(zip.finish()?)
}

/// Creates `out` atomically: `write` fills a temporary file in the same
/// folder, which is flushed to disk and then renamed to `out`. On any error
/// the temporary file is removed and `out` is left as it was. Returns the
/// size of the file written.
pub(crate) fn write_atomically(
    out: &Path,
    write: impl FnOnce(&mut File) -> Result<(), AnkiError>,
) -> Result<u64, AnkiError> {
    let dir = match out.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let io_err = |action: &'static str, path: &Path| {
        let path = path.to_path_buf();
        move |source| AnkiError::Io {
            action,
            path,
            source,
        }
    };
    let file_name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut temp = tempfile::Builder::new()
        .prefix(&format!(".{file_name}."))
        .suffix(".tmp")
        .tempfile_in(&dir)
        .map_err(io_err("create a temporary file in", &dir))?;

    write(temp.as_file_mut())?;
    let file = temp.as_file_mut();
    file.flush().map_err(io_err("write", out))?;
    set_readable(file).map_err(io_err("set the permissions of", out))?;
    file.sync_all().map_err(io_err("flush to disk", out))?;
    let size = file.metadata().map_err(io_err("inspect", out))?.len();

    temp.persist(out).map_err(|e| AnkiError::Io {
        action: "rename the temporary file to",
        path: out.to_path_buf(),
        source: e.error,
    })?;
    // Make the rename itself durable. The file is complete and in place
    // already, so a folder that cannot be synced is not an error.
    if let Ok(d) = File::open(&dir) {
        let _ = d.sync_all();
    }
    Ok(size)
}

/// Temporary files are created private (0600); a package is a normal,
/// world-readable build output.
#[cfg(unix)]
fn set_readable(file: &File) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    file.set_permissions(std::fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn set_readable(_file: &File) -> io::Result<()> {
    Ok(())
}
