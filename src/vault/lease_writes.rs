//! The worker side of lease writes (`Mutation::Lease`), after the gate: each one call of
//! `vault::leases`, answering what it did (a renewal with its new duration and warnings).

use super::client::VaultClient;
use super::error::VaultError;
use super::worker::Worker;
use crate::reply::WriteResult;
use crate::write_gate::lease::LeaseMutation;

impl Worker {
    /// Perform one lease mutation that passed the gate.
    pub async fn lease_write_one(&self, m: &LeaseMutation) -> Result<WriteResult, VaultError> {
        let c = self.client(m.addr())?;
        lease_write_with(&c, m).await
    }
}

/// One lease mutation with this client (the worker's, or a test's).
pub async fn lease_write_with(
    c: &VaultClient,
    m: &LeaseMutation,
) -> Result<WriteResult, VaultError> {
    match m {
        LeaseMutation::Renew {
            lease_id,
            increment,
            ..
        } => c
            .lease_renew(lease_id, *increment)
            .await
            .map(|r| WriteResult::Renewed {
                lease_duration: r.lease_duration,
                warnings: r.warnings,
            }),
        LeaseMutation::Revoke { lease_id, sync, .. } => c
            .lease_revoke(lease_id, *sync)
            .await
            .map(|()| WriteResult::Done),
        LeaseMutation::RevokePrefix { prefix, sync, .. } => c
            .lease_revoke_prefix(prefix, *sync)
            .await
            .map(|()| WriteResult::Done),
        LeaseMutation::ForceRevokePrefix { prefix, .. } => c
            .lease_revoke_force(prefix)
            .await
            .map(|()| WriteResult::Done),
        LeaseMutation::Tidy { .. } => c.lease_tidy().await.map(|()| WriteResult::Done),
    }
}
