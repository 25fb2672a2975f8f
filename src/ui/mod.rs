//! The UI: chrome (status bar, footer, toasts, overlays) around the active screen. Drawing is a
//! pure function of `App` (its clock and size are inputs); nothing here does I/O.

pub mod chrome;
pub mod dialog;
pub mod help;
pub mod layout;
pub mod login;
pub mod screens;
pub mod toast;
pub mod token_status;
pub mod widgets;

use ratatui::Frame;

use crate::app::{App, Mode};
use screens::ScreenCtx;

/// Draw the whole console.
pub fn draw(frame: &mut Frame, app: &App) {
    let area = frame.area();
    let theme = app.theme();
    let buf = frame.buffer_mut();
    buf.set_style(area, theme.text);
    let parts = layout::split(area);
    chrome::render_status_bar(app, parts.status, buf);
    let ctx = ScreenCtx {
        cluster: &app.cluster,
        now: app.now,
        body: parts.body,
        namespace: app.profile.namespace.as_deref(),
    };
    app.screen().render(&ctx, theme, parts.body, buf);
    chrome::render_footer(app, parts.footer, buf);
    toast::render(app, parts.body, buf);
    match &app.mode {
        Mode::Help { scroll } => help::render(app, *scroll, area, buf),
        Mode::Confirm => dialog::render_confirm(app, area, buf),
        Mode::Login => login::render_login(app, area, buf),
        _ => {}
    }
    let cursor = match app.mode {
        Mode::Login => login::cursor_position(app, area),
        _ => chrome::cursor_position(app, parts.footer),
    };
    if let Some((x, y)) = cursor {
        frame.set_cursor_position((x, y));
    }
}
