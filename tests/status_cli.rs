//! `strongroom status` (the real binary) against real servers; exit codes as `bao status` has
//! them: 0 unsealed, 2 sealed or uninitialised, 1 error (unreachable). The child gets no BAO_*,
//! VAULT_* or STRONGROOM_* variables of ours, and HOME, config and state dirs in a tempdir.
// Test crate: helpers outside #[test] fns fail the test with a message via expect.
#![allow(clippy::expect_used)]

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::dev::DevServer;

/// `strongroom status <args>` with a clean environment.
fn command(home: &Path) -> Command {
    let mut cmd = common::strongroom_command(home);
    cmd.env("NO_COLOR", "1");
    cmd
}

fn status(args: &[&str], home: &Path) -> Output {
    command(home)
        .arg("status")
        .args(args)
        .output()
        .expect("run strongroom status")
}

fn text(o: &Output) -> String {
    format!(
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", text(o)))
}

#[test]
fn exit_codes_follow_bao_status() {
    let home = tempfile::tempdir().expect("tempdir");
    let dev = DevServer::start();
    let token_args = ["--addr", &dev.addr, "--token", &dev.root_token];

    let ok = status(&token_args, home.path());
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok));
    let out = String::from_utf8_lossy(&ok.stdout);
    assert!(out.contains("active"), "{out}");
    assert!(
        !text(&ok).contains(&dev.root_token),
        "the token is never printed"
    );

    let js = status(
        &[&token_args[..], &["--format", "json"]].concat(),
        home.path(),
    );
    assert_eq!(js.status.code(), Some(0), "{}", text(&js));
    assert!(
        !text(&js).contains(&dev.root_token),
        "the token is never printed"
    );
    let v = json(&js);
    assert_eq!(v["overall"], "ok");
    assert_eq!(v["nodes"].as_array().map(Vec::len), Some(1));
    let n = &v["nodes"][0];
    assert_eq!(n["addr"], dev.addr.as_str());
    assert_eq!(n["state"], "active");
    assert_eq!(
        (&n["initialized"], &n["sealed"]),
        (&true.into(), &false.into())
    );
    assert_eq!((&n["threshold"], &n["shares"]), (&1.into(), &1.into()));
    assert_eq!(n["seal_type"], "shamir");
    assert!(n["version"].is_string() && n["cluster_name"].is_string());
    assert!(n["error"].is_null() && n["leader_address"].is_null());

    dev.seal();
    let sealed = status(&["--addr", &dev.addr], home.path());
    assert_eq!(sealed.status.code(), Some(2), "{}", text(&sealed));
    assert!(String::from_utf8_lossy(&sealed.stdout).contains("sealed"));
    let sealed = status(&["--addr", &dev.addr, "--format", "json"], home.path());
    assert_eq!(sealed.status.code(), Some(2), "{}", text(&sealed));
    let v = json(&sealed);
    assert_eq!(
        (&v["overall"], &v["nodes"][0]["state"]),
        (&"sealed".into(), &"sealed".into())
    );
    assert_eq!(v["nodes"][0]["sealed"], true);

    let dead = format!("http://127.0.0.1:{}", common::free_port());
    let started = std::time::Instant::now();
    let unreachable = status(&["--addr", &dead], home.path());
    assert_eq!(unreachable.status.code(), Some(1), "{}", text(&unreachable));
    assert!(String::from_utf8_lossy(&unreachable.stdout).contains("unreachable"));
    assert!(started.elapsed() < std::time::Duration::from_secs(10));

    // Sealed and unreachable together: the error wins, and both nodes are listed.
    let both = status(
        &["--addr", &dev.addr, "--addr", &dead, "--format", "json"],
        home.path(),
    );
    assert_eq!(both.status.code(), Some(1), "{}", text(&both));
    let v = json(&both);
    assert_eq!(v["overall"], "error");
    assert_eq!(v["nodes"][0]["state"], "sealed");
    assert_eq!(v["nodes"][1]["state"], "unreachable");
    assert!(
        v["nodes"][1]["error"]
            .as_str()
            .is_some_and(|e| e.starts_with("cannot connect to")),
        "{v}"
    );
}

#[test]
fn an_uninitialised_server_exits_2() {
    let home = tempfile::tempdir().expect("tempdir");
    let srv = DevServer::start_uninitialized();
    let out = status(&["--addr", &srv.addr], home.path());
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("uninitialised"));
    let v = json(&status(
        &["--addr", &srv.addr, "--format", "json"],
        home.path(),
    ));
    assert_eq!(v["nodes"][0]["state"], "uninitialised");
    assert_eq!(v["nodes"][0]["initialized"], false);
}

#[test]
fn env_addresses_are_used_and_bao_wins_over_vault() {
    let home = tempfile::tempdir().expect("tempdir");
    let dev = DevServer::start();
    let dead = format!("http://127.0.0.1:{}", common::free_port());
    let out = command(home.path())
        .env("BAO_ADDR", &dev.addr)
        .env("VAULT_ADDR", &dead)
        .args(["status", "--format", "json"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(json(&out)["nodes"][0]["addr"], dev.addr.as_str());
}

#[test]
fn a_bad_config_file_is_a_clear_error() {
    let home = tempfile::tempdir().expect("tempdir");
    let cfg = home.path().join("config");
    std::fs::create_dir_all(&cfg).expect("mkdir");
    std::fs::write(
        cfg.join("config.toml"),
        "[contexts.prod]\nadress = [\"x\"]\n",
    )
    .expect("write");
    let out = status(&[], home.path());
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("config.toml") && err.contains("line 2") && err.contains("adress"),
        "{err}"
    );
}

#[test]
fn one_address_is_enough_for_a_raft_cluster() {
    let home = tempfile::tempdir().expect("tempdir");
    let tc = common::cluster::TestCluster::start();
    let addrs = tc.addrs();
    let token = tc.root_token();
    let out = status(
        &["--addr", &addrs[1], "--token", &token, "--format", "json"],
        home.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(!text(&out).contains(&token), "the token is never printed");
    let v = json(&out);
    let nodes = v["nodes"].as_array().expect("nodes");
    let mut seen: Vec<&str> = nodes.iter().filter_map(|n| n["addr"].as_str()).collect();
    seen.sort_unstable();
    let mut want: Vec<&str> = addrs.iter().map(String::as_str).collect();
    want.sort_unstable();
    assert_eq!(seen, want, "every node, discovered from ha-status: {v}");
    let mut states: Vec<&str> = nodes.iter().filter_map(|n| n["state"].as_str()).collect();
    states.sort_unstable();
    assert_eq!(states, ["active", "standby", "standby"], "{v}");
    assert!(nodes.iter().all(|n| n["node_id"].is_string()), "{v}");
    assert!(
        nodes
            .iter()
            .all(|n| n["threshold"] == 3 && n["shares"] == 5),
        "{v}"
    );
    let leader = nodes[0]["leader_address"].as_str().expect("leader");
    assert!(nodes.iter().all(|n| n["leader_address"] == leader), "{v}");

    // Without a token the other nodes cannot be looked up: said on stderr, not guessed.
    let out = status(&["--addr", &addrs[1]], home.path());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("were not looked up"), "{}", text(&out));
}
