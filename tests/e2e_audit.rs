//! End-to-end: the access-history screen of the release binary in tmux, on the audit log of a
//! real OpenBao dev server with known traffic (`common::audit_traffic`): `:audit FILE`, the rows
//! appear; `d` shows only denied requests (the payments secret's denied reads); `enter` shows
//! the full request and response with HMAC'd values marked; `esc` goes back to the table; the
//! canary value never shows; the terminal is restored on quit.
//!
//! Needs the scanner's job runner (`JobSpec::AuditScan` in `vault/jobs.rs`).
// Test crate: helpers outside #[test] fns fail the test with a message via expect.
#![allow(clippy::expect_used, clippy::panic)]

mod common;

use std::time::Duration;

use common::audit_traffic::{AuditTraffic, PAYMENTS_PATH, PAYMENTS_VALUE};
use common::tmux::{Tmux, console_env as env_for};

const WAIT: Duration = Duration::from_secs(30);

/// The table's rows (lines inside the table's border).
fn rows(s: &str) -> Vec<String> {
    s.lines()
        .filter(|l| l.starts_with("│20"))
        .map(str::to_string)
        .collect()
}

#[test]
fn audit_rows_denied_only_then_drill_down_and_back() {
    let traffic = AuditTraffic::start();
    let server = &traffic.server;
    let home = tempfile::tempdir().expect("tempdir");
    let t = Tmux::start(
        "audit",
        140,
        40,
        &env_for(home.path(), &server.addr, &server.root_token),
        home.path(),
    );
    t.type_text(&format!(
        "{}; echo __EXIT_$?__",
        env!("CARGO_BIN_EXE_strongroom")
    ));
    t.keys(&["Enter"]);
    let host_port = server.addr.trim_start_matches("http://");
    t.wait_until("the node shown as active", WAIT, |s| {
        s.contains(host_port) && s.contains("active")
    });

    t.type_text(&format!(":audit {}", traffic.log_path().display()));
    t.keys(&["Enter"]);
    let s = t.wait_until("rows of the log, scanned", WAIT, |s| {
        s.contains("scanned 1 files") && rows(s).len() > 5
    });
    assert!(s.contains("Access history"), "{s}");
    assert!(!s.contains(PAYMENTS_VALUE));

    t.type_text("d");
    let s = t.wait_until("only denied rows", WAIT, |s| {
        s.contains("denied only") && s.contains("scanned 1 files") && !rows(s).is_empty()
    });
    let denied = rows(&s);
    assert!(denied.iter().all(|r| r.contains("denied")), "{s}");
    assert!(denied.iter().any(|r| r.contains(PAYMENTS_PATH)), "{s}");

    t.keys(&["Enter"]);
    let s = t.wait_until("the full request and response", WAIT, |s| {
        s.contains("── request ──") && s.contains("hmac-sha256:")
    });
    assert!(s.contains("HMAC'd value"), "{s}");
    assert!(s.contains("\"operation\""), "{s}");
    assert!(!s.contains(PAYMENTS_VALUE));

    t.keys(&["Escape"]);
    let s = t.wait_until("back to the table", WAIT, |s| {
        !s.contains("── request ──") && s.contains("Access history")
    });
    assert!(s.contains("denied only"), "{s}");

    t.keys(&["Escape"]);
    t.type_text("q");
    t.wait_for("__EXIT_0__", WAIT);
    assert!(!t.alternate_on(), "the terminal is restored");
}
