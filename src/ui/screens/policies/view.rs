//! The policies screen: a status line, the body of the current pane (the list here; the
//! viewer, editor, diff and capabilities answer in `view_detail`), and the prompt when open.

use chrono::{DateTime, Utc};
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Widget};

use super::{Load, Pane, PoliciesScreen, PromptKind};
use crate::policy::lint::counts;
use crate::sanitize::sanitize;
use crate::theme::Theme;
use crate::ui::widgets::age;
use crate::ui::widgets::secret_input::SecretInputView;

pub struct PoliciesView<'a> {
    pub screen: &'a PoliciesScreen,
    pub theme: &'a Theme,
    pub now: DateTime<Utc>,
}

/// `s` cut or padded to `w` cells, one space after.
pub(super) fn cell(s: &str, w: usize) -> String {
    let mut out: String = s.chars().take(w).collect();
    if s.chars().count() > w && w > 0 {
        out.pop();
        out.push('…');
    }
    let n = out.chars().count();
    out.extend(std::iter::repeat_n(' ', w.saturating_sub(n) + 1));
    out
}

impl PoliciesView<'_> {
    fn status(&self) -> Line<'static> {
        let t = self.theme;
        let s = self.screen;
        let mut spans = vec![
            Span::styled("Policies", t.title),
            Span::styled(format!(" · {} ACL policies", s.entries.len()), t.text),
        ];
        match &s.load {
            Load::Loading => spans.push(Span::styled(" · loading…", t.muted)),
            Load::Ready(at) => spans.push(Span::styled(
                format!(" · read {} ago", age::short(self.now - *at)),
                t.muted,
            )),
            Load::Failed(e) => spans.push(Span::styled(
                format!(
                    " · failed: {}{}",
                    sanitize(&e.to_string()),
                    if s.entries.is_empty() {
                        ""
                    } else {
                        " (the list shown is stale)"
                    }
                ),
                t.stale,
            )),
        }
        if !s.filter.is_empty() {
            spans.push(Span::styled(
                format!(" · filter: {}", sanitize(&s.filter)),
                t.key_hint,
            ));
        }
        Line::from(spans)
    }

    fn list_lines(&self, width: u16, height: u16) -> Vec<Line<'static>> {
        let t = self.theme;
        let s = self.screen;
        let wide = width >= 70;
        let name_w = if wide { 32 } else { 22 };
        let mut header = cell("name", name_w) + &cell("rules", 5);
        header += &cell("high", 4);
        header += &cell("med", 4);
        header += &cell("low", 4);
        if wide {
            header += &cell("version", 7);
            header += "top finding";
        }
        let mut lines = vec![Line::styled(header, t.header)];
        let rows = s.rows();
        if rows.is_empty() {
            let why = match (&s.load, s.entries.is_empty()) {
                (Load::Loading, _) => "reading the policies…",
                (_, true) => "no policies could be read",
                _ => "no policy matches the filter",
            };
            lines.push(Line::styled(why, t.muted));
        }
        let visible = usize::from(height.saturating_sub(1)).max(1);
        let first = s.selected.saturating_sub(visible.saturating_sub(1));
        for (i, e) in rows.iter().enumerate().skip(first).take(visible) {
            let (h, m, l) = counts(&e.findings);
            let row_style = if i == s.selected { t.selection } else { t.text };
            let count = |n: usize, style| {
                Span::styled(
                    cell(
                        &if n == 0 {
                            "·".to_string()
                        } else {
                            n.to_string()
                        },
                        4,
                    ),
                    if i == s.selected || n == 0 {
                        row_style
                    } else {
                        style
                    },
                )
            };
            let mut spans = vec![
                Span::styled(cell(&sanitize(e.name()), name_w), row_style),
                Span::styled(cell(&e.parsed.rules.len().to_string(), 5), row_style),
                count(h, t.status_danger),
                count(m, t.status_warn),
                count(l, t.muted),
            ];
            if wide {
                let v = e.policy.version.map_or("—".to_string(), |v| v.to_string());
                spans.push(Span::styled(cell(&v, 7), row_style));
                let top = e.findings.first().map_or(String::new(), |f| {
                    format!("{}: {}", f.kind, sanitize(&f.rule_path))
                });
                spans.push(Span::styled(top, row_style));
            }
            lines.push(Line::from(spans));
        }
        for (n, why) in s.unreadable.iter().take(3) {
            lines.push(Line::styled(
                format!("{}: not readable ({})", sanitize(n), sanitize(why)),
                t.status_warn,
            ));
        }
        lines
    }

    fn prompt(&self, area: Rect, buf: &mut Buffer) {
        let t = self.theme;
        let Some(p) = &self.screen.prompt else { return };
        let block = Block::bordered()
            .title("enter confirms · esc cancels")
            .border_style(t.border_focused);
        let inner = block.inner(area);
        block.render(area, buf);
        let mut label = format!("{}: ", p.kind.label());
        let with_path = format!("{} · {label}", sanitize(&p.path));
        if p.kind == PromptKind::CapToken
            && with_path.chars().count() * 3 <= usize::from(inner.width) * 2
        {
            label = with_path;
        }
        let label_w = u16::try_from(label.chars().count()).unwrap_or(u16::MAX);
        if p.kind == PromptKind::CapToken {
            let [l, field] =
                Layout::horizontal([Constraint::Length(label_w), Constraint::Min(1)]).areas(inner);
            Paragraph::new(Span::styled(label, t.muted)).render(l, buf);
            SecretInputView {
                input: &p.token.0,
                theme: t,
            }
            .render(field, buf);
        } else {
            Paragraph::new(Line::from(vec![
                Span::styled(label, t.muted),
                Span::styled(sanitize(&p.line.text).into_owned(), t.text),
                Span::styled("▏", t.key_hint),
            ]))
            .render(inner, buf);
        }
    }
}

impl Widget for PoliciesView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let t = self.theme;
        let prompt_h = u16::from(self.screen.prompt.is_some()) * 3;
        let [top, body, prompt] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Min(3),
            Constraint::Length(prompt_h),
        ])
        .areas(area);
        Paragraph::new(self.status()).render(top, buf);
        match &self.screen.pane {
            Pane::List => {
                let block = Block::bordered().title("policies").border_style(t.border);
                let inner = block.inner(body);
                block.render(body, buf);
                Paragraph::new(self.list_lines(inner.width, inner.height)).render(inner, buf);
            }
            Pane::View { name, scroll } => {
                super::view_detail::viewer(self.screen, name, *scroll, t, body, buf)
            }
            Pane::Edit(e) => super::view_detail::editor(e, t, body, buf),
            Pane::Diff(e) => super::view_detail::diff(e, t, body, buf),
            Pane::Capabilities(q) => super::view_detail::capabilities(self.screen, q, t, body, buf),
        }
        self.prompt(prompt, buf);
    }
}
