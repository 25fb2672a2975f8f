//! Visitors over the entries of audit logs, for aggregators (the compliance report, anomaly
//! signals): every line the filter passes on its own (as a one-line record) is handed over
//! borrowed, without copying.

use super::entry_ref::EntryRef;
use super::filter::AuditFilter;
use super::job::{NodeLog, ScanProgress};
use super::line_filter::LineFilter;
use super::pipeline::{self, ChunkWorker, Work};
use super::reader::ChunkReader;
use super::scan::{ScanError, WORKERS, total_bytes};
use super::{EntrySource, LineError};

/// Visit the lines of `data` (stream offset `base` of file `file`).
fn visit_lines(
    data: &[u8],
    base: u64,
    file: u32,
    lf: &LineFilter,
    prog: &mut ScanProgress,
    f: &mut dyn FnMut(&EntryRef<'_>),
) {
    let mut start = 0;
    while start < data.len() {
        let end = memchr::memchr(b'\n', &data[start..]).map_or(data.len(), |n| start + n);
        let line = &data[start..end];
        let source = EntrySource {
            file,
            offset: base + start as u64,
            len: u32::try_from(line.len()).unwrap_or(u32::MAX),
        };
        let mut scratch = Vec::new();
        match super::fast::parse_entry_ref(line, source, &mut scratch) {
            Ok(e) => {
                prog.entries += 1;
                if lf.record_matches(lf.flags(&e, line), None) {
                    prog.matched += 1;
                    f(&e);
                }
            }
            Err(LineError::Blank) => prog.blank += 1,
            Err(_) => prog.bad += 1,
        }
        start = end + 1;
    }
}

/// One node's files read in order, one chunk at a time.
struct Cursor<'l> {
    log: &'l NodeLog,
    file: usize,
    reader: Option<ChunkReader>,
    buf: Vec<u8>,
    base: u64,
    len: usize,
    pos: usize,
    stored_before: u64,
}

impl<'l> Cursor<'l> {
    fn new(log: &'l NodeLog) -> Self {
        Cursor {
            log,
            file: 0,
            reader: None,
            buf: Vec::new(),
            base: 0,
            len: 0,
            pos: 0,
            stored_before: 0,
        }
    }

    fn stored(&self) -> u64 {
        self.stored_before + self.reader.as_ref().map_or(0, ChunkReader::stored)
    }

    fn finish_file(&mut self, prog: &mut ScanProgress) {
        if let Some(r) = self.reader.take() {
            prog.bad += r.oversized;
            self.stored_before += r.stored();
        }
        self.file += 1;
        self.len = 0;
    }

    /// The next line (start, end in `buf`), reading chunks and files as needed.
    fn next_line(&mut self, prog: &mut ScanProgress) -> Result<Option<(usize, usize)>, ScanError> {
        loop {
            if self.pos < self.len {
                let s = self.pos;
                let e = memchr::memchr(b'\n', &self.buf[s..self.len]).map_or(self.len, |n| s + n);
                self.pos = e + 1;
                return Ok(Some((s, e)));
            }
            if self.reader.is_none() {
                let Some(path) = self.log.files.get(self.file) else {
                    return Ok(None);
                };
                self.reader = Some(ChunkReader::open(path).map_err(|e| ScanError::io(path, e))?);
            }
            let Some(r) = self.reader.as_mut() else {
                return Ok(None);
            };
            match r.next_chunk(&mut self.buf, false) {
                Ok(Some(d)) => {
                    self.base = d.base;
                    self.len = d.len;
                    self.pos = 0;
                }
                Ok(None) => self.finish_file(prog),
                Err(e) if r.gzip => {
                    tracing::warn!(error = %e, "audit scan: unreadable gzip data");
                    prog.bad += 1;
                    self.finish_file(prog);
                }
                Err(e) => return Err(ScanError::io(&self.log.files[self.file], e)),
            }
        }
    }
}

/// Visit every entry `filter` passes, in time order across the nodes' logs (each log is in time
/// order already; a k-way merge on the entries' times), sequentially. `cancel` is asked once per
/// chunk; the progress counts what was read.
pub fn for_each_entry(
    logs: &[NodeLog],
    filter: &AuditFilter,
    cancel: &dyn Fn() -> bool,
    f: &mut dyn FnMut(&EntryRef<'_>),
) -> Result<ScanProgress, ScanError> {
    let lf = LineFilter::new(filter);
    let mut prog = ScanProgress {
        bytes_total: total_bytes(logs),
        ..ScanProgress::default()
    };
    let mut cursors: Vec<Cursor<'_>> = logs.iter().map(Cursor::new).collect();
    if cursors.len() == 1 {
        let c = &mut cursors[0];
        let mut lines = 0u32;
        while let Some((s, e)) = c.next_line(&mut prog)? {
            let (base, file) = (c.base, c.file as u32);
            visit_lines(&c.buf[s..e], base + s as u64, file, &lf, &mut prog, f);
            lines = lines.wrapping_add(1);
            if lines.is_multiple_of(4096) && cancel() {
                break;
            }
        }
        prog.bytes_read = c.stored();
        return Ok(prog);
    }
    // Several nodes: the head line of each, by time (lines without a time go first).
    let mut heads: Vec<Option<(i64, usize, usize)>> = Vec::new();
    for c in &mut cursors {
        heads.push(head(c, &mut prog)?);
    }
    let mut n = 0u32;
    while let Some((i, (_, s, e))) = heads
        .iter()
        .enumerate()
        .filter_map(|(i, h)| h.map(|h| (i, h)))
        .min_by_key(|(_, h)| h.0)
    {
        let c = &mut cursors[i];
        let (base, file) = (c.base, c.file as u32);
        visit_lines(&c.buf[s..e], base + s as u64, file, &lf, &mut prog, f);
        heads[i] = head(c, &mut prog)?;
        n = n.wrapping_add(1);
        if n.is_multiple_of(4096) && cancel() {
            break;
        }
    }
    prog.bytes_read = cursors.iter().map(Cursor::stored).sum();
    Ok(prog)
}

/// The next line of a cursor with its time (skipping blank and bad lines, counted).
fn head(
    c: &mut Cursor<'_>,
    prog: &mut ScanProgress,
) -> Result<Option<(i64, usize, usize)>, ScanError> {
    while let Some((s, e)) = c.next_line(prog)? {
        let mut scratch = Vec::new();
        match super::fast::parse_entry_ref(&c.buf[s..e], EntrySource::default(), &mut scratch) {
            Ok(entry) => return Ok(Some((entry.time.unwrap_or(i64::MIN), s, e))),
            Err(LineError::Blank) => prog.blank += 1,
            Err(_) => prog.bad += 1,
        }
    }
    Ok(None)
}

struct VisitWorker<'f, A, V> {
    agg: A,
    visit: &'f V,
    lf: &'f LineFilter,
}

impl<A: Send, V: Fn(&mut A, &EntryRef<'_>) + Sync> ChunkWorker for VisitWorker<'_, A, V> {
    type Out = ScanProgress;
    fn chunk(&mut self, w: &Work) -> ScanProgress {
        let mut p = ScanProgress::default();
        let (agg, visit) = (&mut self.agg, self.visit);
        visit_lines(w.data(), w.base, w.file, self.lf, &mut p, &mut |e| {
            visit(agg, e)
        });
        p
    }
}

/// Visit every entry `filter` passes with one aggregator per thread (`make`, `visit`), merged
/// at the end (`merge`); entries come in no particular order. The fast path for reports.
pub fn scan_parallel<A, M, V, G>(
    logs: &[NodeLog],
    filter: &AuditFilter,
    cancel: &(dyn Fn() -> bool + Sync),
    make: M,
    visit: V,
    merge: G,
) -> Result<(A, ScanProgress), ScanError>
where
    A: Send,
    M: Fn() -> A,
    V: Fn(&mut A, &EntryRef<'_>) + Sync,
    G: Fn(&mut A, A),
{
    let lf = LineFilter::new(filter);
    let mut prog = ScanProgress {
        bytes_total: total_bytes(logs),
        ..ScanProgress::default()
    };
    let mut total = make();
    for log in logs {
        let aggs = std::thread::scope(|scope| -> Result<Vec<A>, ScanError> {
            let workers = (0..WORKERS)
                .map(|_| VisitWorker {
                    agg: make(),
                    visit: &visit,
                    lf: &lf,
                })
                .collect();
            let (mut pipe, handles) = pipeline::start(scope, log.files.clone(), false, workers);
            let before = prog.bytes_read;
            while let Some(next) = pipe.next_chunk() {
                let (w, p) = next?;
                prog.entries += p.entries;
                prog.matched += p.matched;
                prog.blank += p.blank;
                prog.bad += p.bad;
                prog.bytes_read = before + w.stored;
                pipe.recycle(w);
                if cancel() {
                    break;
                }
            }
            prog.bad += pipe.end().1;
            drop(pipe);
            Ok(handles
                .into_iter()
                .filter_map(|h| h.join().ok())
                .map(|w| w.agg)
                .collect())
        })?;
        for a in aggs {
            merge(&mut total, a);
        }
    }
    Ok((total, prog))
}
