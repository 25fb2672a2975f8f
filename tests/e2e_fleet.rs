//! End-to-end: the fleet view of the release binary in tmux against two real OpenBao dev
//! servers configured as two contexts. `strongroom --fleet` starts on it; both rows fill;
//! `enter` on the second opens its health screen (the status bar names the context); `esc`
//! comes back to the fleet; `:fleet` from the health screen of a plain start opens it too; the
//! terminal is restored on quit.
// Test crate: helpers outside #[test] fns fail the test with a message via expect.
#![allow(clippy::expect_used, clippy::panic)]

mod common;

use std::path::Path;
use std::time::Duration;

use common::dev::DevServer;
use common::tmux::{Tmux, console_env};

const WAIT: Duration = Duration::from_secs(30);

/// Two contexts, each with its token in a 0600 file.
fn write_config(home: &Path, contexts: &[(&str, &DevServer)]) {
    let cfg = home.join("config");
    std::fs::create_dir_all(&cfg).expect("config dir");
    let mut text = format!("default_context = \"{}\"\n", contexts[0].0);
    for (name, server) in contexts {
        let f = home.join(format!("{name}.token"));
        std::fs::write(&f, &server.root_token).expect("token file");
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        }
        text += &format!(
            "\n[contexts.{name}]\naddrs = [\"{}\"]\ntoken_file = \"{}\"\n",
            server.addr,
            f.display()
        );
    }
    std::fs::write(cfg.join("config.toml"), text).expect("config");
}

/// The console's environment without BAO_ADDR / BAO_TOKEN: the config file decides.
fn env_of(home: &Path) -> Vec<(&'static str, String)> {
    console_env(home, "", "")
        .into_iter()
        .filter(|(k, _)| *k != "BAO_ADDR" && *k != "BAO_TOKEN")
        .collect()
}

fn fleet_rows_ok(s: &str) -> bool {
    let ok = |name: &str| {
        s.lines()
            .any(|l| l.contains(name) && l.contains(" ok ") && l.contains("1/1 up"))
    };
    s.contains("Fleet 2 contexts") && ok("alpha") && ok("beta")
}

#[test]
fn fleet_enter_one_cluster_and_back() {
    let alpha = DevServer::start();
    let beta = DevServer::start();
    let home = tempfile::tempdir().expect("tempdir");
    write_config(home.path(), &[("alpha", &alpha), ("beta", &beta)]);
    let t = Tmux::start("fleet", 110, 30, &env_of(home.path()), home.path());
    t.type_text(&format!(
        "{} --fleet; echo __EXIT_$?__",
        env!("CARGO_BIN_EXE_strongroom")
    ));
    t.keys(&["Enter"]);
    let s = t.wait_until("both rows polled", WAIT, fleet_rows_ok);
    let alpha_row = s
        .lines()
        .find(|l| l.starts_with('│') && l.contains("alpha"))
        .expect("alpha row");
    assert!(
        alpha_row.contains('●'),
        "the current context is marked: {s}"
    );
    assert!(!s.contains(&alpha.root_token) && !s.contains(&beta.root_token));

    // Down to beta, enter: its health screen.
    t.type_text("j");
    t.keys(&["Enter"]);
    let beta_hp = beta.addr.trim_start_matches("http://");
    t.wait_until("beta's health screen", WAIT, |s| {
        s.contains("ctx beta") && s.contains(beta_hp) && s.contains("active")
    });

    // esc: the fleet again, the cursor on beta, beta now the current context.
    t.keys(&["Escape"]);
    let s = t.wait_until("the fleet again", WAIT, |s| {
        fleet_rows_ok(s) && s.contains("beta: cluster")
    });
    let beta_row = s
        .lines()
        .find(|l| l.starts_with('│') && l.contains("beta"))
        .expect("beta row");
    assert!(beta_row.contains('●'), "beta is current now: {s}");
    t.type_text("q");
    t.wait_for("__EXIT_0__", WAIT);
    assert!(!t.alternate_on(), "the terminal is restored");

    // A plain start, then `:fleet`.
    t.type_text(&format!(
        "clear; {}; echo __EXIT_$?__",
        env!("CARGO_BIN_EXE_strongroom")
    ));
    t.keys(&["Enter"]);
    let alpha_hp = alpha.addr.trim_start_matches("http://");
    t.wait_until("alpha's health screen", WAIT, |s| {
        s.contains("ctx alpha") && s.contains(alpha_hp) && s.contains("active")
    });
    t.type_text(":fleet");
    t.keys(&["Enter"]);
    t.wait_until("the fleet from :fleet", WAIT, fleet_rows_ok);
    t.keys(&["Escape"]);
    t.wait_until("back on health", WAIT, |s| !s.contains("Fleet 2 contexts"));
    t.type_text("q");
    t.wait_for("__EXIT_0__", WAIT);
    assert!(!t.alternate_on(), "the terminal is restored");
}
