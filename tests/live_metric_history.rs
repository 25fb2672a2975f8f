//! Metric history from real servers: polls through the real worker applied to the cluster state.
//! A dev server: every poll adds a sample of the request rate, leases and unsealed series, and
//! no raft commit time (no raft storage: unavailable, never zero). A 3-node raft cluster with
//! two nodes configured: each configured node gets its own history (with the active node's
//! commit time), the node found through the HA status gets none. The bound of a series is
//! checked by re-applying a real poll reply with its time shifted over two hours.
// Test crate: helpers outside #[test] fns fail the test with a message via expect.
#![allow(clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use common::cluster::TestCluster;
use common::dev::DevServer;
use strongroom::cluster::history::{CAP, COMMIT_TIME, REQUEST_RATE, WINDOW_SECS};
use strongroom::cluster::{ClusterState, NodeStatus, alerts};
use strongroom::vault::worker::Worker;

/// Polls of the dev server.
const POLLS: usize = 5;
/// Longest wait for the cluster to settle and for a commit time sample to show.
const WAIT: Duration = Duration::from_secs(40);

fn samples(state: &ClusterState, addr: &str, metric: &str) -> usize {
    state.history.series(addr, metric).map_or(0, |s| s.len())
}

#[tokio::test]
async fn each_dev_server_poll_adds_a_sample_and_no_commit_time() {
    let dev = DevServer::start();
    let addrs = vec![dev.addr.clone()];
    let w = Worker::new(&common::profile_for(&addrs, Some(&dev.root_token))).expect("worker");
    let mut state = ClusterState::new(&addrs);
    // Gauges such as the lease count come with the server's periodic emission: a server that
    // has just started may lack them in its first window. Poll at least POLLS times, until the
    // gauges show twice, within WAIT.
    let deadline = Instant::now() + WAIT;
    let mut polls = 0;
    loop {
        state.start_poll();
        let poll = w.poll_cluster(&addrs).await;
        let node = &poll.nodes[0];
        assert!(
            matches!(node.metrics, Some(Ok(_))),
            "the configured unsealed node's metrics are read: {:?}",
            node.metrics
        );
        assert_eq!(
            poll.cluster.metrics, node.metrics,
            "the cluster's metrics are the source node's read"
        );
        state.apply(poll);
        polls += 1;
        let gauges = [alerts::NUM_LEASES, alerts::UNSEALED, alerts::ALLOC_BYTES]
            .iter()
            .all(|m| samples(&state, &dev.addr, m) >= 2);
        if (polls >= POLLS && gauges) || Instant::now() >= deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    assert_eq!(
        samples(&state, &dev.addr, REQUEST_RATE),
        polls,
        "every read window has a request rate"
    );
    for metric in [alerts::NUM_LEASES, alerts::UNSEALED, alerts::ALLOC_BYTES] {
        assert!(
            samples(&state, &dev.addr, metric) >= 2,
            "{metric}: {:?}",
            state.history.series(&dev.addr, metric)
        );
    }
    let unsealed = state
        .history
        .series(&dev.addr, alerts::UNSEALED)
        .expect("unsealed series");
    assert!(unsealed.values().all(|(_, v)| v == 1.0));
    assert!(
        state
            .history
            .series(&dev.addr, REQUEST_RATE)
            .expect("rate series")
            .values()
            .all(|(_, v)| v >= 0.0)
    );
    assert_eq!(
        samples(&state, &dev.addr, COMMIT_TIME),
        0,
        "no raft storage: no commit time sample, not a zero"
    );
    // The alerts still read the cluster's metrics.
    assert!(state.metrics.current.value().is_some());
}

fn settled(state: &ClusterState) -> bool {
    let count = |s: NodeStatus| state.nodes.iter().filter(|n| n.status() == s).count();
    state.nodes.len() == 3 && count(NodeStatus::Active) == 1 && count(NodeStatus::Standby) == 2
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_configured_cluster_node_has_its_own_history_and_a_discovered_one_none() {
    let tc = TestCluster::start();
    let all = tc.addrs();
    let active = tc.active_index().expect("an active node");
    // The active node and one standby are configured; the third is found through the HA status.
    let other = (0..3).find(|i| *i != active).expect("a standby");
    let configured = vec![all[active].clone(), all[other].clone()];
    let mut profile = tc.profile();
    profile.addrs = configured.clone();
    let w = Worker::new(&profile).expect("worker");
    let mut state = ClusterState::new(&configured);
    let root = tc.root_token();
    let active_port: u16 = all[active]
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .expect("a port");
    let deadline = Instant::now() + WAIT;
    let mut polls = 0;
    // Poll until settled, at least POLLS times, and until the active node's commit time shows
    // (a raft write lands in a finished 10 s window), within WAIT.
    let poll = loop {
        // A raft write per poll so that commits happen.
        let body = format!(
            "{{\"policy\":\"path \\\"p{polls}/*\\\" {{ capabilities = [\\\"read\\\"] }}\"}}"
        );
        let _ = common::dev::http_request(
            active_port,
            "PUT",
            "/v1/sys/policies/acl/hist",
            Some(&root),
            &body,
        );
        state.start_poll();
        let poll = w.poll_cluster(&state.node_addrs()).await;
        let last_poll = poll.clone();
        state.apply(poll);
        polls += 1;
        let done = settled(&state)
            && polls >= POLLS
            && samples(&state, &all[active], COMMIT_TIME) > 0
            && samples(&state, &all[active], alerts::NUM_LEASES) >= 2
            && configured.iter().all(|a| {
                [REQUEST_RATE, alerts::ALLOC_BYTES, alerts::UNSEALED]
                    .iter()
                    .all(|m| samples(&state, a, m) >= 2)
            });
        if done || Instant::now() >= deadline {
            break last_poll;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    assert!(
        settled(&state),
        "1 active + 2 standbys, one discovered: {state:#?}"
    );
    let discovered = state
        .nodes
        .iter()
        .find(|n| n.discovered)
        .expect("the third node is discovered");
    assert!(
        state.history.node(&discovered.addr).is_none(),
        "a discovered node is never sent the token: no history"
    );
    // Every configured node has its own series; the lease count only comes from the active
    // node (a standby runs no expiration manager, so it never sends `expire.num_leases`).
    for addr in &configured {
        for metric in [REQUEST_RATE, alerts::ALLOC_BYTES, alerts::UNSEALED] {
            assert!(
                samples(&state, addr, metric) >= 2,
                "{addr} {metric} after {polls} polls: {:?}",
                state.history.series(addr, metric)
            );
        }
    }
    assert!(
        samples(&state, &all[active], alerts::NUM_LEASES) >= 2,
        "{:?}",
        state.history.series(&all[active], alerts::NUM_LEASES)
    );
    assert!(
        samples(&state, &all[active], COMMIT_TIME) > 0,
        "the active node commits raft entries: {:?}",
        state.history.series(&all[active], COMMIT_TIME)
    );
    assert_eq!(state.history.addrs().count(), 2);

    // The bound, through `apply` of a real poll reply: two hours of polls every half second.
    let start = poll.at;
    for i in 0..(4 * WINDOW_SECS) {
        let mut p = poll.clone();
        p.at = start + chrono::Duration::milliseconds(i * 500);
        state.apply(p);
    }
    let newest = start + chrono::Duration::milliseconds((4 * WINDOW_SECS - 1) * 500);
    for addr in &configured {
        let s = state
            .history
            .series(addr, alerts::UNSEALED)
            .expect("unsealed series");
        assert_eq!(s.len(), CAP, "{addr}: capped");
        let oldest = s.samples().front().expect("a sample").at;
        assert!(newest - oldest <= chrono::Duration::seconds(WINDOW_SECS));
    }
}
