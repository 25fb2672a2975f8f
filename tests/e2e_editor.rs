//! End-to-end: the release binary in tmux against a real OpenBao dev server: `:edit secret/x`,
//! type a change, `ctrl-s`, confirm, and the server has the new version with the change. The
//! value is a canary: after the run no file the console left (its debug log included) holds it.
// Test crate: helpers outside #[test] fns fail the test with a message via expect.
#![allow(clippy::expect_used)]

mod common;

use std::time::Duration;

use common::dev::{DevServer, http_request};
use common::tmux::{Tmux, console_env as env_for};

const WAIT: Duration = Duration::from_secs(20);

/// Every file below `dir` (bounded depth), for the canary check.
fn files_below(dir: &std::path::Path, depth: u32, out: &mut Vec<std::path::PathBuf>) {
    assert!(depth < 16, "{} is too deep", dir.display());
    for e in std::fs::read_dir(dir).expect("read dir") {
        let p = e.expect("entry").path();
        let kind = std::fs::symlink_metadata(&p).expect("stat").file_type();
        if kind.is_dir() {
            files_below(&p, depth + 1, out);
        } else if kind.is_file() {
            out.push(p);
        }
    }
}

#[test]
fn edit_type_save_confirm_and_the_server_has_the_new_version() {
    let server = DevServer::start();
    let canary = format!("CANARY-{}-editor", std::process::id());
    server.put_secret("x", "password", &canary);
    let home = tempfile::tempdir().expect("tempdir");
    let t = Tmux::start(
        "editor",
        100,
        30,
        &env_for(home.path(), &server.addr, &server.root_token),
        home.path(),
    );
    t.type_text(&format!(
        "{} --log-level debug; echo __EXIT_$?__",
        env!("CARGO_BIN_EXE_strongroom")
    ));
    t.keys(&["Enter"]);
    t.wait_for("active", WAIT);

    t.type_text(":edit secret/x");
    t.keys(&["Enter"]);
    let s = t.wait_for("Edit secret/x · v1", WAIT);
    assert!(s.contains(&canary), "the values to edit are shown:\n{s}");
    // Into the value, before its closing quote; `q` is text here, not quit.
    t.keys(&["Down", "End", "Left"]);
    // (Typed text must not start with "-": tmux would read it as a flag.)
    t.type_text("Zq2");
    t.wait_for("modified", WAIT);
    t.keys(&["C-s"]);
    t.wait_for("(check-and-set)", WAIT);
    t.type_text("y");
    t.wait_for("saved secret/x as v2", WAIT);
    // Back where it was opened from.
    t.wait_until("the editor closed", WAIT, |s| !s.contains("Edit secret/x"));

    let (code, body) = http_request(
        server.port,
        "GET",
        "/v1/secret/data/x",
        Some(&server.root_token),
        "",
    )
    .expect("read back");
    assert_eq!(code, 200, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!(v["data"]["metadata"]["version"], 2, "{body}");
    assert_eq!(
        v["data"]["data"]["password"],
        format!("{canary}Zq2"),
        "{body}"
    );

    t.type_text("q");
    t.wait_for("__EXIT_0__", WAIT);
    assert!(!t.alternate_on(), "still in the alternate screen");

    // The edited secret never reached a file (debug log included), nor did the token.
    let mut files = Vec::new();
    files_below(home.path(), 0, &mut files);
    assert!(
        files.iter().any(|f| f.ends_with("strongroom.log")),
        "{files:?}"
    );
    for f in files {
        let bytes = std::fs::read(&f).expect("read");
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains(&canary), "{} holds the secret", f.display());
        assert!(
            !text.contains(&server.root_token),
            "{} holds the token",
            f.display()
        );
    }
}
