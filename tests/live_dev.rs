//! The Vault client and worker against a real `bao server -dev`.

mod common;

use std::time::{Duration, Instant};

use common::dev::DevServer;
use strongroom::cluster::{ClusterState, NodeStatus};
use strongroom::vault::VaultError;
use strongroom::vault::models::sys::NodeRole;
use strongroom::vault::raft::is_raft_not_in_use;
use strongroom::vault::worker::Worker;
use strongroom::write_gate::Mutation;

fn worker(addrs: &[String], token: Option<&str>) -> Worker {
    Worker::new(&common::profile_for(addrs, token)).expect("worker")
}

#[tokio::test]
async fn reads_health_seal_leader_ha_and_metrics() {
    let dev = DevServer::start();
    let w = worker(std::slice::from_ref(&dev.addr), Some(&dev.root_token));
    let c = w.client(&dev.addr);

    let h = c.health().await.expect("health");
    assert_eq!((h.status, h.role), (200, NodeRole::Active));
    assert!(h.body.initialized && !h.body.sealed);
    assert_eq!(
        h.body.version.as_deref(),
        Some(&*strongroom_version(&dev).await)
    );

    let s = c.seal_status().await.expect("seal-status");
    assert_eq!(
        (s.sealed, s.t, s.n, s.seal_type.as_str()),
        (false, 1, 1, "shamir")
    );

    let l = c.leader().await.expect("leader");
    assert!(!l.ha_enabled, "a dev server has no HA");

    let ha = c.ha_status().await.expect("ha-status");
    assert_eq!(ha.nodes.len(), 1);
    assert_eq!(ha.nodes[0].api_address, dev.addr);

    let m = c.metrics().await.expect("metrics");
    assert_eq!(m.gauge("vault.core.unsealed"), Some(1.0));

    let raft = c
        .raft_configuration()
        .await
        .expect_err("no raft on a dev server");
    assert!(is_raft_not_in_use(&raft), "{raft:?}");

    let mem = c
        .host_memory()
        .await
        .expect("host-info with the root token");
    assert!(mem.total > 0);
}

async fn strongroom_version(dev: &DevServer) -> String {
    let w = worker(std::slice::from_ref(&dev.addr), None);
    w.client(&dev.addr)
        .seal_status()
        .await
        .expect("seal-status needs no token")
        .version
}

#[tokio::test]
async fn a_bad_token_is_permission_denied() {
    let dev = DevServer::start();
    let w = worker(
        std::slice::from_ref(&dev.addr),
        Some("s.thisisnotavalidtoken0000"),
    );
    // (The dev listener serves metrics without a token; ha-status needs one.)
    let err = w
        .client(&dev.addr)
        .ha_status()
        .await
        .expect_err("bad token");
    assert!(
        matches!(err, VaultError::PermissionDenied { .. }),
        "{err:?}"
    );
    assert!(err.to_string().starts_with("permission denied"));
    // Health needs no token.
    assert!(w.client(&dev.addr).health().await.is_ok());
}

#[tokio::test]
async fn an_unreachable_node_is_a_prompt_connect_error() {
    let addr = format!("http://127.0.0.1:{}", common::free_port());
    let w = worker(std::slice::from_ref(&addr), None);
    let started = Instant::now();
    let err = w.client(&addr).health().await.expect_err("nothing listens");
    assert!(matches!(err, VaultError::Connect { .. }), "{err:?}");
    assert!(err.is_unreachable());
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn a_poll_shows_reachable_unreachable_and_then_sealed_nodes() {
    let dev = DevServer::start();
    let dead = format!("http://127.0.0.1:{}", common::free_port());
    let addrs = vec![dev.addr.clone(), dead.clone()];
    let w = worker(&addrs, Some(&dev.root_token));
    let mut state = ClusterState::new(&addrs);

    state.apply(w.poll_cluster(&state.node_addrs()).await);
    assert_eq!(state.nodes[0].status(), NodeStatus::Active);
    assert_eq!(state.nodes[1].status(), NodeStatus::Unreachable);
    assert_eq!(state.source.as_deref(), Some(dev.addr.as_str()));
    assert!(state.metrics.current.value().is_some());
    assert!(
        state.raft.error().is_some(),
        "raft is not in use on a dev server"
    );

    // Seal through the worker's write path.
    let out = w
        .write(&Mutation::SealNode {
            addr: dev.addr.clone(),
        })
        .await;
    assert_eq!(out.result, Ok(()));

    state.apply(w.poll_cluster(&state.node_addrs()).await);
    let n = &state.nodes[0];
    assert_eq!(n.status(), NodeStatus::Sealed);
    assert_eq!(n.seal.value().map(|s| s.sealed), Some(true));
    assert_eq!(n.leader.error(), Some("node is sealed"));
    // Nothing unsealed: the cluster-wide reads were not asked, the last values stay.
    assert!(state.any_sealed());
    let err = w.client(&dev.addr).ha_status().await.expect_err("sealed");
    assert_eq!(err, VaultError::Sealed);
    // The dev listener still serves metrics while sealed: they say so.
    let m = w
        .client(&dev.addr)
        .metrics()
        .await
        .expect("metrics while sealed");
    assert_eq!(m.gauge("vault.core.unsealed"), Some(0.0));
}
