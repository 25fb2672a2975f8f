//! Render snapshots of the secret editor at 100×30 and 60×16: JSON and key=value forms, a parse
//! error, the "discard?" question, the conflict view (names and kinds, values masked), loading,
//! a missing secret, and hostile input (a name with escape sequences, binary-looking values).
//! Every value is obviously fake; the snapshots never hold a control character.
// Test crate: helpers outside #[test] fns fail the test with a message via expect.
#![allow(clippy::expect_used)]

#[path = "common/health_fixtures.rs"]
mod health_fixtures;

#[path = "common/render_app.rs"]
mod render_app;
#[path = "common/screen_text.rs"]
mod screen_text;

use render_app::app_with;
use screen_text::text;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use secrecy::SecretString;

use strongroom::action::Action;
use strongroom::reply::{ItemResult, Reply, WriteOutcome};
use strongroom::ui::screens::Screen;
use strongroom::ui::screens::editor::{EditorScreen, edit_screen, new_screen};
use strongroom::vault::VaultError;
use strongroom::vault::kv_area::KvReply;
use strongroom::vault::models::kv::KvVersion;
use strongroom::vault::models::kv_secret::{SecretData, SecretField, VersionMeta};

const ADDR: &str = "http://127.0.0.1:8200";

fn snap(name: &str, screen: EditorScreen) {
    let app = app_with(Screen::Editor(Box::new(screen)));
    for (w, h) in [(100, 30), (60, 16)] {
        let mut term = Terminal::new(TestBackend::new(w, h)).expect("terminal");
        term.draw(|f| strongroom::ui::draw(f, &app)).expect("draw");
        let t = text(term.backend().buffer());
        assert!(!t.chars().any(|c| c != '\n' && c.is_control()), "{t}");
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), t);
    }
}

fn unboxed(s: Screen) -> EditorScreen {
    match s {
        Screen::Editor(e) => *e,
        _ => unreachable!(),
    }
}

fn field(v: &str, json: bool) -> SecretField {
    SecretField {
        value: SecretString::from(v.to_string()),
        json,
    }
}

fn read(tag: &str, pairs: &[(&str, SecretField)], version: u64) -> Reply {
    Reply::Kv(KvReply::Read {
        path: "apps/db".into(),
        version: None,
        tag: tag.into(),
        result: Ok(SecretData {
            fields: pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
            version: Some(VersionMeta {
                version,
                ..VersionMeta::default()
            }),
        }),
    })
}

/// The editor on secret/apps/db v3 with fake values.
fn loaded() -> EditorScreen {
    let mut s = unboxed(edit_screen(
        ADDR.into(),
        "secret".into(),
        KvVersion::V2,
        "apps/db".into(),
    ));
    let _ = s.on_open();
    let _ = s.on_reply(read(
        "edit",
        &[
            ("username", field("fake-user", false)),
            ("password", field("fake-password-123", false)),
            ("port", field("5432", true)),
            (
                "url",
                field("postgres://fake-host/db?sslmode=require", false),
            ),
            ("note", field("line one\nline two", false)),
        ],
        3,
    ));
    s
}

#[test]
fn json_form() {
    snap("editor_json", loaded());
}

#[test]
fn key_value_form() {
    let mut s = loaded();
    s.on_action(Action::ToggleFormat);
    snap("editor_key_value", s);
}

#[test]
fn parse_error() {
    let mut s = loaded();
    s.on_action(Action::ToggleFormat);
    s.buffer.replace(vec![
        "username=fake-user".into(),
        "a line without an equals sign".into(),
    ]);
    s.on_action(Action::Save);
    assert!(s.error.is_some());
    snap("editor_parse_error", s);
}

#[test]
fn discard_question() {
    let mut s = loaded();
    s.dirty = true;
    s.on_action(Action::Back);
    snap("editor_discard", s);
}

#[test]
fn conflict_view() {
    let mut s = loaded();
    s.buffer.replace(vec![
        "{".into(),
        r#"  "username": "fake-user-mine","#.into(),
        r#"  "password": "fake-password-123","#.into(),
        r#"  "added": "fake-added""#.into(),
        "}".into(),
    ]);
    let effects = s.on_action(Action::Save).expect("save");
    assert_eq!(effects.len(), 1);
    let _ = s.on_write(WriteOutcome {
        summary: "write secret/apps/db".into(),
        items: vec![ItemResult {
            item: "secret/apps/db".into(),
            result: Err(VaultError::Http {
                status: 400,
                errors: vec!["check-and-set parameter did not match the current version".into()],
            }),
        }],
    });
    snap("editor_conflict_loading", s.clone());
    let _ = s.on_reply(read(
        "edit conflict",
        &[
            ("username", field("fake-user-theirs", false)),
            ("password", field("fake-password-123", false)),
            ("port", field("6543", true)),
            ("note", field("line one\nline two", false)),
            ("extra", field("fake-extra", false)),
        ],
        4,
    ));
    snap("editor_conflict", s);
}

#[test]
fn loading_and_not_found() {
    let mut s = unboxed(edit_screen(
        ADDR.into(),
        "secret".into(),
        KvVersion::V2,
        "apps/db".into(),
    ));
    let _ = s.on_open();
    snap("editor_loading", s.clone());
    let _ = s.on_reply(Reply::Kv(KvReply::Read {
        path: "apps/db".into(),
        version: None,
        tag: "edit".into(),
        result: Err(VaultError::NotFound { errors: vec![] }),
    }));
    snap("editor_not_found", s);
}

#[test]
fn new_secret() {
    snap(
        "editor_new",
        unboxed(new_screen(
            ADDR.into(),
            "secret".into(),
            KvVersion::V2,
            "apps/new".into(),
        )),
    );
}

#[test]
fn hostile_name_and_binary_values_are_drawn_safely() {
    let mut s = unboxed(edit_screen(
        ADDR.into(),
        "secret".into(),
        KvVersion::V2,
        "apps/\x1b]0;pwned\x07x\x1b[2J".into(),
    ));
    let _ = s.on_reply(read(
        "edit",
        &[
            (
                "bin",
                field("\u{0}\u{1}\x1b[31mred\u{7f}\u{9b}\u{202e}fake", false),
            ),
            ("esc\x1b[1mkey", field("fake", false)),
            ("tab", field("a\tb", false)),
        ],
        1,
    ));
    snap("editor_hostile_json", s.clone());
    s.on_action(Action::ToggleFormat);
    snap("editor_hostile_key_value", s);
}
