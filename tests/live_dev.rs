//! The Vault client and worker against a real `bao server -dev` (and an uninitialised server).
// Test crate: helpers outside #[test] fns fail the test with a message via expect.
#![allow(clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use common::dev::DevServer;
use strongroom::cluster::{ClusterState, NodeStatus};
use strongroom::command::{Command, Origin, Request, RequestKey, Ticket};
use strongroom::event::Msg;
use strongroom::reply::Reply;
use strongroom::vault::cluster::{ClusterReply, ClusterRequest};
use strongroom::vault::models::metrics::MetricsSummary;
use strongroom::vault::models::sys::NodeRole;
use strongroom::vault::raft::is_raft_not_in_use;
use strongroom::vault::worker::{Worker, WorkerHandle};
use strongroom::vault::{VaultClient, VaultError};
use strongroom::write_gate::{Mutation, Write};
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
        assert_eq!(err.to_string(), "permission denied", "said once");
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
        state.raft.error().map(ToString::to_string).as_deref(),
        Some("not found: unsupported path"),
        "raft is not in use on a dev server"
    );
    assert_eq!(state.nodes.len(), 2, "ha-status discovers no other node");

    // Seal through the worker's write path.
    let out = w
        .write(
            &Write::One(Mutation::SealNode {
                addr: dev.addr.clone(),
            }),
            &mut |_| {},
        )
        .await;
    assert_eq!(out.first_error(), None, "{out:?}");
    assert_eq!(out.items.len(), 1);
    assert_eq!(
        out.summary,
        format!("seal {}", dev.addr.trim_start_matches("http://"))
    );

    let poll = w.poll_cluster(&state.node_addrs()).await;
    // Nothing unsealed: the cluster-wide reads are not asked.
    assert_eq!(poll.cluster, Default::default());
    state.apply(poll);
    let n = &state.nodes[0];
    assert_eq!(n.status(), NodeStatus::Sealed);
    assert_eq!(n.health.value().map(|h| h.status), Some(503));
    assert_eq!(n.seal.value().map(|s| s.sealed), Some(true));
    // The poll reports a sealed node's leader as sealed without asking (see `Worker`).
    assert_eq!(n.leader.error(), Some(&VaultError::Sealed));
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
    let out = w
        .write(
            &Write::One(Mutation::StepDown { addr: dead.clone() }),
            &mut |_| {},
        )
        .await;
    assert!(
        matches!(out.first_error(), Some(VaultError::Connect { .. })),
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
    let t = |seq: u64| Ticket {
        seq,
        epoch: 0,
        key: RequestKey::new(Origin::Cluster, "poll"),
    };
    handle.send(&Command::Fetch {
        ticket: t(7),
        request: Request::Cluster(ClusterRequest::Poll {
            nodes: addrs.clone(),
        }),
    });
    match next_msg(&mut rx).await {
        Some(Msg::Vault {
            ticket,
            reply: Reply::Cluster(ClusterReply::Poll(poll)),
        }) if ticket == t(7) => {
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
        ticket: t(8),
        write: Write::One(Mutation::StepDown {
            addr: dev.addr.clone(),
        }),
    });
    loop {
        match next_msg(&mut rx).await {
            // Progress of the write comes first.
            Some(Msg::Job { ticket, .. }) if ticket == t(8) => continue,
            Some(Msg::Vault {
                ticket,
                reply: Reply::Write(out),
            }) if ticket == t(8) => {
                assert_eq!(out.first_error(), None, "{out:?}");
                break;
            }
            other => panic!("expected the write reply with seq 8, got {other:?}"),
        }
    }

    // After cancel, jobs end without replying: once they are done the channel closes empty.
    cancel.cancel();
    handle.send(&Command::Fetch {
        ticket: t(9),
        request: Request::Cluster(ClusterRequest::Poll { nodes: addrs }),
    });
    drop(handle);
    assert!(next_msg(&mut rx).await.is_none(), "no reply after cancel");
}

#[tokio::test]
async fn api_fixtures_are_real_and_free_of_tokens() {
    fixtures::check_or_capture().await;
}

/// `tests/fixtures/api/*.json`: see `live_dev/fixtures.rs`.
#[path = "live_dev/fixtures.rs"]
mod fixtures;
