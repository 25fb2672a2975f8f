//! The search job against a real `bao server -dev`: KV v2 (`secret/`) and KV v1 (`kv1/`) in one
//! search; results as `Partial` batches, per-mount counters; a restricted token (LIST walk, a
//! denied folder skipped and counted, a mount it may not list at all counted as denied); a
//! token with `scan` (one SCAN per mount); cancel.
#![allow(clippy::expect_used)]

mod common;
mod kv_support;

use std::collections::BTreeSet;

use common::dev::DevServer;
use kv_support::{TREE, call, client, seed_v2, token_with_policy};
use reqwest::Method;
use serde_json::json;
use strongroom::jobs::search::{MountState, SearchProgress, SearchRun, run_search};
use strongroom::jobs::walk::WalkMode;
use strongroom::jobs::{JobEvent, JobReport, JobSpec};
use strongroom::vault::models::kv::KvVersion;
use strongroom::vault::worker::Worker;
use strongroom::vault::{VaultClient, VaultError};
use tokio_util::sync::CancellationToken;

/// What a search sent: the paths (checked unique), the last per-mount report, the final event.
struct Outcome {
    found: BTreeSet<String>,
    batches: usize,
    last: SearchProgress,
    end: JobEvent,
}

fn collect(events: Vec<JobEvent>, end: JobEvent) -> Outcome {
    let mut found = Vec::new();
    let mut batches = 0;
    let mut last = SearchProgress::default();
    for e in events {
        match e {
            JobEvent::Partial(b) => {
                assert!(!b.is_empty(), "no empty batches");
                batches += 1;
                found.extend(b);
            }
            JobEvent::Report(r) => {
                if let JobReport::Search(p) = *r {
                    last = p;
                }
            }
            other => panic!("unexpected event before the end: {other:?}"),
        }
    }
    let set: BTreeSet<String> = found.iter().cloned().collect();
    assert_eq!(set.len(), found.len(), "no path twice");
    Outcome {
        found: set,
        batches,
        last,
        end,
    }
}

async fn search(
    c: &VaultClient,
    mounts: &[(&str, KvVersion)],
    pattern: &str,
    mode: WalkMode,
) -> Outcome {
    let run = SearchRun {
        mounts: mounts.iter().map(|(m, v)| (m.to_string(), *v)).collect(),
        prefix: String::new(),
        pattern: pattern.into(),
        mode,
    };
    let mut events = Vec::new();
    let mut emit = |e: JobEvent| events.push(e);
    let end = run_search(c, &run, &CancellationToken::new(), &mut emit).await;
    collect(events, end)
}

async fn seed(root: &VaultClient) {
    seed_v2(root).await;
    for (mount, version) in [("kv1", "1"), ("locked", "2")] {
        call(
            root,
            Method::POST,
            &format!("sys/mounts/{mount}"),
            json!({"type": "kv", "options": {"version": version}}),
        )
        .await;
    }
    for p in TREE {
        call(root, Method::PUT, &format!("kv1/{p}"), json!({"k": "v"})).await;
    }
    call(
        root,
        Method::POST,
        "locked/data/tree/a/1",
        json!({"data": {"k": "v"}}),
    )
    .await;
}

fn paths(mount: &str, pred: impl Fn(&str) -> bool) -> BTreeSet<String> {
    TREE.iter()
        .filter(|p| pred(p))
        .map(|p| format!("{mount}{p}"))
        .collect()
}

#[tokio::test]
async fn search_across_kv_v1_and_v2_with_scan_list_and_denied() {
    let dev = DevServer::start();
    let root = client(&dev.addr, &dev.root_token, None);
    seed(&root).await;
    let all3 = [
        ("kv1/", KvVersion::V1),
        ("locked/", KvVersion::V2),
        ("secret/", KvVersion::V2),
    ];

    // Root, through the worker's job runner (as the console runs it): Auto takes one SCAN per
    // mount; the pattern is case-insensitive and unanchored.
    let worker = Worker::new(&common::profile_for(
        std::slice::from_ref(&dev.addr),
        Some(&dev.root_token),
    ))
    .expect("worker");
    let spec = JobSpec::SearchSecrets {
        addr: dev.addr.clone(),
        mounts: all3.iter().map(|(m, v)| (m.to_string(), *v)).collect(),
        prefix: String::new(),
        pattern: "TREE/A/".into(),
    };
    let mut events = Vec::new();
    let mut emit = |e: JobEvent| events.push(e);
    let end =
        strongroom::vault::jobs::run(&worker, spec, &CancellationToken::new(), &mut emit).await;
    let o = collect(events, end);
    let mut want = paths("kv1/", |p| p.starts_with("tree/a/"));
    want.extend(paths("secret/", |p| p.starts_with("tree/a/")));
    want.insert("locked/tree/a/1".into());
    assert_eq!(o.found, want);
    assert!(o.batches >= 3, "one batch per mount at least");
    let JobEvent::Done(totals) = o.end else {
        panic!("{:?}", o.end)
    };
    assert_eq!((totals.done, totals.skipped, totals.failed), (7, 0, 0));
    let rows: Vec<_> = o
        .last
        .mounts
        .iter()
        .map(|m| (m.mount.as_str(), m.state.clone(), m.found, m.used))
        .collect();
    assert_eq!(
        rows,
        vec![
            ("kv1/", MountState::Done, 3, Some(WalkMode::Scan)),
            ("locked/", MountState::Done, 1, Some(WalkMode::Scan)),
            ("secret/", MountState::Done, 3, Some(WalkMode::Scan)),
        ]
    );

    // A restricted token: LIST only (Auto falls back to the LIST walk), a denied folder in
    // secret/, and no right at all on locked/.
    let lister = token_with_policy(
        &root,
        "search-lister",
        r#"path "secret/metadata/*" { capabilities = ["list"] }
path "secret/metadata/tree/hidden/*" { capabilities = ["deny"] }
path "kv1/*" { capabilities = ["list"] }"#,
    )
    .await;
    let lc = client(&dev.addr, &lister, None);
    let o = search(&lc, &all3, "", WalkMode::Auto).await;
    let mut want = paths("kv1/", |_| true);
    want.extend(paths("secret/", |p| !p.starts_with("tree/hidden/")));
    want.insert("secret/outside/z".into());
    assert_eq!(o.found, want);
    let by_mount = |m: &str| {
        o.last
            .mounts
            .iter()
            .find(|r| r.mount == m)
            .cloned()
            .expect("a row per mount")
    };
    assert_eq!(by_mount("locked/").state, MountState::Denied);
    let s = by_mount("secret/");
    assert_eq!(
        (s.state, s.used, s.denied),
        (MountState::Done, Some(WalkMode::List), 1)
    );
    // root, tree/, outside/, a/, a/deep/, a/deep/x/, b/ and the denied hidden/.
    assert_eq!(s.listed, 8);
    assert_eq!(by_mount("kv1/").used, Some(WalkMode::List));
    let JobEvent::Done(totals) = o.end else {
        panic!("{:?}", o.end)
    };
    // One denied folder and one denied mount, skipped and counted; not a failure.
    assert_eq!((totals.skipped, totals.failed), (2, 0));
    assert_eq!(o.last.denied(), 2);

    // Forced SCAN for a token that has it; forced LIST gives the same paths.
    let scanner = token_with_policy(
        &root,
        "search-scanner",
        r#"path "secret/metadata/*" { capabilities = ["list", "scan"] }"#,
    )
    .await;
    let sc = client(&dev.addr, &scanner, None);
    let v2 = [("secret/", KvVersion::V2)];
    let scan = search(&sc, &v2, "/b/|top$", WalkMode::Scan).await;
    let list = search(&sc, &v2, "/b/|top$", WalkMode::List).await;
    let want = BTreeSet::from(["secret/tree/b/1".to_string(), "secret/tree/top".to_string()]);
    assert_eq!((&scan.found, &list.found), (&want, &want));
    assert_eq!(scan.last.mounts[0].used, Some(WalkMode::Scan));
    assert_eq!(scan.last.mounts[0].listed, 1);
    assert_eq!(list.last.mounts[0].used, Some(WalkMode::List));

    // A bad pattern fails the job with a clear message; a cancelled search sends no paths.
    let bad = search(&root, &v2, "(", WalkMode::Auto).await;
    assert!(
        matches!(&bad.end, JobEvent::Failed(VaultError::Config(m)) if m.starts_with("invalid pattern")),
        "{:?}",
        bad.end
    );
    let cancel = CancellationToken::new();
    cancel.cancel();
    let run = SearchRun {
        mounts: vec![("secret/".into(), KvVersion::V2)],
        prefix: "tree".into(),
        pattern: String::new(),
        mode: WalkMode::List,
    };
    let mut events = Vec::new();
    let mut emit = |e: JobEvent| events.push(e);
    let end = run_search(&root, &run, &cancel, &mut emit).await;
    assert!(matches!(end, JobEvent::Done(p) if p.done == 0), "{end:?}");
    assert!(
        !events.iter().any(|e| matches!(e, JobEvent::Partial(_))),
        "{events:?}"
    );
}

/// End-to-end in tmux: `:search`, results and per-mount counts on screen, `enter` opens a
/// result in the secret view (masked), then `:cp` of the folder: the dry run, `enter`, the
/// confirmation, the report; the copy checked on the server. The value never shows.
#[test]
fn e2e_search_open_and_copy_in_tmux() {
    use common::tmux::Tmux;
    use std::time::Duration;
    const WAIT: Duration = Duration::from_secs(30);

    let dev = DevServer::start();
    let canary = format!("strongroom-canary-{}-search", std::process::id());
    dev.put_secret("e2e/apps/payments/prod", "password", &canary);
    dev.put_secret("e2e/apps/other", "k", "v");
    let home = tempfile::tempdir().expect("tempdir");
    let env = vec![
        ("PATH", std::env::var("PATH").unwrap_or_default()),
        ("HOME", home.path().display().to_string()),
        ("TERM", "xterm-256color".into()),
        ("LANG", "C.UTF-8".into()),
        (
            "STRONGROOM_CONFIG_DIR",
            home.path().join("config").display().to_string(),
        ),
        (
            "STRONGROOM_STATE_DIR",
            home.path().join("state").display().to_string(),
        ),
        ("BAO_ADDR", dev.addr.clone()),
        ("BAO_TOKEN", dev.root_token.clone()),
        ("PS1", "$ ".into()),
    ];
    let t = Tmux::start("search", 100, 30, &env, home.path());
    t.type_text(&format!(
        "{}; echo __EXIT_$?__",
        env!("CARGO_BIN_EXE_strongroom")
    ));
    t.keys(&["Enter"]);
    let host_port = dev.addr.trim_start_matches("http://");
    t.wait_until("the node shown as active", WAIT, |s| {
        s.contains(host_port) && s.contains("active")
    });

    t.type_text(":search PAYMENTS");
    t.keys(&["Enter"]);
    let s = t.wait_until("the search done", WAIT, |s| {
        s.contains("done ·") && s.contains("secret/e2e/apps/payments/prod")
    });
    assert!(s.contains("secret/"), "{s}");
    assert!(!s.contains("secret/e2e/apps/other"), "{s}");

    t.keys(&["Enter"]);
    let s = t.wait_until("the secret view", WAIT, |s| s.contains("password"));
    assert!(!s.contains(&canary), "a value shows unrevealed:\n{s}");
    t.keys(&["Escape"]);
    t.wait_until("back on the search", WAIT, |s| s.contains("Search ·"));
    t.keys(&["Escape"]);
    t.wait_until("search closed", WAIT, |s| !s.contains("Search ·"));

    t.type_text(":cp secret/e2e/apps/ secret/copied/");
    t.keys(&["Enter"]);
    t.wait_for("dry run: 2 secrets (2 versions) to copy", WAIT);
    t.keys(&["Enter"]);
    t.wait_for("Copy 2 secrets", WAIT);
    t.type_text("y");
    let s = t.wait_for("done: 2 of 2 copied and verified", WAIT);
    assert!(!s.contains(&canary), "{s}");
    let (code, body) = common::dev::http_request(
        dev.port,
        "GET",
        "/v1/secret/data/copied/payments/prod",
        Some(&dev.root_token),
        "",
    )
    .expect("read the copy");
    assert_eq!(code, 200);
    assert!(body.contains(&canary), "the copy holds the value");

    t.keys(&["Escape"]);
    t.type_text("q");
    t.wait_for("__EXIT_0__", WAIT);
}
