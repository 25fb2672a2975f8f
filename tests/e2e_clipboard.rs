//! End-to-end: OSC 52 copies really reach the terminal. The release binary runs in tmux with
//! `set-clipboard on` (tmux stores OSC 52 copies in its paste buffer) and
//! `STRONGROOM_CLIPBOARD=osc52` (no system clipboard in tests). Random bytes from a real
//! OpenBao dev server are revealed and copied with `c`; the buffer holds them, and after
//! `clear_after` (3 s, from the config file) it is overwritten. The value never reaches the log.
// Test crate: helpers outside #[test] fns fail the test with a message via expect.
#![allow(clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use common::dev::DevServer;
use common::tmux::{Tmux, console_env};

const WAIT: Duration = Duration::from_secs(20);

fn env_for(
    home: &std::path::Path,
    addr: &str,
    token: &str,
    mode: &str,
) -> Vec<(&'static str, String)> {
    let mut env = console_env(home, addr, token);
    env.push(("STRONGROOM_CLIPBOARD", mode.into()));
    env
}

/// tmux's newest paste buffer ("" when there is none).
fn buffer(t: &Tmux) -> String {
    t.run(&["show-buffer"])
}

fn wait_buffer(t: &Tmux, what: &str, pred: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + WAIT;
    loop {
        let b = buffer(t);
        if pred(&b) {
            return b;
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what}; buffer {b:?}; screen:\n{}",
            t.screen()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn an_osc52_copy_reaches_tmux_and_is_overwritten_after_clear_after() {
    let server = DevServer::start();
    let home = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(home.path().join("config")).expect("config dir");
    std::fs::write(
        home.path().join("config/config.toml"),
        "[clipboard]\nclear_after = 3\n",
    )
    .expect("config");
    let t = Tmux::start(
        "clip",
        100,
        30,
        &env_for(home.path(), &server.addr, &server.root_token, "osc52"),
        home.path(),
    );
    t.run(&["set-option", "-g", "set-clipboard", "on"]);
    t.type_text(&format!(
        "{} --log-level debug; echo __EXIT_$?__",
        env!("CARGO_BIN_EXE_strongroom")
    ));
    t.keys(&["Enter"]);
    let host_port = server.addr.trim_start_matches("http://");
    t.wait_until("the node shown as active", WAIT, |s| {
        s.contains(host_port) && s.contains("active")
    });

    t.type_text(":random 16 hex");
    t.keys(&["Enter"]);
    t.wait_for("random bytes    ••••", WAIT);
    t.type_text("r");
    let s = t.wait_until("the revealed bytes", WAIT, |s| {
        s.lines()
            .any(|l| l.contains("random bytes") && !l.contains('•') && l.contains("│ random"))
    });
    let value: String = s
        .lines()
        .find(|l| l.contains("│ random bytes"))
        .and_then(|l| l.split_whitespace().nth(3))
        .expect("the value on screen")
        .to_string();
    assert_eq!(value.len(), 32, "16 bytes in hex: {value:?}\n{s}");
    assert!(value.chars().all(|c| c.is_ascii_hexdigit()), "{value}");

    t.type_text("c");
    let s = t.wait_for("copied random bytes · clears in", WAIT);
    assert!(!s.contains("copy failed"), "{s}");
    let copied = wait_buffer(&t, "the copy in tmux's buffer", |b| b == value);
    assert_eq!(copied, value);
    // After clear_after (3 s): overwritten, since it was our last copy.
    let started = Instant::now();
    let cleared = wait_buffer(&t, "the clear", |b| b != value);
    assert_eq!(
        cleared, " ",
        "tmux ignores an empty OSC 52: a space overwrites it"
    );
    assert!(started.elapsed() < Duration::from_secs(8));
    t.wait_until("the countdown gone", WAIT, |s| !s.contains("clears in"));

    t.type_text("q");
    t.wait_for("__EXIT_0__", WAIT);
    let log = std::fs::read_to_string(home.path().join("state/strongroom.log")).expect("log");
    assert!(log.contains("copied"), "the copy is logged by label");
    assert!(
        !log.contains(&value),
        "the copied value leaked into the log"
    );
    assert!(!log.contains(&server.root_token));
}

#[test]
fn with_copying_off_nothing_reaches_the_terminal_and_a_toast_says_so() {
    let server = DevServer::start();
    let home = tempfile::tempdir().expect("tempdir");
    let t = Tmux::start(
        "clipoff",
        100,
        30,
        &env_for(home.path(), &server.addr, &server.root_token, "off"),
        home.path(),
    );
    t.run(&["set-option", "-g", "set-clipboard", "on"]);
    t.type_text(&format!(
        "{} ; echo __EXIT_$?__",
        env!("CARGO_BIN_EXE_strongroom")
    ));
    t.keys(&["Enter"]);
    let host_port = server.addr.trim_start_matches("http://");
    t.wait_until("the node shown as active", WAIT, |s| {
        s.contains(host_port) && s.contains("active")
    });
    t.type_text(":random 8 hex");
    t.keys(&["Enter"]);
    t.wait_for("random bytes    ••••", WAIT);
    t.type_text("c");
    t.wait_for("copying is off", WAIT);
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(buffer(&t), "", "nothing was copied");
    t.type_text("q");
    t.wait_for("__EXIT_0__", WAIT);
}
