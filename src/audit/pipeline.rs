//! The parallel read of one node's log: a producer thread reads (and decompresses) the files as
//! line-aligned chunks into a small pool of buffers, worker threads parse the chunks, and the
//! caller takes the results back in file order ([`Pipe::next_chunk`]) and returns each buffer to the
//! pool ([`Pipe::recycle`]). Buffers are taken from the pool in chunk order, so the chunk the
//! caller waits for always has one: no deadlock, and memory stays at pool × chunk size.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use std::thread::{Scope, ScopedJoinHandle};

use super::reader::{CHUNK, ChunkReader};
use super::scan::ScanError;

/// One chunk of whole lines: `buf[..len]`, starting at stream offset `base` of file `file`.
pub struct Work {
    pub seq: u64,
    pub file: u32,
    pub base: u64,
    pub buf: Vec<u8>,
    pub len: usize,
    /// Bytes of the node's files read so far, as stored (progress).
    pub stored: u64,
}

impl Work {
    pub fn data(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or_default()
    }
}

/// What a worker thread does with a chunk.
pub trait ChunkWorker: Send {
    type Out: Send;
    fn chunk(&mut self, w: &Work) -> Self::Out;
}

enum Msg<O> {
    Done(Work, O),
    End {
        chunks: u64,
        /// The live file's offset where the first pass stopped (follow mode).
        resume: u64,
        /// Lines that could not be read (oversized lines, a damaged gzip stream).
        bad: u64,
    },
    Failed(ScanError),
}

/// The caller's end of a node's pipeline.
pub struct Pipe<O> {
    rx: Receiver<Msg<O>>,
    pool: Sender<Vec<u8>>,
    stop: Arc<AtomicBool>,
    held: BTreeMap<u64, (Work, O)>,
    next: u64,
    end: Option<(u64, u64, u64)>,
}

impl<O> Pipe<O> {
    /// The next chunk in file order; `None` after the last.
    pub fn next_chunk(&mut self) -> Option<Result<(Work, O), ScanError>> {
        loop {
            if let Some(x) = self.held.remove(&self.next) {
                self.next += 1;
                return Some(Ok(x));
            }
            if let Some((chunks, _, _)) = self.end
                && self.next >= chunks
            {
                return None;
            }
            match self.rx.recv() {
                Ok(Msg::Done(w, o)) => {
                    self.held.insert(w.seq, (w, o));
                }
                Ok(Msg::End {
                    chunks,
                    resume,
                    bad,
                }) => self.end = Some((chunks, resume, bad)),
                Ok(Msg::Failed(e)) => return Some(Err(e)),
                Err(_) => return None,
            }
        }
    }

    /// Give a chunk's buffer back.
    pub fn recycle(&self, w: Work) {
        let mut buf = w.buf;
        if buf.len() > 2 * CHUNK {
            buf.truncate(CHUNK);
            buf.shrink_to_fit();
        }
        let _ = self.pool.send(buf);
    }

    /// After the last chunk: where the live file's first pass stopped, and unreadable lines.
    pub fn end(&self) -> (u64, u64) {
        self.end.map_or((0, 0), |(_, r, b)| (r, b))
    }
}

impl<O> Drop for Pipe<O> {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// Start the producer and one thread per worker in `scope`; the workers come back through
/// their handles when the pipe is drained (or dropped).
pub fn start<'scope, W: ChunkWorker + 'scope>(
    scope: &'scope Scope<'scope, '_>,
    files: Vec<PathBuf>,
    follow_last: bool,
    workers: Vec<W>,
) -> (Pipe<W::Out>, Vec<ScopedJoinHandle<'scope, W>>) {
    let (res_tx, rx) = channel::<Msg<W::Out>>();
    let (pool, pool_rx) = channel::<Vec<u8>>();
    let (work_tx, work_rx) = channel::<Work>();
    let stop = Arc::new(AtomicBool::new(false));
    for _ in 0..(2 * workers.len() + 2) {
        let _ = pool.send(Vec::new());
    }
    let work_rx = Arc::new(Mutex::new(work_rx));
    let mut handles = Vec::new();
    for mut w in workers {
        let (rx, tx, stop) = (Arc::clone(&work_rx), res_tx.clone(), Arc::clone(&stop));
        handles.push(scope.spawn(move || {
            loop {
                let next = match rx.lock() {
                    Ok(g) => g.recv(),
                    Err(_) => break,
                };
                let Ok(work) = next else { break };
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let out = w.chunk(&work);
                if tx.send(Msg::Done(work, out)).is_err() {
                    break;
                }
            }
            w
        }));
    }
    let stop_p = Arc::clone(&stop);
    scope.spawn(move || produce(&files, follow_last, &pool_rx, &work_tx, &res_tx, &stop_p));
    let pipe = Pipe {
        rx,
        pool,
        stop,
        held: BTreeMap::new(),
        next: 0,
        end: None,
    };
    (pipe, handles)
}

fn produce<O>(
    files: &[PathBuf],
    follow_last: bool,
    pool: &Receiver<Vec<u8>>,
    work: &Sender<Work>,
    res: &Sender<Msg<O>>,
    stop: &AtomicBool,
) {
    let mut seq = 0u64;
    let mut stored_before = 0u64;
    let mut bad = 0u64;
    let mut resume = 0u64;
    let mut spare: Option<Vec<u8>> = None;
    for (i, path) in files.iter().enumerate() {
        let last = i + 1 == files.len();
        let mut reader = match ChunkReader::open(path) {
            Ok(r) => r,
            Err(e) => {
                let _ = res.send(Msg::Failed(ScanError::io(path, e)));
                return;
            }
        };
        let keep_partial = follow_last && last && !reader.gzip;
        loop {
            let mut buf = match spare.take() {
                Some(b) => b,
                None => match pool.recv() {
                    Ok(b) => b,
                    Err(_) => return,
                },
            };
            if stop.load(Ordering::Relaxed) {
                return;
            }
            match reader.next_chunk(&mut buf, keep_partial) {
                Ok(Some(d)) => {
                    let w = Work {
                        seq,
                        file: i as u32,
                        base: d.base,
                        buf,
                        len: d.len,
                        stored: stored_before + reader.stored(),
                    };
                    seq += 1;
                    if work.send(w).is_err() {
                        return;
                    }
                }
                Ok(None) => {
                    spare = Some(buf);
                    break;
                }
                Err(e) if reader.gzip => {
                    // A damaged or truncated compressed file: count it, go on with the next.
                    tracing::warn!(error = %e, "audit scan: unreadable gzip data");
                    bad += 1;
                    spare = Some(buf);
                    break;
                }
                Err(e) => {
                    let _ = res.send(Msg::Failed(ScanError::io(path, e)));
                    return;
                }
            }
        }
        bad += reader.oversized;
        stored_before += reader.stored();
        if last {
            resume = reader.resume_offset();
        }
    }
    let _ = res.send(Msg::End {
        chunks: seq,
        resume,
        bad,
    });
}
