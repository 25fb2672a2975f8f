//! The mounts table: one row per mount, columns dropped by priority on narrow terminals, the
//! secret count with live progress, a detail line for the selected mount.

use chrono::{DateTime, Utc};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Widget};

use super::{Count, MountsScreen};
use crate::remote::Remote;
use crate::sanitize::sanitize;
use crate::theme::Theme;
use crate::ui::widgets::table::{self, Col};
use crate::vault::VaultError;
use crate::vault::models::mounts::{Mount, MountKind};

pub struct MountsView<'a> {
    pub screen: &'a MountsScreen,
    pub theme: &'a Theme,
    pub now: DateTime<Utc>,
}

const COLS: [Col; 10] = [
    Col::new("PATH", 20, 0),
    Col::new("KIND", 6, 1),
    Col::new("TYPE", 10, 0),
    Col::new("KV", 2, 2),
    Col::new("SECRETS", 16, 1),
    Col::new("DEFAULT TTL", 11, 4),
    Col::new("MAX TTL", 9, 4),
    Col::new("FLAGS", 10, 5),
    Col::new("ACCESSOR", 22, 6),
    Col::new("DESCRIPTION", 12, 3),
];

/// A TTL in seconds, as the CLI shows it ("768h", "system" for 0).
pub fn ttl(secs: Option<u64>) -> String {
    match secs {
        None => "-".into(),
        Some(0) => "system".into(),
        Some(s) if s % 3600 == 0 => format!("{}h", s / 3600),
        Some(s) if s % 60 == 0 => format!("{}m", s / 60),
        Some(s) => format!("{s}s"),
    }
}

/// The SECRETS cell: the count, its progress, or why there is none.
pub fn count_cell(c: Option<&Count>, t: &Theme) -> (String, Style) {
    let with_skipped = |p: &crate::jobs::JobProgress| {
        if p.skipped > 0 {
            format!("{} ({} denied)", p.done, p.skipped)
        } else {
            p.done.to_string()
        }
    };
    match c {
        None => ("-".into(), t.muted),
        Some(Count::Queued) => ("queued".into(), t.muted),
        Some(Count::Running(p)) => (format!("counting… {}", with_skipped(p)), t.key_hint),
        Some(Count::Done(p)) => (with_skipped(p), t.text),
        Some(Count::Cancelled(p)) => (format!("≥{} cancelled", p.done), t.muted),
        Some(Count::Failed(VaultError::PermissionDenied { .. })) => ("denied".into(), t.muted),
        Some(Count::Failed(_)) => ("failed".into(), t.status_warn),
    }
}

fn flags(m: &Mount) -> String {
    let mut f = Vec::new();
    if m.seal_wrap {
        f.push("seal-wrap");
    }
    if m.local {
        f.push("local");
    }
    f.join(",")
}

fn cells<'a>(m: &Mount, s: &MountsScreen, t: &Theme) -> Vec<Cell<'a>> {
    let (count, count_style) = count_cell(s.counts.get(&m.path), t);
    let kind = match m.kind {
        MountKind::Secret => "secret",
        MountKind::Auth => "auth",
    };
    let path = match m.kind {
        MountKind::Secret => sanitize(&m.path).into_owned(),
        MountKind::Auth => format!("auth/{}", sanitize(&m.path)),
    };
    vec![
        Cell::from(Span::styled(path, t.text)),
        Cell::from(Span::styled(kind, t.muted)),
        Cell::from(Span::styled(sanitize(&m.mount_type).into_owned(), t.text)),
        Cell::from(Span::styled(
            m.kv_version.map(|v| v.to_string()).unwrap_or_default(),
            t.text,
        )),
        Cell::from(Span::styled(count, count_style)),
        Cell::from(Span::styled(ttl(m.default_lease_ttl), t.muted)),
        Cell::from(Span::styled(ttl(m.max_lease_ttl), t.muted)),
        Cell::from(Span::styled(flags(m), t.muted)),
        Cell::from(Span::styled(sanitize(&m.accessor).into_owned(), t.muted)),
        Cell::from(Span::styled(
            table::fit(&sanitize(&m.description), 200),
            t.muted,
        )),
    ]
}

impl Widget for MountsView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let (s, t) = (self.screen, self.theme);
        let keep = table::fit_columns(&COLS, area.width.saturating_sub(2));
        let (header, widths) = table::kept_layout(&COLS, &keep);
        let visible = s.visible();
        let rows = visible
            .iter()
            .map(|m| table::kept_row(cells(m, s, t), &keep))
            .collect();
        let summary = s.summary();
        let mut suffix = Vec::new();
        if !summary.is_empty() {
            suffix.push(Span::styled(format!("· {summary} "), t.muted));
        }
        if let Remote::Failed { error, .. } = &s.mounts {
            let stale = s
                .mounts
                .age(self.now)
                .map(|a| format!(" (showing data {} old)", crate::ui::widgets::age::short(a)))
                .unwrap_or_default();
            suffix.push(Span::styled(
                format!("· {}{stale} ", sanitize(&error.to_string())),
                t.status_danger,
            ));
        } else if s.mounts.is_loading() {
            suffix.push(Span::styled("· loading… ", t.muted));
        }
        let empty = match &s.mounts {
            Remote::NotAsked | Remote::Loading { last: None } => "loading mounts…".to_string(),
            Remote::Failed {
                last: None, error, ..
            } => {
                format!("cannot list mounts: {}", sanitize(&error.to_string()))
            }
            _ if !s.filter().is_empty() => "no mount matches the filter".into(),
            _ => "no mounts visible to this token".into(),
        };
        let footer = s.selected_mount().map(|m| detail_line(m, s, t));
        table::Panel {
            title: table::title("Mounts", t, suffix),
            header,
            widths,
            rows,
            focused: true,
            selected: Some(s.selected()),
            empty: Line::styled(empty, t.muted),
            footer,
        }
        .render(area, buf, t);
    }
}

fn detail_line(m: &Mount, s: &MountsScreen, t: &Theme) -> Line<'static> {
    let mut parts = vec![format!("▸ {}", sanitize(&m.path))];
    if !m.running_plugin_version.is_empty() {
        parts.push(format!("plugin {}", sanitize(&m.running_plugin_version)));
    }
    match s.counts.get(&m.path) {
        Some(Count::Failed(e)) => parts.push(format!("count: {}", sanitize(&e.to_string()))),
        Some(Count::Running(_)) => parts.push("esc cancels the count".into()),
        _ => {}
    }
    parts.push(if m.kind == MountKind::Secret && m.kv_version.is_some() {
        "enter: browse · d: configuration".into()
    } else {
        "enter: configuration".into()
    });
    Line::styled(parts.join(" · "), t.muted)
}
