//! Chrome and overlays with hostile or odd input: the token warning badge in the status bar, the
//! confirmation dialog for a server-given address, footer hints from the effective key
//! bindings, and out-of-range values on the health screen.
// Test crate: helpers outside #[test] fns fail the test with a message via expect.
#![allow(clippy::expect_used)]

mod common;
#[path = "common/health_fixtures.rs"]
mod health_fixtures;

use std::path::PathBuf;
use std::time::Duration;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use strongroom::app::{App, AppInit, Mode};
use strongroom::cluster::ClusterState;
use strongroom::config::{ConnectionProfile, TokenSource, TokenWarning};
use strongroom::keymap::Keymap;
use strongroom::remote::Remote;
use strongroom::theme::ThemeRegistry;
use strongroom::write_gate::{Confirmation, Mutation, Write};

fn app_with(cluster: ClusterState, profile: ConnectionProfile, keymap: Keymap) -> App {
    let mut app = App::new(AppInit {
        profile: profile.clone(),
        contexts: vec![profile],
        theme: "default".into(),
        themes: ThemeRegistry::load(None, false),
        keymap,
        poll_interval: Duration::from_secs(2),
        force_read_only: false,
        warnings: vec![],
        now: health_fixtures::now(),
    });
    let _ = app.start();
    app.cluster = cluster;
    app
}

fn app(cluster: ClusterState) -> App {
    let profile = ConnectionProfile::new("prod", cluster.node_addrs());
    app_with(cluster, profile, Keymap::load(None).0)
}

fn draw(app: &App, w: u16, h: u16) -> Buffer {
    let mut term = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    term.draw(|f| strongroom::ui::draw(f, app)).expect("draw");
    term.backend().buffer().clone()
}

fn lines(buf: &Buffer) -> Vec<String> {
    (0..buf.area.height)
        .map(|y| {
            (0..buf.area.width)
                .map(|x| buf[(x, y)].symbol().to_string())
                .collect::<String>()
                .trim_end()
                .to_string()
        })
        .collect()
}

fn find(buf: &Buffer, needle: &str) -> (u16, u16) {
    for (y, line) in lines(buf).iter().enumerate() {
        if let Some(i) = line.find(needle) {
            return (line[..i].chars().count() as u16, y as u16);
        }
    }
    panic!("{needle:?} not on screen:\n{}", lines(buf).join("\n"));
}

#[test]
fn token_warnings_stay_in_the_status_bar_in_the_warning_style() {
    for (warning, badge) in [
        (TokenWarning::Flag, "⚠ TOKEN IN PROCESS LIST"),
        (
            TokenWarning::ReadableFile {
                path: PathBuf::from("/home/op/.vault-token"),
                mode: 0o100_644,
            },
            "⚠ TOKEN FILE MODE 0644",
        ),
        (
            TokenWarning::EnvUnset {
                var: "PROD_TOKEN".into(),
            },
            "⚠ NO TOKEN: PROD_TOKEN UNSET",
        ),
    ] {
        let cluster = health_fixtures::healthy_cluster();
        let profile = ConnectionProfile {
            token_source: TokenSource::Flag,
            token_warning: Some(warning),
            ..ConnectionProfile::new("prod", cluster.node_addrs())
        };
        let mut a = app_with(cluster, profile, Keymap::load(None).0);
        // Still there long after any toast would have gone.
        a.now += chrono::Duration::hours(3);
        for (w, h) in [(100, 30), (60, 16)] {
            let buf = draw(&a, w, h);
            assert!(lines(&buf)[0].contains(badge), "{}", lines(&buf)[0]);
            let (x, y) = find(&buf, badge);
            assert_eq!(y, 0);
            assert_eq!(buf[(x, y)].style().bg, a.theme().warning_banner.bg);
        }
    }
    // No warning, no badge.
    let buf = draw(&app(health_fixtures::healthy_cluster()), 100, 30);
    assert!(!lines(&buf)[0].contains('⚠'), "{}", lines(&buf)[0]);
}

#[test]
fn the_confirmation_dialog_shows_a_hostile_address_sanitised_with_a_typeable_phrase() {
    let mut a = app(health_fixtures::healthy_cluster());
    let addr = "http://127.0.0.1:21840\x1b]0;pwned\x07\x1b[2J\u{202e}";
    a.gate
        .submit(Write::One(Mutation::SealNode { addr: addr.into() }))
        .expect("accepted");
    let p = a.gate.pending().expect("pending");
    let Confirmation::Typed { phrase } = p.confirmation.clone() else {
        panic!("sealing needs a typed phrase");
    };
    assert_eq!(phrase, "seal 127.0.0.1:21840]0;pwned[2J");
    a.mode = Mode::Confirm;
    // Whatever got into the input (a paste filters control characters; set it directly).
    if let Some(input) = a.gate.typed_input() {
        input.text = "seal\x1b".into();
    }
    let buf = draw(&a, 100, 30);
    let all = lines(&buf).join("\n");
    assert!(
        !all.chars()
            .any(|c| c.is_control() && c != '\n' || c == '\u{202e}'),
        "{all}"
    );
    assert!(all.contains("127.0.0.1:21840�]0;pwned��[2J�"), "{all}");
    assert!(all.contains(&phrase), "{all}");
    assert!(all.contains("> seal�"), "{all}");
}

#[test]
fn footer_hints_follow_the_effective_bindings() {
    let dir = tempfile::tempdir().expect("tempdir");
    let f = dir.path().join("keymap.toml");
    std::fs::write(&f, "[health]\n\"q\" = \"refresh\"\n\"ctrl-q\" = \"quit\"\n").expect("write");
    let (keymap, warnings) = Keymap::load(Some(&f));
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    let cluster = health_fixtures::healthy_cluster();
    let profile = ConnectionProfile::new("prod", cluster.node_addrs());
    let a = app_with(cluster, profile, keymap);
    let buf = draw(&a, 160, 30);
    let footer = lines(&buf).pop().unwrap_or_default();
    assert!(footer.contains("ctrl-q quit"), "{footer}");
    assert!(!footer.contains(" q quit"), "{footer}");

    let buf = draw(&app(health_fixtures::healthy_cluster()), 160, 30);
    let footer = lines(&buf).pop().unwrap_or_default();
    assert!(footer.contains(" q quit"), "{footer}");
}

#[test]
fn absurd_server_times_and_metric_values_are_shown_as_invalid() {
    let mut cluster = health_fixtures::healthy_cluster();
    if let Remote::Ready(s) = &mut cluster.nodes[0].health {
        s.value.body.server_time_utc = Some(i64::MIN);
    }
    if let Remote::Ready(s) = &mut cluster.nodes[1].health {
        s.value.body.server_time_utc = Some(i64::MAX);
    }
    if let Remote::Ready(m) = &mut cluster.metrics.current {
        for g in m.value.gauges.iter_mut() {
            if g.name == strongroom::cluster::alerts::UNSEALED {
                g.value = -1e308;
            }
        }
    }
    let a = app(cluster);
    let buf = draw(&a, 100, 30);
    let all = lines(&buf).join("\n");
    let (x, y) = find(&buf, "bad");
    assert_eq!(buf[(x, y)].style().fg, a.theme().status_warn.fg, "{all}");
    assert_eq!(all.matches(" bad ").count(), 2, "{all}");
    assert!(all.contains("server time invalid"), "{all}");
    let (x, y) = find(&buf, "invalid -1e308");
    let row = &lines(&buf)[usize::from(y)];
    assert!(row.contains("warn"), "{row}");
    assert!(!row.contains(" ok"), "{row}");
    assert!(x > 0);
}
