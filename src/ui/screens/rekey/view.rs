//! Draws the rekey screen: where the rekey stands, the form or the hidden share input, the new
//! shares shown once, the verification step, the last error.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget, Wrap};

use super::{FIELDS, RekeyScreen};
use crate::sanitize::sanitize;
use crate::theme::Theme;
use crate::ui::widgets::secret_input::SecretInputView;
use crate::vault::rekey::short;

const LABEL: usize = 22;

pub struct RekeyView<'a> {
    pub screen: &'a RekeyScreen,
    pub theme: &'a Theme,
}

impl RekeyView<'_> {
    fn row(&self, label: &str, value: impl Into<String>) -> Line<'static> {
        Line::from(vec![
            Span::styled(format!(" {label:<LABEL$}"), self.theme.muted),
            Span::styled(value.into(), self.theme.text),
        ])
    }

    fn status(&self) -> Vec<Line<'static>> {
        let s = self.screen;
        let node = s.addr.as_deref().map_or_else(|| "—".into(), sanitize);
        let mut lines = vec![self.row("node", node.into_owned())];
        let Some(st) = &s.status else {
            lines.push(self.row("rekey", if s.loading { "reading…" } else { "unknown" }));
            return lines;
        };
        let legacy = if st.legacy { " (legacy sys/rekey)" } else { "" };
        let state = if s.verify_nonce.is_some() {
            "new shares out: waiting for verification"
        } else if s.finished {
            "done: the new shares are in force"
        } else if st.started {
            "in progress"
        } else {
            "none in progress"
        };
        lines.push(self.row("rekey", format!("{state}{legacy}")));
        if st.started && s.verify_nonce.is_none() {
            lines.push(self.row(
                "progress",
                format!("{} of {} current shares", st.progress, st.required),
            ));
            lines.push(self.row("nonce", sanitize(st.short_nonce()).into_owned()));
            lines.push(self.row("new shares", format!("{} (threshold {})", st.n, st.t)));
            let v = if st.verification_required {
                "required"
            } else {
                "no"
            };
            lines.push(self.row("verification", v));
        }
        if let Some(n) = &s.verify_nonce {
            lines.push(self.row(
                "verification",
                format!(
                    "{} of {} new shares, nonce {}",
                    s.verify_progress.0,
                    s.verify_progress.1,
                    sanitize(short(n))
                ),
            ));
        }
        lines
    }

    fn form(&self) -> Vec<Line<'static>> {
        let s = self.screen;
        let t = self.theme;
        let mut lines = Vec::new();
        for (i, name) in FIELDS.iter().enumerate() {
            let text = sanitize(&s.fields[i].text).into_owned();
            let selected = i == s.field;
            let shown = match (text.is_empty(), selected && s.editing) {
                (_, true) => format!("{text}▏"),
                (true, false) => "—".into(),
                (false, false) if i == 2 => {
                    let n = text.split([',', ' ']).filter(|k| !k.is_empty()).count();
                    format!("{n} key(s)")
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
        let v = if s.require_verification { "yes" } else { "no" };
        lines.push(Line::from(vec![
            Span::styled(format!("  {:<LABEL$}", "verify new shares"), t.muted),
            Span::styled(v, t.text),
        ]));
        lines
    }

    fn hint(&self) -> &'static str {
        let s = self.screen;
        if s.entering && s.verify_nonce.is_some() {
            " paste or type a NEW share, enter submits it (nothing of it is drawn)"
        } else if s.entering {
            " paste or type a CURRENT unseal share, enter submits it (nothing of it is drawn)"
        } else if s.secrets.holds_values() {
            ""
        } else if s.verify_nonce.is_some() {
            " e enters a new share to verify the rekey, X cancels"
        } else if s.started() {
            " e enters a current share, X cancels the rekey"
        } else {
            " e edits the selected field, v verification on/off, s starts the rekey (typed confirmation)"
        }
    }
}

impl Widget for RekeyView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let s = self.screen;
        let t = self.theme;
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(t.border)
            .title(Span::styled(" Rekey: rotate the unseal keys ", t.title));
        let inner = block.inner(area);
        block.render(area, buf);
        if inner.height == 0 || inner.width == 0 {
            return;
        }
        let mut lines = self.status();
        lines.push(Line::raw(""));
        let showing_form = !s.started() && s.verify_nonce.is_none() && s.secrets.is_empty();
        if showing_form {
            lines.extend(self.form());
            lines.push(Line::raw(""));
        }
        let input_y = inner.y + u16::try_from(lines.len()).unwrap_or(u16::MAX);
        if s.entering {
            lines.push(Line::styled(format!(" {:<LABEL$}", "share"), t.muted));
            lines.push(Line::raw(""));
        }
        if !s.secrets.is_empty() {
            lines.extend(s.secrets.lines(t));
        }
        if let Some(e) = &s.error {
            lines.push(Line::styled(format!(" {}", sanitize(e)), t.status_danger));
        }
        if s.awaiting.is_some() {
            lines.push(Line::styled(
                " waiting for confirmation and the server…",
                t.muted,
            ));
        }
        lines.push(Line::styled(self.hint(), t.muted));
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .render(inner, buf);
        let x = inner.x + 1 + LABEL as u16;
        if s.entering && input_y < inner.bottom() && x < inner.right() {
            let field = Rect::new(x, input_y, inner.right() - x, 1);
            SecretInputView {
                input: &s.share.0,
                theme: t,
            }
            .render(field, buf);
        }
    }
}
