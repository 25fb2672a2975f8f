//! Shared by the versions update-flow tests: an `App` without a terminal or a server, keys,
//! the fetches of a command list, a metadata fixture and the versions screen opened on it.
#![allow(dead_code, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use pretty_assertions::assert_eq;

use strongroom::app::{App, AppInit};
use strongroom::command::{Command, Origin, Request, ScreenKind, Ticket};
use strongroom::config::ConnectionProfile;
use strongroom::event::Msg;
use strongroom::keymap::Keymap;
use strongroom::reply::{ItemResult, Reply, WriteOutcome, WriteResult};
use strongroom::theme::ThemeRegistry;
use strongroom::ui::screens::Screen;
use strongroom::ui::screens::versions::{VersionsScreen, versions_screen};
use strongroom::vault::kv_area::{KvReply, KvRequest};
use strongroom::vault::models::kv_secret::{
    KvMetadata, SecretField, SecretFields, Subkeys, VersionMeta,
};
use strongroom::write_gate::kv::KvMutation;
use strongroom::write_gate::{Mutation, Write};

pub const A: &str = "http://127.0.0.1:8210";
pub const CANARY: &str = "canary-5f1d-never-on-screen";

pub fn t0() -> DateTime<Utc> {
    Utc.timestamp_opt(1_795_393_047, 0).single().expect("time")
}

pub fn app() -> App {
    let p = ConnectionProfile::new("main", vec![A.to_string()]);
    let mut app = App::new(AppInit {
        profile: p.clone(),
        contexts: vec![p],
        theme: "default".into(),
        themes: ThemeRegistry::load(None, false),
        keymap: Keymap::load(None).0,
        poll_interval: Duration::from_secs(2),
        force_read_only: false,
        warnings: vec![],
        now: t0(),
    });
    let _ = app.start();
    app.size = (100, 30);
    app
}

pub fn key(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

pub fn code(c: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(c, KeyModifiers::NONE))
}

pub fn type_str(app: &mut App, s: &str) -> Vec<Command> {
    s.chars().flat_map(|c| app.update(key(c))).collect()
}

pub fn backspaces(app: &mut App, n: usize) {
    for _ in 0..n {
        app.update(code(KeyCode::Backspace));
    }
}

pub fn run(app: &mut App, line: &str) -> Vec<Command> {
    app.update(key(':'));
    type_str(app, line);
    app.update(code(KeyCode::Enter))
}

pub fn screen(app: &App) -> &VersionsScreen {
    match app.screen() {
        Screen::Versions(s) => s,
        other => panic!("not the versions screen: {other:?}"),
    }
}

/// The fetches of these commands: (ticket, request).
pub fn fetches(cmds: &[Command]) -> Vec<(Ticket, Request)> {
    cmds.iter()
        .filter_map(|c| match c {
            Command::Fetch { ticket, request } => Some((ticket.clone(), request.clone())),
            _ => None,
        })
        .collect()
}

pub fn kv_fetch(cmds: &[Command]) -> Vec<(Ticket, KvRequest)> {
    fetches(cmds)
        .into_iter()
        .filter_map(|(t, r)| match r {
            Request::Kv(k) => Some((t, k)),
            _ => None,
        })
        .collect()
}

pub fn ticket_of(f: &[(Ticket, KvRequest)], pred: impl Fn(&KvRequest) -> bool) -> &Ticket {
    &f.iter()
        .find(|(_, r)| pred(r))
        .unwrap_or_else(|| panic!("no such request in {f:?}"))
        .0
}

pub fn version(n: u64, deletion: &str, destroyed: bool) -> VersionMeta {
    VersionMeta {
        version: n,
        created_time: format!("2026-11-23T10:0{n}:00Z"),
        deletion_time: deletion.into(),
        destroyed,
        custom_metadata: Default::default(),
    }
}

/// v1 live, v2 soft-deleted, v3 destroyed, v4 current (live, with a future deletion time).
pub fn metadata() -> KvMetadata {
    KvMetadata {
        current_version: 4,
        oldest_version: 0,
        max_versions: 0,
        delete_version_after: "0s".into(),
        versions: [
            (1, version(1, "", false)),
            (2, version(2, "2026-11-22T08:00:00Z", false)),
            (3, version(3, "", true)),
            (4, version(4, "2099-01-01T00:00:00Z", false)),
        ]
        .into(),
        ..Default::default()
    }
}

pub fn fields(pairs: &[(&str, &str)]) -> SecretFields {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), SecretField::text(*v)))
        .collect()
}

pub fn subkeys(v: u64, names: &[&str]) -> Subkeys {
    Subkeys {
        keys: names.iter().map(|n| (n.to_string(), false)).collect(),
        version: Some(version(v, "", false)),
    }
}

pub fn reply(app: &mut App, ticket: &Ticket, r: KvReply) -> Vec<Command> {
    app.update(Msg::Vault {
        ticket: ticket.clone(),
        reply: Reply::Kv(r),
    })
}

/// Open `secret/apps/x` the way the lead's secret view does, and answer the metadata.
pub fn opened() -> App {
    let mut app = app();
    let cmds = app.open_screen(versions_screen(A.into(), "secret/".into(), "apps/x".into()));
    let f = kv_fetch(&cmds);
    assert_eq!(
        f.iter().map(|(_, r)| r.clone()).collect::<Vec<_>>(),
        vec![
            KvRequest::Metadata {
                addr: A.into(),
                mount: "secret/".into(),
                path: "apps/x".into()
            },
            KvRequest::Capabilities {
                addr: A.into(),
                paths: ["data", "metadata", "delete", "undelete", "destroy"]
                    .iter()
                    .map(|k| format!("secret/{k}/apps/x"))
                    .collect()
            },
        ]
    );
    assert!(
        f.iter()
            .all(|(t, _)| t.key.origin == Origin::Screen(ScreenKind::Versions))
    );
    assert!(screen(&app).meta.is_loading());
    reply(
        &mut app,
        &f[0].0,
        KvReply::Metadata {
            path: "apps/x".into(),
            result: Ok(metadata()),
        },
    );
    app
}

/// The mutation waiting in the gate.
pub fn pending(app: &App) -> KvMutation {
    match app.gate.pending().map(|p| &p.write) {
        Some(Write::One(Mutation::Kv(m))) => m.clone(),
        other => panic!("no KV write pending: {other:?}"),
    }
}

/// Confirm with `y` (or the typed phrase) and return the write's ticket.
pub fn confirm(app: &mut App, phrase: Option<&str>) -> Ticket {
    let cmds = match phrase {
        None => app.update(key('y')),
        Some(p) => {
            type_str(app, p);
            app.update(code(KeyCode::Enter))
        }
    };
    match &cmds[..] {
        [Command::Write { ticket, .. }] => ticket.clone(),
        other => panic!("no write: {other:?}"),
    }
}

pub fn done(app: &mut App, ticket: &Ticket, summary: &str, r: WriteResult) -> Vec<Command> {
    app.update(Msg::Vault {
        ticket: ticket.clone(),
        reply: Reply::Write(WriteOutcome {
            summary: summary.into(),
            items: vec![ItemResult {
                item: "secret/apps/x".into(),
                result: Ok(r),
            }],
        }),
    })
}

pub fn metadata_fetched(cmds: &[Command]) -> Ticket {
    let f = kv_fetch(cmds);
    ticket_of(&f, |r| matches!(r, KvRequest::Metadata { .. })).clone()
}
