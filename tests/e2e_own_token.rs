//! End-to-end: the release binary in tmux against a real OpenBao. The status bar shows the
//! token's TTL; the token is revoked from outside; the console says so and offers the login
//! dialog; a userpass login there, and the console keeps working (the mounts screen reads with
//! the new token) without a context switch. The password never reaches the screen or the log.
// Test crate: helpers outside #[test] fns fail the test with a message via expect.
#![allow(clippy::expect_used)]

mod common;

use std::time::Duration;

use common::dev::{DevServer, http_request};
use common::tmux::{Tmux, console_env};

const WAIT: Duration = Duration::from_secs(20);

fn root(srv: &DevServer, method: &str, path: &str, body: &str) -> String {
    let (code, text) =
        http_request(srv.port, method, path, Some(&srv.root_token), body).expect("an answer");
    assert!((200..300).contains(&code), "{method} {path}: {code} {text}");
    text
}

#[test]
fn a_revoked_token_is_replaced_by_a_userpass_login_in_place() {
    let srv = DevServer::start();
    let password = format!("pw-canary-{}-do-not-leak", std::process::id());
    root(
        &srv,
        "POST",
        "/v1/sys/auth/userpass",
        r#"{"type":"userpass"}"#,
    );
    root(
        &srv,
        "POST",
        "/v1/auth/userpass/users/alice",
        &format!(r#"{{"password":"{password}","token_policies":"default","token_ttl":"1h"}}"#),
    );
    let created = root(
        &srv,
        "POST",
        "/v1/auth/token/create",
        r#"{"ttl":"1h","policies":["default"]}"#,
    );
    let v: serde_json::Value = serde_json::from_str(&created).expect("json");
    let token = v
        .pointer("/auth/client_token")
        .and_then(serde_json::Value::as_str)
        .expect("client_token")
        .to_string();

    let home = tempfile::tempdir().expect("tempdir");
    let t = Tmux::start(
        "owntoken",
        100,
        30,
        &console_env(home.path(), &srv.addr, &token),
        home.path(),
    );
    t.type_text(&format!(
        "{} --log-level debug; echo __EXIT_$?__",
        env!("CARGO_BIN_EXE_strongroom")
    ));
    t.keys(&["Enter"]);
    // The TTL in the status bar (an hour, counting down).
    t.wait_until("the TTL in the status bar", WAIT, |s| {
        s.lines().next().is_some_and(|l| l.contains("ttl 59m"))
    });

    // Revoked from outside; a refresh asks the server again.
    root(
        &srv,
        "POST",
        "/v1/auth/token/revoke",
        &format!(r#"{{"token":"{token}"}}"#),
    );
    t.keys(&["C-r"]);
    let s = t.wait_for("Log in again", WAIT);
    assert!(s.contains("revoked or is no longer valid"), "{s}");
    assert!(s.contains("TOKEN REFUSED"), "{s}");

    // userpass: ctrl-t, username, tab, password, enter.
    t.keys(&["C-t"]);
    t.wait_for("username", WAIT);
    t.type_text("alice");
    t.keys(&["Tab"]);
    t.type_text(&password);
    let s = t.wait_for("••••", WAIT);
    assert!(!s.contains(&password), "the password was echoed:\n{s}");
    t.keys(&["Enter"]);
    t.wait_until("logged in", WAIT, |s| {
        !s.contains("Log in again") && s.contains("userpass login") && s.contains("ttl 59m")
    });

    // Keep working with the new token.
    t.type_text(":mounts");
    t.keys(&["Enter"]);
    t.wait_for("cubbyhole", WAIT);
    t.keys(&["Escape"]);
    t.type_text("q");
    t.wait_for("__EXIT_0__", WAIT);

    let log = std::fs::read_to_string(home.path().join("state/strongroom.log")).expect("log");
    assert!(!log.contains(&password), "the password is in the log");
    assert!(!log.contains(&token), "the token is in the log");
}
