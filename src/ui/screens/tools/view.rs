//! Draws the tools screen: the tabs (or the share title), the input, the output (secrets masked
//! until revealed, with a fixed-width mask that does not tell their length) and the equivalent
//! `bao` command.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget};

use super::{Output, Tool, ToolsScreen};
use crate::sanitize::sanitize;
use crate::theme::Theme;
use crate::ui::widgets::secret_input::SecretInputView;
use crate::vault::models::wrapping::SecretText;

/// What a masked value shows, whatever its length.
pub const MASKED: &str = "••••••••••••••••";
/// The label column.
const LABEL: usize = 16;

pub struct ToolsView<'a> {
    pub screen: &'a ToolsScreen,
    pub theme: &'a Theme,
}

impl ToolsView<'_> {
    fn label(&self, text: &str) -> Span<'static> {
        Span::styled(format!(" {text:<LABEL$}"), self.theme.muted)
    }

    fn secret(&self, v: &SecretText) -> Span<'static> {
        if self.screen.revealed {
            Span::styled(
                sanitize(v.expose()).into_owned(),
                self.theme.secret_revealed,
            )
        } else {
            Span::styled(MASKED, self.theme.secret_masked)
        }
    }

    fn tabs(&self) -> Line<'static> {
        let s = self.screen;
        if s.tool == Tool::Share {
            let title = s.share.as_ref().map_or_else(String::new, |t| {
                let at = t
                    .version
                    .map(|v| format!(" (version {v})"))
                    .unwrap_or_default();
                format!(
                    " share {}/{}{at} as a wrapping token",
                    sanitize(t.mount.trim_end_matches('/')),
                    sanitize(t.path.trim_start_matches('/'))
                )
            });
            return Line::styled(title, self.theme.title);
        }
        let mut spans = vec![Span::raw(" ")];
        for (i, t) in Tool::TABS.iter().enumerate() {
            if i > 0 {
                spans.push(Span::styled(" │ ", self.theme.muted));
            }
            let style = if *t == s.tool {
                self.theme.selection
            } else {
                self.theme.text
            };
            spans.push(Span::styled(format!(" {} ", t.name()), style));
        }
        Line::from(spans)
    }

    fn input_label(&self) -> String {
        match self.screen.tool {
            Tool::Unwrap | Tool::Lookup | Tool::Rewrap => "wrapping token".into(),
            Tool::Random => "bytes, format".into(),
            Tool::Hash => format!("{} of", self.screen.hash_algorithm),
            Tool::Share => "TTL".into(),
        }
    }

    fn output(&self) -> Vec<Line<'static>> {
        let s = self.screen;
        let t = self.theme;
        let row = |label: &str, value: Span<'static>| Line::from(vec![self.label(label), value]);
        match &s.output {
            Output::None => vec![Line::styled(
                match s.tool {
                    Tool::Unwrap => " enter unwraps the token (it can be used only once)",
                    Tool::Lookup => " enter shows what the token wraps, without using it",
                    Tool::Rewrap => " enter rewraps: a new token, and the old one stops working",
                    Tool::Random => " enter asks the server for random bytes",
                    Tool::Hash => {
                        " enter hashes the text on the server (:hash ALG changes algorithm)"
                    }
                    Tool::Share => " enter wraps the secret (after confirmation)",
                },
                t.muted,
            )],
            Output::Waiting(w) => vec![Line::styled(format!(" {}", sanitize(w)), t.muted)],
            Output::Failed(e) => vec![Line::styled(format!(" {}", sanitize(e)), t.status_danger)],
            Output::Unwrapped(u) if u.fields.is_empty() => {
                vec![Line::styled(" the token held no data", t.muted)]
            }
            Output::Unwrapped(u) => u
                .fields
                .iter()
                .enumerate()
                .map(|(i, (k, v))| {
                    let mut line = row(&sanitize(k), self.secret(v));
                    if i == s.selected && !s.editing {
                        line = line.patch_style(t.selection);
                    }
                    line
                })
                .collect(),
            Output::Lookup(l) => vec![
                row(
                    "creation path",
                    Span::raw(sanitize(&l.creation_path).into_owned()),
                ),
                row(
                    "creation time",
                    Span::raw(sanitize(&l.creation_time).into_owned()),
                ),
                row("TTL", Span::raw(format!("{} s", l.creation_ttl))),
            ],
            Output::Token(info) => vec![
                row("wrapping token", self.secret(&info.token)),
                row("accessor", Span::raw(sanitize(&info.accessor).into_owned())),
                row("TTL", Span::raw(format!("{} s", info.ttl))),
                row(
                    "created",
                    Span::raw(sanitize(&info.creation_time).into_owned()),
                ),
                Line::styled(
                    " shown once: copy it now; it is gone when you leave this screen",
                    t.status_warn,
                ),
            ],
            Output::Random(r) => vec![row("random bytes", self.secret(r))],
            Output::Hash(h) => vec![row("sum", Span::raw(sanitize(h).into_owned()))],
        }
    }
}

impl Widget for ToolsView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let s = self.screen;
        let t = self.theme;
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(t.border)
            .title(Span::styled(" Tools ", t.title));
        let inner = block.inner(area);
        block.render(area, buf);
        if inner.height == 0 || inner.width == 0 {
            return;
        }
        let mut lines = vec![self.tabs(), Line::raw("")];
        let input_y = inner.y + 2;
        lines.push(Line::from(vec![self.label(&self.input_label())]));
        lines.push(Line::raw(""));
        lines.extend(self.output());
        lines.push(Line::raw(""));
        lines.push(Line::from(vec![
            Span::styled(" bao: ", t.muted),
            Span::styled(sanitize(&s.bao_command()).into_owned(), t.text),
        ]));
        // Not wrapped: the input is drawn on its own row below.
        Paragraph::new(lines).render(inner, buf);
        // The input itself, after its label.
        let x = inner.x + 1 + LABEL as u16;
        if input_y < inner.bottom() && x < inner.right() {
            let field = Rect::new(x, input_y, inner.right() - x, 1);
            let style = if s.editing { t.border_focused } else { t.text };
            if s.tool.takes_token() {
                SecretInputView {
                    input: &s.token.0,
                    theme: t,
                }
                .render(field, buf);
            } else {
                let text = sanitize(&s.line.text).into_owned();
                buf.set_stringn(field.x, field.y, &text, usize::from(field.width), style);
            }
            if s.editing {
                buf.set_style(
                    Rect::new(field.x.saturating_sub(1), field.y, 1, 1),
                    Style::default(),
                );
                buf.set_stringn(field.x.saturating_sub(1), field.y, "›", 1, t.key_hint);
            }
        }
    }
}
