//! Drawing the re-login dialog. Secrets are drawn only as masks (one `•` per character);
//! server text (the failure) is sanitised.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget, Wrap};

use super::{Field, LoginDialog};
use crate::action::Action;
use crate::app::App;
use crate::keymap::KeyContext;
use crate::sanitize::sanitize;
use crate::ui::widgets::secret_input::SecretInputView;
use crate::vault::login::LoginMethod;

/// Width of the labels column.
const LABEL: u16 = 12;

/// The dialog's box and the row of each field (inside the border).
fn layout(d: &LoginDialog, area: Rect) -> (Rect, u16) {
    let extra = u16::from(d.reason.is_some()) * 2;
    // Borders, [reason, blank], method, blank, fields, blank, status, keys.
    let height = 2 + extra + 2 + d.fields().len() as u16 + 3;
    let rect = crate::ui::layout::centered(area, 66, height);
    // Rows: [reason, blank], method, blank, fields…
    let first_field = rect.y + 1 + extra + 2;
    (rect, first_field)
}

fn field_rect(d: &LoginDialog, area: Rect, f: Field) -> Option<Rect> {
    let (rect, first) = layout(d, area);
    let i = d.fields().iter().position(|x| *x == f)? as u16;
    let y = first + i;
    let x = rect.x + 1 + LABEL;
    let width = rect.width.saturating_sub(LABEL + 3);
    (y < rect.bottom().saturating_sub(1)).then_some(Rect::new(x, y, width, 1))
}

fn hint(app: &App, a: Action) -> String {
    app.keymap
        .hint(KeyContext::Login, a)
        .unwrap_or_else(|| a.name().to_string())
}

pub fn render_login(app: &App, area: Rect, buf: &mut Buffer) {
    let Some(d) = app.login.as_ref() else {
        return;
    };
    let t = app.theme();
    let (rect, _) = layout(d, area);
    let mut lines = Vec::new();
    if let Some(r) = &d.reason {
        lines.push(Line::from(Span::styled(
            sanitize(r).into_owned(),
            t.status_danger,
        )));
        lines.push(Line::default());
    }
    let mut methods = vec![Span::styled(
        format!("{:<LABEL$}", "log in with", LABEL = LABEL as usize),
        t.muted,
    )];
    for m in LoginMethod::ALL {
        let style = if m == d.method { t.selection } else { t.text };
        methods.push(Span::styled(format!(" {} ", m.name()), style));
        methods.push(Span::raw(" "));
    }
    methods.push(Span::styled(
        format!("({})", hint(app, Action::LoginMethod)),
        t.key_hint,
    ));
    lines.push(Line::from(methods));
    lines.push(Line::default());
    for f in d.fields() {
        let focused = d.focused() == *f;
        let label_style = if focused { t.key_hint } else { t.muted };
        let marker = if focused { "▸ " } else { "  " };
        let value = match f {
            Field::Mount => Span::styled(sanitize(&d.mount.text).into_owned(), t.command_line),
            Field::User => Span::styled(sanitize(&d.user.text).into_owned(), t.command_line),
            // Drawn over by the masked input below.
            Field::Secret => Span::raw(""),
        };
        lines.push(Line::from(vec![
            Span::styled(
                format!("{marker}{:<w$}", d.label(*f), w = LABEL as usize - 2),
                label_style,
            ),
            value,
        ]));
    }
    lines.push(Line::default());
    if d.busy {
        lines.push(Line::from(Span::styled("logging in…", t.muted)));
    } else if let Some(e) = &d.error {
        lines.push(Line::from(Span::styled(
            format!("login failed: {}", sanitize(e)),
            t.status_danger,
        )));
    } else {
        lines.push(Line::default());
    }
    lines.push(Line::from(Span::styled(
        format!(
            "{} log in · {} next field · {} close",
            hint(app, Action::Confirm),
            hint(app, Action::FocusNext),
            hint(app, Action::Cancel)
        ),
        t.muted,
    )));
    Clear.render(rect, buf);
    Paragraph::new(lines)
        .style(t.dialog)
        .wrap(Wrap { trim: false })
        .block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(t.border_focused)
                .title(Span::styled(" Log in again ", t.title)),
        )
        .render(rect, buf);
    if let Some(r) = field_rect(d, area, Field::Secret) {
        SecretInputView {
            input: &d.secret,
            theme: t,
        }
        .render(r, buf);
    }
}

/// Where the terminal cursor goes: in the focused field.
pub fn cursor_position(app: &App, area: Rect) -> Option<(u16, u16)> {
    let d = app.login.as_ref()?;
    let f = d.focused();
    let r = field_rect(d, area, f)?;
    match f {
        Field::Secret => d.secret.cursor_position(r),
        Field::Mount | Field::User => {
            let line = if f == Field::Mount { &d.mount } else { &d.user };
            let x = r.x + (line.cursor as u16).min(r.width.saturating_sub(1));
            Some((x, r.y))
        }
    }
}
