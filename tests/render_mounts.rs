//! Render snapshots of the mounts screen in each state (loading, ready with counts in every
//! state, failed with stale data, failed with none, empty) and of a mount's configuration, at
//! 100×30 and 60×16. The mount lists are `sys/mounts` and `sys/auth` answers captured from a
//! real OpenBao 2.7 dev server (tests/fixtures/mounts/).
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
use std::collections::BTreeMap;

use ratatui::Terminal;
use ratatui::backend::TestBackend;

use strongroom::jobs::JobProgress;
use strongroom::ui::screens::Screen;
use strongroom::ui::screens::mounts::{Count, MountDetail, MountsScreen};
use strongroom::vault::VaultError;
use strongroom::vault::models::mounts::{MountEntry, MountKind, MountList, MountSource, mounts_of};

fn list() -> MountList {
    let read = |f: &str| -> BTreeMap<String, MountEntry> {
        let text = std::fs::read_to_string(format!(
            "{}/tests/fixtures/mounts/{f}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .expect("fixture");
        serde_json::from_str(&text).expect("a captured answer")
    };
    let mut mounts = mounts_of(MountKind::Secret, read("sys_mounts.json"));
    mounts.extend(mounts_of(MountKind::Auth, read("sys_auth.json")));
    MountList {
        mounts,
        source: MountSource::SysMounts,
    }
}

fn snap(name: &str, screen: Screen) {
    let app = app_with(screen);
    for (w, h) in [(100, 30), (60, 16)] {
        let mut term = Terminal::new(TestBackend::new(w, h)).expect("terminal");
        term.draw(|f| strongroom::ui::draw(f, &app)).expect("draw");
        let t = text(term.backend().buffer());
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), t);
    }
}

fn progress(done: u64, skipped: u64) -> JobProgress {
    JobProgress {
        done,
        skipped,
        ..JobProgress::default()
    }
}

fn ready() -> MountsScreen {
    let mut s = MountsScreen::default();
    s.mounts.succeed(list(), health_fixtures::now());
    s.counts
        .insert("secret/".into(), Count::Done(progress(10_000, 2)));
    s.counts
        .insert("kv1/".into(), Count::Running(progress(1_234, 0)));
    s.counting = Some("kv1/".into());
    s
}

#[test]
fn loading() {
    let mut s = MountsScreen::default();
    s.mounts.start_loading();
    snap("mounts_loading", Screen::Mounts(s));
}

#[test]
fn ready_with_counts() {
    snap("mounts_ready", Screen::Mounts(ready()));
}

#[test]
fn counts_in_every_state() {
    let mut s = ready();
    s.counts.insert(
        "secret/".into(),
        Count::Failed(VaultError::PermissionDenied { errors: vec![] }),
    );
    s.counts
        .insert("kv1/".into(), Count::Cancelled(progress(77, 0)));
    s.counting = None;
    snap("mounts_counts", Screen::Mounts(s));
}

#[test]
fn failed_with_stale_data() {
    let mut s = ready();
    s.mounts.fail(
        VaultError::Timeout { secs: 5.0 },
        health_fixtures::now() + chrono::Duration::seconds(12),
    );
    snap("mounts_stale", Screen::Mounts(s));
}

#[test]
fn failed_without_data() {
    let mut s = MountsScreen::default();
    s.mounts.fail(
        VaultError::PermissionDenied {
            errors: vec!["\u{1b}[2Jpermission denied".into()],
        },
        health_fixtures::now(),
    );
    snap("mounts_failed", Screen::Mounts(s));
}

#[test]
fn empty() {
    let mut s = MountsScreen::default();
    s.mounts.succeed(
        MountList {
            mounts: vec![],
            source: MountSource::UiMounts,
        },
        health_fixtures::now(),
    );
    snap("mounts_empty", Screen::Mounts(s));
}

#[test]
fn a_mount_configuration() {
    let m = list()
        .mounts
        .into_iter()
        .find(|m| m.path == "kv1/")
        .expect("kv1/");
    snap("mount_detail", Screen::MountDetail(MountDetail::new(m)));
}
