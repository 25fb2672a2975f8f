//! The fleet: every context of the config file, polled in the background. Pure state and a pure
//! scheduler (which contexts to poll now, at most [`MAX_IN_FLIGHT`] at once, the most overdue
//! first; a dead one backs off); the polls themselves are `crate::vault::fleet`'s.

pub mod summary;

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::cluster::ClusterState;
use crate::vault::VaultError;

pub use summary::{RowState, RowSummary};

/// Polls of different contexts in flight at once.
pub const MAX_IN_FLIGHT: usize = 4;
/// How often a context whose last poll failed (no node answered, timed out) is tried again.
pub const DEAD_BACKOFF_SECS: i64 = 30;
/// A poll in flight longer than this is considered lost (the poller times out at 10 s).
pub const LOST_AFTER_SECS: i64 = 20;
/// The data of a row is stale when older than this many poll intervals (and at least 30 s).
pub const STALE_INTERVALS: u32 = 3;

/// The console token's TTL in a context, from `lookup-self` with that context's token.
#[derive(Debug, Clone, PartialEq)]
pub enum TokenTtl {
    /// The context has no token configured.
    NoToken,
    /// Not looked up (no node answered).
    Unknown,
    /// Seconds left when looked up, and when.
    Ttl { secs: i64, at: DateTime<Utc> },
    /// A token that never expires (root).
    NoExpiry,
    /// The lookup failed (a revoked or expired token answers 403).
    Failed(VaultError),
}

/// One poll of one context, as the poller hands it over.
#[derive(Debug, Clone, PartialEq)]
pub struct FleetPoll {
    pub cluster: ClusterState,
    pub token: TokenTtl,
    pub at: DateTime<Utc>,
}

/// How a poll ended.
#[derive(Debug, Clone, PartialEq)]
pub enum PollOutcome {
    Done(Box<FleetPoll>),
    /// No answer within the poller's time limit.
    TimedOut {
        secs: u64,
    },
    /// The context cannot be polled at all (a bad CA file, a bad address).
    Failed(VaultError),
}

/// One context's row.
#[derive(Debug, Clone, PartialEq)]
pub struct FleetRow {
    /// The context's name in the config file (raw: the key of its requests).
    pub context: String,
    /// The latest poll's cluster state (kept through a timeout or failure).
    pub cluster: Option<ClusterState>,
    pub token: TokenTtl,
    /// The latest poll in which at least one node answered.
    pub last_ok: Option<DateTime<Utc>>,
    /// Why the latest poll gave nothing (timed out, failed), sanitised when drawn.
    pub problem: Option<String>,
    /// When the poll in flight was sent.
    pub sent_at: Option<DateTime<Utc>>,
    /// When the latest poll was sent.
    pub last_sent: Option<DateTime<Utc>>,
    /// The latest poll answered nothing useful: tried again after [`DEAD_BACKOFF_SECS`].
    pub dead: bool,
}

impl FleetRow {
    pub fn new(context: impl Into<String>) -> Self {
        Self {
            context: context.into(),
            cluster: None,
            token: TokenTtl::Unknown,
            last_ok: None,
            problem: None,
            sent_at: None,
            last_sent: None,
            dead: false,
        }
    }

    /// A poll of this row is in flight (and not yet considered lost).
    pub fn in_flight(&self, now: DateTime<Utc>) -> bool {
        self.sent_at
            .is_some_and(|at| (now - at).num_seconds() < LOST_AFTER_SECS)
    }

    /// When this row is due, or `None` when it is in flight.
    fn due_at(&self, now: DateTime<Utc>, interval: Duration) -> Option<DateTime<Utc>> {
        if self.in_flight(now) {
            return None;
        }
        let Some(last) = self.last_sent else {
            return Some(DateTime::<Utc>::MIN_UTC);
        };
        let wait = if self.dead {
            chrono::Duration::seconds(DEAD_BACKOFF_SECS)
        } else {
            chrono::Duration::from_std(interval).unwrap_or(chrono::Duration::seconds(5))
        };
        Some(last + wait)
    }
}

/// Every context's row and the poll schedule.
#[derive(Debug, Clone, PartialEq)]
pub struct FleetState {
    pub rows: Vec<FleetRow>,
    pub interval: Duration,
}

impl FleetState {
    pub fn new<S: Into<String>>(contexts: impl IntoIterator<Item = S>, interval: Duration) -> Self {
        Self {
            rows: contexts.into_iter().map(FleetRow::new).collect(),
            interval,
        }
    }

    /// Polls in flight now.
    pub fn in_flight(&self, now: DateTime<Utc>) -> usize {
        self.rows.iter().filter(|r| r.in_flight(now)).count()
    }

    /// The rows to poll now: due ones, the most overdue first, so that at most
    /// [`MAX_IN_FLIGHT`] are in flight. The caller sends them and calls [`Self::sent`].
    pub fn due(&self, now: DateTime<Utc>) -> Vec<usize> {
        let free = MAX_IN_FLIGHT.saturating_sub(self.in_flight(now));
        let mut due: Vec<(DateTime<Utc>, usize)> = self
            .rows
            .iter()
            .enumerate()
            .filter_map(|(i, r)| r.due_at(now, self.interval).map(|at| (at, i)))
            .filter(|(at, _)| *at <= now)
            .collect();
        due.sort();
        due.into_iter().take(free).map(|(_, i)| i).collect()
    }

    /// A poll of row `i` went out.
    pub fn sent(&mut self, i: usize, now: DateTime<Utc>) {
        if let Some(r) = self.rows.get_mut(i) {
            r.sent_at = Some(now);
            r.last_sent = Some(now);
        }
    }

    /// Every row due at once (ctrl-r), still at most [`MAX_IN_FLIGHT`] at a time.
    pub fn force(&mut self) {
        for r in &mut self.rows {
            r.last_sent = None;
            r.dead = false;
        }
    }

    /// Replies in flight will never come (a context switch drops them): due again at once.
    pub fn forget_in_flight(&mut self) {
        for r in &mut self.rows {
            if r.sent_at.take().is_some() {
                r.last_sent = None;
            }
        }
    }

    /// Apply the outcome of a poll of `context`.
    pub fn apply(&mut self, context: &str, outcome: PollOutcome) {
        let Some(row) = self.rows.iter_mut().find(|r| r.context == context) else {
            return;
        };
        row.sent_at = None;
        match outcome {
            PollOutcome::Done(poll) => {
                let answered = poll
                    .cluster
                    .nodes
                    .iter()
                    .any(|n| n.last_error.is_none() && n.health.value().is_some());
                if answered {
                    row.last_ok = Some(poll.at);
                    row.token = poll.token;
                }
                row.dead = !answered;
                row.problem = None;
                row.cluster = Some(poll.cluster);
            }
            PollOutcome::TimedOut { secs } => {
                row.dead = true;
                row.problem = Some(format!("no answer within {secs}s"));
            }
            PollOutcome::Failed(e) => {
                row.dead = true;
                row.problem = Some(e.to_string());
            }
        }
    }
}

#[cfg(test)]
mod tests;
