//! Render snapshots of the whole console on the health screen (chrome included), in each state,
//! at 100×30 and 60×16, with a fixed clock. Cell asserts for the critical cues.
// Test crate: helpers outside #[test] fns fail the test with a message via expect.
#![allow(clippy::expect_used)]

mod common;
#[path = "common/health_fixtures.rs"]
mod health_fixtures;

#[path = "common/screen_text.rs"]
mod screen_text;

use screen_text::text;
use std::time::Duration;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use strongroom::app::{App, AppInit};
use strongroom::cluster::ClusterState;
use strongroom::config::{ConnectionProfile, TokenSource};
use strongroom::keymap::Keymap;
use strongroom::theme::ThemeRegistry;
use strongroom::ui::screens::health::{HealthScreen, HealthView, Panel};

fn app(cluster: ClusterState, sandbox: bool) -> App {
    let profile = ConnectionProfile {
        token_source: TokenSource::Sandbox,
        sandbox,
        ..ConnectionProfile::new("sandbox", cluster.node_addrs())
    };
    let mut app = App::new(AppInit {
        profile: profile.clone(),
        contexts: vec![profile],
        theme: "default".into(),
        themes: ThemeRegistry::load(None, false),
        keymap: Keymap::load(None).0,
        poll_interval: Duration::from_secs(2),
        force_read_only: false,
        warnings: vec![],
        now: health_fixtures::now(),
    });
    let _ = app.start();
    app.cluster = cluster;
    app
}

fn draw(app: &App, w: u16, h: u16) -> Buffer {
    let mut term = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    term.draw(|f| strongroom::ui::draw(f, app)).expect("draw");
    term.backend().buffer().clone()
}

fn find(buf: &Buffer, needle: &str) -> (u16, u16) {
    for y in 0..buf.area.height {
        let line: String = (0..buf.area.width)
            .map(|x| buf[(x, y)].symbol().to_string())
            .collect();
        if let Some(i) = line.find(needle) {
            return (line[..i].chars().count() as u16, y);
        }
    }
    panic!("{needle:?} not on screen:\n{}", text(buf));
}

macro_rules! snapshots {
    ($($name:ident => $state:expr;)*) => {
        $(
            #[test]
            fn $name() {
                let a = app($state, true);
                insta::assert_snapshot!(concat!(stringify!($name), "_100x30"), text(&draw(&a, 100, 30)));
                insta::assert_snapshot!(concat!(stringify!($name), "_60x16"), text(&draw(&a, 60, 16)));
            }
        )*
    };
}

snapshots! {
    all_healthy => health_fixtures::healthy_cluster();
    one_node_sealed => health_fixtures::one_sealed();
    one_node_unreachable => health_fixtures::one_unreachable();
    stale_data => health_fixtures::stale();
    loading => health_fixtures::loading();
    dev_server => health_fixtures::dev_server();
}

#[test]
fn sealed_and_unreachable_cells_use_their_theme_slots() {
    let a = app(health_fixtures::one_sealed_one_unreachable(), false);
    let buf = draw(&a, 100, 30);
    let theme = a.theme();
    let (x, y) = find(&buf, "sealed ");
    assert_eq!(buf[(x, y)].style().fg, theme.sealed.fg);
    assert_eq!(buf[(x, y)].style().bg, theme.sealed.bg);
    let (x, y) = find(&buf, "unreachable");
    assert_eq!(buf[(x, y)].style().fg, theme.status_danger.fg);
}

#[test]
fn the_sandbox_badge_and_read_only_show_in_the_status_bar() {
    let mut a = app(health_fixtures::healthy_cluster(), true);
    a.gate.set_read_only(true);
    let s = text(&draw(&a, 100, 30));
    let first = s.lines().next().unwrap_or_default();
    assert!(
        first.contains("SANDBOX") && first.contains("READ-ONLY"),
        "{first}"
    );
}

#[test]
fn hostile_server_strings_are_sanitised() {
    let mut cluster = health_fixtures::healthy_cluster();
    if let strongroom::remote::Remote::Ready(s) = &mut cluster.nodes[0].health {
        s.value.body.cluster_name = Some("evil\x1b]0;pwned\x07\x1b[2J".into());
    }
    let buf = draw(&app(cluster, false), 100, 30);
    let t = text(&buf);
    assert!(!t.contains('\x1b') && !t.contains('\x07'), "{t}");
    assert!(t.contains("evil�]0;pwned��[2J"), "{t}");
}

/// The health screen alone, as the lead's chrome hands it the area between status bar and footer.
fn view(cluster: &ClusterState, screen: &HealthScreen, area: Rect) -> Buffer {
    let themes = ThemeRegistry::load(None, false);
    let theme = themes.get("default").expect("default theme").clone();
    let mut term = Terminal::new(TestBackend::new(area.width, area.y + area.height)).expect("term");
    term.draw(|f| {
        f.render_widget(
            HealthView {
                cluster,
                screen,
                theme: &theme,
                now: health_fixtures::now(),
            },
            area,
        )
    })
    .expect("draw");
    term.backend().buffer().clone()
}

#[test]
fn clicks_land_on_the_row_drawn_under_the_pointer() {
    let cluster = health_fixtures::one_sealed();
    let screen = HealthScreen::default();
    for area in [Rect::new(0, 1, 100, 28), Rect::new(0, 1, 60, 14)] {
        let buf = view(&cluster, &screen, area);
        let hit = |text: &str| {
            let (x, y) = find(&buf, text);
            screen.hit_test(area, &cluster, x, y)
        };
        assert_eq!(hit("127.0.0.1:21840"), Some((Panel::Nodes, 1)));
        assert_eq!(hit("127.0.0.1:22906"), Some((Panel::Nodes, 2)));
        // Header, detail line and border select nothing new: the panel keeps its selection.
        assert_eq!(hit("STATE"), Some((Panel::Nodes, 0)));
        assert_eq!(hit("▸ http"), Some((Panel::Nodes, 0)));
        if area.width == 100 {
            assert_eq!(hit("node3      127"), Some((Panel::Raft, 1)));
            assert_eq!(hit("runtime.alloc_bytes"), Some((Panel::Metrics, 3)));
            assert_eq!(hit("▸ vault.core"), Some((Panel::Metrics, 0)));
        } else {
            assert_eq!(hit("leases"), Some((Panel::Metrics, 1)));
        }
        assert_eq!(screen.hit_test(area, &cluster, 0, 0), None);
    }
}

#[test]
fn a_scrolled_panel_maps_clicks_through_its_offset() {
    let cluster = health_fixtures::healthy_cluster();
    let mut screen = HealthScreen::default();
    let area = Rect::new(0, 1, 60, 14);
    screen.focus_prev();
    assert_eq!(screen.focus, Panel::Metrics);
    screen.select_last(&cluster);
    assert_eq!(screen.selected(Panel::Metrics), 7);
    let buf = view(&cluster, &screen, area);
    let t = text(&buf);
    assert!(t.contains("6–8 of 8"), "{t}");
    let (x, y) = find(&buf, "tokens");
    assert_eq!(
        screen.hit_test(area, &cluster, x, y),
        Some((Panel::Metrics, 5))
    );
    let (x, y) = find(&buf, "request rate");
    assert_eq!(
        screen.hit_test(area, &cluster, x, y),
        Some((Panel::Metrics, 6))
    );
    screen.scroll(-10, &cluster);
    assert_eq!(screen.selected(Panel::Metrics), 0);
}

#[test]
fn the_filter_is_a_case_insensitive_substring_on_every_panel() {
    let cluster = health_fixtures::one_sealed();
    let mut screen = HealthScreen::default();
    screen.set_filter("NODE3".into());
    assert_eq!(screen.filter(), "NODE3");
    assert_eq!(
        screen.selected_node(&cluster).map(|n| n.addr.as_str()),
        Some("http://127.0.0.1:22906")
    );
    let t = text(&view(&cluster, &screen, Rect::new(0, 0, 100, 28)));
    assert!(!t.contains("127.0.0.1:21480 node1"), "{t}");
    assert!(t.contains("node3      127.0.0.1:22907"), "{t}");
    assert!(t.contains("no metric matches the filter"), "{t}");

    screen.set_filter("lastcontact".into());
    let t = text(&view(&cluster, &screen, Rect::new(0, 0, 100, 28)));
    assert!(t.contains("no node matches the filter"), "{t}");
    assert!(t.contains("raft.leader.lastContact"), "{t}");
    assert!(!t.contains("core.unsealed"), "{t}");
    assert!(screen.selected_node(&cluster).is_none());

    screen.set_filter("SeAlEd".into());
    assert_eq!(
        screen.selected_node(&cluster).map(|n| n.addr.as_str()),
        Some("http://127.0.0.1:22906")
    );
}

#[test]
fn selection_moves_within_the_focused_panel_and_stays_in_range() {
    let cluster = health_fixtures::healthy_cluster();
    let mut s = HealthScreen::default();
    s.move_selection(1, &cluster);
    assert_eq!(
        s.selected_node(&cluster).map(|n| n.addr.as_str()),
        Some("http://127.0.0.1:21840")
    );
    s.move_selection(10, &cluster);
    assert_eq!(s.selected(Panel::Nodes), 2);
    s.move_selection(-10, &cluster);
    assert_eq!(s.selected(Panel::Nodes), 0);
    s.select_last(&cluster);
    assert_eq!(s.selected(Panel::Nodes), 2);
    s.focus_next();
    assert_eq!(s.focus, Panel::Raft);
    s.move_selection(1, &cluster);
    assert_eq!((s.selected(Panel::Raft), s.selected(Panel::Nodes)), (1, 2));
    s.select_first();
    assert_eq!(s.selected(Panel::Raft), 0);
    s.focus_next();
    s.focus_next();
    assert_eq!(s.focus, Panel::Nodes);
    // Nothing to select before the first answer: no panic, no node.
    let empty = ClusterState::default();
    s.move_selection(3, &empty);
    assert!(s.selected_node(&empty).is_none());
}

#[test]
fn a_stale_row_and_alerting_metrics_use_their_theme_slots() {
    let cluster = health_fixtures::stale();
    let area = Rect::new(0, 0, 100, 28);
    let buf = view(&cluster, &HealthScreen::default(), area);
    let theme = ThemeRegistry::load(None, false)
        .get("default")
        .expect("default")
        .clone();
    let (x, y) = find(&buf, "stale 42s│");
    assert_eq!(buf[(x, y)].style().fg, theme.stale.fg);
    let (x, y) = find(&buf, "n/a");
    assert_eq!(buf[(x, y)].style().fg, theme.muted.fg);
    let (x, y) = find(&buf, "ok       seen");
    assert_eq!(buf[(x, y)].style().fg, theme.status_ok.fg);
}

#[test]
fn nothing_is_drawn_outside_the_area_and_tiny_areas_do_not_panic() {
    let cluster = health_fixtures::one_unreachable();
    for (w, h) in [(100, 28), (60, 14), (30, 5), (10, 2), (1, 1)] {
        let area = Rect::new(0, 1, w, h);
        let buf = view(&cluster, &HealthScreen::default(), area);
        let first: String = (0..w).map(|x| buf[(x, 0)].symbol().to_string()).collect();
        assert_eq!(first.trim(), "", "{w}x{h}");
    }
}

/// A real `bao server -dev`: one poll through the worker, then the screen as it shows it. Not a
/// snapshot (ports, ids and memory differ per run): the cues that matter, checked as text.
#[tokio::test]
async fn a_real_dev_server_is_shown_without_raft_and_with_its_metrics() {
    use strongroom::cluster::alerts::{self, Level};
    let dev = common::dev::DevServer::start();
    let addrs = vec![dev.addr.clone()];
    let worker =
        strongroom::vault::worker::Worker::new(&common::profile_for(&addrs, Some(&dev.root_token)))
            .expect("worker");
    // Polled as the console does: a freshly started server fills its 10 s metrics window
    // within a few seconds (runtime and lease gauges come on their own timers), and until then
    // the rows say "not in the window" instead of showing zero.
    let mut cluster = ClusterState::new(&addrs);
    let deadline = std::time::Instant::now() + Duration::from_secs(45);
    let now = loop {
        let poll = worker.poll_cluster(&addrs).await;
        let at = poll.at;
        cluster.apply(poll);
        let m = cluster.metrics.current.value().expect("metrics");
        let rows = alerts::evaluate(&cluster, at);
        // Seen in this window or an earlier one (the screen keeps the last value with its age).
        if [alerts::ALLOC_BYTES, alerts::NUM_LEASES, alerts::UNSEALED]
            .iter()
            .all(|n| rows.iter().any(|r| r.metric == *n && r.value_text != "—"))
        {
            break at;
        }
        for r in &rows {
            // Missing is "—", never zero; and the stale pre-unseal `cluster=""` series a fresh
            // dev server sends must never make it look sealed.
            assert!(
                r.level != Level::Unavailable
                    || r.value_text == "—"
                    || r.metric == alerts::ALLOC_BYTES,
                "{r:?}"
            );
            assert!(
                r.metric != alerts::UNSEALED || r.level != Level::Critical,
                "{r:?}"
            );
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the metrics window never filled: {m:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };

    let rows = alerts::evaluate(&cluster, now);
    let row = |m: &str| rows.iter().find(|r| r.metric == m).expect("row").clone();
    assert_eq!(row(alerts::UNSEALED).level, Level::Ok, "{rows:#?}");
    assert_eq!(row(alerts::NUM_LEASES).level, Level::Ok, "{rows:#?}");
    let heap = row(alerts::ALLOC_BYTES);
    assert!(
        heap.level == Level::Ok && heap.value_text.contains('%'),
        "root may read sys/host-info: {heap:?}"
    );
    let contact = row(alerts::LEADER_CONTACT);
    assert_eq!(
        (contact.level, contact.note.as_str()),
        (Level::Unavailable, "raft storage not in use")
    );
    for r in &rows {
        assert!(r.level != Level::Unavailable || !r.note.is_empty(), "{r:?}");
        assert!(
            r.level == Level::Unavailable || r.value_text != "—",
            "{r:?}"
        );
    }

    let themes = ThemeRegistry::load(None, false);
    let theme = themes.get("default").expect("default theme");
    let screen = HealthScreen::default();
    let mut term = Terminal::new(TestBackend::new(100, 28)).expect("terminal");
    term.draw(|f| {
        f.render_widget(
            HealthView {
                cluster: &cluster,
                screen: &screen,
                theme,
                now,
            },
            f.area(),
        )
    })
    .expect("draw");
    let t = text(term.backend().buffer());
    let host_port = dev.addr.trim_start_matches("http://");
    for cue in [
        "HA off (single node)",
        "raft storage not in use",
        "Nodes · 1 node: 1 active",
        "storage inmem",
        "core.unsealed",
    ] {
        assert!(t.contains(cue), "{cue:?} missing:\n{t}");
    }
    assert!(t.contains(&format!("{host_port} ")), "{t}");
    assert_eq!(cluster.nodes.len(), 1, "the HA status names the same node");
}
