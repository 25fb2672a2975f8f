//! Bounded-concurrency inventories (every lease below a prefix, every token by accessor): the
//! server's lists are not paginated, so a list answer gives every id at once and each id is
//! then looked up, at most `concurrency` requests in flight. Items come out in batches with
//! progress; cancelling stops at once (requests in flight are dropped) and the summary says so.

use std::collections::VecDeque;

use futures::StreamExt;
use futures::stream::FuturesUnordered;
use tokio_util::sync::CancellationToken;

use super::error::VaultError;

/// Items per batch handed out (a batch also goes out when nothing is left in flight).
pub const BATCH: usize = 512;
/// The default requests in flight (the server's sweet spot on two cores is 8–16).
pub const DEFAULT_CONCURRENCY: usize = 16;
/// The most requests in flight the console ever allows.
pub const MAX_CONCURRENCY: usize = 64;

/// Counters of an inventory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct InventoryProgress {
    /// List answers received (prefixes listed).
    pub listed: u64,
    /// Ids known so far (the lookups to make).
    pub found: u64,
    /// Lookups answered with an item.
    pub loaded: u64,
    /// Ids gone between the list and the lookup (revoked or expired meanwhile).
    pub gone: u64,
    /// Lookups or lists that failed otherwise (denied, server error).
    pub failed: u64,
}

impl InventoryProgress {
    /// "1,204 of 5,000 loaded · 3 gone · 1 failed".
    pub fn label(&self) -> String {
        let mut s = format!("{} of {} loaded", self.loaded, self.found);
        if self.gone > 0 {
            s += &format!(" · {} gone", self.gone);
        }
        if self.failed > 0 {
            s += &format!(" · {} failed", self.failed);
        }
        s
    }
}

/// What an inventory hands out while it runs.
#[derive(Debug, Clone, PartialEq)]
pub enum InventoryEvent<T> {
    Items(Vec<T>),
    Progress(InventoryProgress),
}

/// How it ended.
#[derive(Debug, Clone, PartialEq)]
pub struct InventorySummary {
    pub progress: InventoryProgress,
    pub cancelled: bool,
    /// The first failure, for the status line (the rest are counted).
    pub first_error: Option<VaultError>,
}

/// A unit of work: list a prefix (its answer adds lists and lookups) or look an id up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Task {
    List(String),
    Lookup(String),
}

/// What a task gave.
pub enum Outcome<T> {
    /// The answer of a list: more tasks.
    Listed(Result<Vec<Task>, VaultError>),
    /// A lookup: the item, `None` when it was gone.
    Looked(Result<Option<T>, VaultError>),
}

/// Run `start` and everything it leads to with at most `concurrency` tasks in flight (lists
/// first, so the total is known early). `run` performs one task. The first list failing is an
/// error of the whole inventory (nothing to show); later failures are counted.
pub async fn run_inventory<T, F, Fut>(
    start: Vec<Task>,
    concurrency: usize,
    cancel: &CancellationToken,
    run: F,
    out: &mut (dyn FnMut(InventoryEvent<T>) + Send),
) -> Result<InventorySummary, VaultError>
where
    T: Send,
    F: Fn(Task) -> Fut,
    Fut: std::future::Future<Output = Outcome<T>>,
{
    let concurrency = concurrency.clamp(1, MAX_CONCURRENCY);
    let mut lists: VecDeque<String> = VecDeque::new();
    let mut lookups: VecDeque<String> = VecDeque::new();
    let mut p = InventoryProgress::default();
    for t in start {
        match t {
            Task::List(x) => lists.push_back(x),
            Task::Lookup(x) => {
                p.found += 1;
                lookups.push_back(x);
            }
        }
    }
    let mut running = FuturesUnordered::new();
    let mut batch: Vec<T> = Vec::new();
    let mut first_error: Option<VaultError> = None;
    let mut first_list = true;
    loop {
        while running.len() < concurrency {
            let task = match lists.pop_front() {
                Some(l) => Task::List(l),
                None => match lookups.pop_front() {
                    Some(id) => Task::Lookup(id),
                    None => break,
                },
            };
            running.push(run(task));
        }
        let next = tokio::select! {
            () = cancel.cancelled() => {
                if !batch.is_empty() {
                    out(InventoryEvent::Items(std::mem::take(&mut batch)));
                }
                out(InventoryEvent::Progress(p));
                return Ok(InventorySummary { progress: p, cancelled: true, first_error });
            }
            n = running.next() => n,
        };
        let Some(outcome) = next else { break };
        match outcome {
            Outcome::Listed(Ok(tasks)) => {
                p.listed += 1;
                first_list = false;
                for t in tasks {
                    match t {
                        Task::List(x) => lists.push_back(x),
                        Task::Lookup(x) => {
                            p.found += 1;
                            lookups.push_back(x);
                        }
                    }
                }
            }
            Outcome::Listed(Err(e)) => {
                if first_list {
                    return Err(e);
                }
                p.failed += 1;
                first_error.get_or_insert(e);
            }
            Outcome::Looked(Ok(Some(item))) => {
                p.loaded += 1;
                batch.push(item);
            }
            Outcome::Looked(Ok(None)) => p.gone += 1,
            Outcome::Looked(Err(e)) => {
                p.failed += 1;
                first_error.get_or_insert(e);
            }
        }
        if batch.len() >= BATCH || (running.is_empty() && !batch.is_empty()) {
            out(InventoryEvent::Items(std::mem::take(&mut batch)));
        }
        out(InventoryEvent::Progress(p));
    }
    if !batch.is_empty() {
        out(InventoryEvent::Items(batch));
    }
    Ok(InventorySummary {
        progress: p,
        cancelled: false,
        first_error,
    })
}
