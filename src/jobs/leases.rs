//! The lease inventory job: every lease below a prefix (`vault::leases::lease_inventory`:
//! bounded concurrency, lists first, then lookups), handed to the screen in batches with the
//! counters. Batches go out as they come (each at most `inventory::BATCH` leases); progress
//! alone is coalesced to about 10 a second; the last report carries the final counters and the
//! first failure, then `Done`.

use std::time::Instant;

use tokio_util::sync::CancellationToken;

use super::{JobEvent, JobProgress, JobReport, Throttle};
use crate::vault::inventory::{InventoryEvent, InventoryProgress};
use crate::vault::models::leases::LeaseInfo;
use crate::vault::{VaultClient, VaultError};

/// What `JobReport::Leases` carries: the leases that arrived since the last report (often
/// none: a progress-only report) and the counters so far.
#[derive(Debug, Clone, PartialEq)]
pub struct LeaseBatch {
    pub leases: Vec<LeaseInfo>,
    pub progress: InventoryProgress,
    /// Set on the last report: the first lookup or list that failed (others are counted).
    pub first_error: Option<VaultError>,
}

/// The job's counters as a generic job progress: loaded, failed, gone (skipped).
pub fn job_progress(p: &InventoryProgress) -> JobProgress {
    JobProgress {
        done: p.loaded,
        failed: p.failed,
        skipped: p.gone,
        total: Some(p.found),
    }
}

fn report(leases: Vec<LeaseInfo>, progress: InventoryProgress) -> JobEvent {
    JobEvent::Report(Box::new(JobReport::Leases(LeaseBatch {
        leases,
        progress,
        first_error: None,
    })))
}

/// Run the inventory below `prefix` to its end (or until `cancel`); the last event is returned.
pub async fn run_lease_inventory(
    client: &VaultClient,
    prefix: &str,
    concurrency: usize,
    cancel: &CancellationToken,
    emit: &mut (dyn FnMut(JobEvent) + Send),
) -> JobEvent {
    let mut throttle: Throttle<InventoryProgress> = Throttle::default();
    let mut last = InventoryProgress::default();
    let result = {
        let mut sink = |e: InventoryEvent<LeaseInfo>| match e {
            InventoryEvent::Items(batch) => {
                // A batch always goes at once, with the newest counters.
                throttle.flush();
                emit(report(batch, last));
            }
            InventoryEvent::Progress(p) => {
                last = p;
                if let Some(p) = throttle.offer(p, Instant::now()) {
                    emit(report(Vec::new(), p));
                }
            }
        };
        crate::vault::leases::lease_inventory(client, prefix, concurrency, cancel, &mut sink).await
    };
    match result {
        Ok(summary) => {
            emit(JobEvent::Report(Box::new(JobReport::Leases(LeaseBatch {
                leases: Vec::new(),
                progress: summary.progress,
                first_error: summary.first_error,
            }))));
            JobEvent::Done(job_progress(&summary.progress))
        }
        Err(e) => JobEvent::Failed(e),
    }
}
