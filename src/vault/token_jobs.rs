//! The token inventory as a job: the console's own accessor first (`lookup-self`, so the list
//! can mark it), then [`token_inventory`] with bounded concurrency; tokens travel as
//! `JobReport::Tokens` batches, progress is throttled (≈10 Hz) so the UI keeps drawing.

use std::time::Instant;

use tokio_util::sync::CancellationToken;

use super::client::VaultClient;
use super::inventory::{DEFAULT_CONCURRENCY, InventoryEvent, InventoryProgress};
use super::models::tokens::TokenInfo;
use super::tokens::token_inventory;
use crate::jobs::{JobEvent, JobProgress, JobReport, Throttle, TokenBatch};

fn job_progress(p: &InventoryProgress) -> JobProgress {
    JobProgress {
        done: p.loaded,
        failed: p.failed,
        skipped: p.gone,
        total: Some(p.found),
    }
}

fn report(items: Vec<TokenInfo>, progress: InventoryProgress, own: &Option<String>) -> JobEvent {
    JobEvent::Report(Box::new(JobReport::Tokens(TokenBatch {
        items,
        progress,
        own_accessor: own.clone(),
    })))
}

/// Run the inventory to its end (or until `cancel`); returns the last event.
pub async fn inventory(
    client: &VaultClient,
    cancel: &CancellationToken,
    emit: &mut (dyn FnMut(JobEvent) + Send),
) -> JobEvent {
    let own = client.token_lookup_self().await.ok().map(|t| t.accessor);
    let mut throttle: Throttle<InventoryProgress> = Throttle::default();
    let mut last = InventoryProgress::default();
    let mut sink = |e: InventoryEvent<TokenInfo>| match e {
        InventoryEvent::Items(items) => emit(report(items, last, &own)),
        InventoryEvent::Progress(p) => {
            last = p;
            if let Some(p) = throttle.offer(p, Instant::now()) {
                emit(report(Vec::new(), p, &own));
            }
        }
    };
    let result = token_inventory(client, DEFAULT_CONCURRENCY, cancel, &mut sink).await;
    match result {
        Ok(summary) => {
            emit(report(Vec::new(), summary.progress, &own));
            match summary.first_error {
                // Every lookup failed: say why.
                Some(e) if summary.progress.loaded == 0 && summary.progress.failed > 0 => {
                    JobEvent::Failed(e)
                }
                _ => JobEvent::Done(job_progress(&summary.progress)),
            }
        }
        Err(e) => JobEvent::Failed(e),
    }
}
