//! Render snapshots of the tokens screen at 100×30 and 60×16 from fixture `TokenInfo`s and the
//! fixed clock: loading (first batches in), ready (own token and marks shown, TTLs counted down
//! from `expire_time` at `now`), filtered, a filter error, failed with stale data, the bulk
//! revoke dialog, the revoke-by-value form (masked) and the revoke result table.
// Test crate: helpers outside #[test] fns fail the test with a message via expect.
#![allow(clippy::expect_used)]

#[path = "common/health_fixtures.rs"]
mod health_fixtures;

#[path = "common/render_app.rs"]
mod render_app;
#[path = "common/screen_text.rs"]
mod screen_text;

use chrono::Duration;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use render_app::app_with;
use screen_text::text;
use strongroom::ui::screens::Screen;
use strongroom::ui::screens::tokens::{
    ByValueForm, RevokeDialog, RevokeResults, RevokeRow, RowOutcome, TokensScreen,
};
use strongroom::vault::VaultError;
use strongroom::vault::inventory::InventoryProgress;
use strongroom::vault::models::tokens::TokenInfo;

fn token(
    acc: &str,
    name: &str,
    policies: &[&str],
    path: &str,
    ttl: Option<i64>,
    orphan: bool,
) -> TokenInfo {
    let now = health_fixtures::now();
    serde_json::from_value(serde_json::json!({
        "accessor": acc, "display_name": name, "policies": policies, "path": path,
        "creation_time": (now - Duration::hours(30)).timestamp(),
        "issue_time": (now - Duration::hours(30)).to_rfc3339(),
        "expire_time": ttl.map(|s| (now + Duration::seconds(s)).to_rfc3339()),
        "explicit_max_ttl": if orphan { 0 } else { 86_400 },
        "orphan": orphan, "renewable": ttl.is_some(), "num_uses": if orphan { 0 } else { 5 },
        "entity_id": if orphan { "" } else { "8c1e5b2a-0d4e-4a8f-9a51-2b7c0f6e1d33" },
        "meta": {"team": "payments"}, "type": "service",
    }))
    .expect("fixture token")
}

fn fixture() -> Vec<TokenInfo> {
    vec![
        token(
            "AccRoot0000000000000000a",
            "root",
            &["root"],
            "auth/token/root",
            None,
            true,
        ),
        token(
            "AccCiA000000000000000001",
            "token-ci-a",
            &["ci-deployer", "default"],
            "auth/token/create",
            Some(3_540),
            false,
        ),
        token(
            "AccCiB000000000000000002",
            "token-ci-b",
            &["ci-deployer"],
            "auth/token/create/deployer",
            Some(172_800),
            false,
        ),
        token(
            "AccOps000000000000000003",
            "token-ops-long",
            &["ops"],
            "auth/token/create-orphan",
            Some(900_000),
            true,
        ),
        token(
            "AccApp000000000000000004",
            "approle",
            &["payments-api"],
            "auth/approle/login",
            Some(45),
            false,
        ),
    ]
}

fn ready() -> TokensScreen {
    let mut s = TokensScreen::default();
    s.tokens.succeed(fixture(), health_fixtures::now());
    s.own_accessor = Some("AccRoot0000000000000000a".into());
    s.progress = InventoryProgress {
        listed: 1,
        found: 5,
        loaded: 5,
        ..InventoryProgress::default()
    };
    s
}

fn snap(name: &str, s: TokensScreen) {
    let app = app_with(Screen::Tokens(Box::new(s)));
    for (w, h) in [(100, 30), (60, 16)] {
        let mut term = Terminal::new(TestBackend::new(w, h)).expect("terminal");
        term.draw(|f| strongroom::ui::draw(f, &app)).expect("draw");
        let t = text(term.backend().buffer());
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), t);
    }
}

#[test]
fn loading_shows_the_first_batches_and_progress() {
    let mut s = TokensScreen::default();
    s.tokens.start_loading();
    s.incoming = fixture().into_iter().take(2).collect();
    s.progress = InventoryProgress {
        listed: 1,
        found: 5,
        loaded: 2,
        ..InventoryProgress::default()
    };
    snap("tokens_loading", s);
}

#[test]
fn ready_marks_the_own_token_and_marked_ones() {
    let mut s = ready();
    s.marked.insert("AccCiA000000000000000001".into());
    snap("tokens_ready", s);
}

#[test]
fn filtered_by_policy_and_long_ttl() {
    let mut s = ready();
    s.set_filter("policy=ci-* ttl>24h".into());
    assert_eq!(s.visible(health_fixtures::now()).len(), 1);
    snap("tokens_filtered", s);
}

#[test]
fn a_filter_error_is_shown_plainly() {
    let mut s = ready();
    s.set_filter("colour=red".into());
    snap("tokens_filter_error", s);
}

#[test]
fn failed_keeps_the_stale_list() {
    let mut s = ready();
    s.tokens.start_loading();
    s.tokens.fail(
        VaultError::Http {
            status: 403,
            errors: vec!["permission denied".into()],
        },
        health_fixtures::now() + Duration::seconds(90),
    );
    snap("tokens_failed_stale", s);
}

#[test]
fn the_bulk_revoke_dialog_says_accessors_take_the_tree() {
    let mut s = ready();
    s.dialog = Some(RevokeDialog {
        items: fixture()
            .iter()
            .map(|t| (t.accessor.clone(), t.display_name.clone()))
            .collect(),
        own_in_set: true,
        include_own: false,
    });
    snap("tokens_dialog", s);
}

#[test]
fn the_revoke_by_value_form_never_shows_the_value() {
    let mut s = ready();
    let mut f = ByValueForm {
        orphan: true,
        ..ByValueForm::default()
    };
    f.input.0.paste("s.CanaryTokenValue123");
    s.by_value = Some(f);
    let app = app_with(Screen::Tokens(Box::new(s)));
    let mut term = Terminal::new(TestBackend::new(100, 30)).expect("terminal");
    term.draw(|f| strongroom::ui::draw(f, &app)).expect("draw");
    let t = text(term.backend().buffer());
    assert!(!t.contains("Canary"), "{t}");
    insta::assert_snapshot!("tokens_by_value_100x30", t);
}

#[test]
fn the_result_table_of_a_bulk_revoke() {
    let mut s = ready();
    s.results = Some(RevokeResults {
        rows: vec![
            RevokeRow {
                accessor: "AccCiA000000000000000001".into(),
                name: "token-ci-a".into(),
                outcome: RowOutcome::Revoked,
            },
            RevokeRow {
                accessor: "AccCiB000000000000000002".into(),
                name: "token-ci-b".into(),
                outcome: RowOutcome::AlreadyGone,
            },
            RevokeRow {
                accessor: "AccOps000000000000000003".into(),
                name: "token-ops-long".into(),
                outcome: RowOutcome::Failed("permission denied".into()),
            },
        ],
        selected: 0,
    });
    snap("tokens_results", s);
}
