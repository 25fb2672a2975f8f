//! `strongroom leases ls` (the real binary) against a real `bao server -dev`: every lease below
//! a prefix, soonest expiry first (plain and JSON lines), `--expiring`, the summary on stderr,
//! exit codes. The child gets a clean environment and HOME in a tempdir.
// Test crate: helpers outside #[test] fns fail the test with a message via expect.
#![allow(clippy::expect_used)]

mod common;
mod leases_support;

use std::path::Path;
use std::process::Output;

use common::dev::DevServer;
use leases_support::{approle_logins, created_tokens};

fn ls(home: &Path, dev: &DevServer, token: &str, args: &[&str]) -> Output {
    common::strongroom_command(home)
        .args(["leases", "ls", "--addr", &dev.addr, "--token", token])
        .args(args)
        .output()
        .expect("run strongroom leases ls")
}

fn text(o: &Output) -> String {
    format!(
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn client(dev: &DevServer) -> strongroom::vault::VaultClient {
    let settings = strongroom::vault::ClientSettings {
        token: Some(std::sync::Arc::new(strongroom::secret::token_from(
            &dev.root_token,
        ))),
        ..Default::default()
    };
    strongroom::vault::VaultClient::connect(&dev.addr, settings).expect("client")
}

#[test]
fn leases_ls_lists_sorts_filters_and_exits() {
    let dev = DevServer::start();
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let root = client(&dev);
    rt.block_on(async {
        approle_logins(&root, 4).await;
        created_tokens(&root, 2, "20m").await;
    });
    let home = tempfile::tempdir().expect("tempdir");

    // Plain: a header, then one lease per line, soonest first: the 20-minute tokens lead.
    let out = ls(home.path(), &dev, &dev.root_token, &["auth/"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines[0].starts_with("EXPIRES"), "{stdout}");
    assert!(lines.len() >= 7, "{stdout}");
    assert!(
        lines[1].contains("auth/token/create/") && lines[2].contains("auth/token/create/"),
        "{stdout}"
    );
    assert!(lines[3].contains("auth/approle/login/"), "{stdout}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("leases below auth/"), "{stderr}");
    assert!(
        !text(&out).contains(&dev.root_token),
        "the token is never printed"
    );

    // --expiring 30m: only the two tokens; JSON lines with the TTL left.
    let out = ls(
        home.path(),
        &dev,
        &dev.root_token,
        &["auth/", "--expiring", "30m", "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let rows: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert_eq!(rows.len(), 2, "{}", text(&out));
    for r in &rows {
        assert!(
            r["id"]
                .as_str()
                .is_some_and(|i| i.starts_with("auth/token/create/"))
        );
        assert!(
            r["ttl"]
                .as_i64()
                .is_some_and(|t| (1000..=1200).contains(&t)),
            "{r}"
        );
        assert!(r["expire_time"].is_string() && r["issue_time"].is_string());
    }
    assert!(String::from_utf8_lossy(&out.stderr).contains("2 expiring within 30m"));

    // A prefix with nothing below: nothing listed, exit 0.
    let out = ls(home.path(), &dev, &dev.root_token, &["database/"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 1);

    // A token that may not list leases: exit 1 with the reason.
    let out = ls(home.path(), &dev, "not-a-token", &["auth/"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("leases ls"),
        "{}",
        text(&out)
    );

    // A bad duration is a usage error.
    let out = ls(home.path(), &dev, &dev.root_token, &["--expiring", "soon"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
}
