//! Shared by the token tests: tokens made on a real dev server (auth/token/create, create-orphan,
//! a token role), policies, lookups by accessor, and a pump that runs an app's commands through
//! a real worker.
#![allow(dead_code, clippy::expect_used)]

use std::time::Duration;

use chrono::Utc;
use serde_json::Value;
use tokio::sync::mpsc;

use super::common::dev::{DevServer, http_request};
use strongroom::app::{App, AppInit};
use strongroom::command::Command;
use strongroom::event::Msg;
use strongroom::keymap::Keymap;
use strongroom::theme::ThemeRegistry;
use strongroom::vault::worker::WorkerHandle;

/// A token made for a test: its value and accessor.
#[derive(Debug, Clone)]
pub struct Made {
    pub token: String,
    pub accessor: String,
}

/// `POST /v1/<path>` with `token`; the parsed answer (panics on a non-2xx).
pub fn post(dev: &DevServer, path: &str, token: &str, body: &str) -> Value {
    let (code, text) =
        http_request(dev.port, "POST", &format!("/v1/{path}"), Some(token), body).expect("answer");
    assert!((200..300).contains(&code), "{path}: {code} {text}");
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

/// An ACL policy.
pub fn policy(dev: &DevServer, name: &str, hcl: &str) {
    let body = serde_json::json!({ "policy": hcl }).to_string();
    post(
        dev,
        &format!("sys/policies/acl/{name}"),
        &dev.root_token,
        &body,
    );
}

/// A policy that may create child tokens.
pub const CAN_CREATE: &str =
    "path \"auth/token/create\" { capabilities = [\"create\", \"update\"] }";

/// Create a token at `path` (`auth/token/create`, `auth/token/create-orphan`,
/// `auth/token/create/<role>`) with `parent`'s token.
pub fn create_at(
    dev: &DevServer,
    path: &str,
    parent: &str,
    name: &str,
    policies: &[&str],
    ttl: &str,
) -> Made {
    let body = serde_json::json!({
        "display_name": name, "policies": policies, "ttl": ttl, "meta": {"team": "tests"},
    })
    .to_string();
    let v = post(dev, path, parent, &body);
    Made {
        token: v["auth"]["client_token"]
            .as_str()
            .expect("client_token")
            .to_string(),
        accessor: v["auth"]["accessor"]
            .as_str()
            .expect("accessor")
            .to_string(),
    }
}

pub fn create(dev: &DevServer, name: &str, policies: &[&str], ttl: &str) -> Made {
    create_at(
        dev,
        "auth/token/create",
        &dev.root_token,
        name,
        policies,
        ttl,
    )
}

pub fn create_orphan(dev: &DevServer, name: &str, policies: &[&str], ttl: &str) -> Made {
    create_at(
        dev,
        "auth/token/create-orphan",
        &dev.root_token,
        name,
        policies,
        ttl,
    )
}

/// `lookup-accessor`: the status (200 alive, 400 gone) and the data.
pub fn lookup(dev: &DevServer, accessor: &str) -> (u16, Value) {
    let body = serde_json::json!({ "accessor": accessor }).to_string();
    let (code, text) = http_request(
        dev.port,
        "POST",
        "/v1/auth/token/lookup-accessor",
        Some(&dev.root_token),
        &body,
    )
    .expect("answer");
    (code, serde_json::from_str(&text).unwrap_or(Value::Null))
}

pub fn alive(dev: &DevServer, accessor: &str) -> bool {
    lookup(dev, accessor).0 == 200
}

/// `revoke-accessor` straight to the server.
pub fn revoke_accessor(dev: &DevServer, accessor: &str) {
    let body = serde_json::json!({ "accessor": accessor }).to_string();
    post(dev, "auth/token/revoke-accessor", &dev.root_token, &body);
}

pub fn app_for(addrs: &[String], token: &str, read_only: bool) -> App {
    let profile = super::common::profile_for(addrs, Some(token));
    App::new(AppInit {
        profile: profile.clone(),
        contexts: vec![profile],
        theme: "default".into(),
        themes: ThemeRegistry::load(None, false),
        keymap: Keymap::load(None).0,
        poll_interval: Duration::from_secs(30),
        force_read_only: read_only,
        warnings: vec![],
        now: Utc::now(),
    })
}

/// Run the app's commands through a real worker until a message `wanted` matched and, after
/// applying it (or a later one), `ready` holds (bounded in count and time).
pub async fn pump(
    app: &mut App,
    handle: &WorkerHandle,
    rx: &mut mpsc::UnboundedReceiver<Msg>,
    mut cmds: Vec<Command>,
    mut wanted: impl FnMut(&Msg) -> bool,
    ready: impl Fn(&App) -> bool,
) {
    let mut seen = Vec::new();
    let mut matched = false;
    for _ in 0..2000 {
        for c in cmds.drain(..) {
            handle.send(&c);
        }
        let msg = tokio::time::timeout(Duration::from_secs(30), rx.recv())
            .await
            .unwrap_or_else(|_| panic!("a message within 30 s; seen: {seen:?}"))
            .expect("the channel stays open");
        matched |= wanted(&msg);
        if seen.len() < 40 {
            seen.push(format!("{msg:?}").chars().take(200).collect::<String>());
        }
        cmds = app.update(msg);
        if matched && ready(app) {
            for c in cmds.drain(..) {
                handle.send(&c);
            }
            return;
        }
    }
    panic!("no end after 2000 messages: {seen:?}");
}
