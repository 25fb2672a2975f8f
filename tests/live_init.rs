//! Init against a real 3-node OpenBao raft cluster, through the app, the gate and the worker: an
//! uninitialised cluster, the form checked as the server checks it, 5/3 confirmed; the shares and
//! root token shown once (masked), each holder confirms receipt (wiped); the shares unseal every
//! node and the root token logs in; a second init is refused as the server says it; read-only
//! mode refuses it. Then the canary: no share or root token in any file the flow wrote, nor in
//! a `{:?}` or a render of the state unless revealed.
#![allow(clippy::expect_used, clippy::too_many_lines)]

mod ceremony_support;
mod common;

use crossterm::event::KeyCode;

use ceremony_support::{Harness, canary, ch, key, take_all};
use common::cluster::TestCluster;
use strongroom::command::Command;
use strongroom::vault::worker::Worker;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn init_through_the_console_then_unseal_and_log_in() {
    let tmp = tempfile::Builder::new()
        .prefix("strongroom-init-")
        .tempdir()
        .expect("temp dir");
    let log_dir = tmp.path().join("log");
    std::fs::create_dir_all(&log_dir).expect("log dir");
    let guard = strongroom::logging::init(Some("trace"), &log_dir)
        .expect("logging")
        .expect("a guard");

    let mut cluster = TestCluster::start_uninitialised();
    let addrs = cluster.addrs();
    let profile = common::profile_for(&addrs, None);

    // Read-only mode refuses the init.
    let mut ro = Harness::new(&profile, true);
    ro.command("init").await;
    let cmds = ro.feed(ch('s')).await;
    assert!(!cmds.iter().any(|c| matches!(c, Command::Write { .. })));

    let mut h = Harness::new(&profile, false);
    h.command("init").await;
    assert!(h.render().contains("Initialise the cluster"));
    // A threshold above the shares is refused before the server is asked.
    h.feed(ch('j')).await;
    h.feed(ch('e')).await;
    h.feed(key(KeyCode::Backspace)).await;
    h.feed(ch('9')).await;
    h.feed(key(KeyCode::Enter)).await;
    let cmds = h.feed(ch('s')).await;
    assert!(!cmds.iter().any(|c| matches!(c, Command::Write { .. })));
    assert_eq!(
        h.init().error.as_deref(),
        Some("threshold cannot be larger than shares")
    );
    h.feed(ch('e')).await;
    h.feed(key(KeyCode::Backspace)).await;
    h.feed(ch('3')).await;
    h.feed(key(KeyCode::Enter)).await;
    let cmds = h.confirmed('s', None).await;
    assert!(cmds.iter().any(|c| matches!(c, Command::Write { .. })));
    assert!(h.init().error.is_none(), "{:?}", h.init().error);
    assert_eq!(
        h.init().secrets.items().len(),
        6,
        "5 shares and the root token"
    );

    let mut seen = Vec::new();
    let values = take_all(&mut h, false, &mut seen).await;
    let (shares, root) = (values[..5].to_vec(), values[5].clone());
    assert!(root.starts_with("s."), "a root token");
    assert!(h.render().contains(":unseal"));
    h.feed(ch('u')).await;
    let mode = format!("{:?}", h.app.mode);
    assert!(
        mode.contains("unseal"),
        "u opens :unseal on the : line: {mode}"
    );
    h.feed(key(KeyCode::Esc)).await;

    // The shares work and the root token logs in.
    cluster.set_credentials(shares.clone(), 3, &root);
    cluster.unseal_all();
    let w = Worker::new(&common::profile_for(&addrs, Some(&root))).expect("worker");
    let c = w.client(&addrs[0]).expect("client");
    let v: serde_json::Value = c
        .get_data("auth/token/lookup-self")
        .await
        .expect("the root token logs in");
    assert_eq!(v["policies"], serde_json::json!(["root"]));

    // A second init is refused as the server says it.
    let mut again = Harness::new(&profile, false);
    again.command("init").await;
    again.confirmed('s', None).await;
    let err = again.init().error.clone().expect("refused");
    assert!(err.contains("already initialized"), "{err}");

    let dbg = format!("{:?}", h.app.screen());
    for s in &seen {
        assert!(!dbg.contains(s.as_str()));
    }
    tracing::info!("init test done");
    drop(guard);
    canary(&[tmp.path(), cluster.dir()], &seen);
}
