//! The mounts screen against a real dev server, through `App::update` and the real worker:
//! `:mounts` lists the engines, each KV mount's secrets are counted by a walk job (KV v1 and v2,
//! a denied folder skipped and counted), a restricted token falls back to the UI endpoint,
//! `esc` cancels a running count and then goes back to health with the selection kept.
// Test crate: helpers outside #[test] fns fail the test with a message via expect.
#![allow(clippy::expect_used)]

mod common;
mod kv_support;

use std::time::Duration;

use chrono::Utc;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use reqwest::Method;
use serde_json::json;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use common::dev::DevServer;
use strongroom::action::Action;
use strongroom::app::{App, AppInit};
use strongroom::command::Command;
use strongroom::event::Msg;
use strongroom::keymap::Keymap;
use strongroom::theme::ThemeRegistry;
use strongroom::ui::screens::Screen;
use strongroom::ui::screens::mounts::{Count, MountsScreen};
use strongroom::vault::models::mounts::MountSource;
use strongroom::vault::worker::{Worker, WorkerHandle};

fn app_for(addr: &str, token: &str) -> App {
    let profile = common::profile_for(&[addr.to_string()], Some(token));
    App::new(AppInit {
        profile: profile.clone(),
        contexts: vec![profile],
        theme: "default".into(),
        themes: ThemeRegistry::load(None, false),
        keymap: Keymap::load(None).0,
        poll_interval: Duration::from_secs(3600),
        force_read_only: false,
        warnings: vec![],
        now: Utc::now(),
    })
}

struct Harness {
    app: App,
    handle: WorkerHandle,
    tx: mpsc::UnboundedSender<Msg>,
    rx: mpsc::UnboundedReceiver<Msg>,
}

impl Harness {
    fn new(addr: &str, token: &str) -> Harness {
        let app = app_for(addr, token);
        let worker = Worker::new(&app.profile).expect("worker");
        let (tx, rx) = mpsc::unbounded_channel();
        let handle = WorkerHandle::spawn(worker, tx.clone(), CancellationToken::new());
        Harness {
            app,
            handle,
            tx,
            rx,
        }
    }

    /// As the runtime does: a `Connect` (context or namespace switch) gets a new worker.
    fn send(&mut self, cmds: Vec<Command>) {
        for c in cmds {
            if let Command::Connect { profile } = &c {
                self.handle.cancel();
                let worker = Worker::new(profile).expect("worker");
                self.handle =
                    WorkerHandle::spawn(worker, self.tx.clone(), CancellationToken::new());
            } else {
                self.handle.send(&c);
            }
        }
    }

    /// Feed replies into the app until `done` holds (bounded in time).
    async fn until(&mut self, what: &str, done: impl Fn(&App) -> bool) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        while !done(&self.app) {
            let msg = tokio::time::timeout_at(deadline, self.rx.recv())
                .await
                .unwrap_or_else(|_| panic!("timed out waiting for {what}"))
                .expect("channel open");
            let cmds = self.app.update(msg);
            self.send(cmds);
        }
    }

    fn command(&mut self, line: &str) {
        let mut cmds = self.app.update(key(KeyCode::Char(':')));
        for c in line.chars() {
            cmds.extend(self.app.update(key(KeyCode::Char(c))));
        }
        cmds.extend(self.app.update(key(KeyCode::Enter)));
        self.send(cmds);
    }

    fn mounts(&self) -> &MountsScreen {
        match self.app.screen() {
            Screen::Mounts(m) => m,
            other => panic!("not on the mounts screen: {other:?}"),
        }
    }
}

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn count_of(app: &App, path: &str) -> Option<Count> {
    match app.screen() {
        Screen::Mounts(m) => m.counts.get(path).cloned(),
        _ => None,
    }
}

fn all_counted(app: &App) -> bool {
    match app.screen() {
        Screen::Mounts(m) => {
            m.mounts.value().is_some()
                && m.counting.is_none()
                && !m.counts.values().any(|c| matches!(c, Count::Queued))
        }
        _ => false,
    }
}

#[tokio::test]
async fn mounts_with_counts_fallback_cancel_and_back() {
    let dev = DevServer::start();
    let root = kv_support::client(&dev.addr, &dev.root_token, None);
    kv_support::seed_v2(&root).await;
    kv_support::call(
        &root,
        Method::POST,
        "sys/mounts/kv1",
        json!({"type": "kv", "options": {"version": "1"}, "description": "\u{1b}[2Jlegacy"}),
    )
    .await;
    for i in 0..5 {
        kv_support::call(
            &root,
            Method::POST,
            &format!("kv1/team/s{i}"),
            json!({"k": "v"}),
        )
        .await;
    }

    // Root token: sys/mounts, every KV mount counted.
    let mut h = Harness::new(&dev.addr, &dev.root_token);
    let start = h.app.start();
    h.send(start);
    h.until("the first poll", |a| a.cluster.last_poll.is_some())
        .await;
    h.app.on_action(Action::Down); // a selection to find again after esc
    let health_selected = h
        .app
        .health()
        .and_then(|s| s.selected_node(&h.app.cluster))
        .map(|n| n.addr.clone());
    h.command("mounts");
    h.until("every count", all_counted).await;
    let m = h.mounts();
    let list = m.mounts.value().expect("mounts");
    assert_eq!(list.source, MountSource::SysMounts);
    assert!(
        list.mounts
            .iter()
            .any(|m| m.path == "kv1/" && m.kv_version == Some(1))
    );
    assert!(
        list.mounts.iter().any(|m| m.path == "token/"),
        "auth methods listed"
    );
    match count_of(&h.app, "secret/") {
        Some(Count::Done(p)) => assert_eq!(p.done, 8, "{p:?}"),
        other => panic!("secret/ count: {other:?}"),
    }
    match count_of(&h.app, "kv1/") {
        Some(Count::Done(p)) => assert_eq!(p.done, 5, "{p:?}"),
        other => panic!("kv1/ count: {other:?}"),
    }
    // Drawn sanitised, with the counts.
    let text = render(&h.app);
    assert!(text.contains("kv1/") && text.contains("secret/"), "{text}");
    assert!(!text.contains('\u{1b}'));

    // enter: the selected mount's configuration; esc: back to the list as it was.
    let before = h.mounts().selected_mount().map(|m| m.path.clone());
    h.app.on_action(Action::Select);
    assert!(matches!(h.app.screen(), Screen::MountDetail(_)));
    h.app.on_action(Action::Back);
    assert_eq!(h.mounts().selected_mount().map(|m| m.path.clone()), before);

    // Refresh starts the counts again; esc cancels the running one, a second esc goes back.
    let cmds = h.app.on_action(Action::Refresh);
    h.send(cmds);
    h.until("a count running", |a| match a.screen() {
        Screen::Mounts(m) => m.counting.is_some(),
        _ => false,
    })
    .await;
    let cmds = h.app.on_action(Action::Back);
    assert!(
        cmds.iter().any(|c| matches!(c, Command::CancelJob { .. })),
        "{cmds:?}"
    );
    h.send(cmds);
    assert!(
        matches!(h.app.screen(), Screen::Mounts(_)),
        "esc cancelled first"
    );
    assert!(h.mounts().counting.is_none());
    assert!(
        h.mounts()
            .counts
            .values()
            .any(|c| matches!(c, Count::Cancelled(_))),
        "{:?}",
        h.mounts().counts
    );
    h.app.on_action(Action::Back);
    assert!(matches!(h.app.screen(), Screen::Health(_)));
    assert_eq!(
        h.app
            .health()
            .and_then(|s| s.selected_node(&h.app.cluster))
            .map(|n| n.addr.clone()),
        health_selected
    );

    // :ns team-a: the same cluster in a namespace; the mounts screen lists its mounts.
    kv_support::call(&root, Method::PUT, "sys/namespaces/team-a", json!({})).await;
    let in_ns = kv_support::client(&dev.addr, &dev.root_token, Some("team-a"));
    kv_support::call(
        &in_ns,
        Method::POST,
        "sys/mounts/team-kv",
        json!({"type": "kv", "options": {"version": "2"}}),
    )
    .await;
    for i in 0..3 {
        kv_support::call(
            &in_ns,
            Method::POST,
            &format!("team-kv/data/app/s{i}"),
            json!({"data": {"k": "v"}}),
        )
        .await;
    }
    h.command("mounts");
    h.command("ns team-a");
    assert_eq!(h.app.profile.namespace.as_deref(), Some("team-a"));
    h.until("the namespace's counts", |a| {
        all_counted(a) && count_of(a, "team-kv/").is_some()
    })
    .await;
    let list = h.mounts().mounts.value().expect("mounts").clone();
    assert!(list.mounts.iter().any(|m| m.path == "team-kv/"));
    assert!(
        !list.mounts.iter().any(|m| m.path == "kv1/"),
        "root mounts are not in the namespace"
    );
    match count_of(&h.app, "team-kv/") {
        Some(Count::Done(p)) => assert_eq!(p.done, 3, "{p:?}"),
        other => panic!("team-kv/ count: {other:?}"),
    }
    assert!(
        render(&h.app).contains("ns team-a"),
        "the status bar shows the namespace"
    );
    h.command("ns");
    assert_eq!(h.app.profile.namespace, None);

    // A restricted token: the UI endpoint, the denied folder skipped and counted.
    let token = kv_support::token_with_policy(
        &root,
        "mounts-reader",
        r#"
path "secret/metadata/*" { capabilities = ["list"] }
path "secret/metadata/tree/hidden/*" { capabilities = ["deny"] }
"#,
    )
    .await;
    let mut h = Harness::new(&dev.addr, &token);
    let start = h.app.start();
    h.send(start);
    h.until("the first poll", |a| a.cluster.last_poll.is_some())
        .await;
    h.command("mounts");
    h.until("every count", all_counted).await;
    let list = h.mounts().mounts.value().expect("mounts").clone();
    assert_eq!(list.source, MountSource::UiMounts);
    assert!(list.mounts.iter().any(|m| m.path == "secret/"));
    match count_of(&h.app, "secret/") {
        Some(Count::Done(p)) => {
            assert_eq!(p.done, 6, "{p:?}");
            assert!(p.skipped >= 1, "the denied folder is counted: {p:?}");
        }
        other => panic!("secret/ count: {other:?}"),
    }
}

fn render(app: &App) -> String {
    use ratatui::{Terminal, backend::TestBackend};
    let mut term = Terminal::new(TestBackend::new(120, 30)).expect("terminal");
    term.draw(|f| strongroom::ui::draw(f, app)).expect("draw");
    let buf = term.backend().buffer().clone();
    (0..buf.area.height)
        .map(|y| {
            (0..buf.area.width)
                .map(|x| buf[(x, y)].symbol().to_string())
                .collect::<String>()
                + "\n"
        })
        .collect()
}
