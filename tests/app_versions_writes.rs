//! Update-flow tests of the versions screen, writing: rollback (check-and-set), delete,
//! undelete and destroy of marked versions as one write, delete-all, capabilities, the settings
//! form; each write through the gate, the metadata read again after it. No terminal, no server.
// Test crate: helpers outside #[test] fns fail the test with a message via expect.
#![allow(clippy::expect_used, clippy::panic)]

mod versions_support;

use crossterm::event::KeyCode;
use pretty_assertions::assert_eq;

use strongroom::app::Mode;
use strongroom::event::Msg;
use strongroom::remote::Remote;
use strongroom::reply::WriteResult;
use strongroom::ui::screens::versions::{Pane, versions_screen};
use strongroom::vault::VaultError;
use strongroom::vault::kv_area::KvReply;
use strongroom::vault::models::kv::KvVersion;
use strongroom::vault::models::kv_secret::MetadataUpdate;
use strongroom::write_gate::kv::KvMutation;
use versions_support::*;

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

#[test]
fn a_write_from_a_shown_version_acts_on_it_and_drops_its_values() {
    use strongroom::vault::kv_area::KvRequest;
    use strongroom::vault::models::kv_secret::SecretData;
    let mut app = opened();
    app.update(key('j')); // v3
    app.update(key('j')); // v2
    app.update(key('j')); // v1
    let f = kv_fetch(&app.update(code(KeyCode::Enter)));
    reply(
        &mut app,
        &f[0].0,
        KvReply::Subkeys {
            path: "apps/x".into(),
            result: Ok(subkeys(1, &["password"])),
        },
    );
    let f = kv_fetch(&app.update(key('R')));
    assert!(matches!(f[..], [(_, KvRequest::Read { .. })]));
    reply(
        &mut app,
        &f[0].0,
        KvReply::Read {
            path: "apps/x".into(),
            version: Some(1),
            tag: "version".into(),
            result: Ok(SecretData {
                fields: fields(&[("password", CANARY)]),
                version: None,
            }),
        },
    );
    app.update(key('X'));
    assert!(matches!(pending(&app), KvMutation::Destroy { versions, .. } if versions == [1]));
    assert_eq!(screen(&app).pane, Pane::List);
    assert!(!format!("{:?}", app.screens).contains(CANARY));
}
