//! One mount's configuration, as `bao secrets list -detailed` shows it, until the secrets
//! browser opens behind KV mounts.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget, Wrap};

use super::view::ttl;
use crate::action::Action;
use crate::sanitize::sanitize;
use crate::theme::Theme;
use crate::vault::models::mounts::{Mount, MountKind};

pub const HINTS: &[Action] = &[Action::Back, Action::Up, Action::Down, Action::Quit];

#[derive(Debug, Clone, PartialEq)]
pub struct MountDetail {
    pub mount: Mount,
    scroll: u16,
}

impl MountDetail {
    pub fn new(mount: Mount) -> Self {
        Self { mount, scroll: 0 }
    }

    pub fn on_action(&mut self, a: Action) -> Option<()> {
        match a {
            Action::Down => self.scroll = self.scroll.saturating_add(1),
            Action::Up => self.scroll = self.scroll.saturating_sub(1),
            Action::PageDown => self.scroll = self.scroll.saturating_add(10),
            Action::PageUp => self.scroll = self.scroll.saturating_sub(10),
            Action::Top => self.scroll = 0,
            _ => return None,
        }
        Some(())
    }

    /// (field, value) pairs, sanitised.
    pub fn fields(&self) -> Vec<(&'static str, String)> {
        let m = &self.mount;
        let yes = |b: bool| if b { "yes" } else { "no" }.to_string();
        let mut f = vec![
            (
                "path",
                match m.kind {
                    MountKind::Secret => sanitize(&m.path).into_owned(),
                    MountKind::Auth => format!("auth/{}", sanitize(&m.path)),
                },
            ),
            (
                "kind",
                match m.kind {
                    MountKind::Secret => "secret engine".into(),
                    MountKind::Auth => "auth method".into(),
                },
            ),
            ("type", sanitize(&m.mount_type).into_owned()),
            (
                "kv version",
                m.kv_version.map(|v| v.to_string()).unwrap_or("-".into()),
            ),
            ("description", sanitize(&m.description).into_owned()),
            ("accessor", sanitize(&m.accessor).into_owned()),
            ("uuid", sanitize(&m.uuid).into_owned()),
            ("default lease ttl", ttl(m.default_lease_ttl)),
            ("max lease ttl", ttl(m.max_lease_ttl)),
            ("seal wrap", yes(m.seal_wrap)),
            ("local", yes(m.local)),
            ("external entropy access", yes(m.external_entropy_access)),
            ("plugin version", sanitize(&m.plugin_version).into_owned()),
            (
                "running plugin version",
                sanitize(&m.running_plugin_version).into_owned(),
            ),
            (
                "deprecation status",
                sanitize(&m.deprecation_status).into_owned(),
            ),
        ];
        for (k, v) in &m.options {
            f.push(("option", format!("{} = {}", sanitize(k), sanitize(v))));
        }
        f
    }

    pub fn render(&self, t: &Theme, area: Rect, buf: &mut Buffer) {
        let lines: Vec<Line> = self
            .fields()
            .into_iter()
            .map(|(k, v)| {
                Line::from(vec![
                    Span::styled(format!("{k:<24}"), t.header),
                    Span::styled(if v.is_empty() { "-".into() } else { v }, t.text),
                ])
            })
            .collect();
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((self.scroll, 0))
            .block(
                Block::default()
                    .borders(Borders::ALL)
                    .border_style(t.border_focused)
                    .title(Span::styled(
                        format!(" Mount {} ", sanitize(&self.mount.path)),
                        t.title,
                    )),
            )
            .render(area, buf);
    }
}
