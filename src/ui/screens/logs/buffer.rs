//! The lines kept by the log screen: at most `cap` entries (the oldest dropped and counted),
//! each with a sequence number so that a paused or scrolled view stays on the same lines while
//! new ones arrive.

use std::collections::VecDeque;

use crate::vault::monitor::LogLine;

/// The default of `[logs] max_lines`.
pub const DEFAULT_MAX_LINES: usize = 5000;
/// The bounds of `[logs] max_lines`.
pub const MAX_LINES_RANGE: std::ops::RangeInclusive<usize> = 100..=100_000;

/// A log line, or a line the console inserts (a gap, a level or node change).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    Line(LogLine),
    /// Shown as `— text —`.
    Marker {
        text: String,
        gap: bool,
    },
}

impl Entry {
    pub fn matches(&self, needle: &str) -> bool {
        match self {
            Entry::Line(l) => l.matches(needle),
            // Markers stay visible under a filter: they explain what the lines around mean.
            Entry::Marker { .. } => true,
        }
    }

    fn bytes(&self) -> usize {
        match self {
            Entry::Line(l) => l.bytes(),
            Entry::Marker { text, .. } => text.len() + std::mem::size_of::<Entry>(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogBuffer {
    entries: VecDeque<(u64, Entry)>,
    next_seq: u64,
    cap: usize,
    /// Entries dropped because the buffer was full.
    pub dropped: u64,
    bytes: usize,
}

impl Default for LogBuffer {
    fn default() -> Self {
        LogBuffer::new(DEFAULT_MAX_LINES)
    }
}

impl LogBuffer {
    pub fn new(cap: usize) -> LogBuffer {
        LogBuffer {
            entries: VecDeque::new(),
            next_seq: 1,
            cap: cap.clamp(*MAX_LINES_RANGE.start(), *MAX_LINES_RANGE.end()),
            dropped: 0,
            bytes: 0,
        }
    }

    pub fn cap(&self) -> usize {
        self.cap
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The bytes the kept entries hold (approximately: text plus the entry itself).
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// The sequence number of the newest entry (0 when none ever came).
    pub fn last_seq(&self) -> u64 {
        self.next_seq - 1
    }

    pub fn push(&mut self, e: Entry) {
        self.bytes += e.bytes();
        self.entries.push_back((self.next_seq, e));
        self.next_seq += 1;
        while self.entries.len() > self.cap {
            if let Some((_, old)) = self.entries.pop_front() {
                self.bytes = self.bytes.saturating_sub(old.bytes());
                self.dropped += 1;
            }
        }
    }

    /// Entries matching `needle` (lower case), oldest first.
    pub fn matching<'a>(
        &'a self,
        needle: &'a str,
    ) -> impl DoubleEndedIterator<Item = &'a (u64, Entry)> {
        self.entries.iter().filter(move |(_, e)| e.matches(needle))
    }

    /// Up to `n` matching entries ending at the last one with seq ≤ `upto` (all: `u64::MAX`),
    /// oldest first.
    pub fn window<'a>(&'a self, needle: &'a str, upto: u64, n: usize) -> Vec<&'a (u64, Entry)> {
        let mut out: Vec<&(u64, Entry)> = self
            .matching(needle)
            .rev()
            .filter(|(s, _)| *s <= upto)
            .take(n)
            .collect();
        out.reverse();
        out
    }

    /// The seq `n` matching entries before (`n` < 0) or after `from`, kept within the buffer.
    pub fn step(&self, needle: &str, from: u64, n: i64) -> Option<u64> {
        let seqs: Vec<u64> = self.matching(needle).map(|(s, _)| *s).collect();
        if seqs.is_empty() {
            return None;
        }
        let i = seqs.iter().rposition(|s| *s <= from).unwrap_or(0) as i64;
        let j = (i + n).clamp(0, seqs.len() as i64 - 1) as usize;
        seqs.get(j).copied()
    }

    /// Entries after `seq` that match `needle`.
    pub fn count_after(&self, needle: &str, seq: u64) -> usize {
        self.matching(needle)
            .rev()
            .take_while(|(s, _)| *s > seq)
            .count()
    }

    /// Lines (not markers) kept.
    pub fn lines(&self) -> usize {
        self.entries
            .iter()
            .filter(|(_, e)| matches!(e, Entry::Line(_)))
            .count()
    }
}
