//! The unseal screen: a summary (nodes unsealed, shares accepted, target, holder mode), one
//! panel per node, the share input (a fixed placeholder, never the value or its length), the
//! notices and the ceremony log. In holder mode, between two key holders, everything but the
//! summary is cleared and the screen asks for the next holder.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Widget, Wrap};

use super::{Focus, NodePanel, Target, UnsealScreen};
use crate::cluster::ClusterState;
use crate::theme::Theme;
use crate::ui::widgets::secret_input::SecretInputView;

pub struct UnsealView<'a> {
    pub screen: &'a UnsealScreen,
    pub cluster: &'a ClusterState,
    pub theme: &'a Theme,
}

/// The nonce's short form: its first 8 characters.
pub fn short_nonce(nonce: &str) -> String {
    if nonce.is_empty() {
        "—".into()
    } else {
        crate::sanitize::sanitize(&nonce.chars().take(8).collect::<String>()).into_owned()
    }
}

impl UnsealView<'_> {
    fn summary(&self) -> Vec<Line<'static>> {
        let s = self.screen;
        let t = self.theme;
        let unsealed = s.nodes.iter().filter(|n| !n.is_sealed()).count();
        let plural = if s.accepted == 1 { "" } else { "s" };
        let target = match s.target {
            Target::AllSealed => format!("every sealed node ({})", s.sealed_targets().len()),
            Target::Selected => format!(
                "the selected node ({})",
                s.selected_node().map_or("none", |n| n.name.as_str())
            ),
        };
        let mut lines = vec![
            Line::from(vec![
                Span::styled("Unseal ceremony", t.title),
                Span::styled(
                    format!(
                        " · {} nodes, {unsealed} unsealed · {} share{plural} accepted in this ceremony",
                        s.nodes.len(),
                        s.accepted
                    ),
                    t.text,
                ),
            ]),
            Line::styled(
                format!(
                    "shares go to {target} · holder mode {}",
                    if s.holder_mode { "on" } else { "off" }
                ),
                t.muted,
            ),
        ];
        if s.uninitialised() {
            lines.push(Line::styled(
                "The cluster is not initialised: initialise it first with :init.",
                t.status_warn,
            ));
        }
        lines
    }

    fn panel_lines(&self, p: &NodePanel) -> Vec<Line<'static>> {
        let t = self.theme;
        let mut lines = vec![Line::styled(
            format!(
                "{}{}",
                crate::sanitize::sanitize(crate::addr::strip_scheme(&p.addr)),
                if p.discovered { " (discovered)" } else { "" }
            ),
            t.muted,
        )];
        let role = self
            .cluster
            .nodes
            .iter()
            .find(|n| n.addr == p.addr)
            .map(|n| n.status());
        match (&p.seal, p.unreachable) {
            (_, true) => lines.push(Line::styled("UNREACHABLE", t.status_danger)),
            (None, false) => lines.push(Line::styled("…", t.muted)),
            (Some(s), false) if !s.initialized => {
                lines.push(Line::styled("not initialised", t.status_warn));
                lines.push(Line::styled("use :init", t.muted));
            }
            (Some(s), false) if s.sealed => {
                lines.push(Line::styled("SEALED", t.sealed));
                lines.push(Line::styled(
                    format!("progress {} of {}", s.progress, s.t),
                    t.text,
                ));
            }
            (Some(_), false) => {
                let role = role
                    .filter(|r| r.is_unsealed())
                    .map_or("…".to_string(), |r| r.label().to_string());
                lines.push(Line::styled(format!("unsealed · {role}"), t.status_ok));
            }
        }
        if let Some(s) = &p.seal {
            if s.sealed && s.initialized {
                lines.push(Line::styled(
                    format!("nonce {}", short_nonce(&s.nonce)),
                    t.text,
                ));
            }
            if p.auto_unseal() {
                lines.push(Line::styled(
                    format!(
                        "auto-unseal ({}) with recovery keys: needs no shares",
                        crate::sanitize::sanitize(&s.seal_type)
                    ),
                    t.status_warn,
                ));
            } else if s.initialized {
                lines.push(Line::styled(
                    format!("shamir, {} of {} shares", s.t, s.n),
                    t.muted,
                ));
            }
        }
        if p.in_flight {
            lines.push(Line::styled("sending…", t.muted));
        } else if let Some(e) = &p.error {
            lines.push(Line::styled(e.clone(), t.status_danger));
        }
        lines
    }

    fn panels(&self, area: Rect, buf: &mut Buffer) {
        let s = self.screen;
        if s.nodes.is_empty() || area.height == 0 {
            return;
        }
        let n = u32::try_from(s.nodes.len()).unwrap_or(1);
        let cols = Layout::horizontal(s.nodes.iter().map(|_| Constraint::Ratio(1, n))).split(area);
        for (i, (p, col)) in s.nodes.iter().zip(cols.iter()).enumerate() {
            let border = if i == s.selected {
                self.theme.border_focused
            } else {
                self.theme.border
            };
            let title_style = if i == s.selected {
                self.theme.selection
            } else {
                self.theme.title
            };
            let block = Block::bordered().border_style(border).title(Span::styled(
                if i == s.selected {
                    format!(" ▸ {} ", p.name)
                } else {
                    format!(" {} ", p.name)
                },
                title_style,
            ));
            Paragraph::new(self.panel_lines(p))
                .wrap(Wrap { trim: true })
                .block(block)
                .render(*col, buf);
        }
    }

    fn input(&self, area: Rect, buf: &mut Buffer) {
        let s = self.screen;
        let t = self.theme;
        if area.height == 0 {
            return;
        }
        match &s.focus {
            Focus::Share => {
                let label = "share: ";
                let w = u16::try_from(label.len()).unwrap_or(0);
                buf.set_stringn(area.x, area.y, label, usize::from(area.width), t.key_hint);
                let field = Rect {
                    x: area.x + w.min(area.width),
                    width: area.width.saturating_sub(w).min(20),
                    height: 1,
                    ..area
                };
                SecretInputView {
                    input: &s.input.0,
                    theme: t,
                }
                .render(field, buf);
                let hint = "  enter submits · esc stops typing";
                let x = field.x + field.width;
                if x < area.x + area.width {
                    buf.set_stringn(
                        x,
                        area.y,
                        hint,
                        usize::from(area.x + area.width - x),
                        t.muted,
                    );
                }
            }
            Focus::LogPath(line) => {
                let text = format!("save the ceremony log to: {}", line.text);
                buf.set_stringn(
                    area.x,
                    area.y,
                    text,
                    usize::from(area.width),
                    t.command_line,
                );
            }
            Focus::Nodes | Focus::NextHolder => {
                buf.set_stringn(
                    area.x,
                    area.y,
                    "enter or i: type a share · a: target · 0: reset node · h: holder mode · w: save log",
                    usize::from(area.width),
                    t.muted,
                );
            }
        }
    }

    fn notices_and_log(&self, area: Rect, buf: &mut Buffer) {
        let s = self.screen;
        let t = self.theme;
        let mut lines: Vec<Line> = s
            .notices
            .iter()
            .map(|n| Line::styled(n.clone(), t.status_warn))
            .collect();
        lines.push(Line::styled("ceremony log", t.header));
        let room = usize::from(area.height).saturating_sub(lines.len());
        let skip = s.log.entries.len().saturating_sub(room);
        lines.extend(
            s.log
                .entries
                .iter()
                .skip(skip)
                .map(|e| Line::styled(e.line(), t.muted)),
        );
        Paragraph::new(lines).render(area, buf);
    }

    fn next_holder(&self, area: Rect, buf: &mut Buffer) {
        let s = self.screen;
        let plural = if s.accepted == 1 { "" } else { "s" };
        let lines = vec![
            Line::default(),
            Line::styled("Share accepted.", self.theme.status_ok),
            Line::styled(
                format!("{} share{plural} accepted in this ceremony.", s.accepted),
                self.theme.text,
            ),
            Line::default(),
            Line::styled("Next key holder: press enter when ready.", self.theme.title),
        ];
        Paragraph::new(lines)
            .alignment(ratatui::layout::Alignment::Center)
            .render(area, buf);
    }
}

impl Widget for UnsealView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        buf.set_style(area, Style::default());
        let summary = self.summary();
        let h = u16::try_from(summary.len()).unwrap_or(2);
        let [top, rest] = Layout::vertical([Constraint::Length(h), Constraint::Min(0)]).areas(area);
        Paragraph::new(summary).render(top, buf);
        if self.screen.focus == Focus::NextHolder {
            self.next_holder(rest, buf);
            return;
        }
        let [panels, input, bottom] = Layout::vertical([
            Constraint::Length(8),
            Constraint::Length(1),
            Constraint::Min(0),
        ])
        .areas(rest);
        self.panels(panels, buf);
        self.input(input, buf);
        self.notices_and_log(bottom, buf);
    }
}
