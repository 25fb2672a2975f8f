//! Following a live audit log (tail mode): appended bytes are read from where the first pass
//! stopped; a partial last line waits for its newline; a file that shrinks or is replaced (a
//! rotation) is read to its end, then the new file from its start.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;

/// The most read in one poll.
const MAX_POLL: usize = 16 << 20;

pub struct Tail {
    path: PathBuf,
    file: Option<File>,
    ino: u64,
    /// Offset of the next byte to read.
    pos: u64,
    /// Bytes of a line without its newline yet, starting at `pos - partial.len()`.
    partial: Vec<u8>,
}

/// Whole lines read in one poll: `bytes` start at stream offset `base` of the live file.
pub struct TailRead {
    pub base: u64,
    pub bytes: Vec<u8>,
    /// The file was rotated (offsets restart at 0 from this read on).
    pub rotated: bool,
    /// On a rotation: the old file's last whole lines (base offset, bytes), before `bytes`.
    pub drained: Option<(u64, Vec<u8>)>,
}

impl Tail {
    /// Follow `path` from `offset` (where the first pass stopped).
    pub fn new(path: PathBuf, offset: u64) -> Tail {
        let file = File::open(&path).ok();
        let ino = file
            .as_ref()
            .and_then(|f| f.metadata().ok())
            .map_or(0, |m| m.ino());
        Tail {
            path,
            file,
            ino,
            pos: offset,
            partial: Vec::new(),
        }
    }

    /// Read what was appended since the last poll.
    pub fn poll(&mut self) -> io::Result<TailRead> {
        let mut out = TailRead {
            base: self.pos - self.partial.len() as u64,
            bytes: Vec::new(),
            rotated: false,
            drained: None,
        };
        let now = std::fs::metadata(&self.path).ok();
        let replaced = now.as_ref().is_some_and(|m| m.ino() != self.ino);
        let shrunk = now
            .as_ref()
            .is_some_and(|m| !replaced && m.len() < self.pos);
        if !replaced && !shrunk {
            self.read_more(&mut out.bytes)?;
            return Ok(out);
        }
        // Lines appended to the old file before it was renamed are read first (their offsets
        // are those of the rotated file).
        let mut drained = Vec::new();
        if replaced {
            self.read_more(&mut drained)?;
        }
        let drained = (!drained.is_empty()).then_some((out.base, drained));
        self.file = File::open(&self.path).ok();
        self.ino = now.map_or(0, |m| m.ino());
        self.pos = 0;
        self.partial.clear();
        out = TailRead {
            base: 0,
            bytes: Vec::new(),
            rotated: true,
            drained,
        };
        self.read_more(&mut out.bytes)?;
        Ok(out)
    }

    fn read_more(&mut self, out: &mut Vec<u8>) -> io::Result<()> {
        let Some(f) = self.file.as_mut() else {
            self.file = File::open(&self.path).ok();
            if let Some(f) = &self.file {
                self.ino = f.metadata().map_or(0, |m| m.ino());
            }
            return Ok(());
        };
        f.seek(SeekFrom::Start(self.pos))?;
        let mut buf = std::mem::take(&mut self.partial);
        let start = buf.len();
        let n = f.take(MAX_POLL as u64).read_to_end(&mut buf)?;
        self.pos += n as u64;
        if buf.len() == start && start > 0 {
            self.partial = buf;
            return Ok(());
        }
        match memchr::memrchr(b'\n', &buf) {
            Some(nl) => {
                self.partial = buf.split_off(nl + 1);
                *out = buf;
            }
            None => self.partial = buf,
        }
        Ok(())
    }
}
