//! End-to-end: the versions screen of the release binary in tmux against a real OpenBao dev
//! server. A secret with three versions; `:versions secret/x`; a version opened with its value
//! masked (the canary is not on screen until revealed, and gone again after leaving); v2
//! destroyed with the typed confirmation; the server's metadata then says destroyed.
// Test crate: helpers outside #[test] fns fail the test with a message via expect.
#![allow(clippy::expect_used, clippy::panic)]

mod common;

use std::time::Duration;

use common::dev::{DevServer, http_request};
use common::tmux::{Tmux, console_env as env_for};

const WAIT: Duration = Duration::from_secs(20);

/// The metadata of `secret/<path>` as the server has it.
fn metadata(server: &DevServer, path: &str) -> serde_json::Value {
    let (code, body) = http_request(
        server.port,
        "GET",
        &format!("/v1/secret/metadata/{path}"),
        Some(&server.root_token),
        "",
    )
    .expect("metadata answer");
    assert_eq!(code, 200, "{body}");
    serde_json::from_str(&body).expect("metadata JSON")
}

/// No file below `dir` holds any of `needles`; returns how many files were checked.
fn scan(dir: &std::path::Path, needles: &[&str]) -> usize {
    let mut files = 0;
    for e in std::fs::read_dir(dir).expect("read dir") {
        let p = e.expect("entry").path();
        if p.is_dir() {
            files += scan(&p, needles);
        } else if p.is_file() {
            let text = String::from_utf8_lossy(&std::fs::read(&p).expect("read")).into_owned();
            for n in needles {
                assert!(!text.contains(n), "{} holds a secret", p.display());
            }
            files += 1;
        }
    }
    files
}

#[test]
fn versions_masked_revealed_then_destroyed_with_typed_confirmation() {
    let server = DevServer::start();
    let canary = format!("CANARY-{}-versions", std::process::id());
    server.put_secret("x", "password", "first-value");
    server.put_secret("x", "password", &canary);
    server.put_secret("x", "password", "third-value");
    assert_eq!(metadata(&server, "x")["data"]["current_version"], 3);

    let home = tempfile::tempdir().expect("tempdir");
    let t = Tmux::start(
        "versions",
        100,
        30,
        &env_for(home.path(), &server.addr, &server.root_token),
        home.path(),
    );
    t.type_text(&format!(
        "{} --log-level debug; echo __EXIT_$?__",
        env!("CARGO_BIN_EXE_strongroom")
    ));
    t.keys(&["Enter"]);
    let host_port = server.addr.trim_start_matches("http://");
    t.wait_until("the node shown as active", WAIT, |s| {
        s.contains(host_port) && s.contains("active")
    });

    t.type_text(":versions secret/x");
    t.keys(&["Enter"]);
    let s = t.wait_until("three versions listed", WAIT, |s| {
        s.contains("Versions of secret/x") && s.contains("current v3") && s.contains("v1")
    });
    assert!(s.contains("current"), "{s}");

    // v2: field names only, the value masked and never on screen.
    t.type_text("j");
    t.keys(&["Enter"]);
    let s = t.wait_until("v2's fields", WAIT, |s| {
        s.contains("v2 of secret/x") && s.contains("password")
    });
    assert!(s.contains("••••••••"), "{s}");
    assert!(!s.contains(&canary), "a masked value is on screen:\n{s}");
    // Revealed on request; gone after leaving the version.
    t.type_text("R");
    t.wait_for(&canary, WAIT);
    t.keys(&["Escape"]);
    let s = t.wait_for("Versions of secret/x", WAIT);
    assert!(!s.contains(&canary), "the value stayed on screen:\n{s}");

    // Destroy v2 (still selected): the path must be typed.
    t.type_text("X");
    t.wait_for("destroy secret/x", WAIT);
    t.type_text("destroy secret/x");
    t.keys(&["Enter"]);
    t.wait_until("v2 destroyed in the list", WAIT, |s| {
        s.lines()
            .any(|l| l.contains("v2") && l.contains("destroyed"))
    });
    let m = metadata(&server, "x");
    assert_eq!(m["data"]["versions"]["2"]["destroyed"], true, "{m}");
    assert_eq!(m["data"]["versions"]["1"]["destroyed"], false, "{m}");
    assert_eq!(m["data"]["versions"]["3"]["destroyed"], false, "{m}");

    t.keys(&["Escape"]);
    t.type_text("q");
    t.wait_for("__EXIT_0__", WAIT);
    // The canary never reached a file the run left behind (the log included).
    assert!(scan(home.path(), &[&canary, &server.root_token]) > 0);
}
