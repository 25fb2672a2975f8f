//! Mounts and the KV walker against a real `bao server -dev`: KV v2 (`secret/`) and a KV v1
//! mount, tokens with `list` only, with `scan`, and with a denied folder; cancel; namespaces.
//! The binary is in `live_kv_find.rs`.
#![allow(clippy::expect_used)]

mod common;
mod kv_support;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use common::dev::DevServer;
use futures::StreamExt;
use kv_support::{TREE, call, client, expected, seed_v2, token_with_policy};
use reqwest::Method;
use serde_json::json;
use strongroom::jobs::walk::{WalkEvent, WalkMode, WalkProgress, WalkSpec, WalkSummary, walk};
use strongroom::vault::models::kv::KvVersion;
use strongroom::vault::models::mounts::{MountKind, MountSource};
use strongroom::vault::mounts::{find_secret_mount, list_mounts};
use strongroom::vault::{VaultClient, VaultError};
use tokio_util::sync::CancellationToken;

/// Walk and collect everything the sink got, checking the events on the way.
async fn run_walk(
    c: &VaultClient,
    spec: &WalkSpec,
) -> Result<(BTreeSet<String>, WalkSummary), VaultError> {
    let cancel = CancellationToken::new();
    let mut found = Vec::new();
    let mut progress: Vec<WalkProgress> = Vec::new();
    let mut sink = |ev: WalkEvent| match ev {
        WalkEvent::Found(b) => {
            assert!(!b.is_empty(), "no empty batches");
            found.extend(b);
        }
        WalkEvent::Progress(p) => progress.push(p),
    };
    let summary = walk(c, spec, &cancel, &mut sink).await?;
    let limit = spec.concurrency as u64;
    assert!(
        progress.iter().all(|p| p.in_flight <= limit),
        "{progress:?}"
    );
    assert_eq!(
        progress.last(),
        Some(&summary.progress),
        "the last progress is final"
    );
    let set: BTreeSet<String> = found.iter().cloned().collect();
    assert_eq!(set.len(), found.len(), "no path twice");
    assert_eq!(summary.progress.found, found.len() as u64);
    Ok((set, summary))
}

fn spec(mount: &str, version: KvVersion, prefix: &str, mode: WalkMode) -> WalkSpec {
    WalkSpec {
        mode,
        concurrency: 4,
        ..WalkSpec::new(mount, version, prefix)
    }
}

#[tokio::test]
async fn walks_kv2_by_scan_and_by_list_with_denied_folders() {
    let dev = DevServer::start();
    let root = client(&dev.addr, &dev.root_token, None);
    seed_v2(&root).await;
    let all = expected("secret/", "");

    // Root: Auto takes the SCAN.
    let (found, s) = run_walk(
        &root,
        &spec("secret/", KvVersion::V2, "tree", WalkMode::Auto),
    )
    .await
    .expect("root walk");
    assert_eq!(found, all);
    assert_eq!((s.used, s.progress.listed), (WalkMode::Scan, 1));

    // `list` only: SCAN is refused (403), Auto walks with LIST, same answer.
    let lister = token_with_policy(
        &root,
        "lister",
        r#"path "secret/metadata/*" { capabilities = ["list"] }"#,
    )
    .await;
    let lc = client(&dev.addr, &lister, None);
    let caps = lc
        .capabilities_self(&["secret/metadata/tree/"])
        .await
        .expect("capabilities-self");
    assert_eq!(
        caps.get("secret/metadata/tree/"),
        Some(&vec!["list".to_string()])
    );
    let err = run_walk(&lc, &spec("secret/", KvVersion::V2, "tree", WalkMode::Scan))
        .await
        .expect_err("SCAN without the scan capability");
    assert_eq!(err.status(), Some(403), "{err}");
    let (found, s) = run_walk(
        &lc,
        &spec("secret/", KvVersion::V2, "tree/", WalkMode::Auto),
    )
    .await
    .expect("list walk");
    assert_eq!(found, all);
    assert_eq!(s.used, WalkMode::List);
    // tree/, a/, a/deep/, a/deep/x/, b/, hidden/, hidden/sub/
    assert_eq!((s.progress.listed, s.progress.denied, s.leaves), (7, 0, 7));

    // `scan` as well: one SCAN.
    let scanner = token_with_policy(
        &root,
        "scanner",
        r#"path "secret/metadata/*" { capabilities = ["list", "scan"] }"#,
    )
    .await;
    let sc = client(&dev.addr, &scanner, None);
    let caps = sc
        .capabilities_self(&["secret/metadata/tree/"])
        .await
        .expect("capabilities-self");
    assert_eq!(
        caps.get("secret/metadata/tree/"),
        Some(&vec!["list".to_string(), "scan".to_string()])
    );
    let (found, s) = run_walk(&sc, &spec("secret/", KvVersion::V2, "tree", WalkMode::Auto))
        .await
        .expect("scan walk");
    assert_eq!(found, all);
    assert_eq!(s.used, WalkMode::Scan);

    // A denied folder: skipped and counted, the rest found.
    let denier = token_with_policy(
        &root,
        "denier",
        r#"path "secret/metadata/*" { capabilities = ["list"] }
path "secret/metadata/tree/hidden/*" { capabilities = ["deny"] }"#,
    )
    .await;
    let dc = client(&dev.addr, &denier, None);
    let (found, s) = run_walk(&dc, &spec("secret/", KvVersion::V2, "tree", WalkMode::Auto))
        .await
        .expect("walk with a denied folder");
    assert_eq!(found, expected("secret/", "tree/hidden/"));
    assert_eq!(s.progress.denied, 1);
    assert_eq!(s.denied_paths, vec!["secret/tree/hidden/".to_string()]);

    // A pattern keeps the matching full paths only.
    let mut with_pattern = spec("secret/", KvVersion::V2, "", WalkMode::List);
    with_pattern.pattern = Some(regex::Regex::new(r"^secret/tree/a/").expect("regex"));
    let (found, s) = run_walk(&root, &with_pattern).await.expect("pattern walk");
    assert_eq!(found.len(), 3, "{found:?}");
    assert_eq!(s.leaves, 8);

    // A missing folder is empty, not an error; the denied start folder is an error.
    let (found, _) = run_walk(
        &root,
        &spec("secret/", KvVersion::V2, "nope", WalkMode::List),
    )
    .await
    .expect("missing folder");
    assert!(found.is_empty());
    let err = run_walk(
        &dc,
        &spec("secret/", KvVersion::V2, "tree/hidden", WalkMode::List),
    )
    .await
    .expect_err("denied start folder");
    assert_eq!(err.status(), Some(403));
}

#[tokio::test]
async fn walks_kv1_by_scan_and_by_list() {
    let dev = DevServer::start();
    let root = client(&dev.addr, &dev.root_token, None);
    call(
        &root,
        Method::POST,
        "sys/mounts/kv1",
        json!({"type": "kv", "options": {"version": "1"}}),
    )
    .await;
    for p in TREE {
        call(&root, Method::POST, &format!("kv1/{p}"), json!({"k": "v"})).await;
    }
    let m = find_secret_mount(&root, "kv1/tree").await.expect("mount");
    assert_eq!((m.path.as_str(), m.kv_version), ("kv1/", Some(1)));
    let all = expected("kv1/", "");
    for mode in [WalkMode::Scan, WalkMode::List, WalkMode::Auto] {
        let (found, s) = run_walk(&root, &spec("kv1", KvVersion::V1, "tree", mode))
            .await
            .expect("kv1 walk");
        assert_eq!(found, all, "{mode:?}");
        let want = if mode == WalkMode::List {
            WalkMode::List
        } else {
            WalkMode::Scan
        };
        assert_eq!(s.used, want);
    }
}

#[tokio::test]
async fn cancel_stops_a_walk_promptly() {
    let dev = DevServer::start();
    let root = client(&dev.addr, &dev.root_token, None);
    // 1,500 folders of one secret each: a LIST walk one request at a time lasts far longer
    // than the first flush.
    let writes = futures::stream::iter(0..1500).map(|i| {
        let root = root.clone();
        async move {
            call(
                &root,
                Method::POST,
                &format!("secret/data/cancel/f{i}/s"),
                json!({"data": {"k": "v"}}),
            )
            .await
        }
    });
    writes.buffer_unordered(16).collect::<Vec<_>>().await;

    let cancel = CancellationToken::new();
    let mut found = 0usize;
    let mut sink = |ev: WalkEvent| {
        if let WalkEvent::Found(b) = ev {
            found += b.len();
            cancel.cancel();
        }
    };
    let mut sp = spec("secret/", KvVersion::V2, "cancel", WalkMode::List);
    sp.concurrency = 1;
    let t = Instant::now();
    let s = walk(&root, &sp, &cancel, &mut sink).await.expect("walk");
    assert!(s.cancelled, "{s:?}");
    assert!(found > 0 && s.progress.listed < 1501, "{s:?}");
    assert!(t.elapsed() < Duration::from_secs(5));

    // A request in flight is dropped: a server that never answers does not hold the walk.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = format!("http://{}", silent.local_addr().expect("addr"));
    let hung = client(&addr, "t", None);
    let cancel = CancellationToken::new();
    let c2 = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(200)).await;
        c2.cancel();
    });
    let t = Instant::now();
    let s = walk(
        &hung,
        &spec("secret/", KvVersion::V2, "", WalkMode::Auto),
        &cancel,
        &mut |_| {},
    )
    .await
    .expect("cancelled, not failed");
    assert!(s.cancelled);
    assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());
    drop(silent);
}

#[tokio::test]
async fn lists_mounts_with_root_restricted_token_and_namespace() {
    let dev = DevServer::start();
    let root = client(&dev.addr, &dev.root_token, None);
    call(
        &root,
        Method::POST,
        "sys/mounts/kv1",
        json!({"type": "kv", "options": {"version": "1"}, "description": "old kv"}),
    )
    .await;

    let l = list_mounts(&root).await.expect("mounts");
    assert_eq!(l.source, MountSource::SysMounts);
    let secret = l
        .mounts
        .iter()
        .find(|m| m.path == "secret/")
        .expect("secret/");
    assert_eq!(
        (secret.kind, secret.mount_type.as_str()),
        (MountKind::Secret, "kv")
    );
    assert_eq!(secret.kv_version, Some(2));
    assert!(!secret.accessor.is_empty() && !secret.running_plugin_version.is_empty());
    let kv1 = l.mounts.iter().find(|m| m.path == "kv1/").expect("kv1/");
    assert_eq!(
        (kv1.kv_version, kv1.description.as_str()),
        (Some(1), "old kv")
    );
    assert!(
        l.mounts
            .iter()
            .any(|m| m.kind == MountKind::Auth && m.path == "token/")
    );
    assert!(
        l.mounts
            .iter()
            .any(|m| m.path == "sys/" && m.kv_version.is_none())
    );

    // A token that cannot read sys/mounts: the UI endpoint, filtered by its policy.
    let lister = token_with_policy(
        &root,
        "lister",
        r#"path "secret/metadata/*" { capabilities = ["list"] }"#,
    )
    .await;
    let lc = client(&dev.addr, &lister, None);
    assert_eq!(
        lc.sys_mounts().await.expect_err("no sys/mounts").status(),
        Some(403)
    );
    let l = list_mounts(&lc).await.expect("fallback");
    assert_eq!(l.source, MountSource::UiMounts);
    let secret = l
        .mounts
        .iter()
        .find(|m| m.path == "secret/")
        .expect("secret/");
    assert_eq!(secret.kv_version, Some(2));
    assert!(
        l.mounts.iter().all(|m| m.path != "kv1/"),
        "filtered by the ACL"
    );
    let m = find_secret_mount(&lc, "secret/apps/x")
        .await
        .expect("mount of a path");
    assert_eq!((m.path.as_str(), m.kv_version), ("secret/", Some(2)));

    // A namespace: its own mounts only; the walker works inside it.
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
    let l = list_mounts(&ns).await.expect("namespace mounts");
    let paths: Vec<&str> = l.mounts.iter().map(|m| m.path.as_str()).collect();
    assert!(
        paths.contains(&"nskv/") && !paths.contains(&"secret/"),
        "{paths:?}"
    );
    let (found, _) = run_walk(&ns, &spec("nskv/", KvVersion::V2, "", WalkMode::List))
        .await
        .expect("namespace walk");
    assert_eq!(found, BTreeSet::from(["nskv/a/b".to_string()]));
    let (found, s) = run_walk(&ns, &spec("nskv/", KvVersion::V2, "", WalkMode::Auto))
        .await
        .expect("namespace scan");
    assert_eq!((found.len(), s.used), (1, WalkMode::Scan));
}
