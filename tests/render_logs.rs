//! Render snapshots of the log screen in each state (connecting, streaming with every level,
//! paused with the new-line count, filtered, a gap marker, reconnecting, sealed, denied, the cap
//! reached with the dropped count, closed for a restore, a refused node) at 100×30 and 60×16,
//! with fixed times; level colours through theme slots; a hostile line (escapes, 20 KB) is
//! sanitised and cut.
// Test crate: helpers outside #[test] fns fail the test with a message via expect.
#![allow(clippy::expect_used)]

#[path = "common/health_fixtures.rs"]
mod health_fixtures;
#[path = "common/render_app.rs"]
mod render_app;
#[path = "common/screen_text.rs"]
mod screen_text;

use std::time::Duration;

use chrono::TimeZone;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use render_app::app_with;
use screen_text::text;
use strongroom::action::Action;
use strongroom::ui::screens::Screen;
use strongroom::ui::screens::logs::{LogsScreen, StreamState};
use strongroom::vault::monitor::{
    LineSplitter, LogBatch, LogLevel, LogLine, LossKind, StreamStatus,
};

const NODE: &str = "http://127.0.0.1:21480";

fn at(secs: i64) -> chrono::DateTime<chrono::Utc> {
    chrono::Utc
        .timestamp_opt(1_795_423_000 + secs, 0)
        .single()
        .expect("time")
}

const SAMPLE: &[&str] = &[
    "2026-11-23T08:36:40.101Z [INFO]  core: successful mount: namespace=\"\" path=tmp1/ type=kv version=\"\"",
    "2026-11-23T08:36:40.250Z [DEBUG] core.cluster-listener: performing server cert lookup",
    "2026-11-23T08:36:40.311Z [TRACE] storage.raft: heartbeat sent: peer=node-b",
    "2026-11-23T08:36:41.002Z [WARN]  core: cannot write to readonly storage, forwarding",
    "2026-11-23T08:36:41.420Z [ERROR] core: failed to lookup token: error=\"permission denied\"",
    "a line that is not in the text form",
    "2026-11-23T08:36:42.000Z [INFO]  core: successful unmount: path=tmp1/",
];

fn sample_lines() -> Vec<LogLine> {
    SAMPLE.iter().map(|l| LogLine::parse(l, 0)).collect()
}

fn streaming(cap: usize) -> LogsScreen {
    let mut s = LogsScreen::new(None, LogLevel::Info, cap);
    s.node = Some(NODE.into());
    s.running = true;
    s.on_batch(LogBatch {
        lines: sample_lines(),
        status: Some(StreamStatus::Connected { at: at(0) }),
    });
    s
}

fn draw(screen: &LogsScreen, w: u16, h: u16) -> (String, ratatui::buffer::Buffer) {
    let app = app_with(Screen::Logs(Box::new(screen.clone())));
    let mut term = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    term.draw(|f| strongroom::ui::draw(f, &app)).expect("draw");
    let buf = term.backend().buffer().clone();
    (text(&buf), buf)
}

fn snap(name: &str, screen: &LogsScreen) -> String {
    let mut big = String::new();
    for (w, h) in [(100, 30), (60, 16)] {
        let (t, _) = draw(screen, w, h);
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), t);
        if w == 100 {
            big = t;
        }
    }
    big
}

fn ctx_act(s: &mut LogsScreen, a: Action) {
    let app = app_with(Screen::Health(Default::default()));
    let ctx = strongroom::ui::screens::ScreenCtx {
        cluster: &app.cluster,
        now: app.now,
        body: ratatui::layout::Rect::new(0, 2, 100, 26),
        namespace: None,
    };
    let _ = s.on_action(a, &ctx);
}

#[test]
fn render_connecting() {
    let mut s = LogsScreen::new(None, LogLevel::Debug, 5000);
    s.node = Some(NODE.into());
    s.state = StreamState::Connecting;
    let t = snap("logs_connecting", &s);
    assert!(t.contains("connecting"));
}

#[test]
fn render_streaming_with_levels_coloured() {
    let s = streaming(5000);
    let t = snap("logs_streaming", &s);
    assert!(t.contains("streaming since 08:36:40"));
    let (_, buf) = draw(&s, 100, 30);
    let app = app_with(Screen::Health(Default::default()));
    let theme = app.theme().clone();
    // The style of the cell where each level word starts.
    let style_of = |word: &str| {
        for y in 0..buf.area.height {
            let row: String = (0..buf.area.width)
                .map(|x| buf[(x, y)].symbol().to_string())
                .collect();
            if let Some(i) = row.find(&format!(" {word} ")) {
                let x = row[..i + 1].chars().count() as u16;
                return buf[(x, y)].style();
            }
        }
        panic!("no {word} on screen");
    };
    assert_eq!(style_of("ERROR").fg, theme.status_danger.fg);
    assert_eq!(style_of("WARN").fg, theme.status_warn.fg);
    assert_eq!(style_of("INFO").fg, theme.status_ok.fg);
    assert_eq!(style_of("TRACE").fg, theme.muted.fg);
}

#[test]
fn render_paused_with_new_lines() {
    let mut s = streaming(5000);
    ctx_act(&mut s, Action::PauseLog);
    s.on_batch(LogBatch {
        lines: sample_lines(),
        status: None,
    });
    let t = snap("logs_paused", &s);
    assert!(t.contains("paused · 7 new lines"));
}

#[test]
fn render_filtered() {
    let mut s = streaming(5000);
    s.set_filter("mount".into());
    let t = snap("logs_filtered", &s);
    assert!(t.contains("filter \"mount\" (2 shown)"));
    assert!(!t.contains("heartbeat"));
}

fn lose(s: &mut LogsScreen, kind: LossKind, reason: &str, secs: i64) {
    s.on_batch(LogBatch {
        lines: vec![],
        status: Some(StreamStatus::Lost {
            at: at(secs),
            kind,
            reason: reason.into(),
            retry_in: Duration::from_millis(2000),
        }),
    });
}

#[test]
fn render_gap_marker() {
    let mut s = streaming(5000);
    lose(&mut s, LossKind::Error, "connection reset", 3);
    s.on_batch(LogBatch {
        lines: vec![LogLine::parse(
            "2026-11-23T08:36:49.500Z [INFO]  core: vault is unsealed",
            0,
        )],
        status: Some(StreamStatus::Connected { at: at(9) }),
    });
    let t = snap("logs_gap", &s);
    assert!(t.contains("stream lost 08:36:43 (connection reset) · back 08:36:49"));
}

#[test]
fn render_reconnecting() {
    let mut s = streaming(5000);
    lose(&mut s, LossKind::Error, "the stream ended", 3);
    let t = snap("logs_reconnecting", &s);
    assert!(t.contains("reconnecting: the stream ended"));
}

#[test]
fn render_sealed_and_denied() {
    let mut s = LogsScreen::new(None, LogLevel::Info, 5000);
    s.node = Some(NODE.into());
    lose(&mut s, LossKind::Sealed, "node is sealed", 1);
    assert!(snap("logs_sealed", &s).contains("sealed (503)"));
    lose(&mut s, LossKind::Denied, "permission denied", 2);
    assert!(snap("logs_denied", &s).contains("denied (403): permission denied"));
}

#[test]
fn render_cap_reached() {
    let mut s = streaming(100);
    for _ in 0..20 {
        s.on_batch(LogBatch {
            lines: sample_lines(),
            status: None,
        });
    }
    let t = snap("logs_cap", &s);
    assert!(t.contains("100/100 lines · 47 dropped"), "{t}");
}

#[test]
fn render_closed_for_a_restore_and_refused_node() {
    let mut s = streaming(5000);
    let _ = s.close_for_write();
    assert!(snap("logs_closed", &s).contains("closed for a restore or step-down — r to reopen"));
    let mut s = LogsScreen::new(Some("10.0.0.9:8200".into()), LogLevel::Info, 5000);
    s.state = StreamState::Failed(
        "no node 10.0.0.9:8200 in this cluster (configured: http://127.0.0.1:21480)".into(),
    );
    assert!(snap("logs_failed", &s).contains("failed: no node 10.0.0.9:8200"));
}

#[test]
fn a_hostile_line_is_sanitised_and_cut() {
    let mut split = LineSplitter::default();
    let mut out = Vec::new();
    let mut raw =
        b"2026-11-23T08:36:40.101Z [ERROR] core: \x1b]0;pwned\x07\x1b[2J\x1b[31mred ".to_vec();
    raw.extend(std::iter::repeat_n(b'A', 20_000));
    raw.extend(b"\n\x9b\xc2\x9b31m c1 \xe2\x80\xae rtl\n");
    split.push(&raw, &mut out);
    let mut s = LogsScreen::new(None, LogLevel::Info, 5000);
    s.node = Some(NODE.into());
    s.on_batch(LogBatch {
        lines: out,
        status: Some(StreamStatus::Connected { at: at(0) }),
    });
    let (t, buf) = draw(&s, 100, 30);
    for cell in buf.content() {
        assert!(
            !cell
                .symbol()
                .chars()
                .any(|c| c.is_control() || c == '\u{202e}'),
            "a control character reached the screen"
        );
    }
    assert!(t.contains("[line cut: "), "{t}");
    assert!(t.contains("�]0;pwned��[2J�[31mred"), "{t}");
    insta::assert_snapshot!("logs_hostile_100x30", t);
}
