//! Render snapshots of the leases screen in each state (loading with progress and the rows so
//! far, ready, failed with stale data, empty) at 100×30 and 60×16, from fixture leases at the
//! fixed clock.
// Test crate: helpers outside #[test] fns fail the test with a message via expect.
#![allow(clippy::expect_used)]

#[path = "common/health_fixtures.rs"]
mod health_fixtures;

#[path = "common/screen_text.rs"]
mod screen_text;

mod leases_fixture;

use leases_fixture::{app, fixture, now};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use screen_text::text;

use strongroom::ui::screens::Screen;
use strongroom::ui::screens::leases::{Focus, LeasesScreen, Phase};
use strongroom::vault::VaultError;
use strongroom::vault::inventory::InventoryProgress;

fn snap(name: &str, screen: LeasesScreen) {
    let mut app = app();
    app.push_screen(Screen::Leases(Box::new(screen)));
    for (w, h) in [(100, 30), (60, 16)] {
        let mut term = Terminal::new(TestBackend::new(w, h)).expect("terminal");
        term.draw(|f| strongroom::ui::draw(f, &app)).expect("draw");
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), text(term.backend().buffer()));
    }
}

#[test]
fn render_loading() {
    let mut s = LeasesScreen::new("");
    s.add_leases(fixture()[..3].to_vec());
    s.progress = InventoryProgress {
        listed: 5,
        found: 1204,
        loaded: 3,
        gone: 1,
        failed: 0,
    };
    snap("leases_loading", s);
}

#[test]
fn render_ready() {
    let mut s = LeasesScreen::with_leases("", fixture(), now() - chrono::Duration::seconds(12));
    // The database prefix's leases, the second one selected.
    for _ in 0..9 {
        s.on_action(strongroom::action::Action::Down, &ctx_none());
    }
    assert_eq!(s.selected_prefix(), "database/creds/readonly/");
    s.focus = Focus::Leases;
    s.on_action(strongroom::action::Action::Down, &ctx_none());
    snap("leases_ready", s);
}

#[test]
fn render_failed_with_stale_data() {
    let mut s = LeasesScreen::with_leases(
        "auth/",
        fixture()[..3].to_vec(),
        now() - chrono::Duration::minutes(2),
    );
    s.phase = Phase::Failed(VaultError::PermissionDenied {
        errors: vec!["1 error occurred:\n\t* permission denied\n\n".into()],
    });
    snap("leases_failed_stale", s);
}

#[test]
fn render_empty() {
    let s = LeasesScreen::with_leases("database/", Vec::new(), now());
    snap("leases_empty", s);
}

fn ctx_none() -> strongroom::ui::screens::ScreenCtx<'static> {
    static CLUSTER: std::sync::LazyLock<strongroom::cluster::ClusterState> =
        std::sync::LazyLock::new(health_fixtures::healthy_cluster);
    strongroom::ui::screens::ScreenCtx {
        cluster: &CLUSTER,
        now: now(),
        body: ratatui::layout::Rect::new(0, 0, 100, 30),
        namespace: None,
    }
}

#[test]
fn hostile_lease_ids_are_sanitised_when_drawn() {
    let mut leases = fixture();
    leases.push(leases_fixture::lease(
        "auth/evil\u{1b}]52;c;aGk=\u{7}/x\u{1b}[2J",
        Some(60),
        true,
    ));
    let s = LeasesScreen::with_leases("", leases, now());
    let mut app = app();
    app.push_screen(Screen::Leases(Box::new(s)));
    let mut term = Terminal::new(TestBackend::new(100, 30)).expect("terminal");
    term.draw(|f| strongroom::ui::draw(f, &app)).expect("draw");
    let shown = text(term.backend().buffer());
    assert!(
        !shown.contains('\u{1b}') && !shown.contains('\u{7}'),
        "{shown}"
    );
    assert!(shown.contains("evil"), "{shown}");
}
