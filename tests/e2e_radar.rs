//! End-to-end: the release binary in tmux against a real OpenBao dev server: `:radar` loads
//! every source (a 30 m certificate and a 20 m token among them), `3` switches to the week,
//! `→` drills into the first bucket, `enter` on the token opens the `:` line with
//! `tokens accessor=…`, and the console quits cleanly.
// Test crate: helpers outside #[test] fns fail the test with a message via expect.
#![allow(clippy::expect_used)]

mod common;

use std::time::Duration;

use common::dev::{DevServer, http_request};
use common::tmux::{Tmux, console_env};

const WAIT: Duration = Duration::from_secs(20);

fn root(s: &DevServer, path: &str, body: &str) -> String {
    let (code, text) = http_request(
        s.port,
        "POST",
        &format!("/v1/{path}"),
        Some(&s.root_token),
        body,
    )
    .expect("an answer");
    assert!((200..300).contains(&code), "{path}: {code} {text}");
    text
}

#[test]
fn radar_loads_every_source_switches_windows_and_jumps_to_a_token() {
    let server = DevServer::start();
    root(
        &server,
        "sys/mounts/pki",
        r#"{"type":"pki","config":{"max_lease_ttl":"8760h"}}"#,
    );
    root(
        &server,
        "pki/root/generate/internal",
        r#"{"common_name":"example.com","ttl":"8760h"}"#,
    );
    root(
        &server,
        "pki/roles/web",
        r#"{"allow_any_name":true,"max_ttl":"100h"}"#,
    );
    root(
        &server,
        "pki/issue/web",
        r#"{"common_name":"soon.example.com","ttl":"30m"}"#,
    );
    let created = root(
        &server,
        "auth/token/create",
        r#"{"ttl":"20m","display_name":"radar-e2e"}"#,
    );
    let created: serde_json::Value = serde_json::from_str(&created).expect("JSON");
    let accessor = created["auth"]["accessor"]
        .as_str()
        .expect("accessor")
        .to_string();

    let home = tempfile::tempdir().expect("tempdir");
    let t = Tmux::start(
        "radar",
        100,
        30,
        &console_env(home.path(), &server.addr, &server.root_token),
        home.path(),
    );
    t.type_text(&format!(
        "{}; echo __EXIT_$?__",
        env!("CARGO_BIN_EXE_strongroom")
    ));
    t.keys(&["Enter"]);
    t.wait_for("active", WAIT);
    t.type_text(":radar");
    t.keys(&["Enter"]);
    let s = t.wait_until("every source loaded", WAIT, |s| {
        s.contains("leases")
            && s.contains("certs 2 ✓")
            && s.contains("KV 0 ✓")
            && s.contains("tokens 2 ✓")
    });
    assert!(s.contains("Expiry radar · next day"), "{s}");
    assert!(s.contains("soon.example.com"), "{s}");
    assert!(s.contains("radar-e2e"), "{s}");
    t.keys(&["3"]);
    t.wait_for("next week", WAIT);
    t.keys(&["1"]);
    t.wait_for("next hour", WAIT);
    // The first five-minute bucket is empty; the 20 m token is in the fourth (15–20 m).
    t.keys(&["Right", "Right", "Right", "Right"]);
    let s = t.wait_for("bucket 4/12", WAIT);
    assert!(s.contains("token-radar-e2e"), "{s}");
    // The token's own lease ends within microseconds of the token: whichever sorts first, the
    // selection moves to the token's row.
    let rows: Vec<&str> = s.lines().filter(|l| l.starts_with("│in ")).collect();
    let token_row = rows
        .iter()
        .position(|l| l.contains("token-radar-e2e"))
        .expect("the token's row");
    for _ in 0..token_row {
        t.keys(&["Down"]);
    }
    t.keys(&["Enter"]);
    t.wait_for(&format!(":tokens accessor={accessor}"), WAIT);
    t.keys(&["Escape"]);
    t.type_text("q");
    t.wait_for("__EXIT_0__", WAIT);
}
