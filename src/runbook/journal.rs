//! A run's journal: one JSON object per line in `<state dir>/runs/<run id>.jsonl`, appended and
//! fsynced entry by entry (the runtime does the I/O; the runner only produces [`Entry`]s).
//! Secret values never enter it: a secret input is journaled as `(secret, not recorded)`.
//! Reading tolerates a torn last line (a kill during a write): the entries before it are kept.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// Journals above this size are not read (a run writes a few KB).
pub const MAX_JOURNAL_BYTES: u64 = 8 * 1024 * 1024;
/// Unfinished runs offered for resuming, newest first.
pub const MAX_LISTED_RUNS: usize = 50;

/// One journal line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// 1, 2, 3 … within the run.
    pub seq: u64,
    /// RFC 3339, UTC.
    pub at: String,
    pub operator: String,
    /// The step it is about (none for run-wide entries).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<String>,
    #[serde(flatten)]
    pub event: Event,
}

/// What happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// The run began.
    Started {
        run_id: String,
        runbook: String,
        title: String,
        /// RFC 3339.
        detected_at: String,
        read_only: bool,
        containment_minutes: u32,
        /// The context (cluster) it ran against.
        context: String,
    },
    /// An input step's answer (`None` for a secret: not recorded).
    Input { var: String, value: Option<String> },
    /// A manual, confirm or notify step was completed.
    Done {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// Skipped, with the reason (a condition not met, or the responder's words).
    Skipped { reason: String },
    /// A vault step's action is about to be sent (after the gate). A resumed run that finds
    /// this without a result does not repeat the action: it asks the responder.
    ActionStarted {
        op: String,
        summary: String,
        args: BTreeMap<String, String>,
        cli: Vec<String>,
    },
    /// The action's result.
    ActionResult {
        ok: bool,
        summary: String,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        details: Vec<String>,
        /// The `out` variable and what it was bound to.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        output: Option<(String, Vec<String>)>,
    },
    /// Read-only rehearsal: the action was shown, not executed.
    NotExecuted {
        op: String,
        summary: String,
        cli: Vec<String>,
    },
    /// The step failed (a plan that could not be made, a write refused).
    Failed { error: String },
    /// A step is open again (a retry after a failure, a secret to enter again after a restart).
    Reopened { reason: String },
    /// Every containment step is done: the containment time.
    Contained { minutes: u64 },
    /// The report was written.
    Reported { path: String },
    /// The run ended (every step done or skipped, or the responder closed it).
    Finished { reason: String },
}

impl Entry {
    pub fn to_line(&self) -> String {
        // Serialising these plain types cannot fail; an empty object keeps the file readable.
        serde_json::to_string(self).unwrap_or_else(|_| "{}".into())
    }
}

/// `<state dir>/runs`.
pub fn runs_dir(state_dir: &Path) -> PathBuf {
    state_dir.join("runs")
}

/// The journal file of a run.
pub fn path_for(runs_dir: &Path, run_id: &str) -> PathBuf {
    runs_dir.join(format!("{run_id}.jsonl"))
}

#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error("cannot write the run journal {path}: {source}")]
    Write {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot read the run journal {path}: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("the run journal {path} is larger than {MAX_JOURNAL_BYTES} bytes")]
    TooLarge { path: String },
}

/// Append entries and fsync (the directory too when the file is new): once this returns, a
/// kill loses none of them. The file is created 0600.
pub fn append(path: &Path, entries: &[Entry]) -> Result<(), JournalError> {
    let err = |source| JournalError::Write {
        path: path.display().to_string(),
        source,
    };
    let new = !path.exists();
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(err)?;
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path).map_err(err)?;
    let mut buf = String::new();
    if !new && !ends_with_newline(path).map_err(err)? {
        // A torn last line (a kill during a write): end it, so that it stays one bad line
        // and the first new entry is not glued to it (and lost with it).
        buf.push('\n');
    }
    for e in entries {
        buf.push_str(&e.to_line());
        buf.push('\n');
    }
    f.write_all(buf.as_bytes()).map_err(err)?;
    f.sync_all().map_err(err)?;
    if new && let Some(dir) = path.parent() {
        // The new name must survive a crash too.
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
    Ok(())
}

/// Whether the file is empty or ends with a new line.
fn ends_with_newline(path: &Path) -> std::io::Result<bool> {
    use std::io::{Read as _, Seek as _, SeekFrom};
    let mut f = std::fs::File::open(path)?;
    if f.metadata()?.len() == 0 {
        return Ok(true);
    }
    f.seek(SeekFrom::End(-1))?;
    let mut last = [0u8; 1];
    f.read_exact(&mut last)?;
    Ok(last[0] == b'\n')
}

/// What reading a journal found.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Read {
    pub entries: Vec<Entry>,
    /// Lines that did not parse (a torn last line after a kill).
    pub bad_lines: usize,
}

/// Read a journal's entries in order.
pub fn read(path: &Path) -> Result<Read, JournalError> {
    let rerr = |source| JournalError::Read {
        path: path.display().to_string(),
        source,
    };
    let len = std::fs::metadata(path).map_err(rerr)?.len();
    if len > MAX_JOURNAL_BYTES {
        return Err(JournalError::TooLarge {
            path: path.display().to_string(),
        });
    }
    let text = std::fs::read_to_string(path).map_err(rerr)?;
    Ok(parse(&text))
}

/// Parse journal text (see [`read`]).
pub fn parse(text: &str) -> Read {
    let mut out = Read::default();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        match serde_json::from_str::<Entry>(line) {
            Ok(e) => out.entries.push(e),
            Err(_) => out.bad_lines += 1,
        }
    }
    out
}

/// A run found on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRun {
    pub path: PathBuf,
    pub run_id: String,
    pub runbook: String,
    pub title: String,
    pub detected_at: String,
    pub context: String,
    pub read_only: bool,
    /// The last entry's time.
    pub last_at: String,
    pub finished: bool,
    pub entries: Vec<Entry>,
}

/// The runs in `runs_dir` that did not finish, newest first (at most [`MAX_LISTED_RUNS`]).
/// Unreadable files are skipped with a warning in the log.
pub fn unfinished(runs_dir: &Path) -> Vec<StoredRun> {
    let Ok(dir) = std::fs::read_dir(runs_dir) else {
        return Vec::new();
    };
    let mut runs: Vec<StoredRun> = Vec::new();
    for entry in dir.flatten().take(10_000) {
        let path = entry.path();
        if path.extension().and_then(|e| e.to_str()) != Some("jsonl") {
            continue;
        }
        match read(&path) {
            Ok(r) => {
                if let Some(run) = stored(&path, r.entries)
                    && !run.finished
                {
                    runs.push(run);
                }
            }
            Err(e) => tracing::warn!(error = %e, "skipping a run journal"),
        }
    }
    runs.sort_by(|a, b| b.last_at.cmp(&a.last_at));
    runs.truncate(MAX_LISTED_RUNS);
    runs
}

fn stored(path: &Path, entries: Vec<Entry>) -> Option<StoredRun> {
    let first = entries.first()?;
    let Event::Started {
        run_id,
        runbook,
        title,
        detected_at,
        read_only,
        context,
        ..
    } = &first.event
    else {
        return None;
    };
    let finished = entries
        .iter()
        .any(|e| matches!(e.event, Event::Finished { .. }));
    Some(StoredRun {
        path: path.to_path_buf(),
        run_id: run_id.clone(),
        runbook: runbook.clone(),
        title: title.clone(),
        detected_at: detected_at.clone(),
        context: context.clone(),
        read_only: *read_only,
        last_at: entries.last().map(|e| e.at.clone()).unwrap_or_default(),
        finished,
        entries,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(seq: u64, event: Event) -> Entry {
        Entry {
            seq,
            at: format!("2026-12-06T10:00:0{seq}Z"),
            operator: "alice".into(),
            step: Some("s".into()),
            event,
        }
    }

    #[test]
    fn lines_round_trip_and_a_torn_last_line_is_dropped() {
        let a = entry(
            1,
            Event::Input {
                var: "path".into(),
                value: Some("secret/apps/x".into()),
            },
        );
        let b = entry(2, Event::Done { note: None });
        let text = format!("{}\n{}\n{{\"seq\":3,\"at\"", a.to_line(), b.to_line());
        let r = parse(&text);
        assert_eq!(r.entries, vec![a, b]);
        assert_eq!(r.bad_lines, 1);
    }

    #[test]
    fn append_is_durable_and_private() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = path_for(&runs_dir(dir.path()), "r1");
        append(&p, &[entry(1, Event::Done { note: None })]).expect("append");
        append(
            &p,
            &[entry(
                2,
                Event::Skipped {
                    reason: "n/a".into(),
                },
            )],
        )
        .expect("append");
        assert_eq!(read(&p).expect("read").entries.len(), 2);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&p).expect("meta").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
