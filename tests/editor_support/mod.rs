//! Shared by the editor's update-flow tests: an app with one node, keys, fake secrets, and the
//! commands the editor's flow produces.
#![allow(dead_code, unused_imports, clippy::expect_used, clippy::unwrap_used)]

pub use std::time::{Duration, Instant};

pub use chrono::{DateTime, TimeZone, Utc};
pub use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
pub use secrecy::{ExposeSecret, SecretString};

pub use strongroom::action::Action;
pub use strongroom::app::{App, AppInit, Mode};
pub use strongroom::command::{Command, Origin, Request, ScreenKind, Ticket};
pub use strongroom::config::ConnectionProfile;
pub use strongroom::event::Msg;
pub use strongroom::keymap::Keymap;
pub use strongroom::reply::{ItemResult, Reply, WriteOutcome, WriteResult};
pub use strongroom::theme::ThemeRegistry;
pub use strongroom::ui::screens::Screen;
pub use strongroom::ui::screens::editor::{
    ConflictState, EditorScreen, Format, Phase, edit_screen, new_screen,
};
pub use strongroom::vault::VaultError;
pub use strongroom::vault::kv_area::{KvReply, KvRequest};
pub use strongroom::vault::models::kv::KvVersion;
pub use strongroom::vault::models::kv_diff::Change;
pub use strongroom::vault::models::kv_secret::{
    SecretData, SecretField, SecretFields, VersionMeta,
};
pub use strongroom::vault::models::mounts::{Mount, MountKind, MountList, MountSource};
pub use strongroom::vault::mounts::{MountsReply, MountsRequest};
pub use strongroom::write_gate::kv::KvMutation;
pub use strongroom::write_gate::{Mutation, Write};

pub const A: &str = "http://127.0.0.1:8210";

pub fn t0() -> DateTime<Utc> {
    Utc.timestamp_opt(1_795_393_047, 0).single().expect("time")
}

pub fn app_ro(read_only: bool) -> App {
    let p = ConnectionProfile {
        read_only,
        ..ConnectionProfile::new("main", vec![A.to_string()])
    };
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
    app
}

pub fn app() -> App {
    app_ro(false)
}

pub fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

pub fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

pub fn type_str(app: &mut App, s: &str) -> Vec<Command> {
    s.chars()
        .flat_map(|c| app.update(key(KeyCode::Char(c))))
        .collect()
}

pub fn fields(pairs: &[(&str, &str)]) -> SecretFields {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), SecretField::text(*v)))
        .collect()
}

pub fn plain(f: &SecretFields) -> Vec<(String, String)> {
    f.iter()
        .map(|(k, v)| (k.clone(), v.value.expose_secret().to_string()))
        .collect()
}

pub fn data(pairs: &[(&str, &str)], version: u64) -> SecretData {
    SecretData {
        fields: fields(pairs),
        version: Some(VersionMeta {
            version,
            created_time: "2026-11-23T10:00:00Z".into(),
            ..VersionMeta::default()
        }),
    }
}

pub fn editor(app: &App) -> &EditorScreen {
    match app.screen() {
        Screen::Editor(e) => e,
        other => panic!("not the editor: {other:?}"),
    }
}

pub fn text(app: &App) -> Vec<String> {
    editor(app).buffer.with_lines(<[String]>::to_vec)
}

/// The one fetch among the commands, with its ticket.
pub fn fetch(cmds: &[Command]) -> (Ticket, Request) {
    let found: Vec<_> = cmds
        .iter()
        .filter_map(|c| match c {
            Command::Fetch { ticket, request } if ticket.key.origin != Origin::Cluster => {
                Some((ticket.clone(), request.clone()))
            }
            _ => None,
        })
        .collect();
    assert_eq!(found.len(), 1, "{cmds:?}");
    found.into_iter().next().unwrap()
}

pub fn write(cmds: &[Command]) -> (Ticket, KvMutation) {
    let found: Vec<_> = cmds
        .iter()
        .filter_map(|c| match c {
            Command::Write {
                ticket,
                write: Write::One(Mutation::Kv(m)),
            } => Some((ticket.clone(), m.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(found.len(), 1, "{cmds:?}");
    found.into_iter().next().unwrap()
}

pub fn reply_read(app: &mut App, ticket: Ticket, tag: &str, d: Result<SecretData, VaultError>) {
    let cmds = app.update(Msg::Vault {
        ticket,
        reply: Reply::Kv(KvReply::Read {
            path: "apps/db".into(),
            version: None,
            tag: tag.into(),
            result: d,
        }),
    });
    assert!(cmds.is_empty(), "{cmds:?}");
}

pub fn outcome(result: Result<WriteResult, VaultError>) -> Reply {
    Reply::Write(WriteOutcome {
        summary: "write secret/apps/db".into(),
        items: vec![ItemResult {
            item: "secret/apps/db".into(),
            result,
        }],
    })
}

/// Open the editor on secret/apps/db and answer its read with v3.
pub fn opened(app: &mut App) {
    let cmds = app.open_screen(edit_screen(
        A.into(),
        "secret".into(),
        KvVersion::V2,
        "apps/db".into(),
    ));
    let (ticket, request) = fetch(&cmds);
    assert_eq!(ticket.key.origin, Origin::Screen(ScreenKind::Editor));
    assert_eq!(
        request,
        Request::Kv(KvRequest::Read {
            addr: A.into(),
            mount: "secret/".into(),
            kv: KvVersion::V2,
            path: "apps/db".into(),
            version: None,
            tag: "edit".into(),
        })
    );
    assert_eq!(editor(app).phase, Phase::Loading);
    reply_read(
        app,
        ticket,
        "edit",
        Ok(data(&[("user", "fake-user"), ("pass", "fake-pass")], 3)),
    );
}

/// ctrl-s, then `y` in the gate's dialog: the write command.
pub fn save(app: &mut App) -> (Ticket, KvMutation) {
    let cmds = app.update(ctrl('s'));
    assert!(cmds.is_empty(), "{cmds:?}");
    assert_eq!(app.mode, Mode::Confirm);
    write(&app.update(key(KeyCode::Char('y'))))
}

/// Append to the first value (JSON form).
pub fn change_a_value(app: &mut App) {
    app.update(key(KeyCode::Down));
    app.update(key(KeyCode::End));
    app.update(key(KeyCode::Left));
    app.update(key(KeyCode::Left));
    type_str(app, "Z");
}

pub fn cas_conflict() -> VaultError {
    VaultError::Http {
        status: 400,
        errors: vec!["check-and-set parameter did not match the current version".into()],
    }
}

pub fn kv_mount(path: &str, v: u8) -> Mount {
    Mount {
        kind: MountKind::Secret,
        path: path.into(),
        mount_type: "kv".into(),
        kv_version: Some(v),
        description: String::new(),
        accessor: String::new(),
        default_lease_ttl: None,
        max_lease_ttl: None,
        options: Default::default(),
        seal_wrap: false,
        local: false,
        external_entropy_access: false,
        plugin_version: String::new(),
        running_plugin_version: String::new(),
        uuid: String::new(),
        deprecation_status: String::new(),
    }
}

pub fn run(app: &mut App, line: &str) -> Vec<Command> {
    app.update(key(KeyCode::Char(':')));
    type_str(app, line);
    app.update(key(KeyCode::Enter))
}
