//! Response wrapping and `sys/tools` against a real OpenBao dev server: a KV secret shared
//! through the worker's `WrapSecret` mutation unwraps to the same data; lookup; rewrap kills the
//! old token; random bytes in both formats and lengths; a hash that matches one computed here;
//! read-only mode blocks the wrap; the whole share flow through the app (gate, worker, the
//! screen showing the token once).
// Test crate: helpers outside #[test] fns fail the test with a message via expect.
#![allow(clippy::expect_used)]

mod common;

use std::time::Duration;

use base64::Engine;
use chrono::Utc;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use sha2::Digest;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use common::dev::DevServer;
use strongroom::app::{App, AppInit, Mode};
use strongroom::command::Command;
use strongroom::event::Msg;
use strongroom::keymap::Keymap;
use strongroom::reply::{Reply, WriteResult};
use strongroom::theme::ThemeRegistry;
use strongroom::ui::screens::Screen;
use strongroom::ui::screens::tools::{Output, share_screen};
use strongroom::vault::VaultError;
use strongroom::vault::models::kv::KvVersion;
use strongroom::vault::models::tools::RandomFormat;
use strongroom::vault::models::wrapping::{SecretText, WrapInfo};
use strongroom::vault::tools::{ToolsReply, ToolsRequest};
use strongroom::vault::worker::{Worker, WorkerHandle};
use strongroom::write_gate::Mutation;

fn worker_for(server: &DevServer) -> Worker {
    Worker::new(&common::profile_for(
        std::slice::from_ref(&server.addr),
        Some(&server.root_token),
    ))
    .expect("worker")
}

fn wrap_secret(addr: &str, path: &str, version: Option<u64>) -> Mutation {
    Mutation::WrapSecret {
        addr: addr.to_string(),
        mount: "secret/".into(),
        kv_version: KvVersion::V2,
        path: path.into(),
        version,
        ttl: "600s".into(),
    }
}

async fn wrapped(worker: &Worker, m: &Mutation) -> WrapInfo {
    match worker.write_one(m).await.result {
        Ok(WriteResult::Wrapped(info)) => info,
        other => panic!("not wrapped: {other:?}"),
    }
}

async fn unwrap(worker: &Worker, addr: &str, token: &SecretText) -> ToolsReply {
    worker
        .tools(ToolsRequest::Unwrap {
            addr: addr.into(),
            token: token.clone(),
        })
        .await
}

fn field<'a>(reply: &'a ToolsReply, name: &str) -> &'a str {
    match reply {
        ToolsReply::Unwrap(Ok(u)) => u
            .fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.expose())
            .expect("the field"),
        other => panic!("not unwrapped: {other:?}"),
    }
}

#[tokio::test]
async fn a_shared_secret_unwraps_to_its_data_lookup_and_rewrap_kill_the_old_token() {
    let server = DevServer::start();
    let canary = format!("strongroom-canary-wrap-{}", std::process::id());
    server.put_secret("share/db", "password", "first-version");
    server.put_secret("share/db", "password", &canary);
    let worker = worker_for(&server);
    let addr = server.addr.as_str();

    // The current version, wrapped by the worker (the value never went through the app).
    let info = wrapped(&worker, &wrap_secret(addr, "share/db", None)).await;
    assert_eq!(info.ttl, 600);
    assert!(!info.accessor.is_empty());
    assert!(
        !format!("{info:?}").contains(info.token.expose()),
        "token redacted"
    );

    // Lookup does not use the token up.
    match worker
        .tools(ToolsRequest::Lookup {
            addr: addr.into(),
            token: info.token.clone(),
        })
        .await
    {
        ToolsReply::Lookup(Ok(l)) => {
            assert_eq!(l.creation_path, "sys/wrapping/wrap");
            assert_eq!(l.creation_ttl, 600);
            assert!(!l.creation_time.is_empty());
        }
        other => panic!("lookup: {other:?}"),
    }

    // Rewrap: a new token, the old one dead.
    let rewrapped = match worker
        .write_one(&Mutation::Rewrap {
            addr: addr.into(),
            token: info.token.clone(),
        })
        .await
        .result
    {
        Ok(WriteResult::Wrapped(i)) => i,
        other => panic!("rewrap: {other:?}"),
    };
    assert_ne!(rewrapped.token, info.token);
    match unwrap(&worker, addr, &info.token).await {
        ToolsReply::Unwrap(Err(VaultError::Http {
            status: 400,
            errors,
        })) => {
            assert!(
                errors
                    .iter()
                    .any(|e| e.contains("wrapping token is not valid")),
                "{errors:?}"
            );
        }
        other => panic!("the old token still works: {other:?}"),
    }
    let out = unwrap(&worker, addr, &rewrapped.token).await;
    assert_eq!(field(&out, "password"), canary);
    // Used once: gone.
    assert!(matches!(
        unwrap(&worker, addr, &rewrapped.token).await,
        ToolsReply::Unwrap(Err(_))
    ));

    // An older version, by number.
    let v1 = wrapped(&worker, &wrap_secret(addr, "share/db", Some(1))).await;
    assert_eq!(
        field(&unwrap(&worker, addr, &v1.token).await, "password"),
        "first-version"
    );

    // A missing secret is an error, not an empty wrap.
    assert!(
        worker
            .write_one(&wrap_secret(addr, "share/none", None))
            .await
            .result
            .is_err()
    );

    // The wrapping token only goes to a configured address.
    let other = wrapped(&worker, &wrap_secret(addr, "share/db", None)).await;
    match unwrap(&worker, "http://127.0.0.1:1", &other.token).await {
        ToolsReply::Unwrap(Err(VaultError::NotConfigured { .. })) => {}
        other => panic!("sent to an address not configured: {other:?}"),
    }
}

#[tokio::test]
async fn random_bytes_in_both_formats_and_a_hash_that_matches_ours() {
    let server = DevServer::start();
    let worker = worker_for(&server);
    let addr = server.addr.clone();
    for (bytes, format) in [
        (16, RandomFormat::Hex),
        (24, RandomFormat::Base64),
        (1, RandomFormat::Hex),
    ] {
        let r = worker
            .tools(ToolsRequest::Random {
                addr: addr.clone(),
                bytes,
                format,
            })
            .await;
        let ToolsReply::Random(Ok(t)) = r else {
            panic!("random: {r:?}")
        };
        let decoded = match format {
            RandomFormat::Hex => {
                assert!(t.expose().chars().all(|c| c.is_ascii_hexdigit()), "hex");
                t.expose().len() / 2
            }
            RandomFormat::Base64 => base64::engine::general_purpose::STANDARD
                .decode(t.expose())
                .expect("base64")
                .len(),
        };
        assert_eq!(decoded, bytes as usize, "{format:?}");
    }
    let input = "strongroom hashes this ✓";
    let r = worker
        .tools(ToolsRequest::Hash {
            addr: addr.clone(),
            algorithm: "sha2-256".into(),
            input: SecretText::from(input),
        })
        .await;
    let want: String = sha2::Sha256::digest(input.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(r, ToolsReply::Hash(Ok(want)));
    let r = worker
        .tools(ToolsRequest::Hash {
            addr,
            algorithm: "sha3-512".into(),
            input: SecretText::from(input),
        })
        .await;
    assert!(matches!(r, ToolsReply::Hash(Ok(h)) if h.len() == 128));
}

fn app_for(server: &DevServer, read_only: bool) -> App {
    let profile = common::profile_for(std::slice::from_ref(&server.addr), Some(&server.root_token));
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

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

#[tokio::test]
async fn read_only_mode_blocks_the_wrap() {
    let server = DevServer::start();
    server.put_secret("share/ro", "k", "v");
    let mut app = app_for(&server, true);
    app.push_screen(share_screen(
        server.addr.clone(),
        "secret/".into(),
        KvVersion::V2,
        "share/ro".into(),
        None,
    ));
    let cmds = app.update(key(KeyCode::Enter));
    assert!(
        !cmds.iter().any(|c| matches!(c, Command::Write { .. })),
        "{cmds:?}"
    );
    assert!(
        app.toasts
            .iter()
            .any(|t| t.text == "read-only mode: wrapping a secret is not allowed"),
        "{:?}",
        app.toasts
    );
    let Screen::Tools(s) = app.screen() else {
        panic!("still the share dialog")
    };
    assert_eq!(s.output, Output::None, "not waiting any more");
}

#[tokio::test]
async fn sharing_through_the_app_shows_the_token_once_and_it_unwraps() {
    let server = DevServer::start();
    let canary = format!("strongroom-canary-share-{}", std::process::id());
    server.put_secret("share/app", "api_key", &canary);
    let mut app = app_for(&server, false);
    let worker = worker_for(&server);
    let (tx, mut rx) = mpsc::unbounded_channel();
    let handle = WorkerHandle::spawn(worker.clone(), tx, CancellationToken::new());
    app.push_screen(share_screen(
        server.addr.clone(),
        "secret".into(),
        KvVersion::V2,
        "share/app".into(),
        None,
    ));
    // TTL "1h" → "15m", enter, then the gate's confirmation.
    for _ in 0..2 {
        app.update(key(KeyCode::Backspace));
    }
    for c in "15m".chars() {
        app.update(key(KeyCode::Char(c)));
    }
    assert!(app.update(key(KeyCode::Enter)).is_empty());
    assert_eq!(app.mode, Mode::Confirm);
    let cmds = app.update(key(KeyCode::Char('y')));
    assert!(matches!(&cmds[..], [Command::Write { .. }]), "{cmds:?}");
    for c in &cmds {
        handle.send(c);
    }
    for _ in 0..50 {
        let msg = tokio::time::timeout(Duration::from_secs(20), rx.recv())
            .await
            .expect("a reply within 20 s")
            .expect("open channel");
        let done = matches!(
            msg,
            Msg::Vault {
                reply: Reply::Write(_),
                ..
            }
        );
        app.update(msg);
        if done {
            break;
        }
    }
    let Screen::Tools(s) = app.screen() else {
        panic!("the share dialog")
    };
    let Output::Token(info) = &s.output else {
        panic!("no token shown: {:?}", s.output)
    };
    assert_eq!(info.ttl, 900);
    assert!(!s.revealed, "masked at first");
    let token = info.token.clone();
    // Leaving the dialog drops it.
    app.update(key(KeyCode::Esc));
    assert!(!matches!(app.screen(), Screen::Tools(_)), "left the dialog");
    let out = unwrap(&worker, &server.addr, &token).await;
    assert_eq!(field(&out, "api_key"), canary);
}
