//! Update-flow tests of the versions screen: `Msg` sequences into `App::update`, asserting the
//! commands (what is fetched, what is written through the gate) and the state. No terminal, no
//! server.
// Test crate: helpers outside #[test] fns fail the test with a message via expect.
#![allow(clippy::expect_used, clippy::panic)]

use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use pretty_assertions::assert_eq;

use strongroom::app::{App, AppInit, Mode};
use strongroom::command::{Command, Origin, Request, ScreenKind, Ticket};
use strongroom::config::ConnectionProfile;
use strongroom::event::Msg;
use strongroom::keymap::Keymap;
use strongroom::remote::Remote;
use strongroom::reply::{ItemResult, Reply, WriteOutcome, WriteResult};
use strongroom::theme::ThemeRegistry;
use strongroom::ui::screens::Screen;
use strongroom::ui::screens::versions::{Pane, VersionsScreen, versions_screen};
use strongroom::vault::VaultError;
use strongroom::vault::kv_area::{KvReply, KvRequest};
use strongroom::vault::models::kv::KvVersion;
use strongroom::vault::models::kv_diff::Change;
use strongroom::vault::models::kv_secret::{
    KvMetadata, MetadataUpdate, SecretData, SecretField, SecretFields, Subkeys, VersionMeta,
};
use strongroom::vault::models::mounts::{Mount, MountKind, MountList, MountSource};
use strongroom::vault::mounts::{MountsReply, MountsRequest};
use strongroom::write_gate::kv::KvMutation;
use strongroom::write_gate::{Mutation, Write};

const A: &str = "http://127.0.0.1:8210";
const CANARY: &str = "canary-5f1d-never-on-screen";

fn t0() -> DateTime<Utc> {
    Utc.timestamp_opt(1_795_393_047, 0).single().expect("time")
}

fn app() -> App {
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

fn key(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

fn code(c: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(c, KeyModifiers::NONE))
}

fn type_str(app: &mut App, s: &str) -> Vec<Command> {
    s.chars().flat_map(|c| app.update(key(c))).collect()
}

fn backspaces(app: &mut App, n: usize) {
    for _ in 0..n {
        app.update(code(KeyCode::Backspace));
    }
}

fn run(app: &mut App, line: &str) -> Vec<Command> {
    app.update(key(':'));
    type_str(app, line);
    app.update(code(KeyCode::Enter))
}

fn screen(app: &App) -> &VersionsScreen {
    match app.screen() {
        Screen::Versions(s) => s,
        other => panic!("not the versions screen: {other:?}"),
    }
}

/// The fetches of these commands: (ticket, request).
fn fetches(cmds: &[Command]) -> Vec<(Ticket, Request)> {
    cmds.iter()
        .filter_map(|c| match c {
            Command::Fetch { ticket, request } => Some((ticket.clone(), request.clone())),
            _ => None,
        })
        .collect()
}

fn kv_fetch(cmds: &[Command]) -> Vec<(Ticket, KvRequest)> {
    fetches(cmds)
        .into_iter()
        .filter_map(|(t, r)| match r {
            Request::Kv(k) => Some((t, k)),
            _ => None,
        })
        .collect()
}

fn ticket_of(f: &[(Ticket, KvRequest)], pred: impl Fn(&KvRequest) -> bool) -> &Ticket {
    &f.iter()
        .find(|(_, r)| pred(r))
        .unwrap_or_else(|| panic!("no such request in {f:?}"))
        .0
}

fn version(n: u64, deletion: &str, destroyed: bool) -> VersionMeta {
    VersionMeta {
        version: n,
        created_time: format!("2026-11-23T10:0{n}:00Z"),
        deletion_time: deletion.into(),
        destroyed,
        custom_metadata: Default::default(),
    }
}

/// v1 live, v2 soft-deleted, v3 destroyed, v4 current (live, with a future deletion time).
fn metadata() -> KvMetadata {
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

fn fields(pairs: &[(&str, &str)]) -> SecretFields {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), SecretField::text(*v)))
        .collect()
}

fn subkeys(v: u64, names: &[&str]) -> Subkeys {
    Subkeys {
        keys: names.iter().map(|n| (n.to_string(), false)).collect(),
        version: Some(version(v, "", false)),
    }
}

fn reply(app: &mut App, ticket: &Ticket, r: KvReply) -> Vec<Command> {
    app.update(Msg::Vault {
        ticket: ticket.clone(),
        reply: Reply::Kv(r),
    })
}

/// Open `secret/apps/x` the way the lead's secret view does, and answer the metadata.
fn opened() -> App {
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

#[test]
fn versions_command_finds_the_mount_then_reads_the_metadata() {
    let mut app = app();
    let cmds = run(&mut app, "versions secret/apps/x");
    let f = fetches(&cmds);
    assert_eq!(
        f.iter().map(|(_, r)| r.clone()).collect::<Vec<_>>(),
        vec![Request::Mounts(MountsRequest::List { addr: A.into() })]
    );
    assert_eq!(screen(&app).full_path(), "secret/apps/x");
    let kv = |path: &str, v: u8| Mount {
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
    };
    let cmds = app.update(Msg::Vault {
        ticket: f[0].0.clone(),
        reply: Reply::Mounts(MountsReply::List(Ok(MountList {
            mounts: vec![kv("kv1/", 1), kv("secret/", 2), kv("secret/apps/", 2)],
            source: MountSource::SysMounts,
        }))),
    });
    // The longest mount holding the path wins.
    let f = kv_fetch(&cmds);
    assert!(
        matches!(&f[0].1, KvRequest::Metadata { mount, path, .. } if mount == "secret/apps/" && path == "x"),
        "{f:?}"
    );
    // A KV v1 path has no versions: said on screen, nothing else asked.
    let cmds = run(&mut app, "versions kv1/a");
    let f = fetches(&cmds);
    let cmds = app.update(Msg::Vault {
        ticket: f[0].0.clone(),
        reply: Reply::Mounts(MountsReply::List(Ok(MountList {
            mounts: vec![kv("kv1/", 1)],
            source: MountSource::SysMounts,
        }))),
    });
    assert!(fetches(&cmds).is_empty());
    assert!(matches!(
        screen(&app).meta,
        Remote::Failed {
            error: VaultError::Config(_),
            ..
        }
    ));
    // No path: a message, no screen.
    let before = app.screens.len();
    assert!(run(&mut app, "versions secret").is_empty());
    assert_eq!(app.screens.len(), before);
}

#[test]
fn the_list_is_newest_first_and_a_future_deletion_is_live() {
    use strongroom::vault::models::kv_secret::VersionState;
    let app = opened();
    let s = screen(&app);
    let rows: Vec<u64> = s.rows().iter().map(|v| v.version).collect();
    assert_eq!(rows, [4, 3, 2, 1]);
    let m = s.meta.value().expect("metadata");
    assert_eq!(m.versions[&4].state(t0()), VersionState::Live);
    assert_eq!(m.versions[&2].state(t0()), VersionState::Deleted);
}

#[test]
fn a_version_is_read_only_on_reveal_and_its_values_dropped_on_leaving() {
    let mut app = opened();
    // enter: the names of v4 (subkeys), no read.
    let cmds = app.update(code(KeyCode::Enter));
    let f = kv_fetch(&cmds);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(
        f[0].1,
        KvRequest::Subkeys {
            addr: A.into(),
            mount: "secret/".into(),
            path: "apps/x".into(),
            version: Some(4)
        }
    );
    reply(
        &mut app,
        &f[0].0,
        KvReply::Subkeys {
            path: "apps/x".into(),
            result: Ok(subkeys(4, &["password", "user"])),
        },
    );
    // Moving around reads nothing.
    assert!(kv_fetch(&app.update(key('j'))).is_empty());
    // r: one read of v4, for the selected field only.
    let cmds = app.update(key('r'));
    let f = kv_fetch(&cmds);
    assert_eq!(
        f.iter().map(|(_, r)| r.clone()).collect::<Vec<_>>(),
        vec![KvRequest::Read {
            addr: A.into(),
            mount: "secret/".into(),
            kv: KvVersion::V2,
            path: "apps/x".into(),
            version: Some(4),
            tag: "version".into()
        }]
    );
    reply(
        &mut app,
        &f[0].0,
        KvReply::Read {
            path: "apps/x".into(),
            version: Some(4),
            tag: "version".into(),
            result: Ok(SecretData {
                fields: fields(&[("password", CANARY), ("user", "admin")]),
                version: None,
            }),
        },
    );
    let Pane::Version(d) = &screen(&app).pane else {
        panic!("not the version pane")
    };
    assert!(d.shown.shows("user") && !d.shown.shows("password"));
    assert!(d.values.value().is_some());
    // R shows all, without reading again.
    assert!(kv_fetch(&app.update(key('R'))).is_empty());
    // esc: back to the list; the values are gone.
    app.update(code(KeyCode::Esc));
    assert_eq!(screen(&app).pane, Pane::List);
    assert!(!format!("{:?}", app.screens).contains(CANARY));
    // Opening it again asks for names again, not values.
    let cmds = app.update(code(KeyCode::Enter));
    let f = kv_fetch(&cmds);
    assert!(matches!(f[..], [(_, KvRequest::Subkeys { .. })]), "{f:?}");
    let Pane::Version(d) = &screen(&app).pane else {
        panic!("not the version pane")
    };
    assert_eq!(d.values, Remote::NotAsked);
}

#[test]
fn a_late_read_after_leaving_is_dropped() {
    let mut app = opened();
    let f = kv_fetch(&app.update(code(KeyCode::Enter)));
    reply(
        &mut app,
        &f[0].0,
        KvReply::Subkeys {
            path: "apps/x".into(),
            result: Ok(subkeys(4, &["password"])),
        },
    );
    let f = kv_fetch(&app.update(key('R')));
    app.update(code(KeyCode::Esc));
    reply(
        &mut app,
        &f[0].0,
        KvReply::Read {
            path: "apps/x".into(),
            version: Some(4),
            tag: "version".into(),
            result: Ok(SecretData {
                fields: fields(&[("password", CANARY)]),
                version: None,
            }),
        },
    );
    assert!(!format!("{:?}", app.screens).contains(CANARY));
    assert_eq!(screen(&app).pane, Pane::List);
}

#[test]
fn diff_with_previous_names_first_values_on_request() {
    let mut app = opened();
    // On v2 (deleted is fine for names): diff with v1, the one before.
    app.update(key('j'));
    app.update(key('j'));
    let cmds = app.update(key('d'));
    let f = kv_fetch(&cmds);
    let versions: Vec<Option<u64>> = f
        .iter()
        .map(|(_, r)| match r {
            KvRequest::Subkeys { version, .. } => *version,
            other => panic!("only names at first: {other:?}"),
        })
        .collect();
    assert_eq!(versions, [Some(1), Some(2)]);
    // Answers in any order, matched by version.
    reply(
        &mut app,
        &f[1].0,
        KvReply::Subkeys {
            path: "apps/x".into(),
            result: Ok(subkeys(2, &["b", "c", "d"])),
        },
    );
    reply(
        &mut app,
        &f[0].0,
        KvReply::Subkeys {
            path: "apps/x".into(),
            result: Ok(subkeys(1, &["a", "b", "c"])),
        },
    );
    let Pane::Diff(d) = &screen(&app).pane else {
        panic!("not the diff")
    };
    let kinds: Vec<(String, Change, bool)> = d
        .rows()
        .into_iter()
        .map(|r| (r.field.name, r.field.change, r.compared))
        .collect();
    assert_eq!(
        kinds,
        [
            ("a".to_string(), Change::Removed, true),
            ("b".to_string(), Change::Same, false),
            ("c".to_string(), Change::Same, false),
            ("d".to_string(), Change::Added, true),
        ]
    );
    // c: both versions read, said in a toast.
    let cmds = app.update(key('c'));
    let f = kv_fetch(&cmds);
    let reads: Vec<(Option<u64>, String)> = f
        .iter()
        .map(|(_, r)| match r {
            KvRequest::Read { version, tag, .. } => (*version, tag.clone()),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(reads, [(Some(1), "old".into()), (Some(2), "new".into())]);
    assert!(
        app.toasts
            .iter()
            .any(|t| t.text.contains("reading v1 and v2"))
    );
    for (i, (v, pairs)) in [
        (1, vec![("a", "1"), ("b", "2"), ("c", "3")]),
        (2, vec![("b", "2"), ("c", CANARY), ("d", "5")]),
    ]
    .into_iter()
    .enumerate()
    {
        reply(
            &mut app,
            &f[i].0,
            KvReply::Read {
                path: "apps/x".into(),
                version: Some(v),
                tag: if v == 1 { "old" } else { "new" }.into(),
                result: Ok(SecretData {
                    fields: fields(&pairs),
                    version: None,
                }),
            },
        );
    }
    let Pane::Diff(d) = &screen(&app).pane else {
        panic!("not the diff")
    };
    let kinds: Vec<Change> = d.rows().into_iter().map(|r| r.field.change).collect();
    assert_eq!(
        kinds,
        [
            Change::Removed,
            Change::Same,
            Change::Changed,
            Change::Added
        ]
    );
    // Revealing needs no further read; leaving drops the values.
    assert!(kv_fetch(&app.update(key('R'))).is_empty());
    app.update(code(KeyCode::Esc));
    assert!(!format!("{:?}", app.screens).contains(CANARY));
}

#[test]
fn diff_of_two_marked_versions() {
    let mut app = opened();
    app.update(key(' ')); // v4, moves to v3
    app.update(key('j')); // v2
    app.update(key(' ')); // v2
    assert_eq!(
        screen(&app).marked.iter().copied().collect::<Vec<_>>(),
        [2, 4]
    );
    let f = kv_fetch(&app.update(key('d')));
    let versions: Vec<Option<u64>> = f
        .iter()
        .map(|(_, r)| match r {
            KvRequest::Subkeys { version, .. } => *version,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(versions, [Some(2), Some(4)]);
    assert!(screen(&app).marked.is_empty());
}

/// The mutation waiting in the gate.
fn pending(app: &App) -> KvMutation {
    match app.gate.pending().map(|p| &p.write) {
        Some(Write::One(Mutation::Kv(m))) => m.clone(),
        other => panic!("no KV write pending: {other:?}"),
    }
}

/// Confirm with `y` (or the typed phrase) and return the write's ticket.
fn confirm(app: &mut App, phrase: Option<&str>) -> Ticket {
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

fn done(app: &mut App, ticket: &Ticket, summary: &str, r: WriteResult) -> Vec<Command> {
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

fn metadata_fetched(cmds: &[Command]) -> Ticket {
    let f = kv_fetch(cmds);
    ticket_of(&f, |r| matches!(r, KvRequest::Metadata { .. })).clone()
}

#[test]
fn rollback_checks_and_sets_and_the_new_version_is_selected() {
    let mut app = opened();
    // The current version cannot be rolled back to; a deleted one neither.
    app.update(key('b'));
    assert!(app.gate.pending().is_none());
    app.update(key('j'));
    app.update(key('j'));
    app.update(key('b'));
    assert!(app.gate.pending().is_none());
    assert!(
        app.toasts
            .iter()
            .any(|t| t.text.contains("undelete it first"))
    );
    app.update(key('j'));
    app.update(key('b'));
    assert_eq!(
        pending(&app),
        KvMutation::Rollback {
            addr: A.into(),
            mount: "secret/".into(),
            path: "apps/x".into(),
            to_version: 1,
            current: 4
        }
    );
    let t = confirm(&mut app, None);
    let cmds = done(
        &mut app,
        &t,
        "roll back secret/apps/x to v1",
        WriteResult::Version(5),
    );
    let meta = metadata_fetched(&cmds);
    let mut m = metadata();
    m.current_version = 5;
    m.versions.insert(5, version(5, "", false));
    reply(
        &mut app,
        &meta,
        KvReply::Metadata {
            path: "apps/x".into(),
            result: Ok(m),
        },
    );
    assert_eq!(screen(&app).selected_version(), Some(5));
}

#[test]
fn delete_undelete_destroy_the_marked_versions_as_one_write() {
    let mut app = opened();
    app.update(key('j')); // v3
    app.update(key('j')); // v2
    app.update(key(' ')); // v2 → v1
    app.update(key(' ')); // v1
    app.update(code(KeyCode::Delete));
    assert_eq!(
        pending(&app),
        KvMutation::Delete {
            addr: A.into(),
            mount: "secret/".into(),
            kv: KvVersion::V2,
            path: "apps/x".into(),
            versions: vec![1, 2]
        }
    );
    let t = confirm(&mut app, None);
    let cmds = done(
        &mut app,
        &t,
        "delete v1, v2 of secret/apps/x",
        WriteResult::Done,
    );
    metadata_fetched(&cmds);
    assert!(screen(&app).marked.is_empty());
    // Undelete the selected one (no marks).
    app.update(key('u'));
    assert!(matches!(pending(&app), KvMutation::Undelete { versions, .. } if versions == [1]));
    app.update(key('n'));
    // Destroy needs the path typed.
    app.update(key('X'));
    assert!(matches!(pending(&app), KvMutation::Destroy { versions, .. } if versions == [1]));
    assert!(
        app.update(key('y')).is_empty(),
        "y does not confirm a typed write"
    );
    assert_eq!(app.mode, Mode::Confirm);
    app.update(code(KeyCode::Backspace));
    let t = confirm(&mut app, Some("destroy secret/apps/x"));
    metadata_fetched(&done(
        &mut app,
        &t,
        "destroy v1 of secret/apps/x",
        WriteResult::Done,
    ));
    // Delete everything: typed too.
    app.update(key('D'));
    assert!(matches!(pending(&app), KvMutation::DeleteMetadata { .. }));
    let t = confirm(&mut app, Some("delete secret/apps/x"));
    let meta = metadata_fetched(&done(
        &mut app,
        &t,
        "delete all versions of secret/apps/x",
        WriteResult::Done,
    ));
    reply(
        &mut app,
        &meta,
        KvReply::Metadata {
            path: "apps/x".into(),
            result: Err(VaultError::NotFound { errors: vec![] }),
        },
    );
    assert!(matches!(screen(&app).meta, Remote::Failed { .. }));
}

#[test]
fn actions_the_token_cannot_do_are_refused() {
    let mut app = app();
    let cmds = app.open_screen(versions_screen(A.into(), "secret".into(), "apps/x".into()));
    let f = kv_fetch(&cmds);
    reply(
        &mut app,
        &f[0].0,
        KvReply::Metadata {
            path: "apps/x".into(),
            result: Ok(metadata()),
        },
    );
    let caps = [
        ("secret/data/apps/x", vec!["read"]),
        ("secret/metadata/apps/x", vec!["read"]),
        ("secret/delete/apps/x", vec!["update"]),
        ("secret/undelete/apps/x", vec!["update"]),
        ("secret/destroy/apps/x", vec!["deny"]),
    ]
    .into_iter()
    .map(|(p, c)| (p.to_string(), c.into_iter().map(String::from).collect()))
    .collect();
    reply(
        &mut app,
        &f[1].0,
        KvReply::Capabilities {
            paths: vec![],
            result: Ok(caps),
        },
    );
    for k in ['X', 'D', 'e'] {
        app.update(key(k));
        assert!(app.gate.pending().is_none(), "{k}");
        assert_eq!(screen(&app).pane, Pane::List);
    }
    app.update(code(KeyCode::Delete));
    assert!(matches!(pending(&app), KvMutation::Delete { .. }));
}

#[test]
fn settings_form_validates_and_writes_only_what_changed() {
    let mut app = opened();
    app.update(key('e'));
    assert!(matches!(screen(&app).pane, Pane::Settings(_)));
    // Typing goes to the form: j is a letter here, not "down".
    app.update(code(KeyCode::Backspace));
    type_str(&mut app, "5");
    app.update(code(KeyCode::Down)); // check-and-set
    app.update(key(' '));
    app.update(code(KeyCode::Down)); // delete after
    backspaces(&mut app, 2);
    type_str(&mut app, "soon");
    assert!(app.update(code(KeyCode::Enter)).is_empty());
    let Pane::Settings(f) = &screen(&app).pane else {
        panic!("the form closed on an invalid duration")
    };
    assert!(
        f.error.as_deref().is_some_and(|e| e.contains("duration")),
        "{:?}",
        f.error
    );
    backspaces(&mut app, 4);
    type_str(&mut app, "30m");
    app.update(code(KeyCode::Tab)); // custom metadata, first line
    type_str(&mut app, "owner=team-j");
    app.update(code(KeyCode::Down));
    app.update(Msg::Paste("env=prod".into()));
    app.update(code(KeyCode::Enter));
    assert_eq!(screen(&app).pane, Pane::List);
    assert_eq!(
        pending(&app),
        KvMutation::WriteMetadata {
            addr: A.into(),
            mount: "secret/".into(),
            path: "apps/x".into(),
            update: MetadataUpdate {
                max_versions: Some(5),
                cas_required: Some(true),
                delete_version_after: Some("30m".into()),
                custom_metadata: Some(
                    [("env", "prod"), ("owner", "team-j")]
                        .into_iter()
                        .map(|(k, v)| (k.to_string(), v.to_string()))
                        .collect()
                ),
            }
        }
    );
    let t = confirm(&mut app, None);
    metadata_fetched(&done(
        &mut app,
        &t,
        "change settings of secret/apps/x",
        WriteResult::Done,
    ));
    // Nothing changed: nothing to write.
    app.update(key('e'));
    app.update(code(KeyCode::Enter));
    assert!(app.gate.pending().is_none());
    assert!(
        app.toasts
            .iter()
            .any(|t| t.text.contains("nothing to write"))
    );
    // esc leaves the form without writing.
    app.update(key('e'));
    type_str(&mut app, "9");
    app.update(code(KeyCode::Esc));
    assert_eq!(screen(&app).pane, Pane::List);
    assert!(app.gate.pending().is_none());
}
