//! End-to-end: the release binary in tmux against a sealed 3-node raft cluster (all three
//! addresses configured, the root token): `:unseal`, three shares typed (two with send-keys,
//! one pasted), each submitted to every sealed node; then `:health` shows every node unsealed
//! with one leader. No share or root token is on screen, in the console's log file or in any
//! file the run left behind.
// Test crate: helpers outside #[test] fns fail the test with a message via expect.
#![allow(clippy::expect_used)]

mod common;

use std::time::Duration;

use common::cluster::TestCluster;
use common::tmux::{Tmux, console_env};

const WAIT: Duration = Duration::from_secs(40);

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_strongroom")
}

fn files_below(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).expect("read dir").flatten() {
        let p = e.path();
        if p.is_dir() {
            files_below(&p, out);
        } else {
            out.push(p);
        }
    }
}

#[test]
fn the_binary_unseals_a_sealed_cluster_with_three_typed_shares() {
    let mut tc = TestCluster::start();
    let shares = tc.shares();
    let root = tc.root_token();
    let addrs = tc.addrs();
    tc.restart_all();

    let home = tempfile::tempdir().expect("tempdir");
    let t = Tmux::start(
        "unseal",
        120,
        36,
        &console_env(home.path(), &addrs[0], &root),
        home.path(),
    );
    let flags: Vec<String> = addrs.iter().map(|a| format!("--addr {a}")).collect();
    t.type_text(&format!(
        "{} {} --log-level debug; echo __EXIT_$?__",
        bin(),
        flags.join(" ")
    ));
    t.keys(&["Enter"]);
    t.wait_for("sealed", WAIT);

    t.type_text(":unseal");
    t.keys(&["Enter"]);
    t.wait_until("three sealed panels at 0 of 3", WAIT, |s| {
        s.contains("Unseal ceremony") && s.matches("progress 0 of 3").count() == 3
    });
    let mut seen = Vec::new();
    for (i, share) in shares.iter().take(3).enumerate() {
        if i == 1 {
            // A paste (bracketed, as a terminal sends it).
            t.run(&["set-buffer", "-b", "share", share]);
            t.run(&["paste-buffer", "-p", "-d", "-b", "share", "-t", &t.session]);
        } else {
            t.type_text(share);
        }
        let typed = t.wait_for("(hidden input)", WAIT);
        seen.push(typed);
        t.keys(&["Enter"]);
        let accepted = format!(
            "{} share{} accepted in this ceremony",
            i + 1,
            if i == 0 { "" } else { "s" }
        );
        seen.push(t.wait_for(&accepted, WAIT));
    }
    seen.push(t.wait_until("every panel unsealed", WAIT, |s| {
        s.matches("unsealed · active").count() == 1 && s.matches("unsealed · standby").count() == 2
    }));

    t.keys(&["Escape"]);
    t.type_text(":health");
    t.keys(&["Enter"]);
    let health = t.wait_until("every node unsealed with one leader", WAIT, |s| {
        let rows: Vec<&str> = addrs
            .iter()
            .filter_map(|a| {
                let hp = a.trim_start_matches("http://");
                // The node table's row (it starts with the address).
                let row = format!("│{hp} ");
                s.lines().find(|l| l.starts_with(&row))
            })
            .collect();
        rows.len() == 3
            && rows.iter().filter(|l| l.contains("active")).count() == 1
            && rows.iter().filter(|l| l.contains("standby")).count() == 2
    });
    seen.push(health);

    t.type_text("q");
    t.wait_for("__EXIT_0__", WAIT);

    // Canary: no share or root token on any screen, in the log file, or in any file left.
    let log = std::fs::read_to_string(home.path().join("state/strongroom.log"))
        .expect("log file written");
    assert!(
        log.contains("unseal share"),
        "the writes are logged (without shares)"
    );
    let mut files = Vec::new();
    files_below(home.path(), &mut files);
    assert!(!files.is_empty());
    let mut needles: Vec<&str> = shares.iter().map(String::as_str).collect();
    needles.push(&root);
    for n in needles {
        for s in &seen {
            assert!(!s.contains(n), "a secret on screen:\n{s}");
        }
        assert!(!log.contains(n), "a secret in the log file");
        for f in &files {
            let text = String::from_utf8_lossy(&std::fs::read(f).expect("read")).into_owned();
            assert!(!text.contains(n), "{} contains a secret", f.display());
        }
    }
}
