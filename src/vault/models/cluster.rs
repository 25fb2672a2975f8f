//! What a cluster poll brings back: every node's unauthenticated reads and the cluster-wide
//! reads of one configured node. Every part carries its own result.

use chrono::{DateTime, Utc};

use super::metrics::MetricsSummary;
use super::raft::{AutopilotState, RaftConfiguration};
use super::sys::{HaStatus, Health, HostMemory, LeaderStatus, SealStatus};
use crate::vault::error::VaultError;

/// What one node said during a poll.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeReport {
    pub addr: String,
    pub health: Result<Health, VaultError>,
    /// `None` when not asked (the node was unreachable).
    pub seal: Option<Result<SealStatus, VaultError>>,
    pub leader: Option<Result<LeaderStatus, VaultError>>,
    /// Round trip of the health request.
    pub latency_ms: Option<u64>,
    /// `sys/metrics` of this node: asked of every configured unsealed node (the token goes to
    /// configured addresses only); `None` when not asked (discovered, sealed or unreachable).
    pub metrics: Option<Result<MetricsSummary, VaultError>>,
}

/// Cluster-wide reads, asked of one node (the active one when there is one). Each is `None` when
/// it was not asked (no unsealed node reachable).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ClusterReport {
    /// The node that answered these.
    pub source: Option<String>,
    pub raft: Option<Result<RaftConfiguration, VaultError>>,
    pub autopilot: Option<Result<AutopilotState, VaultError>>,
    pub ha: Option<Result<HaStatus, VaultError>>,
    pub metrics: Option<Result<MetricsSummary, VaultError>>,
    pub host_memory: Option<Result<HostMemory, VaultError>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ClusterPoll {
    /// When the poll started.
    pub at: DateTime<Utc>,
    pub nodes: Vec<NodeReport>,
    pub cluster: ClusterReport,
}
