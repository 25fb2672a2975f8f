//! The audit scanner's entry points.
//!
//! - [`scan_records`]: paired, filtered records of one or more nodes' logs, merged by time,
//!   handed out chunk by chunk while the scan goes on; then, in follow mode, the lines appended
//!   to the live files until cancelled. Used by the job and `strongroom audit search`.
//! - [`for_each_entry`] (sequential, entries in time order across nodes) and [`scan_parallel`]
//!   (one aggregator per thread, merged at the end, no order): visitors over every entry the
//!   filter passes (each line filtered on its own), for the report and the anomaly signals.
//!
//! Each node's files are read by a pipeline (`pipeline`): a producer thread reads and
//! decompresses, two worker threads parse with the fast parser (`fast`), and the caller pairs
//! (`pair`) and merges. Progress and cancellation are checked once per chunk (4 MiB).

use std::collections::VecDeque;
use std::path::Path;
use std::time::{Duration, Instant};

use super::job::{NodeLog, ScanProgress, ScanSpec};
use super::line_filter::LineFilter;
use super::pair::{IdKey, LineItem, Pairer, WINDOW};
use super::pipeline::{self, ChunkWorker, Work};
use super::reader_tail::Tail;
use super::record::AuditRecord;
use super::{EntrySource, LineError};

pub use super::scan_visit::{for_each_entry, scan_parallel};

/// Parser threads per node.
pub const WORKERS: usize = 2;
/// How often a followed file is polled.
pub const POLL: Duration = Duration::from_millis(250);
/// A followed file idle this long: waiting requests stand alone.
const IDLE_FLUSH: Duration = Duration::from_secs(2);

/// Why a scan stopped.
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    #[error("no audit log files given")]
    NoFiles,
    #[error("cannot read {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

impl ScanError {
    pub fn io(path: &Path, source: std::io::Error) -> ScanError {
        ScanError::Io {
            path: crate::sanitize::sanitize(&path.display().to_string()).into_owned(),
            source,
        }
    }
}

/// Parsed lines of a chunk and its counters.
#[derive(Default)]
pub struct ChunkItems {
    pub items: Vec<LineItem>,
    pub entries: u64,
    pub blank: u64,
    pub bad: u64,
}

/// Parse the lines of `data` (stream offset `base` of file `file`) into items.
pub fn scan_lines(data: &[u8], base: u64, file: u32, lf: &LineFilter, out: &mut ChunkItems) {
    let mut start = 0;
    while start < data.len() {
        let end = memchr::memchr(b'\n', &data[start..]).map_or(data.len(), |n| start + n);
        let line = &data[start..end];
        let source = EntrySource {
            file,
            offset: base + start as u64,
            len: u32::try_from(line.len()).unwrap_or(u32::MAX),
        };
        if lf.skip_raw(line) {
            // Not parsed; a placeholder keeps the pairing window's count of entries.
            out.entries += 1;
            out.items.push(LineItem {
                kind: None,
                id: IdKey::None,
                flags: 0,
                time: None,
                at: start,
                len: line.len(),
                source,
            });
            start = end + 1;
            continue;
        }
        let mut scratch = Vec::new();
        match super::fast::parse_entry_ref(line, source, &mut scratch) {
            Ok(e) => {
                out.entries += 1;
                out.items.push(LineItem {
                    kind: e.kind,
                    id: IdKey::of(&e.request_id),
                    flags: lf.flags(&e, line),
                    time: e.time,
                    at: start,
                    len: line.len(),
                    source,
                });
            }
            Err(LineError::Blank) => out.blank += 1,
            Err(_) => out.bad += 1,
        }
        start = end + 1;
    }
}

struct RecordWorker<'f> {
    lf: &'f LineFilter,
}

impl ChunkWorker for RecordWorker<'_> {
    type Out = ChunkItems;
    fn chunk(&mut self, w: &Work) -> ChunkItems {
        let mut out = ChunkItems::default();
        scan_lines(w.data(), w.base, w.file, self.lf, &mut out);
        out
    }
}

/// Sum of the files' sizes as stored (missing files count 0; opening them fails later).
pub fn total_bytes(logs: &[NodeLog]) -> u64 {
    logs.iter()
        .flat_map(|l| &l.files)
        .filter_map(|f| std::fs::metadata(f).ok())
        .map(|m| m.len())
        .sum()
}

fn add_counts(p: &mut ScanProgress, c: &ChunkItems) {
    p.entries += c.entries;
    p.blank += c.blank;
    p.bad += c.bad;
}

/// Scan `spec.logs` with `spec.filter`: `sink` gets each batch of matching records (in time
/// order; maybe empty, for progress) and returns `false` to stop. `spec.limit` is counted in
/// `dropped` (the receiver keeps the newest). Follows the live files when `spec.follow`, until
/// `cancel` says so.
pub fn scan_records(
    spec: &ScanSpec,
    cancel: &dyn Fn() -> bool,
    sink: &mut dyn FnMut(Vec<AuditRecord>, &ScanProgress) -> bool,
) -> Result<ScanProgress, ScanError> {
    if spec.logs.iter().all(|l| l.files.is_empty()) {
        return Err(ScanError::NoFiles);
    }
    let lf = LineFilter::new(&spec.filter);
    let mut prog = ScanProgress {
        bytes_total: total_bytes(&spec.logs),
        ..ScanProgress::default()
    };
    let limit = spec.limit as u64;
    let count = |prog: &mut ScanProgress, n: usize| {
        prog.matched += n as u64;
        if limit > 0 {
            prog.dropped = prog.matched.saturating_sub(limit);
        }
    };
    std::thread::scope(|scope| {
        let mut nodes = Vec::new();
        for log in &spec.logs {
            let workers = (0..WORKERS).map(|_| RecordWorker { lf: &lf }).collect();
            let (pipe, _) = pipeline::start(scope, log.files.clone(), spec.follow, workers);
            nodes.push(Node {
                pipe,
                pairer: Pairer::new(WINDOW),
                head: VecDeque::new(),
                finished: log.files.is_empty(),
                stored: 0,
            });
        }
        // First pass, merged by time.
        loop {
            if cancel() {
                return Ok(prog);
            }
            let mut progressed = false;
            for (i, n) in nodes.iter_mut().enumerate() {
                if n.finished || !n.head.is_empty() {
                    continue;
                }
                n.pull(i as u32, &lf, spec.follow, &mut prog)?;
                progressed = true;
            }
            let mut batch = Vec::new();
            while nodes.iter().all(|n| n.finished || !n.head.is_empty()) {
                let pick = nodes
                    .iter()
                    .enumerate()
                    .filter_map(|(i, n)| n.head.front().map(|r| (r.time().unwrap_or(i64::MIN), i)))
                    .min();
                let Some((_, i)) = pick else { break };
                if let Some(r) = nodes[i].head.pop_front() {
                    batch.push(r);
                }
            }
            prog.bytes_read = nodes.iter().map(|n| n.stored).sum();
            count(&mut prog, batch.len());
            let all_done = nodes.iter().all(|n| n.finished && n.head.is_empty());
            if (progressed || !batch.is_empty()) && !sink(batch, &prog) {
                return Ok(prog);
            }
            if all_done {
                break;
            }
        }
        if !spec.follow {
            return Ok(prog);
        }
        // Follow the live files.
        prog.following = true;
        let mut tails: Vec<Option<(Tail, u32, Instant)>> = spec
            .logs
            .iter()
            .zip(&nodes)
            .map(|(log, n)| {
                let last = log.files.last()?;
                if super::reader::is_gzip(last).unwrap_or(true) {
                    return None;
                }
                let (resume, _) = n.pipe.end();
                let idx = (log.files.len() - 1) as u32;
                Some((Tail::new(last.clone(), resume), idx, Instant::now()))
            })
            .collect();
        if !sink(Vec::new(), &prog) {
            return Ok(prog);
        }
        loop {
            let until = Instant::now() + POLL;
            while Instant::now() < until {
                if cancel() {
                    return Ok(prog);
                }
                std::thread::sleep(Duration::from_millis(25));
            }
            let mut batch = Vec::new();
            for (i, (t, n)) in tails.iter_mut().zip(nodes.iter_mut()).enumerate() {
                let Some((tail, file, last_data)) = t else {
                    continue;
                };
                let read = match tail.poll() {
                    Ok(r) => r,
                    Err(e) => {
                        tracing::warn!(error = %e, "audit follow: read failed");
                        continue;
                    }
                };
                let mut out = Vec::new();
                let mut chunks: Vec<(u64, Vec<u8>)> = read.drained.into_iter().collect();
                if !read.bytes.is_empty() {
                    chunks.push((read.base, read.bytes));
                }
                for (base, bytes) in &chunks {
                    let mut items = ChunkItems::default();
                    scan_lines(bytes, *base, *file, &lf, &mut items);
                    add_counts(&mut prog, &items);
                    prog.bytes_read += bytes.len() as u64;
                    n.pairer.feed(&items.items, bytes, &lf, &mut out);
                    n.pairer.end_chunk(bytes);
                    *last_data = Instant::now();
                }
                if n.pairer.waiting() > 0 && last_data.elapsed() >= IDLE_FLUSH {
                    n.pairer.flush(&[], &lf, &mut out);
                }
                for r in &mut out {
                    r.node = i as u32;
                }
                batch.append(&mut out);
            }
            batch.sort_by_key(|r| r.time().unwrap_or(i64::MIN));
            count(&mut prog, batch.len());
            if !sink(batch, &prog) {
                return Ok(prog);
            }
        }
    })
}

struct Node {
    pipe: pipeline::Pipe<ChunkItems>,
    pairer: Pairer,
    head: VecDeque<AuditRecord>,
    finished: bool,
    stored: u64,
}

impl Node {
    /// Take the next chunk: its records go to `head`.
    fn pull(
        &mut self,
        node: u32,
        lf: &LineFilter,
        follow: bool,
        prog: &mut ScanProgress,
    ) -> Result<(), ScanError> {
        let mut out = Vec::new();
        match self.pipe.next_chunk() {
            Some(Ok((w, items))) => {
                add_counts(prog, &items);
                self.stored = w.stored;
                self.pairer.feed(&items.items, w.data(), lf, &mut out);
                self.pairer.end_chunk(w.data());
                self.pipe.recycle(w);
            }
            Some(Err(e)) => return Err(e),
            None => {
                self.finished = true;
                prog.bad += self.pipe.end().1;
                if !follow {
                    self.pairer.flush(&[], lf, &mut out);
                }
            }
        }
        for mut r in out {
            r.node = node;
            self.head.push_back(r);
        }
        Ok(())
    }
}
