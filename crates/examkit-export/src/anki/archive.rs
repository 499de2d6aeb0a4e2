//! The `.apkg` zip archive, written reproducibly and atomically.
//!
//! The archive holds two entries, `collection.anki2` (deflated) and `media`
//! (`{}`, stored), so it is written here directly (about a hundred lines of
//! the ZIP format: local headers, data, central directory, end record)
//! instead of through a zip library: that lets the collection be deflated on
//! all cores (at level 6 up to 32 MiB, at level 1 above). The collection is cut into fixed 1 MiB chunks, each deflated
//! on its own and ended with a sync flush (the last one with the final
//! block), so the concatenation is one valid deflate stream, as `pigz`
//! writes it. Chunk boundaries do not depend on the number of threads, so the
//! bytes do not either.

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crc32fast::Hasher;
use flate2::{Compress, Compression, FlushCompress, Status};
use rayon::prelude::*;

use super::error::AnkiError;

/// Name of the collection entry in a legacy-1 package.
pub(crate) const COLLECTION_ENTRY: &str = "collection.anki2";
/// Name of the media map entry.
pub(crate) const MEDIA_ENTRY: &str = "media";
/// Deflate level of collections up to [`SMALL`]: the best ratio where the
/// time does not matter.
const SMALL_LEVEL: u32 = 6;
/// Deflate level of larger collections: SQLite pages of HTML text compress
/// about 4.5:1 at level 1 and 6.5:1 at level 6, which takes three times as
/// long; big exports favour speed.
const LARGE_LEVEL: u32 = 1;
/// Collections up to this size use [`SMALL_LEVEL`].
const SMALL: usize = 32 << 20;
/// Size of the independently deflated chunks.
const CHUNK: usize = 1 << 20;
/// 1980-01-01 00:00 in MS-DOS date format (the time is 0).
const DOS_DATE_1980: u16 = (1 << 5) | 1;
/// Regular file, rw-r--r--, in the upper half of the external attributes.
const UNIX_FILE_644: u32 = 0o100_644 << 16;

/// One entry, ready to write.
struct Entry<'a> {
    name: &'a str,
    /// 8 (deflate) or 0 (stored).
    method: u16,
    crc32: u32,
    size: u32,
    data: Vec<Vec<u8>>,
    compressed_size: u32,
}

/// Deflates `data` on all cores into one raw deflate stream (see the module
/// documentation); returns the compressed chunks and the CRC-32 of `data`.
fn deflate_parallel(data: &[u8]) -> io::Result<(Vec<Vec<u8>>, u32)> {
    let level = if data.len() <= SMALL {
        SMALL_LEVEL
    } else {
        LARGE_LEVEL
    };
    let chunks: Vec<&[u8]> = if data.is_empty() {
        vec![data]
    } else {
        data.chunks(CHUNK).collect()
    };
    let last = chunks.len() - 1;
    let parts: Vec<io::Result<(Vec<u8>, Hasher)>> = chunks
        .par_iter()
        .enumerate()
        .map(|(i, chunk)| {
            let mut hasher = Hasher::new();
            hasher.update(chunk);
            let flush = if i == last {
                FlushCompress::Finish
            } else {
                FlushCompress::Sync
            };
            Ok((deflate_chunk(chunk, level, flush)?, hasher))
        })
        .collect();
    let mut crc = Hasher::new();
    let mut out = Vec::with_capacity(parts.len());
    for part in parts {
        let (bytes, hasher) = part?;
        crc.combine(&hasher);
        out.push(bytes);
    }
    Ok((out, crc.finalize()))
}

/// Deflates one chunk (raw deflate, no zlib header) and ends it with `flush`.
fn deflate_chunk(chunk: &[u8], level: u32, flush: FlushCompress) -> io::Result<Vec<u8>> {
    let mut compress = Compress::new(Compression::new(level), false);
    let mut out = Vec::with_capacity(chunk.len() / 3 + 1024);
    loop {
        if out.capacity() - out.len() < 4096 {
            out.reserve(out.capacity().max(64 * 1024));
        }
        let consumed = usize::try_from(compress.total_in()).unwrap_or(chunk.len());
        let status = compress
            .compress_vec(&chunk[consumed.min(chunk.len())..], &mut out, flush)
            .map_err(io::Error::other)?;
        let all_in = usize::try_from(compress.total_in()).is_ok_and(|n| n == chunk.len());
        let done = match flush {
            FlushCompress::Finish => status == Status::StreamEnd,
            // A sync flush is complete once it left output space unused.
            _ => all_in && out.len() < out.capacity(),
        };
        if done {
            return Ok(out);
        }
    }
}

fn too_large(out: &Path) -> AnkiError {
    AnkiError::Io {
        action: "write",
        path: out.to_path_buf(),
        source: io::Error::other(
            "the collection is larger than 4 GiB, more than a legacy .apkg can hold",
        ),
    }
}

/// Writes the package zip to `dest`: `collection.anki2` (deflated) from
/// `collection`, then `media` = `{}` (stored). Fixed entry order, timestamps
/// (1980-01-01) and permissions make the bytes depend only on the inputs.
/// `out` names the package in error messages.
pub(crate) fn write_zip<W: Write>(collection: &[u8], dest: W, out: &Path) -> Result<W, AnkiError> {
    let io_err = |action: &'static str| {
        move |source| AnkiError::Io {
            action,
            path: out.to_path_buf(),
            source,
        }
    };
    let (chunks, crc32) =
        deflate_parallel(collection).map_err(io_err("compress the collection of"))?;
    let compressed: usize = chunks.iter().map(Vec::len).sum();
    let media = b"{}";
    let entries = [
        Entry {
            name: COLLECTION_ENTRY,
            method: 8,
            crc32,
            size: u32::try_from(collection.len()).map_err(|_| too_large(out))?,
            compressed_size: u32::try_from(compressed).map_err(|_| too_large(out))?,
            data: chunks,
        },
        Entry {
            name: MEDIA_ENTRY,
            method: 0,
            crc32: crc32fast::hash(media),
            size: 2,
            compressed_size: 2,
            data: vec![media.to_vec()],
        },
    ];
    write_entries(&entries, dest)
        .map_err(io_err("write"))?
        .ok_or_else(|| too_large(out))
}

/// Writes local headers and data, the central directory and the end record.
/// `Ok(None)` when the archive would pass 4 GiB.
fn write_entries<W: Write>(entries: &[Entry<'_>], mut dest: W) -> io::Result<Option<W>> {
    fn common(buf: &mut Vec<u8>, entry: &Entry<'_>) {
        buf.extend_from_slice(&20u16.to_le_bytes()); // version needed: 2.0
        buf.extend_from_slice(&0u16.to_le_bytes()); // flags
        buf.extend_from_slice(&entry.method.to_le_bytes());
        buf.extend_from_slice(&0u16.to_le_bytes()); // time 00:00:00
        buf.extend_from_slice(&DOS_DATE_1980.to_le_bytes());
        buf.extend_from_slice(&entry.crc32.to_le_bytes());
        buf.extend_from_slice(&entry.compressed_size.to_le_bytes());
        buf.extend_from_slice(&entry.size.to_le_bytes());
        // Names are short constants.
        buf.extend_from_slice(&(entry.name.len() as u16).to_le_bytes());
        buf.extend_from_slice(&0u16.to_le_bytes()); // extra field length
    }
    let mut offsets = Vec::with_capacity(entries.len());
    let mut offset: u64 = 0;
    for entry in entries {
        let Ok(at) = u32::try_from(offset) else {
            return Ok(None);
        };
        offsets.push(at);
        let mut header = Vec::with_capacity(30 + entry.name.len());
        header.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        common(&mut header, entry);
        header.extend_from_slice(entry.name.as_bytes());
        dest.write_all(&header)?;
        for part in &entry.data {
            dest.write_all(part)?;
        }
        offset += header.len() as u64 + u64::from(entry.compressed_size);
    }
    let Ok(directory_start) = u32::try_from(offset) else {
        return Ok(None);
    };
    let mut directory = Vec::new();
    for (entry, at) in entries.iter().zip(offsets) {
        directory.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        directory.extend_from_slice(&((3u16 << 8) | 20).to_le_bytes()); // made by: Unix, 2.0
        common(&mut directory, entry);
        directory.extend_from_slice(&0u16.to_le_bytes()); // comment length
        directory.extend_from_slice(&0u16.to_le_bytes()); // disk number
        directory.extend_from_slice(&0u16.to_le_bytes()); // internal attributes
        directory.extend_from_slice(&UNIX_FILE_644.to_le_bytes());
        directory.extend_from_slice(&at.to_le_bytes());
        directory.extend_from_slice(entry.name.as_bytes());
    }
    let count = entries.len() as u16;
    let mut end = Vec::with_capacity(22);
    end.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    end.extend_from_slice(&0u16.to_le_bytes()); // this disk
    end.extend_from_slice(&0u16.to_le_bytes()); // disk of the directory
    end.extend_from_slice(&count.to_le_bytes());
    end.extend_from_slice(&count.to_le_bytes());
    end.extend_from_slice(&(directory.len() as u32).to_le_bytes());
    end.extend_from_slice(&directory_start.to_le_bytes());
    end.extend_from_slice(&0u16.to_le_bytes()); // comment length
    dest.write_all(&directory)?;
    dest.write_all(&end)?;
    Ok(Some(dest))
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

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    fn inflate(parts: &[Vec<u8>]) -> Vec<u8> {
        let joined: Vec<u8> = parts.concat();
        let mut out = Vec::new();
        flate2::read::DeflateDecoder::new(joined.as_slice())
            .read_to_end(&mut out)
            .expect("one valid deflate stream");
        out
    }

    #[test]
    fn parallel_chunks_form_one_stream() {
        // Several chunks, text-like and incompressible parts.
        let mut data = Vec::new();
        let mut x: u32 = 1;
        for i in 0..(CHUNK * 3 + 12_345) {
            x = x.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            data.push(if i % 3 == 0 {
                (x >> 24) as u8
            } else {
                b"<li>Amazon S3</li>"[i % 18]
            });
        }
        let (parts, crc) = deflate_parallel(&data).expect("compresses");
        assert_eq!(parts.len(), 4);
        assert_eq!(crc, crc32fast::hash(&data));
        assert_eq!(inflate(&parts), data);
        // Independent of the thread count.
        let single = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .expect("pool")
            .install(|| deflate_parallel(&data).expect("compresses"));
        assert_eq!(single.0, parts);
        for empty in [&b""[..], b"x"] {
            let (parts, crc) = deflate_parallel(empty).expect("compresses");
            assert_eq!(inflate(&parts), empty);
            assert_eq!(crc, crc32fast::hash(empty));
        }
    }
}
