//! A cluster seal through the gate against real servers: one typed confirmation for every node
//! ("seal cluster <the cluster's name>"), run by the worker with per-item results and progress;
//! read-only mode blocks the whole write before anything is sent.
// Test crate: helpers outside #[test] fns fail the test with a message via expect.
#![allow(clippy::expect_used)]

mod common;

use std::time::Duration;

use chrono::Utc;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use common::dev::{DevServer, http_status};
use strongroom::app::{App, AppInit, Mode};
use strongroom::command::Command;
use strongroom::event::Msg;
use strongroom::jobs::JobEvent;
use strongroom::keymap::Keymap;
use strongroom::reply::Reply;
use strongroom::theme::ThemeRegistry;
use strongroom::vault::worker::{Worker, WorkerHandle};
use strongroom::write_gate::Write;

fn app_for(addrs: &[String], token: &str, read_only: bool) -> App {
    let profile = common::profile_for(addrs, Some(token));
    App::new(AppInit {
        profile: profile.clone(),
        contexts: vec![profile],
        theme: "default".into(),
        themes: ThemeRegistry::load(None, false),
        keymap: Keymap::load(None).0,
        poll_interval: Duration::from_secs(2),
        force_read_only: read_only,
        warnings: vec![],
        now: Utc::now(),
    })
}

fn key(code: KeyCode, m: KeyModifiers) -> Msg {
    Msg::Key(KeyEvent::new(code, m))
}

/// Run the app's commands through a real worker until `done` says so (bounded).
async fn pump(
    app: &mut App,
    handle: &WorkerHandle,
    rx: &mut mpsc::UnboundedReceiver<Msg>,
    mut cmds: Vec<Command>,
    mut done: impl FnMut(&App, &Msg) -> bool,
) -> Vec<Msg> {
    let mut seen = Vec::new();
    for _ in 0..200 {
        for c in cmds.drain(..) {
            handle.send(&c);
        }
        let msg = tokio::time::timeout(Duration::from_secs(20), rx.recv())
            .await
            .expect("a reply within 20 s")
            .expect("the channel stays open");
        let stop = done(app, &msg);
        seen.push(format!("{msg:?}"));
        cmds = app.update(msg);
        if stop {
            return Vec::new();
        }
    }
    panic!("no end after 200 messages: {seen:?}");
}

#[tokio::test]
async fn a_batch_seal_is_one_typed_confirmation_with_per_item_results() {
    let (a, b) = (DevServer::start(), DevServer::start());
    // One token for both servers (one context): b gets a root token with a's token id.
    let shared = a.root_token.clone();
    let body = format!("{{\"id\":\"{shared}\",\"policies\":[\"root\"]}}");
    let created = common::dev::http_request(
        b.port,
        "POST",
        "/v1/auth/token/create",
        Some(&b.root_token),
        &body,
    );
    assert_eq!(created.map(|(c, _)| c), Some(200), "a shared token on b");
    let addrs = vec![a.addr.clone(), b.addr.clone()];
    let mut app = app_for(&addrs, &shared, false);
    let worker = Worker::new(&app.profile).expect("worker");
    let (tx, mut rx) = mpsc::unbounded_channel();
    let handle = WorkerHandle::spawn(worker, tx, CancellationToken::new());

    // First poll: both nodes active.
    let start = app.start();
    pump(&mut app, &handle, &mut rx, start, |_, m| {
        matches!(m, Msg::Vault { .. })
    })
    .await;
    assert!(app.cluster.all_unsealed());

    // ctrl-s: one confirmation for both nodes, the cluster's name (from sys/health) typed.
    app.update(key(KeyCode::Char('s'), KeyModifiers::CONTROL));
    assert_eq!(app.mode, Mode::Confirm);
    let pending = app.gate.pending().expect("pending");
    let name = app.cluster.display_name();
    assert!(name.starts_with("vault-cluster-"), "{name}");
    let phrase = format!("seal cluster {name}");
    assert_eq!(
        pending.confirmation,
        strongroom::write_gate::Confirmation::Typed {
            phrase: phrase.clone()
        }
    );
    assert!(
        pending
            .spec
            .description
            .contains(&a.addr.replace("http://", ""))
    );
    let mut cmds = Vec::new();
    for c in phrase.chars() {
        cmds.extend(app.update(key(KeyCode::Char(c), KeyModifiers::NONE)));
    }
    cmds.extend(app.update(key(KeyCode::Enter, KeyModifiers::NONE)));
    assert!(
        matches!(
            &cmds[..],
            [Command::Write {
                write: Write::One(_),
                ..
            }]
        ),
        "{cmds:?}"
    );
    let mut progress = 0;
    let mut outcome = None;
    pump(&mut app, &handle, &mut rx, cmds, |_, m| match m {
        Msg::Job {
            event: JobEvent::Progress(_),
            ..
        } => {
            progress += 1;
            false
        }
        Msg::Vault {
            reply: Reply::Write(o),
            ..
        } => {
            outcome = Some(o.clone());
            true
        }
        _ => false,
    })
    .await;
    let outcome = outcome.expect("the batch outcome");
    assert!(progress >= 1, "progress was reported");
    assert_eq!(outcome.items.len(), 2);
    assert_eq!(outcome.failed(), 0, "{outcome:?}");
    assert!(
        app.toasts.iter().any(|t| t
            .text
            .starts_with(&format!("seal cluster {name} (2 nodes)"))),
        "{:?}",
        app.toasts
    );
    for srv in [&a, &b] {
        assert_eq!(
            http_status(srv.port, "GET", "/v1/sys/health", None),
            Some(503),
            "{} sealed",
            srv.addr
        );
    }
}

#[tokio::test]
async fn read_only_blocks_a_batch_before_anything_is_sent() {
    let a = DevServer::start();
    let addrs = vec![a.addr.clone()];
    let mut app = app_for(&addrs, &a.root_token, true);
    let worker = Worker::new(&app.profile).expect("worker");
    let (tx, mut rx) = mpsc::unbounded_channel();
    let handle = WorkerHandle::spawn(worker, tx, CancellationToken::new());
    let start = app.start();
    pump(&mut app, &handle, &mut rx, start, |_, m| {
        matches!(m, Msg::Vault { .. })
    })
    .await;
    let cmds = app.update(key(KeyCode::Char('s'), KeyModifiers::CONTROL));
    assert!(cmds.is_empty(), "{cmds:?}");
    assert_eq!(app.mode, Mode::Normal);
    assert!(
        app.toasts
            .iter()
            .any(|t| t.text.starts_with("read-only mode")),
        "{:?}",
        app.toasts
    );
    assert_eq!(
        http_status(a.port, "GET", "/v1/sys/health", None),
        Some(200)
    );
}
