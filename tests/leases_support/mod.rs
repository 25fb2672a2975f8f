//! Shared by the lease live tests: leases from approle logins and `auth/token/create`, an app
//! wired to a real worker with a bounded pump.
//! The PostgreSQL server of the database-credential leases is `common::postgres` (the console's
//! own manager).
#![allow(dead_code)]

use std::time::Duration;

use chrono::Utc;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use reqwest::Method;
use serde_json::{Value, json};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use strongroom::app::{App, AppInit};
use strongroom::command::Command as AppCommand;
use strongroom::event::Msg;
use strongroom::keymap::Keymap;
use strongroom::theme::ThemeRegistry;
use strongroom::vault::VaultClient;
use strongroom::vault::worker::{Worker, WorkerHandle};

pub async fn call(c: &VaultClient, method: Method, path: &str, body: Value) -> Value {
    c.request(method, path, &[], Some(&body))
        .await
        .unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Enable approle with a role `ci` (token TTL 1h, max 2h) and log in `n` times: `n` leases
/// below `auth/approle/login/`.
pub async fn approle_logins(root: &VaultClient, n: usize) {
    approle_logins_at(root, "approle", n).await;
}

/// The same on an approle mount at `auth/<mount>/`.
pub async fn approle_logins_at(root: &VaultClient, mount: &str, n: usize) {
    call(
        root,
        Method::POST,
        &format!("sys/auth/{mount}"),
        json!({"type": "approle"}),
    )
    .await;
    call(
        root,
        Method::POST,
        &format!("auth/{mount}/role/ci"),
        json!({"token_ttl": "1h", "token_max_ttl": "2h"}),
    )
    .await;
    let role_id = call(
        root,
        Method::GET,
        &format!("auth/{mount}/role/ci/role-id"),
        json!({}),
    )
    .await["data"]["role_id"]
        .as_str()
        .expect("role_id")
        .to_string();
    let secret_id = call(
        root,
        Method::POST,
        &format!("auth/{mount}/role/ci/secret-id"),
        json!({}),
    )
    .await["data"]["secret_id"]
        .as_str()
        .expect("secret_id")
        .to_string();
    for _ in 0..n {
        call(
            root,
            Method::POST,
            &format!("auth/{mount}/login"),
            json!({"role_id": role_id, "secret_id": secret_id}),
        )
        .await;
    }
}

/// `n` tokens from `auth/token/create` with this TTL: `n` leases below `auth/token/create/`.
pub async fn created_tokens(root: &VaultClient, n: usize, ttl: &str) {
    for _ in 0..n {
        call(
            root,
            Method::POST,
            "auth/token/create",
            json!({"ttl": ttl, "policies": ["default"]}),
        )
        .await;
    }
}

pub fn app_for(addr: &str, token: &str, read_only: bool) -> App {
    let profile = super::common::profile_for(&[addr.to_string()], Some(token));
    App::new(AppInit {
        profile: profile.clone(),
        contexts: vec![profile],
        theme: "default".into(),
        themes: ThemeRegistry::load(None, false),
        keymap: Keymap::load(None).0,
        poll_interval: Duration::from_secs(60),
        force_read_only: read_only,
        warnings: vec![],
        now: Utc::now(),
    })
}

/// A real worker for the app's profile; its messages arrive on the receiver.
pub fn worker_for(app: &App) -> (WorkerHandle, mpsc::UnboundedReceiver<Msg>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let worker = Worker::new(&app.profile).expect("worker");
    (
        WorkerHandle::spawn(worker, tx, CancellationToken::new()),
        rx,
    )
}

pub fn key(c: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(c, KeyModifiers::NONE))
}

pub fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

/// Feed keys; the commands they give.
pub fn keys(app: &mut App, text: &str) -> Vec<AppCommand> {
    let mut out = Vec::new();
    for c in text.chars() {
        out.extend(app.update(key(KeyCode::Char(c))));
    }
    out
}

/// Run commands through the worker and messages through the app until `done` (bounded in
/// count and time).
pub async fn pump(
    app: &mut App,
    handle: &WorkerHandle,
    rx: &mut mpsc::UnboundedReceiver<Msg>,
    mut cmds: Vec<AppCommand>,
    mut done: impl FnMut(&App, &Msg) -> bool,
) {
    let mut seen = Vec::new();
    for _ in 0..2000 {
        for c in cmds.drain(..) {
            handle.send(&c);
        }
        let msg = tokio::time::timeout(Duration::from_secs(30), rx.recv())
            .await
            .unwrap_or_else(|_| panic!("no message within 30 s; seen: {seen:?}"))
            .expect("the channel stays open");
        let stop = done(app, &msg);
        seen.push(format!("{msg:?}").chars().take(200).collect::<String>());
        cmds = app.update(msg);
        if stop {
            for c in cmds.drain(..) {
                handle.send(&c);
            }
            return;
        }
    }
    panic!("no end after 2000 messages");
}

/// A job of a screen ended (done or failed).
pub fn job_ended(_: &App, m: &Msg) -> bool {
    matches!(
        m,
        Msg::Job {
            event: strongroom::jobs::JobEvent::Done(_) | strongroom::jobs::JobEvent::Failed(_),
            ..
        }
    )
}

/// A write's outcome arrived.
pub fn write_done(_: &App, m: &Msg) -> bool {
    matches!(
        m,
        Msg::Vault {
            reply: strongroom::reply::Reply::Write(_),
            ..
        }
    )
}
