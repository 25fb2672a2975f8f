//! The worker side of runbook `vault` steps: the prepare job that turns a [`ResolvedOp`] into
//! an [`ActionPlan`] (see `crate::runbook::action`).

use tokio_util::sync::CancellationToken;

use super::error::VaultError;
use super::worker::Worker;
use crate::jobs::JobEvent;
use crate::runbook::PrepareSpec;

/// Prepare one step (the plan comes back as `JobReport::RunbookPlan`).
pub async fn prepare(
    _worker: &Worker,
    spec: PrepareSpec,
    _cancel: &CancellationToken,
    _emit: &mut (dyn FnMut(JobEvent) + Send),
) -> JobEvent {
    JobEvent::Failed(VaultError::NotAsked(spec.op.op.name()))
}
