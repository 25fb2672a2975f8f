//! Shared by the lease live tests: leases from approle logins and `auth/token/create`, an app
//! wired to a real worker with a bounded pump, and a throwaway PostgreSQL server (run as the
//! `postgres` user on 127.0.0.1, stopped by PID) for renewable database-credential leases.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

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

/// A throwaway PostgreSQL 15 on 127.0.0.1 (trust auth), as the `postgres` user.
pub struct Pg {
    pub port: u16,
    child: Child,
    dir: tempfile::TempDir,
}

const PG_BIN: &str = "/usr/lib/postgresql/15/bin";

impl Pg {
    pub fn start() -> Pg {
        assert!(
            std::path::Path::new(PG_BIN).join("initdb").is_file(),
            "PostgreSQL 15 is needed at {PG_BIN} (Debian: apt-get install postgresql-15)"
        );
        let dir = tempfile::Builder::new()
            .prefix("strongroom-pg-")
            .tempdir()
            .expect("tempdir");
        let ok = Command::new("chown")
            .args(["-R", "postgres:postgres"])
            .arg(dir.path())
            .status()
            .expect("chown");
        assert!(ok.success(), "chown the PostgreSQL directory");
        let data = dir.path().join("data");
        let out = Command::new("runuser")
            .args(["-u", "postgres", "--"])
            .arg(format!("{PG_BIN}/initdb"))
            .args(["--auth=trust", "-U", "postgres", "--no-sync", "-D"])
            .arg(&data)
            .output()
            .expect("initdb");
        assert!(
            out.status.success(),
            "initdb: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let port = super::common::free_port();
        let log = std::fs::File::create(dir.path().join("pg.log")).expect("log");
        let child = Command::new("runuser")
            .args(["-u", "postgres", "--"])
            .arg(format!("{PG_BIN}/postgres"))
            .arg("-D")
            .arg(&data)
            .args([
                "-p",
                &port.to_string(),
                "-c",
                "listen_addresses=127.0.0.1",
                "-k",
            ])
            .arg(dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::from(log.try_clone().expect("log")))
            .stderr(Stdio::from(log))
            .spawn()
            .expect("start postgres");
        let pg = Pg { port, child, dir };
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let ready = Command::new(format!("{PG_BIN}/pg_isready"))
                .args(["-h", "127.0.0.1", "-p", &port.to_string()])
                .stdout(Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
            if ready {
                return pg;
            }
            assert!(
                Instant::now() < deadline,
                "postgres did not start: {}",
                std::fs::read_to_string(pg.dir.path().join("pg.log")).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn pid_file(&self) -> PathBuf {
        self.dir.path().join("data").join("postmaster.pid")
    }

    /// Stop the server by the PID in its pid file (immediate shutdown), then reap runuser.
    pub fn stop(&mut self) {
        let pid = std::fs::read_to_string(self.pid_file())
            .ok()
            .and_then(|t| t.lines().next().and_then(|l| l.trim().parse::<i32>().ok()));
        if let Some(pid) = pid {
            let _ = nix::sys::signal::kill(
                nix::unistd::Pid::from_raw(pid),
                nix::sys::signal::Signal::SIGQUIT,
            );
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Pg {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A `database/` mount on the dev server with a role `readonly` (TTL 1h, max 2h) on `pg`.
pub async fn database_mount(root: &VaultClient, pg: &Pg) {
    call(
        root,
        Method::POST,
        "sys/mounts/database",
        json!({"type": "database"}),
    )
    .await;
    call(
        root,
        Method::POST,
        "database/config/pg",
        json!({
            "plugin_name": "postgresql-database-plugin",
            "connection_url": format!("postgresql://{{{{username}}}}:{{{{password}}}}@127.0.0.1:{}/postgres?sslmode=disable", pg.port),
            "username": "postgres",
            "password": "trust-auth-ignores-this",
            "allowed_roles": ["readonly"],
        }),
    )
    .await;
    call(
        root,
        Method::POST,
        "database/roles/readonly",
        json!({
            "db_name": "pg",
            "creation_statements": ["CREATE ROLE \"{{name}}\" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';"],
            "default_ttl": "1h",
            "max_ttl": "2h",
        }),
    )
    .await;
}
