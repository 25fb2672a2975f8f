//! The audit scan as a job: what it is asked ([`ScanSpec`]) and what it reports
//! ([`AuditBatch`] through `JobReport::Audit`, with [`ScanProgress`]).

use std::path::PathBuf;

use super::filter::AuditFilter;
use super::record::AuditRecord;

/// One node's log: its files oldest first (rotated ones, `.gz` or plain, then the live file).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NodeLog {
    /// A label for the node (`node1`, or the file name).
    pub label: String,
    pub files: Vec<PathBuf>,
}

/// Scan the logs of one or more nodes, merged by time, keeping the records `filter` matches.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ScanSpec {
    pub logs: Vec<NodeLog>,
    pub filter: AuditFilter,
    /// Keep reading the live files as they grow (tail mode) until cancelled.
    pub follow: bool,
    /// Keep at most this many matching records (the newest are kept when over).
    pub limit: usize,
}

/// Counters of a scan, cumulative.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ScanProgress {
    /// Bytes read (of the files as stored: compressed bytes for `.gz`).
    pub bytes_read: u64,
    /// Size of every file at the start (as stored).
    pub bytes_total: u64,
    /// Audit entries parsed.
    pub entries: u64,
    /// Records the filter matched (before the limit).
    pub matched: u64,
    /// Blank lines.
    pub blank: u64,
    /// Lines that are not JSON or not an audit entry (a truncated last line included).
    pub bad: u64,
    /// Records dropped because of the limit.
    pub dropped: u64,
    /// Following a live file (the first pass is done).
    pub following: bool,
}

/// A batch of matching records (maybe empty: progress only), in time order within the batch.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AuditBatch {
    pub records: Vec<AuditRecord>,
    pub progress: ScanProgress,
}
