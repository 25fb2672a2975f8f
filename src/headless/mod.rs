//! `strongroom status`: the health of every node of the context, for scripts. Exit codes follow
//! `bao status`: 0 when every node is unsealed, 2 when any is sealed (or uninitialised), 1 on
//! error (a node unreachable or answering with an error, or bad settings); an error wins over
//! sealed. Nodes found in the cluster's HA status are polled too, so one address is enough.
//!
//! `--format json` prints one object (stable: fields are only ever added). Every string is
//! sanitised; no token is ever printed. Fields a node did not answer are `null`:
//! ```json
//! {
//!   "context": "default",
//!   "overall": "ok",                      // "ok" (exit 0) | "sealed" (2) | "error" (1)
//!   "nodes": [{
//!     "addr": "http://127.0.0.1:8200",
//!     "node_id": "node1",                 // raft node id, when raft is in use
//!     "state": "active",                  // active | standby | perf-standby | dr-secondary |
//!                                         // sealed | uninitialised | unreachable | error
//!     "initialized": true, "sealed": false,
//!     "version": "2.7.2", "cluster_name": "sandbox", "cluster_id": "528f…",
//!     "seal_type": "shamir", "threshold": 3, "shares": 5, "unseal_progress": 0,
//!     "leader_address": "http://127.0.0.1:8200",   // null without HA
//!     "error": null                       // the node's error, when state is unreachable/error
//!   }]
//! }
//! ```
// Headless subcommand: its job is to print results to stdout and errors to stderr.
#![allow(clippy::print_stdout, clippy::print_stderr)]

pub mod audit;
pub mod audit_report;
pub mod audit_search;
pub mod audit_search_fmt;
pub mod expiring;
pub mod fleet;
pub mod kv_find;
pub mod leases_ls;
pub mod runbook;
pub mod tokens;

use serde::Serialize;

use crate::cli::Format;
use crate::cluster::{ClusterState, NodeState, NodeStatus};
use crate::config::ConnectionProfile;
use crate::sanitize::sanitize;
use crate::vault::VaultError;
use crate::vault::worker::Worker;

#[derive(Debug, Serialize)]
pub struct StatusReport {
    pub context: String,
    /// "ok", "sealed" or "error": the meaning of the exit code.
    pub overall: &'static str,
    pub nodes: Vec<NodeLine>,
    /// Why the context could not be polled at all (`status --all-contexts`: a bad CA file, no
    /// answer in time); absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct NodeLine {
    pub addr: String,
    pub node_id: Option<String>,
    pub state: &'static str,
    pub initialized: Option<bool>,
    pub sealed: Option<bool>,
    pub version: Option<String>,
    pub cluster_name: Option<String>,
    pub cluster_id: Option<String>,
    pub seal_type: Option<String>,
    pub threshold: Option<u32>,
    pub shares: Option<u32>,
    pub unseal_progress: Option<u32>,
    pub leader_address: Option<String>,
    pub error: Option<String>,
}

/// Poll the context's cluster once (twice when nodes are discovered) and print the result.
pub async fn status(profile: &ConnectionProfile, format: Format) -> i32 {
    let worker = match Worker::new(profile) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("strongroom: {e}");
            return 1;
        }
    };
    let mut state = ClusterState::new(&profile.addrs);
    state.apply(worker.poll_cluster(&state.node_addrs()).await);
    if state.nodes.iter().any(|n| n.discovered) {
        state.apply(worker.poll_cluster(&state.node_addrs()).await);
    }
    if let Some(e) = state
        .ha
        .error()
        .filter(|e| matches!(e, VaultError::PermissionDenied { .. }))
    {
        eprintln!(
            "strongroom: note: other nodes of the cluster were not looked up (sys/ha-status: {}); \
             give a token, or one --addr per node",
            sanitize(&e.to_string())
        );
    }
    if !state.discovery.is_empty() {
        eprintln!(
            "strongroom: note: sys/ha-status: {}",
            state.discovery.summary()
        );
    }
    let (report, code) = build_report(&profile.context, &state);
    match format {
        Format::Json => match serde_json::to_string_pretty(&report) {
            Ok(s) => println!("{s}"),
            Err(e) => {
                eprintln!("strongroom: {e}");
                return 1;
            }
        },
        Format::Table => print!("{}", render_table(&report)),
    }
    code
}

/// The report and its exit code.
pub fn build_report(context: &str, state: &ClusterState) -> (StatusReport, i32) {
    let nodes: Vec<NodeLine> = state.nodes.iter().map(node_line).collect();
    let error = state.nodes.is_empty()
        || state.nodes.iter().any(|n| {
            matches!(
                n.status(),
                NodeStatus::Unreachable | NodeStatus::Error | NodeStatus::Unknown
            )
        });
    let (overall, code) = if error {
        ("error", 1)
    } else if state.any_sealed() {
        ("sealed", 2)
    } else {
        ("ok", 0)
    };
    (
        StatusReport {
            context: sanitize(context).into_owned(),
            overall,
            nodes,
            error: None,
        },
        code,
    )
}

fn node_line(n: &NodeState) -> NodeLine {
    let health = n.health.value().filter(|_| n.last_error.is_none());
    let seal = n.seal.value().filter(|_| n.last_error.is_none());
    let leader = n.leader.value().filter(|_| n.last_error.is_none());
    let s = |v: &Option<String>| v.as_deref().map(|x| sanitize(x).into_owned());
    NodeLine {
        addr: sanitize(&n.addr).into_owned(),
        node_id: s(&n.node_id),
        state: n.status().label(),
        initialized: health.map(|h| h.body.initialized),
        sealed: health.map(|h| h.body.sealed),
        version: health.and_then(|h| s(&h.body.version)),
        cluster_name: health.and_then(|h| s(&h.body.cluster_name)),
        cluster_id: health.and_then(|h| s(&h.body.cluster_id)),
        seal_type: seal.map(|x| sanitize(&x.seal_type).into_owned()),
        threshold: seal.map(|x| x.t),
        shares: seal.map(|x| x.n),
        unseal_progress: seal.map(|x| x.progress),
        leader_address: leader
            .filter(|l| l.ha_enabled && !l.leader_address.is_empty())
            .map(|l| sanitize(&l.leader_address).into_owned()),
        error: n
            .last_error
            .as_ref()
            .map(|e| sanitize(&e.to_string()).into_owned()),
    }
}

fn yes_no(v: Option<bool>) -> &'static str {
    match v {
        Some(true) => "yes",
        Some(false) => "no",
        None => "-",
    }
}

/// A plain table, one node per row, then one line per error.
pub fn render_table(r: &StatusReport) -> String {
    let header = [
        "NODE", "STATE", "INIT", "SEALED", "VERSION", "SEAL", "T/N", "PROGRESS", "LEADER",
        "CLUSTER",
    ];
    let rows: Vec<Vec<String>> = r
        .nodes
        .iter()
        .map(|n| {
            vec![
                crate::addr::strip_scheme(&n.addr).to_string(),
                n.state.to_string(),
                yes_no(n.initialized).to_string(),
                yes_no(n.sealed).to_string(),
                n.version.clone().unwrap_or_else(|| "-".into()),
                n.seal_type.clone().unwrap_or_else(|| "-".into()),
                match (n.threshold, n.shares) {
                    (Some(t), Some(s)) => format!("{t}/{s}"),
                    _ => "-".into(),
                },
                match (n.unseal_progress, n.threshold) {
                    (Some(p), Some(t)) => format!("{p}/{t}"),
                    _ => "-".into(),
                },
                n.leader_address.clone().unwrap_or_else(|| "-".into()),
                n.cluster_name.clone().unwrap_or_else(|| "-".into()),
            ]
        })
        .collect();
    // A server chooses these texts: cap each cell (a `format!` width of 65,536 or more panics,
    // and no terminal shows such a line usefully anyway).
    let rows: Vec<Vec<String>> = rows
        .into_iter()
        .map(|r| r.into_iter().map(|c| cap_cell(&c)).collect())
        .collect();
    let mut widths: Vec<usize> = header.iter().map(|h| h.len()).collect();
    for row in &rows {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(c.chars().count());
        }
    }
    let mut out = format!("context {} — {}\n", r.context, r.overall);
    if let Some(e) = &r.error {
        out += &format!("{}\n", cap_line(e));
        if r.nodes.is_empty() {
            return out;
        }
    }
    let fmt_row = |cells: Vec<String>| -> String {
        let mut line = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| pad(c, *w))
            .collect::<Vec<_>>()
            .join("  ");
        line.truncate(line.trim_end().len());
        line + "\n"
    };
    out += &fmt_row(header.iter().map(|h| h.to_string()).collect());
    for row in rows {
        out += &fmt_row(row);
    }
    for n in &r.nodes {
        match &n.error {
            // "cannot connect to <addr>: …" names the node already.
            Some(e) if e.contains(&n.addr) => out += &format!("{}\n", cap_line(e)),
            Some(e) => out += &format!("{}: {}\n", cap_cell(&n.addr), cap_line(e)),
            None => {}
        }
    }
    out
}

/// The widest a table cell gets, in characters.
const MAX_CELL: usize = 64;
/// The longest error line printed under the table.
const MAX_LINE: usize = 1000;

fn cap(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

fn cap_cell(s: &str) -> String {
    cap(s, MAX_CELL)
}

fn cap_line(s: &str) -> String {
    cap(s, MAX_LINE)
}

/// Left-align `s` in `width` characters without a `format!` width.
fn pad(s: &str, width: usize) -> String {
    let n = s.chars().count();
    let mut out = String::with_capacity(s.len() + width.saturating_sub(n));
    out.push_str(s);
    out.extend(std::iter::repeat_n(' ', width.saturating_sub(n)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vault::error::VaultError;
    use crate::vault::models::cluster::{ClusterPoll, ClusterReport, NodeReport};
    use crate::vault::models::sys::{Health, HealthResponse, NodeRole, SealStatus};

    fn answered(addr: &str, status: u16) -> NodeReport {
        let body = HealthResponse {
            initialized: status != 501,
            sealed: matches!(status, 501 | 503),
            standby: status != 200,
            version: Some("2.7.2".into()),
            cluster_name: (status == 200).then(|| "dev\x1b[31m".into()),
            ..Default::default()
        };
        let role = NodeRole::from_status(status, &body).expect("a health status");
        NodeReport {
            addr: addr.into(),
            seal: Some(Ok(SealStatus {
                seal_type: "shamir".into(),
                sealed: body.sealed,
                initialized: body.initialized,
                t: 3,
                n: 5,
                progress: 1,
                ..Default::default()
            })),
            leader: Some(Err(VaultError::Sealed)),
            health: Ok(Health { status, role, body }),
            latency_ms: Some(1),
            metrics: None,
        }
    }

    fn unreachable(addr: &str) -> NodeReport {
        NodeReport {
            addr: addr.into(),
            health: Err(VaultError::Connect {
                addr: addr.into(),
                reason: "Connection refused (os error 111)".into(),
            }),
            seal: None,
            leader: None,
            latency_ms: Some(1),
            metrics: None,
        }
    }

    fn report(nodes: Vec<NodeReport>) -> (StatusReport, i32) {
        let addrs: Vec<String> = nodes.iter().map(|n| n.addr.clone()).collect();
        let mut state = ClusterState::new(&addrs);
        state.apply(ClusterPoll {
            at: chrono::Utc::now(),
            nodes,
            cluster: ClusterReport::default(),
        });
        build_report("ctx", &state)
    }

    const A: &str = "http://127.0.0.1:8200";
    const B: &str = "http://127.0.0.1:8210";

    #[test]
    fn huge_server_fields_are_capped_not_a_panic() {
        let mut n = answered(A, 200);
        if let Ok(h) = &mut n.health {
            h.body.version = Some("9".repeat(70_000));
            h.body.cluster_name = Some("c".repeat(1_000_000));
        }
        let (r, code) = report(vec![n]);
        assert_eq!(code, 0);
        let table = render_table(&r);
        assert!(
            table.lines().all(|l| l.chars().count() < 1000),
            "a line too long"
        );
        assert!(table.contains(&format!("{}…", "9".repeat(MAX_CELL - 1))));
    }

    #[test]
    fn exit_codes_follow_bao_status() {
        assert_eq!(report(vec![answered(A, 200), answered(B, 429)]).1, 0);
        assert_eq!(report(vec![answered(A, 200), answered(B, 503)]).1, 2);
        assert_eq!(report(vec![answered(A, 501)]).1, 2);
        // An error wins over sealed.
        assert_eq!(report(vec![answered(A, 503), unreachable(B)]).1, 1);
        assert_eq!(report(vec![]).1, 1);
    }

    #[test]
    fn the_table_and_json_are_sanitised_and_complete() {
        let (r, code) = report(vec![answered(A, 200), unreachable(B)]);
        assert_eq!((r.overall, code), ("error", 1));
        let table = render_table(&r);
        assert!(!table.contains('\x1b'), "{table}");
        assert!(table.contains("dev�[31m"), "{table}");
        assert!(table.contains("127.0.0.1:8210  unreachable"), "{table}");
        assert!(
            table.contains("\ncannot connect to http://127.0.0.1:8210: Connection refused"),
            "{table}"
        );
        let v = serde_json::to_value(&r).expect("json");
        assert_eq!(v["nodes"][0]["state"], "active");
        assert_eq!(v["nodes"][0]["threshold"], 3);
        assert_eq!(v["nodes"][1]["state"], "unreachable");
        assert_eq!(v["nodes"][1]["sealed"], serde_json::Value::Null);
        let keys: Vec<&str> = v["nodes"][0]
            .as_object()
            .map(|o| o.keys().map(String::as_str).collect())
            .unwrap_or_default();
        assert_eq!(keys.len(), 14, "{keys:?}");
    }
}
