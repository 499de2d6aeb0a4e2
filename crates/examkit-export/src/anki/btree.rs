//! Writes an SQLite database file directly, for a database written once:
//! table b-trees filled with rows in increasing rowid order, index b-trees
//! built from sorted keys, each bottom-up, and the schema table on page 1.
//!
//! The layout follows the file format (<https://sqlite.org/fileformat2.html>):
//! records of serial types, varints, leaf and interior pages, overflow
//! chains for payloads too large for a page, no free pages. The pages are
//! deflated for the package as they are written. Tests open the
//! result with SQLite, run `PRAGMA integrity_check`, and compare every row
//! with a database SQLite wrote from the same rows.

use super::archive::{CHUNK, ChunkDeflater, Deflated};

/// A value of a record.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Value<'a> {
    /// SQL `NULL` (also the stored value of an `INTEGER PRIMARY KEY`).
    Null,
    /// An integer.
    Int(i64),
    /// A floating-point number.
    Real(f64),
    /// UTF-8 text.
    Text(&'a str),
    /// UTF-8 text made of `parts` joined with the ASCII byte `separator`,
    /// written without joining them first (a note's fields, joined with
    /// U+001F).
    Joined { parts: &'a [String], separator: u8 },
}

/// The length in bytes of `parts` joined with a one-byte separator.
fn joined_len(parts: &[String]) -> usize {
    parts.iter().map(String::len).sum::<usize>() + parts.len().saturating_sub(1)
}

/// Appends `value` as an SQLite varint (big-endian, seven bits a byte, the
/// ninth byte whole).
pub(crate) fn put_varint(out: &mut Vec<u8>, value: u64) {
    let (bytes, len) = varint(value);
    out.extend_from_slice(&bytes[..len]);
}

/// `value` as an SQLite varint: its bytes and how many of them it takes.
fn varint(value: u64) -> ([u8; 9], usize) {
    let mut bytes = [0u8; 9];
    if value > 0x00ff_ffff_ffff_ffff {
        bytes[8] = value as u8;
        let mut rest = value >> 8;
        for byte in bytes[..8].iter_mut().rev() {
            *byte = (rest as u8 & 0x7f) | 0x80;
            rest >>= 7;
        }
        return (bytes, 9);
    }
    let len = varint_len(value);
    let mut rest = value;
    for byte in bytes[..len].iter_mut().rev() {
        *byte = (rest as u8 & 0x7f) | 0x80;
        rest >>= 7;
    }
    bytes[len - 1] &= 0x7f;
    (bytes, len)
}

/// How many bytes `value` takes as a varint.
fn varint_len(value: u64) -> usize {
    match value {
        0..=0x7f => 1,
        0x80..=0x3fff => 2,
        0x4000..=0x1f_ffff => 3,
        0x20_0000..=0x0fff_ffff => 4,
        0x1000_0000..=0x07_ffff_ffff => 5,
        0x08_0000_0000..=0x03ff_ffff_ffff => 6,
        0x0400_0000_0000..=0x01_ffff_ffff_ffff => 7,
        0x02_0000_0000_0000..=0x00ff_ffff_ffff_ffff => 8,
        _ => 9,
    }
}

/// The serial type of an integer and the number of bytes it takes.
fn int_type(value: i64) -> (u64, usize) {
    match value {
        0 => (8, 0),
        1 => (9, 0),
        -0x80..=0x7f => (1, 1),
        -0x8000..=0x7fff => (2, 2),
        -0x80_0000..=0x7f_ffff => (3, 3),
        -0x8000_0000..=0x7fff_ffff => (4, 4),
        -0x8000_0000_0000..=0x7fff_ffff_ffff => (5, 6),
        _ => (6, 8),
    }
}

/// Appends the record of `values` (header of serial types, then the body).
pub(crate) fn put_record(out: &mut Vec<u8>, values: &[Value<'_>]) {
    let serial = |v: &Value<'_>| -> u64 {
        match v {
            Value::Null => 0,
            Value::Int(i) => int_type(*i).0,
            Value::Real(_) => 7,
            Value::Text(t) => 13 + 2 * t.len() as u64,
            Value::Joined { parts, .. } => 13 + 2 * joined_len(parts) as u64,
        }
    };
    let types_len: usize = values.iter().map(|v| varint_len(serial(v))).sum();
    // The header's size counts its own varint.
    let mut header_len = types_len + 1;
    if varint_len(header_len as u64) > 1 {
        header_len = types_len + varint_len((types_len + 2) as u64);
    }
    put_varint(out, header_len as u64);
    for value in values {
        put_varint(out, serial(value));
    }
    for value in values {
        match value {
            Value::Null => {}
            Value::Int(i) => {
                let (_, len) = int_type(*i);
                out.extend_from_slice(&i.to_be_bytes()[8 - len..]);
            }
            Value::Real(r) => out.extend_from_slice(&r.to_bits().to_be_bytes()),
            Value::Text(t) => out.extend_from_slice(t.as_bytes()),
            Value::Joined { parts, separator } => {
                out.reserve(joined_len(parts));
                for (i, part) in parts.iter().enumerate() {
                    if i > 0 {
                        out.push(*separator);
                    }
                    out.extend_from_slice(part.as_bytes());
                }
            }
        }
    }
}

/// Page kinds (the first byte of a b-tree page).
const INTERIOR_INDEX: u8 = 0x02;
const INTERIOR_TABLE: u8 = 0x05;
const LEAF_INDEX: u8 = 0x0a;
const LEAF_TABLE: u8 = 0x0d;

/// The size of the database header at the start of page 1.
const HEADER: usize = 100;

/// The pages of a database being written, deflated a chunk at a time as
/// they are completed. Page 1 (the header and the schema table) is written
/// last, so the first chunk is kept until then.
pub(crate) struct Pages {
    size: usize,
    /// Pages written so far.
    count: u32,
    /// The first chunk, once complete.
    first: Option<Vec<u8>>,
    /// The chunk being filled, and its index.
    current: Vec<u8>,
    current_index: usize,
    deflater: ChunkDeflater,
}

impl Pages {
    /// An empty database of `size`-byte pages (a power of two from 512 to
    /// 65536) of about `expected_size` bytes in all.
    pub(crate) fn new(size: usize, expected_size: usize) -> Self {
        debug_assert!(size.is_power_of_two() && (512..=65536).contains(&size));
        let mut pages = Self {
            size,
            count: 0,
            first: None,
            current: Vec::with_capacity(CHUNK),
            current_index: 0,
            deflater: ChunkDeflater::new(expected_size),
        };
        // Page 1, filled in by `finish`.
        pages.push(&[]);
        pages
    }

    /// The number of the next page to be written.
    fn next(&self) -> u32 {
        self.count + 1
    }

    /// Appends a page (`content` is at most one page; the rest is zero).
    fn push(&mut self, content: &[u8]) -> u32 {
        if self.current.len() == CHUNK {
            // The chunk is complete and another page follows it.
            let full = std::mem::replace(&mut self.current, Vec::with_capacity(CHUNK));
            if self.current_index == 0 {
                self.first = Some(full);
            } else {
                self.deflater.chunk(self.current_index, full);
            }
            self.current_index += 1;
        }
        let start = self.current.len();
        self.current.extend_from_slice(content);
        self.current.resize(start + self.size, 0);
        self.count += 1;
        self.count
    }

    /// The payload bytes kept in a cell of a table leaf (the rest goes to
    /// overflow pages).
    fn table_local(&self, payload: usize) -> usize {
        let usable = self.size;
        let max = usable - 35;
        let min = (usable - 12) * 32 / 255 - 23;
        if payload <= max {
            return payload;
        }
        let local = min + (payload - min) % (usable - 4);
        if local <= max { local } else { min }
    }

    /// The largest payload an index cell keeps on its page.
    fn index_max_local(&self) -> usize {
        (self.size - 12) * 64 / 255 - 23
    }

    /// Writes the overflow pages of `rest`, each linking to the next, and
    /// returns the first one's number.
    fn overflow(&mut self, rest: &[u8]) -> u32 {
        let per_page = self.size - 4;
        let chunks: Vec<&[u8]> = rest.chunks(per_page).collect();
        let first = self.next();
        let mut page = Vec::with_capacity(self.size);
        for (i, chunk) in chunks.iter().enumerate() {
            page.clear();
            let next = if i + 1 < chunks.len() {
                first + u32::try_from(i + 1).unwrap_or(u32::MAX)
            } else {
                0
            };
            page.extend_from_slice(&next.to_be_bytes());
            page.extend_from_slice(chunk);
            self.push(&page);
        }
        first
    }

    /// Writes page 1 (the header and the root of the schema table, whose
    /// rows are the records `schema`) and returns the deflated database.
    pub(crate) fn finish(mut self, schema: &[Vec<u8>]) -> Result<Deflated, Failed> {
        let mut table = Table::new();
        for (i, record) in schema.iter().enumerate() {
            table.insert_record(&mut self, i as i64 + 1, record)?;
        }
        let page = table.finish_on_first_page(&mut self)?;
        let mut header = [0u8; HEADER];
        header[..16].copy_from_slice(b"SQLite format 3\0");
        let page_size = if self.size == 65536 {
            1
        } else {
            self.size as u16
        };
        header[16..18].copy_from_slice(&page_size.to_be_bytes());
        header[18] = 1; // write version: legacy (rollback journal)
        header[19] = 1; // read version
        header[20] = 0; // reserved bytes per page
        header[21] = 64; // maximum embedded payload fraction
        header[22] = 32; // minimum embedded payload fraction
        header[23] = 32; // leaf payload fraction
        header[24..28].copy_from_slice(&1u32.to_be_bytes()); // change counter
        header[28..32].copy_from_slice(&self.count.to_be_bytes()); // pages in the file
        header[40..44].copy_from_slice(&1u32.to_be_bytes()); // schema cookie
        header[44..48].copy_from_slice(&4u32.to_be_bytes()); // schema format
        header[56..60].copy_from_slice(&1u32.to_be_bytes()); // UTF-8
        header[92..96].copy_from_slice(&1u32.to_be_bytes()); // valid for change 1
        header[96..100].copy_from_slice(&3_046_000u32.to_be_bytes()); // SQLite version
        // Page 1 opens the first chunk, kept until now; the chunk being
        // filled is the last one.
        let (mut first, last) = match self.first.take() {
            Some(first) => (first, Some((self.current_index, self.current))),
            None => (self.current, None),
        };
        first[..self.size].copy_from_slice(&page);
        first[..HEADER].copy_from_slice(&header);
        let mut remaining = vec![(0, first)];
        remaining.extend(last);
        self.deflater.finish(remaining).map_err(Failed::Io)
    }
}

/// A row, record or page too large for the database being written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TooLarge;

/// Why a database could not be finished.
#[derive(Debug)]
pub(crate) enum Failed {
    /// See [`TooLarge`].
    TooLarge,
    /// Deflating it failed.
    Io(std::io::Error),
}

impl From<TooLarge> for Failed {
    fn from(_: TooLarge) -> Self {
        Self::TooLarge
    }
}

/// A b-tree page of `kind` holding `cells` (in order), its header at
/// `header_at` (100 on page 1); `right` is the right-most child of an
/// interior page. `None` when the cells do not fit.
fn page_with(
    kind: u8,
    cells: &[Vec<u8>],
    size: usize,
    header_at: usize,
    right: Option<u32>,
) -> Option<Vec<u8>> {
    let header_len = if right.is_some() { 12 } else { 8 };
    let used: usize = cells.iter().map(|c| c.len() + 2).sum();
    if header_at + header_len + used > size {
        return None;
    }
    let mut page = vec![0u8; size];
    let mut content = size;
    let mut pointer = header_at + header_len;
    for cell in cells {
        content -= cell.len();
        page[content..content + cell.len()].copy_from_slice(cell);
        page[pointer..pointer + 2].copy_from_slice(&(content as u16).to_be_bytes());
        pointer += 2;
    }
    page[header_at] = kind;
    let count = u16::try_from(cells.len()).ok()?;
    page[header_at + 3..header_at + 5].copy_from_slice(&count.to_be_bytes());
    let content_start = if content == 65536 { 0 } else { content as u16 };
    page[header_at + 5..header_at + 7].copy_from_slice(&content_start.to_be_bytes());
    if let Some(right) = right {
        page[header_at + 8..header_at + 12].copy_from_slice(&right.to_be_bytes());
    }
    Some(page)
}

fn leaf_page(kind: u8, cells: &[Vec<u8>], size: usize, header_at: usize) -> Option<Vec<u8>> {
    page_with(kind, cells, size, header_at, None)
}

/// Whether one more cell of `len` bytes fits a page already holding cells
/// of `used` bytes (pointers included).
fn fits(used: usize, len: usize, size: usize, header_len: usize) -> bool {
    header_len + used + len + 2 <= size
}

/// The leaf page a table is filling, laid out as [`page_with`] lays out its
/// cells: each cell written in place below the previous one from the
/// page's end, its pointer after the 8-byte header. Cells are written once,
/// straight from the record, instead of being gathered and copied.
struct OpenLeaf {
    /// The page, zero but for the cells and their pointers (empty until
    /// the first cell).
    page: Vec<u8>,
    /// Cells on the page.
    count: usize,
    /// Where the cell content area starts.
    content: usize,
}

impl OpenLeaf {
    fn new() -> Self {
        Self {
            page: Vec::new(),
            count: 0,
            content: 0,
        }
    }

    /// Bytes taken by the cells and their pointers.
    fn used(&self) -> usize {
        self.page.len() - self.content + 2 * self.count
    }

    /// Allocates the page of `size` bytes on first use.
    fn open(&mut self, size: usize) {
        if self.page.is_empty() {
            self.page = vec![0; size];
            self.content = size;
        }
    }

    /// Writes a cell of `len` bytes, filled by `fill`, below the others.
    fn push_cell(&mut self, size: usize, len: usize, fill: impl FnOnce(&mut [u8])) {
        self.open(size);
        self.content -= len;
        fill(&mut self.page[self.content..self.content + len]);
        let pointer = 8 + 2 * self.count;
        self.page[pointer..pointer + 2].copy_from_slice(&(self.content as u16).to_be_bytes());
        self.count += 1;
    }

    /// The cells, in order.
    fn cells(&self) -> Vec<Vec<u8>> {
        let mut end = self.page.len();
        (0..self.count)
            .map(|i| {
                let start = self.content_of(i);
                let cell = self.page[start..end].to_vec();
                end = start;
                cell
            })
            .collect()
    }

    /// Where cell number `cell` starts, read from its pointer.
    fn content_of(&self, cell: usize) -> usize {
        let pointer = 8 + 2 * cell;
        usize::from(u16::from_be_bytes([
            self.page[pointer],
            self.page[pointer + 1],
        ]))
    }

    /// Completes the page as a `kind` leaf, hands it to `push`, and starts
    /// an empty one.
    fn flush<R>(&mut self, size: usize, kind: u8, push: impl FnOnce(&[u8]) -> R) -> R {
        self.open(size);
        self.page[0] = kind;
        let count = self.count as u16;
        self.page[3..5].copy_from_slice(&count.to_be_bytes());
        let content_start = if self.content == 65536 {
            0
        } else {
            self.content as u16
        };
        self.page[5..7].copy_from_slice(&content_start.to_be_bytes());
        let pushed = push(&self.page);
        self.page[..8 + 2 * self.count].fill(0);
        self.page[self.content..].fill(0);
        self.count = 0;
        self.content = size;
        pushed
    }
}

/// A table b-tree written as its rows arrive, in increasing rowid order.
pub(crate) struct Table {
    leaf: OpenLeaf,
    last_rowid: i64,
    /// Each leaf written so far: its page and largest rowid.
    leaves: Vec<(u32, i64)>,
    record: Vec<u8>,
}

impl Table {
    /// An empty table.
    pub(crate) fn new() -> Self {
        Self {
            leaf: OpenLeaf::new(),
            last_rowid: i64::MIN,
            leaves: Vec::new(),
            record: Vec::new(),
        }
    }

    /// Adds a row (`rowid` larger than every earlier one).
    pub(crate) fn insert(
        &mut self,
        pages: &mut Pages,
        rowid: i64,
        values: &[Value<'_>],
    ) -> Result<(), TooLarge> {
        let mut record = std::mem::take(&mut self.record);
        record.clear();
        put_record(&mut record, values);
        let inserted = self.insert_record(pages, rowid, &record);
        self.record = record;
        inserted
    }

    /// Adds a row whose record is already encoded.
    fn insert_record(
        &mut self,
        pages: &mut Pages,
        rowid: i64,
        record: &[u8],
    ) -> Result<(), TooLarge> {
        debug_assert!(rowid > self.last_rowid || self.leaves.is_empty() && self.leaf.count == 0);
        let payload = record.len();
        let local = pages.table_local(payload);
        let overflow = (local < payload).then(|| pages.overflow(&record[local..]));
        let (payload_varint, payload_len) = varint(payload as u64);
        let (rowid_varint, rowid_len) = varint(rowid as u64);
        let len = payload_len + rowid_len + local + if overflow.is_some() { 4 } else { 0 };
        if !fits(self.leaf.used(), len, pages.size, 8) {
            self.flush(pages);
            if !fits(0, len, pages.size, 8) {
                return Err(TooLarge);
            }
        }
        self.leaf.push_cell(pages.size, len, |cell| {
            let (head, rest) = cell.split_at_mut(payload_len);
            head.copy_from_slice(&payload_varint[..payload_len]);
            let (head, rest) = rest.split_at_mut(rowid_len);
            head.copy_from_slice(&rowid_varint[..rowid_len]);
            let (head, rest) = rest.split_at_mut(local);
            head.copy_from_slice(&record[..local]);
            if let Some(first) = overflow {
                rest.copy_from_slice(&first.to_be_bytes());
            }
        });
        self.last_rowid = rowid;
        Ok(())
    }

    fn flush(&mut self, pages: &mut Pages) {
        let number = self
            .leaf
            .flush(pages.size, LEAF_TABLE, |page| pages.push(page));
        self.leaves.push((number, self.last_rowid));
    }

    /// Writes the last leaf and the interior pages; returns the root page.
    pub(crate) fn finish(mut self, pages: &mut Pages) -> Result<u32, TooLarge> {
        if self.leaf.count > 0 || self.leaves.is_empty() {
            self.flush(pages);
        }
        let mut level = self.leaves;
        while level.len() > 1 {
            level = table_interior_level(pages, &level)?;
        }
        Ok(level[0].0)
    }
}

impl Table {
    /// Writes the table's pages but its root, and returns the root's
    /// content laid out for page 1 (after the database header).
    fn finish_on_first_page(mut self, pages: &mut Pages) -> Result<Vec<u8>, TooLarge> {
        if self.leaves.is_empty()
            && let Some(page) = leaf_page(LEAF_TABLE, &self.leaf.cells(), pages.size, HEADER)
        {
            return Ok(page);
        }
        if self.leaf.count > 0 {
            self.flush(pages);
        }
        let mut level = self.leaves;
        loop {
            let (&(right, _), rest) = level.split_last().ok_or(TooLarge)?;
            let cells: Vec<Vec<u8>> = rest
                .iter()
                .map(|&child| table_interior_cell(child))
                .collect();
            if let Some(page) = page_with(INTERIOR_TABLE, &cells, pages.size, HEADER, Some(right)) {
                return Ok(page);
            }
            level = table_interior_level(pages, &level)?;
        }
    }
}

/// The cell of an interior table page for `child` and its largest rowid.
fn table_interior_cell((child, key): (u32, i64)) -> Vec<u8> {
    let mut cell = child.to_be_bytes().to_vec();
    put_varint(&mut cell, key as u64);
    cell
}

/// Writes the interior pages above `children` (each a page and its largest
/// rowid); returns them the same way. Each page has a cell (child, key)
/// for every child but its last, which is its right-most pointer.
fn table_interior_level(
    pages: &mut Pages,
    children: &[(u32, i64)],
) -> Result<Vec<(u32, i64)>, TooLarge> {
    let mut parents = Vec::new();
    let mut cells: Vec<Vec<u8>> = Vec::new();
    let mut used = 0;
    let mut last = children[0];
    for &child in &children[1..] {
        let cell = table_interior_cell(last);
        if fits(used, cell.len(), pages.size, 12) {
            used += cell.len() + 2;
            cells.push(cell);
        } else {
            let page =
                page_with(INTERIOR_TABLE, &cells, pages.size, 0, Some(last.0)).ok_or(TooLarge)?;
            parents.push((pages.push(&page), last.1));
            cells.clear();
            used = 0;
        }
        last = child;
    }
    let page = page_with(INTERIOR_TABLE, &cells, pages.size, 0, Some(last.0)).ok_or(TooLarge)?;
    parents.push((pages.push(&page), last.1));
    Ok(parents)
}

/// Writes an index b-tree of `records` (sorted, each the indexed columns
/// then the rowid); returns the root page.
pub(crate) fn index(pages: &mut Pages, records: &[Vec<u8>]) -> Result<u32, TooLarge> {
    if records.iter().any(|r| r.len() > pages.index_max_local()) {
        return Err(TooLarge);
    }
    let cell = |record: &[u8], child: Option<u32>| {
        let mut cell = Vec::with_capacity(record.len() + 6);
        if let Some(child) = child {
            cell.extend_from_slice(&child.to_be_bytes());
        }
        put_varint(&mut cell, record.len() as u64);
        cell.extend_from_slice(record);
        cell
    };
    // The leaves, and between each two the entry that separates them.
    let mut children: Vec<u32> = Vec::new();
    let mut separators: Vec<&[u8]> = Vec::new();
    let mut cells: Vec<Vec<u8>> = Vec::new();
    let mut used = 0;
    for record in records {
        let leaf_cell = cell(record, None);
        if fits(used, leaf_cell.len(), pages.size, 8) {
            used += leaf_cell.len() + 2;
            cells.push(leaf_cell);
        } else {
            // This entry goes up between this leaf and the next.
            let page = leaf_page(LEAF_INDEX, &cells, pages.size, 0).ok_or(TooLarge)?;
            children.push(pages.push(&page));
            separators.push(record);
            cells.clear();
            used = 0;
        }
    }
    if cells.is_empty()
        && let Some(last) = separators.pop()
    {
        // The last entry went up with nothing after it: it ends the tree.
        cells.push(cell(last, None));
    }
    let page = leaf_page(LEAF_INDEX, &cells, pages.size, 0).ok_or(TooLarge)?;
    children.push(pages.push(&page));
    // Interior levels: the children with the separators between them,
    // split into pages the same way (a separator between two pages goes up).
    while children.len() > 1 {
        let mut parents: Vec<u32> = Vec::new();
        let mut parent_separators: Vec<&[u8]> = Vec::new();
        let mut cells: Vec<Vec<u8>> = Vec::new();
        let mut used = 0;
        for (k, &separator) in separators.iter().enumerate() {
            let child = children[k];
            let interior_cell = cell(separator, Some(child));
            if fits(used, interior_cell.len(), pages.size, 12) {
                used += interior_cell.len() + 2;
                cells.push(interior_cell);
            } else {
                // `child` ends this page; the separator after it goes up.
                let page = page_with(INTERIOR_INDEX, &cells, pages.size, 0, Some(child))
                    .ok_or(TooLarge)?;
                parents.push(pages.push(&page));
                parent_separators.push(separator);
                cells.clear();
                used = 0;
            }
        }
        let last = children[children.len() - 1];
        let page = page_with(INTERIOR_INDEX, &cells, pages.size, 0, Some(last)).ok_or(TooLarge)?;
        parents.push(pages.push(&page));
        children = parents;
        separators = parent_separators;
    }
    Ok(children[0])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_match_the_file_format() {
        let encode = |v: u64| {
            let mut out = Vec::new();
            put_varint(&mut out, v);
            out
        };
        assert_eq!(encode(0), [0x00]);
        assert_eq!(encode(127), [0x7f]);
        assert_eq!(encode(128), [0x81, 0x00]);
        assert_eq!(encode(16383), [0xff, 0x7f]);
        assert_eq!(encode(16384), [0x81, 0x80, 0x00]);
        assert_eq!(encode(u64::MAX), [0xff; 9]);
        // Nine bytes: seven bits in each of eight, then the low eight bits.
        assert_eq!(
            encode(1 << 56),
            [0x80, 0xc0, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00]
        );
        assert_eq!(
            encode((1 << 56) | 0x1ff),
            [0x80, 0xc0, 0x80, 0x80, 0x80, 0x80, 0x80, 0x81, 0xff]
        );
    }

    #[test]
    fn varint_lengths_follow_the_bits_they_hold() {
        for bits in 0..=64u32 {
            let largest = if bits == 64 {
                u64::MAX
            } else {
                (1u64 << bits) - 1
            };
            for value in [largest, largest.saturating_add(1), largest / 3 * 2] {
                let needed = 64 - value.leading_zeros() as usize;
                let expected = if needed > 56 {
                    9
                } else {
                    needed.div_ceil(7).max(1)
                };
                let (bytes, len) = varint(value);
                assert_eq!((len, varint_len(value)), (expected, expected), "{value:#x}");
                // Every byte but the last of a short varint has its top bit set.
                let continued = bytes[..len - 1].iter().all(|b| b & 0x80 != 0);
                assert!(
                    continued && (len == 9 || bytes[len - 1] & 0x80 == 0),
                    "{value:#x}"
                );
            }
        }
    }
}
