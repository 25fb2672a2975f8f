//! Toasts: short messages stacked at the bottom right of the body.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Widget};

use crate::app::{App, ToastLevel};
use crate::sanitize::sanitize;

pub fn render(app: &App, body: Rect, buf: &mut Buffer) {
    let t = app.theme();
    let visible: Vec<_> = app.toasts.iter().filter(|x| x.until > app.now).collect();
    let mut y = body.bottom();
    for toast in visible.iter().rev() {
        if y <= body.y {
            break;
        }
        y -= 1;
        let text = format!(" {} ", sanitize(&toast.text));
        let w = (text.chars().count() as u16).min(body.width);
        let area = Rect {
            x: body.right().saturating_sub(w),
            y,
            width: w,
            height: 1,
        };
        let style = match toast.level {
            ToastLevel::Info => t.dialog,
            ToastLevel::Warn => t.status_warn,
            ToastLevel::Error => t.status_danger,
        };
        Clear.render(area, buf);
        buf.set_style(area, style);
        Line::styled(text, style).render(area, buf);
    }
}
