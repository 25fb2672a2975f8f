//! Draws the generate-root screen: where the attempt stands, the hidden share input (or the PGP
//! key input), the last error, and the new token (masked with a fixed-width mask until
//! revealed). The OTP is never drawn.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget, Wrap};

use super::{Entry, GenerateRootScreen, Outcome};
use crate::sanitize::sanitize;
use crate::theme::Theme;
use crate::ui::widgets::secret_input::SecretInputView;
use crate::vault::models::wrapping::SecretText;

/// What a masked value shows, whatever its length.
pub const MASKED: &str = "••••••••••••••••";
/// The label column.
const LABEL: usize = 18;

pub struct GenerateRootView<'a> {
    pub screen: &'a GenerateRootScreen,
    pub theme: &'a Theme,
}

impl GenerateRootView<'_> {
    fn label(&self, text: &str) -> Span<'static> {
        Span::styled(format!(" {text:<LABEL$}"), self.theme.muted)
    }

    fn row(&self, label: &str, value: Span<'static>) -> Line<'static> {
        Line::from(vec![self.label(label), value])
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

    fn status_lines(&self) -> Vec<Line<'static>> {
        let s = self.screen;
        let t = self.theme;
        let node = s.addr.as_deref().map_or_else(|| "—".into(), sanitize);
        let mut lines = vec![self.row("node", Span::styled(node.into_owned(), t.text))];
        let Some(st) = &s.status else {
            let what = if s.loading { "reading…" } else { "unknown" };
            lines.push(self.row("attempt", Span::styled(what, t.muted)));
            return lines;
        };
        let endpoints = if st.legacy {
            " (legacy sys/generate-root)"
        } else {
            ""
        };
        let (state, style) = match (st.started, st.complete) {
            (_, true) => ("complete", t.status_ok),
            (true, false) => ("in progress", t.status_warn),
            (false, false) => ("none in progress", t.text),
        };
        lines.push(self.row(
            "attempt",
            Span::styled(format!("{state}{endpoints}"), style),
        ));
        if st.started || st.complete {
            lines.push(self.row(
                "progress",
                Span::styled(format!("{} of {} shares", st.progress, st.required), t.text),
            ));
            lines.push(self.row(
                "nonce",
                Span::styled(sanitize(st.short_nonce()).into_owned(), t.text),
            ));
            let fp = if st.is_pgp() {
                sanitize(&st.pgp_fingerprint).into_owned()
            } else {
                "none (one-time password)".into()
            };
            lines.push(self.row("PGP fingerprint", Span::styled(fp, t.text)));
        } else {
            lines.push(self.row(
                "shares needed",
                Span::styled(st.required.to_string(), t.text),
            ));
        }
        lines.push(self.row(
            "OTP length",
            Span::styled(st.otp_length.to_string(), t.text),
        ));
        if st.started && !st.complete {
            let otp = if s.otp.is_some() {
                "held by this console (never shown)"
            } else if st.is_pgp() {
                "none: the token is encrypted to the PGP key"
            } else {
                "not held here: started elsewhere, its holder decodes the token"
            };
            lines.push(self.row("one-time password", Span::styled(otp, t.muted)));
        }
        lines
    }

    fn outcome_lines(&self, o: &Outcome) -> Vec<Line<'static>> {
        let t = self.theme;
        match o {
            Outcome::Token(tok) => vec![
                self.row("new root token", self.secret(tok)),
                Line::styled(
                    " shown once: r reveals, c copies; esc wipes it (revoke it when the work is done)",
                    t.status_warn,
                ),
            ],
            Outcome::Encoded {
                encoded,
                pgp_fingerprint,
            } => {
                let how = if pgp_fingerprint.is_empty() {
                    " decode it with the OTP of whoever started the attempt: bao operator generate-root -decode=… -otp=…".to_string()
                } else {
                    format!(
                        " encrypted to PGP key {}: base64 -d | gpg --decrypt",
                        sanitize(pgp_fingerprint)
                    )
                };
                vec![
                    self.row("encoded token", self.secret(encoded)),
                    Line::styled(how, t.muted),
                    Line::styled(
                        " shown once: r reveals, c copies; esc wipes it",
                        t.status_warn,
                    ),
                ]
            }
        }
    }

    fn hint(&self) -> &'static str {
        let s = self.screen;
        match s.entry {
            Entry::Share => {
                " paste or type an unseal share, enter submits it (nothing of it is drawn)"
            }
            Entry::PgpKey => {
                " paste a base64 PGP public key, enter starts the attempt (after confirmation)"
            }
            Entry::None if s.outcome.is_some() => "",
            Entry::None if s.started() => " e enters a share, X cancels the attempt",
            Entry::None => " s starts an attempt with a one-time password, p with a PGP public key",
        }
    }
}

impl Widget for GenerateRootView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let s = self.screen;
        let t = self.theme;
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(t.border)
            .title(Span::styled(" Generate root token ", t.title));
        let inner = block.inner(area);
        block.render(area, buf);
        if inner.height == 0 || inner.width == 0 {
            return;
        }
        // The status and the input row are not wrapped (the input is drawn on its own row);
        // what follows is.
        let mut top = self.status_lines();
        top.push(Line::raw(""));
        let input_y = inner.y + u16::try_from(top.len()).unwrap_or(u16::MAX);
        let input_label = match s.entry {
            Entry::Share => "share",
            Entry::PgpKey => "PGP public key",
            Entry::None => "",
        };
        top.push(Line::from(vec![self.label(input_label)]));
        top.push(Line::raw(""));
        let top_h = u16::try_from(top.len())
            .unwrap_or(u16::MAX)
            .min(inner.height);
        Paragraph::new(top).render(
            Rect {
                height: top_h,
                ..inner
            },
            buf,
        );
        let mut lines = Vec::new();
        if let Some(e) = &s.error {
            lines.push(Line::styled(format!(" {}", sanitize(e)), t.status_danger));
        }
        if s.awaiting.is_some() {
            lines.push(Line::styled(
                " waiting for confirmation and the server…",
                t.muted,
            ));
        }
        if let Some(o) = &s.outcome {
            lines.extend(self.outcome_lines(o));
        }
        lines.push(Line::styled(self.hint(), t.muted));
        let rest = Rect {
            y: inner.y + top_h,
            height: inner.height - top_h,
            ..inner
        };
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .render(rest, buf);
        // The input itself, after its label.
        let x = inner.x + 1 + LABEL as u16;
        if s.entry != Entry::None && input_y < inner.bottom() && x < inner.right() {
            let field = Rect::new(x, input_y, inner.right() - x, 1);
            match s.entry {
                Entry::Share => SecretInputView {
                    input: &s.share.0,
                    theme: t,
                }
                .render(field, buf),
                _ => {
                    let text = sanitize(&s.pgp_key.text).into_owned();
                    // The end of a long key shows (where the typing is).
                    let w = usize::from(field.width);
                    let n = text.chars().count();
                    let shown: String = text.chars().skip(n.saturating_sub(w)).collect();
                    buf.set_stringn(field.x, field.y, &shown, w, t.border_focused);
                }
            }
            buf.set_stringn(field.x.saturating_sub(1), field.y, "›", 1, t.key_hint);
        }
    }
}
