//! End-to-end: the release binary in tmux against a real `bao server -dev` with a file audit
//! device. Browse from the mounts screen to a secret; the value stays masked and the audit log
//! shows no read of its data; one reveal is exactly one read; `m` masks it again; a delete goes
//! through the confirmation and the server's metadata says so. A restricted token that may not
//! LIST reaches a secret with `:cd`. The canary value never reaches the console's log.
#![allow(clippy::expect_used)]

mod common;

use std::time::Duration;

use common::dev::{DevServer, http_request};
use common::tmux::{Tmux, console_env};

const WAIT: Duration = Duration::from_secs(20);
const CANARY: &str = "strongroom-canary-e2e-secrets-7f3a91";

fn env_for(home: &std::path::Path, addr: &str, token: &str) -> Vec<(&'static str, String)> {
    let mut env = console_env(home, addr, token);
    env.push(("STRONGROOM_LOG", "debug".into()));
    env.push(("STRONGROOM_CLIPBOARD", "osc52".into()));
    env
}

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_strongroom")
}

/// Audited reads of one API path (request entries).
fn reads_of(server: &DevServer, path: &str) -> usize {
    server
        .audit_log()
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| {
            v["type"] == "request"
                && v["request"]["path"] == path
                && v["request"]["operation"] == "read"
        })
        .count()
}

fn start(name: &str, server: &DevServer, token: &str, home: &std::path::Path) -> Tmux {
    let t = Tmux::start(name, 110, 30, &env_for(home, &server.addr, token), home);
    // tmux keeps OSC 52 copies in its paste buffer.
    t.run(&["set-option", "-g", "set-clipboard", "on"]);
    t.type_text(&format!("{}; echo __EXIT_$?__", bin()));
    t.keys(&["Enter"]);
    let host_port = server.addr.trim_start_matches("http://");
    t.wait_until("the node shown", WAIT, |s| s.contains(host_port));
    t
}

/// Everything the console wrote to its state directory (the log).
fn state_files(home: &std::path::Path) -> String {
    let mut all = String::new();
    let dir = home.join("state");
    let entries = std::fs::read_dir(&dir).expect("the console wrote its log");
    for e in entries.flatten() {
        all += &std::fs::read_to_string(e.path()).unwrap_or_default();
    }
    assert!(!all.is_empty(), "the log has lines");
    all
}

#[test]
fn browse_reveal_mask_and_delete_with_an_honest_audit_trail() {
    let server = DevServer::start_with_audit();
    server.put_secret("apps/payments/db", "password", "old-value-1");
    server.put_secret("apps/payments/db", "password", CANARY);
    let home = tempfile::tempdir().expect("tempdir");
    let t = start("secrets", &server, &server.root_token, home.path());

    // From the mounts screen into secret/ and down to the secret.
    t.type_text(":mounts");
    t.keys(&["Enter"]);
    let s = t.wait_until("the mounts", WAIT, |s| s.contains("from sys/mounts"));
    let rows: Vec<&str> = s.lines().collect();
    let secret_row = rows
        .iter()
        .position(|l| l.contains("│secret/"))
        .expect("secret/");
    let first_row = rows
        .iter()
        .position(|l| l.contains("│cubbyhole/"))
        .expect("first");
    for _ in first_row..secret_row {
        t.keys(&["j"]);
    }
    t.keys(&["Enter"]);
    t.wait_until("the mount's top folder", WAIT, |s| s.contains("▸ apps/"));
    t.keys(&["Enter"]);
    t.wait_until("apps/", WAIT, |s| s.contains("▸ payments/"));
    t.keys(&["Enter"]);
    t.wait_until("payments/", WAIT, |s| s.contains("  db"));
    t.keys(&["Enter"]);
    let s = t.wait_until("the secret, masked", WAIT, |s| {
        s.contains("password") && s.contains("••••••••") && s.contains("v2")
    });
    assert!(!s.contains(CANARY), "masked:\n{s}");
    assert_eq!(
        reads_of(&server, "secret/data/apps/payments/db"),
        0,
        "no read while browsing"
    );

    // One reveal, one read.
    t.keys(&["r"]);
    t.wait_for(CANARY, WAIT);
    assert_eq!(reads_of(&server, "secret/data/apps/payments/db"), 1);
    t.keys(&["m"]);
    t.wait_until("masked again", WAIT, |s| !s.contains(CANARY));

    // Copy the value without showing it: one more read, the value in tmux's paste buffer.
    t.keys(&["c"]);
    let s = t.wait_for("copied password of secret/apps/payments/db", WAIT);
    assert!(!s.contains(CANARY), "a copy shows nothing:\n{s}");
    let deadline = std::time::Instant::now() + WAIT;
    while t.run(&["show-buffer"]) != CANARY {
        assert!(
            std::time::Instant::now() < deadline,
            "the copy never reached tmux"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(reads_of(&server, "secret/data/apps/payments/db"), 2);

    // The versions (v) and the editor (e) open from here; esc comes back.
    t.keys(&["v"]);
    t.wait_until("the versions", WAIT, |s| {
        s.contains("current") && s.contains("v1")
    });
    t.keys(&["Escape"]);
    t.wait_for("token may:", WAIT);
    t.keys(&["e"]);
    t.wait_until("the editor with the value", WAIT, |s| {
        s.contains("ctrl-s") || s.contains("save")
    });
    t.keys(&["Escape"]);
    t.wait_for("token may:", WAIT);

    // Delete the newest version through the confirmation.
    t.keys(&["d"]);
    t.wait_for("delete v2 of secret/apps/payments/db", WAIT);
    t.keys(&["y"]);
    t.wait_until("the view says the newest version is deleted", WAIT, |s| {
        s.contains("newest version is deleted")
    });
    let (code, body) = http_request(
        server.port,
        "GET",
        "/v1/secret/metadata/apps/payments/db",
        Some(&server.root_token),
        "",
    )
    .expect("metadata");
    assert_eq!(code, 200);
    let meta: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_ne!(meta["data"]["versions"]["2"]["deletion_time"], "", "{meta}");
    assert_eq!(meta["data"]["versions"]["1"]["deletion_time"], "", "{meta}");

    t.type_text(":q");
    t.keys(&["Enter"]);
    t.wait_for("__EXIT_0__", WAIT);
    assert!(
        !state_files(home.path()).contains(CANARY),
        "no value in the log"
    );
}

#[test]
fn a_token_without_list_reaches_a_secret_by_path() {
    let server = DevServer::start();
    server.put_secret("apps/payments/db", "password", CANARY);
    let policy =
        r#"{"policy":"path \"secret/data/apps/payments/db\" { capabilities = [\"read\"] }"}"#;
    let (code, _) = http_request(
        server.port,
        "PUT",
        "/v1/sys/policies/acl/reader",
        Some(&server.root_token),
        policy,
    )
    .expect("policy");
    assert_eq!(code, 204);
    let (code, body) = http_request(
        server.port,
        "POST",
        "/v1/auth/token/create",
        Some(&server.root_token),
        r#"{"policies":["reader"]}"#,
    )
    .expect("token");
    assert_eq!(code, 200, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).expect("json");
    let token = v["auth"]["client_token"]
        .as_str()
        .expect("token")
        .to_string();
    let home = tempfile::tempdir().expect("tempdir");
    let t = start("secrets-restricted", &server, &token, home.path());

    t.type_text(":cd secret/apps/");
    t.keys(&["Enter"]);
    t.wait_for("may not list secret/apps/", WAIT);
    t.type_text(":cd secret/apps/payments/db");
    t.keys(&["Enter"]);
    let s = t.wait_for("may not list this secret's field names", WAIT);
    assert!(!s.contains(CANARY));
    t.keys(&["r"]);
    t.wait_for(CANARY, WAIT);
    // `esc` goes back to the denied folder.
    t.keys(&["Escape"]);
    t.wait_for("may not list secret/apps/", WAIT);
    t.type_text(":q");
    t.keys(&["Enter"]);
    t.wait_for("__EXIT_0__", WAIT);
}
