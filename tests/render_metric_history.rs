//! Render snapshots of the metric history on the health screen, with a fixed clock: sparklines
//! filled from an hour of synthetic samples (with a gap while the node was unreachable, and an
//! unavailable metric), and the chart of a metric with its threshold line, below and above it.
//! Cell asserts: the threshold line and the cells past it use the warn slot.
// Test crate: helpers outside #[test] fns fail the test with a message via expect.
#![allow(clippy::expect_used)]

mod common;
#[path = "common/health_fixtures.rs"]
mod health_fixtures;
#[path = "common/render_app.rs"]
#[allow(dead_code)]
mod render_app;
#[path = "common/screen_text.rs"]
mod screen_text;

use chrono::Duration;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use screen_text::text;

use strongroom::cluster::ClusterState;
use strongroom::cluster::alerts;
use strongroom::cluster::history::REQUEST_RATE;
use strongroom::theme::{Theme, ThemeRegistry};
use strongroom::ui::screens::health::{HealthScreen, HealthView, Panel};
use strongroom::vault::models::metrics::{Gauge, MetricsSummary, Sampled};

fn theme() -> Theme {
    ThemeRegistry::load(None, false)
        .get("default")
        .expect("default theme")
        .clone()
}

fn window(leases: f64, requests: u64) -> MetricsSummary {
    let gauge = |name: &str, value: f64| Gauge {
        name: name.into(),
        value,
        labels: [("cluster".to_string(), "c1".to_string())].into(),
    };
    MetricsSummary {
        gauges: vec![
            gauge(alerts::UNSEALED, 1.0),
            gauge(alerts::NUM_LEASES, leases),
            gauge(alerts::ALLOC_BYTES, 20e6 + leases * 100.0),
        ],
        samples: vec![
            Sampled {
                name: REQUEST_RATE.into(),
                count: requests,
                ..Default::default()
            },
            Sampled {
                name: alerts::LEADER_CONTACT.into(),
                count: 2,
                mean: 30.0,
                ..Default::default()
            },
        ],
        ..Default::default()
    }
}

/// The healthy cluster with an hour of the first node's history: a sample every 30 s, the
/// leases climbing to `peak`, a 10-minute gap (unreachable) 30 minutes ago. The token count and
/// the commit time are never sent: no samples.
fn with_history(peak: f64) -> ClusterState {
    let mut c = health_fixtures::healthy_cluster();
    let addr = c.nodes[0].addr.clone();
    let now = health_fixtures::now();
    for i in 0..120_i64 {
        let at = now - Duration::seconds(3600 - i * 30);
        let gap = (60..80).contains(&i);
        let leases = peak * (i as f64 + 1.0) / 120.0;
        let m = window(leases, 50 + (i as u64 % 7) * 10);
        c.history.record(&addr, at, (!gap).then_some(&m));
    }
    c
}

fn view(cluster: &ClusterState, screen: &HealthScreen, w: u16, h: u16) -> Buffer {
    let theme = theme();
    let mut term = Terminal::new(TestBackend::new(w, h)).expect("term");
    term.draw(|f| {
        f.render_widget(
            HealthView {
                cluster,
                screen,
                theme: &theme,
                now: health_fixtures::now(),
            },
            Rect::new(0, 0, w, h),
        )
    })
    .expect("draw");
    term.backend().buffer().clone()
}

/// The metrics panel focused on the leases row, the chart open or not.
fn on_leases(cluster: &ClusterState, chart: bool) -> HealthScreen {
    let mut s = HealthScreen::default();
    s.focus_prev();
    assert_eq!(s.focus, Panel::Metrics);
    s.move_selection(1, cluster);
    s.chart = chart;
    s
}

fn find(buf: &Buffer, needle: &str) -> Option<(u16, u16)> {
    (0..buf.area.height).find_map(|y| {
        let line: String = (0..buf.area.width)
            .map(|x| buf[(x, y)].symbol().to_string())
            .collect();
        line.find(needle)
            .map(|i| (line[..i].chars().count() as u16, y))
    })
}

#[test]
fn sparklines_with_a_gap_and_an_unavailable_metric() {
    let c = with_history(5_000.0);
    let buf = view(&c, &on_leases(&c, false), 110, 30);
    insta::assert_snapshot!("sparklines_110x30", text(&buf));
    let t = text(&buf);
    assert!(t.contains("history 127.0.0.1:21480"), "{t}");
    // The gap stays blank between the bars of the leases row.
    let leases = t
        .lines()
        .find(|l| l.contains("expire.num_leases"))
        .expect("leases row");
    assert!(leases.contains('▁') && leases.contains('█'), "{leases}");
    assert!(
        t.lines()
            .any(|l| l.contains("token.count") && l.contains("no samples"))
    );
}

#[test]
fn the_chart_below_its_threshold() {
    let c = with_history(5_000.0);
    let buf = view(&c, &on_leases(&c, true), 100, 30);
    insta::assert_snapshot!("chart_below_threshold_100x30", text(&buf));
    let t = text(&buf);
    assert!(t.contains("-60m") && t.contains("now") && t.contains("threshold > 10,000 warn"));
    // The threshold line is drawn in the warn slot.
    let theme = theme();
    let warn_cells = buf
        .content()
        .iter()
        .filter(|cell| cell.symbol().starts_with('⣀') || cell.symbol().starts_with('⠉'))
        .filter(|cell| cell.style().fg == theme.status_warn.fg)
        .count();
    assert!(
        warn_cells > 20,
        "a warn-coloured threshold line: {warn_cells} cells\n{t}"
    );
}

#[test]
fn the_chart_above_its_threshold() {
    let c = with_history(15_000.0);
    let buf = view(&c, &on_leases(&c, true), 100, 30);
    insta::assert_snapshot!("chart_above_threshold_100x30", text(&buf));
    // The line itself is warn-coloured: its latest value is past the threshold.
    let theme = theme();
    let braille_warn = buf
        .content()
        .iter()
        .filter(|cell| {
            cell.symbol()
                .chars()
                .next()
                .is_some_and(|ch| ('\u{2801}'..='\u{28FF}').contains(&ch))
        })
        .all(|cell| cell.style().fg == theme.status_warn.fg);
    assert!(braille_warn, "{}", text(&buf));
    // The sparkline's last cells are past the threshold: warn.
    let sbuf = view(&c, &on_leases(&c, false), 110, 30);
    let (x, y) = find(&sbuf, "expire.num_leases").expect("leases row");
    let spark_x = (x..sbuf.area.width)
        .rev()
        .find(|cx| sbuf[(*cx, y)].symbol() == "█")
        .expect("a full bar");
    assert_eq!(sbuf[(spark_x, y)].style().fg, theme.status_warn.fg);
}

#[test]
fn a_metric_without_samples_charts_why() {
    let c = with_history(5_000.0);
    let mut s = on_leases(&c, true);
    // The token count: a usage gauge never sent.
    s.move_selection(4, &c);
    let buf = view(&c, &s, 100, 30);
    let t = text(&buf);
    assert!(
        t.contains("no samples of this node in the last hour (usage gauge, not sent yet)"),
        "{t}"
    );
    // Esc-like close: the chart flag off, the nodes panel is back.
    s.chart = false;
    let t = text(&view(&c, &s, 100, 30));
    assert!(t.contains("Nodes"), "{t}");
}

fn press(app: &mut strongroom::app::App, code: crossterm::event::KeyCode) {
    use crossterm::event::{KeyEvent, KeyModifiers};
    let _ = app.update(strongroom::event::Msg::Key(KeyEvent::new(
        code,
        KeyModifiers::NONE,
    )));
}

fn chart_open(app: &strongroom::app::App) -> bool {
    match app.screen() {
        strongroom::ui::screens::Screen::Health(h) => h.chart,
        _ => false,
    }
}

#[test]
fn keys_open_and_close_the_chart() {
    use crossterm::event::KeyCode;
    let mut app = render_app::base_app();
    app.cluster = with_history(5_000.0);
    // `c` charts the selected metric from any panel; esc closes it (and stays on the screen).
    press(&mut app, KeyCode::Char('c'));
    assert!(chart_open(&app));
    press(&mut app, KeyCode::Char('j'));
    assert!(chart_open(&app), "j/k pick another metric, the chart stays");
    press(&mut app, KeyCode::Esc);
    assert!(!chart_open(&app));
    assert!(matches!(
        app.screen(),
        strongroom::ui::screens::Screen::Health(_)
    ));
    // enter opens it in the metrics panel (focused since `c`).
    press(&mut app, KeyCode::Enter);
    assert!(chart_open(&app));
    press(&mut app, KeyCode::Esc);
    assert!(!chart_open(&app));
}
