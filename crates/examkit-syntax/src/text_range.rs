//! Byte ranges into a source text.

use std::fmt;
use std::ops::Range;

/// A half-open range of byte offsets `start..end` into one source text.
///
/// Offsets are `u32`: examkit refuses files larger than 4 GiB long before
/// parsing (see [`crate::MAX_FILE_SIZE`]).
#[derive(Copy, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TextRange {
    start: u32,
    end: u32,
}

impl TextRange {
    /// A range from `start` to `end`; the ends are swapped if given backwards.
    #[must_use]
    pub fn new(start: u32, end: u32) -> Self {
        if start <= end {
            Self { start, end }
        } else {
            Self {
                start: end,
                end: start,
            }
        }
    }

    /// An empty range at `offset`.
    #[must_use]
    pub fn empty(offset: u32) -> Self {
        Self::new(offset, offset)
    }

    /// The first byte of the range.
    #[must_use]
    pub fn start(self) -> u32 {
        self.start
    }

    /// One past the last byte of the range.
    #[must_use]
    pub fn end(self) -> u32 {
        self.end
    }

    /// The length in bytes.
    #[must_use]
    pub fn len(self) -> u32 {
        self.end - self.start
    }

    /// Whether the range covers no byte.
    #[must_use]
    pub fn is_empty(self) -> bool {
        self.start == self.end
    }

    /// Whether `offset` lies inside the range (the end counts as inside, so a
    /// cursor just after a word still belongs to it).
    #[must_use]
    pub fn contains_inclusive(self, offset: u32) -> bool {
        self.start <= offset && offset <= self.end
    }

    /// The smallest range covering both.
    #[must_use]
    pub fn cover(self, other: Self) -> Self {
        Self::new(self.start.min(other.start), self.end.max(other.end))
    }

    /// The range as `usize` indices, for slicing.
    #[must_use]
    pub fn to_usize(self) -> Range<usize> {
        self.start as usize..self.end as usize
    }

    /// The range moved by `delta` bytes (clamped at 0 and `u32::MAX`).
    #[must_use]
    pub fn shifted(self, delta: i64) -> Self {
        let move_by = |x: u32| u32::try_from((i64::from(x) + delta).max(0)).unwrap_or(u32::MAX);
        Self::new(move_by(self.start), move_by(self.end))
    }

    /// The text this range covers in `source`, or `""` when it does not fit.
    #[must_use]
    pub fn slice(self, source: &str) -> &str {
        source.get(self.to_usize()).unwrap_or("")
    }
}

impl fmt::Debug for TextRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

impl From<TextRange> for Range<usize> {
    fn from(range: TextRange) -> Self {
        range.to_usize()
    }
}
