//! Key metrics with their alert thresholds, a sparkline of the last hour of the selected node
//! (the nodes panel's selection), and a detail line for the selected metric.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Cell;

use super::spark::{self, Subject};
use super::{HealthView, Panel};
use crate::cluster::ClusterState;
use crate::cluster::alerts::{self, Level, MetricRow};
use crate::sanitize::sanitize;
use crate::theme::Theme;
use crate::ui::widgets::age;
use crate::ui::widgets::table::{self, Col};

/// The rows that pass the filter (label or metric name, case-insensitive): the alert rows, then
/// the request rate and the raft commit time.
pub(super) fn rows_for(
    cluster: &ClusterState,
    filter: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Vec<MetricRow> {
    let f = filter.to_lowercase();
    alerts::evaluate(cluster, now)
        .into_iter()
        .chain(spark::extra_rows(cluster))
        .filter(|r| {
            f.is_empty()
                || r.label.to_lowercase().contains(&f)
                || r.metric.to_lowercase().contains(&f)
        })
        .collect()
}

pub fn row_count(cluster: &ClusterState, filter: &str) -> usize {
    // The row set does not depend on time; any instant will do for counting.
    rows_for(cluster, filter, chrono::DateTime::UNIX_EPOCH).len()
}

pub fn level_style(l: Level, t: &Theme) -> Style {
    match l {
        Level::Ok => t.status_ok,
        Level::Warn => t.status_warn,
        Level::Critical => t.status_danger,
        Level::Unavailable => t.muted,
    }
}

/// The sparkline's width: five minutes a cell.
const SPARK_W: u16 = 12;

/// Metric names (`expire.num_leases`) when the whole table fits, short labels otherwise.
const BY_NAME: [Col; 6] = [
    Col::new("METRIC", 26, 0),
    Col::new("VALUE", 18, 1),
    Col::new("LAST 60m", SPARK_W, 3),
    Col::new("THRESHOLD", 15, 4),
    Col::new("STATUS", 8, 2),
    Col::new("NOTE", 12, 5),
];
const BY_LABEL: [Col; 6] = [
    Col::new("METRIC", 24, 0),
    Col::new("VALUE", 18, 1),
    Col::new("LAST 60m", SPARK_W, 3),
    Col::new("THRESHOLD", 15, 4),
    Col::new("STATUS", 8, 2),
    Col::new("NOTE", 12, 5),
];

pub fn render(v: &HealthView, area: Rect, footer: bool, buf: &mut Buffer) {
    let t = v.theme;
    let c = v.cluster;
    let inner_w = area.width.saturating_sub(2);
    let by_name = table::fit_columns(&BY_NAME, inner_w).iter().all(|k| *k);
    let cols = if by_name { &BY_NAME } else { &BY_LABEL };
    let keep = table::fit_columns(cols, inner_w);
    let (header, widths) = table::kept_layout(cols, &keep);
    let list = rows_for(c, v.screen.filter(), v.now);
    let selected = v
        .screen
        .selected(Panel::Metrics)
        .min(list.len().saturating_sub(1));
    let detail = list
        .get(selected)
        .filter(|_| footer)
        .map(|r| detail_line(r, t));
    let subject = Subject::of(v.screen.selected_node(c));
    let host_total = spark::host_total(c);
    let rows = list
        .iter()
        .map(|r| {
            let name = if by_name {
                r.metric.trim_start_matches("vault.").to_string()
            } else {
                r.label.to_string()
            };
            let cells = vec![
                Cell::from(name),
                Cell::from(r.value_text.clone()),
                Cell::from(spark::sparkline(
                    subject.series(c, r.metric),
                    r.metric,
                    v.now,
                    usize::from(SPARK_W),
                    host_total,
                    t,
                )),
                Cell::from(r.threshold_text.clone()),
                Cell::from(Span::styled(r.level.label(), level_style(r.level, t))),
                Cell::from(Span::styled(sanitize(&r.note).into_owned(), t.muted)),
            ];
            table::kept_row(cells, &keep)
        })
        .collect();
    let mut suffix = Vec::new();
    if let Some(src) = &c.source {
        suffix.push(Span::styled(
            format!("from {} ", sanitize(crate::addr::strip_scheme(src))),
            t.muted,
        ));
    }
    if let Some(h) = subject.title() {
        suffix.push(Span::styled(h, t.muted));
    }
    if let Some(a) = c
        .metrics
        .current
        .age(v.now)
        .filter(|_| c.metrics.current.is_stale())
    {
        suffix.push(Span::styled(format!("stale {} ", age::short(a)), t.stale));
    }
    let (worst, count) = summary(&list);
    if count > 0 {
        suffix.push(Span::styled(
            format!("· {count} {} ", worst.label()),
            level_style(worst, t),
        ));
    }
    table::Panel {
        title: table::title("Key metrics", t, suffix),
        header,
        widths,
        rows,
        focused: v.screen.focus == Panel::Metrics,
        selected: Some(selected),
        empty: Line::styled("no metric matches the filter", t.muted),
        footer: detail,
    }
    .render(area, buf, t);
}

/// The worst alerting level among the rows and how many rows are at it (0 when all are ok or
/// unavailable).
fn summary(rows: &[MetricRow]) -> (Level, usize) {
    for level in [Level::Critical, Level::Warn] {
        let n = rows.iter().filter(|r| r.level == level).count();
        if n > 0 {
            return (level, n);
        }
    }
    (Level::Ok, 0)
}

/// `▸ vault.token.count — · threshold > 50,000 warn · usage gauge, …`: the full name, value,
/// threshold and the whole note.
fn detail_line<'a>(r: &MetricRow, t: &Theme) -> Line<'a> {
    let mut spans = vec![Span::styled(format!("▸ {} ", r.metric), t.key_hint)];
    spans.push(Span::styled(r.value_text.clone(), level_style(r.level, t)));
    spans.push(Span::styled(
        format!(" · threshold {}", r.threshold_text),
        t.muted,
    ));
    if !r.note.is_empty() {
        spans.push(Span::styled(format!(" · {}", sanitize(&r.note)), t.muted));
    }
    Line::from(spans)
}
