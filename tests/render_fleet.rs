//! Render snapshots of the fleet view in each state: loading, all ok, one sealed, one
//! unreachable, mixed versions flagged, token TTL low / no token, stale data; at 100×30 and
//! 60×16, from the captured health fixtures at the fixed clock. Plus the update flow of `enter`
//! (the context's health screen, the fleet kept below it) and `esc` (back to the fleet).
// Test crate: helpers outside #[test] fns fail the test with a message via expect.
#![allow(clippy::expect_used)]

#[path = "common/health_fixtures.rs"]
mod health_fixtures;

#[path = "common/render_app.rs"]
mod render_app;

#[path = "common/screen_text.rs"]
mod screen_text;

use std::time::Duration;

use chrono::{DateTime, Utc};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use screen_text::text;

use strongroom::action::Action;
use strongroom::cluster::ClusterState;
use strongroom::command::{Command, Request};
use strongroom::config::ConnectionProfile;
use strongroom::fleet::{FleetPoll, PollOutcome, TokenTtl};
use strongroom::remote::Remote;
use strongroom::ui::screens::Screen;
use strongroom::ui::screens::fleet::FleetScreen;
use strongroom::vault::VaultError;

const NAMES: [&str; 4] = ["sandbox", "dev", "lab", "staging"];

fn now() -> DateTime<Utc> {
    health_fixtures::now()
}

fn profiles() -> Vec<ConnectionProfile> {
    NAMES
        .iter()
        .enumerate()
        .map(|(i, n)| ConnectionProfile::new(*n, vec![format!("http://127.0.0.1:{}", 8200 + i)]))
        .collect()
}

fn screen() -> FleetScreen {
    FleetScreen::new(profiles(), Duration::from_secs(5))
}

fn token(secs: i64) -> TokenTtl {
    TokenTtl::Ttl {
        secs,
        at: now() - chrono::Duration::seconds(1),
    }
}

fn done(s: &mut FleetScreen, name: &str, cluster: ClusterState, token: TokenTtl, age: i64) {
    s.state.apply(
        name,
        PollOutcome::Done(Box::new(FleetPoll {
            cluster,
            token,
            at: now() - chrono::Duration::seconds(age),
        })),
    );
}

/// Every row answered: the sandbox (3 raft nodes), a dev server, two more healthy clusters.
fn all_ok() -> FleetScreen {
    let mut s = screen();
    done(
        &mut s,
        "sandbox",
        health_fixtures::healthy_cluster(),
        token(7200),
        1,
    );
    done(
        &mut s,
        "dev",
        health_fixtures::dev_server(),
        TokenTtl::NoExpiry,
        2,
    );
    done(
        &mut s,
        "lab",
        health_fixtures::healthy_cluster(),
        token(86_400),
        1,
    );
    done(
        &mut s,
        "staging",
        health_fixtures::healthy_cluster(),
        token(7200),
        3,
    );
    s
}

fn snap(name: &str, screen: FleetScreen) {
    let mut app = render_app::app_with(Screen::Fleet(Box::new(screen)));
    app.now = now();
    app.cluster.context = "sandbox".into();
    for (w, h) in [(100, 30), (60, 16)] {
        let mut term = Terminal::new(TestBackend::new(w, h)).expect("terminal");
        term.draw(|f| strongroom::ui::draw(f, &app)).expect("draw");
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), text(term.backend().buffer()));
    }
}

#[test]
fn render_loading() {
    let mut s = screen();
    for i in s.state.due(now()) {
        s.state.sent(i, now());
    }
    snap("fleet_loading", s);
}

#[test]
fn render_all_ok() {
    snap("fleet_all_ok", all_ok());
}

#[test]
fn render_one_sealed() {
    let mut s = all_ok();
    done(
        &mut s,
        "lab",
        health_fixtures::one_sealed(),
        token(86_400),
        1,
    );
    snap("fleet_one_sealed", s);
}

#[test]
fn render_one_unreachable() {
    let mut s = all_ok();
    s.state.apply("staging", PollOutcome::TimedOut { secs: 10 });
    let mut dead = ClusterState::new(&["http://127.0.0.1:8202".to_string()]);
    dead.apply(strongroom::vault::models::cluster::ClusterPoll {
        at: now(),
        nodes: vec![strongroom::vault::models::cluster::NodeReport {
            addr: "http://127.0.0.1:8202".into(),
            health: Err(VaultError::Connect {
                addr: "http://127.0.0.1:8202".into(),
                reason: "Connection refused".into(),
            }),
            seal: None,
            leader: None,
            latency_ms: Some(1),
            metrics: None,
        }],
        cluster: Default::default(),
    });
    let mut fresh = screen();
    done(&mut fresh, "lab", dead.clone(), TokenTtl::Unknown, 0);
    s.state.rows[2] = fresh.state.rows[2].clone();
    // The unreachable row selected: the last line says why.
    s.selected = 2;
    snap("fleet_one_unreachable", s);
}

#[test]
fn render_mixed_versions() {
    let mut s = all_ok();
    let mut c = health_fixtures::healthy_cluster();
    if let Remote::Ready(h) = &mut c.nodes[1].health {
        h.value.body.version = Some("2.6.0".into());
    }
    done(&mut s, "lab", c, token(86_400), 1);
    snap("fleet_mixed_versions", s);
}

#[test]
fn render_token_low_and_no_token() {
    let mut s = all_ok();
    done(
        &mut s,
        "sandbox",
        health_fixtures::healthy_cluster(),
        token(300),
        1,
    );
    done(
        &mut s,
        "lab",
        health_fixtures::healthy_cluster(),
        TokenTtl::NoToken,
        1,
    );
    done(
        &mut s,
        "staging",
        health_fixtures::healthy_cluster(),
        TokenTtl::Failed(VaultError::PermissionDenied {
            errors: vec!["permission denied".into()],
        }),
        1,
    );
    snap("fleet_token_low", s);
}

#[test]
fn render_stale() {
    let mut s = all_ok();
    done(
        &mut s,
        "lab",
        health_fixtures::healthy_cluster(),
        token(86_400),
        95,
    );
    snap("fleet_stale", s);
}

#[test]
fn render_filtered() {
    let mut s = all_ok();
    s.set_filter("ag".into());
    snap("fleet_filtered", s);
}

#[test]
fn render_sorted_by_state() {
    let mut s = all_ok();
    done(
        &mut s,
        "lab",
        health_fixtures::one_sealed(),
        token(86_400),
        1,
    );
    s.state.apply("staging", PollOutcome::TimedOut { secs: 10 });
    let ctx = strongroom::ui::screens::ScreenCtx {
        cluster: &health_fixtures::healthy_cluster(),
        now: now(),
        body: ratatui::layout::Rect::default(),
        namespace: None,
    };
    s.on_action(Action::Down, &ctx);
    assert_eq!(s.selected_context(), Some("dev"));
    s.on_action(Action::FleetSort, &ctx);
    let order: Vec<&str> = s
        .visible()
        .iter()
        .map(|&i| s.state.rows[i].context.as_str())
        .collect();
    assert_eq!(order, vec!["staging", "lab", "sandbox", "dev"]);
    assert_eq!(
        s.selected_context(),
        Some("dev"),
        "the cursor follows its context"
    );
    snap("fleet_sorted_by_state", s);
}

/// `enter` switches to the selected context (its health screen) with the fleet kept below;
/// `esc` comes back to the fleet with its rows and cursor.
#[test]
fn enter_switches_context_and_esc_comes_back() {
    let mut app = render_app::base_app();
    app.contexts = profiles();
    let cmds = app.run_command("fleet");
    let polls: Vec<&str> = cmds
        .iter()
        .filter_map(|c| match c {
            Command::Fetch {
                request: Request::Fleet(r),
                ..
            } => Some(r.context()),
            _ => None,
        })
        .collect();
    assert_eq!(
        polls,
        vec!["sandbox", "dev", "lab", "staging"],
        "four at once"
    );
    if let Some(Screen::Fleet(f)) = app.screens.last_mut() {
        done(f, "lab", health_fixtures::healthy_cluster(), token(600), 1);
    }
    app.on_action(Action::Down);
    app.on_action(Action::Down);
    let cmds = app.on_action(Action::Select);
    assert_eq!(app.profile.context, "lab");
    assert!(
        cmds.iter()
            .any(|c| matches!(c, Command::Connect { profile } if profile.context == "lab")),
        "a new connection: {cmds:?}"
    );
    let kinds: Vec<&str> = app.screens.iter().map(|s| s.title()).collect();
    assert_eq!(kinds, vec!["Fleet", "Health screen"]);
    app.on_action(Action::Back);
    match app.screen() {
        Screen::Fleet(f) => {
            assert_eq!(f.selected_context(), Some("lab"), "the cursor kept");
            assert!(f.state.rows[2].cluster.is_some(), "the rows kept");
            assert_eq!(f.state.in_flight(app.now), 0, "dropped replies forgotten");
        }
        other => panic!("not the fleet: {}", other.title()),
    }
    // `:fleet` again does not open a second one.
    app.run_command("fleet");
    assert_eq!(app.screens.len(), 1);
    // `:health` from the fleet alone opens the health screen on top of it (found by hand).
    app.run_command("health");
    let kinds: Vec<&str> = app.screens.iter().map(|s| s.title()).collect();
    assert_eq!(kinds, vec!["Fleet", "Health screen"]);
    app.run_command("fleet");
    assert_eq!(app.screens.len(), 1);
}
