//! [`LogWriter`]: the file end of the log. Every line passes through the sanitiser (a server's
//! error body must not put ESC[2J, OSC 52 or a title sequence into a file someone will `cat`,
//! nor forge extra log lines), the file is created 0600 in a 0700 directory, and it is rotated
//! by size: `strongroom.log` → `strongroom.log.1` … `.N`, the oldest dropped.
//!
//! Hand-written rather than a crate: tracing-appender (0.2) rotates by time only, and the
//! size-rotating crates neither sanitise nor set modes, so one small writer does all three and
//! can be tested without a global subscriber.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use crate::sanitize::sanitize;

/// File name of the current log inside the state directory.
pub const LOG_FILE: &str = "strongroom.log";
/// Longest line kept; the rest of a longer line is cut and counted.
pub const MAX_LINE: usize = 64 * 1024;

/// When to rotate and how many old files to keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Rotate before a line would take the current file past this many bytes.
    pub max_bytes: u64,
    /// Old files kept: `strongroom.log.1` (newest) to `strongroom.log.<keep>` (oldest).
    pub keep: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 10 * 1024 * 1024,
            keep: 3,
        }
    }
}

/// Writes sanitised lines to `<dir>/strongroom.log`, rotating by size.
#[derive(Debug)]
pub struct LogWriter {
    path: PathBuf,
    file: File,
    written: u64,
    limits: Limits,
}

impl LogWriter {
    /// Open (append to) `<dir>/strongroom.log`, creating `dir` with mode 0700 and the file with
    /// mode 0600. A file left group- or world-readable by an older version is tightened to 0600.
    pub fn open(dir: &Path, limits: Limits) -> io::Result<LogWriter> {
        if !dir.is_dir() {
            fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(dir)?;
        }
        let path = dir.join(LOG_FILE);
        let file = open_private(&path)?;
        let written = file.metadata()?.len();
        Ok(LogWriter {
            path,
            file,
            written,
            limits,
        })
    }

    /// Path of the current log file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// `strongroom.log.<n>`.
    pub fn rotated_path(&self, n: usize) -> PathBuf {
        let mut name = self.path.clone().into_os_string();
        name.push(format!(".{n}"));
        PathBuf::from(name)
    }

    /// Shift `.1..keep-1` up by one, the current file to `.1`, and start a new file.
    fn rotate(&mut self) -> io::Result<()> {
        if self.limits.keep == 0 {
            remove_if_present(&self.path)?;
        } else {
            for n in (1..self.limits.keep).rev() {
                rename_if_present(&self.rotated_path(n), &self.rotated_path(n + 1))?;
            }
            fs::rename(&self.path, self.rotated_path(1))?;
        }
        self.file = open_private(&self.path)?;
        self.written = 0;
        Ok(())
    }
}

impl Write for LogWriter {
    /// Takes the whole buffer as one or more log lines (tracing's formatter and the
    /// non-blocking worker hand over one event per call) and always consumes all of it.
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let line = clean_line(buf);
        let len = line.len() as u64;
        if self.written > 0 && self.written.saturating_add(len) > self.limits.max_bytes {
            self.rotate()?;
        }
        self.file.write_all(line.as_bytes())?;
        self.written = self.written.saturating_add(len);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

/// One log line as written to the file: control characters (escapes, bells, carriage returns,
/// newlines inside the message) made visible by the sanitiser, cut at [`MAX_LINE`], with the
/// single final newline kept.
pub fn clean_line(buf: &[u8]) -> String {
    let (body, newline) = match buf.strip_suffix(b"\n") {
        Some(b) => (b, true),
        None => (buf, false),
    };
    let text = String::from_utf8_lossy(body);
    let mut out = sanitize(&text).into_owned();
    if out.len() > MAX_LINE {
        let mut cut = MAX_LINE;
        while !out.is_char_boundary(cut) {
            cut -= 1;
        }
        let dropped = out.len() - cut;
        out.truncate(cut);
        out.push_str(&format!(" … ({dropped} bytes cut)"));
    }
    if newline {
        out.push('\n');
    }
    out
}

fn open_private(path: &Path) -> io::Result<File> {
    let file = OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(path)?;
    let mut perms = file.metadata()?.permissions();
    if perms.mode() & 0o077 != 0 {
        perms.set_mode(0o600);
        file.set_permissions(perms)?;
    }
    Ok(file)
}

fn rename_if_present(from: &Path, to: &Path) -> io::Result<()> {
    match fs::rename(from, to) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

fn remove_if_present(path: &Path) -> io::Result<()> {
    match fs::remove_file(path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

#[cfg(test)]
mod tests;
