//! Reading audit log files: plain or gzip (told by the magic bytes, not the name), as a stream
//! of large line-aligned chunks (never a whole file in memory), and one line again for the
//! drill-down ([`read_line`]). Grouping of rotated files by node: [`group_logs`]; following a
//! live file: [`super::reader_tail::Tail`].

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use flate2::read::MultiGzDecoder;

use super::entry::EntrySource;

pub use super::reader_group::group_logs;

/// Bytes of a chunk (the pipeline keeps a few per node).
pub const CHUNK: usize = 4 << 20;
/// The longest line read; longer ones are skipped and counted as bad.
pub const MAX_LINE: usize = 8 << 20;
/// The longest line the drill-down reads again.
pub const MAX_READ_LINE: u32 = 1 << 20;

/// Is this file gzip-compressed (magic bytes `1f 8b`)?
pub fn is_gzip(path: &Path) -> io::Result<bool> {
    let mut f = File::open(path)?;
    let mut magic = [0u8; 2];
    let mut got = 0;
    while got < 2 {
        match f.read(&mut magic[got..])? {
            0 => break,
            n => got += n,
        }
    }
    Ok(got == 2 && magic == [0x1f, 0x8b])
}

/// Counts the bytes read from the file as stored (compressed bytes for gzip).
struct Counting<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// A file read as line-aligned chunks.
pub struct ChunkReader {
    reader: Box<dyn Read + Send>,
    stored: Arc<AtomicU64>,
    pub gzip: bool,
    carry: Vec<u8>,
    /// Offset (in the decompressed stream) of the first byte of `carry`.
    offset: u64,
    eof: bool,
    /// Lines over [`MAX_LINE`] skipped.
    pub oversized: u64,
    skipping: bool,
}

/// One chunk: `buf[..len]` holds whole lines starting at stream offset `base`.
pub struct ChunkData {
    pub base: u64,
    pub len: usize,
}

impl ChunkReader {
    pub fn open(path: &Path) -> io::Result<ChunkReader> {
        let gzip = is_gzip(path)?;
        let stored = Arc::new(AtomicU64::new(0));
        let file = Counting {
            inner: File::open(path)?,
            count: Arc::clone(&stored),
        };
        let reader: Box<dyn Read + Send> = if gzip {
            Box::new(MultiGzDecoder::new(io::BufReader::with_capacity(
                1 << 16,
                file,
            )))
        } else {
            Box::new(file)
        };
        Ok(ChunkReader {
            reader,
            stored,
            gzip,
            carry: Vec::new(),
            offset: 0,
            eof: false,
            oversized: 0,
            skipping: false,
        })
    }

    /// Bytes of the file read so far, as stored.
    pub fn stored(&self) -> u64 {
        self.stored.load(Ordering::Relaxed)
    }

    /// Where the bytes not handed out yet start (the partial last line kept back).
    pub fn resume_offset(&self) -> u64 {
        self.offset
    }

    /// Fill `buf` with whole lines (its length is its capacity; it may grow for a long line).
    /// `None` at the end. At the end, a last line without its newline is handed out unless
    /// `keep_partial` (a live file being followed: it waits for its newline).
    pub fn next_chunk(
        &mut self,
        buf: &mut Vec<u8>,
        keep_partial: bool,
    ) -> io::Result<Option<ChunkData>> {
        if buf.len() < CHUNK {
            buf.resize(CHUNK, 0);
        }
        loop {
            let mut filled = self.carry.len();
            if filled > buf.len() {
                buf.resize(filled.next_power_of_two(), 0);
            }
            buf[..filled].copy_from_slice(&self.carry);
            self.carry.clear();
            while filled < buf.len() && !self.eof {
                match self.reader.read(&mut buf[filled..]) {
                    Ok(0) => self.eof = true,
                    Ok(n) => filled += n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            }
            let base = self.offset;
            let data = &buf[..filled];
            if self.skipping {
                // Inside an oversized line: drop up to its newline.
                match memchr::memchr(b'\n', data) {
                    Some(nl) => {
                        self.skipping = false;
                        self.carry.extend_from_slice(&data[nl + 1..]);
                        self.offset += (nl + 1) as u64;
                        continue;
                    }
                    None if self.eof => return Ok(None),
                    None => {
                        self.offset += filled as u64;
                        continue;
                    }
                }
            }
            if filled == 0 {
                return Ok(None);
            }
            let end = match memchr::memrchr(b'\n', data) {
                Some(nl) => nl + 1,
                None if self.eof => {
                    if keep_partial {
                        self.carry.extend_from_slice(data);
                        return Ok(None);
                    }
                    filled
                }
                None if buf.len() < MAX_LINE => {
                    // A line longer than the buffer: grow and read on.
                    self.carry.extend_from_slice(data);
                    let n = buf.len() * 2;
                    buf.resize(n, 0);
                    continue;
                }
                None => {
                    self.oversized += 1;
                    self.skipping = true;
                    self.offset += filled as u64;
                    continue;
                }
            };
            // A partial last line waits in `carry` (for the next chunk, or the follower).
            self.carry.extend_from_slice(&buf[end..filled]);
            self.offset += end as u64;
            return Ok(Some(ChunkData { base, len: end }));
        }
    }
}

/// Why a line could not be read again.
#[derive(Debug, thiserror::Error)]
pub enum ReadLineError {
    #[error("no file number {0} in this log")]
    NoFile(u32),
    #[error("line of {0} bytes is too long to show (over 1 MiB)")]
    TooLong(u32),
    #[error("cannot read {path}: {source}")]
    Io { path: String, source: io::Error },
    #[error("{path} changed: the line is no longer at offset {offset}")]
    Moved { path: String, offset: u64 },
}

/// The full JSON line of a record again (`files`: the `NodeLog.files` that `source.file` indexes).
/// Plain files are read at the offset; gzip files are streamed up to it.
pub fn read_line(files: &[PathBuf], source: EntrySource) -> Result<String, ReadLineError> {
    let path = files
        .get(source.file as usize)
        .ok_or(ReadLineError::NoFile(source.file))?;
    if source.len > MAX_READ_LINE {
        return Err(ReadLineError::TooLong(source.len));
    }
    let io_err = |e: io::Error| ReadLineError::Io {
        path: crate::sanitize::sanitize(&path.display().to_string()).into_owned(),
        source: e,
    };
    let mut line = vec![0u8; source.len as usize];
    let got = if is_gzip(path).map_err(io_err)? {
        let mut r = MultiGzDecoder::new(io::BufReader::new(File::open(path).map_err(io_err)?));
        let skipped =
            io::copy(&mut (&mut r).take(source.offset), &mut io::sink()).map_err(io_err)?;
        if skipped < source.offset {
            0
        } else {
            read_full(&mut r, &mut line).map_err(io_err)?
        }
    } else {
        let mut f = File::open(path).map_err(io_err)?;
        f.seek(SeekFrom::Start(source.offset)).map_err(io_err)?;
        read_full(&mut f, &mut line).map_err(io_err)?
    };
    if got < line.len() {
        return Err(ReadLineError::Moved {
            path: crate::sanitize::sanitize(&path.display().to_string()).into_owned(),
            offset: source.offset,
        });
    }
    Ok(String::from_utf8_lossy(&line).into_owned())
}

fn read_full(r: &mut dyn Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match r.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}
