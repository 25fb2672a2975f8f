//! The leases screen: a status line (phase, counters, age), the prefix tree (count and soonest
//! expiry per prefix) beside (or, when narrow, above) the leases of the selected prefix with a
//! live TTL countdown, and a last line with the selected lease, or the renew prompt. Only the
//! visible window of leases is drawn, so 100,000 leases cost the same per frame as 20.

use chrono::{DateTime, Utc};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Widget};

use super::{Focus, LeasesScreen, Phase, TreeRow};
use crate::sanitize::sanitize;
use crate::theme::Theme;
use crate::ui::widgets::age;
use crate::ui::widgets::table::{self, Col};
use crate::vault::models::leases::LeaseInfo;

pub struct LeasesView<'a> {
    pub screen: &'a LeasesScreen,
    pub theme: &'a Theme,
    pub now: DateTime<Utc>,
}

const TREE_COLS: [Col; 3] = [
    Col::new("PREFIX", 20, 0),
    Col::new("LEASES", 7, 0),
    Col::new("SOONEST", 8, 1),
];

const LEASE_COLS: [Col; 5] = [
    Col::new("LEASE", 22, 0),
    Col::new("TTL", 8, 0),
    Col::new("EXPIRES", 19, 1),
    Col::new("RENEW", 5, 2),
    Col::new("ISSUED", 19, 3),
];

/// Wider than this, the tree and the leases sit side by side.
const SIDE_BY_SIDE: u16 = 90;

/// A live TTL: `42s`, `12m05s`, `3h04m`, `2d03h`, `expired`.
pub fn ttl_text(secs: i64) -> String {
    match secs {
        s if s < 0 => "expired".into(),
        s @ 0..60 => format!("{s}s"),
        s @ 60..3600 => format!("{}m{:02}s", s / 60, s % 60),
        s @ 3600..86_400 => format!("{}h{:02}m", s / 3600, (s % 3600) / 60),
        s => format!("{}d{:02}h", s / 86_400, (s % 86_400) / 3600),
    }
}

fn time_text(t: Option<DateTime<Utc>>) -> String {
    t.map_or("-".into(), |t| t.format("%Y-%m-%d %H:%M:%S").to_string())
}

/// The TTL cell of a lease at `now`, styled by how soon it ends.
fn ttl_cell(l: &LeaseInfo, now: DateTime<Utc>, t: &Theme) -> (String, Style) {
    match l.ttl_at(now) {
        None => ("never".into(), t.muted),
        Some(s) if s < 0 => ("expired".into(), t.status_danger),
        Some(s) if s < 300 => (ttl_text(s), t.status_warn),
        Some(s) => (ttl_text(s), t.text),
    }
}

fn status_line(s: &LeasesScreen, now: DateTime<Utc>, t: &Theme) -> Line<'static> {
    let below = if s.root.is_empty() {
        "every prefix".to_string()
    } else {
        sanitize(&s.root).into_owned()
    };
    let n = s.tree.len();
    let prefixes = s.tree.prefix_count().saturating_sub(1);
    let sync = if s.sync { "sync on" } else { "sync off" };
    let loaded = s
        .loaded_at
        .map(|at| format!(" · loaded {} ago", age::short(now - at)))
        .unwrap_or_default();
    let (text, style) = match &s.phase {
        Phase::Loading => (
            format!(
                "loading leases below {}… {} · esc cancels",
                match s.running.as_deref() {
                    Some(p) if !p.is_empty() => sanitize(p).into_owned(),
                    _ => below,
                },
                s.progress.label()
            ),
            t.key_hint,
        ),
        Phase::Ready => {
            let mut text = format!("{n} leases in {prefixes} prefixes below {below}{loaded}");
            if s.progress.gone > 0 || s.progress.failed > 0 {
                text += &format!(" · {} gone · {} failed", s.progress.gone, s.progress.failed);
            }
            (format!("{text} · {sync}"), t.status_ok)
        }
        Phase::Cancelled => (
            format!(
                "cancelled · {} (partial) · ctrl-r loads again",
                s.progress.label()
            ),
            t.status_warn,
        ),
        Phase::Failed(e) => {
            let stale = s
                .loaded_at
                .map(|at| format!(" (showing data {} old)", age::short(now - at)))
                .unwrap_or_default();
            (
                format!("failed: {}{stale}", sanitize(&e.to_string())),
                t.status_danger,
            )
        }
    };
    Line::styled(text, style)
}

fn tree_cells<'a>(r: &TreeRow<'_>, root: &str, now: DateTime<Utc>, t: &Theme) -> Vec<Cell<'a>> {
    let label = if r.depth == 0 {
        if root.is_empty() {
            "(all)".to_string()
        } else {
            sanitize(root).into_owned()
        }
    } else {
        let trimmed = r.prefix.trim_end_matches('/');
        let last = trimmed.rsplit('/').next().unwrap_or(trimmed);
        format!("{}/", sanitize(last))
    };
    let marker = match (r.has_children, r.collapsed) {
        (false, _) => "  ",
        (true, false) => "▾ ",
        (true, true) => "▸ ",
    };
    let indent = "  ".repeat(r.depth.min(12));
    let soonest = r
        .stats
        .soonest
        .map_or("-".to_string(), |s| ttl_text((s - now).num_seconds()));
    vec![
        Cell::from(Span::styled(format!("{indent}{marker}{label}"), t.text)),
        Cell::from(Span::styled(r.stats.count.to_string(), t.text)),
        Cell::from(Span::styled(soonest, t.muted)),
    ]
}

fn lease_cells<'a>(l: &LeaseInfo, prefix: &str, now: DateTime<Utc>, t: &Theme) -> Vec<Cell<'a>> {
    let id = l.id.strip_prefix(prefix).unwrap_or(&l.id);
    let (ttl, ttl_style) = ttl_cell(l, now, t);
    vec![
        Cell::from(Span::styled(sanitize(id).into_owned(), t.text)),
        Cell::from(Span::styled(ttl, ttl_style)),
        Cell::from(Span::styled(time_text(l.expire_time), t.muted)),
        Cell::from(Span::styled(
            if l.renewable { "yes" } else { "no" },
            t.muted,
        )),
        Cell::from(Span::styled(time_text(l.issue_time), t.muted)),
    ]
}

impl LeasesView<'_> {
    fn tree(&self, area: Rect, buf: &mut Buffer) {
        let (s, t) = (self.screen, self.theme);
        let keep = table::fit_columns(&TREE_COLS, area.width.saturating_sub(2));
        let (header, widths) = table::kept_layout(&TREE_COLS, &keep);
        let (rows, selected) = s.tree_rows();
        let rows = rows
            .iter()
            .map(|r| table::kept_row(tree_cells(r, &s.root, self.now, t), &keep))
            .collect();
        table::Panel {
            title: table::title("Prefixes", t, Vec::new()),
            header,
            widths,
            rows,
            focused: s.focus == Focus::Tree,
            selected: Some(selected),
            empty: Line::styled("", t.muted),
            footer: None,
        }
        .render(area, buf, t);
    }

    fn leases(&self, area: Rect, buf: &mut Buffer) {
        let (s, t) = (self.screen, self.theme);
        let keep = table::fit_columns(&LEASE_COLS, area.width.saturating_sub(2));
        let (header, widths) = table::kept_layout(&LEASE_COLS, &keep);
        let total = s.shown_len();
        let visible = table::visible_rows(area.height, false);
        let selected = s.selected_lease();
        let offset = table::offset_for(selected, visible);
        let prefix = s.selected_prefix();
        let rows = (offset..(offset + visible).min(total))
            .filter_map(|i| s.shown(i))
            .map(|l| table::kept_row(lease_cells(l, prefix, self.now, t), &keep))
            .collect();
        let mut suffix = vec![Span::styled(
            format!(
                "· {} ",
                if prefix.is_empty() {
                    "all".into()
                } else {
                    sanitize(prefix)
                }
            ),
            t.muted,
        )];
        if !s.filter().is_empty() {
            suffix.push(Span::styled(
                format!("· filter \"{}\" ", sanitize(s.filter())),
                t.key_hint,
            ));
        }
        let empty = match (&s.phase, s.tree.is_empty()) {
            (Phase::Loading, _) => "no lease here yet…",
            (_, true) => "no leases",
            _ if !s.filter().is_empty() => "no lease matches the filter",
            _ => "no leases below this prefix",
        };
        table::Panel {
            title: table::title("Leases", t, suffix),
            header,
            widths,
            rows,
            focused: s.focus == Focus::Leases,
            selected: Some(selected - offset.min(selected)),
            empty: Line::styled(empty, t.muted),
            footer: None,
        }
        .render(area, buf, t);
        if total > visible && visible > 0 && area.height > 2 {
            let last = (offset + visible).min(total);
            let text = format!(" {}–{last} of {total} ", offset + 1);
            let w = text.chars().count() as u16;
            if w + 2 < area.width {
                buf.set_string(area.right() - w - 1, area.bottom() - 1, text, t.muted);
            }
        }
    }

    fn last_line(&self) -> Line<'static> {
        let (s, t) = (self.screen, self.theme);
        if let Some(p) = &s.prompt {
            let mut spans = vec![
                Span::styled(format!("renew {} by: ", sanitize(&p.lease_id)), t.key_hint),
                Span::styled(format!("{}▏", sanitize(&p.input.text)), t.command_line),
                Span::styled(" enter renews · esc cancels", t.muted),
            ];
            if let Some(e) = &p.error {
                spans.push(Span::styled(format!(" · {e}"), t.status_warn));
            }
            return Line::from(spans);
        }
        match (s.focus, s.selected()) {
            (Focus::Leases, Some(l)) => {
                let renewed = l
                    .last_renewal
                    .map(|r| format!(" · renewed {}", time_text(Some(r))))
                    .unwrap_or_default();
                Line::styled(
                    format!(
                        "▸ {}{renewed} · r renew · d revoke · {}",
                        sanitize(&l.id),
                        if s.sync { "sync" } else { "async" }
                    ),
                    t.muted,
                )
            }
            _ => Line::styled(
                "enter: the prefix's leases · space folds · D revoke prefix · F force · t tidy · s sync",
                t.muted,
            ),
        }
    }
}

impl Widget for LeasesView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        if area.height < 4 || area.width < 20 {
            return;
        }
        let status = Rect { height: 1, ..area };
        Paragraph::new(status_line(self.screen, self.now, self.theme)).render(status, buf);
        let last = Rect {
            y: area.bottom() - 1,
            height: 1,
            ..area
        };
        Paragraph::new(self.last_line()).render(last, buf);
        let body = Rect {
            y: area.y + 1,
            height: area.height - 2,
            ..area
        };
        if area.width >= SIDE_BY_SIDE {
            let tree_w = (body.width * 2 / 5).max(40).min(body.width / 2);
            self.tree(
                Rect {
                    width: tree_w,
                    ..body
                },
                buf,
            );
            self.leases(
                Rect {
                    x: body.x + tree_w,
                    width: body.width - tree_w,
                    ..body
                },
                buf,
            );
        } else {
            let rows = self.screen.tree.prefix_count() as u16;
            let tree_h = (rows + 3).min(body.height / 2).max(3.min(body.height));
            self.tree(
                Rect {
                    height: tree_h,
                    ..body
                },
                buf,
            );
            self.leases(
                Rect {
                    y: body.y + tree_h,
                    height: body.height - tree_h,
                    ..body
                },
                buf,
            );
        }
    }
}
