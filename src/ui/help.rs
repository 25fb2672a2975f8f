//! The help overlay, generated from the keymap and the command list.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget};

use crate::app::{App, COMMANDS};
use crate::keymap::KeyContext;

/// The help text as lines (also used by the README generator).
pub fn lines(app: &App) -> Vec<Line<'static>> {
    let t = app.theme();
    let mut out = Vec::new();
    let screen = app.screen();
    for (title, ctx) in [
        ("Global", KeyContext::Global),
        (screen.title(), screen.key_context()),
        ("Confirmation dialog", KeyContext::Confirm),
    ] {
        out.push(Line::from(Span::styled(title.to_string(), t.header)));
        // One line per action, its chords together ("j, down").
        let mut grouped: Vec<(Vec<String>, crate::action::Action)> = Vec::new();
        for (chord, action) in app.keymap.bindings(ctx) {
            match grouped.iter_mut().find(|(_, a)| *a == action) {
                Some((chords, _)) => chords.push(chord),
                None => grouped.push((vec![chord], action)),
            }
        }
        for (chords, action) in grouped {
            out.push(Line::from(vec![
                Span::styled(format!("  {:<16}", chords.join(", ")), t.key_hint),
                Span::styled(action.description().to_string(), t.text),
            ]));
        }
        out.push(Line::default());
    }
    out.push(Line::from(Span::styled("Commands".to_string(), t.header)));
    for (name, desc) in COMMANDS {
        out.push(Line::from(vec![
            Span::styled(format!("  :{name:<15}"), t.key_hint),
            Span::styled((*desc).to_string(), t.text),
        ]));
    }
    out
}

pub fn render(app: &App, scroll: u16, area: Rect, buf: &mut Buffer) {
    let t = app.theme();
    let lines = lines(app);
    let h = (lines.len() as u16 + 2)
        .min(area.height.saturating_sub(2))
        .max(3);
    let rect = super::layout::centered(area, 72, h);
    Clear.render(rect, buf);
    let max_scroll = (lines.len() as u16).saturating_sub(rect.height.saturating_sub(2));
    Paragraph::new(lines)
        .style(t.dialog)
        .scroll((scroll.min(max_scroll), 0))
        .block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(t.border_focused)
                .title(Span::styled(" Help — esc to close ", t.title)),
        )
        .render(rect, buf);
}
