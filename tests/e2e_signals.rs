//! End-to-end: SIGTERM, SIGHUP and SIGINT sent to the console (started from a non-interactive
//! `sh`, as scripts and `ssh host cmd` do, so no shell puts the tty back for it) restore the
//! terminal: main screen, mouse reporting off, cursor shown, tty cooked; and the exit status is
//! the one for that signal (128 + signo).
// Test crate: helpers outside #[test] fns fail the test with a message via expect.
#![allow(clippy::expect_used)]

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::dev::DevServer;
use common::tmux::Tmux;
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

const WAIT: Duration = Duration::from_secs(20);

/// Runs the console as a child of a non-interactive `sh`, writing its PID first (`exec` keeps
/// the PID), then reports its exit status and the tty modes from that same `sh`.
const WRAPPER: &str = r#"pidfile=$1; shift
sh -c 'echo $$ > "$0.tmp" && mv "$0.tmp" "$0" && exec "$@"' "$pidfile" "$@"
echo "__EXIT_$?__"
stty -a | tr ' ;' '\n\n' | grep -x -e icanon -e -icanon -e echo -e -echo -e isig -e -isig -e opost -e -opost | tr '\n' ' '
echo "__ST""TY__"
"#;

/// Pane flags that mean "mouse reporting on" in tmux 3.x.
const MOUSE_FLAGS: [&str; 5] = [
    "mouse_any_flag",
    "mouse_standard_flag",
    "mouse_button_flag",
    "mouse_all_flag",
    "mouse_sgr_flag",
];

fn env_for(home: &Path, addr: &str, token: &str) -> Vec<(&'static str, String)> {
    vec![
        ("PATH", std::env::var("PATH").unwrap_or_default()),
        ("HOME", home.display().to_string()),
        ("TERM", "xterm-256color".into()),
        ("LANG", "C.UTF-8".into()),
        (
            "STRONGROOM_CONFIG_DIR",
            home.join("config").display().to_string(),
        ),
        (
            "STRONGROOM_STATE_DIR",
            home.join("state").display().to_string(),
        ),
        ("BAO_TOKEN", token.to_string()),
        ("BAO_ADDR", addr.to_string()),
        ("PS1", "$ ".into()),
    ]
}

/// Wait (bounded) for the wrapper to have written the console's PID.
fn read_pid(path: &Path) -> Pid {
    let deadline = Instant::now() + WAIT;
    loop {
        if let Some(pid) = std::fs::read_to_string(path)
            .ok()
            .and_then(|s| s.trim().parse::<i32>().ok())
        {
            return Pid::from_raw(pid);
        }
        assert!(
            Instant::now() < deadline,
            "no PID file at {}",
            path.display()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn signal_restores_the_terminal(sig: Signal, name: &str) {
    let server = DevServer::start();
    let home = tempfile::tempdir().expect("tempdir");
    std::fs::write(home.path().join("wrap.sh"), WRAPPER).expect("write the wrapper");
    let t = Tmux::start(
        name,
        100,
        30,
        &env_for(home.path(), &server.addr, &server.root_token),
        home.path(),
    );
    let host_port = server.addr.trim_start_matches("http://");
    t.type_text(&format!(
        "sh wrap.sh console.pid {} --addr {}",
        env!("CARGO_BIN_EXE_strongroom"),
        server.addr
    ));
    t.keys(&["Enter"]);
    t.wait_until("the node shown as active", WAIT, |s| {
        s.contains(host_port) && s.contains("active")
    });
    let pid = read_pid(&home.path().join("console.pid"));

    // While the console runs, every state the signal must undo is really on.
    assert_eq!(
        t.pane_var("alternate_on"),
        "1",
        "console not on the alternate screen"
    );
    assert_eq!(
        t.pane_var("mouse_any_flag"),
        "1",
        "console has no mouse reporting"
    );
    assert_eq!(t.pane_var("cursor_flag"), "0", "console shows the cursor");

    kill(pid, sig).expect("send the signal");
    let s = t.wait_until("the wrapper's report", WAIT, |s| {
        s.lines().any(|l| l.contains("__STTY__"))
    });

    let status = 128 + sig as i32;
    assert!(
        s.contains(&format!("__EXIT_{status}__")),
        "{name}: exit status should be {status}; screen:\n{s}"
    );
    assert_eq!(
        t.pane_var("alternate_on"),
        "0",
        "{name}: still on the alternate screen:\n{s}"
    );
    for flag in MOUSE_FLAGS {
        assert_eq!(t.pane_var(flag), "0", "{name}: {flag} left on");
    }
    assert_eq!(t.pane_var("cursor_flag"), "1", "{name}: cursor left hidden");
    let modes = s
        .lines()
        .find(|l| l.contains("__STTY__"))
        .unwrap_or_default();
    for mode in ["icanon", "echo", "isig", "opost"] {
        assert!(
            modes.split_whitespace().any(|m| m == mode),
            "{name}: tty mode {mode} not restored: {modes}"
        );
    }
    assert!(!modes.contains('-'), "{name}: raw modes left: {modes}");
}

#[test]
fn sigterm_restores_the_terminal_and_exits_143() {
    signal_restores_the_terminal(Signal::SIGTERM, "sigterm");
}

#[test]
fn sighup_restores_the_terminal_and_exits_129() {
    signal_restores_the_terminal(Signal::SIGHUP, "sighup");
}

#[test]
fn sigint_restores_the_terminal_and_exits_130() {
    signal_restores_the_terminal(Signal::SIGINT, "sigint");
}

/// A stopped console (ctrl-z) that gets SIGTERM from the shell's `kill %1` (which also sends
/// SIGCONT) must not set the terminal up again on resume and then die in it.
#[test]
fn sigterm_to_a_suspended_console_leaves_the_terminal_restored() {
    let server = DevServer::start();
    let home = tempfile::tempdir().expect("tempdir");
    let t = Tmux::start(
        "stopped",
        100,
        30,
        &env_for(home.path(), &server.addr, &server.root_token),
        home.path(),
    );
    t.type_text("set -m");
    t.keys(&["Enter"]);
    t.type_text(env!("CARGO_BIN_EXE_strongroom"));
    t.keys(&["Enter"]);
    t.wait_for("active", WAIT);
    t.keys(&["C-z"]);
    t.wait_until("the shell after ctrl-z", WAIT, |s| s.contains("Stopped"));
    t.type_text("kill -TERM %1");
    t.keys(&["Enter"]);
    // Bash reports the job's end before a prompt; its `wait` can still see the job as stopped
    // right after `kill` (which sends SIGCONT too), so poll the notification instead.
    let deadline = Instant::now() + WAIT;
    let s = loop {
        let s = t.screen();
        if s.contains("Exit 143") || s.contains("Terminated") {
            break s;
        }
        assert!(
            Instant::now() < deadline,
            "the suspended console did not end:\n{s}"
        );
        t.keys(&["Enter"]);
        std::thread::sleep(Duration::from_millis(300));
    };
    assert!(s.contains("Exit 143"), "exit status should be 143:\n{s}");
    // Give a wrongly resumed console time to set the terminal up again before checking.
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        t.pane_var("alternate_on"),
        "0",
        "back on the alternate screen:\n{}",
        t.screen()
    );
    for flag in MOUSE_FLAGS {
        assert_eq!(t.pane_var(flag), "0", "{flag} left on");
    }
    assert_eq!(t.pane_var("cursor_flag"), "1", "cursor left hidden");
}
