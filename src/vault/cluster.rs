//! The cluster area: one poll of every node (health, seal-status, leader — unauthenticated, so no
//! node is sent the token) and the cluster-wide reads (raft, autopilot, HA status, metrics, host
//! memory) of one configured node, the active one when there is one.

use std::time::Instant;

use chrono::Utc;

use super::error::VaultError;
use super::models::cluster::{ClusterPoll, ClusterReport, NodeReport};
use super::models::sys::NodeRole;
use super::worker::Worker;
use crate::sanitize::sanitize;

/// What the cluster area is asked.
#[derive(Debug, Clone, PartialEq)]
pub enum ClusterRequest {
    /// One health poll of the whole cluster: every known node's health, seal status and leader,
    /// then raft configuration, autopilot state, HA status, metrics and host memory from a
    /// configured node (the active one, or the first unsealed one).
    Poll { nodes: Vec<String> },
}

/// What it answers.
#[derive(Debug, Clone, PartialEq)]
pub enum ClusterReply {
    Poll(Box<ClusterPoll>),
}

impl Worker {
    /// Run one cluster request.
    pub async fn cluster(&self, r: ClusterRequest) -> ClusterReply {
        match r {
            ClusterRequest::Poll { nodes } => {
                ClusterReply::Poll(Box::new(self.poll_cluster(&nodes).await))
            }
        }
    }

    /// One poll of the whole cluster. Never fails as a whole: every part carries its own result.
    pub async fn poll_cluster(&self, nodes: &[String]) -> ClusterPoll {
        let at = Utc::now();
        let reports =
            futures::future::join_all(nodes.iter().map(|addr| self.poll_node(addr.clone()))).await;
        // Cluster-wide reads need the token: only a configured node is asked.
        let configured: Vec<&NodeReport> = reports
            .iter()
            .filter(|r| self.is_configured(&r.addr))
            .collect();
        let source = configured
            .iter()
            .find(|r| matches!(&r.health, Ok(h) if h.role == NodeRole::Active))
            .or_else(|| {
                configured
                    .iter()
                    .find(|r| matches!(&r.health, Ok(h) if h.role.is_unsealed()))
            })
            .map(|r| r.addr.clone());
        // Every configured unsealed node's metrics (for its history), concurrently with the
        // cluster-wide reads; the source node's read is also the cluster's metrics.
        let asked: Vec<String> = configured
            .iter()
            .filter(|r| matches!(&r.health, Ok(h) if h.role.is_unsealed()))
            .map(|r| r.addr.clone())
            .collect();
        let (per_node, mut cluster) = futures::join!(
            futures::future::join_all(asked.iter().map(|a| self.node_metrics(a))),
            async {
                match &source {
                    Some(src) => self.poll_cluster_wide(src.clone()).await,
                    None => ClusterReport::default(),
                }
            }
        );
        let mut reports = reports;
        for (addr, m) in asked.into_iter().zip(per_node) {
            if source.as_deref() == Some(addr.as_str()) {
                cluster.metrics = Some(m.clone());
            }
            if let Some(r) = reports.iter_mut().find(|r| r.addr == addr) {
                r.metrics = Some(m);
            }
        }
        ClusterPoll {
            at,
            nodes: reports,
            cluster,
        }
    }

    async fn poll_node(&self, addr: String) -> NodeReport {
        // health, seal-status and leader are unauthenticated: no node is sent the token here.
        let c = self.anonymous_client(&addr);
        let started = Instant::now();
        let health = c.health().await;
        let latency_ms = Some(u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX));
        if let Err(e) = &health {
            if e.is_unreachable() {
                tracing::debug!(%addr, error = %e, "health poll: node unreachable");
            } else {
                tracing::warn!(%addr, error = %e, "health poll: unexpected answer");
            }
        }
        let (seal, leader) = match &health {
            Ok(h) => {
                // A sealed node's leader is not asked: a sealed raft node answers 503 "Vault is
                // sealed", a sealed dev server 200 `{"ha_enabled":false}`, which would read as
                // "no HA". Both are reported the same way, as `Sealed`.
                let unsealed = h.role.is_unsealed();
                let (seal, leader) = futures::join!(c.seal_status(), async {
                    if unsealed {
                        c.leader().await
                    } else {
                        Err(VaultError::Sealed)
                    }
                });
                for (what, r) in [
                    ("seal-status", seal.as_ref().err()),
                    ("leader", leader.as_ref().err()),
                ] {
                    if let Some(e) = r.filter(|e| **e != VaultError::Sealed) {
                        tracing::debug!(%addr, what, error = %e, "node read failed");
                    }
                }
                (Some(seal), Some(leader))
            }
            Err(_) => (None, None),
        };
        NodeReport {
            addr,
            health,
            seal,
            leader,
            latency_ms,
            metrics: None,
        }
    }

    /// One node's `sys/metrics` with the token (a configured address only), within the client's
    /// timeout. A failure stays with the node.
    async fn node_metrics(
        &self,
        addr: &str,
    ) -> Result<crate::vault::models::metrics::MetricsSummary, VaultError> {
        let r = match self.client(addr) {
            Ok(c) => c.metrics().await,
            Err(e) => Err(e),
        };
        if let Err(e) = &r {
            tracing::debug!(addr = %sanitize(addr), error = %e, "node metrics read failed");
        }
        r
    }

    async fn poll_cluster_wide(&self, src: String) -> ClusterReport {
        let c = match self.client(&src) {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!(addr = %sanitize(&src), error = %e, "cluster reads skipped");
                return ClusterReport::default();
            }
        };
        // The metrics of this node are read with every node's (`node_metrics`).
        let (raft, autopilot, ha, host_memory) = futures::join!(
            c.raft_configuration(),
            c.autopilot_state(),
            c.ha_status(),
            c.host_memory()
        );
        for (what, err) in [
            ("raft configuration", raft.as_ref().err()),
            ("autopilot", autopilot.as_ref().err()),
            ("ha-status", ha.as_ref().err()),
            ("host-info", host_memory.as_ref().err()),
        ] {
            if let Some(e) = err {
                tracing::debug!(addr = %src, what, error = %e, "cluster read failed");
            }
        }
        ClusterReport {
            source: Some(src),
            raft: Some(raft),
            autopilot: Some(autopilot),
            ha: Some(ha),
            metrics: None,
            host_memory: Some(host_memory),
        }
    }
}
