//! Draws the init screen: the node, the form (or the secrets shown once), the last error.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget, Wrap};

use super::{FIELDS, InitScreen};
use crate::sanitize::sanitize;
use crate::theme::Theme;

const LABEL: usize = 22;

pub struct InitView<'a> {
    pub screen: &'a InitScreen,
    pub theme: &'a Theme,
}

impl InitView<'_> {
    fn row(&self, label: &str, value: Span<'static>) -> Line<'static> {
        Line::from(vec![
            Span::styled(format!(" {label:<LABEL$}"), self.theme.muted),
            value,
        ])
    }

    fn form(&self) -> Vec<Line<'static>> {
        let s = self.screen;
        let t = self.theme;
        let mut lines = Vec::new();
        for (i, name) in FIELDS.iter().enumerate() {
            let name = match (i, s.recovery) {
                (0, true) => "recovery shares",
                (1, true) => "recovery threshold",
                _ => name,
            };
            let text = sanitize(&s.fields[i].text).into_owned();
            let selected = i == s.field;
            let shown = match (text.is_empty(), selected && s.editing) {
                (_, true) => format!("{text}▏"),
                (true, false) => "—".into(),
                (false, false) if i >= 2 => {
                    let n = text.split([',', ' ']).filter(|k| !k.is_empty()).count();
                    format!("{n} key(s), {} characters", text.chars().count())
                }
                (false, false) => text,
            };
            let style = match (selected, s.editing) {
                (true, true) => t.border_focused,
                (true, false) => t.selection,
                _ => t.text,
            };
            let mark = if selected { "›" } else { " " };
            lines.push(Line::from(vec![
                Span::styled(format!(" {mark}{name:<LABEL$}"), t.muted),
                Span::styled(shown, style),
            ]));
        }
        lines
    }
}

impl Widget for InitView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let s = self.screen;
        let t = self.theme;
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(t.border)
            .title(Span::styled(" Initialise the cluster ", t.title));
        let inner = block.inner(area);
        block.render(area, buf);
        let node = s.addr.as_deref().map_or_else(|| "—".into(), sanitize);
        let seal = if s.recovery {
            "auto-unseal (recovery shares)"
        } else {
            "Shamir (unseal shares)"
        };
        let state = if s.initialized {
            Span::styled("initialised", t.status_ok)
        } else {
            Span::styled("not initialised", t.status_warn)
        };
        let mut lines = vec![
            self.row("node", Span::styled(node.into_owned(), t.text)),
            self.row("seal", Span::styled(seal, t.text)),
            self.row("state", state),
            Line::raw(""),
        ];
        if s.secrets.is_empty() {
            lines.extend(self.form());
            lines.push(Line::raw(""));
            lines.push(Line::styled(
                " e edits the selected field (PGP keys: base64, one per share, comma separated); s initialises",
                t.muted,
            ));
        } else {
            lines.extend(s.secrets.lines(t));
            if !s.secrets.holds_values() {
                lines.push(Line::styled(
                    " the values are wiped from memory; u opens :unseal to unseal every node",
                    t.muted,
                ));
            }
        }
        if let Some(e) = &s.error {
            lines.push(Line::raw(""));
            lines.push(Line::styled(format!(" {}", sanitize(e)), t.status_danger));
        }
        if s.awaiting.is_some() {
            lines.push(Line::styled(
                " waiting for confirmation and the server…",
                t.muted,
            ));
        }
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .render(inner, buf);
    }
}
