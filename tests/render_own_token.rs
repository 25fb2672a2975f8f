//! Render snapshots of the console's own token: the status bar's TTL in each state (normal,
//! under 10 %, under 5 minutes, expired, refused, never expires, after a login) with its style,
//! and the login dialog (token, userpass with a failure, approle) at 100×30 and 60×16. What is
//! typed into a secret field never shows.
// Test crate: helpers outside #[test] fns fail the test with a message via expect.
#![allow(clippy::expect_used)]

#[path = "common/health_fixtures.rs"]
mod health_fixtures;

#[path = "common/render_app.rs"]
mod render_app;
#[path = "common/screen_text.rs"]
mod screen_text;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;

use render_app::app_with;
use screen_text::text;
use strongroom::app::App;
use strongroom::event::Msg;
use strongroom::ui::screens::Screen;
use strongroom::ui::screens::health::HealthScreen;
use strongroom::vault::login::LoginMethod;
use strongroom::vault::models::tokens::TokenInfo;

const SECRET: &str = "pw-Canary-0d9e";

fn draw(app: &App, w: u16, h: u16) -> Buffer {
    let mut term = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    term.draw(|f| strongroom::ui::draw(f, app)).expect("draw");
    term.backend().buffer().clone()
}

fn app() -> App {
    let mut app = app_with(Screen::Health(HealthScreen::default()));
    app.own_token.tracking = true;
    app
}

/// The token as looked up now: `ttl` seconds left of `creation_ttl`.
fn with_token(ttl: Option<i64>, creation_ttl: i64) -> App {
    let mut app = app();
    let now = health_fixtures::now();
    let info: TokenInfo = serde_json::from_value(serde_json::json!({
        "ttl": ttl.unwrap_or(0), "creation_ttl": creation_ttl, "renewable": ttl.is_some(),
        "expire_time": ttl.map(|t| (now + chrono::Duration::seconds(t)).to_rfc3339()),
    }))
    .expect("info");
    app.own_token.info.succeed(info, now);
    app
}

fn status_line(app: &App) -> (String, Buffer) {
    let buf = draw(app, 100, 30);
    let line = text(&buf).lines().next().unwrap_or_default().to_string();
    (line, buf)
}

/// The style of the first cell of `needle` in the status bar.
fn style_of(buf: &Buffer, line: &str, needle: &str) -> ratatui::style::Style {
    let col = line
        .chars()
        .collect::<Vec<_>>()
        .windows(needle.chars().count())
        .position(|w| w.iter().collect::<String>() == needle)
        .expect("text in the status bar");
    buf[(u16::try_from(col).expect("col"), 0)].style()
}

#[test]
fn status_bar_ttl_states() {
    let mut lines = Vec::new();
    let theme = app().theme().clone();
    // Normal: plenty left.
    let (l, b) = status_line(&with_token(Some(2 * 3600 + 5 * 60), 4 * 3600));
    assert_eq!(style_of(&b, &l, "ttl 2h05m").fg, theme.muted.fg);
    lines.push(l);
    // Under 10 % of a long TTL (but over 5 minutes): warning.
    let (l, b) = status_line(&with_token(Some(20 * 60), 4 * 3600));
    assert_eq!(style_of(&b, &l, "ttl 20m00s").fg, theme.status_warn.fg);
    lines.push(l);
    // Under 5 minutes: warning.
    let (l, b) = status_line(&with_token(Some(252), 600));
    assert_eq!(style_of(&b, &l, "ttl 4m12s").fg, theme.status_warn.fg);
    lines.push(l);
    // Past its expiry, not yet confirmed: danger.
    let (l, b) = status_line(&with_token(Some(-3), 600));
    assert_eq!(style_of(&b, &l, "token expired").fg, theme.status_danger.fg);
    lines.push(l);
    // Refused by the server.
    let mut dead = with_token(Some(1800), 3600);
    dead.own_token.dead = Some("revoked".into());
    let (l, b) = status_line(&dead);
    assert_eq!(style_of(&b, &l, "TOKEN REFUSED").fg, theme.status_danger.fg);
    lines.push(l);
    // Root: never expires.
    lines.push(status_line(&with_token(None, 0)).0);
    // After a userpass login.
    let mut logged = with_token(Some(3000), 3600);
    logged.own_token.logged_in = Some((LoginMethod::Userpass, "userpass".into()));
    lines.push(status_line(&logged).0);
    // Not looked up yet: nothing.
    lines.push(status_line(&app()).0);
    insta::assert_snapshot!("own_token_status_bar", lines.join("\n"));
}

#[test]
fn the_countdown_follows_the_clock() {
    let mut app = with_token(Some(90), 600);
    assert!(status_line(&app).0.contains("ttl 1m30s"));
    app.now += chrono::Duration::seconds(31);
    assert!(status_line(&app).0.contains("ttl 59s"));
}

fn key(app: &mut App, code: KeyCode) {
    app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

fn type_str(app: &mut App, s: &str) {
    for c in s.chars() {
        key(app, KeyCode::Char(c));
    }
}

fn ctrl_t(app: &mut App) {
    app.update(Msg::Key(KeyEvent::new(
        KeyCode::Char('t'),
        KeyModifiers::CONTROL,
    )));
}

fn snap_dialog(name: &str, app: &App) {
    for (w, h) in [(100, 30), (60, 16)] {
        let t = text(&draw(app, w, h));
        assert!(!t.contains(SECRET), "{t}");
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), t);
    }
}

#[test]
fn login_dialog_token() {
    let mut app = with_token(Some(1800), 3600);
    app.own_token.dead = Some("The console's token was revoked or is no longer valid.".into());
    app.run_command("login");
    app.update(Msg::Paste(SECRET.into()));
    snap_dialog("login_token", &app);
}

#[test]
fn login_dialog_userpass_failed() {
    let mut app = with_token(Some(1800), 3600);
    app.run_command("login");
    ctrl_t(&mut app);
    type_str(&mut app, "alice");
    key(&mut app, KeyCode::Tab);
    type_str(&mut app, SECRET);
    if let Some(d) = app.login.as_mut() {
        d.error = Some("invalid username or password".into());
    }
    snap_dialog("login_userpass_failed", &app);
}

#[test]
fn login_dialog_approle() {
    let mut app = with_token(Some(1800), 3600);
    app.run_command("login");
    ctrl_t(&mut app);
    ctrl_t(&mut app);
    type_str(&mut app, "9a1c-role");
    key(&mut app, KeyCode::Tab);
    type_str(&mut app, SECRET);
    snap_dialog("login_approle", &app);
}
