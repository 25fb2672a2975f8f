//! `sys/storage/raft/configuration` and `sys/storage/raft/autopilot/state`.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `data.config` of `GET sys/storage/raft/configuration`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct RaftConfiguration {
    #[serde(default)]
    pub servers: Vec<RaftServer>,
    #[serde(default)]
    pub index: u64,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct RaftServer {
    pub node_id: String,
    /// The cluster address (host:port of the cluster listener), not the API address.
    pub address: String,
    #[serde(default)]
    pub leader: bool,
    #[serde(default)]
    pub protocol_version: String,
    #[serde(default)]
    pub voter: bool,
}

/// `data` of `GET sys/storage/raft/autopilot/state`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct AutopilotState {
    #[serde(default)]
    pub healthy: bool,
    #[serde(default)]
    pub failure_tolerance: i64,
    #[serde(default)]
    pub leader: String,
    #[serde(default)]
    pub voters: Vec<String>,
    #[serde(default)]
    pub servers: BTreeMap<String, AutopilotServer>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct AutopilotServer {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub node_status: String,
    /// A Go duration string such as `"1.2s"` or `"0s"`.
    #[serde(default)]
    pub last_contact: String,
    #[serde(default)]
    pub last_term: u64,
    #[serde(default)]
    pub last_index: u64,
    #[serde(default)]
    pub healthy: bool,
    #[serde(default)]
    pub stable_since: String,
    /// `leader`, `voter` or `non-voter`.
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub node_type: String,
}

/// Body of `POST sys/storage/raft/autopilot/configuration`: the settings to change.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct AutopilotConfigUpdate {
    /// A Go duration such as `"1s"`: how long a joiner must be healthy before autopilot promotes
    /// it to voter (10 s by default).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server_stabilization_time: Option<String>,
}
