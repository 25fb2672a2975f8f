//! Key metrics with the alert thresholds operators use. Values come from `sys/metrics` (JSON: the
//! last 10 s window); a metric missing from the window but seen before is shown with its age,
//! one never seen is "unavailable" — never zero.

use chrono::{DateTime, Utc};

use super::ClusterState;
use crate::vault::models::metrics::MetricsSummary;

pub const UNSEALED: &str = "vault.core.unsealed";
pub const NUM_LEASES: &str = "vault.expire.num_leases";
pub const AUDIT_FAILURE: &str = "vault.audit.log_response_failure";
pub const ALLOC_BYTES: &str = "vault.runtime.alloc_bytes";
pub const LEADER_CONTACT: &str = "vault.raft.leader.lastContact";
pub const TOKEN_COUNT: &str = "vault.token.count";

/// Metric names watched by the health screen.
pub const WATCHED: &[&str] = &[
    UNSEALED,
    NUM_LEASES,
    AUDIT_FAILURE,
    ALLOC_BYTES,
    LEADER_CONTACT,
    TOKEN_COUNT,
];

/// The value the health screen uses for a watched metric:
/// gauges as they are; the audit failure counter as a percentage (each audited response adds
/// 0 or 1, so Sum/Count is the failure ratio); the leader contact sample's mean in ms.
pub fn read_metric(m: &MetricsSummary, name: &str) -> Option<f64> {
    match name {
        AUDIT_FAILURE => m
            .counter(name)
            .filter(|c| c.count > 0)
            .map(|c| c.sum / c.count as f64 * 100.0),
        LEADER_CONTACT => m.sample(name).filter(|s| s.count > 0).map(|s| s.mean),
        _ => m.gauge(name),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Ok,
    Warn,
    Critical,
    Unavailable,
}

impl Level {
    pub fn label(self) -> &'static str {
        match self {
            Level::Ok => "ok",
            Level::Warn => "warn",
            Level::Critical => "critical",
            Level::Unavailable => "n/a",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct MetricRow {
    pub label: &'static str,
    pub metric: &'static str,
    pub value_text: String,
    pub threshold_text: &'static str,
    pub level: Level,
    /// Why unavailable, or how old the value is.
    pub note: String,
}

/// A watched value: from the latest window, or the last one seen with its age.
fn value_of(cluster: &ClusterState, name: &str, now: DateTime<Utc>) -> Option<(f64, String)> {
    if let Some(m) = cluster.metrics.current.value()
        && !cluster.metrics.current.is_stale()
        && let Some(v) = read_metric(m, name)
    {
        return Some((v, String::new()));
    }
    cluster.metrics.last_seen.get(name).map(|(v, at)| {
        (
            *v,
            format!("seen {} ago", crate::ui::widgets::age::short(now - *at)),
        )
    })
}

fn unavailable_reason(cluster: &ClusterState, name: &str) -> String {
    match (
        cluster.metrics.current.error(),
        cluster.metrics.current.value(),
    ) {
        (Some(e), _) => format!("metrics unavailable: {e}"),
        (None, None) => "no metrics yet".into(),
        (None, Some(_)) => match name {
            TOKEN_COUNT => "usage gauge not reported yet".into(),
            LEADER_CONTACT => "no raft leader contact samples".into(),
            AUDIT_FAILURE => "no audited responses in the window".into(),
            _ => "not reported by the server".into(),
        },
    }
}

/// Evaluate every watched metric against its threshold.
pub fn evaluate(cluster: &ClusterState, now: DateTime<Utc>) -> Vec<MetricRow> {
    let mut rows = Vec::new();
    let mut push =
        |label, metric: &'static str, threshold_text, judge: &dyn Fn(f64) -> (Level, String)| {
            let row = match value_of(cluster, metric, now) {
                Some((v, note)) => {
                    let (level, value_text) = judge(v);
                    MetricRow {
                        label,
                        metric,
                        value_text,
                        threshold_text,
                        level,
                        note,
                    }
                }
                None => MetricRow {
                    label,
                    metric,
                    value_text: "—".into(),
                    threshold_text,
                    level: Level::Unavailable,
                    note: unavailable_reason(cluster, metric),
                },
            };
            rows.push(row);
        };
    push("unsealed", UNSEALED, "= 0 critical", &|v| {
        (
            if v == 0.0 { Level::Critical } else { Level::Ok },
            format!("{v:.0}"),
        )
    });
    push("leases", NUM_LEASES, "> 10,000 warn", &|v| {
        (
            if v > 10_000.0 { Level::Warn } else { Level::Ok },
            thousands(v),
        )
    });
    push(
        "audit response failures",
        AUDIT_FAILURE,
        "> 1 % critical",
        &|v| {
            (
                if v > 1.0 { Level::Critical } else { Level::Ok },
                format!("{v:.2} %"),
            )
        },
    );
    let total = cluster
        .host_memory
        .value()
        .map(|m| m.total)
        .filter(|t| *t > 0);
    push(
        "heap (alloc_bytes)",
        ALLOC_BYTES,
        "> 80 % of memory warn",
        &|v| match total {
            Some(t) => {
                let pct = v / t as f64 * 100.0;
                (
                    if pct > 80.0 { Level::Warn } else { Level::Ok },
                    format!("{} ({pct:.1} %)", bytes(v)),
                )
            }
            None => (Level::Unavailable, bytes(v)),
        },
    );
    push(
        "raft leader last contact",
        LEADER_CONTACT,
        "> 500 ms warn",
        &|v| {
            (
                if v > 500.0 { Level::Warn } else { Level::Ok },
                format!("{v:.0} ms"),
            )
        },
    );
    push("tokens", TOKEN_COUNT, "> 50,000 warn", &|v| {
        (
            if v > 50_000.0 { Level::Warn } else { Level::Ok },
            thousands(v),
        )
    });
    if let Some(r) = rows.iter_mut().find(|r| r.metric == ALLOC_BYTES)
        && r.level == Level::Unavailable
        && total.is_none()
        && r.value_text != "—"
    {
        r.note = "host memory unknown (sys/host-info needs sudo)".into();
    }
    rows
}

fn thousands(v: f64) -> String {
    let n = v.round() as i64;
    let s = n.abs().to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

fn bytes(v: f64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = v;
    let mut i = 0;
    while v >= 1024.0 && i < UNITS.len() - 1 {
        v /= 1024.0;
        i += 1;
    }
    format!("{v:.1} {}", UNITS[i])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vault::models::metrics::{Gauge, Sampled};
    use crate::vault::models::sys::HostMemory;
    use crate::vault::worker::{ClusterPoll, ClusterReport};
    use chrono::TimeZone;

    fn t(s: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(1_795_393_000 + s, 0)
            .single()
            .expect("time")
    }

    fn gauge(name: &str, value: f64) -> Gauge {
        Gauge {
            name: name.into(),
            value,
            labels: [("cluster".to_string(), "c1".to_string())].into(),
        }
    }

    fn state(m: MetricsSummary, total: Option<u64>) -> ClusterState {
        let mut s = ClusterState::new(&["http://127.0.0.1:8200".to_string()]);
        s.apply(ClusterPoll {
            at: t(0),
            nodes: vec![],
            cluster: ClusterReport {
                metrics: Some(Ok(m)),
                host_memory: total.map(|t| {
                    Ok(HostMemory {
                        total: t,
                        ..Default::default()
                    })
                }),
                ..Default::default()
            },
        });
        s
    }

    fn level(rows: &[MetricRow], metric: &str) -> Level {
        rows.iter().find(|r| r.metric == metric).expect("row").level
    }

    #[test]
    fn thresholds_at_their_edges() {
        let m = |unsealed, leases, fail_sum, alloc, contact, tokens| MetricsSummary {
            gauges: vec![
                gauge(UNSEALED, unsealed),
                gauge(NUM_LEASES, leases),
                gauge(ALLOC_BYTES, alloc),
                gauge(TOKEN_COUNT, tokens),
                // A stale pre-unseal series must not win.
                Gauge {
                    name: UNSEALED.into(),
                    value: 0.0,
                    labels: [("cluster".to_string(), String::new())].into(),
                },
            ],
            counters: vec![Sampled {
                name: AUDIT_FAILURE.into(),
                count: 100,
                sum: fail_sum,
                ..Default::default()
            }],
            samples: vec![Sampled {
                name: LEADER_CONTACT.into(),
                count: 3,
                mean: contact,
                ..Default::default()
            }],
            ..Default::default()
        };
        let ok = evaluate(
            &state(m(1.0, 10_000.0, 1.0, 800.0, 500.0, 50_000.0), Some(1000)),
            t(1),
        );
        for r in &ok {
            assert_eq!(r.level, Level::Ok, "{r:?}");
        }
        let bad = evaluate(
            &state(m(0.0, 10_001.0, 2.0, 801.0, 501.0, 50_001.0), Some(1000)),
            t(1),
        );
        assert_eq!(level(&bad, UNSEALED), Level::Critical);
        assert_eq!(level(&bad, NUM_LEASES), Level::Warn);
        assert_eq!(level(&bad, AUDIT_FAILURE), Level::Critical);
        assert_eq!(level(&bad, ALLOC_BYTES), Level::Warn);
        assert_eq!(level(&bad, LEADER_CONTACT), Level::Warn);
        assert_eq!(level(&bad, TOKEN_COUNT), Level::Warn);
        assert_eq!(
            bad.iter()
                .find(|r| r.metric == NUM_LEASES)
                .map(|r| r.value_text.as_str()),
            Some("10,001")
        );
    }

    #[test]
    fn missing_metrics_are_unavailable_not_zero() {
        let rows = evaluate(&state(MetricsSummary::default(), None), t(1));
        for r in &rows {
            assert_eq!(r.level, Level::Unavailable, "{r:?}");
            assert_eq!(r.value_text, "—");
        }
        let alloc_only = MetricsSummary {
            gauges: vec![gauge(ALLOC_BYTES, 2048.0)],
            ..Default::default()
        };
        let rows = evaluate(&state(alloc_only, None), t(1));
        let r = rows.iter().find(|r| r.metric == ALLOC_BYTES).expect("row");
        assert_eq!(
            (r.level, r.value_text.as_str()),
            (Level::Unavailable, "2.0 KiB")
        );
        assert!(r.note.contains("host memory unknown"));
    }

    #[test]
    fn a_value_seen_earlier_is_shown_with_its_age() {
        let mut s = state(
            MetricsSummary {
                gauges: vec![gauge(TOKEN_COUNT, 12.0)],
                ..Default::default()
            },
            None,
        );
        s.apply(ClusterPoll {
            at: t(40),
            nodes: vec![],
            cluster: ClusterReport {
                metrics: Some(Ok(MetricsSummary::default())),
                ..Default::default()
            },
        });
        let rows = evaluate(&s, t(40));
        let r = rows.iter().find(|r| r.metric == TOKEN_COUNT).expect("row");
        assert_eq!(
            (r.level, r.value_text.as_str(), r.note.as_str()),
            (Level::Ok, "12", "seen 40s ago")
        );
    }
}
