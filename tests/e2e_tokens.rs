//! End-to-end: the release binary in tmux against a real `bao server -dev`. `:tokens`, filter
//! by policy with `/`, bulk revoke with the dialog and the typed confirmation; the result table
//! shows them revoked and the server confirms they are gone (lookup-accessor 400) while the
//! others live. The console quits cleanly and its log never holds a token value.
#![allow(clippy::expect_used)]

mod common;
mod tokens_support;

use std::time::Duration;

use common::dev::DevServer;
use common::tmux::{Tmux, console_env};
use tokens_support::{create, lookup, policy};

const WAIT: Duration = Duration::from_secs(20);

#[test]
fn filter_by_policy_and_bulk_revoke_with_the_typed_count() {
    let server = DevServer::start();
    policy(&server, "ci-deployer", tokens_support::CAN_CREATE);
    let ci: Vec<_> = (0..3)
        .map(|i| create(&server, &format!("ci-{i}"), &["ci-deployer"], "1h"))
        .collect();
    let other = create(&server, "keeper", &["default"], "1h");
    let home = tempfile::tempdir().expect("tempdir");
    let mut env = console_env(home.path(), &server.addr, &server.root_token);
    env.push(("STRONGROOM_LOG", "debug".into()));
    let t = Tmux::start("tokens", 110, 30, &env, home.path());
    t.type_text(&format!(
        "{}; echo __EXIT_$?__",
        env!("CARGO_BIN_EXE_strongroom")
    ));
    t.keys(&["Enter"]);
    let host_port = server.addr.trim_start_matches("http://");
    t.wait_until("the node shown", WAIT, |s| s.contains(host_port));

    t.type_text(":tokens");
    t.keys(&["Enter"]);
    t.wait_until("every token", WAIT, |s| {
        s.contains("5 tokens") && s.contains("token-keeper")
    });
    t.type_text("/policy=ci-deployer");
    t.keys(&["Enter"]);
    let s = t.wait_for("3 of 5 tokens", WAIT);
    assert!(!s.contains("token-keeper"), "filtered:\n{s}");
    t.keys(&["X"]);
    t.wait_for("Revoke 3 tokens by accessor.", WAIT);
    t.keys(&["t"]);
    t.wait_for("revoke 3 tokens", WAIT);
    t.type_text("revoke 3 tokens");
    t.keys(&["Enter"]);
    let s = t.wait_for("3 revoked · 0 already gone · 0 failed", WAIT);
    assert!(s.contains("token-ci-0") && s.contains("revoked"), "{s}");
    for m in &ci {
        assert_eq!(lookup(&server, &m.accessor).0, 400, "gone on the server");
    }
    assert_eq!(lookup(&server, &other.accessor).0, 200, "the keeper lives");
    t.keys(&["Escape"]);
    t.wait_until("the reloaded list", WAIT, |s| s.contains("0 of 2 tokens"));

    t.type_text(":q");
    t.keys(&["Enter"]);
    t.wait_for("__EXIT_0__", WAIT);
    let mut log = String::new();
    for e in std::fs::read_dir(home.path().join("state"))
        .expect("state dir")
        .flatten()
    {
        log += &std::fs::read_to_string(e.path()).unwrap_or_default();
    }
    for m in ci.iter().chain([&other]) {
        assert!(!log.contains(&m.token), "no token value in the log");
    }
}
