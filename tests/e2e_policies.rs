//! End-to-end: the policies screen of the release binary in tmux against a real OpenBao dev
//! server. `:policies` lists the policies; `enter` opens one (its version and findings);
//! `e` edits it in memory; `ctrl-s` shows the diff; `enter` and `y` save it through the gate;
//! the server then has the new text as version 2. Then "why can't I read this?" for another
//! token typed into the masked input: its capabilities and the deciding rule are shown, and
//! the token never reaches the screen or the log. The terminal is restored on quit.
// Test crate: helpers outside #[test] fns fail the test with a message via expect.
#![allow(clippy::expect_used, clippy::panic)]

mod common;

use std::time::Duration;

use common::dev::DevServer;
use common::tmux::{Tmux, console_env as env_for};

const WAIT: Duration = Duration::from_secs(20);

const READER: &str = "path \"secret/data/apps/*\" {\n  capabilities = [\"read\", \"list\"]\n}\n";

#[test]
fn open_edit_diff_and_save_a_policy() {
    let server = DevServer::start();
    let settings = strongroom::vault::ClientSettings {
        token: Some(std::sync::Arc::new(strongroom::secret::token_from(
            &server.root_token,
        ))),
        ..Default::default()
    };
    let root = strongroom::vault::VaultClient::connect(&server.addr, settings).expect("client");
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(root.write_policy("apps-reader", READER, None))
        .expect("write the policy");
    let created = rt
        .block_on(root.request(
            reqwest::Method::POST,
            "auth/token/create",
            &[],
            Some(&serde_json::json!({"policies": ["apps-reader"], "ttl": "1h"})),
        ))
        .expect("create a token");
    let other = created["auth"]["client_token"]
        .as_str()
        .expect("client_token")
        .to_string();

    let home = tempfile::tempdir().expect("tempdir");
    let t = Tmux::start(
        "policies",
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
    let host_port = server.addr.trim_start_matches("http://");
    t.wait_until("the node shown as active", WAIT, |s| {
        s.contains(host_port) && s.contains("active")
    });

    t.type_text(":policies");
    t.keys(&["Enter"]);
    t.wait_until("the list, read", WAIT, |s| {
        s.contains("3 ACL policies") && s.contains("apps-reader")
    });
    // apps-reader is the first row.
    t.keys(&["Enter"]);
    t.wait_for("policy apps-reader · version 1 · 1 rule", WAIT);
    t.type_text("e");
    t.wait_for("edit policy apps-reader", WAIT);
    t.type_text("# reviewed in e2e");
    t.keys(&["Enter"]);
    t.keys(&["C-s"]);
    let s = t.wait_for("save policy apps-reader? +1 −0 lines", WAIT);
    assert!(s.contains("+ # reviewed in e2e"), "{s}");
    t.keys(&["Enter"]);
    t.wait_for("Save the ACL policy apps-reader", WAIT);
    t.type_text("y");
    t.wait_for("policy apps-reader · version 2", WAIT);

    let p = rt.block_on(root.read_policy("apps-reader")).expect("read");
    assert_eq!(p.version, Some(2));
    assert_eq!(p.policy, format!("# reviewed in e2e\n{READER}"));

    // Why can this token read there? Typed masked; the deciding rule is shown.
    t.type_text("c");
    t.wait_for("capabilities on path:", WAIT);
    t.type_text("secret/data/apps/db");
    t.keys(&["Enter"]);
    t.wait_for("token (empty: your own):", WAIT);
    t.type_text(&other);
    let s = t.screen();
    assert!(!s.contains(&other), "the token was echoed:\n{s}");
    t.keys(&["Enter"]);
    let s = t.wait_for("the token you gave: list, read", WAIT);
    assert!(
        s.contains("▶ apps-reader L2 path \"secret/data/apps/*\" read, list"),
        "{s}"
    );
    assert!(!s.contains(&other), "{s}");

    t.keys(&["Escape"]);
    t.type_text("q");
    t.wait_for("__EXIT_0__", WAIT);
    assert!(!t.alternate_on(), "the terminal is restored");
    let log = std::fs::read_to_string(home.path().join("state/strongroom.log")).expect("log");
    assert!(!log.contains(&other), "the token is in the log");
    assert!(
        !log.contains(&server.root_token),
        "the root token is in the log"
    );
}
