//! Status bar and footer.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use crate::action::Action;
use crate::app::{App, Mode};
use crate::config::TokenSource;
use crate::keymap::KeyContext;
use crate::sanitize::sanitize;

pub fn render_status_bar(app: &App, area: Rect, buf: &mut Buffer) {
    if area.height == 0 {
        return;
    }
    let t = app.theme();
    buf.set_style(area, t.status_bar);
    let mut spans = vec![
        Span::styled(" strongroom ", t.title),
        Span::styled(
            format!("ctx {} ", sanitize(&app.profile.context)),
            t.status_bar,
        ),
    ];
    if app.profile.sandbox {
        spans.push(Span::styled(" SANDBOX ", t.badge_sandbox));
        spans.push(Span::raw(" "));
    }
    if app.read_only() {
        spans.push(Span::styled(" READ-ONLY ", t.badge_read_only));
        spans.push(Span::raw(" "));
    }
    if app.profile.skip_verify {
        spans.push(Span::styled(" ⚠ TLS VERIFICATION OFF ", t.warning_banner));
        spans.push(Span::raw(" "));
    }
    // Like TLS off: permanent for as long as this profile is in use.
    if let Some(w) = &app.profile.token_warning {
        spans.push(Span::styled(format!(" {} ", w.badge()), t.warning_banner));
        spans.push(Span::raw(" "));
    }
    let token = match &app.profile.token_source {
        TokenSource::None => "no token".to_string(),
        TokenSource::Flag => "token: --token".to_string(),
        TokenSource::Env(v) => format!("token: {v}"),
        TokenSource::HelperFile(_) => "token: ~/.vault-token".to_string(),
        TokenSource::ContextFile(_) => "token: file".to_string(),
        TokenSource::Sandbox => "token: sandbox root".to_string(),
    };
    let token = super::token_status::source_label(app).unwrap_or(token);
    spans.push(Span::styled(token, t.muted));
    spans.extend(super::token_status::spans(app));
    if let Some(ns) = &app.profile.namespace {
        spans.push(Span::styled(format!("  ns {}", sanitize(ns)), t.muted));
    }
    let left = Line::from(spans);
    let left_width = left.width() as u16;
    left.render(area, buf);

    let right = match (app.poll.last_sent, app.cluster.last_poll) {
        (None, _) => String::new(),
        (Some(_), None) => "polling… ".to_string(),
        (Some(_), Some(at)) => format!(
            "polled {} ago · {} ",
            short_age(app.now - at),
            app.theme_name
        ),
    };
    let w = right.chars().count() as u16;
    if left_width + w < area.width {
        let r = Rect {
            x: area.x + area.width - w,
            width: w,
            ..area
        };
        Line::from(Span::styled(right, t.muted)).render(r, buf);
    }
}

/// `3s`, `2m`, `1h` — coarse ages for chrome.
pub fn short_age(d: chrono::Duration) -> String {
    let s = d.num_seconds().max(0);
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m", s / 60),
        _ => format!("{}h", s / 3600),
    }
}

pub fn render_footer(app: &App, area: Rect, buf: &mut Buffer) {
    if area.height == 0 {
        return;
    }
    let t = app.theme();
    buf.set_style(area, t.text);
    let line = match &app.mode {
        Mode::Command(l) => Line::from(vec![
            Span::styled(":", t.key_hint),
            Span::styled(l.text.clone(), t.command_line),
        ]),
        Mode::Filter(l) => Line::from(vec![
            Span::styled("/", t.key_hint),
            Span::styled(l.text.clone(), t.command_line),
        ]),
        _ => hints(app),
    };
    line.render(area, buf);
}

fn hints(app: &App) -> Line<'static> {
    let t = app.theme();
    let (ctx, actions): (KeyContext, &[Action]) = match app.mode {
        Mode::Help { .. } => (KeyContext::Help, &[Action::Back, Action::Down, Action::Up]),
        Mode::Confirm => (KeyContext::Confirm, &[Action::Confirm, Action::Cancel]),
        Mode::Login => (KeyContext::Login, super::token_status::LOGIN_HINTS),
        _ => (app.screen().key_context(), app.screen().hints()),
    };
    let mut spans = Vec::new();
    for a in actions {
        if let Some(chord) = app.keymap.hint(ctx, *a) {
            spans.push(Span::styled(format!(" {chord}"), t.key_hint));
            spans.push(Span::styled(format!(" {} ", short_desc(*a)), t.muted));
        }
    }
    if !app.screen().filter().is_empty() {
        spans.push(Span::styled(
            format!(" filter: {}", sanitize(app.screen().filter())),
            t.key_hint,
        ));
    }
    Line::from(spans)
}

fn short_desc(a: Action) -> &'static str {
    match a {
        Action::Help => "help",
        Action::CommandLine => "command",
        Action::Filter => "filter",
        Action::FocusNext => "panel",
        Action::Refresh => "refresh",
        Action::SealNode => "seal",
        Action::StepDown => "step-down",
        Action::Quit => "quit",
        Action::Back => "back",
        Action::Down => "down",
        Action::Up => "up",
        Action::Confirm => "confirm",
        Action::Cancel => "cancel",
        Action::LoginMethod => "method",
        other => other.name(),
    }
}

/// Where the terminal cursor goes (in the command line or the filter).
pub fn cursor_position(app: &App, footer: Rect) -> Option<(u16, u16)> {
    match &app.mode {
        Mode::Command(l) | Mode::Filter(l) if footer.height > 0 => {
            let x = footer.x + 1 + l.cursor as u16;
            Some((x.min(footer.right().saturating_sub(1)), footer.y))
        }
        _ => None,
    }
}
