//! Key metrics with their alert thresholds.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row};

use super::health::{HealthView, Panel};
use crate::cluster::ClusterState;
use crate::cluster::alerts::{self, Level, MetricRow};
use crate::sanitize::sanitize;
use crate::theme::Theme;
use crate::ui::widgets::age;
use crate::ui::widgets::table;

fn rows_for(
    cluster: &ClusterState,
    filter: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Vec<MetricRow> {
    let f = filter.to_lowercase();
    alerts::evaluate(cluster, now)
        .into_iter()
        .filter(|r| f.is_empty() || r.label.contains(&f) || r.metric.contains(&f))
        .collect()
}

pub fn row_count(cluster: &ClusterState, filter: &str) -> usize {
    // The row set does not depend on time; any instant will do for counting.
    rows_for(cluster, filter, chrono::DateTime::UNIX_EPOCH).len()
}

fn level_style(l: Level, t: &Theme) -> ratatui::style::Style {
    match l {
        Level::Ok => t.status_ok,
        Level::Warn => t.status_warn,
        Level::Critical => t.status_danger,
        Level::Unavailable => t.muted,
    }
}

pub fn render(v: &HealthView, area: Rect, buf: &mut Buffer) {
    let t = v.theme;
    let c = v.cluster;
    let wide = area.width >= 90;
    let rows: Vec<Row> = rows_for(c, v.screen.filter(), v.now)
        .into_iter()
        .map(|r| {
            let style = level_style(r.level, t);
            let mut cells = vec![
                Cell::from(if wide {
                    r.metric.trim_start_matches("vault.").to_string()
                } else {
                    r.label.to_string()
                }),
                Cell::from(r.value_text.clone()),
                Cell::from(Span::styled(r.level.label(), style)),
            ];
            if wide {
                cells.insert(2, Cell::from(r.threshold_text));
                cells.push(Cell::from(Span::styled(
                    sanitize(&r.note).into_owned(),
                    t.muted,
                )));
            }
            Row::new(cells)
        })
        .collect();
    let (header, widths) = if wide {
        (
            vec!["METRIC", "VALUE", "THRESHOLD", "STATUS", "NOTE"],
            vec![
                Constraint::Length(26),
                Constraint::Length(16),
                Constraint::Length(22),
                Constraint::Length(8),
                Constraint::Min(10),
            ],
        )
    } else {
        (
            vec!["METRIC", "VALUE", "STATUS"],
            vec![
                Constraint::Length(24),
                Constraint::Length(18),
                Constraint::Min(8),
            ],
        )
    };
    let mut suffix = Vec::new();
    if let Some(src) = &c.source {
        suffix.push(Span::styled(
            format!(
                "from {} ",
                sanitize(
                    src.trim_start_matches("http://")
                        .trim_start_matches("https://")
                )
            ),
            t.muted,
        ));
    }
    if let Some(a) = c
        .metrics
        .current
        .age(v.now)
        .filter(|_| c.metrics.current.is_stale())
    {
        suffix.push(Span::styled(format!("stale {} ", age::short(a)), t.stale));
    }
    table::Panel {
        title: table::title("Key metrics", t, suffix),
        header,
        widths,
        rows,
        focused: v.screen.focus == Panel::Metrics,
        selected: Some(v.screen.selected(Panel::Metrics)),
        empty: Line::styled("no metric matches the filter", t.muted),
        footer: None,
    }
    .render(area, buf, t);
}
