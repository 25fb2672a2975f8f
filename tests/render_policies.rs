//! Render snapshots of the policies screen: the list (ready, loading, failed with stale data,
//! empty), a policy with its highlighting and findings, a capabilities answer with the rules
//! that decide, the editor and the diff before a save, the masked token prompt; at 100×30 and
//! 60×16. Cell checks: the HCL is drawn in the syntax slots, a high finding in the danger style,
//! escape sequences from the server never reach the terminal, the typed token never shows.
// Test crate: helpers outside #[test] fns fail the test with a message via expect.
#![allow(clippy::expect_used)]

#[path = "common/health_fixtures.rs"]
mod health_fixtures;
#[path = "common/render_app.rs"]
mod render_app;
#[path = "common/screen_text.rs"]
mod screen_text;

mod policies_support;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;

use policies_support::fixtures;
use render_app::app_with;
use screen_text::text;
use strongroom::app::App;
use strongroom::policy::diff::diff_lines;
use strongroom::theme::ThemeRegistry;
use strongroom::ui::screens::Screen;
use strongroom::ui::screens::policies::{
    CapQuestion, CapState, EditState, Load, Pane, PoliciesScreen,
};
use strongroom::vault::VaultError;
use strongroom::vault::models::policies::CapabilityAnswer;

fn screen() -> PoliciesScreen {
    PoliciesScreen::with_policies(
        fixtures(),
        health_fixtures::now() - chrono::Duration::seconds(12),
    )
}

fn draw(app: &App, w: u16, h: u16) -> Buffer {
    let mut term = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    term.draw(|f| strongroom::ui::draw(f, app)).expect("draw");
    term.backend().buffer().clone()
}

fn snap(name: &str, s: PoliciesScreen) -> App {
    let app = app_with(Screen::Policies(Box::new(s)));
    for (w, h) in [(100, 30), (60, 16)] {
        let buf = draw(&app, w, h);
        let t = text(&buf);
        assert!(!t.contains('\x1b') && !t.contains('\x07'), "{t}");
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), t);
    }
    app
}

/// The first cell whose symbol starts `word` on the screen.
fn find(buf: &Buffer, word: &str) -> Option<(u16, u16)> {
    let area = buf.area;
    for y in 0..area.height {
        let line: String = (0..area.width)
            .map(|x| buf[(x, y)].symbol().to_string())
            .collect();
        if let Some(i) = line.find(word) {
            let col = line[..i].chars().count();
            return Some((u16::try_from(col).ok()?, y));
        }
    }
    None
}

#[test]
fn render_list() {
    let mut s = screen();
    s.selected = 1;
    snap("policies_list", s);
}

#[test]
fn render_loading_failed_and_empty() {
    let mut s = PoliciesScreen::new();
    s.load = Load::Loading;
    snap("policies_loading", s);
    let mut s = screen();
    s.load = Load::Failed(VaultError::PermissionDenied {
        errors: vec!["1 error occurred:\n\t* permission denied\n\n".into()],
    });
    s.unreadable = vec![("secret-ops".into(), "permission denied".into())];
    snap("policies_failed_stale", s);
    let mut s = screen();
    s.set_filter("nothing-matches".into());
    snap("policies_filtered_empty", s);
}

#[test]
fn render_viewer_with_highlighting_and_findings() {
    let mut s = screen();
    s.pane = Pane::View {
        name: "ops-admin".into(),
        scroll: 0,
    };
    let app = snap("policies_viewer", s);
    let themes = ThemeRegistry::load(None, false);
    let theme = themes.get("default").expect("default theme");
    let buf = draw(&app, 100, 30);
    let (x, y) = find(&buf, "path \"sys/*\"").expect("the rule");
    assert_eq!(buf[(x, y)].fg, theme.syntax_keyword.fg.expect("fg"));
    assert_eq!(buf[(x + 5, y)].fg, theme.syntax_string.fg.expect("fg"));
    let (x, y) = find(&buf, "\"sudo\"]").expect("the capability");
    assert_eq!(buf[(x, y)].fg, theme.syntax_capability.fg.expect("fg"));
    let (x, y) = find(&buf, "/* break-glass").expect("the comment");
    assert_eq!(buf[(x, y)].fg, theme.syntax_comment.fg.expect("fg"));
    let (x, y) = find(&buf, "│high   L").expect("a high finding");
    assert_eq!(buf[(x + 1, y)].fg, theme.status_danger.fg.expect("fg"));

    // A hostile policy: its escape sequences are drawn as placeholders.
    let mut s = screen();
    s.pane = Pane::View {
        name: "evil\x1b[31m".into(),
        scroll: 0,
    };
    snap("policies_viewer_hostile", s);
}

fn answer(path: &str, caps: &[&str], policies: &[&str]) -> CapabilityAnswer {
    CapabilityAnswer {
        path: path.into(),
        capabilities: caps.iter().map(|c| (*c).to_string()).collect(),
        own_token: false,
        policies: Ok(policies.iter().map(|c| (*c).to_string()).collect()),
    }
}

#[test]
fn render_capabilities_answers() {
    let mut s = screen();
    s.pane = Pane::Capabilities(Box::new(CapQuestion {
        path: "secret/data/apps/vault-admin".into(),
        other_token: true,
        state: CapState::Ready(answer(
            "secret/data/apps/vault-admin",
            &["deny"],
            &["apps-reader", "default", "team-x"],
        )),
        scroll: 0,
    }));
    snap("policies_capabilities", s);
    let mut s = screen();
    s.pane = Pane::Capabilities(Box::new(CapQuestion {
        path: "kv/other".into(),
        other_token: false,
        state: CapState::Ready(CapabilityAnswer {
            own_token: true,
            ..answer("kv/other", &["deny"], &["default"])
        }),
        scroll: 0,
    }));
    snap("policies_capabilities_default_deny", s);
    let mut s = screen();
    s.pane = Pane::Capabilities(Box::new(CapQuestion {
        path: "secret/data/x".into(),
        other_token: true,
        state: CapState::Failed(VaultError::Http {
            status: 400,
            errors: vec!["invalid token".into()],
        }),
        scroll: 0,
    }));
    snap("policies_capabilities_failed", s);
}

#[test]
fn render_editor_and_diff_before_save() {
    let mut s = screen();
    let mut e = EditState::new(
        "apps-reader",
        policies_support::READER,
        policies_support::READER,
        false,
        Some(3),
    );
    s.pane = Pane::Edit(Box::new(e.clone()));
    snap("policies_editor", s);
    let mut s = screen();
    let new = policies_support::READER.replace("\"read\", \"list\"", "\"read\"")
        + "path \"sys/seal\" {\n  capabilities = [\"deny\"]\n}\n";
    e.buffer.replace(new.lines().map(str::to_string).collect());
    e.diff = diff_lines(policies_support::READER, &e.text());
    s.pane = Pane::Diff(Box::new(e));
    snap("policies_diff", s);
}

#[test]
fn the_token_prompt_is_masked() {
    let mut app = app_with(Screen::Policies(Box::new(screen())));
    let k = |c| strongroom::event::Msg::Key(KeyEvent::new(c, KeyModifiers::NONE));
    app.update(k(KeyCode::Char('c')));
    for c in "secret/data/apps/db".chars() {
        app.update(k(KeyCode::Char(c)));
    }
    app.update(k(KeyCode::Enter));
    for c in "s.canarytoken123".chars() {
        app.update(k(KeyCode::Char(c)));
    }
    for (w, h) in [(100, 30), (60, 16)] {
        let t = text(&draw(&app, w, h));
        assert!(!t.contains("canary"), "{t}");
        insta::assert_snapshot!(format!("policies_token_prompt_{w}x{h}"), t);
    }
}
