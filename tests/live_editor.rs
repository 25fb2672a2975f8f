//! The secret editor against a real `bao server -dev`, through `App::update` and the real
//! worker: `:new` creates a secret with check-and-set 0 (a JSON number kept as a number), `:edit`
//! reads it and saves with check-and-set on the version read, a write from outside in between
//! is a conflict that shows the newer version's changes, re-apply saves on top of it, and the
//! server holds both changes; a KV v1 mount is written without check-and-set.
// Test crate: helpers outside #[test] fns fail the test with a message via expect.
#![allow(clippy::expect_used)]

mod common;
mod kv_support;

use std::time::Duration;

use chrono::Utc;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use reqwest::Method;
use secrecy::ExposeSecret;
use serde_json::json;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use common::dev::DevServer;
use strongroom::app::{App, AppInit, Mode};
use strongroom::command::Command;
use strongroom::event::Msg;
use strongroom::keymap::Keymap;
use strongroom::theme::ThemeRegistry;
use strongroom::ui::screens::Screen;
use strongroom::ui::screens::editor::{ConflictState, EditorScreen, Phase};
use strongroom::vault::models::kv::KvVersion;
use strongroom::vault::models::kv_diff::Change;
use strongroom::vault::models::kv_secret::{SecretField, SecretFields};
use strongroom::vault::worker::{Worker, WorkerHandle};

struct Harness {
    app: App,
    handle: WorkerHandle,
    rx: mpsc::UnboundedReceiver<Msg>,
}

impl Harness {
    fn new(addr: &str, token: &str) -> Harness {
        let profile = common::profile_for(&[addr.to_string()], Some(token));
        let app = App::new(AppInit {
            profile: profile.clone(),
            contexts: vec![profile],
            theme: "default".into(),
            themes: ThemeRegistry::load(None, false),
            keymap: Keymap::load(None).0,
            poll_interval: Duration::from_secs(3600),
            force_read_only: false,
            warnings: vec![],
            now: Utc::now(),
        });
        let worker = Worker::new(&app.profile).expect("worker");
        let (tx, rx) = mpsc::unbounded_channel();
        let handle = WorkerHandle::spawn(worker, tx, CancellationToken::new());
        Harness { app, handle, rx }
    }

    fn send(&mut self, cmds: Vec<Command>) {
        for c in cmds {
            self.handle.send(&c);
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

    fn press(&mut self, k: KeyEvent) {
        let cmds = self.app.update(Msg::Key(k));
        self.send(cmds);
    }

    fn key(&mut self, code: KeyCode) {
        self.press(KeyEvent::new(code, KeyModifiers::NONE));
    }

    fn ctrl(&mut self, c: char) {
        self.press(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
    }

    fn type_str(&mut self, s: &str) {
        for c in s.chars() {
            self.key(KeyCode::Char(c));
        }
    }

    fn command(&mut self, line: &str) {
        self.key(KeyCode::Char(':'));
        self.type_str(line);
        self.key(KeyCode::Enter);
    }

    /// ctrl-s and `y` in the gate's dialog, then wait for the editor to close.
    async fn save_and_close(&mut self) {
        self.ctrl('s');
        assert_eq!(self.app.mode, Mode::Confirm, "{:?}", editor(&self.app));
        self.key(KeyCode::Char('y'));
        self.until("the editor to close", |a| {
            !matches!(a.screen(), Screen::Editor(_))
        })
        .await;
    }
}

fn editor(app: &App) -> Option<&EditorScreen> {
    match app.screen() {
        Screen::Editor(e) => Some(e),
        _ => None,
    }
}

fn editing(app: &App) -> bool {
    editor(app).is_some_and(|e| e.phase == Phase::Editing)
}

fn plain(f: &SecretFields) -> Vec<(String, String, bool)> {
    f.iter()
        .map(|(k, v)| (k.clone(), v.value.expose_secret().to_string(), v.json))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_edit_conflict_reapply_and_kv_v1() {
    let dev = DevServer::start();
    let root = kv_support::client(&dev.addr, &dev.root_token, None);
    let mut h = Harness::new(&dev.addr, &dev.root_token);

    // :new — check-and-set 0, typed as JSON.
    h.command("new secret/apps/editor");
    h.until("the new editor", editing).await;
    assert_eq!(editor(&h.app).and_then(EditorScreen::cas), Some(0));
    h.key(KeyCode::End);
    h.key(KeyCode::Enter);
    h.type_str("\"user\": \"fake-user\",");
    h.key(KeyCode::Enter);
    h.type_str("\"port\": 5432");
    h.save_and_close().await;
    assert!(
        h.app
            .toasts
            .iter()
            .any(|t| t.text == "saved secret/apps/editor as v1"),
        "{:?}",
        h.app.toasts
    );
    let v1 = root
        .kv_read("secret/", KvVersion::V2, "apps/editor", None)
        .await
        .expect("read v1");
    assert_eq!(
        plain(&v1.fields),
        [
            ("port".to_string(), "5432".to_string(), true),
            ("user".to_string(), "fake-user".to_string(), false)
        ]
    );

    // :edit — reads v1; someone writes v2 meanwhile.
    h.command("edit secret/apps/editor");
    h.until("the values to edit", editing).await;
    assert_eq!(editor(&h.app).and_then(EditorScreen::cas), Some(1));
    h.ctrl('t'); // key=value: port:=5432 / user=fake-user
    h.key(KeyCode::Down);
    h.key(KeyCode::End);
    h.type_str("-mine");
    let mut theirs = v1.fields.clone();
    theirs.insert("extra".into(), SecretField::text("fake-extra"));
    root.kv_write("secret/", KvVersion::V2, "apps/editor", &theirs, Some(1))
        .await
        .expect("the outside write");
    h.ctrl('s');
    h.key(KeyCode::Char('y'));
    h.until("the conflict view", |a| {
        editor(a).is_some_and(|e| {
            matches!(&e.phase, Phase::Conflict(c) if matches!(c.newer, ConflictState::Ready(_)))
        })
    })
    .await;
    {
        let e = editor(&h.app).expect("editor");
        let Phase::Conflict(c) = &e.phase else {
            unreachable!()
        };
        let ConflictState::Ready(n) = &c.newer else {
            unreachable!()
        };
        assert_eq!(n.version, 2);
        let changed: Vec<(&str, Change)> = n
            .theirs
            .iter()
            .filter(|d| d.change != Change::Same)
            .map(|d| (d.name.as_str(), d.change))
            .collect();
        assert_eq!(changed, [("extra", Change::Added)]);
    }
    // Re-apply on v2 and save with check-and-set 2.
    h.key(KeyCode::Char('r'));
    assert!(editing(&h.app));
    assert_eq!(editor(&h.app).and_then(EditorScreen::cas), Some(2));
    h.save_and_close().await;
    let v3 = root
        .kv_read("secret/", KvVersion::V2, "apps/editor", None)
        .await
        .expect("read v3");
    assert_eq!(v3.version.map(|v| v.version), Some(3));
    assert_eq!(
        plain(&v3.fields),
        [
            ("extra".to_string(), "fake-extra".to_string(), false),
            ("port".to_string(), "5432".to_string(), true),
            ("user".to_string(), "fake-user-mine".to_string(), false)
        ]
    );

    // A KV v1 mount: no versions, no check-and-set.
    kv_support::call(
        &root,
        Method::POST,
        "sys/mounts/kv1",
        json!({"type": "kv", "options": {"version": "1"}}),
    )
    .await;
    h.command("new kv1/apps/one");
    h.until("the v1 editor", editing).await;
    assert_eq!(editor(&h.app).map(|e| e.kv), Some(KvVersion::V1));
    h.ctrl('t');
    h.type_str("token=fake-token");
    h.save_and_close().await;
    let one = root
        .kv_read("kv1/", KvVersion::V1, "apps/one", None)
        .await
        .expect("read v1 mount");
    assert_eq!(
        plain(&one.fields),
        [("token".to_string(), "fake-token".to_string(), false)]
    );
    // A missing secret: the editor says so and esc closes it.
    h.command("edit secret/apps/missing");
    h.until("the failure", |a| {
        editor(a).is_some_and(|e| matches!(e.phase, Phase::Failed(_)))
    })
    .await;
    h.key(KeyCode::Esc);
    assert!(editor(&h.app).is_none());
}
