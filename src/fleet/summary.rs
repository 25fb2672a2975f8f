//! One fleet row in words: what the view draws and what the tests check. Every server string
//! is sanitised here.

use chrono::{DateTime, Utc};

use super::{FleetRow, STALE_INTERVALS, TokenTtl};
use crate::cluster::alerts::{self, Level};
use crate::cluster::{ClusterState, NodeStatus};
use crate::sanitize::sanitize;

/// The row's overall state (the first column's colour).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowState {
    /// Never answered yet.
    Loading,
    /// Every node unsealed and answering.
    Ok,
    /// Some node is sealed or uninitialised.
    Sealed,
    /// Some nodes answer, others do not.
    Degraded,
    /// No node answered the latest poll (or it timed out).
    Unreachable,
}

impl RowState {
    pub fn label(self) -> &'static str {
        match self {
            RowState::Loading => "…",
            RowState::Ok => "ok",
            RowState::Sealed => "sealed",
            RowState::Degraded => "degraded",
            RowState::Unreachable => "unreachable",
        }
    }
}

/// Raft health from autopilot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RaftSummary {
    pub healthy: bool,
    pub failure_tolerance: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RowSummary {
    /// The context's name (sanitised).
    pub context: String,
    /// The cluster's name from `sys/health`, when it differs from the context's.
    pub cluster_name: Option<String>,
    pub state: RowState,
    pub up: usize,
    pub sealed: usize,
    pub unreachable: usize,
    pub total: usize,
    /// The active node: its raft node id, else its host:port.
    pub leader: Option<String>,
    /// Every version the nodes report, sorted, without repeats.
    pub versions: Vec<String>,
    pub raft: Option<RaftSummary>,
    /// The worst metric alert (warn or critical): its label and value.
    pub alert: Option<(Level, String)>,
    pub token: TokenTtl,
    /// Since the latest poll in which a node answered.
    pub age_secs: Option<i64>,
    pub stale: bool,
    /// Why the latest poll gave nothing (sanitised).
    pub problem: Option<String>,
    pub polling: bool,
}

impl RowSummary {
    pub fn mixed_versions(&self) -> bool {
        self.versions.len() > 1
    }

    pub fn of(row: &FleetRow, now: DateTime<Utc>, interval: std::time::Duration) -> RowSummary {
        let empty = ClusterState::default();
        let c = row.cluster.as_ref().unwrap_or(&empty);
        let statuses: Vec<NodeStatus> = c.nodes.iter().map(|n| n.status()).collect();
        let up = statuses.iter().filter(|s| s.is_unsealed()).count();
        let sealed = statuses
            .iter()
            .filter(|s| matches!(s, NodeStatus::Sealed | NodeStatus::Uninitialized))
            .count();
        let unreachable = statuses
            .iter()
            .filter(|s| matches!(s, NodeStatus::Unreachable | NodeStatus::Error))
            .count();
        let state = state_of(row);
        let mut versions: Vec<String> = c
            .nodes
            .iter()
            .filter(|n| n.last_error.is_none())
            .filter_map(|n| n.health.value().and_then(|h| h.body.version.clone()))
            .map(|v| sanitize(&v).into_owned())
            .collect();
        versions.sort();
        versions.dedup();
        let leader = c.active().map(|n| match &n.node_id {
            Some(id) => sanitize(id).into_owned(),
            None => sanitize(n.short_addr()).into_owned(),
        });
        let raft = c.autopilot.value().map(|a| RaftSummary {
            healthy: a.healthy,
            failure_tolerance: a.failure_tolerance,
        });
        let cluster_name = c
            .nodes
            .iter()
            .filter_map(|n| n.health.value())
            .find_map(|h| h.body.cluster_name.clone())
            .map(|n| sanitize(&n).into_owned())
            .filter(|n| !n.trim().is_empty() && *n != row.context);
        let alert = if row.cluster.is_some() && up + sealed > 0 {
            worst_alert(c, now)
        } else {
            None
        };
        let age_secs = row.last_ok.map(|t| (now - t).num_seconds().max(0));
        let stale_after = (interval.as_secs() * u64::from(STALE_INTERVALS)).max(30);
        let stale = age_secs.is_some_and(|a| u64::try_from(a).unwrap_or(0) > stale_after)
            || (row.dead && row.last_ok.is_some());
        RowSummary {
            context: sanitize(&row.context).into_owned(),
            cluster_name,
            state,
            up,
            sealed,
            unreachable,
            total: c.nodes.len(),
            leader,
            versions,
            raft,
            alert,
            token: row.token.clone(),
            age_secs,
            stale,
            problem: row.problem.as_deref().map(|p| sanitize(p).into_owned()),
            polling: row.in_flight(now),
        }
    }
}

/// The row's state: it depends on the latest poll only, not on the clock.
pub fn state_of(row: &FleetRow) -> RowState {
    let Some(c) = row.cluster.as_ref() else {
        return if row.problem.is_some() || row.dead {
            RowState::Unreachable
        } else {
            RowState::Loading
        };
    };
    let statuses: Vec<NodeStatus> = c.nodes.iter().map(|n| n.status()).collect();
    let up = statuses.iter().filter(|s| s.is_unsealed()).count();
    let sealed = statuses
        .iter()
        .filter(|s| matches!(s, NodeStatus::Sealed | NodeStatus::Uninitialized))
        .count();
    let unreachable = statuses
        .iter()
        .filter(|s| matches!(s, NodeStatus::Unreachable | NodeStatus::Error))
        .count();
    if row.problem.is_some() {
        RowState::Unreachable
    } else if up + sealed > 0 {
        if sealed > 0 {
            RowState::Sealed
        } else if unreachable > 0 {
            RowState::Degraded
        } else {
            RowState::Ok
        }
    } else if unreachable > 0 || row.dead {
        RowState::Unreachable
    } else {
        RowState::Loading
    }
}

impl RowState {
    /// Worst first: unreachable, sealed, degraded, loading, ok.
    pub fn severity(self) -> u8 {
        match self {
            RowState::Unreachable => 0,
            RowState::Sealed => 1,
            RowState::Degraded => 2,
            RowState::Loading => 3,
            RowState::Ok => 4,
        }
    }
}

/// The worst watched metric out of its threshold: critical before warn, the first in the
/// alert rules' order among equals.
pub fn worst_alert(c: &ClusterState, now: DateTime<Utc>) -> Option<(Level, String)> {
    let rows = alerts::evaluate(c, now);
    [Level::Critical, Level::Warn].into_iter().find_map(|lvl| {
        rows.iter()
            .find(|r| r.level == lvl)
            .map(|r| (lvl, format!("{} {}", r.label, sanitize(&r.value_text))))
    })
}

/// The token column: "no token", "∞", "42m", "denied"…
pub fn token_text(t: &TokenTtl, now: DateTime<Utc>) -> String {
    match t {
        TokenTtl::NoToken => "no token".into(),
        TokenTtl::Unknown => "—".into(),
        TokenTtl::NoExpiry => "no expiry".into(),
        TokenTtl::Ttl { secs, at } => {
            let left = *secs - (now - *at).num_seconds();
            if left <= 0 {
                "expired".into()
            } else {
                crate::ui::widgets::age::short(chrono::Duration::seconds(left))
            }
        }
        TokenTtl::Failed(crate::vault::VaultError::PermissionDenied { .. }) => "denied".into(),
        TokenTtl::Failed(_) => "lookup failed".into(),
    }
}

/// Seconds left of the token, when it has a TTL.
pub fn token_left(t: &TokenTtl, now: DateTime<Utc>) -> Option<i64> {
    match t {
        TokenTtl::Ttl { secs, at } => Some(*secs - (now - *at).num_seconds()),
        _ => None,
    }
}

/// A token with less than this left is shown as a warning.
pub const TOKEN_LOW_SECS: i64 = 3600;
