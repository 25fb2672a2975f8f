//! The KV walker: every secret path below a folder of a KV mount, as fast as the server allows.
//!
//! - `Scan` asks once with OpenBao's SCAN (every leaf below, one request; needs the `scan`
//!   capability).
//! - `List` walks the tree with LIST requests, at most `concurrency` in flight; a folder the
//!   token may not list (403) is skipped and counted, not an error (the start folder is the
//!   exception: nothing could be listed at all).
//! - `Auto` tries one SCAN and falls back to the LIST walk on 403 (no `scan` capability) or
//!   405 (a server or engine without SCAN).
//!
//! Results go to the sink as they arrive, in batches (`Found`), with `Progress` beside them:
//! at most one flush per [`FLUSH_EVERY`] or per [`BATCH`] paths, never one event per key.
//! Cancelling stops at once: requests in flight are dropped and the summary says `cancelled`.
//! Memory holds the frontier (folders not yet listed) and one batch.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use futures::StreamExt;
use futures::stream::FuturesUnordered;
use regex::Regex;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::vault::VaultClient;
use crate::vault::error::VaultError;
use crate::vault::kv::KV_REPLY_LIMIT;
use crate::vault::models::kv::KvVersion;

/// Default number of LIST requests in flight.
pub const DEFAULT_CONCURRENCY: usize = 32;
/// Most paths in one `Found` event.
pub const BATCH: usize = 2048;
/// Longest a found path waits in a batch; also the pace of `Progress` events.
pub const FLUSH_EVERY: Duration = Duration::from_millis(50);
/// Bound on LIST requests of one walk (a tree larger than this is cut and marked `truncated`).
pub const MAX_LISTS: u64 = 5_000_000;

/// How to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WalkMode {
    Auto,
    Scan,
    List,
}

/// What to walk.
#[derive(Debug, Clone)]
pub struct WalkSpec {
    /// The mount, e.g. `secret/`.
    pub mount: String,
    pub kv_version: KvVersion,
    /// The folder below the mount to start from (`""` for the whole mount).
    pub prefix: String,
    /// Keep only full paths (`secret/apps/x`) this matches.
    pub pattern: Option<Regex>,
    /// LIST requests in flight (at least 1).
    pub concurrency: usize,
    pub mode: WalkMode,
}

impl WalkSpec {
    pub fn new(mount: &str, kv_version: KvVersion, prefix: &str) -> WalkSpec {
        WalkSpec {
            mount: mount.to_string(),
            kv_version,
            prefix: prefix.to_string(),
            pattern: None,
            concurrency: DEFAULT_CONCURRENCY,
            mode: WalkMode::Auto,
        }
    }

    /// `secret/` + `apps` → (`secret/`, `apps/`): the mount with one trailing `/`, the folder
    /// relative to it, ending in `/` unless empty.
    fn normalised(&self) -> (String, String) {
        let mount = format!("{}/", self.mount.trim_matches('/'));
        let p = self.prefix.trim_matches('/');
        let folder = if p.is_empty() {
            String::new()
        } else {
            format!("{p}/")
        };
        (mount, folder)
    }
}

/// Counters, as sent in `Progress` and kept in the summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WalkProgress {
    /// LIST (or SCAN) answers received.
    pub listed: u64,
    /// Paths that matched (all leaves without a pattern).
    pub found: u64,
    /// Folders skipped because the token may not list them.
    pub denied: u64,
    pub in_flight: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WalkEvent {
    /// Full secret paths (`secret/apps/payments/prod`), a batch at a time.
    Found(Vec<String>),
    Progress(WalkProgress),
}

/// How a walk ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalkSummary {
    /// `Scan` or `List`: the way actually taken.
    pub used: WalkMode,
    pub progress: WalkProgress,
    /// Leaves seen, matched or not.
    pub leaves: u64,
    /// The first denied folders (full paths), at most [`MAX_DENIED_SHOWN`].
    pub denied_paths: Vec<String>,
    pub cancelled: bool,
    /// Stopped at [`MAX_LISTS`].
    pub truncated: bool,
    pub elapsed: Duration,
}

/// How many denied folders the summary names.
pub const MAX_DENIED_SHOWN: usize = 20;

/// Events on their way from the walking task to the sink (each at most [`BATCH`] paths).
const EVENTS_QUEUED: usize = 8;

/// Walk `spec`, sending results to `sink` as they arrive.
///
/// The walk itself runs in a task of the runtime, and only its events come back here: the
/// HTTP connections' tasks then wake the walk on a worker thread (often the same one) rather
/// than this caller's thread (`block_on` in the headless commands), which halves the client's
/// CPU per LIST. The events pass through a small bounded channel, so a slow sink slows the walk
/// instead of growing memory. Dropping this future stops the task (its cancellation token is a
/// child of `cancel`, cancelled on drop).
pub async fn walk(
    client: &VaultClient,
    spec: &WalkSpec,
    cancel: &CancellationToken,
    sink: &mut (dyn FnMut(WalkEvent) + Send),
) -> Result<WalkSummary, VaultError> {
    let started = Instant::now();
    let client = client.with_reply_limit(KV_REPLY_LIMIT);
    let stop = cancel.child_token();
    let _stop_on_drop = stop.clone().drop_guard();
    let (tx, mut rx) = mpsc::channel(EVENTS_QUEUED);
    let task_spec = spec.clone();
    let task = tokio::spawn(async move {
        let mut out = Output::new(&task_spec, tx);
        let r = drive(&client, &task_spec, &stop, &mut out).await;
        out.flush();
        out.deliver().await;
        // The summary without the sender: the receiving loop below ends when the task does.
        r.map(|()| out.summary())
    });
    // Bounded: ends when the task ends (it holds the only sender).
    while let Some(ev) = rx.recv().await {
        sink(ev);
    }
    let mut summary = task
        .await
        .map_err(|e| VaultError::Transport(format!("the walk task ended: {e}")))??;
    summary.elapsed = started.elapsed();
    Ok(summary)
}

/// The walk in the chosen mode.
async fn drive(
    client: &VaultClient,
    spec: &WalkSpec,
    cancel: &CancellationToken,
    out: &mut Output,
) -> Result<(), VaultError> {
    match spec.mode {
        WalkMode::List => list_walk(client, spec, cancel, out).await,
        WalkMode::Scan => scan(client, spec, cancel, out).await,
        WalkMode::Auto => match scan(client, spec, cancel, out).await {
            Err(e) if matches!(e.status(), Some(403 | 405)) => {
                out.progress.listed = 0;
                list_walk(client, spec, cancel, out).await
            }
            r => r,
        },
    }
}

/// One SCAN of the start folder.
async fn scan(
    client: &VaultClient,
    spec: &WalkSpec,
    cancel: &CancellationToken,
    out: &mut Output,
) -> Result<(), VaultError> {
    let (mount, folder) = spec.normalised();
    out.used = WalkMode::Scan;
    out.progress.in_flight = 1;
    let keys = tokio::select! {
        biased;
        _ = cancel.cancelled() => {
            out.cancelled = true;
            out.progress.in_flight = 0;
            return Ok(());
        }
        r = client.kv_scan(&mount, spec.kv_version, &folder) => r?,
    };
    out.progress.in_flight = 0;
    out.progress.listed = 1;
    let base = format!("{mount}{folder}");
    for chunk in keys.chunks(BATCH) {
        if cancel.is_cancelled() {
            out.cancelled = true;
            return Ok(());
        }
        for k in chunk {
            out.leaf(&base, k);
        }
        out.flush();
        out.deliver().await;
    }
    Ok(())
}

/// The LIST walk: a frontier of folders, at most `concurrency` LISTs in flight.
async fn list_walk(
    client: &VaultClient,
    spec: &WalkSpec,
    cancel: &CancellationToken,
    out: &mut Output,
) -> Result<(), VaultError> {
    let (mount, start) = spec.normalised();
    out.used = WalkMode::List;
    let limit = spec.concurrency.max(1);
    let version = spec.kv_version;
    let mut frontier: VecDeque<String> = VecDeque::from([start.clone()]);
    // All LISTs are driven from this one task (no task per LIST: on two shared cores every
    // microsecond of client CPU is taken from the server); dropping the set (cancel, error)
    // drops the requests in flight.
    let mut in_flight = FuturesUnordered::new();
    let mut started: u64 = 0;
    // One timer and one cancel waiter for the whole walk, not one of each per answer.
    let mut flush_timer = std::pin::pin!(tokio::time::sleep_until(out.flush_at().into()));
    let mut cancelled = std::pin::pin!(cancel.cancelled());
    // Bounded: every turn takes one answer, and at most MAX_LISTS are ever started.
    loop {
        while in_flight.len() < limit && started < MAX_LISTS {
            let Some(folder) = frontier.pop_front() else {
                break;
            };
            started += 1;
            in_flight.push(list_one(client, &mount, version, folder));
        }
        if started >= MAX_LISTS && !frontier.is_empty() {
            out.truncated = true;
            frontier.clear();
        }
        out.progress.in_flight = in_flight.len() as u64;
        if in_flight.is_empty() {
            break;
        }
        let flush_at = tokio::time::Instant::from_std(out.flush_at());
        if flush_timer.deadline() != flush_at {
            flush_timer.as_mut().reset(flush_at);
        }
        let next = tokio::select! {
            biased;
            _ = &mut cancelled => {
                out.cancelled = true;
                out.progress.in_flight = 0;
                return Ok(());
            }
            _ = &mut flush_timer, if out.has_pending() => {
                out.flush();
                out.deliver().await;
                continue;
            }
            n = in_flight.next() => n,
        };
        let Some((folder, result)) = next else {
            break;
        };
        out.progress.listed += 1;
        match result {
            Ok(keys) => {
                let base = format!("{mount}{folder}");
                for k in keys {
                    if k.ends_with('/') {
                        frontier.push_back(format!("{folder}{k}"));
                    } else {
                        out.leaf(&base, &k);
                    }
                }
            }
            Err(VaultError::PermissionDenied { .. }) if folder != start => {
                out.progress.denied += 1;
                if out.denied_paths.len() < MAX_DENIED_SHOWN {
                    out.denied_paths.push(format!("{mount}{folder}"));
                }
            }
            Err(e) => return Err(e),
        }
        out.progress.in_flight = in_flight.len() as u64;
        out.maybe_flush();
        out.deliver().await;
    }
    Ok(())
}

/// One LIST, with the folder it was for.
async fn list_one(
    client: &VaultClient,
    mount: &str,
    version: KvVersion,
    folder: String,
) -> (String, Result<Vec<String>, VaultError>) {
    let r = client.kv_list(mount, version, &folder).await;
    (folder, r)
}

/// The walk's counters, the batch being filled and the events waiting to be delivered.
struct Output {
    tx: mpsc::Sender<WalkEvent>,
    /// Flushed events not yet handed to the channel (at most two: a batch and its counters).
    queued: Vec<WalkEvent>,
    pattern: Option<Regex>,
    batch: Vec<String>,
    last_emit: Instant,
    progress: WalkProgress,
    leaves: u64,
    denied_paths: Vec<String>,
    used: WalkMode,
    cancelled: bool,
    truncated: bool,
}

impl Output {
    fn new(spec: &WalkSpec, tx: mpsc::Sender<WalkEvent>) -> Output {
        Output {
            tx,
            queued: Vec::new(),
            pattern: spec.pattern.clone(),
            batch: Vec::new(),
            last_emit: Instant::now(),
            progress: WalkProgress::default(),
            leaves: 0,
            denied_paths: Vec::new(),
            used: spec.mode,
            cancelled: false,
            truncated: false,
        }
    }

    fn leaf(&mut self, base: &str, key: &str) {
        self.leaves += 1;
        let path = format!("{base}{key}");
        if self.pattern.as_ref().is_some_and(|re| !re.is_match(&path)) {
            return;
        }
        self.progress.found += 1;
        self.batch.push(path);
    }

    fn has_pending(&self) -> bool {
        !self.batch.is_empty()
    }

    /// When the next flush is due.
    fn flush_at(&self) -> Instant {
        self.last_emit + FLUSH_EVERY
    }

    /// Flush when the batch is full or the last flush is [`FLUSH_EVERY`] old.
    fn maybe_flush(&mut self) {
        if self.batch.len() >= BATCH || Instant::now() >= self.flush_at() {
            self.flush();
        }
    }

    /// The summary of the walk so far (`elapsed` left for the caller), dropping the sender.
    fn summary(self) -> WalkSummary {
        WalkSummary {
            used: self.used,
            progress: self.progress,
            leaves: self.leaves,
            denied_paths: self.denied_paths,
            cancelled: self.cancelled,
            truncated: self.truncated,
            elapsed: Duration::ZERO,
        }
    }

    /// Queue the batch (if any) and the counters for the sink.
    fn flush(&mut self) {
        if !self.batch.is_empty() {
            let batch = std::mem::take(&mut self.batch);
            self.queued.push(WalkEvent::Found(batch));
        }
        self.last_emit = Instant::now();
        self.queued.push(WalkEvent::Progress(self.progress));
    }

    /// Hand the queued events to the channel, waiting while it is full (a slow sink). Once the
    /// receiver is gone (the caller stopped) they are dropped.
    async fn deliver(&mut self) {
        for ev in self.queued.drain(..) {
            if self.tx.send(ev).await.is_err() {
                break;
            }
        }
        self.queued.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_is_normalised() {
        let s = WalkSpec::new("secret", KvVersion::V2, "/apps/x/");
        assert_eq!(s.normalised(), ("secret/".into(), "apps/x/".into()));
        let s = WalkSpec::new("kv1/", KvVersion::V1, "");
        assert_eq!(s.normalised(), ("kv1/".into(), String::new()));
    }

    /// Dropping the walk (a job aborted) stops its task: the request in flight is dropped and
    /// its connection closed, long before the client's own 5 s timeout.
    #[tokio::test]
    async fn dropping_the_walk_stops_its_task() {
        use tokio::io::AsyncReadExt;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = format!("http://{}", listener.local_addr().unwrap());
        let client = VaultClient::connect(&addr, crate::vault::ClientSettings::default()).unwrap();
        let spec = WalkSpec::new("secret/", KvVersion::V2, "");
        let cancel = CancellationToken::new();
        let walking = async {
            let mut sink = |_: WalkEvent| {};
            walk(&client, &spec, &cancel, &mut sink).await
        };
        let accepted = async {
            let (mut conn, _) = listener.accept().await.unwrap();
            // Read the request (never answered), then wait for the client to hang up.
            let mut buf = vec![0u8; 4096];
            let t = Instant::now();
            while conn.read(&mut buf).await.unwrap_or(0) > 0 {}
            t.elapsed()
        };
        let abandoned = tokio::time::timeout(Duration::from_millis(200), walking);
        let (walked, closed_after) = tokio::join!(abandoned, accepted);
        assert!(walked.is_err(), "the walk cannot end: nothing answers");
        assert!(closed_after < Duration::from_secs(2), "{closed_after:?}");
        assert!(
            !cancel.is_cancelled(),
            "only the walk's own child token is cancelled"
        );
    }

    #[test]
    fn paths_go_out_in_batches_with_the_counters() {
        let mut events = Vec::new();
        let mut spec = WalkSpec::new("secret/", KvVersion::V2, "");
        spec.pattern = Regex::new("/keep").ok();
        let (tx, _rx) = mpsc::channel(EVENTS_QUEUED);
        let mut out = Output::new(&spec, tx);
        for i in 0..(BATCH + 10) {
            out.leaf("secret/a/", &format!("keep{i}"));
            out.leaf("secret/a/", "drop");
            out.maybe_flush();
            events.append(&mut out.queued);
        }
        out.flush();
        events.append(&mut out.queued);
        let (leaves, found) = (out.leaves, out.progress.found);
        assert_eq!(
            (leaves, found),
            (2 * (BATCH as u64 + 10), BATCH as u64 + 10)
        );
        let batches: Vec<usize> = events
            .iter()
            .filter_map(|e| match e {
                WalkEvent::Found(b) => Some(b.len()),
                WalkEvent::Progress(_) => None,
            })
            .collect();
        // A full batch goes out at once (a slow machine may flush earlier, by time).
        assert!(
            batches.len() >= 2 && batches.iter().all(|&n| n <= BATCH),
            "{batches:?}"
        );
        assert_eq!(batches.iter().sum::<usize>(), BATCH + 10);
        assert!(matches!(
            events.last(),
            Some(WalkEvent::Progress(p)) if p.found == BATCH as u64 + 10
        ));
    }
}
