//! The secret view: where the secret stands (version, dates, settings), its fields with masked
//! values (a revealed one in its own style), what the token may do, and the `bao` command.

use chrono::{DateTime, Utc};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget, Wrap};
use secrecy::ExposeSecret;

use super::browser_view::breadcrumbs;
use super::secret::Allowed;
use super::{SecretView, cli};
use crate::remote::Remote;
use crate::sanitize::sanitize;
use crate::theme::Theme;
use crate::ui::widgets::table::{fit, offset_for};
use crate::vault::VaultError;
use crate::vault::models::kv::KvVersion;
use crate::vault::models::kv_secret::VersionState;

/// What a masked value looks like: always the same length, so it tells nothing.
pub const MASK: &str = "••••••••";

pub struct SecretViewWidget<'a> {
    pub view: &'a SecretView,
    pub theme: &'a Theme,
    pub now: DateTime<Utc>,
    pub namespace: Option<&'a str>,
}

impl SecretViewWidget<'_> {
    fn info_lines(&self) -> Vec<Line<'static>> {
        let (v, t) = (self.view, self.theme);
        let mut lines = Vec::new();
        match v.kv {
            KvVersion::V1 => lines.push(Line::styled(
                "KV v1: one version, no metadata; field names are known after the first reveal",
                t.muted,
            )),
            KvVersion::V2 => match &v.metadata {
                Remote::Ready(m)
                | Remote::Loading { last: Some(m) }
                | Remote::Failed { last: Some(m), .. } => {
                    let m = &m.value;
                    let live = m
                        .versions
                        .values()
                        .filter(|x| x.state(self.now) == VersionState::Live)
                        .count();
                    lines.push(Line::styled(
                        format!(
                            "v{} · {} version{} kept ({} live) · created {} · updated {}",
                            m.current_version,
                            m.versions.len(),
                            if m.versions.len() == 1 { "" } else { "s" },
                            live,
                            short_time(&m.created_time),
                            short_time(&m.updated_time)
                        ),
                        t.text,
                    ));
                    let mut settings = format!(
                        "max versions {} · check-and-set {} · delete after {}",
                        if m.max_versions == 0 {
                            "default".to_string()
                        } else {
                            m.max_versions.to_string()
                        },
                        if m.cas_required {
                            "required"
                        } else {
                            "optional"
                        },
                        sanitize(&m.delete_version_after)
                    );
                    if !m.custom_metadata.is_empty() {
                        let pairs: Vec<String> = m
                            .custom_metadata
                            .iter()
                            .map(|(k, x)| format!("{}={}", sanitize(k), sanitize(x)))
                            .collect();
                        settings += &format!(" · {}", pairs.join(", "));
                    }
                    lines.push(Line::styled(settings, t.muted));
                }
                Remote::Failed { error, .. } => lines.push(Line::styled(
                    format!("metadata: {}", sanitize(&error.to_string())),
                    t.muted,
                )),
                _ => lines.push(Line::styled("loading metadata…", t.muted)),
            },
        }
        lines
    }

    /// Why no field is listed, if none is.
    fn empty_message(&self) -> Option<(String, ratatui::style::Style)> {
        let (v, t) = (self.view, self.theme);
        if let Some(state) = v.newest_state(self.now)
            && state != VersionState::Live
        {
            let what = if state == VersionState::Destroyed {
                "destroyed"
            } else {
                "deleted"
            };
            return Some((
                format!(
                    "The newest version is {what}. Its versions (v) can undelete or roll back."
                ),
                t.status_warn,
            ));
        }
        if !v.names().is_empty() {
            return None;
        }
        let text = match (&v.kv, &v.subkeys) {
            (KvVersion::V1, _) => "Values are masked. Reveal (r) reads the secret once and lists its fields.".to_string(),
            (_, Remote::NotAsked | Remote::Loading { last: None }) => "loading field names…".into(),
            (_, Remote::Failed { error: VaultError::PermissionDenied { .. }, .. }) => {
                "Your token may not list this secret's field names (subkeys). Reveal (r) reads the secret once.".into()
            }
            (_, Remote::Failed { error: VaultError::NotFound { .. }, .. }) => {
                format!("There is no secret at {}.", sanitize(&v.full_path()))
            }
            (_, Remote::Failed { error, .. }) => format!("cannot load field names: {}", sanitize(&error.to_string())),
            _ if !v.filter().is_empty() => "no field matches the filter".into(),
            _ => "this secret has no fields".into(),
        };
        Some((text, t.muted))
    }

    fn caps_line(&self) -> Line<'static> {
        let (v, t) = (self.view, self.theme);
        let mark = |a: Allowed| match a {
            Allowed::Yes => ("✓", t.status_ok),
            Allowed::No => ("✗", t.status_danger),
            Allowed::Unknown => ("?", t.muted),
        };
        let mut spans = vec![Span::styled("token may: ", t.muted)];
        let mut items = vec![
            ("read", v.allowed("read", false)),
            ("write", v.allowed("update", false)),
            ("delete", v.allowed("delete", false)),
        ];
        if v.kv == KvVersion::V2 {
            items.push(("versions", v.allowed("read", true)));
        }
        for (name, a) in items {
            let (m, style) = mark(a);
            spans.push(Span::styled(format!("{name} {m}  "), style));
        }
        if let Some(tag) = &v.pending {
            let what = tag.split(':').next().unwrap_or("read");
            spans.push(Span::styled(format!("· {what}ing…"), t.muted));
        }
        Line::from(spans)
    }
}

impl Widget for SecretViewWidget<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let (v, t) = (self.view, self.theme);
        if area.height < 4 || area.width < 10 {
            return;
        }
        let mut title = breadcrumbs(&v.mount, &v.path, t);
        title.push(Span::styled(
            match v.kv {
                KvVersion::V1 => "· KV v1 ",
                KvVersion::V2 => "· KV v2 ",
            },
            t.muted,
        ));
        if !v.revealed.is_empty() {
            title.push(Span::styled(
                format!("· {} revealed (m masks) ", v.revealed.len()),
                t.secret_revealed,
            ));
        }
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(t.border_focused)
            .title(Line::from(title));
        let inner = block.inner(area);
        block.render(area, buf);
        let info = self.info_lines();
        let info_h = u16::try_from(info.len()).unwrap_or(2).min(inner.height);
        Paragraph::new(info).render(
            Rect {
                height: info_h,
                ..inner
            },
            buf,
        );
        // The last two lines: capabilities and the `bao` command.
        let bottom = inner.bottom();
        let tail = 2u16.min(inner.height.saturating_sub(info_h));
        let fields = Rect {
            y: inner.y + info_h,
            height: inner.height.saturating_sub(info_h + tail),
            ..inner
        };
        if tail >= 2 {
            self.caps_line().render(
                Rect {
                    y: bottom - 2,
                    height: 1,
                    ..inner
                },
                buf,
            );
        }
        if tail >= 1 {
            let field = v.selected_name();
            let cmd = cli::get(&v.mount, &v.path, field.as_deref(), None, self.namespace);
            Line::styled(fit(&cmd, usize::from(inner.width)), t.muted).render(
                Rect {
                    y: bottom - 1,
                    height: 1,
                    ..inner
                },
                buf,
            );
        }
        if let Some((text, style)) = self.empty_message() {
            Paragraph::new(Line::styled(text, style))
                .wrap(Wrap { trim: true })
                .render(fields, buf);
            return;
        }
        let names = v.names();
        let rows = usize::from(fields.height.saturating_sub(1));
        if rows == 0 {
            return;
        }
        let name_w = names
            .iter()
            .map(|(k, _)| sanitize(k).chars().count())
            .max()
            .unwrap_or(4)
            .clamp(4, usize::from(fields.width) / 2);
        Line::from(vec![
            Span::styled(format!("{:<name_w$}  ", "FIELD"), t.header),
            Span::styled("VALUE", t.header),
        ])
        .render(
            Rect {
                height: 1,
                ..fields
            },
            buf,
        );
        let selected = v.selected();
        let offset = offset_for(selected, rows);
        let value_w = usize::from(fields.width).saturating_sub(name_w + 2);
        for (row, (name, nested)) in names.iter().enumerate().skip(offset).take(rows) {
            let y = fields.y + 1 + u16::try_from(row - offset).unwrap_or(0);
            let (value, style) = match v.revealed.get(name) {
                Some(f) => (
                    shown_value(f.value.expose_secret(), value_w),
                    t.secret_revealed,
                ),
                None if *nested => (format!("{{…}} {MASK}"), t.secret_masked),
                None => (MASK.to_string(), t.secret_masked),
            };
            let line_area = Rect {
                y,
                height: 1,
                ..fields
            };
            let shown = fit(&sanitize(name), name_w);
            let line = Line::from(vec![
                Span::styled(format!("{shown:<name_w$}  "), t.text),
                Span::styled(value, style),
            ]);
            if row == selected {
                buf.set_style(line_area, t.selection);
            }
            line.render(line_area, buf);
        }
    }
}

/// A revealed value cut to `width` before it is sanitised: a frame costs the width, not the
/// value's size (a 1 MiB value draws as fast as a short one).
fn shown_value(v: &str, width: usize) -> String {
    let head: String = v.chars().take(width.saturating_add(1)).collect();
    fit(&sanitize(&head), width)
}

/// "2026-11-23T16:46:39.91464123Z" → "2026-11-23 16:46:39" (UTC, as the server said it).
pub fn short_time(t: &str) -> String {
    match chrono::DateTime::parse_from_rfc3339(t) {
        Ok(d) => d
            .with_timezone(&Utc)
            .format("%Y-%m-%d %H:%M:%S")
            .to_string(),
        Err(_) => sanitize(t).into_owned(),
    }
}
