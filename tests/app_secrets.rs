//! Update-flow tests of the KV browser and the secret view: `:cd` resolves a path first, folders
//! stack up and `esc` comes back with the cursor kept, browsing never reads a value, a reveal is
//! one read of which only the revealed field is kept, masking drops values (also one still on
//! its way), copies hand the value to the clipboard effect, deletes go through the gate and the
//! outcome comes back to the view. No terminal, no server.
#![allow(clippy::expect_used)]

use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use secrecy::ExposeSecret;

use strongroom::app::{App, AppInit, Mode};
use strongroom::cluster::ClusterState;
use strongroom::command::{Command, Origin, Request, ScreenKind, Ticket};
use strongroom::config::ConnectionProfile;
use strongroom::event::Msg;
use strongroom::keymap::Keymap;
use strongroom::reply::{ItemResult, Reply, WriteOutcome, WriteResult};
use strongroom::theme::ThemeRegistry;
use strongroom::ui::screens::secrets::SecretView;
use strongroom::ui::screens::{Effect, Screen, ScreenCtx};
use strongroom::vault::VaultError;
use strongroom::vault::kv_area::{KvReply, KvRequest, OpenAs, Resolved};
use strongroom::vault::models::kv::KvVersion;
use strongroom::vault::models::kv_secret::{
    KvMetadata, SecretData, SecretField, SecretFields, Subkeys,
};
use strongroom::write_gate::kv::KvMutation;
use strongroom::write_gate::{Mutation, Write};

const A: &str = "http://127.0.0.1:8210";

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
    app
}

fn key(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

fn code(c: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(c, KeyModifiers::NONE))
}

fn run(app: &mut App, line: &str) -> Vec<Command> {
    let mut cmds = app.update(key(':'));
    for c in line.chars() {
        cmds.extend(app.update(key(c)));
    }
    cmds.extend(app.update(code(KeyCode::Enter)));
    cmds
}

/// The KV requests among the commands, with their tickets.
fn kv_fetches(cmds: &[Command]) -> Vec<(Ticket, KvRequest)> {
    cmds.iter()
        .filter_map(|c| match c {
            Command::Fetch {
                ticket,
                request: Request::Kv(r),
            } => Some((ticket.clone(), r.clone())),
            _ => None,
        })
        .collect()
}

fn reply(app: &mut App, ticket: &Ticket, r: KvReply) -> Vec<Command> {
    app.update(Msg::Vault {
        ticket: ticket.clone(),
        reply: Reply::Kv(r),
    })
}

fn fields(pairs: &[(&str, &str)]) -> SecretFields {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), SecretField::text(*v)))
        .collect()
}

fn view(app: &App) -> &SecretView {
    match app.screen() {
        Screen::Secret(v) => v,
        other => panic!("not on a secret: {}", other.title()),
    }
}

#[test]
fn browse_reveal_mask_and_delete() {
    let mut app = app();
    // `:cd` asks where the path lives, then opens the folder.
    let cmds = run(&mut app, "cd secret/apps/");
    let f = kv_fetches(&cmds);
    let [(t, KvRequest::Resolve { path, then, .. })] = f.as_slice() else {
        panic!("{cmds:?}")
    };
    assert_eq!((path.as_str(), *then), ("secret/apps/", OpenAs::Browse));
    assert_eq!(t.key.origin, Origin::CommandLine);
    let cmds = reply(
        &mut app,
        t,
        KvReply::Resolved {
            then: OpenAs::Browse,
            result: Ok(Resolved {
                mount: "secret/".into(),
                kv: KvVersion::V2,
                path: "apps/".into(),
            }),
        },
    );
    let f = kv_fetches(&cmds);
    let [(list_t, KvRequest::List { folder, .. })] = f.as_slice() else {
        panic!("{cmds:?}")
    };
    assert_eq!(folder, "apps/");
    assert_eq!(list_t.key.origin, Origin::Screen(ScreenKind::Secrets));
    reply(
        &mut app,
        list_t,
        KvReply::List {
            mount: "secret/".into(),
            folder: "apps/".into(),
            result: Ok(vec!["db".into(), "team/".into()]),
        },
    );
    // Into `team/`; its listing is denied; esc comes back with `team/` still selected.
    app.update(key('j'));
    let cmds = app.update(code(KeyCode::Enter));
    let f = kv_fetches(&cmds);
    let [(team_t, KvRequest::List { folder, .. })] = f.as_slice() else {
        panic!("{cmds:?}")
    };
    assert_eq!(folder, "apps/team/");
    reply(
        &mut app,
        team_t,
        KvReply::List {
            mount: "secret/".into(),
            folder: "apps/team/".into(),
            result: Err(VaultError::PermissionDenied { errors: vec![] }),
        },
    );
    assert!(matches!(app.screen(), Screen::Secrets(s) if s.selected_key().is_none()));
    app.update(code(KeyCode::Esc));
    let Screen::Secrets(s) = app.screen() else {
        panic!("back in apps/")
    };
    assert_eq!(s.selected_key(), Some("team/"));

    // Open `db`: capabilities, subkeys and metadata; no read of the values.
    app.update(key('k'));
    let cmds = app.update(code(KeyCode::Enter));
    let fetches = kv_fetches(&cmds);
    assert_eq!(fetches.len(), 3, "{fetches:?}");
    assert!(
        fetches
            .iter()
            .all(|(_, r)| !matches!(r, KvRequest::Read { .. })),
        "browsing reads no value"
    );
    for (t, r) in &fetches {
        let r = match r {
            KvRequest::Subkeys { path, .. } => KvReply::Subkeys {
                path: path.clone(),
                result: Ok(Subkeys::from_tree(
                    &serde_json::json!({"password": null, "user": null}),
                    None,
                )),
            },
            KvRequest::Metadata { path, .. } => KvReply::Metadata {
                path: path.clone(),
                result: Ok(KvMetadata {
                    current_version: 3,
                    ..KvMetadata::default()
                }),
            },
            KvRequest::Capabilities { paths, .. } => KvReply::Capabilities {
                paths: paths.clone(),
                result: Ok([(paths[0].clone(), vec!["root".to_string()])].into()),
            },
            other => panic!("{other:?}"),
        };
        reply(&mut app, t, r);
    }
    assert_eq!(view(&app).names().len(), 2);

    // Reveal the selected field: one read; only that field is kept.
    let cmds = app.update(key('r'));
    let f = kv_fetches(&cmds);
    let [(read_t, KvRequest::Read { tag, version, .. })] = f.as_slice() else {
        panic!("{cmds:?}")
    };
    assert_eq!((tag.as_str(), *version), ("reveal:password", None));
    let data = SecretData {
        fields: fields(&[("password", "hunter2"), ("user", "app")]),
        version: None,
    };
    reply(
        &mut app,
        read_t,
        KvReply::Read {
            path: "apps/db".into(),
            version: None,
            tag: tag.clone(),
            result: Ok(data.clone()),
        },
    );
    let revealed: Vec<&String> = view(&app).revealed.keys().collect();
    assert_eq!(revealed, ["password"]);
    // `m` masks again; a reveal-all still on its way is dropped when it comes.
    app.update(key('m'));
    assert!(view(&app).revealed.is_empty());
    let cmds = app.update(key('R'));
    let f = kv_fetches(&cmds);
    let [(all_t, KvRequest::Read { tag, .. })] = f.as_slice() else {
        panic!("{cmds:?}")
    };
    app.update(key('m'));
    reply(
        &mut app,
        all_t,
        KvReply::Read {
            path: "apps/db".into(),
            version: None,
            tag: tag.clone(),
            result: Ok(data),
        },
    );
    assert!(
        view(&app).revealed.is_empty(),
        "masked before the answer came"
    );

    // Delete the newest version: through the gate, then the view loads again.
    let cmds = app.update(key('d'));
    assert!(cmds.is_empty(), "{cmds:?}");
    assert_eq!(app.mode, Mode::Confirm);
    let cmds = app.update(key('y'));
    let [Command::Write { ticket, write }] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    assert_eq!(
        write,
        &Write::One(Mutation::Kv(KvMutation::Delete {
            addr: A.into(),
            mount: "secret/".into(),
            kv: KvVersion::V2,
            path: "apps/db".into(),
            versions: vec![3],
        }))
    );
    let cmds = app.update(Msg::Vault {
        ticket: ticket.clone(),
        reply: Reply::Write(WriteOutcome {
            summary: "delete v3 of secret/apps/db".into(),
            items: vec![ItemResult {
                item: "secret/apps/db".into(),
                result: Ok(WriteResult::Done),
            }],
        }),
    });
    assert_eq!(kv_fetches(&cmds).len(), 3, "the view reloads: {cmds:?}");

    // Read-only mode refuses the delete before any dialog.
    run(&mut app, "readonly");
    let cmds = app.update(key('d'));
    assert!(cmds.is_empty());
    assert_eq!(app.mode, Mode::Normal);
}

#[test]
fn copies_hand_the_value_to_the_clipboard_and_keep_nothing() {
    let cluster = ClusterState::new(&[A.to_string()]);
    let ctx = ScreenCtx {
        cluster: &cluster,
        now: t0(),
        body: ratatui::layout::Rect::new(0, 1, 100, 28),
        namespace: Some("team-a"),
    };
    let mut v = SecretView::new("secret/", KvVersion::V2, "apps/db");
    v.subkeys.succeed(
        Subkeys::from_tree(&serde_json::json!({"db-pass": null}), None),
        t0(),
    );
    let data = || SecretData {
        fields: fields(&[("db-pass", "s3 cret")]),
        version: None,
    };
    for (action, tag, expect) in [
        (
            strongroom::action::Action::CopyValue,
            "copy:db-pass",
            "s3 cret",
        ),
        (
            strongroom::action::Action::CopyEnv,
            "copy-env",
            "DB_PASS='s3 cret'\n",
        ),
    ] {
        let effects = v.on_action(action, &ctx).expect("handled");
        let [
            Effect::Fetch {
                request: Request::Kv(KvRequest::Read { tag: t, .. }),
                ..
            },
        ] = effects.as_slice()
        else {
            panic!("{effects:?}")
        };
        assert_eq!(t, tag);
        let out = v.on_reply(
            Reply::Kv(KvReply::Read {
                path: "apps/db".into(),
                version: None,
                tag: tag.into(),
                result: Ok(data()),
            }),
            &ctx,
        );
        let [Effect::Copy { text, .. }] = out.as_slice() else {
            panic!("{out:?}")
        };
        assert_eq!(text.0.expose_secret(), expect);
        assert!(v.revealed.is_empty(), "a copy reveals nothing");
    }
    // The `bao` command names the field and the namespace, never the value.
    let effects = v
        .on_action(strongroom::action::Action::CopyCli, &ctx)
        .expect("handled");
    let [Effect::Copy { text, .. }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert_eq!(
        text.0.expose_secret(),
        "bao kv get -namespace=team-a -mount=secret -field=db-pass apps/db"
    );
}

/// A screen opened on top of a secret (here by `:cd`) masks it: the revealed value is gone
/// when the user comes back.
#[test]
fn covering_a_secret_masks_it() {
    let mut app = app();
    let open = |app: &mut App, path: &str| {
        let cmds = run(app, &format!("cd secret/{path}"));
        let f = kv_fetches(&cmds);
        let [(t, KvRequest::Resolve { .. })] = f.as_slice() else {
            panic!("{cmds:?}")
        };
        reply(
            app,
            t,
            KvReply::Resolved {
                then: OpenAs::Browse,
                result: Ok(Resolved {
                    mount: "secret/".into(),
                    kv: KvVersion::V2,
                    path: path.into(),
                }),
            },
        )
    };
    let cmds = open(&mut app, "a");
    for (t, r) in kv_fetches(&cmds) {
        if let KvRequest::Subkeys { path, .. } = r {
            reply(
                &mut app,
                &t,
                KvReply::Subkeys {
                    path,
                    result: Ok(Subkeys::from_tree(&serde_json::json!({"k": null}), None)),
                },
            );
        }
    }
    let cmds = app.update(key('r'));
    let f = kv_fetches(&cmds);
    let [(t, KvRequest::Read { tag, .. })] = f.as_slice() else {
        panic!("{cmds:?}")
    };
    reply(
        &mut app,
        t,
        KvReply::Read {
            path: "a".into(),
            version: None,
            tag: tag.clone(),
            result: Ok(SecretData {
                fields: fields(&[("k", "v")]),
                version: None,
            }),
        },
    );
    assert_eq!(view(&app).revealed.len(), 1);
    open(&mut app, "b");
    assert_eq!(view(&app).path, "b");
    app.update(code(KeyCode::Esc));
    assert_eq!(view(&app).path, "a");
    assert!(view(&app).revealed.is_empty(), "masked when covered");
}
