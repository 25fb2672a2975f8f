//! Copy and move with all versions against a real `bao server -dev`: a subtree with 3 versions
//! and custom metadata (checked on the server: the same data per version, the same settings),
//! deleted and destroyed versions skipped and noted, existing targets as conflicts, v2 → v1,
//! a move (sources gone only after verification, through the worker's write), a failure
//! part-way (a token that may not write one target folder: a report, nothing deleted), and the
//! write gate: read-only mode refuses the copy, a move needs the typed count.
#![allow(clippy::expect_used)]

mod common;
mod kv_support;

use std::time::Duration;

use common::dev::DevServer;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use kv_support::{call, client, token_with_policy};
use reqwest::Method;
use serde_json::{Value, json};
use strongroom::app::{App, AppInit, Mode};
use strongroom::command::Command;
use strongroom::event::Msg;
use strongroom::jobs::copy::CopyPlan;
use strongroom::jobs::{JobEvent, JobProgress, JobReport};
use strongroom::keymap::Keymap;
use strongroom::reply::{ItemResult, WriteResult};
use strongroom::theme::ThemeRegistry;
use strongroom::ui::screens::Screen;
use strongroom::ui::screens::copy::{CopyPhase, copy_screen};
use strongroom::vault::copy::{execute, plan};
use strongroom::vault::worker::Worker;
use strongroom::vault::{VaultClient, VaultError};
use strongroom::write_gate::{Mutation, Write};
use tokio_util::sync::CancellationToken;

async fn make_plan(c: &VaultClient, addr: &str, src: &[&str], dst: &str) -> CopyPlan {
    let sources: Vec<String> = src.iter().map(|s| s.to_string()).collect();
    let mut seen = Vec::new();
    let mut progress = |p: JobProgress| seen.push(p);
    let p = plan(
        c,
        addr,
        &sources,
        dst,
        &CancellationToken::new(),
        &mut progress,
    )
    .await
    .unwrap_or_else(|e| panic!("plan {src:?} → {dst}: {e}"));
    let last = seen.last().expect("progress");
    assert_eq!(last.done + last.failed, last.total.expect("a total"));
    p
}

async fn run(c: &VaultClient, p: &CopyPlan, delete_source: bool) -> Vec<ItemResult> {
    execute(c, p, delete_source, &mut |_| {}).await
}

async fn put(c: &VaultClient, path: &str, data: Value) {
    call(
        c,
        Method::POST,
        &format!("secret/data/{path}"),
        json!({ "data": data }),
    )
    .await;
}

async fn get(c: &VaultClient, path: &str) -> Result<Value, VaultError> {
    c.request(Method::GET, path, &[], None).await
}

fn copied(r: &ItemResult) -> (u64, bool) {
    match &r.result {
        Ok(WriteResult::Copied {
            versions,
            source_deleted,
        }) => (*versions, *source_deleted),
        other => panic!("{}: {other:?}", r.item),
    }
}

async fn seed(root: &VaultClient) {
    for i in 1..=3 {
        put(
            root,
            "src/a",
            json!({"k": format!("strongroom-canary-a{i}"), "n": i}),
        )
        .await;
    }
    call(
        root,
        Method::POST,
        "secret/metadata/src/a",
        json!({"custom_metadata": {"owner": "team-x", "tier": "1"}, "max_versions": 7}),
    )
    .await;
    put(root, "src/b/c", json!({"k": "c1"})).await;
    for i in 1..=3 {
        put(root, "src/d", json!({"k": format!("d{i}")})).await;
    }
    call(
        root,
        Method::POST,
        "secret/destroy/src/d",
        json!({"versions": [1]}),
    )
    .await;
    call(
        root,
        Method::POST,
        "secret/delete/src/d",
        json!({"versions": [3]}),
    )
    .await;
    call(
        root,
        Method::POST,
        "sys/mounts/kv1",
        json!({"type": "kv", "options": {"version": "1"}}),
    )
    .await;
}

#[tokio::test]
async fn copy_with_versions_conflicts_v2_to_v1_move_and_failure() {
    let dev = DevServer::start();
    let root = client(&dev.addr, &dev.root_token, None);
    seed(&root).await;

    // The dry run: three secrets, live versions in order, the rest noted; no target exists.
    let p = make_plan(&root, &dev.addr, &["secret/src/"], "secret/dst/").await;
    let rows: Vec<_> = p
        .items
        .iter()
        .map(|i| {
            (
                i.src.as_str(),
                i.dst.as_str(),
                i.versions.clone(),
                i.notes.clone(),
                i.conflict,
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            ("src/a", "dst/a", vec![1, 2, 3], vec![], None),
            ("src/b/c", "dst/b/c", vec![1], vec![], None),
            (
                "src/d",
                "dst/d",
                vec![2],
                vec!["v1 destroyed".to_string(), "v3 deleted".to_string()],
                None
            ),
        ]
    );
    assert_eq!((p.copy_count(), p.version_count()), (3, 5));

    // The copy: every version, in order, verified; checked again here on the server.
    let results = run(&root, &p, false).await;
    assert_eq!(results.len(), 3);
    assert_eq!(copied(&results[0]), (3, false));
    assert_eq!(copied(&results[2]), (1, false));
    for i in 1..=3u64 {
        let back = root
            .kv_read(
                "secret/",
                strongroom::vault::models::kv::KvVersion::V2,
                "dst/a",
                Some(i),
            )
            .await
            .expect("read the copy");
        let src = root
            .kv_read(
                "secret/",
                strongroom::vault::models::kv::KvVersion::V2,
                "src/a",
                Some(i),
            )
            .await
            .expect("read the source");
        assert_eq!(back.fields, src.fields, "v{i}");
        assert_eq!(back.fields.len(), 2);
    }
    let meta = root
        .kv_metadata("secret/", "dst/a")
        .await
        .expect("metadata");
    assert_eq!(meta.current_version, 3);
    assert_eq!(meta.max_versions, 7);
    assert_eq!(
        meta.custom_metadata.get("owner").map(String::as_str),
        Some("team-x")
    );
    assert_eq!(meta.custom_metadata.len(), 2);
    let d = root
        .kv_metadata("secret/", "dst/d")
        .await
        .expect("metadata");
    assert_eq!(d.current_version, 1, "only the live version was written");

    // Planned again: every target exists now; a move of that plan is refused.
    let again = make_plan(&root, &dev.addr, &["secret/src/"], "secret/dst/").await;
    assert_eq!(again.conflicts(), 3);
    assert_eq!(again.copy_count(), 0);
    assert!(again.movable().is_err());

    // v2 → v1: one secret (no trailing slash) into a folder; the newest live version only.
    let p = make_plan(&root, &dev.addr, &["secret/src/a"], "kv1/copied/").await;
    assert_eq!(p.items.len(), 1);
    assert_eq!(p.items[0].dst, "copied/a");
    assert_eq!(p.items[0].versions, vec![3]);
    assert!(p.items[0].notes.iter().any(|n| n.contains("not carried")));
    let results = run(&root, &p, false).await;
    assert_eq!(copied(&results[0]), (1, false));
    let v1 = get(&root, "kv1/copied/a").await.expect("the v1 copy");
    assert_eq!(v1["data"], json!({"k": "strongroom-canary-a3", "n": 3}));

    // v1 → v2 (one version, no settings), then a rename on v1 (a move of one secret): the
    // v1 source is deleted after the copy was verified.
    let p = make_plan(&root, &dev.addr, &["kv1/copied/a"], "secret/from-v1").await;
    assert_eq!(p.items[0].dst, "from-v1");
    assert_eq!(p.items[0].versions, vec![0]);
    assert_eq!(copied(&run(&root, &p, false).await[0]), (1, false));
    let m = root
        .kv_metadata("secret/", "from-v1")
        .await
        .expect("the v2 copy");
    assert_eq!(m.current_version, 1);
    let p = make_plan(&root, &dev.addr, &["kv1/copied/a"], "kv1/renamed").await;
    assert_eq!(copied(&run(&root, &p, true).await[0]), (1, true));
    assert!(
        get(&root, "kv1/copied/a").await.is_err(),
        "the v1 source is gone"
    );
    let v1 = get(&root, "kv1/renamed").await.expect("renamed");
    assert_eq!(v1["data"]["n"], json!(3));

    // A move through the worker's write (as the console sends it): copies verified, then the
    // sources are deleted.
    let worker = Worker::new(&common::profile_for(
        std::slice::from_ref(&dev.addr),
        Some(&dev.root_token),
    ))
    .expect("worker");
    let p = make_plan(&root, &dev.addr, &["secret/src/"], "secret/moved/").await;
    assert!(p.movable().is_ok());
    let mut progress = Vec::new();
    let outcome = worker
        .write(
            &Write::One(Mutation::CopySecrets {
                plan: Box::new(p),
                delete_source: true,
            }),
            &mut |pr| progress.push(pr),
        )
        .await;
    assert_eq!(outcome.failed(), 0, "{}", outcome.message());
    assert!(outcome.items.iter().all(|i| copied(i).1), "{outcome:?}");
    assert_eq!(
        progress.last().map(|p| (p.done, p.total)),
        Some((3, Some(3)))
    );
    for s in ["src/a", "src/b/c", "src/d"] {
        assert!(
            matches!(
                root.kv_metadata("secret/", s).await,
                Err(VaultError::NotFound { .. })
            ),
            "{s} is gone"
        );
    }
    let m = root.kv_metadata("secret/", "moved/a").await.expect("moved");
    assert_eq!(m.current_version, 3);

    // A failure part-way: this token may not write below out/locked/. One copy fails, the
    // other is reported copied, and nothing is deleted.
    put(&root, "fail/x", json!({"k": "x1"})).await;
    put(&root, "fail/locked/y", json!({"k": "y1"})).await;
    let limited = token_with_policy(
        &root,
        "copier",
        r#"path "secret/data/*" { capabilities = ["read"] }
path "secret/metadata/*" { capabilities = ["read", "list", "delete"] }
path "secret/data/out/*" { capabilities = ["create", "update", "read"] }
path "secret/metadata/out/*" { capabilities = ["create", "update", "read", "list"] }
path "secret/data/out/locked/*" { capabilities = ["read"] }
path "sys/internal/ui/mounts/*" { capabilities = ["read"] }"#,
    )
    .await;
    let lc = client(&dev.addr, &limited, None);
    let p = make_plan(&lc, &dev.addr, &["secret/fail/"], "secret/out/").await;
    assert!(p.movable().is_ok(), "{:?}", p.movable());
    let results = run(&lc, &p, true).await;
    let by_item = |needle: &str| {
        results
            .iter()
            .find(|r| r.item.contains(needle))
            .expect("an item")
    };
    assert_eq!(copied(by_item("fail/x")), (1, false));
    assert!(
        matches!(
            by_item("fail/locked/y").result,
            Err(VaultError::PermissionDenied { .. })
        ),
        "{results:?}"
    );
    for s in ["fail/x", "fail/locked/y"] {
        assert!(
            root.kv_metadata("secret/", s).await.is_ok(),
            "{s} was not deleted"
        );
    }
}

fn app(addr: &str, read_only: bool) -> App {
    let profile = common::profile_for(&[addr.to_string()], Some("unused"));
    App::new(AppInit {
        profile: profile.clone(),
        contexts: vec![profile],
        theme: "default".into(),
        themes: ThemeRegistry::load(None, false),
        keymap: Keymap::load(None).0,
        poll_interval: Duration::from_secs(2),
        force_read_only: read_only,
        warnings: vec![],
        now: chrono::Utc::now(),
    })
}

/// Open the copy screen and hand it the plan as the dry-run job would.
fn planned(app: &mut App, p: CopyPlan, delete_source: bool) {
    let src = p.src_label.clone();
    let dst = p.dst_label.clone();
    let cmds = app.open_screen(copy_screen(&p.addr, &src, &dst, delete_source));
    let Some(Command::StartJob { ticket, .. }) = cmds.first() else {
        panic!("{cmds:?}")
    };
    for event in [
        JobEvent::Report(Box::new(JobReport::CopyPlan(p))),
        JobEvent::Done(JobProgress::default()),
    ] {
        app.update(Msg::Job {
            ticket: ticket.clone(),
            event,
        });
    }
    assert!(matches!(app.screen(), Screen::Copy(c) if c.phase == CopyPhase::Planned));
}

fn key(c: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(c, KeyModifiers::NONE))
}

#[tokio::test]
async fn the_gate_refuses_in_read_only_mode_and_a_move_needs_the_typed_count() {
    let dev = DevServer::start();
    let root = client(&dev.addr, &dev.root_token, None);
    put(&root, "g/one", json!({"k": "1"})).await;
    put(&root, "g/two", json!({"k": "2"})).await;
    let p = make_plan(&root, &dev.addr, &["secret/g/"], "secret/h/").await;

    let mut ro = app(&dev.addr, true);
    planned(&mut ro, p.clone(), false);
    let cmds = ro.update(key(KeyCode::Enter));
    assert!(
        !cmds.iter().any(|c| matches!(c, Command::Write { .. })),
        "{cmds:?}"
    );
    assert!(
        ro.toasts
            .iter()
            .any(|t| t.text == "read-only mode: copying secrets is not allowed"),
        "{:?}",
        ro.toasts
    );

    let mut rw = app(&dev.addr, false);
    planned(&mut rw, p, true);
    assert!(rw.update(key(KeyCode::Enter)).is_empty());
    assert_eq!(rw.mode, Mode::Confirm);
    assert!(rw.update(key(KeyCode::Enter)).is_empty(), "not typed yet");
    for c in "move 2 secrets".chars() {
        rw.update(key(KeyCode::Char(c)));
    }
    let cmds = rw.update(key(KeyCode::Enter));
    let [Command::Write { write, .. }] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    assert!(matches!(
        write,
        Write::One(Mutation::CopySecrets {
            delete_source: true,
            ..
        })
    ));
    // Nothing was written by the gate itself: the worker runs the command.
    assert!(root.kv_metadata("secret/", "h/one").await.is_err());
}
