//! A real 3-node raft cluster seen through the console's worker and cluster state: one active
//! node, two standbys, raft and autopilot listing three servers; then the active node is killed
//! (SIGKILL) and the state must show another node active and the killed one unreachable.
// Test crate: helpers outside #[test] fns fail the test with a message via expect.
#![allow(clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use common::cluster::TestCluster;
use strongroom::cluster::{ClusterState, NodeStatus};
use strongroom::vault::worker::Worker;

/// Longest wait for the cluster-wide reads to settle and for a failover.
const WAIT: Duration = Duration::from_secs(30);

fn count(state: &ClusterState, status: NodeStatus) -> usize {
    state.nodes.iter().filter(|n| n.status() == status).count()
}

/// Poll and apply until `done` holds or `WAIT` runs out; returns whether it held.
async fn poll_until(
    worker: &Worker,
    addrs: &[String],
    state: &mut ClusterState,
    done: impl Fn(&ClusterState) -> bool,
) -> bool {
    let deadline = Instant::now() + WAIT;
    loop {
        state.start_poll();
        state.apply(worker.poll_cluster(addrs).await);
        if done(state) {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn healthy(state: &ClusterState) -> bool {
    count(state, NodeStatus::Active) == 1
        && count(state, NodeStatus::Standby) == 2
        && state.raft.value().is_some_and(|r| r.servers.len() == 3)
        && state
            .autopilot
            .value()
            .is_some_and(|a| a.servers.len() == 3)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn leader_failover_is_seen_by_the_cluster_state() {
    let mut tc = TestCluster::start();
    let addrs = tc.addrs();
    let worker = Worker::new(&tc.profile()).expect("worker for the test cluster");
    let mut state = ClusterState::new(&addrs);

    assert!(
        poll_until(&worker, &addrs, &mut state, healthy).await,
        "cluster state never showed 1 active + 2 standbys with 3 raft/autopilot servers: {state:#?}"
    );
    let raft = state.raft.value().expect("raft configuration");
    assert_eq!(
        raft.servers.iter().filter(|s| s.leader).count(),
        1,
        "{raft:?}"
    );
    let autopilot = state.autopilot.value().expect("autopilot state");
    assert_eq!(autopilot.servers.len(), 3, "{autopilot:?}");
    assert_eq!(
        state.nodes.len(),
        3,
        "no node discovered twice: {:?}",
        state.node_addrs()
    );
    assert!(
        state.nodes.iter().all(|n| n.node_id.is_some()),
        "raft node ids attached: {state:#?}"
    );
    assert_eq!(autopilot.voters.len(), 3, "{autopilot:?}");

    let active = state.active().expect("an active node").addr.clone();
    let killed = addrs
        .iter()
        .position(|a| *a == active)
        .expect("active node is one of ours");
    tc.kill_node(killed);

    let failed_over = poll_until(&worker, &addrs, &mut state, |s| {
        s.active().is_some_and(|a| a.addr != active)
            && s.nodes
                .iter()
                .any(|n| n.addr == active && n.status() == NodeStatus::Unreachable)
    })
    .await;
    assert!(failed_over, "no failover seen within {WAIT:?}: {state:#?}");
}
