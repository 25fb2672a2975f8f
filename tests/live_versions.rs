//! The versions screen against a real dev server, through `App::update` and the real worker:
//! `:versions` finds the mount and lists the versions; a reveal reads the version; a diff
//! compares values on request; rollback (check-and-set), soft-delete, undelete, settings and
//! delete-all go through the gate and the server's state is checked after each; a restricted
//! token sees destroy refused from its capabilities; with a file audit device, browsing reads
//! no data and a reveal exactly one.
// Test crate: helpers outside #[test] fns fail the test with a message via expect.
#![allow(clippy::expect_used, clippy::panic)]

mod common;
mod kv_support;

use std::time::Duration;

use chrono::Utc;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use reqwest::Method;
use serde_json::{Value, json};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use common::dev::DevServer;
use strongroom::app::{App, AppInit};
use strongroom::command::Command;
use strongroom::event::Msg;
use strongroom::keymap::Keymap;
use strongroom::remote::Remote;
use strongroom::theme::ThemeRegistry;
use strongroom::ui::screens::Screen;
use strongroom::ui::screens::versions::{Pane, VersionsScreen};
use strongroom::vault::VaultError;
use strongroom::vault::models::kv_diff::Change;
use strongroom::vault::models::kv_secret::VersionState;
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

    fn msg(&mut self, m: Msg) {
        let cmds = self.app.update(m);
        self.send(cmds);
    }

    fn key(&mut self, code: KeyCode) {
        self.msg(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    }

    fn chars(&mut self, s: &str) {
        for c in s.chars() {
            self.key(KeyCode::Char(c));
        }
    }

    /// Feed replies (and the clock) into the app until `done` holds (bounded in time).
    async fn until(&mut self, what: &str, done: impl Fn(&VersionsScreen) -> bool) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        loop {
            self.msg(Msg::Tick(Utc::now()));
            if let Screen::Versions(s) = self.app.screen()
                && done(s)
            {
                return;
            }
            let msg = tokio::time::timeout_at(deadline, self.rx.recv())
                .await
                .unwrap_or_else(|_| panic!("timed out waiting for {what}: {:?}", self.app.screen()))
                .expect("channel open");
            self.msg(msg);
        }
    }

    fn screen(&self) -> &VersionsScreen {
        match self.app.screen() {
            Screen::Versions(s) => s,
            other => panic!("not the versions screen: {other:?}"),
        }
    }
}

fn current(s: &VersionsScreen) -> u64 {
    s.meta.value().map_or(0, |m| m.current_version)
}

fn state(s: &VersionsScreen, v: u64) -> Option<VersionState> {
    s.meta
        .value()
        .and_then(|m| m.versions.get(&v))
        .map(|m| m.state(Utc::now()))
}

async fn put(root: &strongroom::vault::VaultClient, data: Value) {
    kv_support::call(
        root,
        Method::POST,
        "secret/data/live/app",
        json!({ "data": data }),
    )
    .await;
}

#[tokio::test]
async fn versions_reveal_diff_and_every_write_against_openbao() {
    let dev = DevServer::start();
    let root = kv_support::client(&dev.addr, &dev.root_token, None);
    put(&root, json!({"user": "svc", "password": "one"})).await;
    put(
        &root,
        json!({"user": "svc", "password": "two", "port": 5432}),
    )
    .await;
    put(&root, json!({"password": "three"})).await;

    let mut h = Harness::new(&dev.addr, &dev.root_token);
    h.msg(Msg::Key(KeyEvent::new(
        KeyCode::Char(':'),
        KeyModifiers::NONE,
    )));
    h.chars("versions secret/live/app");
    h.key(KeyCode::Enter);
    h.until("the metadata", |s| current(s) == 3 && !s.caps.is_empty())
        .await;
    assert_eq!(h.screen().mount, "secret/");
    assert_eq!(h.screen().path, "live/app");

    // v3 opened: names, then one reveal reads it.
    h.key(KeyCode::Enter);
    h.until(
        "v3's names",
        |s| matches!(&s.pane, Pane::Version(d) if d.names.value().is_some()),
    )
    .await;
    let Pane::Version(d) = &h.screen().pane else {
        panic!("version pane")
    };
    assert_eq!(d.field_names(), ["password"]);
    assert_eq!(d.values, Remote::NotAsked);
    h.key(KeyCode::Char('R'));
    h.until(
        "v3's values",
        |s| matches!(&s.pane, Pane::Version(d) if d.values.value().is_some()),
    )
    .await;
    h.key(KeyCode::Esc);

    // Diff v2 → v3: names at once; values compared on request.
    h.key(KeyCode::Char('d'));
    h.until(
        "names of v2 and v3",
        |s| matches!(&s.pane, Pane::Diff(d) if !d.rows().is_empty()),
    )
    .await;
    h.key(KeyCode::Char('c'));
    h.until(
        "values of v2 and v3",
        |s| matches!(&s.pane, Pane::Diff(d) if d.compared()),
    )
    .await;
    let Pane::Diff(d) = &h.screen().pane else {
        panic!("diff pane")
    };
    let rows: Vec<(String, Change)> = d
        .rows()
        .into_iter()
        .map(|r| (r.field.name, r.field.change))
        .collect();
    assert_eq!(
        rows,
        [
            ("password".to_string(), Change::Changed),
            ("port".to_string(), Change::Removed),
            ("user".to_string(), Change::Removed),
        ]
    );
    h.key(KeyCode::Esc);

    // Rollback to v1 (check-and-set on v3): v4 holds v1's data.
    h.key(KeyCode::Char('j'));
    h.key(KeyCode::Char('j'));
    assert_eq!(h.screen().selected_version(), Some(1));
    h.key(KeyCode::Char('b'));
    h.key(KeyCode::Char('y'));
    h.until("v4", |s| current(s) == 4).await;
    assert_eq!(h.screen().selected_version(), Some(4));
    let v4 = kv_support::call(&root, Method::GET, "secret/data/live/app", json!({})).await;
    assert_eq!(
        v4["data"]["data"],
        json!({"user": "svc", "password": "one"})
    );

    // Soft-delete v2 and v3 (marked), then undelete v2.
    h.key(KeyCode::Char('j')); // v3
    h.key(KeyCode::Char(' ')); // v3 marked, on v2
    h.key(KeyCode::Char(' ')); // v2 marked
    h.key(KeyCode::Delete);
    h.key(KeyCode::Char('y'));
    h.until("v2 and v3 deleted", |s| {
        state(s, 2) == Some(VersionState::Deleted) && state(s, 3) == Some(VersionState::Deleted)
    })
    .await;
    h.key(KeyCode::Char('g'));
    h.key(KeyCode::Char('g'));
    for _ in 0..2 {
        h.key(KeyCode::Char('j'));
    }
    assert_eq!(h.screen().selected_version(), Some(2));
    h.key(KeyCode::Char('u'));
    h.key(KeyCode::Char('y'));
    h.until("v2 back", |s| state(s, 2) == Some(VersionState::Live))
        .await;
    assert_eq!(state(h.screen(), 3), Some(VersionState::Deleted));

    // Settings: max versions 7, check-and-set on, delete after 1h, custom metadata.
    h.key(KeyCode::Char('e'));
    h.key(KeyCode::Backspace);
    h.chars("7");
    h.key(KeyCode::Down);
    h.chars(" ");
    h.key(KeyCode::Down);
    h.key(KeyCode::Backspace);
    h.key(KeyCode::Backspace);
    h.chars("1h");
    h.key(KeyCode::Down);
    h.chars("owner=team-live");
    h.key(KeyCode::Enter);
    h.key(KeyCode::Char('y'));
    h.until("the new settings", |s| {
        s.meta.value().is_some_and(|m| m.max_versions == 7)
    })
    .await;
    let m = h.screen().meta.value().expect("metadata").clone();
    assert!(m.cas_required);
    assert_eq!(m.delete_version_after, "1h0m0s");
    assert_eq!(
        m.custom_metadata.get("owner").map(String::as_str),
        Some("team-live")
    );

    // Delete everything: the path typed; the server has no metadata any more.
    h.key(KeyCode::Char('D'));
    h.chars("delete secret/live/app");
    h.key(KeyCode::Enter);
    h.until("the secret gone", |s| {
        matches!(
            s.meta,
            Remote::Failed {
                error: VaultError::NotFound { .. },
                ..
            }
        )
    })
    .await;
    let gone = root
        .request(Method::GET, "secret/metadata/live/app", &[], None)
        .await;
    assert!(matches!(gone, Err(VaultError::NotFound { .. })), "{gone:?}");
}

#[tokio::test]
async fn a_token_without_destroy_sees_it_refused() {
    let dev = DevServer::start();
    let root = kv_support::client(&dev.addr, &dev.root_token, None);
    put(&root, json!({"k": "v"})).await;
    put(&root, json!({"k": "w"})).await;
    let token = kv_support::token_with_policy(
        &root,
        "no-destroy",
        r#"
path "secret/data/live/*" { capabilities = ["read", "update", "create"] }
path "secret/metadata/live/*" { capabilities = ["read", "list"] }
path "secret/subkeys/live/*" { capabilities = ["read"] }
path "secret/delete/live/*" { capabilities = ["update"] }
path "secret/undelete/live/*" { capabilities = ["update"] }
"#,
    )
    .await;
    let mut h = Harness::new(&dev.addr, &token);
    let screen = strongroom::ui::screens::versions::versions_screen(
        dev.addr.clone(),
        "secret/".into(),
        "live/app".into(),
    );
    let cmds = h.app.open_screen(screen);
    h.send(cmds);
    h.until("metadata and capabilities", |s| {
        current(s) == 2 && !s.caps.is_empty()
    })
    .await;
    for k in ['X', 'D', 'e'] {
        h.key(KeyCode::Char(k));
        assert!(h.app.gate.pending().is_none(), "{k} was offered");
    }
    h.key(KeyCode::Delete);
    assert!(h.app.gate.pending().is_some(), "soft delete is allowed");
}

/// Reads of a secret's data (`secret/data/<path>`, operation read) in a file audit log.
fn data_reads(log: &std::path::Path, path: &str) -> usize {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    text.lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|e| e["type"] == "request")
        .filter(|e| {
            e["request"]["operation"] == "read"
                && e["request"]["path"] == format!("secret/data/{path}")
        })
        .count()
}

#[tokio::test]
async fn the_audit_log_has_a_data_read_only_when_values_are_revealed() {
    let dev = DevServer::start_with_api_audit();
    let root = kv_support::client(&dev.addr, &dev.root_token, None);
    put(&root, json!({"password": "one"})).await;
    put(&root, json!({"password": "two"})).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("audit.log");
    kv_support::call(
        &root,
        Method::PUT,
        "sys/audit/file",
        json!({"type": "file", "options": {"file_path": log.display().to_string()}}),
    )
    .await;

    let mut h = Harness::new(&dev.addr, &dev.root_token);
    let screen = strongroom::ui::screens::versions::versions_screen(
        dev.addr.clone(),
        "secret/".into(),
        "live/app".into(),
    );
    let cmds = h.app.open_screen(screen);
    h.send(cmds);
    h.until("the metadata", |s| current(s) == 2).await;
    // Browsing: a version's names, a diff by names, back.
    h.key(KeyCode::Enter);
    h.until(
        "v2's names",
        |s| matches!(&s.pane, Pane::Version(d) if d.names.value().is_some()),
    )
    .await;
    h.key(KeyCode::Esc);
    h.key(KeyCode::Char('d'));
    h.until(
        "the names diff",
        |s| matches!(&s.pane, Pane::Diff(d) if !d.rows().is_empty()),
    )
    .await;
    h.key(KeyCode::Esc);
    assert_eq!(data_reads(&log, "live/app"), 0, "browsing read the data");
    // One reveal, one read; showing and masking again reads nothing more.
    h.key(KeyCode::Enter);
    h.until(
        "v2's names",
        |s| matches!(&s.pane, Pane::Version(d) if d.names.value().is_some()),
    )
    .await;
    h.key(KeyCode::Char('r'));
    h.until(
        "v2's values",
        |s| matches!(&s.pane, Pane::Version(d) if d.values.value().is_some()),
    )
    .await;
    h.key(KeyCode::Char('r'));
    h.key(KeyCode::Char('R'));
    h.key(KeyCode::Esc);
    assert_eq!(data_reads(&log, "live/app"), 1);
    // Comparing values of a diff reads both versions, once each.
    h.key(KeyCode::Char('d'));
    h.key(KeyCode::Char('c'));
    h.until(
        "the compared diff",
        |s| matches!(&s.pane, Pane::Diff(d) if d.compared()),
    )
    .await;
    h.key(KeyCode::Char('R'));
    assert_eq!(data_reads(&log, "live/app"), 3);
}
