//! The write gate's confirmation dialog. Its description and phrase come from the mutation,
//! which builds them from sanitised text (server-given addresses); what the user typed is
//! sanitised here too.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget, Wrap};

use crate::app::App;
use crate::sanitize::sanitize;
use crate::write_gate::Confirmation;

pub fn render_confirm(app: &App, area: Rect, buf: &mut Buffer) {
    let Some(p) = app.gate.pending() else {
        return;
    };
    let t = app.theme();
    let mut lines = vec![
        Line::from(Span::styled(p.spec.description.clone(), t.text)),
        Line::default(),
    ];
    let title = match &p.confirmation {
        Confirmation::YesNo => {
            lines.push(Line::from(Span::styled(
                "Proceed? y / enter = yes, n / esc = no",
                t.key_hint,
            )));
            " Confirm "
        }
        Confirmation::Typed { phrase } => {
            lines.push(Line::from(vec![
                Span::styled("Type ", t.text),
                Span::styled(phrase.clone(), t.status_danger),
                Span::styled(" to confirm:", t.text),
            ]));
            let style = if p.phrase_matches() {
                t.status_ok
            } else {
                t.command_line
            };
            lines.push(Line::from(vec![
                Span::styled("> ", t.key_hint),
                Span::styled(sanitize(&p.typed.text).into_owned(), style),
            ]));
            lines.push(Line::default());
            lines.push(Line::from(Span::styled(
                "enter confirm · esc cancel",
                t.muted,
            )));
            " Destructive action "
        }
    };
    let rect = super::layout::centered(area, 64, lines.len() as u16 + 4);
    Clear.render(rect, buf);
    Paragraph::new(lines)
        .style(t.dialog)
        .wrap(Wrap { trim: false })
        .block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(t.status_danger)
                .title(Span::styled(title, t.title)),
        )
        .render(rect, buf);
}
