//! The server log stream: `GET sys/monitor?log_level=<level>` of ONE configured node, as a job
//! that runs until cancelled.
//!
//! The chunked body is cut into bounded lines ([`line::LineSplitter`]), parsed and sanitised,
//! and handed to the UI in batches (every [`BATCH_EVERY`] or [`BATCH_LINES`] lines, never one
//! message per line). The request has a connect timeout but no short overall timeout: the
//! server sends nothing while idle. When the stream ends or fails, the job says so
//! ([`StreamStatus::Lost`]) and connects again after a backoff (0.5 s doubling to 5 s), forever
//! until cancelled; a cancel drops the request, which closes its connection at once.
//! OpenBao facts (OPENBAO.md "sys/monitor"): `read` is enough; sealed → 503; a stopping server
//! cuts the stream without its final chunk; an open stream on the active node blocks a raft
//! restore and a step-down (the console closes streams before those writes).

pub mod line;

use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

pub use line::{LineSplitter, LogLevel, LogLine, MAX_LINE_BYTES};

use super::client::VaultClient;
use super::error::VaultError;
use crate::jobs::{JobEvent, JobProgress, JobReport};

/// A batch goes to the UI at least this often while lines arrive.
pub const BATCH_EVERY: Duration = Duration::from_millis(100);
/// … or as soon as it holds this many lines.
pub const BATCH_LINES: usize = 500;
/// The first wait before connecting again; it doubles up to [`BACKOFF_MAX`].
pub const BACKOFF_START: Duration = Duration::from_millis(500);
pub const BACKOFF_MAX: Duration = Duration::from_secs(5);

/// Why the stream is not flowing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LossKind {
    /// 503: the node is sealed.
    Sealed,
    /// 403: the token may not read `sys/monitor`.
    Denied,
    /// The stream ended, or the node could not be reached.
    Error,
}

/// The stream's state changes, stamped by the worker's clock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StreamStatus {
    /// Asking the node for the stream.
    Connecting { at: DateTime<Utc> },
    /// The node answered 200: lines flow from here.
    Connected { at: DateTime<Utc> },
    /// The stream ended or could not start; the job tries again after `retry_in`.
    Lost {
        at: DateTime<Utc>,
        kind: LossKind,
        /// Sanitised, one line.
        reason: String,
        retry_in: Duration,
    },
}

/// What the job reports: lines in order of arrival, and the state when it changed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LogBatch {
    pub lines: Vec<LogLine>,
    pub status: Option<StreamStatus>,
}

/// 0.5 s doubling to 5 s; back to the start once a stream was established.
#[derive(Debug, Clone, Copy)]
pub struct Backoff(Duration);

impl Default for Backoff {
    fn default() -> Self {
        Backoff(BACKOFF_START)
    }
}

impl Backoff {
    /// The wait to use now; the next one doubles.
    pub fn next_wait(&mut self) -> Duration {
        let wait = self.0;
        self.0 = (self.0 * 2).min(BACKOFF_MAX);
        wait
    }

    pub fn reset(&mut self) {
        self.0 = BACKOFF_START;
    }
}

fn report(emit: &mut (dyn FnMut(JobEvent) + Send), batch: LogBatch) {
    emit(JobEvent::Report(Box::new(JobReport::Log(batch))));
}

fn status(emit: &mut (dyn FnMut(JobEvent) + Send), s: StreamStatus) {
    report(
        emit,
        LogBatch {
            lines: Vec::new(),
            status: Some(s),
        },
    );
}

/// Run the stream of `client`'s node until `cancel`; returns `Done` (not sent once cancelled).
pub async fn run_monitor(
    client: &VaultClient,
    level: LogLevel,
    cancel: &CancellationToken,
    emit: &mut (dyn FnMut(JobEvent) + Send),
) -> JobEvent {
    let mut backoff = Backoff::default();
    let mut lines_total: u64 = 0;
    loop {
        status(emit, StreamStatus::Connecting { at: Utc::now() });
        let (connected, kind, reason) = tokio::select! {
            r = stream_once(client, level, emit, &mut lines_total) => r,
            () = cancel.cancelled() => break,
        };
        if connected {
            backoff.reset();
        }
        let retry_in = backoff.next_wait();
        tracing::info!(%reason, ?kind, "log stream lost; connecting again");
        status(
            emit,
            StreamStatus::Lost {
                at: Utc::now(),
                kind,
                reason,
                retry_in,
            },
        );
        tokio::select! {
            () = tokio::time::sleep(retry_in) => {}
            () = cancel.cancelled() => break,
        }
    }
    JobEvent::Done(JobProgress {
        done: lines_total,
        ..JobProgress::default()
    })
}

/// One stream from request to end: (whether it was established, why it ended).
async fn stream_once(
    client: &VaultClient,
    level: LogLevel,
    emit: &mut (dyn FnMut(JobEvent) + Send),
    total: &mut u64,
) -> (bool, LossKind, String) {
    let mut resp = match client.monitor_stream(level.as_str()).await {
        Ok(r) => r,
        Err(e) => {
            let kind = match e {
                VaultError::Sealed => LossKind::Sealed,
                VaultError::PermissionDenied { .. } => LossKind::Denied,
                _ => LossKind::Error,
            };
            return (false, kind, short_reason(&e.to_string()));
        }
    };
    status(emit, StreamStatus::Connected { at: Utc::now() });
    let mut splitter = LineSplitter::default();
    let mut pending: Vec<LogLine> = Vec::new();
    let mut due: Option<Instant> = None;
    let reason = loop {
        let flush_at = due.unwrap_or_else(|| Instant::now() + Duration::from_secs(3600));
        tokio::select! {
            chunk = resp.chunk() => match chunk {
                Ok(Some(bytes)) => {
                    splitter.push(&bytes, &mut pending);
                    if !pending.is_empty() && due.is_none() {
                        due = Some(Instant::now() + BATCH_EVERY);
                    }
                    if pending.len() >= BATCH_LINES {
                        flush(emit, &mut pending, total);
                        due = None;
                    }
                }
                Ok(None) => break "the stream ended".to_string(),
                Err(e) => break short_reason(&client.stream_error(e).to_string()),
            },
            () = tokio::time::sleep_until(flush_at), if due.is_some() => {
                flush(emit, &mut pending, total);
                due = None;
            }
        }
    };
    splitter.finish(&mut pending);
    flush(emit, &mut pending, total);
    (true, LossKind::Error, reason)
}

fn flush(emit: &mut (dyn FnMut(JobEvent) + Send), pending: &mut Vec<LogLine>, total: &mut u64) {
    if pending.is_empty() {
        return;
    }
    *total += pending.len() as u64;
    report(
        emit,
        LogBatch {
            lines: std::mem::take(pending),
            status: None,
        },
    );
}

/// One sanitised line of at most 120 characters.
fn short_reason(s: &str) -> String {
    let clean = crate::sanitize::sanitize(s);
    let mut out: String = clean.chars().take(120).collect();
    if clean.chars().count() > 120 {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_to_five_seconds_and_resets() {
        let mut b = Backoff::default();
        let waits: Vec<u64> = (0..6).map(|_| b.next_wait().as_millis() as u64).collect();
        assert_eq!(waits, [500, 1000, 2000, 4000, 5000, 5000]);
        b.reset();
        assert_eq!(b.next_wait(), BACKOFF_START);
    }
}
