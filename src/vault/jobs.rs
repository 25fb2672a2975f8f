//! The worker side of jobs: each `JobSpec` runs here, reporting through `emit` with progress
//! coalesced by a [`Throttle`]; the last event (done or failed) is returned for the caller to
//! send unless the job was cancelled.

use std::time::Instant;

use tokio_util::sync::CancellationToken;

use super::worker::Worker;
use crate::jobs::walk::{WalkEvent, WalkProgress, WalkSpec, walk};
use crate::jobs::{JobEvent, JobProgress, JobSpec, Throttle};

/// Run one job to its end (or until `cancel`).
pub async fn run(
    worker: &Worker,
    spec: JobSpec,
    cancel: &CancellationToken,
    emit: &mut (dyn FnMut(JobEvent) + Send),
) -> JobEvent {
    match spec {
        JobSpec::CountSecrets {
            addr,
            mount,
            kv_version,
        } => {
            let client = match worker.client(&addr) {
                Ok(c) => c,
                Err(e) => return JobEvent::Failed(e),
            };
            let walk_spec = WalkSpec::new(&mount, kv_version, "");
            let mut throttle = Throttle::default();
            let mut sink = |e: WalkEvent| {
                if let WalkEvent::Progress(p) = e
                    && let Some(p) = throttle.offer(p, Instant::now())
                {
                    emit(JobEvent::Progress(progress_of(&p)));
                }
            };
            let result = walk(&client, &walk_spec, cancel, &mut sink).await;
            if let Some(p) = throttle.flush() {
                emit(JobEvent::Progress(progress_of(&p)));
            }
            match result {
                Ok(summary) => JobEvent::Done(progress_of(&summary.progress)),
                Err(e) => JobEvent::Failed(e),
            }
        }
        JobSpec::SearchSecrets {
            addr,
            mounts,
            prefix,
            pattern,
        } => {
            let client = match worker.client(&addr) {
                Ok(c) => c,
                Err(e) => return JobEvent::Failed(e),
            };
            let run = crate::jobs::search::SearchRun {
                mounts,
                prefix,
                pattern,
                mode: crate::jobs::walk::WalkMode::Auto,
            };
            crate::jobs::search::run_search(&client, &run, cancel, emit).await
        }
        JobSpec::PlanCopy { addr, sources, dst } => {
            let client = match worker.client(&addr) {
                Ok(c) => c,
                Err(e) => return JobEvent::Failed(e),
            };
            let mut throttle = Throttle::default();
            let mut progress = |p: JobProgress| {
                if let Some(p) = throttle.offer(p, Instant::now()) {
                    emit(JobEvent::Progress(p));
                }
            };
            let r = super::copy::plan(&client, &addr, &sources, &dst, cancel, &mut progress).await;
            match r {
                Ok(plan) => {
                    let totals = JobProgress {
                        done: plan.items.len() as u64,
                        failed: plan.errors.len() as u64,
                        skipped: plan.denied,
                        total: None,
                    };
                    emit(JobEvent::Report(Box::new(
                        crate::jobs::JobReport::CopyPlan(plan),
                    )));
                    JobEvent::Done(totals)
                }
                Err(e) => JobEvent::Failed(e),
            }
        }
        JobSpec::TokenInventory { addr } => match worker.client(&addr) {
            Ok(client) => super::token_jobs::inventory(&client, cancel, emit).await,
            Err(e) => JobEvent::Failed(e),
        },
        JobSpec::Radar { addr, rotation } => match worker.client(&addr) {
            Ok(client) => super::radar::run_radar(&client, &rotation, cancel, emit).await,
            Err(e) => JobEvent::Failed(e),
        },
        JobSpec::LeaseInventory { addr, prefix } => {
            let client = match worker.client(&addr) {
                Ok(c) => c,
                Err(e) => return JobEvent::Failed(e),
            };
            crate::jobs::leases::run_lease_inventory(
                &client,
                &prefix,
                crate::vault::inventory::DEFAULT_CONCURRENCY,
                cancel,
                emit,
            )
            .await
        }
        JobSpec::SaveSnapshot { addr, path } => match worker.client(&addr) {
            Ok(client) => save_snapshot_job(&client, &path, cancel, emit).await,
            Err(e) => JobEvent::Failed(e),
        },
        JobSpec::AuditScan(spec) => crate::audit::scan_job::run_scan_job(spec, cancel, emit).await,
        JobSpec::AuditReport {
            scan,
            path,
            format,
            unused_days,
            rotation_days,
        } => {
            let (u, r) = (unused_days, rotation_days);
            crate::audit::report_job::run_job(scan, path, format, u, r, cancel, emit).await
        }
        JobSpec::Monitor { addr, level } => match worker.client(&addr) {
            Ok(client) => super::monitor::run_monitor(&client, level, cancel, emit).await,
            Err(e) => JobEvent::Failed(e),
        },
        JobSpec::RunbookPrepare(spec) => {
            super::runbook_ops::prepare(worker, *spec, cancel, emit).await
        }
    }
}

/// The snapshot save as a job: bytes as `done` (throttled), the result as a report.
async fn save_snapshot_job(
    client: &super::client::VaultClient,
    path: &std::path::Path,
    cancel: &CancellationToken,
    emit: &mut (dyn FnMut(JobEvent) + Send),
) -> JobEvent {
    let mut throttle = Throttle::default();
    let mut progress = |bytes: u64| {
        let p = JobProgress {
            done: bytes,
            ..JobProgress::default()
        };
        if let Some(p) = throttle.offer(p, Instant::now()) {
            emit(JobEvent::Progress(p));
        }
    };
    let result = super::snapshot::save_snapshot(client, path, cancel, &mut progress).await;
    match result {
        Ok(saved) => {
            tracing::info!(
                file = %crate::write_gate::raft::file_name(&saved.path),
                bytes = saved.bytes,
                "raft snapshot saved"
            );
            let done = JobProgress {
                done: saved.bytes,
                ..JobProgress::default()
            };
            emit(JobEvent::Report(Box::new(
                crate::jobs::JobReport::Snapshot(saved),
            )));
            JobEvent::Done(done)
        }
        Err(e) => {
            tracing::warn!(error = %e, "raft snapshot save failed");
            JobEvent::Failed(e.into_vault())
        }
    }
}

fn progress_of(p: &WalkProgress) -> JobProgress {
    JobProgress {
        done: p.found,
        failed: 0,
        skipped: p.denied,
        total: None,
    }
}
