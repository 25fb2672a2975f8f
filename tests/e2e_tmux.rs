//! End-to-end: the release binary in a real terminal (tmux) against a real OpenBao server.
// Test crate: helpers outside #[test] fns fail the test with a message via expect.
#![allow(clippy::expect_used)]

mod common;

use std::time::Duration;

use common::dev::DevServer;
use common::tmux::{Tmux, console_env as env_for};

const WAIT: Duration = Duration::from_secs(20);

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_strongroom")
}

/// The terminal is back to cooked mode and the main screen.
fn assert_restored(t: &Tmux) {
    assert!(
        !t.alternate_on(),
        "still in the alternate screen:\n{}",
        t.screen()
    );
    t.keys(&["C-l"]);
    // The marker is split in the command so only the output line contains it whole.
    t.type_text("stty -a | tr ' ;' '\\n\\n' | grep -x -e icanon -e -icanon -e echo -e -echo | tr '\\n' ' '; echo __ST\"\"TY__");
    t.keys(&["Enter"]);
    let s = t.wait_until("stty output", WAIT, |s| {
        s.lines().any(|l| l.contains("__STTY__"))
    });
    let line = s
        .lines()
        .find(|l| l.contains("__STTY__"))
        .unwrap_or_default();
    assert!(
        line.contains("icanon") && !line.contains("-icanon"),
        "raw mode left on: {line}"
    );
    assert!(!line.contains("-echo"), "echo left off: {line}");
}

#[test]
fn console_shows_health_switches_theme_shows_help_and_quits_cleanly() {
    let server = DevServer::start();
    let canary = format!("strongroom-canary-{}-do-not-leak", std::process::id());
    server.put_secret("e2e/canary", "password", &canary);
    let home = tempfile::tempdir().expect("tempdir");
    let t = Tmux::start(
        "health",
        100,
        30,
        &env_for(home.path(), &server.addr, &server.root_token),
        home.path(),
    );
    t.type_text(&format!("{} --log-level debug; echo __EXIT_$?__", bin()));
    t.keys(&["Enter"]);

    let host_port = server.addr.trim_start_matches("http://");
    let s = t.wait_until("the node shown as active", WAIT, |s| {
        s.contains(host_port) && s.contains("active")
    });
    assert!(
        t.alternate_on(),
        "the console should use the alternate screen"
    );
    assert!(s.contains("strongroom"), "status bar missing:\n{s}");
    assert!(
        s.contains("Key metrics") || s.contains("Metrics"),
        "metrics panel missing:\n{s}"
    );

    t.type_text(":theme light");
    t.keys(&["Enter"]);
    t.wait_for("theme light", WAIT);

    t.type_text(":th");
    t.keys(&["Tab"]);
    // (capture-pane trims the trailing space of ":theme ".)
    t.wait_until("completion to :theme", WAIT, |s| {
        s.lines().any(|l| l.trim_end() == ":theme")
    });
    t.keys(&["Escape"]);

    t.type_text("?");
    let help = t.wait_for("Help", WAIT);
    assert!(
        help.contains("quit strongroom"),
        "help is generated from the keymap:\n{help}"
    );
    t.keys(&["Escape"]);
    t.wait_until("help closed", WAIT, |s| !s.contains("quit strongroom"));

    t.type_text("q");
    t.wait_for("__EXIT_0__", WAIT);
    assert_restored(&t);

    // The token never reaches the log file.
    let log = std::fs::read_to_string(home.path().join("state/strongroom.log"))
        .expect("log file written");
    assert!(!log.is_empty());
    assert!(
        !log.contains(&server.root_token),
        "the token leaked into the log"
    );
    // Neither the canary secret nor the token is in any file the run left behind.
    assert_no_file_contains(home.path(), &[&canary, &server.root_token]);
    let snapshots = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots");
    assert_no_file_contains(std::path::Path::new(snapshots), &[&canary]);
}

#[test]
fn unreachable_server_is_a_visible_state_and_the_console_keeps_running() {
    let port = common::free_port();
    let addr = format!("http://127.0.0.1:{port}");
    let home = tempfile::tempdir().expect("tempdir");
    let t = Tmux::start(
        "unreach",
        100,
        30,
        &env_for(home.path(), &addr, "s.notarealtoken000000000000"),
        home.path(),
    );
    t.type_text(&format!("{}; echo __EXIT_$?__", bin()));
    t.keys(&["Enter"]);
    t.wait_for("unreachable", WAIT);
    // Still responsive.
    t.type_text("?");
    t.wait_for("Help", WAIT);
    t.keys(&["Escape"]);
    // An escape and a key read together are one alt-chord: wait for the overlay to close first.
    t.wait_until("help closed", WAIT, |s| !s.contains("Help — esc to close"));
    t.keys(&["C-c"]);
    t.wait_for("__EXIT_0__", WAIT);
    assert_restored(&t);
}

#[test]
fn small_terminal_still_renders() {
    let server = DevServer::start();
    let home = tempfile::tempdir().expect("tempdir");
    let t = Tmux::start(
        "small",
        60,
        16,
        &env_for(home.path(), &server.addr, &server.root_token),
        home.path(),
    );
    t.type_text(&format!("{}; echo __EXIT_$?__", bin()));
    t.keys(&["Enter"]);
    t.wait_for("active", WAIT);
    t.type_text("q");
    t.wait_for("__EXIT_0__", WAIT);
    assert_restored(&t);
}

/// Fail if any file below `dir` contains one of `needles`. A directory or file that cannot be read
/// fails too (a check that cannot look must not pass), and so does a tree without a single file
/// (the path is wrong, or the run left nothing to check). Symbolic links are not followed: they
/// may lead outside the tree, and what the run wrote is in the tree.
fn assert_no_file_contains(dir: &std::path::Path, needles: &[&str]) {
    let files = scan_for(dir, needles);
    assert!(files > 0, "{}: no file to check", dir.display());
}

/// The number of files checked below `dir`.
fn scan_for(dir: &std::path::Path, needles: &[&str]) -> usize {
    let entries = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {} to check it for secrets: {e}", dir.display()));
    let mut files = 0;
    for e in entries {
        let e = e.unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()));
        let p = e.path();
        let kind = e
            .file_type()
            .unwrap_or_else(|e| panic!("cannot stat {}: {e}", p.display()));
        if kind.is_dir() {
            files += scan_for(&p, needles);
        } else if kind.is_file() {
            let bytes = std::fs::read(&p).unwrap_or_else(|e| {
                panic!("cannot read {} to check it for secrets: {e}", p.display())
            });
            let text = String::from_utf8_lossy(&bytes);
            for n in needles {
                assert!(!text.contains(n), "{} contains a secret", p.display());
            }
            files += 1;
        }
    }
    files
}

#[test]
fn the_canary_check_fails_when_it_cannot_look_or_finds_the_canary() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let missing = tmp.path().join("nope");
    let run = |dir: std::path::PathBuf| {
        std::panic::catch_unwind(move || assert_no_file_contains(&dir, &["CANARY-123"]))
    };
    assert!(run(missing).is_err(), "an unreadable directory fails");
    assert!(
        run(tmp.path().to_path_buf()).is_err(),
        "an empty tree fails"
    );
    std::fs::create_dir(tmp.path().join("sub")).expect("mkdir");
    std::fs::write(tmp.path().join("sub/log"), "all fine").expect("write");
    assert!(run(tmp.path().to_path_buf()).is_ok(), "a clean tree passes");
    std::fs::write(tmp.path().join("sub/leak"), "x CANARY-123 y").expect("write");
    assert!(
        run(tmp.path().to_path_buf()).is_err(),
        "the canary is found"
    );
}

#[test]
fn ctrl_z_suspends_and_fg_resumes() {
    let server = DevServer::start();
    let home = tempfile::tempdir().expect("tempdir");
    let t = Tmux::start(
        "suspend",
        100,
        30,
        &env_for(home.path(), &server.addr, &server.root_token),
        home.path(),
    );
    t.type_text("set -m");
    t.keys(&["Enter"]);
    t.type_text(bin());
    t.keys(&["Enter"]);
    t.wait_for("active", WAIT);
    t.keys(&["C-z"]);
    t.wait_until("the shell after ctrl-z", WAIT, |s| s.contains("Stopped"));
    assert!(!t.alternate_on(), "suspend leaves the alternate screen");
    t.type_text("fg");
    t.keys(&["Enter"]);
    t.wait_until("the console back", WAIT, |s| {
        s.contains("Key metrics") && s.contains("active")
    });
    assert!(t.alternate_on());
    t.type_text("q");
    t.wait_until("the console to exit", WAIT, |_| !t.alternate_on());
    t.type_text("echo __DONE_$?__");
    t.keys(&["Enter"]);
    t.wait_for("__DONE_0__", WAIT);
    assert_restored(&t);
}

/// `:readonly`, then `:ctx` to the same context: still read-only, and `S` with the typed phrase
/// does not seal the real server.
#[test]
fn session_read_only_survives_a_context_switch() {
    let server = DevServer::start();
    let home = tempfile::tempdir().expect("tempdir");
    let t = Tmux::start(
        "readonly",
        100,
        30,
        &env_for(home.path(), &server.addr, &server.root_token),
        home.path(),
    );
    t.type_text(&format!("{}; echo __EXIT_$?__", bin()));
    t.keys(&["Enter"]);
    let host_port = server.addr.trim_start_matches("http://");
    t.wait_until("the node shown as active", WAIT, |s| {
        s.contains(host_port) && s.contains("active")
    });
    t.type_text(":readonly");
    t.keys(&["Enter"]);
    t.wait_for("READ-ONLY", WAIT);
    t.type_text(":ctx default");
    t.keys(&["Enter"]);
    t.wait_for("context default", WAIT);
    let s = t.wait_until("active again after the switch", WAIT, |s| {
        s.contains(host_port) && s.contains("active")
    });
    assert!(
        s.contains("READ-ONLY"),
        "the status bar lost read-only:\n{s}"
    );
    t.type_text("S");
    t.wait_for("read-only mode", WAIT);
    t.type_text(&format!("seal {host_port}"));
    t.keys(&["Enter"]);
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(
        common::dev::http_status(server.port, "GET", "/v1/sys/health", None),
        Some(200),
        "the server was sealed in read-only mode"
    );
    t.type_text(":q");
    t.keys(&["Enter"]);
    t.wait_for("__EXIT_0__", WAIT);
    assert_restored(&t);
}

/// `:mounts` shows the engines with a secret count filled in by a walk job; `d` opens a
/// mount's configuration; `esc` goes back, and back again to health with the selection kept.
#[test]
fn mounts_screen_counts_secrets_and_esc_goes_back() {
    let server = DevServer::start();
    for i in 0..25 {
        server.put_secret(&format!("e2e/team{}/s{i}", i % 4), "k", "v");
    }
    let home = tempfile::tempdir().expect("tempdir");
    let t = Tmux::start(
        "mounts",
        110,
        30,
        &env_for(home.path(), &server.addr, &server.root_token),
        home.path(),
    );
    t.type_text(&format!("{}; echo __EXIT_$?__", bin()));
    t.keys(&["Enter"]);
    let host_port = server.addr.trim_start_matches("http://");
    t.wait_until("the node shown as active", WAIT, |s| {
        s.contains(host_port) && s.contains("active")
    });
    // Select the metrics panel's second row: the selection to find again.
    t.keys(&["Tab", "Tab", "j"]);
    let before = t.wait_until("the second metric selected", WAIT, |s| {
        s.lines()
            .any(|l| l.contains('▸') && l.contains("num_leases"))
    });
    t.type_text(":mounts");
    t.keys(&["Enter"]);
    let s = t.wait_until("secret/ counted", WAIT, |s| {
        s.lines()
            .any(|l| l.contains("secret/") && l.contains(" 25 "))
    });
    assert!(s.contains("from sys/mounts"), "{s}");
    assert!(s.contains("auth/token/"), "{s}");
    // Down to secret/ and open its configuration.
    let rows: Vec<&str> = s.lines().collect();
    let secret_row = rows
        .iter()
        .position(|l| l.contains("│secret/"))
        .expect("secret/ row");
    let first_row = rows
        .iter()
        .position(|l| l.contains("│cubbyhole/"))
        .expect("first row");
    for _ in first_row..secret_row {
        t.keys(&["j"]);
    }
    // `d` shows a mount's configuration (`enter` on a KV mount browses it).
    t.keys(&["d"]);
    t.wait_for("Mount secret/", WAIT);
    t.wait_for("kv version", WAIT);
    t.keys(&["Escape"]);
    t.wait_until("the list again", WAIT, |s| s.contains("from sys/mounts"));
    t.keys(&["Escape"]);
    let after = t.wait_until("health again", WAIT, |s| s.contains("Key metrics"));
    let selected = |s: &str| {
        s.lines()
            .find(|l| l.contains('▸') && l.contains("num_leases"))
            .map(|l| l.split('·').next().unwrap_or_default().trim().to_string())
    };
    assert!(selected(&before).is_some());
    assert_eq!(
        selected(&after),
        selected(&before),
        "selection kept:\n{after}"
    );
    t.type_text("q");
    t.wait_for("__EXIT_0__", WAIT);
    assert_restored(&t);
}
