//! Render snapshots of the versions screen: the list (loading, ready, failed, stale), one
//! version masked and revealed, the diff by names, compared and revealed, and the settings
//! form, at 100×30 and 60×16. A masked value never shows its text; no snapshot holds the canary.
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
use std::collections::BTreeSet;

use ratatui::Terminal;
use ratatui::backend::TestBackend;

use strongroom::remote::Remote;
use strongroom::ui::screens::Screen;
use strongroom::ui::screens::versions::{
    DiffDetail, Pane, SettingsForm, Shown, VersionDetail, VersionsScreen,
};
use strongroom::vault::VaultError;
use strongroom::vault::models::kv_secret::{
    KvMetadata, SecretField, SecretFields, Subkeys, VersionMeta,
};

const CANARY: &str = "canary-render-7c2e";

/// Snapshot at both sizes; returns the 100×30 text.
fn snap(name: &str, s: VersionsScreen) -> String {
    let app = app_with(Screen::Versions(s));
    let mut big = String::new();
    for (w, h) in [(100, 30), (60, 16)] {
        let mut term = Terminal::new(TestBackend::new(w, h)).expect("terminal");
        term.draw(|f| strongroom::ui::draw(f, &app)).expect("draw");
        let t = text(term.backend().buffer());
        if w == 100 {
            big = t.clone();
        }
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), t);
    }
    big
}

fn version(n: u64, created: &str, deletion: &str, destroyed: bool) -> VersionMeta {
    VersionMeta {
        version: n,
        created_time: created.into(),
        deletion_time: deletion.into(),
        destroyed,
        custom_metadata: Default::default(),
    }
}

fn metadata() -> KvMetadata {
    KvMetadata {
        cas_required: true,
        created_time: "2026-11-23T05:00:00.123456Z".into(),
        updated_time: "2026-11-23T08:00:00Z".into(),
        current_version: 5,
        oldest_version: 1,
        max_versions: 10,
        delete_version_after: "720h0m0s".into(),
        custom_metadata: [("owner", "team-payments"), ("ticket", "\u{1b}[31mOPS-1")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        versions: [
            version(1, "2026-11-23T05:00:00.123456Z", "", true),
            version(2, "2026-11-23T06:00:00Z", "2026-11-23T06:30:00Z", false),
            version(3, "2026-11-23T07:00:00Z", "", false),
            version(4, "2026-11-23T07:30:00Z", "", false),
            version(5, "2026-11-23T08:00:00Z", "2099-01-01T00:00:00Z", false),
        ]
        .into_iter()
        .map(|v| (v.version, v))
        .collect(),
    }
}

fn base() -> VersionsScreen {
    VersionsScreen::new(
        "http://127.0.0.1:8200".into(),
        "secret/".into(),
        "apps/payments/api".into(),
    )
}

fn ready() -> VersionsScreen {
    let mut s = base();
    s.meta.succeed(metadata(), health_fixtures::now());
    s
}

fn names(v: u64, n: &[&str]) -> Remote<Subkeys> {
    let mut r = Remote::NotAsked;
    r.succeed(
        Subkeys {
            keys: n.iter().map(|k| (k.to_string(), false)).collect(),
            version: Some(version(v, "", "", false)),
        },
        health_fixtures::now(),
    );
    r
}

fn values(pairs: &[(&str, &str)]) -> Remote<SecretFields> {
    let mut r = Remote::NotAsked;
    r.succeed(
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), SecretField::text(*v)))
            .collect(),
        health_fixtures::now(),
    );
    r
}

#[test]
fn loading() {
    let mut s = base();
    s.meta.start_loading();
    snap("versions_loading", s);
}

#[test]
fn ready_with_marks() {
    let mut s = ready();
    s.marked.insert(3);
    s.marked.insert(4);
    let t = snap("versions_ready", s);
    assert!(!t.contains('\u{1b}'));
}

#[test]
fn failed_without_data() {
    let mut s = base();
    s.meta.fail(
        VaultError::PermissionDenied {
            errors: vec!["\u{1b}[2Jpermission denied".into()],
        },
        health_fixtures::now(),
    );
    snap("versions_failed", s);
}

#[test]
fn failed_with_stale_data() {
    let mut s = ready();
    s.meta.fail(
        VaultError::Timeout { secs: 5.0 },
        health_fixtures::now() + chrono::Duration::seconds(12),
    );
    snap("versions_stale", s);
}

fn detail(shown: Shown, vals: Remote<SecretFields>) -> VersionsScreen {
    let mut s = ready();
    s.pane = Pane::Version(Box::new(VersionDetail {
        version: 4,
        names: names(4, &["password", "port", "user"]),
        values: vals,
        shown,
        selected: 0,
    }));
    s
}

#[test]
fn a_version_masked() {
    let t = snap("version_masked", detail(Shown::None, Remote::NotAsked));
    assert!(t.contains("••••••••"));
}

#[test]
fn a_version_with_one_value_revealed() {
    let vals = values(&[
        ("password", CANARY),
        ("port", "5432"),
        ("user", "svc-payments"),
    ]);
    let shown = Shown::Some(BTreeSet::from(["user".to_string()]));
    let t = snap("version_revealed_one", detail(shown, vals));
    assert!(t.contains("svc-payments"));
    assert!(!t.contains(CANARY), "a masked value is drawn:\n{t}");
}

#[test]
fn a_version_all_revealed() {
    // Revealed values end up in the snapshot: never the canary.
    let vals = values(&[
        ("password", "hunter2-shown"),
        ("port", "5432"),
        ("user", "svc-payments"),
    ]);
    let t = snap("version_revealed_all", detail(Shown::All, vals));
    assert!(t.contains("hunter2-shown"));
}

#[test]
fn a_destroyed_version() {
    let mut s = ready();
    let mut n = Remote::NotAsked;
    n.succeed(
        Subkeys {
            keys: vec![],
            version: Some(version(1, "", "", true)),
        },
        health_fixtures::now(),
    );
    s.pane = Pane::Version(Box::new(VersionDetail {
        version: 1,
        names: n,
        values: Remote::NotAsked,
        shown: Shown::None,
        selected: 0,
    }));
    snap("version_destroyed", s);
}

fn diff(old_v: Remote<SecretFields>, new_v: Remote<SecretFields>, shown: Shown) -> VersionsScreen {
    let mut s = ready();
    s.pane = Pane::Diff(Box::new(DiffDetail {
        old: 3,
        new: 4,
        old_names: names(3, &["api_key", "password", "user"]),
        new_names: names(4, &["password", "port", "user"]),
        old_values: old_v,
        new_values: new_v,
        shown,
        selected: 1,
    }));
    s
}

#[test]
fn diff_by_names() {
    let t = snap(
        "diff_names",
        diff(Remote::NotAsked, Remote::NotAsked, Shown::None),
    );
    assert!(t.contains("in both"));
}

#[test]
fn diff_compared_masked() {
    let t = snap(
        "diff_masked",
        diff(
            values(&[("api_key", "k1"), ("password", "old-pass"), ("user", "svc")]),
            values(&[("password", CANARY), ("port", "5432"), ("user", "svc")]),
            Shown::None,
        ),
    );
    assert!(t.contains("changed"));
    assert!(!t.contains(CANARY) && !t.contains("old-pass"), "{t}");
}

#[test]
fn diff_compared_revealed() {
    let t = snap(
        "diff_revealed",
        diff(
            values(&[("api_key", "k1"), ("password", "old-pass"), ("user", "svc")]),
            values(&[("password", "new-pass"), ("port", "5432"), ("user", "svc")]),
            Shown::All,
        ),
    );
    assert!(t.contains("new-pass") && t.contains("old-pass"));
}

#[test]
fn settings_form() {
    let mut s = ready();
    let mut f = SettingsForm::new(&metadata());
    f.focus = 2;
    f.delete_after.set("soon");
    f.error = Some(
        "delete after must be a duration like 30m, 1h, 1h30m or 0s (off), not \"soon\"".into(),
    );
    s.pane = Pane::Settings(Box::new(f));
    snap("versions_settings", s);
}

#[test]
fn no_snapshot_holds_the_canary() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots");
    for e in std::fs::read_dir(dir).expect("snapshots") {
        let p = e.expect("entry").path();
        let text = std::fs::read_to_string(&p).unwrap_or_default();
        assert!(!text.contains(CANARY), "{} holds the canary", p.display());
    }
}

#[test]
fn actions_the_token_cannot_do_are_named() {
    let mut s = ready();
    for (kind, caps) in [
        ("data", vec!["read"]),
        ("metadata", vec!["read", "list"]),
        ("delete", vec!["update"]),
        ("undelete", vec!["update"]),
        ("destroy", vec!["deny"]),
    ] {
        s.caps.insert(
            format!("secret/{kind}/apps/payments/api"),
            caps.into_iter().map(String::from).collect(),
        );
    }
    let t = snap("versions_denied", s);
    assert!(
        t.contains("this token may not: rollback, destroy, delete all, settings"),
        "{t}"
    );
}

#[test]
fn diff_with_a_deleted_version() {
    let mut s = diff(Remote::NotAsked, Remote::NotAsked, Shown::None);
    if let Pane::Diff(d) = &mut s.pane {
        d.old = 2;
        d.old_names.succeed(
            Subkeys {
                keys: vec![],
                version: Some(version(2, "", "2026-11-23T06:30:00Z", false)),
            },
            health_fixtures::now(),
        );
    }
    let t = snap("diff_deleted", s);
    assert!(t.contains("v2 is deleted"), "{t}");
}
