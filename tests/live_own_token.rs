//! The console's own token against a real `bao server -dev`: a renewable 6 s token (explicit
//! max 1 h) is renewed in the background and keeps working well past its first TTL; a token
//! revoked from outside is noticed and the login dialog offered; re-login with userpass (a wrong
//! password shown plainly first) and with approle, after which requests go out with the new
//! token while the screen stack stays. The app runs with a real worker; the test plays the
//! runtime (ticks, commands, `SetToken`). Every wait is bounded.
// Test crate: helpers outside #[test] fns fail the test with a message via expect.
#![allow(clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use chrono::Utc;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde_json::Value;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use common::dev::{DevServer, http_request};
use strongroom::action::Action;
use strongroom::app::{App, AppInit, Mode};
use strongroom::command::Command;
use strongroom::event::Msg;
use strongroom::keymap::Keymap;
use strongroom::remote::Remote;
use strongroom::reply::Reply;
use strongroom::theme::ThemeRegistry;
use strongroom::ui::screens::Screen;
use strongroom::ui::screens::mounts::MountsScreen;
use strongroom::vault::own_token::OwnTokenReply;
use strongroom::vault::worker::{Worker, WorkerHandle};

const PASSWORD: &str = "alice-Canary-pw-5c2e";

/// A root-token API call on the dev server: status and JSON body.
fn api(srv: &DevServer, method: &str, path: &str, body: &str) -> (u16, Value) {
    let (code, text) = http_request(srv.port, method, path, Some(&srv.root_token), body)
        .unwrap_or_else(|| panic!("{method} {path}: no answer"));
    let v = serde_json::from_str(&text).unwrap_or(Value::Null);
    assert!((200..300).contains(&code), "{method} {path}: {code} {text}");
    (code, v)
}

fn create_token(srv: &DevServer, body: &str) -> String {
    let (_, v) = api(srv, "POST", "/v1/auth/token/create", body);
    v.pointer("/auth/client_token")
        .and_then(Value::as_str)
        .expect("client_token")
        .to_string()
}

/// Status of `lookup-self` with `token`, asked from outside the console.
fn lookup_status(srv: &DevServer, token: &str) -> Option<u16> {
    http_request(
        srv.port,
        "GET",
        "/v1/auth/token/lookup-self",
        Some(token),
        "",
    )
    .map(|(c, _)| c)
}

/// The app with a real worker; the test plays the runtime.
struct Console {
    app: App,
    handle: WorkerHandle,
    rx: mpsc::UnboundedReceiver<Msg>,
    renewals: usize,
}

impl Console {
    fn new(srv: &DevServer, token: &str) -> Console {
        let profile = common::profile_for(std::slice::from_ref(&srv.addr), Some(token));
        let app = App::new(AppInit {
            profile: profile.clone(),
            contexts: vec![profile],
            theme: "default".into(),
            themes: ThemeRegistry::load(None, false),
            keymap: Keymap::load(None).0,
            poll_interval: Duration::from_secs(2),
            force_read_only: false,
            warnings: vec![],
            now: Utc::now(),
        });
        let worker = Worker::new(&app.profile).expect("worker");
        let (tx, rx) = mpsc::unbounded_channel();
        let handle = WorkerHandle::spawn(worker, tx, CancellationToken::new());
        Console {
            app,
            handle,
            rx,
            renewals: 0,
        }
    }

    fn exec(&mut self, cmds: Vec<Command>) {
        for c in cmds {
            match c {
                Command::SetToken { token } => self.handle.set_token(&token),
                other => self.handle.send(&other),
            }
        }
    }

    /// Ticks every 250 ms and replies until `done` (panics after `max`).
    async fn drive(&mut self, max: Duration, what: &str, mut done: impl FnMut(&App) -> bool) {
        let deadline = Instant::now() + max;
        let mut next_tick = Instant::now();
        loop {
            if done(&self.app) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{what}: not within {max:?}; toasts {:?}, token {:?}",
                self.app.toasts,
                self.app.own_token
            );
            if Instant::now() >= next_tick {
                let cmds = self.app.update(Msg::Tick(Utc::now()));
                self.exec(cmds);
                next_tick += Duration::from_millis(250);
            }
            if let Ok(msg) = tokio::time::timeout(Duration::from_millis(50), self.rx.recv()).await {
                let msg = msg.expect("the worker's channel stays open");
                if let Msg::Vault {
                    reply: Reply::OwnToken(OwnTokenReply::Renewed { result: Ok(_), .. }),
                    ..
                } = &msg
                {
                    self.renewals += 1;
                }
                let cmds = self.app.update(msg);
                self.exec(cmds);
            }
        }
    }

    fn key(&mut self, code: KeyCode, m: KeyModifiers) {
        let cmds = self.app.update(Msg::Key(KeyEvent::new(code, m)));
        self.exec(cmds);
    }

    fn type_str(&mut self, s: &str) {
        for c in s.chars() {
            self.key(KeyCode::Char(c), KeyModifiers::NONE);
        }
    }

    fn looked_up(&self) -> bool {
        matches!(self.app.own_token.info, Remote::Ready(_))
    }

    fn display_name(&self) -> Option<String> {
        self.app
            .own_token
            .info
            .value()
            .map(|i| i.display_name.clone())
    }

    /// Revoked from outside, then noticed on a refresh.
    async fn revoke_and_notice(&mut self, srv: &DevServer, token: &str) {
        api(
            srv,
            "POST",
            "/v1/auth/token/revoke",
            &format!("{{\"token\":\"{token}\"}}"),
        );
        let cmds = self.app.on_action(Action::Refresh);
        self.exec(cmds);
        self.drive(Duration::from_secs(20), "the revoked token noticed", |a| {
            a.own_token.dead.is_some()
        })
        .await;
    }
}

#[tokio::test]
async fn a_short_renewable_token_is_renewed_in_the_background() {
    let srv = DevServer::start();
    let token = create_token(
        &srv,
        r#"{"ttl":"6s","explicit_max_ttl":"1h","renewable":true,"policies":["default"]}"#,
    );
    let mut c = Console::new(&srv, &token);
    let start = c.app.start();
    c.exec(start);
    let began = Instant::now();
    // Well past the first TTL (6 s): 2.5 of them.
    c.drive(Duration::from_secs(30), "15 s of work", |_| {
        began.elapsed() >= Duration::from_secs(15)
    })
    .await;
    assert!(c.renewals >= 2, "renewed {} times", c.renewals);
    assert!(c.app.own_token.dead.is_none(), "{:?}", c.app.own_token);
    assert_eq!(
        lookup_status(&srv, &token),
        Some(200),
        "the token still works"
    );
    c.drive(Duration::from_secs(5), "looked up", Console::looked_up_app)
        .await;
    let ttl = c.app.own_token.ttl_at(Utc::now()).expect("a ttl");
    assert!((0..=6).contains(&ttl), "ttl {ttl}");
}

impl Console {
    fn looked_up_app(a: &App) -> bool {
        matches!(a.own_token.info, Remote::Ready(_))
    }
}

#[tokio::test]
async fn a_revoked_token_is_noticed_and_a_login_offered() {
    let srv = DevServer::start();
    let token = create_token(&srv, r#"{"ttl":"1h","policies":["default"]}"#);
    let mut c = Console::new(&srv, &token);
    let start = c.app.start();
    c.exec(start);
    c.drive(
        Duration::from_secs(10),
        "first lookup",
        Console::looked_up_app,
    )
    .await;
    assert!(c.looked_up());
    assert_eq!(c.display_name().as_deref(), Some("token"));
    c.revoke_and_notice(&srv, &token).await;
    assert_eq!(c.app.mode, Mode::Login);
    let reason = c.app.login.as_ref().and_then(|d| d.reason.clone());
    assert_eq!(
        reason.as_deref(),
        Some("The console's token was revoked or is no longer valid.")
    );
}

#[tokio::test]
async fn re_login_with_userpass_keeps_the_screens_and_uses_the_new_token() {
    let srv = DevServer::start();
    api(
        &srv,
        "POST",
        "/v1/sys/auth/userpass",
        r#"{"type":"userpass"}"#,
    );
    api(
        &srv,
        "POST",
        "/v1/auth/userpass/users/alice",
        &format!(r#"{{"password":"{PASSWORD}","token_policies":"default","token_ttl":"1h"}}"#),
    );
    let token = create_token(&srv, r#"{"ttl":"1h","policies":["default"]}"#);
    let mut c = Console::new(&srv, &token);
    let start = c.app.start();
    c.exec(start);
    c.drive(
        Duration::from_secs(10),
        "first lookup",
        Console::looked_up_app,
    )
    .await;
    c.app.push_screen(Screen::Mounts(MountsScreen::default()));
    c.app.screen_mut().set_filter("cubby".into());
    let kinds = |a: &App| a.screens.iter().map(Screen::kind).collect::<Vec<_>>();
    let stack = kinds(&c.app);
    c.revoke_and_notice(&srv, &token).await;

    // A wrong password first: said plainly, the dialog stays.
    c.key(KeyCode::Char('t'), KeyModifiers::CONTROL);
    c.type_str("alice");
    c.key(KeyCode::Tab, KeyModifiers::NONE);
    c.type_str("not-the-password");
    c.key(KeyCode::Enter, KeyModifiers::NONE);
    c.drive(Duration::from_secs(10), "the login refused", |a| {
        a.login.as_ref().is_some_and(|d| d.error.is_some())
    })
    .await;
    let err = c.app.login.as_ref().and_then(|d| d.error.clone());
    assert_eq!(err.as_deref(), Some("invalid username or password"));

    // The right one.
    c.type_str(PASSWORD);
    c.key(KeyCode::Enter, KeyModifiers::NONE);
    c.drive(Duration::from_secs(10), "logged in and looked up", |a| {
        a.login.is_none()
            && a.own_token.info.value().map(|i| i.display_name.as_str()) == Some("userpass-alice")
    })
    .await;
    assert_eq!(c.app.mode, Mode::Normal);
    assert!(c.app.own_token.dead.is_none());
    assert_eq!(kinds(&c.app), stack, "the screen stack kept");
    assert_eq!(c.app.screen().filter(), "cubby", "and the filter");
    // The mounts screen failed with the revoked token; its refresh works with the new one.
    let mounts = |a: &App| match a.screens.last() {
        Some(Screen::Mounts(m)) => m.mounts.clone(),
        _ => Remote::NotAsked,
    };
    assert!(
        matches!(mounts(&c.app), Remote::Failed { .. }),
        "{:?}",
        mounts(&c.app)
    );
    let cmds = c.app.on_action(Action::Refresh);
    c.exec(cmds);
    c.drive(
        Duration::from_secs(10),
        "mounts read with the new token",
        |a| matches!(mounts(a), Remote::Ready(_)) && Console::looked_up_app(a),
    )
    .await;
    assert_eq!(c.display_name().as_deref(), Some("userpass-alice"));
    assert!(c.app.toasts.iter().all(|t| !t.text.contains(PASSWORD)));
}

#[tokio::test]
async fn re_login_with_approle() {
    let srv = DevServer::start();
    api(
        &srv,
        "POST",
        "/v1/sys/auth/approle",
        r#"{"type":"approle"}"#,
    );
    api(
        &srv,
        "POST",
        "/v1/auth/approle/role/ci",
        r#"{"token_policies":"default","token_ttl":"1h"}"#,
    );
    let (_, v) = api(&srv, "GET", "/v1/auth/approle/role/ci/role-id", "");
    let role_id = v
        .pointer("/data/role_id")
        .and_then(Value::as_str)
        .expect("role_id")
        .to_string();
    let (_, v) = api(&srv, "POST", "/v1/auth/approle/role/ci/secret-id", "{}");
    let secret_id = v
        .pointer("/data/secret_id")
        .and_then(Value::as_str)
        .expect("secret_id")
        .to_string();
    let token = create_token(&srv, r#"{"ttl":"1h","policies":["default"]}"#);
    let mut c = Console::new(&srv, &token);
    let start = c.app.start();
    c.exec(start);
    c.drive(
        Duration::from_secs(10),
        "first lookup",
        Console::looked_up_app,
    )
    .await;
    // `:login` at any time (the token still works).
    c.app.run_command("login");
    c.key(KeyCode::Char('t'), KeyModifiers::CONTROL);
    c.key(KeyCode::Char('t'), KeyModifiers::CONTROL);
    c.type_str(&role_id);
    c.key(KeyCode::Tab, KeyModifiers::NONE);
    c.type_str(&secret_id);
    c.key(KeyCode::Enter, KeyModifiers::NONE);
    c.drive(Duration::from_secs(10), "logged in with approle", |a| {
        a.login.is_none()
            && a.own_token.info.value().map(|i| i.display_name.as_str()) == Some("approle")
    })
    .await;
    let policies = c
        .app
        .own_token
        .info
        .value()
        .map(|i| i.policies.clone())
        .unwrap_or_default();
    assert!(policies.iter().any(|p| p == "default"), "{policies:?}");
    assert_eq!(
        lookup_status(&srv, &token),
        Some(200),
        "the old token was left alone"
    );
}
