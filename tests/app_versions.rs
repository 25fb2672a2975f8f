//! Update-flow tests of the versions screen, reading: `:versions` finds the mount, the list,
//! a version's names with values read only on reveal and dropped on leaving, late replies, the
//! diff (names first, values on request). No terminal, no server.
// Test crate: helpers outside #[test] fns fail the test with a message via expect.
#![allow(clippy::expect_used, clippy::panic)]

mod versions_support;

use crossterm::event::KeyCode;
use pretty_assertions::assert_eq;

use strongroom::command::Request;
use strongroom::event::Msg;
use strongroom::remote::Remote;
use strongroom::reply::Reply;
use strongroom::ui::screens::versions::Pane;
use strongroom::vault::VaultError;
use strongroom::vault::kv_area::{KvReply, KvRequest};
use strongroom::vault::models::kv::KvVersion;
use strongroom::vault::models::kv_diff::Change;
use strongroom::vault::models::kv_secret::SecretData;
use strongroom::vault::models::mounts::{Mount, MountKind, MountList, MountSource};
use strongroom::vault::mounts::{MountsReply, MountsRequest};
use versions_support::*;

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

#[test]
fn help_lists_the_versions_keys_from_the_keymap() {
    let mut app = opened();
    app.update(key('?'));
    let text: String = strongroom::ui::help::lines(&app)
        .iter()
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(text.contains("Secret versions"), "{text}");
    for a in [
        strongroom::action::Action::ShowValue,
        strongroom::action::Action::DestroyVersions,
        strongroom::action::Action::EditSettings,
    ] {
        assert!(text.contains(a.description()), "{text}");
    }
}

#[test]
fn y_copies_the_bao_command_of_the_selected_version() {
    use secrecy::ExposeSecret;
    use strongroom::command::Command;
    let mut app = opened();
    app.update(code(KeyCode::Down));
    let cmds = app.update(key('y'));
    let copied: Vec<String> = cmds
        .iter()
        .filter_map(|c| match c {
            Command::Copy { text, .. } => Some(text.0.expose_secret().to_string()),
            _ => None,
        })
        .collect();
    assert_eq!(copied, ["bao kv get -mount=secret -version=3 apps/x"]);
}
