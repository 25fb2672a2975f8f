//! `sys/health`, `sys/seal-status`, `sys/leader`, `sys/ha-status`, `sys/host-info`.

use serde::{Deserialize, Serialize};

/// Body of `GET sys/health` (any of its status codes).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct HealthResponse {
    #[serde(default)]
    pub initialized: bool,
    #[serde(default)]
    pub sealed: bool,
    #[serde(default)]
    pub standby: bool,
    #[serde(default)]
    pub performance_standby: bool,
    #[serde(default)]
    pub replication_performance_mode: Option<String>,
    #[serde(default)]
    pub replication_dr_mode: Option<String>,
    #[serde(default)]
    pub server_time_utc: Option<i64>,
    #[serde(default)]
    pub version: Option<String>,
    #[serde(default)]
    pub cluster_name: Option<String>,
    #[serde(default)]
    pub cluster_id: Option<String>,
}

/// What a node is, from the `sys/health` status code semantics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeRole {
    /// 200
    Active,
    /// 429
    Standby,
    /// 473
    PerfStandby,
    /// 472
    DrSecondary,
    /// 503
    Sealed,
    /// 501
    Uninitialized,
}

impl NodeRole {
    pub fn from_status(status: u16, body: &HealthResponse) -> Option<Self> {
        Some(match status {
            200 => NodeRole::Active,
            429 => NodeRole::Standby,
            472 => NodeRole::DrSecondary,
            473 => NodeRole::PerfStandby,
            501 => NodeRole::Uninitialized,
            503 => NodeRole::Sealed,
            _ if !body.initialized => NodeRole::Uninitialized,
            _ if body.sealed => NodeRole::Sealed,
            _ => return None,
        })
    }

    /// True for every role of an unsealed node (active, standby, perf-standby, DR secondary).
    pub fn is_unsealed(self) -> bool {
        !matches!(self, NodeRole::Sealed | NodeRole::Uninitialized)
    }

    pub fn label(self) -> &'static str {
        match self {
            NodeRole::Active => "active",
            NodeRole::Standby => "standby",
            NodeRole::PerfStandby => "perf-standby",
            NodeRole::DrSecondary => "dr-secondary",
            NodeRole::Sealed => "sealed",
            NodeRole::Uninitialized => "uninitialised",
        }
    }
}

/// A `sys/health` answer with its status code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Health {
    pub status: u16,
    pub role: NodeRole,
    pub body: HealthResponse,
}

/// `GET sys/seal-status`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SealStatus {
    #[serde(rename = "type", default)]
    pub seal_type: String,
    #[serde(default)]
    pub initialized: bool,
    #[serde(default)]
    pub sealed: bool,
    #[serde(default)]
    pub t: u32,
    #[serde(default)]
    pub n: u32,
    #[serde(default)]
    pub progress: u32,
    #[serde(default)]
    pub nonce: String,
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub recovery_seal: bool,
    #[serde(default)]
    pub migration: bool,
    #[serde(default)]
    pub storage_type: Option<String>,
    #[serde(default)]
    pub cluster_name: Option<String>,
    #[serde(default)]
    pub cluster_id: Option<String>,
}

/// `GET sys/leader`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct LeaderStatus {
    #[serde(default)]
    pub ha_enabled: bool,
    #[serde(default)]
    pub is_self: bool,
    #[serde(default)]
    pub active_time: Option<String>,
    #[serde(default)]
    pub leader_address: String,
    #[serde(default)]
    pub leader_cluster_address: String,
    #[serde(default)]
    pub raft_committed_index: Option<u64>,
    #[serde(default)]
    pub raft_applied_index: Option<u64>,
}

/// `GET sys/ha-status` → `data`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct HaStatus {
    #[serde(default)]
    pub nodes: Vec<HaNode>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct HaNode {
    #[serde(default)]
    pub hostname: String,
    #[serde(default)]
    pub api_address: String,
    #[serde(default)]
    pub cluster_address: String,
    #[serde(default)]
    pub active_node: bool,
    #[serde(default)]
    pub last_echo: Option<String>,
    #[serde(default)]
    pub version: String,
}

/// The part of `GET sys/host-info` the console uses: memory, for the alloc_bytes threshold.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct HostMemory {
    pub total: u64,
    #[serde(default)]
    pub available: u64,
    #[serde(default)]
    pub used: u64,
}
