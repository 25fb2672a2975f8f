//! `strongroom kv find` (the real binary) against a real `bao server -dev`: paths as results
//! arrive (plain and JSON lines), `--match`, denied folders counted on stderr, a namespace,
//! exit 0 on success and 1 on error. The child gets a clean environment and HOME in a tempdir.
#![allow(clippy::expect_used)]

mod common;
mod kv_support;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Output;

use common::dev::DevServer;
use kv_support::{call, client, expected, seed_v2, token_with_policy};
use reqwest::Method;
use serde_json::{Value, json};

/// `strongroom kv find` with a clean environment.
fn kv_find(home: &Path, dev: &DevServer, token: &str, args: &[&str]) -> Output {
    common::strongroom_command(home)
        .args(["kv", "find", "--addr", &dev.addr, "--token", token])
        .args(args)
        .output()
        .expect("run strongroom kv find")
}

fn text(o: &Output) -> String {
    format!(
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn lines(o: &Output) -> BTreeSet<String> {
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

#[tokio::test]
async fn kv_find_prints_paths_and_exits_like_a_tool() {
    let dev = DevServer::start();
    let root = client(&dev.addr, &dev.root_token, None);
    seed_v2(&root).await;
    let home = tempfile::tempdir().expect("tempdir");
    let h = home.path();
    let all = expected("secret/", "");

    let o = kv_find(h, &dev, &dev.root_token, &["secret/tree"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(lines(&o), all);
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("7 found (one SCAN"),
        "{}",
        text(&o)
    );
    assert!(
        !text(&o).contains(&dev.root_token),
        "the token is never printed"
    );

    let o = kv_find(
        h,
        &dev,
        &dev.root_token,
        &[
            "secret/tree/",
            "--format",
            "json",
            "--mode",
            "list",
            "--concurrency",
            "2",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let from_json: BTreeSet<String> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}"));
            v["path"].as_str().expect("path").to_string()
        })
        .collect();
    assert_eq!(from_json, all);
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("LIST walk, 7 LISTs"),
        "{}",
        text(&o)
    );

    let o = kv_find(
        h,
        &dev,
        &dev.root_token,
        &["secret/", "--match", "/a/[0-9]$"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(
        lines(&o),
        BTreeSet::from(["secret/tree/a/1".to_string(), "secret/tree/a/2".to_string()])
    );

    // A denied folder: skipped, counted on stderr, still a success.
    let denier = token_with_policy(
        &root,
        "denier",
        r#"path "secret/metadata/*" { capabilities = ["list"] }
path "secret/metadata/tree/hidden/*" { capabilities = ["deny"] }
path "sys/internal/ui/mounts/*" { capabilities = ["read"] }"#,
    )
    .await;
    let o = kv_find(h, &dev, &denier, &["secret/tree"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(lines(&o), expected("secret/", "tree/hidden/"));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("1 denied folder(s) skipped: secret/tree/hidden/"),
        "{}",
        text(&o)
    );

    // Errors: exit 1 with a message.
    for (args, want) in [
        (
            &["secret/", "--match", "("][..],
            "invalid --match expression",
        ),
        (
            &["nomount/x"][..],
            "no secret engine is mounted at nomount/x",
        ),
        (&["sys/x"][..], "not a KV mount"),
    ] {
        let o = kv_find(h, &dev, &dev.root_token, args);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {}", text(&o));
        assert!(
            String::from_utf8_lossy(&o.stderr).contains(want),
            "{}",
            text(&o)
        );
        assert!(o.stdout.is_empty());
    }
    let o = kv_find(h, &dev, "not-a-token", &["secret/tree", "--mode", "list"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));

    // In a namespace (`--namespace`): its own mount, found and walked there.
    call(&root, Method::PUT, "sys/namespaces/team-a", json!({})).await;
    let ns = client(&dev.addr, &dev.root_token, Some("team-a"));
    call(
        &ns,
        Method::POST,
        "sys/mounts/nskv",
        json!({"type": "kv", "options": {"version": "2"}}),
    )
    .await;
    call(
        &ns,
        Method::POST,
        "nskv/data/a/b",
        json!({"data": {"k": "v"}}),
    )
    .await;
    let o = kv_find(
        h,
        &dev,
        &dev.root_token,
        &["--namespace", "team-a", "nskv/"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(String::from_utf8_lossy(&o.stdout), "nskv/a/b\n");
}
