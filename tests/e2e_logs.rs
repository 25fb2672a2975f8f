//! End-to-end: the server log stream of the release binary in tmux against a real OpenBao dev
//! server. `:logs` streams the node's log; a KV mount the test makes shows as its log line;
//! `l` changes the level (a marker), `p` pauses (new lines counted), `esc` closes the screen;
//! the terminal is restored on quit.
// Test crate: helpers outside #[test] fns fail the test with a message via expect.
#![allow(clippy::expect_used, clippy::panic)]

mod common;

use std::time::Duration;

use common::dev::{DevServer, http_request};
use common::tmux::{Tmux, console_env as env_for};

const WAIT: Duration = Duration::from_secs(20);

fn mount(server: &DevServer, path: &str) {
    let r = http_request(
        server.port,
        "POST",
        &format!("/v1/sys/mounts/{path}"),
        Some(&server.root_token),
        r#"{"type":"kv"}"#,
    );
    assert_eq!(r.map(|(c, _)| c), Some(204), "mounting {path}");
}

#[test]
fn logs_streams_a_mount_line_then_level_pause_and_esc() {
    let server = DevServer::start();
    let home = tempfile::tempdir().expect("tempdir");
    let t = Tmux::start(
        "logs",
        120,
        30,
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

    t.type_text(":logs");
    t.keys(&["Enter"]);
    t.wait_for("● streaming since", WAIT);
    let path = format!("e2e{}", std::process::id());
    mount(&server, &path);
    t.wait_for(&format!("path={path}/"), WAIT);

    t.type_text("l");
    t.wait_for("level → warn", WAIT);
    t.wait_until("streaming at warn", WAIT, |s| {
        s.contains("● streaming since") && s.contains("level warn")
    });

    t.type_text("p");
    t.wait_for("paused · 0 new lines", WAIT);
    t.type_text("p");
    t.wait_for("following", WAIT);

    t.keys(&["Escape"]);
    t.wait_until("back on the health screen", WAIT, |s| {
        !s.contains("● streaming since") && s.contains("active")
    });
    t.type_text("q");
    t.wait_for("__EXIT_0__", WAIT);
    assert!(!t.alternate_on(), "the terminal is restored");
}
