//! Cluster health state: what the console knows about every node, raft, autopilot and metrics.
//! Pure data and pure transitions: replies from the worker are applied here, the UI reads it.

pub mod alerts;
pub mod discovery;
pub mod history;

pub use discovery::{DiscoveryNote, MAX_DISCOVERED};

use chrono::{DateTime, Utc};

use crate::remote::Remote;
use crate::vault::error::VaultError;
use crate::vault::models::cluster::{ClusterPoll, NodeReport};
use crate::vault::models::metrics::MetricsSummary;
use crate::vault::models::raft::{AutopilotState, RaftConfiguration};
use crate::vault::models::sys::{HaStatus, Health, HostMemory, LeaderStatus, NodeRole, SealStatus};

/// The state of one node as the console shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeStatus {
    /// Never answered yet.
    Unknown,
    /// The last poll could not reach it.
    Unreachable,
    Uninitialized,
    Sealed,
    Active,
    Standby,
    PerfStandby,
    DrSecondary,
    /// It answered, but not as `sys/health` should (bad reply, 5xx).
    Error,
}

impl NodeStatus {
    pub fn label(self) -> &'static str {
        match self {
            NodeStatus::Unknown => "…",
            NodeStatus::Unreachable => "unreachable",
            NodeStatus::Uninitialized => "uninitialised",
            NodeStatus::Sealed => "sealed",
            NodeStatus::Active => "active",
            NodeStatus::Standby => "standby",
            NodeStatus::PerfStandby => "perf-standby",
            NodeStatus::DrSecondary => "dr-secondary",
            NodeStatus::Error => "error",
        }
    }

    pub fn is_unsealed(self) -> bool {
        matches!(
            self,
            NodeStatus::Active
                | NodeStatus::Standby
                | NodeStatus::PerfStandby
                | NodeStatus::DrSecondary
        )
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct NodeState {
    /// API address, `http://127.0.0.1:8200`.
    pub addr: String,
    /// Raft node id, once known.
    pub node_id: Option<String>,
    /// Found through the cluster's HA status rather than configured.
    pub discovered: bool,
    pub health: Remote<Health>,
    pub seal: Remote<SealStatus>,
    pub leader: Remote<LeaderStatus>,
    /// The error of the latest health request, typed.
    pub last_error: Option<VaultError>,
    pub latency_ms: Option<u64>,
}

impl NodeState {
    pub fn new(addr: impl Into<String>, discovered: bool) -> Self {
        Self {
            addr: addr.into(),
            node_id: None,
            discovered,
            health: Remote::NotAsked,
            seal: Remote::NotAsked,
            leader: Remote::NotAsked,
            last_error: None,
            latency_ms: None,
        }
    }

    pub fn status(&self) -> NodeStatus {
        if let Some(err) = &self.last_error {
            return if err.is_unreachable() {
                NodeStatus::Unreachable
            } else {
                NodeStatus::Error
            };
        }
        match self.health.value() {
            None => NodeStatus::Unknown,
            Some(h) => match h.role {
                NodeRole::Active => NodeStatus::Active,
                NodeRole::Standby => NodeStatus::Standby,
                NodeRole::PerfStandby => NodeStatus::PerfStandby,
                NodeRole::DrSecondary => NodeStatus::DrSecondary,
                NodeRole::Sealed => NodeStatus::Sealed,
                NodeRole::Uninitialized => NodeStatus::Uninitialized,
            },
        }
    }

    /// Server clock minus ours, in seconds, from `server_time_utc` of the latest health answer;
    /// an absurd server time (overflow, beyond ten years) is [`alerts::Skew::Invalid`].
    pub fn time_skew_secs(&self) -> Option<alerts::Skew> {
        let s = self.health.stamped()?;
        let server = s.value.body.server_time_utc?;
        Some(alerts::skew(server, s.at.timestamp()))
    }

    /// host:port without the scheme, for narrow columns.
    pub fn short_addr(&self) -> &str {
        crate::addr::strip_scheme(&self.addr)
    }

    fn apply(&mut self, report: NodeReport, at: DateTime<Utc>) {
        self.latency_ms = report.latency_ms;
        match report.health {
            Ok(h) => {
                self.last_error = None;
                self.health.succeed(h, at);
            }
            Err(e) => {
                self.health.fail(e.clone(), at);
                self.last_error = Some(e);
            }
        }
        match report.seal {
            Some(r) => self.seal.apply(r, at),
            None => self.seal.fail(VaultError::NotAsked("node unreachable"), at),
        }
        match report.leader {
            Some(r) => self.leader.apply(r, at),
            None => self
                .leader
                .fail(VaultError::NotAsked("node unreachable"), at),
        }
    }
}

/// Metrics: the latest snapshot plus the last time each watched metric was seen, because the JSON
/// form only holds the last 10 s window and usage gauges (token count) come every few minutes.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MetricsState {
    pub current: Remote<MetricsSummary>,
    /// Last value of each watched metric with when it was seen.
    pub last_seen: std::collections::BTreeMap<String, (f64, DateTime<Utc>)>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ClusterState {
    pub nodes: Vec<NodeState>,
    /// The node that answered the cluster-wide reads of the latest poll.
    pub source: Option<String>,
    pub raft: Remote<RaftConfiguration>,
    pub autopilot: Remote<AutopilotState>,
    pub ha: Remote<HaStatus>,
    pub metrics: MetricsState,
    pub host_memory: Remote<HostMemory>,
    /// The last hour of the key metrics of every configured node (see [`history`]).
    pub history: history::MetricHistory,
    /// When the latest poll reply was applied.
    pub last_poll: Option<DateTime<Utc>>,
    /// Listed addresses that were not followed, from the latest HA status.
    pub discovery: DiscoveryNote,
    /// The name of the console's context (a cluster seal's fallback name).
    pub context: String,
}

impl ClusterState {
    pub fn new(addrs: &[String]) -> Self {
        Self {
            nodes: addrs
                .iter()
                .map(|a| NodeState::new(normalize_addr(a), false))
                .collect(),
            ..Default::default()
        }
    }

    pub fn node_addrs(&self) -> Vec<String> {
        self.nodes.iter().map(|n| n.addr.clone()).collect()
    }

    /// A poll went out.
    pub fn start_poll(&mut self) {
        for n in &mut self.nodes {
            n.health.start_loading();
        }
    }

    /// The node to send authenticated reads to: a configured one (the token goes nowhere else),
    /// the active one when known, else an unsealed one, else the first configured.
    pub fn api_addr(&self) -> Option<String> {
        let configured = || self.nodes.iter().filter(|n| !n.discovered);
        configured()
            .find(|n| n.status() == NodeStatus::Active)
            .or_else(|| configured().find(|n| n.status().is_unsealed()))
            .or_else(|| configured().next())
            .map(|n| n.addr.clone())
    }

    /// The cluster's name as `sys/health` says it (sanitised), else the context's name.
    pub fn display_name(&self) -> String {
        self.nodes
            .iter()
            .filter_map(|n| n.health.value())
            .find_map(|h| h.body.cluster_name.clone())
            .filter(|n| !n.trim().is_empty())
            .map(|n| crate::sanitize::sanitize(&n).into_owned())
            .unwrap_or_else(|| crate::sanitize::sanitize(&self.context).into_owned())
    }

    /// The active node, if any node says it is active.
    pub fn active(&self) -> Option<&NodeState> {
        self.nodes.iter().find(|n| n.status() == NodeStatus::Active)
    }

    /// True when every node answered and none is sealed or uninitialised.
    pub fn all_unsealed(&self) -> bool {
        !self.nodes.is_empty() && self.nodes.iter().all(|n| n.status().is_unsealed())
    }

    pub fn any_sealed(&self) -> bool {
        self.nodes
            .iter()
            .any(|n| matches!(n.status(), NodeStatus::Sealed | NodeStatus::Uninitialized))
    }

    /// Apply one poll reply.
    pub fn apply(&mut self, poll: ClusterPoll) {
        let at = poll.at;
        for report in poll.nodes {
            let addr = normalize_addr(&report.addr);
            if let Some(n) = self.nodes.iter_mut().find(|n| n.addr == addr) {
                // Only configured nodes are read with the token: a discovered one has no history.
                if !n.discovered {
                    let read = report.metrics.as_ref().and_then(|r| r.as_ref().ok());
                    self.history.record(&addr, at, read);
                }
                n.apply(report, at);
            }
        }
        let c = poll.cluster;
        self.source = c.source;
        if let Some(r) = c.raft {
            self.raft.apply(r, at);
        }
        if let Some(r) = c.autopilot {
            self.autopilot.apply(r, at);
        }
        if let Some(r) = c.ha {
            self.ha.apply(r, at);
        }
        if let Some(r) = c.host_memory {
            self.host_memory.apply(r, at);
        }
        if let Some(r) = c.metrics {
            if let Ok(m) = &r {
                for name in alerts::WATCHED {
                    if let Some(v) = alerts::read_metric(m, name) {
                        self.metrics.last_seen.insert((*name).to_string(), (v, at));
                    }
                }
            }
            self.metrics.current.apply(r, at);
        }
        self.discover();
        // Nodes that left the cluster state drop their history.
        let configured: std::collections::HashSet<&str> = self
            .nodes
            .iter()
            .filter(|n| !n.discovered)
            .map(|n| n.addr.as_str())
            .collect();
        self.history.retain(|a| configured.contains(a));
        self.last_poll = Some(at);
    }

    /// Follow the nodes the HA status lists (see [`discovery`] for the rules), drop discovered
    /// nodes no longer listed, and attach raft node ids by cluster address.
    fn discover(&mut self) {
        let Some(ha) = self.ha.value().cloned() else {
            return;
        };
        let raft = self.raft.value().cloned();
        let https_only = self
            .nodes
            .iter()
            .any(|n| !n.discovered && n.addr.starts_with("https://"));
        let mut note = DiscoveryNote::default();
        let configured: std::collections::HashSet<String> = self
            .nodes
            .iter()
            .filter(|n| !n.discovered)
            .map(|n| n.addr.clone())
            .collect();
        let mut listed: std::collections::HashSet<String> = std::collections::HashSet::new();
        let mut following = 0;
        for hn in &ha.nodes {
            if hn.api_address.is_empty() {
                continue;
            }
            let addr = match discovery::discovered_addr(&hn.api_address, https_only) {
                Ok(a) => a,
                Err(why) => {
                    // A configured address is listed as configured, whatever its form.
                    let as_configured = normalize_addr(&hn.api_address);
                    if configured.contains(&as_configured) {
                        as_configured
                    } else {
                        note.reject(&hn.api_address, why);
                        continue;
                    }
                }
            };
            if listed.contains(&addr) {
                continue;
            }
            if !configured.contains(&addr) {
                if following >= MAX_DISCOVERED {
                    note.not_followed += 1;
                    continue;
                }
                following += 1;
                if !self.nodes.iter().any(|n| n.addr == addr) {
                    self.nodes.push(NodeState::new(addr.clone(), true));
                }
            }
            listed.insert(addr.clone());
            if let Some(rc) = &raft {
                let cluster_hp = strip_scheme(&hn.cluster_address);
                if let Some(s) = rc.servers.iter().find(|s| s.address == cluster_hp)
                    && let Some(n) = self.nodes.iter_mut().find(|n| n.addr == addr)
                {
                    n.node_id = Some(s.node_id.clone());
                }
            }
        }
        // A discovered node that is no longer listed drops off.
        self.nodes
            .retain(|n| !n.discovered || listed.contains(&n.addr));
        self.discovery = note;
    }
}

/// `127.0.0.1:8200` → `https://127.0.0.1:8200`; no trailing slash (see [`crate::addr`]).
pub fn normalize_addr(addr: &str) -> String {
    crate::addr::normalize(addr)
}

use crate::addr::strip_scheme;
