//! The worker side of [`RaftMutation`]s: a cluster seal (node by node, one result each), raft
//! peer removal, promotion and demotion, and a snapshot restore to the active node.

use super::error::VaultError;
use super::worker::Worker;
use crate::jobs::JobProgress;
use crate::reply::{ItemResult, WriteResult};
use crate::write_gate::raft::RaftMutation;

impl Worker {
    /// One gated raft write. A cluster seal seals every node and fails with the first error.
    pub async fn raft_write_one(&self, m: &RaftMutation) -> Result<WriteResult, VaultError> {
        match m {
            RaftMutation::SealCluster { addrs, .. } => self
                .seal_cluster(addrs, &mut |_| {})
                .await
                .into_iter()
                .find_map(|i| i.result.err())
                .map_or(Ok(WriteResult::Done), Err),
            RaftMutation::RemovePeer { addr, id } => {
                self.client(addr)?.raft_remove_peer(id).await?;
                Ok(WriteResult::Done)
            }
            RaftMutation::Promote { addr, id } => {
                self.client(addr)?.raft_promote(id).await?;
                Ok(WriteResult::Done)
            }
            RaftMutation::Demote { addr, id } => {
                self.client(addr)?.raft_demote(id).await?;
                Ok(WriteResult::Done)
            }
            RaftMutation::Restore { addr, path, force } => {
                let c = self.client(addr)?;
                super::snapshot::restore_snapshot(&c, path, *force)
                    .await
                    .map_err(super::snapshot::SnapshotError::into_vault)?;
                tracing::info!(
                    file = %crate::write_gate::raft::file_name(path),
                    force,
                    "snapshot restore accepted"
                );
                Ok(WriteResult::Done)
            }
        }
    }

    /// Seal each node in turn (standbys first would not matter: a seal is per node); one
    /// result per node, in order.
    pub async fn seal_cluster(
        &self,
        addrs: &[String],
        progress: &mut (dyn FnMut(JobProgress) + Send),
    ) -> Vec<ItemResult> {
        let mut items: Vec<ItemResult> = Vec::with_capacity(addrs.len());
        for addr in addrs {
            let result = match self.client(addr) {
                Ok(c) => c.seal().await.map(|()| WriteResult::Done),
                Err(e) => Err(e),
            };
            let item = crate::write_gate::shown(crate::addr::strip_scheme(addr));
            match &result {
                Ok(_) => tracing::info!(node = %item, "sealed (cluster seal)"),
                Err(e) => tracing::warn!(node = %item, error = %e, "cluster seal: node failed"),
            }
            items.push(ItemResult { item, result });
            let failed = items.iter().filter(|i| i.result.is_err()).count() as u64;
            progress(JobProgress {
                done: items.len() as u64 - failed,
                failed,
                skipped: 0,
                total: Some(addrs.len() as u64),
            });
        }
        items
    }
}
