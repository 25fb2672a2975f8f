//! `JobSpec::AuditScan` as a job: the scan runs on a blocking thread (file I/O and parsing);
//! matching records come back as `JobReport::Audit` batches while the scan goes on (the first
//! rows within a chunk), with the scan's counters coalesced to about 10 updates a second;
//! cancellation is checked once per chunk. Batches never hold more than `spec.limit` records
//! (the newest); the receiver keeps the newest `spec.limit` overall (`progress.dropped` counts
//! the rest). In follow mode the job runs until cancelled.

use std::time::Instant;

use tokio_util::sync::CancellationToken;

use super::job::{AuditBatch, ScanProgress, ScanSpec};
use super::record::AuditRecord;
use super::scan::scan_records;
use crate::jobs::{JobEvent, JobProgress, JobReport, Throttle};
use crate::vault::VaultError;

/// Records held back at most before a batch goes out regardless of the throttle.
const MAX_BATCH: usize = 5_000;

/// Run the scan; the final event (`Done` with the matched count, or `Failed`).
pub async fn run_scan_job(
    spec: ScanSpec,
    cancel: &CancellationToken,
    emit: &mut (dyn FnMut(JobEvent) + Send),
) -> JobEvent {
    let (tx, mut rx) = tokio::sync::mpsc::channel::<AuditBatch>(8);
    let stop = cancel.clone();
    let task = tokio::task::spawn_blocking(move || {
        let limit = spec.limit;
        let mut throttle: Throttle<ScanProgress> = Throttle::default();
        let mut held: Vec<AuditRecord> = Vec::new();
        let send = |records: Vec<AuditRecord>, progress: ScanProgress| {
            tx.blocking_send(AuditBatch { records, progress }).is_ok()
        };
        let mut sink = |recs: Vec<AuditRecord>, p: &ScanProgress| -> bool {
            held.extend(recs);
            if limit > 0 && held.len() > limit {
                held.drain(..held.len() - limit);
            }
            match throttle.offer(*p, Instant::now()) {
                Some(p) => send(std::mem::take(&mut held), p),
                None if held.len() >= MAX_BATCH => send(std::mem::take(&mut held), *p),
                None => true,
            }
        };
        let result = scan_records(&spec, &|| stop.is_cancelled(), &mut sink);
        if let Ok(p) = &result {
            throttle.flush();
            send(std::mem::take(&mut held), *p);
        }
        result
    });
    while let Some(batch) = rx.recv().await {
        emit(JobEvent::Report(Box::new(JobReport::Audit(batch))));
    }
    match task.await {
        Ok(Ok(p)) => JobEvent::Done(JobProgress {
            done: p.matched,
            failed: p.bad,
            skipped: p.dropped,
            total: None,
        }),
        Ok(Err(e)) => JobEvent::Failed(VaultError::Decode(format!("audit scan: {e}"))),
        Err(e) => JobEvent::Failed(VaultError::Decode(format!("audit scan stopped: {e}"))),
    }
}
