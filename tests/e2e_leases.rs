//! End-to-end: the leases screen of the release binary in tmux against a real OpenBao dev
//! server. Approle logins and created tokens; `:leases auth/`; the tree shows each prefix's
//! count; the approle prefix revoked with the typed phrase naming its count; the server then
//! lists nothing there and the screen shows the prefix gone; the terminal is restored on quit.
// Test crate: helpers outside #[test] fns fail the test with a message via expect.
#![allow(clippy::expect_used, clippy::panic)]

mod common;
mod leases_support;

use std::time::Duration;

use common::dev::DevServer;
use common::tmux::{Tmux, console_env as env_for};
use leases_support::{approle_logins, created_tokens};

const WAIT: Duration = Duration::from_secs(20);

#[test]
fn leases_tree_then_revoke_prefix_with_the_counted_phrase() {
    let server = DevServer::start();
    let settings = strongroom::vault::ClientSettings {
        token: Some(std::sync::Arc::new(strongroom::secret::token_from(
            &server.root_token,
        ))),
        ..Default::default()
    };
    let root = strongroom::vault::VaultClient::connect(&server.addr, settings).expect("client");
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        approle_logins(&root, 3).await;
        created_tokens(&root, 2, "45m").await;
    });

    let home = tempfile::tempdir().expect("tempdir");
    let t = Tmux::start(
        "leases",
        100,
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

    t.type_text(":leases auth/");
    t.keys(&["Enter"]);
    let s = t.wait_until("the lease tree, loaded", WAIT, |s| {
        s.contains("6 leases in 4 prefixes below auth/")
    });
    // The tree pane's row of login/ (the lease pane beside it names the prefix too).
    let login_row = s
        .lines()
        .map(|l| l.chars().take(40).collect::<String>())
        .find(|l| l.contains("login/"))
        .expect("the login row");
    assert!(login_row.contains(" 3 "), "{s}");

    // Down to auth/approle/login/ (auth/, approle/, login/), then revoke the prefix.
    t.type_text("jj");
    t.type_text("D");
    t.wait_for("revoke 3 leases at auth/approle/login/", WAIT);
    t.type_text("revoke 3 leases at auth/approle/login/");
    t.keys(&["Enter"]);
    let s = t.wait_until("the prefix gone from the tree", WAIT, |s| {
        s.contains("3 leases in 2 prefixes below auth/")
    });
    // No tree row left for it (a toast may still name it).
    let tree_rows = s
        .lines()
        .filter(|l| l.starts_with('│'))
        .map(|l| l.chars().take(40).collect::<String>());
    assert!(!tree_rows.into_iter().any(|l| l.contains("login/")), "{s}");
    let left = rt
        .block_on(root.lease_list("auth/approle/login/"))
        .expect("list");
    assert!(left.is_empty(), "{left:?}");
    assert_eq!(
        rt.block_on(root.lease_list("auth/token/create/"))
            .expect("list")
            .len(),
        3,
        "the tokens' leases (and the root token's) stay"
    );

    t.keys(&["Escape"]);
    t.type_text("q");
    t.wait_for("__EXIT_0__", WAIT);
    assert!(!t.alternate_on(), "the terminal is restored");
}
