//! Toasts: short messages stacked at the bottom right of the body.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Widget};

use crate::app::{App, ToastLevel};
use crate::sanitize::sanitize;

pub fn render(app: &App, body: Rect, buf: &mut Buffer) {
    let t = app.theme();
    let mut visible: Vec<(String, ToastLevel)> = app
        .toasts
        .iter()
        .filter(|x| x.until > app.now)
        .map(|x| (x.text.clone(), x.level))
        .collect();
    // The copy countdown sits at the bottom while it runs.
    if let Some(c) = app.copy_countdown.as_ref().filter(|c| c.visible(app.now)) {
        visible.push((c.text(app.now), ToastLevel::Info));
    }
    let mut y = body.bottom();
    for (toast_text, level) in visible.iter().rev() {
        if y <= body.y {
            break;
        }
        y -= 1;
        let text = format!(" {} ", sanitize(toast_text));
        let w = (text.chars().count() as u16).min(body.width);
        let area = Rect {
            x: body.right().saturating_sub(w),
            y,
            width: w,
            height: 1,
        };
        let style = match level {
            ToastLevel::Info => t.dialog,
            ToastLevel::Warn => t.status_warn,
            ToastLevel::Error => t.status_danger,
        };
        Clear.render(area, buf);
        buf.set_style(area, style);
        Line::styled(text, style).render(area, buf);
    }
}
