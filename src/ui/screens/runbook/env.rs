//! What the runbooks screen needs from outside, loaded by the runtime at start (the library,
//! the runs dir, the unfinished runs, the responder's name) and kept in step with the journal
//! entries the app sends out, so that a run left with `esc` is offered again without a read.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::runbook::journal::{Entry, Event, StoredRun};
use crate::runbook::library::Library;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunbookEnv {
    pub library: Arc<Library>,
    /// `<state dir>/runs` (empty: unknown; runs still work, their journal is not written).
    pub runs_dir: PathBuf,
    /// Unfinished runs, newest first.
    pub unfinished: Vec<StoredRun>,
    /// Run ids with a journal in the runs dir (a new run id gets a suffix when taken).
    pub taken: BTreeSet<String>,
    /// The responder's name, journaled with every entry.
    pub operator: String,
}

impl RunbookEnv {
    /// Entries appended to the journal at `path`: a new run is listed first, an unfinished
    /// one gets them (and its last activity), a finished one leaves the list.
    pub fn track(&mut self, path: &Path, entries: &[Entry]) {
        let Some(first) = entries.first() else {
            return;
        };
        if let Event::Started {
            run_id,
            runbook,
            title,
            detected_at,
            read_only,
            context,
            ..
        } = &first.event
        {
            self.taken.insert(run_id.clone());
            self.unfinished.retain(|r| r.path != path);
            self.unfinished.insert(
                0,
                StoredRun {
                    path: path.to_path_buf(),
                    run_id: run_id.clone(),
                    runbook: runbook.clone(),
                    title: title.clone(),
                    detected_at: detected_at.clone(),
                    context: context.clone(),
                    read_only: *read_only,
                    last_at: first.at.clone(),
                    finished: false,
                    entries: Vec::new(),
                },
            );
        }
        let Some(i) = self.unfinished.iter().position(|r| r.path == path) else {
            return;
        };
        let mut run = self.unfinished.remove(i);
        run.entries.extend(entries.iter().cloned());
        if let Some(last) = entries.last() {
            run.last_at = last.at.clone();
        }
        if entries
            .iter()
            .any(|e| matches!(e.event, Event::Finished { .. }))
        {
            return;
        }
        // The most recent activity first.
        self.unfinished.insert(0, run);
    }

    /// A run id for `runbook` started at `stamp` (`YYYYmmdd-HHMMSS`), with a suffix when taken.
    pub fn new_run_id(&self, runbook: &str, stamp: &str) -> String {
        let base = format!("{runbook}-{stamp}");
        if !self.taken.contains(&base) {
            return base;
        }
        (2..1000)
            .map(|n| format!("{base}-{n}"))
            .find(|id| !self.taken.contains(id))
            .unwrap_or_else(|| format!("{base}-x"))
    }
}
