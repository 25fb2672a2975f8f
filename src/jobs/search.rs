//! The search job: secret paths matching a pattern, across one folder, one KV mount or every KV
//! mount, with the walker (one SCAN when allowed, else a LIST walk).
//!
//! - The pattern is a **regular expression, case-insensitive**, matched anywhere in the full
//!   path (`secret/apps/payments/prod`); a plain word is therefore a substring search
//!   (`payments`), and `^secret/apps/.*/prod$` anchors. An empty pattern matches everything.
//! - Mounts are walked one after the other. A mount the token may not list at all is counted
//!   as denied and the search goes on; denied folders inside a mount are skipped and counted.
//! - Results go out as `JobEvent::Partial` batches as they arrive (the walker's batches), at
//!   most [`MAX_RESULTS`] paths in all (the counts go on; the report says it was truncated).
//!   Counters per mount go out as `JobEvent::Report(JobReport::Search(..))`, coalesced to about
//!   10 a second, and always at the end of each mount.

use std::time::Instant;

use regex::{Regex, RegexBuilder};
use tokio_util::sync::CancellationToken;

use super::walk::{WalkEvent, WalkMode, WalkSpec, walk};
use super::{JobEvent, JobProgress, JobReport, Throttle};
use crate::vault::models::kv::KvVersion;
use crate::vault::{VaultClient, VaultError};

/// Most result paths one search hands to the UI.
pub const MAX_RESULTS: usize = 100_000;
/// Bound on the compiled pattern (a hostile pattern cannot take the memory).
const PATTERN_SIZE_LIMIT: usize = 1 << 20;

/// The search pattern, compiled: case-insensitive, unanchored. `""` → `None` (everything).
pub fn compile_pattern(pattern: &str) -> Result<Option<Regex>, regex::Error> {
    if pattern.is_empty() {
        return Ok(None);
    }
    RegexBuilder::new(pattern)
        .case_insensitive(true)
        .size_limit(PATTERN_SIZE_LIMIT)
        .build()
        .map(Some)
}

/// Where one mount's walk is.
#[derive(Debug, Clone, PartialEq)]
pub enum MountState {
    Queued,
    Running,
    Done,
    /// The token may not list the start folder: nothing searched here (counted as denied).
    Denied,
    Cancelled,
    Failed(VaultError),
}

/// One mount's counters.
#[derive(Debug, Clone, PartialEq)]
pub struct MountSearch {
    /// `secret/`.
    pub mount: String,
    pub state: MountState,
    /// Paths that matched.
    pub found: u64,
    /// LIST (or SCAN) answers.
    pub listed: u64,
    /// Folders skipped because the token may not list them.
    pub denied: u64,
    /// The way taken: `Some(Scan)` or `Some(List)` once known.
    pub used: Option<WalkMode>,
    /// The walker stopped at its LIST bound.
    pub truncated: bool,
}

impl MountSearch {
    pub fn new(mount: &str) -> MountSearch {
        MountSearch {
            mount: mount.to_string(),
            state: MountState::Queued,
            found: 0,
            listed: 0,
            denied: 0,
            used: None,
            truncated: false,
        }
    }
}

/// The counters of a whole search, one row per mount.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SearchProgress {
    pub mounts: Vec<MountSearch>,
}

impl SearchProgress {
    pub fn found(&self) -> u64 {
        self.mounts.iter().map(|m| m.found).sum()
    }

    pub fn listed(&self) -> u64 {
        self.mounts.iter().map(|m| m.listed).sum()
    }

    /// Denied folders, plus mounts that could not be listed at all.
    pub fn denied(&self) -> u64 {
        self.mounts
            .iter()
            .map(|m| m.denied + u64::from(m.state == MountState::Denied))
            .sum()
    }

    pub fn failed(&self) -> u64 {
        self.mounts
            .iter()
            .filter(|m| matches!(m.state, MountState::Failed(_)))
            .count() as u64
    }

    /// The totals as a job's progress: found, failed mounts, denied (skipped).
    pub fn totals(&self) -> JobProgress {
        JobProgress {
            done: self.found(),
            failed: self.failed(),
            skipped: self.denied(),
            total: None,
        }
    }
}

/// What to search.
#[derive(Debug, Clone)]
pub struct SearchRun {
    /// Each mount with its KV version.
    pub mounts: Vec<(String, KvVersion)>,
    /// The folder below the mount (`""` for the whole mount); used for every mount.
    pub prefix: String,
    pub pattern: String,
    /// `Auto` in the console; tests force one way.
    pub mode: WalkMode,
}

/// Run a search to its end (or until `cancel`); the last event is returned for the caller.
pub async fn run_search(
    client: &VaultClient,
    run: &SearchRun,
    cancel: &CancellationToken,
    emit: &mut (dyn FnMut(JobEvent) + Send),
) -> JobEvent {
    let pattern = match compile_pattern(&run.pattern) {
        Ok(p) => p,
        Err(e) => return JobEvent::Failed(VaultError::Config(format!("invalid pattern: {e}"))),
    };
    let mut progress = SearchProgress {
        mounts: run
            .mounts
            .iter()
            .map(|(m, _)| MountSearch::new(m))
            .collect(),
    };
    let mut sent = 0usize;
    let mut throttle: Throttle<SearchProgress> = Throttle::default();
    for (i, (mount, version)) in run.mounts.iter().enumerate() {
        if cancel.is_cancelled() {
            break;
        }
        if let Some(m) = progress.mounts.get_mut(i) {
            m.state = MountState::Running;
        }
        emit(report(&progress));
        let spec = WalkSpec {
            pattern: pattern.clone(),
            mode: run.mode,
            ..WalkSpec::new(mount, *version, &run.prefix)
        };
        let result = {
            let mut sink = |e: WalkEvent| match e {
                WalkEvent::Found(batch) => {
                    let room = MAX_RESULTS.saturating_sub(sent);
                    if room > 0 {
                        let batch: Vec<String> = batch.into_iter().take(room).collect();
                        sent += batch.len();
                        emit(JobEvent::Partial(batch));
                    }
                }
                WalkEvent::Progress(p) => {
                    if let Some(m) = progress.mounts.get_mut(i) {
                        m.found = p.found;
                        m.listed = p.listed;
                        m.denied = p.denied;
                    }
                    if let Some(v) = throttle.offer(progress.clone(), Instant::now()) {
                        emit(report(&v));
                    }
                }
            };
            walk(client, &spec, cancel, &mut sink).await
        };
        let Some(m) = progress.mounts.get_mut(i) else {
            break;
        };
        match result {
            Ok(summary) => {
                m.found = summary.progress.found;
                m.listed = summary.progress.listed;
                m.denied = summary.progress.denied;
                m.used = Some(summary.used);
                m.truncated = summary.truncated;
                m.state = if summary.cancelled {
                    MountState::Cancelled
                } else {
                    MountState::Done
                };
            }
            Err(VaultError::PermissionDenied { .. }) => m.state = MountState::Denied,
            // A path below the mount that is not a folder at all.
            Err(VaultError::NotFound { .. }) => m.state = MountState::Done,
            Err(e) => m.state = MountState::Failed(e),
        }
        throttle.flush();
        emit(report(&progress));
    }
    if cancel.is_cancelled() {
        for m in &mut progress.mounts {
            if matches!(m.state, MountState::Queued | MountState::Running) {
                m.state = MountState::Cancelled;
            }
        }
    }
    JobEvent::Done(progress.totals())
}

fn report(p: &SearchProgress) -> JobEvent {
    JobEvent::Report(Box::new(JobReport::Search(p.clone())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pattern_is_a_case_insensitive_unanchored_regex() {
        let re = compile_pattern("Pay.*prod").unwrap().unwrap();
        assert!(re.is_match("secret/apps/payments/PROD"));
        assert!(!re.is_match("secret/apps/prod/payments"));
        assert!(compile_pattern("").unwrap().is_none());
        assert!(compile_pattern("(").is_err());
    }

    #[test]
    fn totals_count_denied_mounts() {
        let mut a = MountSearch::new("a/");
        a.found = 3;
        a.denied = 2;
        let mut b = MountSearch::new("b/");
        b.state = MountState::Denied;
        let p = SearchProgress { mounts: vec![a, b] };
        assert_eq!(p.totals().done, 3);
        assert_eq!(p.totals().skipped, 3);
    }
}
