//! Drawing the editor: the text area in a frame titled with the (sanitised) path, version and
//! format, a status line (parse error with its line, or news), the "discard?" question, and the
//! conflict view (what changed in the newer version: field names and kinds, never values).
//! Drawing does no work proportional to the text beyond what the text area widget does.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget, Wrap};

use super::{ConflictState, EditorScreen, Intent, Phase};
use crate::sanitize::sanitize;
use crate::theme::Theme;
use crate::vault::VaultError;
use crate::vault::models::kv_diff::{Change, summary};

impl EditorScreen {
    /// " Edit secret/apps/x · v3 · JSON · modified ".
    pub fn title(&self) -> String {
        let verb = match self.intent {
            Intent::Edit => "Edit",
            Intent::New => "New secret",
        };
        let mut t = format!(" {verb} {}", sanitize(&self.full_path()));
        match (self.intent, self.base.version) {
            (Intent::Edit, Some(v)) => t.push_str(&format!(" · v{v}")),
            (Intent::New, Some(0)) => t.push_str(" · check-and-set 0"),
            _ => {}
        }
        t.push_str(&format!(" · {}", self.format.label()));
        if self.dirty {
            t.push_str(" · modified");
        }
        t.push(' ');
        t
    }

    pub fn render(&self, t: &Theme, area: Rect, buf: &mut Buffer) {
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(t.border_focused)
            .title(Span::styled(self.title(), t.title));
        let inner = block.inner(area);
        block.render(area, buf);
        buf.set_style(inner, t.text);
        if inner.height == 0 {
            return;
        }
        match &self.phase {
            Phase::Resolving => message(
                &format!(
                    "finding the mount of {}…",
                    sanitize(&self.full_path()).trim_matches('/')
                ),
                t.muted,
                inner,
                buf,
            ),
            Phase::Loading => message(
                &format!(
                    "reading {} to edit it…",
                    sanitize(&self.full_path()).trim_matches('/')
                ),
                t.muted,
                inner,
                buf,
            ),
            Phase::Failed(e) => self.failed(e, t, inner, buf),
            Phase::Editing | Phase::AskDiscard => {
                self.editing(t, inner, buf);
                if self.phase == Phase::AskDiscard {
                    discard_dialog(t, inner, buf);
                }
            }
            Phase::Conflict(c) => self.conflict(&c.newer, &c.mine, t, inner, buf),
        }
    }

    fn failed(&self, e: &VaultError, t: &Theme, area: Rect, buf: &mut Buffer) {
        let mut lines = vec![Line::from(Span::styled(
            sanitize(&e.to_string()).into_owned(),
            t.status_danger,
        ))];
        if matches!(e, VaultError::NotFound { .. }) && self.intent == Intent::Edit {
            lines.push(Line::from(Span::styled(
                format!(
                    "no secret at {}: :new {} creates it",
                    sanitize(&self.full_path()),
                    sanitize(&self.full_path())
                ),
                t.muted,
            )));
        }
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .render(area, buf);
    }

    fn editing(&self, t: &Theme, area: Rect, buf: &mut Buffer) {
        let text_h = area.height.saturating_sub(1);
        let text = Rect {
            height: text_h,
            ..area
        };
        let status = Rect {
            y: area.y + text_h,
            height: area.height - text_h,
            ..area
        };
        self.buffer.render(text, buf);
        let (row, col) = self.buffer.cursor();
        let pos = format!(" {} · {}:{} ", self.format.label(), row + 1, col + 1);
        let (msg, style) = match (&self.error, &self.note) {
            (Some(e), _) => (e.to_string(), t.status_danger),
            (None, Some(n)) => (sanitize(n).into_owned(), t.status_warn),
            (None, None) => (String::new(), t.muted),
        };
        // The message first: on a narrow terminal it is what matters.
        let mut spans = Vec::new();
        if !msg.is_empty() {
            spans.push(Span::styled(format!(" {msg} "), style));
        }
        spans.push(Span::styled(pos, t.key_hint));
        Line::from(spans).render(status, buf);
    }

    fn conflict(
        &self,
        newer: &ConflictState,
        mine: &crate::vault::models::kv_secret::SecretFields,
        t: &Theme,
        area: Rect,
        buf: &mut Buffer,
    ) {
        let path = sanitize(&self.full_path()).into_owned();
        let edited = self
            .base
            .version
            .map_or("the version you loaded".to_string(), |v| format!("v{v}"));
        let mut lines = Vec::new();
        match newer {
            ConflictState::Loading => lines.push(Line::from(Span::styled(
                format!("{path} changed while you edited {edited}: reading the newer version…"),
                t.status_warn,
            ))),
            ConflictState::Failed(e) => {
                lines.push(Line::from(Span::styled(
                    format!("{path} changed while you edited {edited}"),
                    t.status_warn,
                )));
                lines.push(Line::from(Span::styled(
                    format!(
                        "reading the newer version failed: {}",
                        sanitize(&e.to_string())
                    ),
                    t.status_danger,
                )));
            }
            ConflictState::Ready(n) => {
                lines.push(Line::from(Span::styled(
                    format!(
                        "Conflict: {path} is at v{} now; you edited {edited}.",
                        n.version
                    ),
                    t.status_warn,
                )));
                lines.push(Line::from(Span::styled(
                    format!(
                        "What changed in v{} (compared with {edited}): {}",
                        n.version,
                        summary(&n.theirs)
                    ),
                    t.header,
                )));
                for d in n.theirs.iter().filter(|d| d.change != Change::Same) {
                    let (mark, word, style) = match d.change {
                        Change::Added => ("+", "added", t.status_ok),
                        Change::Removed => ("-", "removed", t.status_danger),
                        _ => ("~", "changed", t.status_warn),
                    };
                    let both = if n.both.contains(&d.name) {
                        " (you changed it too: yours is kept)"
                    } else {
                        ""
                    };
                    lines.push(Line::from(vec![
                        Span::styled(format!("  {mark} "), style),
                        Span::styled(format!("{:<20}", sanitize(&d.name)), t.text),
                        Span::styled(format!(" {word}"), style),
                        Span::styled(" ••••••".to_string(), t.secret_masked),
                        Span::styled(both.to_string(), t.muted),
                    ]));
                }
                let ours = crate::vault::models::kv_diff::diff(&self.base.fields, mine);
                lines.push(Line::from(Span::styled(
                    format!("Your edit: {}", summary(&ours)),
                    t.header,
                )));
                lines.push(Line::from(Span::styled(
                    format!(
                        "Re-apply puts your edit on v{} (saving then checks v{}); discard drops it.",
                        n.version, n.version
                    ),
                    t.muted,
                )));
            }
        }
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .render(area, buf);
    }
}

fn message(text: &str, style: Style, area: Rect, buf: &mut Buffer) {
    Paragraph::new(Line::from(Span::styled(text.to_string(), style)))
        .wrap(Wrap { trim: false })
        .render(area, buf);
}

fn discard_dialog(t: &Theme, area: Rect, buf: &mut Buffer) {
    let rect = crate::ui::layout::centered(area, 44, 4);
    Clear.render(rect, buf);
    Paragraph::new(vec![
        Line::from(Span::styled("Discard your changes?", t.text)),
        Line::from(Span::styled("The edited text is wiped.", t.muted)),
    ])
    .style(t.dialog)
    .block(
        Block::default()
            .borders(Borders::ALL)
            .border_style(t.border_focused)
            .title(Span::styled(" Close the editor ", t.title)),
    )
    .wrap(Wrap { trim: true })
    .render(rect, buf);
}
