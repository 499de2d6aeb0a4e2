//! The `.apkg` zip archive, written reproducibly and atomically.
//!
//! The archive holds two entries, `collection.anki2` (deflated) and `media`
//! (`{}`, stored), so it is written here directly (about a hundred lines of
//! the ZIP format: local headers, data, central directory, end record)
//! instead of through a zip library: that lets the collection be deflated on
//! all cores while it is being written (at level 6 up to 32 MiB, at level 1
//! above). The collection is cut into fixed 1 MiB chunks, each deflated on
//! its own as soon as it is complete and ended with a sync flush (the last
//! one with the final block), so the concatenation is one valid deflate
//! stream, as `pigz` writes it. Chunk boundaries do not depend on the number
//! of threads, so the bytes do not either.

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, Sender, TryRecvError, channel};

use crc32fast::Hasher;
use flate2::{Compress, Compression, FlushCompress, Status};
use rayon::Yield;
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
/// Size of the independently deflated chunks (a whole number of pages of
/// any SQLite page size).
pub(crate) const CHUNK: usize = 1 << 20;
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

/// A deflated collection: the compressed chunks, in order, forming one raw
/// deflate stream, with the CRC-32 and size of the uncompressed bytes.
#[derive(Debug)]
pub(crate) struct Deflated {
    pub(crate) chunks: Vec<Vec<u8>>,
    pub(crate) crc32: u32,
    pub(crate) size: u64,
}

type DeflatedChunk = io::Result<(Vec<u8>, Hasher)>;

/// Deflates the chunks of a collection as they are completed, on the
/// thread pool, while the rest is still being written.
pub(crate) struct ChunkDeflater {
    level: u32,
    sender: Sender<(usize, DeflatedChunk)>,
    receiver: Receiver<(usize, DeflatedChunk)>,
    in_background: usize,
}

impl ChunkDeflater {
    /// A deflater for a collection of about `expected_size` bytes (which
    /// picks the level).
    pub(crate) fn new(expected_size: usize) -> Self {
        let (sender, receiver) = channel();
        Self {
            level: if expected_size <= SMALL {
                SMALL_LEVEL
            } else {
                LARGE_LEVEL
            },
            sender,
            receiver,
            in_background: 0,
        }
    }

    /// Starts deflating chunk `index`, which is not the last one.
    pub(crate) fn chunk(&mut self, index: usize, data: Vec<u8>) {
        let (level, sender) = (self.level, self.sender.clone());
        rayon::spawn(move || {
            // The receiver lives until every chunk is in.
            let _ = sender.send((index, deflate_with_crc(&data, level, FlushCompress::Sync)));
        });
        self.in_background += 1;
    }

    /// Deflates the `remaining` chunks (by index; the one with the highest
    /// index of all is the last) and collects every chunk in order.
    pub(crate) fn finish(self, remaining: Vec<(usize, Vec<u8>)>) -> io::Result<Deflated> {
        let count = self.in_background + remaining.len();
        let size = remaining
            .iter()
            .map(|(_, data)| data.len() as u64)
            .sum::<u64>()
            + self.in_background as u64 * CHUNK as u64;
        let level = self.level;
        let mut parts: Vec<Option<DeflatedChunk>> = (0..count).map(|_| None).collect();
        let finished: Vec<(usize, DeflatedChunk)> = remaining
            .into_par_iter()
            .map(|(index, data)| {
                let flush = if index + 1 == count {
                    FlushCompress::Finish
                } else {
                    FlushCompress::Sync
                };
                (index, deflate_with_crc(&data, level, flush))
            })
            .collect();
        let mut store = |(index, part): (usize, DeflatedChunk)| -> io::Result<()> {
            let slot = parts
                .get_mut(index)
                .ok_or_else(|| io::Error::other("a chunk out of range"))?;
            *slot = Some(part);
            Ok(())
        };
        for part in finished {
            store(part)?;
        }
        let mut received = 0;
        while received < self.in_background {
            // On a thread of the pool, run its jobs (perhaps these very
            // chunks) while waiting, rather than block the thread they
            // may need.
            let part = match self.receiver.try_recv() {
                Ok(part) => part,
                Err(TryRecvError::Disconnected) => {
                    return Err(io::Error::other("a chunk was lost"));
                }
                Err(TryRecvError::Empty) => match rayon::yield_now() {
                    Some(Yield::Executed) => continue,
                    Some(Yield::Idle) => {
                        std::thread::yield_now();
                        continue;
                    }
                    None => self
                        .receiver
                        .recv()
                        .map_err(|_| io::Error::other("a chunk was lost"))?,
                },
            };
            store(part)?;
            received += 1;
        }
        let mut crc = Hasher::new();
        let mut chunks = Vec::with_capacity(count);
        for part in parts {
            let (bytes, hasher) = part.ok_or_else(|| io::Error::other("a chunk is missing"))??;
            crc.combine(&hasher);
            chunks.push(bytes);
        }
        Ok(Deflated {
            chunks,
            crc32: crc.finalize(),
            size,
        })
    }
}

/// Deflates one chunk and hashes it.
fn deflate_with_crc(chunk: &[u8], level: u32, flush: FlushCompress) -> DeflatedChunk {
    let mut hasher = Hasher::new();
    hasher.update(chunk);
    Ok((deflate_chunk(chunk, level, flush)?, hasher))
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
pub(crate) fn write_zip<W: Write>(
    collection: Deflated,
    dest: W,
    out: &Path,
) -> Result<W, AnkiError> {
    let io_err = |action: &'static str| {
        move |source| AnkiError::Io {
            action,
            path: out.to_path_buf(),
            source,
        }
    };
    let Deflated {
        chunks,
        crc32,
        size,
    } = collection;
    let compressed: usize = chunks.iter().map(Vec::len).sum();
    let media = b"{}";
    let entries = [
        Entry {
            name: COLLECTION_ENTRY,
            method: 8,
            crc32,
            size: u32::try_from(size).map_err(|_| too_large(out))?,
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

    /// Deflates `data` the way the collection writer does: full chunks in
    /// the background, the first and the last at the end.
    fn deflate(data: &[u8]) -> Deflated {
        let mut deflater = ChunkDeflater::new(data.len());
        let chunks: Vec<&[u8]> = data.chunks(CHUNK).collect();
        let last = chunks.len().saturating_sub(1);
        let mut remaining = vec![(0, chunks.first().map_or(Vec::new(), |c| c.to_vec()))];
        for (index, chunk) in chunks.iter().enumerate().skip(1) {
            if index == last {
                remaining.push((index, chunk.to_vec()));
            } else {
                deflater.chunk(index, chunk.to_vec());
            }
        }
        deflater.finish(remaining).expect("compresses")
    }

    #[test]
    fn chunks_deflated_apart_form_one_stream() {
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
        let deflated = deflate(&data);
        assert_eq!(deflated.chunks.len(), 4);
        assert_eq!(deflated.crc32, crc32fast::hash(&data));
        assert_eq!(deflated.size, data.len() as u64);
        assert_eq!(inflate(&deflated.chunks), data);
        // Independent of the thread count.
        let single = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .expect("pool")
            .install(|| deflate(&data));
        assert_eq!(single.chunks, deflated.chunks);
        for small in [&b""[..], b"x", &data[..CHUNK]] {
            let deflated = deflate(small);
            assert_eq!(inflate(&deflated.chunks), small);
            assert_eq!(deflated.crc32, crc32fast::hash(small));
        }
    }
}
