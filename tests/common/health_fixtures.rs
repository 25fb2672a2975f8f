//! Cluster states for render snapshots, built from replies captured from a real 3-node OpenBao
//! 2.7.2 raft cluster (tests/fixtures/health/*.json; no tokens inside).
#![allow(dead_code)]

use chrono::{DateTime, Duration, TimeZone, Utc};
use serde::de::DeserializeOwned;

use strongroom::cluster::ClusterState;
use strongroom::vault::VaultError;
use strongroom::vault::models::cluster::{ClusterPoll, ClusterReport, NodeReport};
use strongroom::vault::models::sys::{Health, HealthResponse, NodeRole};

pub const ADDRS: [&str; 3] = [
    "http://127.0.0.1:21480",
    "http://127.0.0.1:21840",
    "http://127.0.0.1:22906",
];
const NAMES: [&str; 3] = ["A", "B", "C"];

/// The fixed clock of every snapshot: a few seconds after the captures.
pub fn now() -> DateTime<Utc> {
    Utc.timestamp_opt(1_795_423_075, 0).single().expect("time")
}

pub fn addrs() -> Vec<String> {
    ADDRS.iter().map(|a| a.to_string()).collect()
}

fn load<T: DeserializeOwned>(name: &str) -> T {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/health")
        .join(name);
    let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn health(file: &str, status: u16) -> Health {
    let body: HealthResponse = load(file);
    Health {
        status,
        role: NodeRole::from_status(status, &body).expect("role"),
        body,
    }
}

fn node_ok(i: usize) -> NodeReport {
    NodeReport {
        addr: ADDRS[i].into(),
        health: Ok(health(
            &format!("health_{}.json", NAMES[i]),
            if i == 0 { 200 } else { 429 },
        )),
        seal: Some(Ok(load(&format!("seal_{}.json", NAMES[i])))),
        leader: Some(Ok(load(&format!("leader_{}.json", NAMES[i])))),
        latency_ms: Some([1, 2, 2][i]),
        metrics: None,
    }
}

fn node_sealed(i: usize) -> NodeReport {
    NodeReport {
        addr: ADDRS[i].into(),
        health: Ok(health("health_C_sealed.json", 503)),
        seal: Some(Ok(load("seal_C_sealed.json"))),
        leader: Some(Err(VaultError::Sealed)),
        latency_ms: Some(1),
        metrics: None,
    }
}

fn node_down(i: usize) -> NodeReport {
    NodeReport {
        addr: ADDRS[i].into(),
        health: Err(VaultError::Connect {
            addr: ADDRS[i].into(),
            reason: "Connection refused (os error 111)".into(),
        }),
        seal: None,
        leader: None,
        latency_ms: Some(0),
        metrics: None,
    }
}

fn cluster_ok() -> ClusterReport {
    ClusterReport {
        source: Some(ADDRS[0].into()),
        raft: Some(Ok(load("raft.json"))),
        autopilot: Some(Ok(load("autopilot.json"))),
        ha: Some(Ok(load("ha.json"))),
        metrics: Some(Ok(load("metrics.json"))),
        host_memory: Some(Ok(load("host_memory.json"))),
    }
}

fn state_with(polls: Vec<ClusterPoll>) -> ClusterState {
    let mut s = ClusterState::new(&addrs());
    for mut p in polls {
        // The captures were taken a few seconds apart; pin the server clocks to the poll time
        // (node B one second ahead) so the skew column is deterministic.
        for (i, n) in p.nodes.iter_mut().enumerate() {
            if let Ok(h) = &mut n.health {
                h.body.server_time_utc = Some(p.at.timestamp() + i64::from(i == 1));
            }
        }
        s.start_poll();
        s.apply(p);
    }
    s
}

fn poll(at: DateTime<Utc>, nodes: Vec<NodeReport>, cluster: ClusterReport) -> ClusterPoll {
    ClusterPoll { at, nodes, cluster }
}

pub fn healthy_cluster() -> ClusterState {
    state_with(vec![poll(
        now() - Duration::seconds(1),
        (0..3).map(node_ok).collect(),
        cluster_ok(),
    )])
}

pub fn one_sealed() -> ClusterState {
    state_with(vec![poll(
        now() - Duration::seconds(1),
        vec![node_ok(0), node_ok(1), node_sealed(2)],
        cluster_ok(),
    )])
}

pub fn one_unreachable() -> ClusterState {
    state_with(vec![poll(
        now() - Duration::seconds(1),
        vec![node_ok(0), node_ok(1), node_down(2)],
        cluster_ok(),
    )])
}

pub fn one_sealed_one_unreachable() -> ClusterState {
    state_with(vec![poll(
        now() - Duration::seconds(1),
        vec![node_ok(0), node_down(1), node_sealed(2)],
        cluster_ok(),
    )])
}

/// A good poll 42 s ago, then a poll where node B and the cluster-wide reads timed out.
pub fn stale() -> ClusterState {
    let timeout = || VaultError::Timeout { secs: 5.0 };
    state_with(vec![
        poll(
            now() - Duration::seconds(42),
            (0..3).map(node_ok).collect(),
            cluster_ok(),
        ),
        poll(
            now() - Duration::seconds(1),
            vec![
                node_ok(0),
                NodeReport {
                    addr: ADDRS[1].into(),
                    health: Err(timeout()),
                    seal: None,
                    leader: None,
                    latency_ms: Some(5000),
                    metrics: None,
                },
                node_ok(2),
            ],
            ClusterReport {
                source: Some(ADDRS[0].into()),
                raft: Some(Err(timeout())),
                autopilot: Some(Err(timeout())),
                ha: Some(Err(timeout())),
                metrics: Some(Err(timeout())),
                host_memory: Some(Err(timeout())),
            },
        ),
    ])
}

/// Nothing answered yet: the first poll is in flight.
pub fn loading() -> ClusterState {
    let mut s = ClusterState::new(&addrs());
    s.start_poll();
    s
}

/// The API address of the captured dev server (its HA status names it).
pub const DEV_ADDR: &str = "http://127.0.0.1:56865";

/// A `bao server -dev` (OpenBao 2.7.2, captured): one node, HA off, inmem storage, raft
/// endpoints answering 404 `unsupported path`, metrics with the stale `cluster=""` series.
pub fn dev_server() -> ClusterState {
    let raft_error = || {
        let body: serde_json::Value = load("dev_raft_error.json");
        let errors = body["errors"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|e| e.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default();
        VaultError::from_status(404, errors)
    };
    let at = now() - Duration::seconds(1);
    let mut s = ClusterState::new(&[DEV_ADDR.to_string()]);
    let mut node = NodeReport {
        addr: DEV_ADDR.into(),
        health: Ok(health("dev_health.json", 200)),
        seal: Some(Ok(load("dev_seal.json"))),
        leader: Some(Ok(load("dev_leader.json"))),
        latency_ms: Some(1),
        metrics: None,
    };
    if let Ok(h) = &mut node.health {
        h.body.server_time_utc = Some(at.timestamp());
    }
    s.start_poll();
    s.apply(poll(
        at,
        vec![node],
        ClusterReport {
            source: Some(DEV_ADDR.into()),
            raft: Some(Err(raft_error())),
            autopilot: Some(Err(raft_error())),
            ha: Some(Ok(load("dev_ha.json"))),
            metrics: Some(Ok(load("dev_metrics.json"))),
            host_memory: Some(Ok(load("dev_host_memory.json"))),
        },
    ));
    s
}
