//! Render snapshots of the tools screen: the empty unwrap tab, unwrapped data masked and
//! revealed, a lookup, a failure, random bytes, the share dialog with its token masked and
//! revealed, and the copy countdown toast; at 100×30 and 60×16. Masked output never shows the
//! secret's text.
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

use ratatui::Terminal;
use ratatui::backend::TestBackend;

use strongroom::action::Action;
use strongroom::app::{App, CopyCountdown};
use strongroom::reply::Reply;
use strongroom::ui::screens::tools::{Tool, ToolsScreen, share_screen};
use strongroom::ui::screens::{Screen, ScreenCtx};
use strongroom::vault::VaultError;
use strongroom::vault::models::kv::KvVersion;
use strongroom::vault::models::wrapping::{SecretText, Unwrapped, WrapInfo, WrapLookup};
use strongroom::vault::tools::ToolsReply;

const VALUE: &str = "fixture-pw-7f3a";

fn draw(app: &App, w: u16, h: u16) -> String {
    let mut term = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    term.draw(|f| strongroom::ui::draw(f, app)).expect("draw");
    text(term.backend().buffer())
}

fn snap_app(name: &str, app: &App) -> String {
    let mut big = String::new();
    for (w, h) in [(100, 30), (60, 16)] {
        let t = draw(app, w, h);
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), t);
        if w == 100 {
            big = t;
        }
    }
    big
}

fn snap(name: &str, screen: Screen) -> String {
    snap_app(name, &app_with(screen))
}

/// A screen after a reply and some actions, as the app would have it.
fn tools_after(tool: Tool, reply: ToolsReply, actions: &[Action]) -> Screen {
    let mut s = Screen::Tools(ToolsScreen::new(tool));
    let cluster = health_fixtures::healthy_cluster();
    let ctx = ScreenCtx {
        cluster: &cluster,
        now: health_fixtures::now(),
        body: ratatui::layout::Rect::new(0, 0, 100, 28),
        namespace: None,
    };
    s.on_reply(Reply::Tools(reply), &ctx);
    for a in actions {
        s.on_action(*a, &ctx);
    }
    s
}

fn unwrapped() -> ToolsReply {
    ToolsReply::Unwrap(Ok(Unwrapped::from_answer(&serde_json::json!({
        "data": {"password": VALUE, "username": "app-user", "port": 5432}
    }))))
}

#[test]
fn unwrap_tab_empty() {
    snap(
        "tools_unwrap_empty",
        Screen::Tools(ToolsScreen::new(Tool::Unwrap)),
    );
}

#[test]
fn unwrapped_masked_then_revealed() {
    let masked = snap(
        "tools_unwrapped_masked",
        tools_after(Tool::Unwrap, unwrapped(), &[]),
    );
    assert!(!masked.contains(VALUE), "{masked}");
    assert!(masked.contains("password"));
    let revealed = snap(
        "tools_unwrapped_revealed",
        tools_after(Tool::Unwrap, unwrapped(), &[Action::RevealOutput]),
    );
    assert!(revealed.contains(VALUE), "{revealed}");
}

#[test]
fn lookup_failure_random_hash() {
    snap(
        "tools_lookup",
        tools_after(
            Tool::Lookup,
            ToolsReply::Lookup(Ok(WrapLookup {
                creation_path: "sys/wrapping/wrap".into(),
                creation_time: "2026-11-23T10:00:00.123Z".into(),
                creation_ttl: 3600,
            })),
            &[],
        ),
    );
    snap(
        "tools_unwrap_failed",
        tools_after(
            Tool::Unwrap,
            ToolsReply::Unwrap(Err(VaultError::Http {
                status: 400,
                errors: vec!["wrapping token is not valid or does not exist".into()],
            })),
            &[],
        ),
    );
    let random = snap(
        "tools_random_masked",
        tools_after(
            Tool::Random,
            ToolsReply::Random(Ok(SecretText::from("q83vEjRWeJA="))),
            &[],
        ),
    );
    assert!(!random.contains("q83vEjRWeJA="));
}

fn share_with_token(reveal: bool) -> Screen {
    let Screen::Tools(mut s) = share_screen(
        "http://127.0.0.1:8200".into(),
        "secret/".into(),
        KvVersion::V2,
        "apps/payments/db".into(),
        Some(3),
    ) else {
        panic!("the share dialog is the tools screen")
    };
    s.awaiting = Some("wrap".into());
    s.on_write_done(&strongroom::reply::WriteOutcome {
        summary: "wrap".into(),
        items: vec![strongroom::reply::ItemResult {
            item: "secret/apps/payments/db".into(),
            result: Ok(strongroom::reply::WriteResult::Wrapped(WrapInfo {
                token: SecretText::from("s.fixture-wrap-token"),
                accessor: "Kx2LjY0ZbYk8u0mT5JmT7m2N".into(),
                ttl: 3600,
                creation_time: "2026-11-23T10:00:00Z".into(),
                creation_path: "secret/data/apps/payments/db".into(),
            })),
        }],
    });
    s.revealed = reveal;
    Screen::Tools(s)
}

#[test]
fn share_dialog_before_and_after() {
    snap(
        "tools_share_ttl",
        share_screen(
            "http://127.0.0.1:8200".into(),
            "secret/".into(),
            KvVersion::V2,
            "apps/payments/db".into(),
            None,
        ),
    );
    let masked = snap("tools_share_token_masked", share_with_token(false));
    assert!(!masked.contains("fixture-wrap-token"), "{masked}");
    let revealed = snap("tools_share_token_revealed", share_with_token(true));
    assert!(revealed.contains("s.fixture-wrap-token"), "{revealed}");
}

#[test]
fn copy_countdown_toast() {
    let mut app = app_with(tools_after(
        Tool::Random,
        ToolsReply::Random(Ok(SecretText::from("x"))),
        &[],
    ));
    app.copy_countdown = Some(CopyCountdown {
        label: "random bytes".into(),
        clears_at: app.now + chrono::Duration::seconds(27),
    });
    let shown = snap_app("tools_copy_countdown", &app);
    assert!(
        shown.contains("copied random bytes · clears in 27 s"),
        "{shown}"
    );
}
