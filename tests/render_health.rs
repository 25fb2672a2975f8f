//! Render snapshots of the whole console on the health screen (chrome included), in each state,
//! at 100×30 and 60×16, with a fixed clock. Cell asserts for the critical cues.

#[path = "common/health_fixtures.rs"]
mod health_fixtures;

use std::time::Duration;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;

use strongroom::app::{App, AppInit};
use strongroom::cluster::ClusterState;
use strongroom::config::{ConnectionProfile, TokenSource};
use strongroom::keymap::Keymap;
use strongroom::theme::ThemeRegistry;

fn app(cluster: ClusterState, sandbox: bool) -> App {
    let profile = ConnectionProfile {
        context: "sandbox".into(),
        addrs: health_fixtures::addrs(),
        token: None,
        token_source: TokenSource::Sandbox,
        namespace: None,
        ca_cert: None,
        client_cert: None,
        client_key: None,
        skip_verify: false,
        read_only: false,
        theme: None,
        sandbox,
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

fn text(buf: &Buffer) -> String {
    (0..buf.area.height)
        .map(|y| {
            let line: String = (0..buf.area.width)
                .map(|x| buf[(x, y)].symbol().to_string())
                .collect();
            line.trim_end().to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
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
