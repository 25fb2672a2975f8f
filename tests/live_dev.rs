//! The Vault client and worker against a real `bao server -dev` (and an uninitialised server).
// Test crate: helpers outside #[test] fns fail the test with a message via expect.
#![allow(clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use common::dev::DevServer;
use strongroom::cluster::{ClusterState, NodeStatus};
use strongroom::command::{Command, Request};
use strongroom::event::Msg;
use strongroom::vault::models::metrics::MetricsSummary;
use strongroom::vault::models::sys::NodeRole;
use strongroom::vault::raft::is_raft_not_in_use;
use strongroom::vault::worker::{Reply, Worker, WorkerHandle};
use strongroom::vault::{VaultClient, VaultError};
use strongroom::write_gate::Mutation;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

fn worker(addrs: &[String], token: Option<&str>) -> Worker {
    Worker::new(&common::profile_for(addrs, token)).expect("worker")
}

#[tokio::test]
async fn reads_health_seal_leader_ha_and_metrics() {
    let dev = DevServer::start();
    let w = worker(std::slice::from_ref(&dev.addr), Some(&dev.root_token));
    let c = w.client(&dev.addr).expect("a configured address");

    let h = c.health().await.expect("health");
    assert_eq!((h.status, h.role), (200, NodeRole::Active));
    assert!(h.body.initialized && !h.body.sealed && !h.body.standby);
    assert!(h.body.cluster_name.is_some() && h.body.server_time_utc.is_some());

    let s = c.seal_status().await.expect("seal-status");
    assert_eq!(
        (s.sealed, s.t, s.n, s.seal_type.as_str()),
        (false, 1, 1, "shamir")
    );
    assert_eq!(s.storage_type.as_deref(), Some("inmem"));
    assert_eq!(h.body.version.as_deref(), Some(s.version.as_str()));

    let l = c.leader().await.expect("leader");
    assert!(!l.ha_enabled, "a dev server has no HA");

    let ha = c.ha_status().await.expect("ha-status");
    assert_eq!(ha.nodes.len(), 1);
    assert_eq!(ha.nodes[0].api_address, dev.addr);
    assert!(ha.nodes[0].active_node);

    let m = settled_metrics(&c).await;
    assert_eq!(m.gauge("vault.core.unsealed"), Some(1.0));
    if let Some(active) = m.gauge("vault.core.active") {
        assert_eq!(active, 1.0);
    }

    // Raft storage is not in use on a dev server: 404 "unsupported path", recognisably so.
    for err in [
        c.raft_configuration().await.expect_err("no raft"),
        c.autopilot_state().await.expect_err("no autopilot"),
    ] {
        assert!(matches!(err, VaultError::NotFound { .. }), "{err:?}");
        assert!(is_raft_not_in_use(&err), "{err:?}");
        assert_eq!(err.to_string(), "not found: unsupported path");
    }

    let mem = c
        .host_memory()
        .await
        .expect("host-info with the root token");
    assert!(mem.total > 0 && mem.used > 0);
}

/// `sys/metrics` once the server's first metrics loop has run: for about a second after start
/// the window holds only a few gauges (`vault.core.active` comes with the loop).
async fn settled_metrics(c: &VaultClient) -> MetricsSummary {
    // The loop's gauges can miss a 10 s window on a loaded machine: wait a bounded time, then
    // take what there is (the callers only rely on `vault.core.unsealed`, which is always sent).
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let m = c.metrics().await.expect("metrics");
        if m.gauge("vault.core.active").is_some() || Instant::now() >= deadline {
            return m;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn a_bad_token_is_permission_denied() {
    let dev = DevServer::start();
    let w = worker(
        std::slice::from_ref(&dev.addr),
        Some("s.thisisnotavalidtoken0000"),
    );
    let c = w.client(&dev.addr).expect("a configured address");
    // (The dev listener serves metrics without a token; ha-status needs one.)
    for err in [
        c.ha_status().await.expect_err("bad token"),
        c.host_memory().await.expect_err("bad token"),
        // The token is checked before the path: not "raft not in use".
        c.raft_configuration().await.expect_err("bad token"),
    ] {
        assert!(
            matches!(err, VaultError::PermissionDenied { .. }),
            "{err:?}"
        );
        assert_eq!(err.to_string(), "permission denied: permission denied");
        assert!(!is_raft_not_in_use(&err));
    }
    let seal = c.seal().await.expect_err("a bad token cannot seal");
    assert!(
        matches!(seal, VaultError::PermissionDenied { .. }),
        "{seal:?}"
    );
    // Health and seal-status need no token.
    assert_eq!(c.health().await.map(|h| h.role), Ok(NodeRole::Active));
    assert!(c.seal_status().await.is_ok());
}

#[tokio::test]
async fn an_unreachable_node_is_a_prompt_connect_error() {
    let addr = format!("http://127.0.0.1:{}", common::free_port());
    let w = worker(std::slice::from_ref(&addr), None);
    let started = Instant::now();
    let err = w
        .client(&addr)
        .expect("a configured address")
        .health()
        .await
        .expect_err("nothing listens");
    assert!(matches!(err, VaultError::Connect { .. }), "{err:?}");
    assert!(err.is_unreachable());
    assert!(
        err.to_string()
            .starts_with(&format!("cannot connect to {addr}"))
    );
    assert!(started.elapsed() < Duration::from_secs(3));

    // A poll of nothing but that node: a report that says so, nothing cluster-wide asked.
    let poll = w.poll_cluster(std::slice::from_ref(&addr)).await;
    assert_eq!(poll.nodes.len(), 1);
    assert!(poll.nodes[0].health.is_err());
    assert_eq!(
        (poll.nodes[0].seal.clone(), poll.nodes[0].leader.clone()),
        (None, None)
    );
    assert_eq!(poll.cluster.source, None);
    assert!(poll.cluster.metrics.is_none() && poll.cluster.raft.is_none());
}

#[tokio::test]
async fn a_poll_shows_reachable_unreachable_and_then_sealed_nodes() {
    let dev = DevServer::start();
    let dead = format!("http://127.0.0.1:{}", common::free_port());
    let addrs = vec![dev.addr.clone(), dead.clone()];
    let w = worker(&addrs, Some(&dev.root_token));
    let mut state = ClusterState::new(&addrs);

    let before = chrono::Utc::now();
    let poll = w.poll_cluster(&state.node_addrs()).await;
    assert!(poll.at >= before && poll.at <= chrono::Utc::now());
    state.apply(poll);
    assert_eq!(state.nodes[0].status(), NodeStatus::Active);
    assert_eq!(state.nodes[1].status(), NodeStatus::Unreachable);
    assert!(matches!(
        state.nodes[1].last_error,
        Some(VaultError::Connect { .. })
    ));
    assert_eq!(state.source.as_deref(), Some(dev.addr.as_str()));
    assert!(state.metrics.current.value().is_some());
    assert!(state.ha.value().is_some());
    assert!(state.host_memory.value().is_some());
    assert_eq!(
        state.raft.error(),
        Some("not found: unsupported path"),
        "raft is not in use on a dev server"
    );
    assert_eq!(state.nodes.len(), 2, "ha-status discovers no other node");

    // Seal through the worker's write path.
    let out = w
        .write(&Mutation::SealNode {
            addr: dev.addr.clone(),
        })
        .await;
    assert_eq!(out.result, Ok(()));
    assert_eq!(out.summary, format!("sealed {}", dev.addr));

    let poll = w.poll_cluster(&state.node_addrs()).await;
    // Nothing unsealed: the cluster-wide reads are not asked.
    assert_eq!(poll.cluster, Default::default());
    state.apply(poll);
    let n = &state.nodes[0];
    assert_eq!(n.status(), NodeStatus::Sealed);
    assert_eq!(n.health.value().map(|h| h.status), Some(503));
    assert_eq!(n.seal.value().map(|s| s.sealed), Some(true));
    // The poll reports a sealed node's leader as sealed without asking (see `Worker`).
    assert_eq!(n.leader.error(), Some("node is sealed"));
    assert!(state.any_sealed());

    // What the sealed dev server itself answers: token-authenticated reads are refused...
    let c = w.client(&dev.addr).expect("a configured address");
    assert_eq!(c.ha_status().await, Err(VaultError::Sealed));
    assert_eq!(c.host_memory().await, Err(VaultError::Sealed));
    assert_eq!(c.raft_configuration().await, Err(VaultError::Sealed));
    // ...but its leader endpoint still says "no HA" (a sealed raft node answers 503) and its
    // listener still serves metrics, which soon say unsealed 0.
    assert_eq!(c.leader().await.map(|l| l.ha_enabled), Ok(false));
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let m = c
            .metrics()
            .await
            .expect("metrics while sealed (dev listener)");
        if m.gauge("vault.core.unsealed") == Some(0.0) {
            break;
        }
        assert!(Instant::now() < deadline, "vault.core.unsealed stays 1");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // A write to an unreachable node: a typed error in the outcome, no panic.
    let out = w.write(&Mutation::StepDown { addr: dead.clone() }).await;
    assert!(
        matches!(out.result, Err(VaultError::Connect { .. })),
        "{out:?}"
    );
}

#[tokio::test]
async fn an_uninitialised_server_is_reported_as_such() {
    let srv = DevServer::start_uninitialized();
    let w = worker(std::slice::from_ref(&srv.addr), None);
    let c = w.client(&srv.addr).expect("a configured address");
    let h = c.health().await.expect("health answers 501 as a state");
    assert_eq!((h.status, h.role), (501, NodeRole::Uninitialized));
    assert!(!h.body.initialized && h.body.sealed);
    let s = c.seal_status().await.expect("seal-status");
    assert_eq!((s.initialized, s.t, s.n), (false, 0, 0));

    let mut state = ClusterState::new(std::slice::from_ref(&srv.addr));
    let poll = w.poll_cluster(&state.node_addrs()).await;
    assert_eq!(poll.cluster.source, None);
    state.apply(poll);
    assert_eq!(state.nodes[0].status(), NodeStatus::Uninitialized);
    assert!(state.any_sealed() && !state.all_unsealed());
}

/// Receive the next message or fail after a bounded wait.
async fn next_msg(rx: &mut mpsc::UnboundedReceiver<Msg>) -> Option<Msg> {
    tokio::time::timeout(Duration::from_secs(15), rx.recv())
        .await
        .expect("the worker replied in time")
}

#[tokio::test]
async fn the_worker_handle_answers_each_job_with_its_sequence_number() {
    let dev = DevServer::start();
    let addrs = vec![dev.addr.clone()];
    let (tx, mut rx) = mpsc::unbounded_channel();
    let cancel = CancellationToken::new();
    let handle = WorkerHandle::spawn(worker(&addrs, Some(&dev.root_token)), tx, cancel.clone());

    handle.send(&Command::Quit); // not the worker's: ignored
    handle.send(&Command::Fetch {
        seq: 7,
        request: Request::PollCluster {
            nodes: addrs.clone(),
        },
    });
    match next_msg(&mut rx).await {
        Some(Msg::Vault {
            seq: 7,
            reply: Reply::ClusterPoll(poll),
        }) => {
            assert_eq!(poll.nodes.len(), 1);
            assert_eq!(
                poll.nodes[0].health.as_ref().map(|h| h.role),
                Ok(NodeRole::Active)
            );
            assert_eq!(poll.cluster.source.as_deref(), Some(dev.addr.as_str()));
        }
        other => panic!("expected the poll reply with seq 7, got {other:?}"),
    }

    // A dev server has no HA: step-down is accepted and changes nothing.
    handle.send(&Command::Write {
        seq: 8,
        mutation: Mutation::StepDown {
            addr: dev.addr.clone(),
        },
    });
    match next_msg(&mut rx).await {
        Some(Msg::Vault {
            seq: 8,
            reply: Reply::Write(out),
        }) => assert_eq!(out.result, Ok(()), "{out:?}"),
        other => panic!("expected the write reply with seq 8, got {other:?}"),
    }

    // After cancel, jobs end without replying: once they are done the channel closes empty.
    cancel.cancel();
    handle.send(&Command::Fetch {
        seq: 9,
        request: Request::PollCluster { nodes: addrs },
    });
    drop(handle);
    assert!(next_msg(&mut rx).await.is_none(), "no reply after cancel");
}

#[tokio::test]
async fn api_fixtures_are_real_and_free_of_tokens() {
    fixtures::check_or_capture().await;
}

/// `tests/fixtures/api/*.json`: real answers of a dev server (and of an uninitialised server)
/// for other tests' render snapshots. Captured when missing or when `STRONGROOM_UPDATE_FIXTURES=1`;
/// otherwise compared with the live answers' shape (every key path and JSON type), so a server
/// upgrade that changes a shape fails here with the command to refresh them. Addresses are
/// rewritten to 127.0.0.1:8200/8201; no file may hold a token.
mod fixtures {
    use std::collections::BTreeSet;
    use std::path::{Path, PathBuf};

    use reqwest::Method;
    use serde_json::Value;

    use super::{DevServer, worker};

    const UPDATE_VAR: &str = "STRONGROOM_UPDATE_FIXTURES";

    fn dir() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/api")
    }

    /// (file, path, expected status) read with the root token from a running server.
    async fn read(srv: &DevServer, path: &str, status: u16) -> Value {
        let token = (!srv.root_token.is_empty()).then_some(srv.root_token.as_str());
        let w = worker(std::slice::from_ref(&srv.addr), token);
        let raw = w
            .client(&srv.addr)
            .expect("a configured address")
            .raw(Method::GET, path, &[], None)
            .await
            .unwrap_or_else(|e| panic!("GET {path}: {e}"));
        assert_eq!(raw.status, status, "GET {path}: {}", raw.body);
        // Addresses carry random test ports; fixtures use the default ones.
        let text = raw
            .body
            .to_string()
            .replace(&format!("127.0.0.1:{}", srv.port), "127.0.0.1:8200")
            .replace(&format!("127.0.0.1:{}", srv.port + 1), "127.0.0.1:8201");
        serde_json::from_str(&text).expect("JSON")
    }

    pub async fn check_or_capture() {
        let mut live: Vec<(&str, Value)> = Vec::new();
        let mut tokens = Vec::new();
        {
            let dev = DevServer::start();
            tokens.push(dev.root_token.clone());
            live.push((
                "health_200_active.json",
                read(&dev, "sys/health", 200).await,
            ));
            live.push((
                "seal_status_unsealed.json",
                read(&dev, "sys/seal-status", 200).await,
            ));
            live.push(("leader_dev.json", read(&dev, "sys/leader", 200).await));
            live.push(("ha_status_dev.json", read(&dev, "sys/ha-status", 200).await));
            let w = worker(std::slice::from_ref(&dev.addr), Some(&dev.root_token));
            super::settled_metrics(&w.client(&dev.addr).expect("a configured address")).await;
            live.push(("metrics_dev.json", read(&dev, "sys/metrics", 200).await));
            live.push((
                "raft_configuration_404_dev.json",
                read(&dev, "sys/storage/raft/configuration", 404).await,
            ));
            dev.seal();
            live.push((
                "health_503_sealed.json",
                read(&dev, "sys/health", 503).await,
            ));
            live.push((
                "seal_status_sealed.json",
                read(&dev, "sys/seal-status", 200).await,
            ));
        }
        {
            let srv = DevServer::start_uninitialized();
            live.push((
                "health_501_uninitialized.json",
                read(&srv, "sys/health", 501).await,
            ));
            live.push((
                "seal_status_uninitialized.json",
                read(&srv, "sys/seal-status", 200).await,
            ));
        }

        let update = std::env::var_os(UPDATE_VAR).is_some_and(|v| !v.is_empty());
        std::fs::create_dir_all(dir()).expect("fixtures dir");
        let mut stale = Vec::new();
        for (file, value) in &live {
            let text = serde_json::to_string_pretty(value).expect("JSON") + "\n";
            assert_no_token(file, &text, &tokens);
            let path = dir().join(file);
            if update || !path.exists() {
                std::fs::write(&path, text).expect("write fixture");
                continue;
            }
            let saved: Value = serde_json::from_str(&std::fs::read_to_string(&path).expect("read"))
                .unwrap_or_else(|e| panic!("{file}: {e}"));
            let (want, got) = (shape(&saved), shape(value));
            // Array items come and go with the server's state (a metrics window may hold no
            // counters at all): new shapes, or missing fields outside arrays, mean a change.
            let missing: Vec<&String> = want
                .difference(&got)
                .filter(|p| !p.contains("[]"))
                .collect();
            if got.difference(&want).next().is_some() || !missing.is_empty() {
                stale.push(format!(
                    "{file}: only in the fixture {:?}, only in the live answer {:?}",
                    want.difference(&got).collect::<Vec<_>>(),
                    got.difference(&want).collect::<Vec<_>>()
                ));
            }
        }
        assert!(
            stale.is_empty(),
            "the server's answers changed shape; refresh with `{UPDATE_VAR}=1 cargo test --test live_dev api_fixtures`:\n{}",
            stale.join("\n")
        );
        // Every file in the directory, captured here or not, is free of tokens and parses.
        for entry in std::fs::read_dir(dir()).expect("fixtures dir") {
            let path = entry.expect("entry").path();
            if path.extension().is_some_and(|e| e == "json") {
                let text = std::fs::read_to_string(&path).expect("read");
                let name = path.display().to_string();
                assert_no_token(&name, &text, &tokens);
                serde_json::from_str::<Value>(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
            }
        }
        parse_with_the_models();
    }

    /// The fixtures decode into the client's models the way the live answers do.
    fn parse_with_the_models() {
        use strongroom::vault::models::metrics::MetricsSummary;
        use strongroom::vault::models::sys::{
            HaStatus, HealthResponse, LeaderStatus, NodeRole, SealStatus,
        };
        fn load<T: serde::de::DeserializeOwned>(file: &str) -> T {
            let text = std::fs::read_to_string(dir().join(file)).expect("fixture");
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"))
        }
        for (file, status, role) in [
            ("health_200_active.json", 200, NodeRole::Active),
            ("health_503_sealed.json", 503, NodeRole::Sealed),
            (
                "health_501_uninitialized.json",
                501,
                NodeRole::Uninitialized,
            ),
        ] {
            let h: HealthResponse = load(file);
            assert_eq!(NodeRole::from_status(status, &h), Some(role), "{file}");
        }
        let s: SealStatus = load("seal_status_sealed.json");
        assert!(s.sealed && s.initialized);
        let l: LeaderStatus = load("leader_dev.json");
        assert!(!l.ha_enabled);
        let ha: Value = load("ha_status_dev.json");
        let ha: HaStatus = serde_json::from_value(ha["data"].clone()).expect("ha data");
        assert_eq!(ha.nodes[0].api_address, "http://127.0.0.1:8200");
        let m: MetricsSummary = load("metrics_dev.json");
        assert_eq!(m.gauge("vault.core.unsealed"), Some(1.0));
    }

    /// Every key path with its JSON type. Arrays merge their elements' shapes; metric labels
    /// (free-form keys) are not descended into.
    fn shape(v: &Value) -> BTreeSet<String> {
        fn walk(v: &Value, at: &str, out: &mut BTreeSet<String>) {
            let kind = match v {
                Value::Null => "null",
                Value::Bool(_) => "bool",
                Value::Number(_) => "number",
                Value::String(_) => "string",
                Value::Array(_) => "array",
                Value::Object(_) => "object",
            };
            out.insert(format!("{at}: {kind}"));
            match v {
                Value::Array(items) => {
                    for i in items {
                        walk(i, &format!("{at}[]"), out);
                    }
                }
                Value::Object(map) if !at.ends_with(".Labels") => {
                    for (k, v) in map {
                        walk(v, &format!("{at}.{k}"), out);
                    }
                }
                _ => {}
            }
        }
        let mut out = BTreeSet::new();
        walk(v, "", &mut out);
        out
    }

    /// No server token, and nothing shaped like one (`s.` or `hvs.` + 24 or more characters).
    fn assert_no_token(name: &str, text: &str, tokens: &[String]) {
        for t in tokens.iter().filter(|t| !t.is_empty()) {
            assert!(!text.contains(t.as_str()), "{name} holds the root token");
        }
        let looks_like_token = |w: &str| {
            let w = w.trim_matches(|c: char| !c.is_ascii_alphanumeric() && c != '.');
            ["s.", "hvs.", "b."].iter().any(|p| {
                w.strip_prefix(p)
                    .is_some_and(|r| r.len() >= 24 && r.chars().all(|c| c.is_ascii_alphanumeric()))
            })
        };
        assert!(
            !text.split(['"', ' ', ',']).any(looks_like_token),
            "{name} holds something that looks like a token"
        );
    }
}
