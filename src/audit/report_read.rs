//! The report's error and counter types, and a plain reference reader (files line by line with
//! `BufRead` and the reference parser, gzip by its magic bytes through `MultiGzDecoder`) that
//! tests use to cross-check the report built by the scanner's parallel visitor.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;

use super::entry::{EntryKind, EntrySource, LineError, parse_line};
use super::entry_ref::EntryRef;
use super::filter::AuditFilter;
use super::record::AuditRecord;

/// A file that cannot be read (a bad line is counted, never an error).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReportError {
    #[error("cannot read {file}: {message}")]
    Read { file: String, message: String },
    #[error("cannot write {file}: {message}")]
    Write { file: String, message: String },
    #[error("cancelled")]
    Cancelled,
}

/// Counters of a read, cumulative.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReadCounts {
    /// Bytes read as stored (compressed bytes for gzip).
    pub bytes_read: u64,
    /// The files' sizes at the start.
    pub bytes_total: u64,
    pub entries: u64,
    pub blank: u64,
    pub bad: u64,
}

/// Counts the stored bytes a reader consumed.
struct Counting<R> {
    inner: R,
    bytes: u64,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }
}

fn open(path: &PathBuf) -> Result<File, ReportError> {
    File::open(path).map_err(|e| ReportError::Read {
        file: crate::sanitize::sanitize(&path.display().to_string()).into_owned(),
        message: e.to_string(),
    })
}

/// Read every line of `files` (in order), giving each entry the filter keeps to `visit`.
/// `keep_going` is asked every few thousand lines (false: stop with `Cancelled`); `progress`
/// gets the counters at the same pace and at the end of each file.
pub fn read_entries(
    files: &[PathBuf],
    filter: &AuditFilter,
    keep_going: &mut dyn FnMut() -> bool,
    progress: &mut dyn FnMut(&ReadCounts),
    visit: &mut dyn FnMut(&EntryRef<'_>),
) -> Result<ReadCounts, ReportError> {
    let mut counts = ReadCounts::default();
    for p in files {
        counts.bytes_total += open(p)?.metadata().map(|m| m.len()).unwrap_or(0);
    }
    let mut line = Vec::with_capacity(4096);
    for (index, path) in files.iter().enumerate() {
        let mut file = BufReader::with_capacity(256 * 1024, open(path)?);
        let gz = file
            .fill_buf()
            .map(|b| b.starts_with(&[0x1f, 0x8b]))
            .unwrap_or(false);
        let base = counts.bytes_read;
        let counting = Counting {
            inner: file,
            bytes: 0,
        };
        let (mut reader, stored): (Box<dyn BufRead>, _) = if gz {
            let c = std::rc::Rc::new(std::cell::Cell::new(0u64));
            (
                Box::new(BufReader::with_capacity(
                    256 * 1024,
                    flate2::read::MultiGzDecoder::new(Shared(counting, c.clone())),
                )),
                Some(c),
            )
        } else {
            (
                Box::new(BufReader::with_capacity(256 * 1024, counting)),
                None,
            )
        };
        let mut offset: u64 = 0;
        let mut n: u64 = 0;
        loop {
            line.clear();
            let len = reader
                .read_until(b'\n', &mut line)
                .map_err(|e| ReportError::Read {
                    file: crate::sanitize::sanitize(&path.display().to_string()).into_owned(),
                    message: e.to_string(),
                })?;
            if len == 0 {
                break;
            }
            let body = line.strip_suffix(b"\n").unwrap_or(&line);
            let body = body.strip_suffix(b"\r").unwrap_or(body);
            let source = EntrySource {
                file: u32::try_from(index).unwrap_or(u32::MAX),
                offset,
                len: u32::try_from(body.len()).unwrap_or(u32::MAX),
            };
            offset += len as u64;
            match parse_line(body, source) {
                Ok(entry) => {
                    counts.entries += 1;
                    let record = match entry.kind {
                        Some(EntryKind::Response) => AuditRecord {
                            response: Some(entry),
                            ..AuditRecord::default()
                        },
                        _ => AuditRecord {
                            request: Some(entry),
                            ..AuditRecord::default()
                        },
                    };
                    if (filter.is_empty() || filter.matches(&record))
                        && let Some(e) = record.main()
                    {
                        visit(&e.as_entry_ref());
                    }
                }
                Err(LineError::Blank) => counts.blank += 1,
                Err(_) => counts.bad += 1,
            }
            n += 1;
            if n.is_multiple_of(4096) {
                counts.bytes_read = base + stored.as_ref().map_or(offset, |c| c.get());
                progress(&counts);
                if !keep_going() {
                    return Err(ReportError::Cancelled);
                }
            }
        }
        counts.bytes_read = base + stored.as_ref().map_or(offset, |c| c.get());
        progress(&counts);
    }
    Ok(counts)
}

/// A counting reader that publishes its count (the gzip decoder owns the reader).
struct Shared<R>(Counting<R>, std::rc::Rc<std::cell::Cell<u64>>);

impl<R: Read> Read for Shared<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.0.read(buf)?;
        self.1.set(self.0.bytes);
        Ok(n)
    }
}
