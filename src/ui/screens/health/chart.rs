//! The chart of the selected metric: the selected node's last hour (each stretch between two
//! gaps its own line, so a gap is never drawn across) with the metric's alert threshold as a
//! horizontal line in the warn/danger slot; time axis "-60m … now", value labels in the metric's
//! unit. `esc` closes it.

use chrono::{DateTime, Utc};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Block, Borders, Chart, Dataset, GraphType, Paragraph, Widget};

use super::spark::{self, Subject};
use super::{HealthView, metrics as health_metrics};
use crate::cluster::alerts::{self, Level};
use crate::cluster::history::{Series, WINDOW_SECS};
use crate::sanitize::sanitize;

/// The points of a series as seconds before `now`, split at gaps.
pub fn segments(series: &Series, now: DateTime<Utc>) -> Vec<Vec<(f64, f64)>> {
    let mut out: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
    for s in series.samples() {
        let x = (s.at - now).num_milliseconds() as f64 / 1000.0;
        if x < -(WINDOW_SECS as f64) {
            continue;
        }
        match s.value {
            Some(v) if v.is_finite() => {
                if let Some(last) = out.last_mut() {
                    last.push((x.min(0.0), v));
                }
            }
            _ => out.push(Vec::new()),
        }
    }
    out.retain(|seg| !seg.is_empty());
    out
}

/// The threshold line's value in the series' unit, its level and text, when the metric has one
/// (the heap's needs the host's memory).
fn threshold_line(metric: &str, host_total: Option<u64>) -> Option<(f64, Level, String)> {
    let th = alerts::threshold(metric)?;
    let limit = if th.of_ram {
        host_total? as f64 * th.limit / 100.0
    } else {
        th.limit
    };
    Some((limit, th.level, th.text))
}

/// The value axis: from the lowest to the highest of the values and the threshold, with a margin.
fn bounds(segs: &[Vec<(f64, f64)>], threshold: Option<f64>) -> [f64; 2] {
    let values = segs.iter().flatten().map(|p| p.1).chain(threshold);
    let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    if !lo.is_finite() || !hi.is_finite() {
        return [0.0, 1.0];
    }
    let span = hi - lo;
    let pad = if span <= f64::EPSILON * hi.abs().max(1.0) {
        (hi.abs() * 0.1).max(1.0)
    } else {
        span * 0.1
    };
    // A series that never goes below zero keeps zero as its floor.
    let floor = if lo >= 0.0 { 0.0 } else { f64::NEG_INFINITY };
    [(lo - pad).max(floor), hi + pad]
}

pub fn render(v: &HealthView, area: Rect, buf: &mut Buffer) {
    let t = v.theme;
    let c = v.cluster;
    let rows = health_metrics::rows_for(c, v.screen.filter(), v.now);
    let selected = v
        .screen
        .selected(super::Panel::Metrics)
        .min(rows.len().saturating_sub(1));
    let Some(row) = rows.get(selected) else {
        Paragraph::new(Line::styled("no metric selected", t.muted))
            .block(
                Block::default()
                    .borders(Borders::ALL)
                    .border_style(t.border),
            )
            .render(area, buf);
        return;
    };
    let subject = Subject::of(v.screen.selected_node(c));
    let host_total = spark::host_total(c);
    let threshold = threshold_line(row.metric, host_total);
    let mut title = vec![
        Span::styled(format!(" {} ", row.label), t.title),
        Span::styled(format!("{} ", row.metric), t.muted),
    ];
    if let Some(h) = subject.title() {
        title.push(Span::styled(h, t.muted));
    }
    match &threshold {
        Some((_, level, text)) => title.push(Span::styled(
            format!("· threshold {text} "),
            health_metrics::level_style(*level, t),
        )),
        None if alerts::threshold(row.metric).is_some() => title.push(Span::styled(
            "· threshold unknown: host memory unknown ",
            t.muted,
        )),
        None => title.push(Span::styled("· no threshold ", t.muted)),
    }
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.border_focused)
        .title(Line::from(title))
        .title_bottom(Line::styled(
            " esc closes · j/k another metric ",
            t.key_hint,
        ));
    let segs = subject
        .series(c, row.metric)
        .map(|s| segments(s, v.now))
        .unwrap_or_default();
    if segs.is_empty() {
        let why = match subject {
            Subject::Discovered(_) => {
                "a discovered node is never sent the token: no metrics, no history".to_string()
            }
            Subject::None => "no node selected".to_string(),
            Subject::Node(_) if row.note.is_empty() => {
                "no samples of this node in the last hour".to_string()
            }
            Subject::Node(_) => format!(
                "no samples of this node in the last hour ({})",
                sanitize(&row.note)
            ),
        };
        Paragraph::new(Line::styled(why, t.muted))
            .block(block)
            .render(area, buf);
        return;
    }
    let latest = segs.last().and_then(|s| s.last()).map(|p| p.1);
    let line_style = latest.map_or(t.text, |v| spark::value_style(row.metric, v, host_total, t));
    let threshold_pts: Vec<(f64, f64)> = threshold
        .as_ref()
        .map(|(l, ..)| vec![(-(WINDOW_SECS as f64), *l), (0.0, *l)])
        .unwrap_or_default();
    let mut datasets: Vec<Dataset> = segs
        .iter()
        .map(|seg| {
            Dataset::default()
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .style(line_style)
                .data(seg)
        })
        .collect();
    if let Some((_, level, _)) = &threshold {
        datasets.push(
            Dataset::default()
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .style(health_metrics::level_style(*level, t))
                .data(&threshold_pts),
        );
    }
    let [lo, hi] = bounds(&segs, threshold.as_ref().map(|(l, ..)| *l));
    let label = |v: f64| Span::styled(spark::value_text(row.metric, v), t.muted);
    Chart::new(datasets)
        .block(block)
        .style(t.text)
        .x_axis(
            Axis::default()
                .bounds([-(WINDOW_SECS as f64), 0.0])
                .style(t.border)
                .labels(vec![
                    Span::styled("-60m", t.muted),
                    Span::styled("-30m", t.muted),
                    Span::styled("now", t.muted),
                ]),
        )
        .y_axis(
            Axis::default()
                .bounds([lo, hi])
                .style(t.border)
                .labels(vec![label(lo), label((lo + hi) / 2.0), label(hi)]),
        )
        .render(area, buf);
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(s: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(1_795_393_000 + s, 0)
            .single()
            .expect("time")
    }

    #[test]
    fn a_gap_splits_the_line() {
        let mut s = Series::default();
        s.record(t(0), Some(1.0));
        s.record(t(10), Some(2.0));
        s.record(t(20), None);
        s.record(t(30), Some(3.0));
        let segs = segments(&s, t(40));
        assert_eq!(
            segs,
            vec![vec![(-40.0, 1.0), (-30.0, 2.0)], vec![(-10.0, 3.0)]]
        );
    }

    #[test]
    fn the_value_axis_spans_the_values_and_the_threshold() {
        let segs = vec![vec![(0.0, 10.0), (1.0, 20.0)]];
        assert_eq!(bounds(&segs, Some(120.0)), [0.0, 131.0]);
        assert_eq!(bounds(&segs, None), [9.0, 21.0]);
        assert_eq!(bounds(&[], None), [0.0, 1.0]);
        assert_eq!(bounds(&[vec![(0.0, 1.0)]], None), [0.0, 2.0]);
        assert_eq!(bounds(&[vec![(0.0, -1.0), (1.0, 1.0)]], None), [-1.2, 1.2]);
    }

    #[test]
    fn the_heaps_threshold_is_a_share_of_host_memory() {
        assert_eq!(
            threshold_line(alerts::ALLOC_BYTES, Some(1000)).map(|t| t.0),
            Some(800.0)
        );
        assert!(threshold_line(alerts::ALLOC_BYTES, None).is_none());
        assert!(threshold_line(crate::cluster::history::REQUEST_RATE, None).is_none());
    }
}
