//! Render snapshots of the access-history screen (loading with progress and the rows so far,
//! ready with the devices, several nodes merged, failed with stale rows, empty, the drill-down
//! with HMAC'd values marked, the anomaly panel with hand-made signals, the filter form, the
//! hash prompt) at 100×30 and 60×16, from hand-made records at the fixed clock; and a property
//! test: escape sequences and control characters in every field never reach the buffer.
// Test crate: helpers outside #[test] fns fail the test with a message via expect.
#![allow(clippy::expect_used)]

#[path = "common/health_fixtures.rs"]
mod health_fixtures;

#[path = "common/render_app.rs"]
#[allow(dead_code)]
mod render_app;

#[path = "common/screen_text.rs"]
mod screen_text;

mod audit_support;

use std::path::PathBuf;

use audit_support::{app, fixture, now_ns, one_log, signals, three_logs};
use proptest::prelude::*;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use screen_text::text;

use strongroom::audit::{AuditRecord, EntryKind, ScanProgress};
use strongroom::ui::screens::Screen;
use strongroom::ui::screens::audit::{
    AuditScreen, DrillState, FilterForm, HashPrompt, NodeDevices, Overlay, Phase, SignalsState,
};
use strongroom::vault::VaultError;
use strongroom::vault::audit_area::LocatedDevice;
use strongroom::vault::models::audit::AuditDevice;

fn draw(screen: AuditScreen, w: u16, h: u16) -> ratatui::buffer::Buffer {
    let mut app = app();
    app.push_screen(Screen::Audit(Box::new(screen)));
    let mut term = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    term.draw(|f| strongroom::ui::draw(f, &app)).expect("draw");
    term.backend().buffer().clone()
}

fn snap(name: &str, screen: AuditScreen) {
    for (w, h) in [(100, 30), (60, 16)] {
        let buf = draw(screen.clone(), w, h);
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), text(&buf));
    }
}

fn at() -> chrono::DateTime<chrono::Utc> {
    health_fixtures::now() - chrono::Duration::seconds(12)
}

fn devices() -> Vec<NodeDevices> {
    health_fixtures::addrs()
        .into_iter()
        .enumerate()
        .map(|(i, addr)| NodeDevices {
            addr,
            result: Some(Ok(vec![LocatedDevice {
                device: AuditDevice {
                    path: "file/".into(),
                    kind: "file".into(),
                    description: String::new(),
                    local: false,
                    options: [("file_path".to_string(), "audit.log".to_string())].into(),
                },
                local_file: Some(PathBuf::from(format!(
                    "/srv/sandbox/node{}-audit.log",
                    i + 1
                ))),
            }])),
        })
        .collect()
}

fn ready() -> AuditScreen {
    let mut s = AuditScreen::with_records(one_log(), fixture(), at());
    s.progress = ScanProgress {
        bytes_read: 27_000_000,
        bytes_total: 27_000_000,
        entries: 52_113,
        matched: 5,
        blank: 1,
        bad: 3,
        ..ScanProgress::default()
    };
    s
}

#[test]
fn render_loading() {
    let mut s = AuditScreen::new("");
    s.logs = one_log();
    s.add_records(fixture()[..2].to_vec());
    s.phase = Phase::Loading;
    s.progress = ScanProgress {
        bytes_read: 12_300_000,
        bytes_total: 27_000_000,
        entries: 23_001,
        matched: 2,
        blank: 0,
        bad: 1,
        ..ScanProgress::default()
    };
    snap("audit_loading", s);
}

#[test]
fn render_ready_with_devices() {
    let mut s = ready();
    s.devices = devices();
    s.on_action(strongroom::action::Action::Down, &ctx());
    snap("audit_ready", s);
}

#[test]
fn render_three_nodes_following_and_matching_a_value() {
    let mut recs = fixture();
    for (i, r) in recs.iter_mut().enumerate() {
        r.node = (i % 3) as u32;
    }
    let mut s = AuditScreen::with_records(three_logs(), recs, at());
    s.phase = Phase::Loading;
    s.progress = ScanProgress {
        bytes_read: 3000,
        bytes_total: 3000,
        entries: 10,
        matched: 5,
        following: true,
        ..ScanProgress::default()
    };
    s.hash_label = Some("hmac-sha256:1f99…".into());
    s.filter.denied_only = true;
    snap("audit_nodes_following", s);
}

#[test]
fn render_failed_with_stale_rows() {
    let mut s = ready();
    s.loaded_at = Some(health_fixtures::now() - chrono::Duration::minutes(2));
    s.phase = Phase::Failed(VaultError::Decode(
        "/var/log/openbao/audit.log: permission denied".into(),
    ));
    snap("audit_failed_stale", s);
}

#[test]
fn render_empty() {
    let mut s = AuditScreen::with_records(one_log(), Vec::new(), at());
    s.filter.denied_only = true;
    snap("audit_empty", s);
    let mut none = AuditScreen::new("");
    none.devices = devices();
    for n in &mut none.devices {
        if let Some(Ok(d)) = &mut n.result {
            d[0].local_file = None;
        }
    }
    none.phase = Phase::NoFiles;
    snap("audit_no_files", none);
}

#[test]
fn render_drill_down_with_hmacs_marked() {
    let mut s = ready();
    let r = s.shown(0).cloned().expect("a row");
    let sources = r.lines().map(|l| l.source).collect();
    let mut d = DrillState::loading(
        DrillState::title_of(&r),
        sources,
        vec![Some(EntryKind::Request), Some(EntryKind::Response)],
    );
    d.fill(vec![
        Ok(r#"{"time":"2026-11-22T04:37:55Z","type":"request","auth":{"client_token":"hmac-sha256:5e1f00aa","accessor":"hmac-sha256:77aa00bb","display_name":"userpass-alice","policies":["default","apps-read"]},"request":{"id":"r1","operation":"read","path":"secret/data/apps/payments/api/prod","remote_address":"127.0.0.1"}}"#.into()),
        Ok(r#"{"type":"response","response":{"data":{"data":{"password":"hmac-sha256:9a0b1c2d"}}}}"#.into()),
    ]);
    s.overlay = Overlay::Drill(Box::new(d));
    snap("audit_drill", s);
}

#[test]
fn render_drill_down_loading() {
    let mut s = ready();
    s.overlay = Overlay::Drill(Box::new(DrillState::loading(
        "read secret/data/x".into(),
        Vec::new(),
        Vec::new(),
    )));
    let buf = draw(s, 60, 16);
    assert!(text(&buf).contains("reading the record from the log…"));
}

#[test]
fn render_anomaly_panel() {
    let mut s = ready();
    s.signals = signals();
    s.overlay = Overlay::Signals(SignalsState::default());
    snap("audit_signals", s);
    let mut empty = ready();
    empty.overlay = Overlay::Signals(SignalsState::default());
    let buf = draw(empty, 100, 30);
    assert!(text(&buf).contains("no signal in the loaded window"));
}

#[test]
fn render_filter_form() {
    let mut s = ready();
    let mut text = strongroom::ui::screens::audit::form_text_example();
    text.denied = true;
    s.overlay = Overlay::Form(Box::new(FilterForm::new(&text)));
    snap("audit_form", s);
}

#[test]
fn render_hash_prompt_never_shows_the_value() {
    let mut s = ready();
    let mut h = HashPrompt::new("file".into());
    h.input.0.paste("canary-value-never-drawn");
    s.overlay = Overlay::Hash(h);
    for (w, hgt) in [(100, 30), (60, 16)] {
        let buf = draw(s.clone(), w, hgt);
        assert!(!text(&buf).contains("canary"));
    }
    // A clone starts empty (the value has one home): draw the original itself.
    let mut app = app();
    app.push_screen(Screen::Audit(Box::new(s)));
    let mut term = Terminal::new(TestBackend::new(100, 30)).expect("terminal");
    term.draw(|f| strongroom::ui::draw(f, &app)).expect("draw");
    let shown = text(term.backend().buffer());
    assert!(!shown.contains("canary"));
    insta::assert_snapshot!("audit_hash_prompt_100x30", shown);
}

fn ctx() -> strongroom::ui::screens::ScreenCtx<'static> {
    static CLUSTER: std::sync::OnceLock<strongroom::cluster::ClusterState> =
        std::sync::OnceLock::new();
    strongroom::ui::screens::ScreenCtx {
        cluster: CLUSTER.get_or_init(health_fixtures::healthy_cluster),
        now: health_fixtures::now(),
        body: ratatui::layout::Rect::new(0, 0, 100, 28),
        namespace: None,
    }
}

fn hostile() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just("\u{1b}[31m".to_string()),
            Just("\u{1b}]0;title\u{7}".to_string()),
            Just("\u{9b}2J".to_string()),
            Just("\r\n\t".to_string()),
            Just("\u{0}\u{8}\u{7f}".to_string()),
            "[a-z/]{0,6}",
        ],
        0..6,
    )
    .prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]
    #[test]
    fn escapes_in_any_field_never_reach_the_buffer(
        a in hostile(), b in hostile(), c in hostile(), d in hostile(), e in hostile(),
    ) {
        let mut r: AuditRecord = audit_support::record("id", "read", "p", "who", now_ns());
        for l in [&mut r.request, &mut r.response].into_iter().flatten() {
            l.operation = a.clone();
            l.path = b.clone();
            l.mount_point = c.clone();
            l.display_name = d.clone();
            l.entity_id = e.clone();
            l.remote_address = a.clone();
            l.policies = vec![b.clone(), c.clone()];
            l.error = Some(d.clone());
            l.request_id = e.clone();
        }
        let mut s = AuditScreen::with_records(three_logs(), vec![r.clone()], at());
        s.set_filter(String::new());
        let mut drill = DrillState::loading(DrillState::title_of(&r), Vec::new(), Vec::new());
        drill.fill(vec![Ok(format!("{{\"path\":{}}}", serde_json::json!(b))), Ok(c.clone())]);
        let mut with_drill = s.clone();
        with_drill.overlay = Overlay::Drill(Box::new(drill));
        for screen in [s, with_drill] {
            for (w, h) in [(100, 30), (60, 16)] {
                let buf = draw(screen.clone(), w, h);
                for cell in buf.content() {
                    prop_assert!(
                        !cell.symbol().chars().any(|ch| ch.is_control()),
                        "a control character in the buffer: {:?}", cell.symbol()
                    );
                }
            }
        }
    }
}
