//! Render snapshots of the KV browser (loading, listed, filtered, denied, failed, stale, empty, a
//! hostile name) and the secret view (masked, one value revealed, KV v1 before a reveal,
//! subkeys denied, newest version deleted, missing), at 100×30 and 60×16. The metadata and
//! subkeys are answers captured from a real OpenBao 2.7 dev server (tests/fixtures/kv/); the
//! only value shown is an obvious fixture.
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

use strongroom::ui::screens::Screen;
use strongroom::ui::screens::secrets::{Folder, Listing, SecretView, SecretsScreen};
use strongroom::vault::VaultError;
use strongroom::vault::models::kv::KvVersion;
use strongroom::vault::models::kv_secret::{KvMetadata, SecretField, Subkeys, VersionMeta};

fn render(screen: Screen, w: u16, h: u16) -> String {
    let app = app_with(screen);
    let mut term = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    term.draw(|f| strongroom::ui::draw(f, &app)).expect("draw");
    text(term.backend().buffer())
}

fn snap(name: &str, screen: Screen) {
    for (w, h) in [(100, 30), (60, 16)] {
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), render(screen.clone(), w, h));
    }
}

fn fixture(name: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(format!(
        "{}/tests/fixtures/kv/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("fixture");
    serde_json::from_str(&text).expect("a captured answer")
}

fn listed() -> SecretsScreen {
    let mut s = SecretsScreen::new("secret/", KvVersion::V2, "apps/payments/");
    s.set_listing(
        Folder::Listed(Listing::new(vec![
            "api/".into(),
            "db".into(),
            "legacy/".into(),
            "stripe-webhook".into(),
            "x\u{1b}[2Jevil".into(),
        ])),
        health_fixtures::now(),
    );
    s
}

#[test]
fn browser_states() {
    let mut loading = SecretsScreen::new("secret/", KvVersion::V2, "apps/");
    loading.listing.start_loading();
    snap("secrets_loading", Screen::Secrets(loading));
    snap("secrets_listed", Screen::Secrets(listed()));
    let mut filtered = listed();
    filtered.set_filter("st".into());
    snap("secrets_filtered", Screen::Secrets(filtered));
    let mut denied = SecretsScreen::new("secret/", KvVersion::V2, "restricted/");
    denied.set_listing(Folder::Denied, health_fixtures::now());
    snap("secrets_denied", Screen::Secrets(denied));
    let mut failed = SecretsScreen::new("kv1/", KvVersion::V1, "");
    failed.listing.fail(
        VaultError::Server {
            status: 500,
            errors: vec!["internal error".into()],
        },
        health_fixtures::now(),
    );
    snap("secrets_failed", Screen::Secrets(failed));
    let mut stale = listed();
    stale
        .listing
        .fail(VaultError::Timeout { secs: 5.0 }, health_fixtures::now());
    snap("secrets_stale", Screen::Secrets(stale));
    let mut empty = SecretsScreen::new("secret/", KvVersion::V2, "");
    empty.set_listing(Folder::Listed(Listing::new(vec![])), health_fixtures::now());
    snap("secrets_empty", Screen::Secrets(empty));
}

#[test]
fn a_big_folder_draws_its_window_and_position() {
    let keys: Vec<String> = (0..100_000).map(|i| format!("key-{i:06}")).collect();
    let mut s = SecretsScreen::new("secret/", KvVersion::V2, "big/");
    s.set_listing(Folder::Listed(Listing::new(keys)), health_fixtures::now());
    let t = render(Screen::Secrets(s), 100, 30);
    assert!(t.contains("key-000000"), "{t}");
    assert!(t.contains("of 100000"), "{t}");
}

fn view() -> SecretView {
    let mut v = SecretView::new("secret/", KvVersion::V2, "apps/payments/db");
    let meta: KvMetadata =
        serde_json::from_value(fixture("metadata.json")["data"].clone()).expect("metadata");
    let sub = fixture("subkeys.json");
    let version: VersionMeta =
        serde_json::from_value(sub["data"]["metadata"].clone()).expect("version");
    v.metadata.succeed(meta, health_fixtures::now());
    v.subkeys.succeed(
        Subkeys::from_tree(&sub["data"]["subkeys"], Some(version)),
        health_fixtures::now(),
    );
    v.caps.succeed(
        [
            (
                "secret/data/apps/payments/db".to_string(),
                vec!["read".to_string()],
            ),
            (
                "secret/metadata/apps/payments/db".to_string(),
                vec!["list".to_string(), "read".to_string()],
            ),
        ]
        .into(),
        health_fixtures::now(),
    );
    v
}

#[test]
fn secret_view_states() {
    let masked = view();
    let t = render(Screen::Secret(Box::new(masked.clone())), 100, 30);
    assert!(!t.contains("fixture-not-a-secret"), "{t}");
    snap("secret_masked", Screen::Secret(Box::new(masked)));

    let mut revealed = view();
    revealed.revealed.insert(
        "password".into(),
        SecretField::text("fixture-not-a-secret-3\u{1b}[31m"),
    );
    let t = render(Screen::Secret(Box::new(revealed.clone())), 100, 30);
    assert!(t.contains("fixture-not-a-secret-3"), "{t}");
    assert!(!t.contains('\u{1b}'));
    snap("secret_revealed", Screen::Secret(Box::new(revealed)));

    // A huge value and a binary-looking one: cut to the width, no control character drawn.
    let mut odd = view();
    odd.revealed
        .insert("password".into(), SecretField::text("A".repeat(1 << 20)));
    odd.revealed.insert(
        "username".into(),
        SecretField::text("\u{0}\u{7}\u{1b}]52;c;aGk=\u{7}bin\u{9b}2J\u{ff}"),
    );
    let t = render(Screen::Secret(Box::new(odd.clone())), 100, 30);
    assert!(!t.chars().any(|c| c.is_control() && c != '\n'), "{t:?}");
    snap("secret_odd_values", Screen::Secret(Box::new(odd)));

    let v1 = SecretView::new("kv1/", KvVersion::V1, "db/main");
    snap("secret_v1_masked", Screen::Secret(Box::new(v1)));

    let mut denied = SecretView::new("secret/", KvVersion::V2, "apps/x");
    denied.subkeys.fail(
        VaultError::PermissionDenied { errors: vec![] },
        health_fixtures::now(),
    );
    snap("secret_subkeys_denied", Screen::Secret(Box::new(denied)));

    let mut deleted = view();
    let mut version = VersionMeta {
        version: 3,
        deletion_time: "2026-01-01T00:00:00Z".into(),
        ..VersionMeta::default()
    };
    version.created_time = "2026-01-01T00:00:00Z".into();
    deleted.subkeys.succeed(
        Subkeys {
            keys: vec![],
            version: Some(version),
        },
        health_fixtures::now(),
    );
    snap("secret_newest_deleted", Screen::Secret(Box::new(deleted)));

    let mut missing = SecretView::new("secret/", KvVersion::V2, "nope");
    missing.subkeys.fail(
        VaultError::NotFound { errors: vec![] },
        health_fixtures::now(),
    );
    snap("secret_missing", Screen::Secret(Box::new(missing)));
}
