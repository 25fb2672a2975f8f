//! Seal, step-down, raft snapshots and peers against a real 3-node raft cluster (5 shares,
//! threshold 3), driven through the app's update loop with a real worker (the test plays the
//! runtime), one cluster for every step:
//! read-only mode blocks each write (and the snapshot save) before anything is sent; a snapshot
//! is saved (0600, size > 0, the SHA-256 shown is the file's, no partial file left); a secret
//! written after it is gone once the snapshot is restored (typed `restore <file>`); step-down
//! moves the leader; demote / promote are applied by autopilot; one node and then the whole
//! cluster (typed `seal cluster <name>`) are sealed and unsealed again; a peer is removed and
//! leaves the raft configuration. Afterwards no share or root token appears in any file of the
//! test's directories, in the rendered screens or in `{:?}` of the app's screens. Every wait is
//! bounded.
// Test crate: helpers outside #[test] fns fail the test with a message via expect.
#![allow(clippy::expect_used)]

mod common;
mod raft_support;

use std::time::{Duration, Instant};

use sha2::Digest;

use common::cluster::TestCluster;
use common::dev::{http_request, http_status};
use raft_support::{Console, WAIT, files_below, port, ready, sealed};
use strongroom::action::Action;
use strongroom::command::Command;
use strongroom::ui::screens::Screen;
use strongroom::ui::screens::raft::peers;

/// A secret value written after the snapshot (gone after the restore; never in a file or on
/// screen).
const CANARY: &str = "strongroom-canary-raft-written-after-the-snapshot";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seal_step_down_snapshots_and_peers_on_a_real_cluster() {
    let mut cluster = TestCluster::start();
    let root = cluster.root_token();
    let shares = cluster.shares();
    let addrs = cluster.addrs();
    let work = tempfile::tempdir().expect("temp dir");
    // The console's log file, as the binary writes it (debug level: the most it says).
    let logs = tempfile::tempdir().expect("log dir");
    let guard = strongroom::logging::init(Some("debug"), logs.path()).expect("logging");
    let mut con = Console::new(cluster.profile());
    let start = con.app.start();
    con.exec(start);
    con.drive("the first poll with raft and autopilot", ready)
        .await;
    con.open_raft();
    con.drive("the raft screen lists three peers", |a| {
        matches!(a.screen(), Screen::Raft(_)) && peers(&a.cluster).len() == 3
    })
    .await;
    let leader_id = peers(&con.app.cluster)
        .into_iter()
        .find(|p| p.leader)
        .expect("a leader")
        .id;
    let standby_id = peers(&con.app.cluster)
        .into_iter()
        .find(|p| !p.leader)
        .expect("a standby")
        .id;

    // ── Read-only mode blocks every write and the snapshot save before anything is sent.
    con.app.gate.set_read_only(true);
    let snap = work.path().join("before.snap");
    let snap_s = snap.display().to_string();
    con.select_peer(&standby_id);
    for (a, name) in [
        (Action::RemovePeer, "removing a raft peer"),
        (Action::PromotePeer, "promoting a raft peer"),
        (Action::DemotePeer, "demoting a raft peer"),
    ] {
        con.app.toasts.clear();
        assert_eq!(con.action(a), vec![]);
        assert!(
            con.app
                .toasts
                .iter()
                .any(|t| t.text == format!("read-only mode: {name} is not allowed")),
            "{a:?}: {:?}",
            con.app.toasts
        );
    }
    for (a, name) in [
        (Action::SaveSnapshot, "saving a raft snapshot"),
        (Action::RestoreSnapshot, "restoring a snapshot"),
        (Action::ForceRestoreSnapshot, "restoring a snapshot"),
    ] {
        con.app.toasts.clear();
        assert_eq!(con.prompt(a, &snap_s), vec![]);
        assert!(
            con.app
                .toasts
                .iter()
                .any(|t| t.text == format!("read-only mode: {name} is not allowed")),
            "{a:?}: {:?}",
            con.app.toasts
        );
        assert!(con.raft().job.is_none() && con.raft().awaiting.is_none());
    }
    assert!(!snap.exists(), "nothing was saved in read-only mode");
    con.action(Action::Back);
    for (a, name) in [
        (Action::SealNode, "sealing a node"),
        (Action::SealAll, "sealing the cluster"),
        (Action::StepDown, "stepping down"),
    ] {
        con.app.toasts.clear();
        assert_eq!(con.action(a), vec![]);
        assert!(
            con.app
                .toasts
                .iter()
                .any(|t| t.text == format!("read-only mode: {name} is not allowed")),
            "{a:?}: {:?}",
            con.app.toasts
        );
    }
    assert!(addrs.iter().all(|a| !sealed(a)), "nothing was sealed");
    con.app.gate.set_read_only(false);

    // ── A KV mount (in the snapshot); a snapshot saved from the active node.
    let active = con.app.cluster.active().expect("active").addr.clone();
    let (code, body) = http_request(
        port(&active),
        "POST",
        "/v1/sys/mounts/kvtest",
        Some(&root),
        r#"{"type":"kv"}"#,
    )
    .expect("mount");
    assert_eq!(code, 204, "{body}");
    con.open_raft();
    con.action(Action::SaveSnapshot);
    let offered = con
        .raft()
        .prompt
        .as_ref()
        .expect("prompt")
        .line
        .text
        .clone();
    assert!(
        offered.starts_with("strongroom-sandbox-") && offered.ends_with(".snap"),
        "{offered}"
    );
    con.action(Action::Back);
    let cmds = con.prompt(Action::SaveSnapshot, &snap_s);
    assert!(matches!(&cmds[..], [Command::StartJob { .. }]), "{cmds:?}");
    con.drive("the snapshot is saved", |a| match a.screen() {
        Screen::Raft(s) => s.job.is_none() && (s.last_saved.is_some() || !s.notices.is_empty()),
        _ => false,
    })
    .await;
    let saved = con.raft().last_saved.clone().unwrap_or_else(|| {
        panic!("no snapshot: {:?}", con.raft().notices);
    });
    let bytes = std::fs::read(&snap).expect("the snapshot file");
    assert!(!bytes.is_empty());
    assert_eq!(saved.bytes, bytes.len() as u64);
    let digest: String = sha2::Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(saved.sha256, digest);
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&snap).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    let mut left = Vec::new();
    files_below(work.path(), &mut left);
    assert_eq!(left, vec![snap.clone()], "no partial file is left");

    // ── Written after the snapshot; gone after the restore.
    let (code, body) = http_request(
        port(&active),
        "POST",
        "/v1/kvtest/after",
        Some(&root),
        &format!(r#"{{"v":"{CANARY}"}}"#),
    )
    .expect("write");
    assert_eq!(code, 204, "{body}");
    assert_eq!(
        http_status(port(&active), "GET", "/v1/kvtest/after", Some(&root)),
        Some(200)
    );
    let cmds = con.prompt(Action::RestoreSnapshot, &snap_s);
    assert!(cmds.is_empty(), "{cmds:?}");
    let pending = con.app.gate.pending().expect("a dialog");
    assert!(pending.spec.description.contains("sys/monitor"));
    assert!(!pending.spec.description.contains("ANOTHER cluster"));
    assert_eq!(con.confirm_typed(), "restore before.snap");
    con.drive("the restore is accepted", |a| match a.screen() {
        Screen::Raft(s) => s.restoring_since.is_some(),
        _ => false,
    })
    .await;
    con.drive("the restore settles", |a| match a.screen() {
        Screen::Raft(s) => s.restoring_since.is_none(),
        _ => false,
    })
    .await;
    let deadline = Instant::now() + WAIT;
    loop {
        let active = con.app.cluster.active().map(|n| n.addr.clone());
        let status =
            active.and_then(|a| http_status(port(&a), "GET", "/v1/kvtest/after", Some(&root)));
        if status == Some(404) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the secret is still there: {status:?}"
        );
        con.settle(Duration::from_millis(500)).await;
    }
    con.drive("the cluster is ready after the restore", ready)
        .await;

    // ── Demote, then promote a standby: autopilot applies them.
    let standby_id = peers(&con.app.cluster)
        .into_iter()
        .find(|p| !p.leader)
        .expect("a standby")
        .id;
    con.select_peer(&standby_id);
    con.action(Action::DemotePeer);
    con.confirm_yes();
    con.drive("autopilot demotes the peer", |a| {
        a.cluster
            .autopilot
            .value()
            .and_then(|p| p.servers.get(&standby_id))
            .is_some_and(|s| s.status == "non-voter")
    })
    .await;
    con.select_peer(&standby_id);
    con.action(Action::PromotePeer);
    con.confirm_yes();
    con.drive("autopilot promotes the peer", |a| {
        a.cluster
            .autopilot
            .value()
            .and_then(|p| p.servers.get(&standby_id))
            .is_some_and(|s| s.status == "voter")
    })
    .await;
    assert_eq!(con.peer_status(&standby_id).as_deref(), Some("voter"));

    // ── Step-down moves the leader.
    con.action(Action::Back);
    let before = cluster.active_index().expect("an active node");
    con.action(Action::StepDown);
    con.confirm_yes();
    let deadline = Instant::now() + WAIT;
    loop {
        con.settle(Duration::from_millis(500)).await;
        if cluster.active_index().is_some_and(|i| i != before) {
            break;
        }
        assert!(Instant::now() < deadline, "the leader did not move");
    }
    con.drive("the cluster is ready after the step-down", ready)
        .await;

    // ── Seal one node, then the whole cluster (the cluster's name typed); unseal again.
    // (A node that just stepped down may not take a seal at once: up to three attempts, each
    // bounded; what the console said is kept for the failure message.)
    let mut said = Vec::new();
    let mut node_sealed = false;
    for _ in 0..3 {
        con.action(Action::SealNode);
        let phrase = con.confirm_typed();
        let node = format!("http://{}", phrase.trim_start_matches("seal "));
        let until = Instant::now() + Duration::from_secs(20);
        con.drive("the node is sealed (or the attempt is over)", |_| {
            sealed(&node) || Instant::now() >= until
        })
        .await;
        said.extend(con.app.toasts.iter().map(|t| t.text.clone()));
        if sealed(&node) {
            node_sealed = true;
            break;
        }
    }
    assert!(node_sealed, "the node was not sealed: {said:?}");
    cluster.unseal_all();
    con.drive("every node unsealed", |a| {
        a.cluster.all_unsealed() && a.cluster.active().is_some()
    })
    .await;
    con.action(Action::SealAll);
    let name = con.app.cluster.display_name();
    assert_eq!(con.confirm_typed(), format!("seal cluster {name}"));
    con.drive("every node is sealed", |_| addrs.iter().all(|a| sealed(a)))
        .await;
    cluster.unseal_all();
    con.drive("the cluster is back", ready).await;

    // ── Remove a standby peer: it leaves the raft configuration.
    con.open_raft();
    let victim = peers(&con.app.cluster)
        .into_iter()
        .find(|p| !p.leader)
        .expect("a standby")
        .id;
    con.select_peer(&victim);
    con.action(Action::RemovePeer);
    assert_eq!(con.confirm_typed(), format!("remove peer {victim}"));
    con.drive("the peer leaves the configuration", |a| {
        a.cluster
            .raft
            .value()
            .is_some_and(|r| r.servers.len() == 2 && r.servers.iter().all(|s| s.node_id != victim))
    })
    .await;
    let _ = leader_id;

    // ── The log records the actions; no share or root token anywhere the flow wrote or drew.
    con.draw();
    drop(guard);
    let mut log_files = Vec::new();
    files_below(logs.path(), &mut log_files);
    let log: String = log_files
        .iter()
        .map(|f| String::from_utf8_lossy(&std::fs::read(f).expect("log")).into_owned())
        .collect();
    for said in [
        "raft snapshot saved",
        "snapshot restore accepted",
        "sealed (cluster seal)",
        "remove raft peer",
        "step down",
    ] {
        assert!(log.contains(said), "the log misses {said:?}");
    }
    let mut files = log_files.clone();
    files_below(work.path(), &mut files);
    let debug = format!("{:?}", con.app.screens);
    let canary = CANARY.to_string();
    for secret in shares.iter().chain([&root, &canary]) {
        for f in &files {
            let text = String::from_utf8_lossy(&std::fs::read(f).expect("read")).into_owned();
            assert!(
                !text.contains(secret.as_str()),
                "a secret in {}",
                f.display()
            );
            assert!(!f.display().to_string().contains(secret.as_str()));
        }
        assert!(!debug.contains(secret.as_str()), "a secret in the state");
        for d in &con.drawn {
            assert!(!d.contains(secret.as_str()), "a secret on screen");
        }
    }
}
