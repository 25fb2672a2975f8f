//! The access-history screen: a status line (locating, scan progress, following, failure with
//! the age of the rows kept), the audit devices of the nodes, and the table of records (columns
//! dropped by priority; a node column when several nodes' logs are merged). Only the visible
//! window of rows is drawn. Overlays (drill-down, signals, form, prompts) cover the table.

use chrono::{DateTime, Utc};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Widget};

use super::{AuditScreen, Overlay, Phase};
use crate::audit::{AuditRecord, ScanProgress};
use crate::sanitize::sanitize;
use crate::theme::Theme;
use crate::ui::widgets::age;
use crate::ui::widgets::table::{self, Col};

pub struct AuditView<'a> {
    pub screen: &'a AuditScreen,
    pub theme: &'a Theme,
    pub now: DateTime<Utc>,
}

const COLS: [Col; 10] = [
    Col::new("TIME", 19, 0),
    Col::new("TYPE", 4, 3),
    Col::new("OP", 6, 0),
    Col::new("PATH", 28, 0),
    Col::new("MOUNT", 10, 4),
    Col::new("IDENTITY", 15, 1),
    Col::new("REMOTE", 11, 2),
    Col::new("POLICIES", 14, 5),
    Col::new("STATUS", 8, 1),
    Col::new("NODE", 7, 1),
];
/// The node column's index (only when several nodes' logs are merged).
const NODE_COL: usize = 9;

/// `2026-12-06 06:20:43` (UTC), or `-`.
pub fn time_text(ns: Option<i64>) -> String {
    ns.and_then(|n| {
        DateTime::from_timestamp(n.div_euclid(1_000_000_000), 0)
            .map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
    })
    .unwrap_or_else(|| "-".into())
}

/// `12.3 MB`.
fn size(b: u64) -> String {
    crate::cluster::alerts::bytes(b as f64)
}

/// "45% of 27.0 MB · 50000 entries · 120 matched · 3 bad · 1 blank".
pub fn progress_text(p: &ScanProgress) -> String {
    let pct = (p.bytes_read.min(p.bytes_total).saturating_mul(100)).checked_div(p.bytes_total);
    let mut s = match pct {
        Some(pct) => format!("{pct}% of {}", size(p.bytes_total)),
        None => size(p.bytes_read),
    };
    s += &format!(" · {} entries · {} matched", p.entries, p.matched);
    if p.bad > 0 {
        s += &format!(" · {} bad", p.bad);
    }
    if p.blank > 0 {
        s += &format!(" · {} blank", p.blank);
    }
    if p.dropped > 0 {
        s += &format!(" · {} over the limit", p.dropped);
    }
    s
}

fn status_line(s: &AuditScreen, now: DateTime<Utc>, t: &Theme) -> Line<'static> {
    let files = s.logs.iter().map(|l| l.files.len()).sum::<usize>();
    let (text, style) = match &s.phase {
        Phase::Locating if s.patterns.is_empty() => (
            "asking the nodes for their audit devices…".to_string(),
            t.key_hint,
        ),
        Phase::Locating => ("looking for the files…".to_string(), t.key_hint),
        Phase::NoFiles => (
            "nothing to scan: no device log on this machine · :audit FILE… names the files"
                .to_string(),
            t.status_warn,
        ),
        Phase::Loading if s.progress.following => (
            format!(
                "following {files} files · {} · esc or f stops",
                progress_text(&s.progress)
            ),
            t.status_ok,
        ),
        Phase::Loading => (
            format!(
                "scanning {files} files… {} · esc cancels",
                progress_text(&s.progress)
            ),
            t.key_hint,
        ),
        Phase::Ready => {
            let at = s
                .loaded_at
                .map(|at| format!(" · {} ago", age::short(now - at)))
                .unwrap_or_default();
            (
                format!("scanned {files} files · {}{at}", progress_text(&s.progress)),
                t.status_ok,
            )
        }
        Phase::Cancelled => (
            format!(
                "cancelled · {} (partial) · ctrl-r scans again",
                progress_text(&s.progress)
            ),
            t.status_warn,
        ),
        Phase::Failed(e) => {
            let stale = s
                .loaded_at
                .filter(|_| !s.records().is_empty())
                .map(|at| format!(" (showing rows {} old)", age::short(now - at)))
                .unwrap_or_default();
            (
                format!("scan failed: {}{stale}", sanitize(&e.to_string())),
                t.status_danger,
            )
        }
    };
    Line::styled(text, style)
}

/// One line per node: its devices (path, type, file path, local) and the log found here.
fn device_lines(s: &AuditScreen, t: &Theme) -> Vec<Line<'static>> {
    s.devices
        .iter()
        .map(|n| {
            let node = sanitize(crate::addr::strip_scheme(&n.addr)).into_owned();
            let mut spans = vec![Span::styled(format!("{node}: "), t.muted)];
            match &n.result {
                None => spans.push(Span::styled("asking sys/audit…", t.muted)),
                Some(Err(e)) => spans.push(Span::styled(
                    format!("sys/audit: {}", sanitize(&e.to_string())),
                    t.status_warn,
                )),
                Some(Ok(devs)) if devs.is_empty() => {
                    spans.push(Span::styled("no audit device", t.status_warn));
                }
                Some(Ok(devs)) => {
                    for (i, d) in devs.iter().enumerate() {
                        if i > 0 {
                            spans.push(Span::styled(" · ", t.muted));
                        }
                        let path = d.device.file_path().unwrap_or("-");
                        let local = if d.device.local { " local" } else { "" };
                        spans.push(Span::styled(
                            format!(
                                "{} ({}{local}) {}",
                                sanitize(&d.device.path),
                                sanitize(&d.device.kind),
                                sanitize(path)
                            ),
                            t.text,
                        ));
                        let here = match &d.local_file {
                            Some(f) => format!(" → {}", sanitize(&f.display().to_string())),
                            None if d.device.file_path().is_some() => {
                                " (not on this machine)".into()
                            }
                            None => String::new(),
                        };
                        spans.push(Span::styled(here, t.muted));
                    }
                }
            }
            Line::from(spans)
        })
        .collect()
}

/// A short status: `ok`, `denied`, or the error's first words.
fn status_cell(r: &AuditRecord, t: &Theme) -> Span<'static> {
    if r.is_denied() {
        return Span::styled("denied", t.status_danger);
    }
    match r.error() {
        Some(e) => {
            let words = e
                .replace("1 error occurred:", "")
                .replace('*', "")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            Span::styled(sanitize(&words).into_owned(), t.status_warn)
        }
        None => Span::styled("ok", t.status_ok),
    }
}

fn row_cells(s: &AuditScreen, r: &AuditRecord, t: &Theme) -> Vec<Cell<'static>> {
    let e = r.main().cloned().unwrap_or_default();
    let kind = match (&r.request, &r.response) {
        (Some(_), Some(_)) => "both",
        (Some(_), None) => "req",
        _ => "resp",
    };
    let identity = match r.identity() {
        "" => e.entity_id.clone(),
        id => id.to_string(),
    };
    let policies = r
        .lines()
        .find(|l| !l.policies.is_empty())
        .map(|l| l.policies.join(","))
        .unwrap_or_default();
    let c = |text: &str, style| Cell::from(Span::styled(sanitize(text).into_owned(), style));
    vec![
        Cell::from(Span::styled(time_text(r.time()), t.muted)),
        Cell::from(Span::styled(kind, t.muted)),
        c(&e.operation, t.text),
        c(&e.path, t.text),
        c(&e.mount_point, t.muted),
        c(&identity, t.text),
        c(&e.remote_address, t.muted),
        c(&policies, t.muted),
        Cell::from(status_cell(r, t)),
        c(s.node_label(r).unwrap_or(""), t.muted),
    ]
}

impl AuditView<'_> {
    fn title_suffix(&self) -> Vec<Span<'static>> {
        let (s, t) = (self.screen, self.theme);
        let mut out = vec![Span::styled(format!("· {} rows ", s.shown_len()), t.muted)];
        let mut tag = |text: String| out.push(Span::styled(format!("· {text} "), t.key_hint));
        if s.following() {
            tag("following".into());
        } else if s.loading() {
            let p = &s.progress;
            let pct =
                (p.bytes_read.min(p.bytes_total).saturating_mul(100)).checked_div(p.bytes_total);
            tag(match pct {
                Some(pct) => format!("scanning {pct}%"),
                None => "scanning".into(),
            });
        }
        if let Some(h) = &s.hash_label {
            tag(format!("matching a value ({h})"));
        }
        if s.filter.denied_only {
            tag("denied only".into());
        }
        if s.filter.errors_only {
            tag("errors only".into());
        }
        if !s.filter.is_empty()
            && (s.filter.since.is_some()
                || s.filter.until.is_some()
                || s.filter.path.is_some()
                || !s.filter.operations.is_empty()
                || s.filter.identity.is_some()
                || s.filter.remote.is_some())
        {
            tag("filtered (F)".into());
        }
        if let Some(ev) = s.evidence_title() {
            tag(format!("evidence: {ev}"));
        }
        if !s.filter_text().is_empty() {
            tag(format!("search \"{}\"", sanitize(s.filter_text())));
        }
        out
    }

    fn table(&self, area: Rect, buf: &mut Buffer) {
        let (s, t) = (self.screen, self.theme);
        let mut cols = COLS;
        if s.logs.len() < 2 {
            // One node: no node column (wider than the table, it never fits).
            cols[NODE_COL].width = area.width;
        }
        let keep = table::fit_columns(&cols, area.width.saturating_sub(2));
        let (header, widths) = table::kept_layout(&cols, &keep);
        let total = s.shown_len();
        let visible = table::visible_rows(area.height, false);
        let selected = s.selected_index();
        let offset = table::offset_for(selected, visible);
        let rows = (offset..(offset + visible).min(total))
            .filter_map(|i| s.shown(i))
            .map(|r| table::kept_row(row_cells(s, r, t), &keep))
            .collect();
        let empty = match &s.phase {
            Phase::Locating => "locating the logs…",
            Phase::Loading => "no matching entry yet…",
            Phase::NoFiles => "no log to scan",
            _ if !s.filter_text().is_empty() || s.evidence_title().is_some() => {
                "no loaded row matches (esc clears)"
            }
            _ => "no entry matches the filters",
        };
        table::Panel {
            title: table::title("Access history", t, self.title_suffix()),
            header,
            widths,
            rows,
            focused: true,
            selected: Some(selected - offset.min(selected)),
            empty: Line::styled(empty, t.muted),
            footer: None,
        }
        .render(area, buf, t);
        if total > visible && visible > 0 && area.height > 2 {
            let last = (offset + visible).min(total);
            let text = format!(" {}–{last} of {total} ", offset + 1);
            let w = u16::try_from(text.chars().count()).unwrap_or(u16::MAX);
            if w + 2 < area.width {
                buf.set_string(area.right() - w - 1, area.bottom() - 1, text, t.muted);
            }
        }
    }
}

/// A box centred in `area`, at most `w`×`h`.
fn centred(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

impl Widget for AuditView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let (s, t) = (self.screen, self.theme);
        if area.height < 3 {
            return;
        }
        let mut lines = vec![status_line(s, self.now, t)];
        let devices = device_lines(s, t);
        let room = usize::from(area.height.saturating_sub(8) / 4).min(devices.len());
        lines.extend(devices.into_iter().take(room));
        let top = u16::try_from(lines.len()).unwrap_or(1);
        Paragraph::new(lines).render(
            Rect {
                height: top,
                ..area
            },
            buf,
        );
        let body = Rect {
            y: area.y + top,
            height: area.height - top,
            ..area
        };
        self.table(body, buf);
        match &s.overlay {
            Overlay::None => {}
            Overlay::Drill(d) => super::drill::render(d, t, area, buf),
            Overlay::Signals(sig) => {
                super::signals::render(sig, &s.signals, s.records().len(), t, area, buf);
            }
            Overlay::Form(f) => super::form::render(f, t, centred(area, 90, 12), buf),
            Overlay::Hash(h) => super::overlay::render_hash(h, t, centred(area, 90, 5), buf),
            Overlay::Report(p) => super::overlay::render_report(p, t, centred(area, 90, 5), buf),
        }
        if let Some(r) = &s.report {
            let text = format!(
                " writing the report {}… {} ",
                sanitize(&r.path),
                progress_text(&r.progress)
            );
            buf.set_stringn(
                area.x + 1,
                area.bottom() - 1,
                text,
                usize::from(area.width.saturating_sub(2)),
                t.key_hint,
            );
        }
    }
}
