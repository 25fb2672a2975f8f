//! The history side of the metrics panel: the rows of the metrics without an alert rule
//! (request rate, raft commit time), which node's history is shown, and a sparkline per metric
//! drawn in block cells through the theme's slots (a cell past the alert threshold in the
//! warn/danger slot, a gap blank).

use chrono::{DateTime, Utc};
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use crate::cluster::alerts::{self, Level, MetricRow};
use crate::cluster::history::{self, COMMIT_TIME, REQUEST_RATE, Series};
use crate::cluster::{ClusterState, NodeState};
use crate::theme::Theme;

const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// A value as the panel and the chart write it.
pub fn value_text(metric: &str, v: f64) -> String {
    match metric {
        alerts::UNSEALED => format!("{v:.0}"),
        alerts::NUM_LEASES | alerts::TOKEN_COUNT => alerts::thousands(v),
        alerts::AUDIT_FAILURE => format!("{v:.2} %"),
        alerts::ALLOC_BYTES => alerts::bytes(v),
        alerts::LEADER_CONTACT | COMMIT_TIME => format!("{v:.1} ms"),
        REQUEST_RATE => format!("{v:.1} req/s"),
        _ => alerts::raw_number(v),
    }
}

/// The rows of the tracked metrics that have no alert rule, valued from the cluster's latest
/// metrics read (as the alert rows are).
pub fn extra_rows(cluster: &ClusterState) -> Vec<MetricRow> {
    let current = &cluster.metrics.current;
    let fresh = current.value().filter(|_| !current.is_stale());
    [
        ("request rate", REQUEST_RATE),
        ("raft commit time", COMMIT_TIME),
    ]
    .into_iter()
    .map(|(label, metric)| {
        let value = fresh.and_then(|m| history::read_tracked(m, metric));
        let (value_text, level, note) = match value {
            Some(v) => (value_text(metric, v), Level::Ok, String::new()),
            None => ("—".into(), Level::Unavailable, unavailable(cluster, metric)),
        };
        MetricRow {
            label,
            metric,
            value_text,
            threshold_text: "—".into(),
            level,
            note,
        }
    })
    .collect()
}

fn unavailable(cluster: &ClusterState, metric: &str) -> String {
    let current = &cluster.metrics.current;
    if let Some(e) = current.error() {
        return format!("read failed: {e}");
    }
    if current.value().is_none() {
        return "no metrics yet".into();
    }
    if current.is_stale() {
        return "metrics are stale".into();
    }
    let raft_off = cluster
        .raft
        .error()
        .is_some_and(crate::vault::raft::is_raft_not_in_use);
    match metric {
        COMMIT_TIME if raft_off => "raft storage not in use".into(),
        COMMIT_TIME => "no raft commit in the window".into(),
        _ => "not in the latest 10 s window".into(),
    }
}

/// Whose history the panel shows, and why there is none.
pub enum Subject<'a> {
    /// A configured node (its history may still be empty).
    Node(&'a NodeState),
    /// A node found through the HA status: never sent the token, so no metrics of its own.
    Discovered(&'a NodeState),
    None,
}

impl<'a> Subject<'a> {
    pub fn of(node: Option<&'a NodeState>) -> Self {
        match node {
            Some(n) if n.discovered => Subject::Discovered(n),
            Some(n) => Subject::Node(n),
            None => Subject::None,
        }
    }

    pub fn series(&self, cluster: &'a ClusterState, metric: &str) -> Option<&'a Series> {
        match self {
            Subject::Node(n) => cluster.history.series(&n.addr, metric),
            _ => None,
        }
    }

    /// The panel title's words about the history.
    pub fn title(&self) -> Option<String> {
        let short = |n: &NodeState| crate::sanitize::sanitize(n.short_addr()).into_owned();
        match self {
            Subject::Node(n) => Some(format!("· history {} ", short(n))),
            Subject::Discovered(n) => Some(format!(
                "· {} discovered: no history (no token sent) ",
                short(n)
            )),
            Subject::None => None,
        }
    }
}

/// The style of a value's cell: the alert level's slot past a threshold, text otherwise.
pub fn value_style(metric: &str, v: f64, host_total: Option<u64>, t: &Theme) -> Style {
    match alerts::judge(metric, v, host_total).0 {
        Level::Warn => t.status_warn,
        Level::Critical => t.status_danger,
        Level::Ok | Level::Unavailable => t.text,
    }
}

/// The host's memory, when known (the heap's threshold is a share of it).
pub fn host_total(cluster: &ClusterState) -> Option<u64> {
    cluster
        .host_memory
        .value()
        .map(|m| m.total)
        .filter(|t| *t > 0)
}

/// A sparkline of the hour before `now` in `width` cells: one block per bucket scaled between
/// the lowest and highest value shown, a gap blank; a series without any value is "no samples".
pub fn sparkline<'a>(
    series: Option<&Series>,
    metric: &str,
    now: DateTime<Utc>,
    width: usize,
    host_total: Option<u64>,
    t: &Theme,
) -> Line<'a> {
    let buckets = series.map(|s| s.downsample(now, width)).unwrap_or_default();
    let values: Vec<f64> = buckets.iter().flatten().copied().collect();
    if values.is_empty() {
        return Line::styled("no samples", t.muted);
    }
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let flat = !(hi - lo).is_normal() || hi - lo <= f64::EPSILON * hi.abs().max(1.0);
    let spans = buckets
        .iter()
        .map(|b| match b {
            None => Span::raw(" "),
            Some(v) => {
                let i = if flat {
                    3
                } else {
                    (((v - lo) / (hi - lo)) * 7.0).round().clamp(0.0, 7.0) as usize
                };
                Span::styled(BARS[i].to_string(), value_style(metric, *v, host_total, t))
            }
        })
        .collect::<Vec<_>>();
    Line::from(spans)
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

    fn text(l: &Line) -> String {
        l.spans.iter().map(|s| s.content.as_ref()).collect()
    }

    #[test]
    fn a_sparkline_scales_between_its_lowest_and_highest_value_and_leaves_gaps_blank() {
        let theme = Theme::default();
        let mut s = Series::default();
        for (i, v) in [Some(0.0), Some(10.0), None, Some(5.0)]
            .into_iter()
            .enumerate()
        {
            s.record(t(i as i64 * 900 + 1), v);
        }
        let l = sparkline(Some(&s), alerts::NUM_LEASES, t(3600), 4, None, &theme);
        assert_eq!(text(&l), "▁█ ▅");
        let flat = sparkline(
            Some(&Series::default()),
            REQUEST_RATE,
            t(0),
            4,
            None,
            &theme,
        );
        assert_eq!(text(&flat), "no samples");
    }

    #[test]
    fn a_value_past_its_threshold_takes_the_warn_slot() {
        let themes = crate::theme::ThemeRegistry::load(None, false);
        let theme = themes.get("default").expect("the default theme").clone();
        assert_ne!(theme.status_warn, theme.text);
        assert_eq!(
            value_style(alerts::NUM_LEASES, 20_000.0, None, &theme),
            theme.status_warn
        );
        assert_eq!(
            value_style(alerts::NUM_LEASES, 2.0, None, &theme),
            theme.text
        );
        assert_eq!(
            value_style(alerts::UNSEALED, 0.0, None, &theme),
            theme.status_danger
        );
    }
}
