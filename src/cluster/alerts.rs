//! Key metrics with the alert thresholds operators use. Values come from `sys/metrics` (JSON: the
//! last 10 s window); a metric missing from the window but seen before is shown with its age,
//! one never seen is "unavailable" — never zero.
//!
//! Checked against a real OpenBao 2.7.2 (`tests/fixtures/health/dev_*.json`): gauges keep the
//! `vault.` prefix; `vault.core.unsealed` also comes as a stale `cluster=""` series holding 0
//! from before the unseal; `vault.token.count` is a usage gauge with one series per namespace,
//! sent only every `usage_gauge_period`; the audit failure counters are sent even without an
//! audit device (Sum 0).

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
/// gauges as they are (ignoring a stale `cluster=""` series); the token count summed over its
/// per-namespace series; the audit failure counter as a percentage (each audited response adds
/// 0 or 1, so Sum/Count is the failure ratio); the leader contact sample's mean in ms.
pub fn read_metric(m: &MetricsSummary, name: &str) -> Option<f64> {
    match name {
        AUDIT_FAILURE => m
            .counter(name)
            .filter(|c| c.count > 0)
            .map(|c| c.sum * 100.0 / c.count as f64),
        LEADER_CONTACT => m.sample(name).filter(|s| s.count > 0).map(|s| s.mean),
        TOKEN_COUNT => {
            let mut series = m
                .gauges
                .iter()
                .filter(|g| g.name == name)
                .filter(|g| g.labels.get("cluster").is_none_or(|c| !c.is_empty()))
                .peekable();
            series.peek()?;
            Some(series.map(|g| g.value).sum())
        }
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
    /// A short human label ("leases").
    pub label: &'static str,
    /// The metric's name as the server sends it.
    pub metric: &'static str,
    pub value_text: String,
    pub threshold_text: String,
    pub level: Level,
    /// Why unavailable, or how old the value is; empty when fresh and complete.
    pub note: String,
}

/// How a threshold is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    Count,
    Percent,
    PercentOfRam,
    Millis,
}

/// A metric's alert rule, written once: the judgement and the text both come from it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Rule {
    /// Critical when the value is 0 (`core.unsealed`).
    ZeroIsCritical,
    /// `level` when the value (in `unit`) is above `limit`.
    Above {
        limit: f64,
        level: Level,
        unit: Unit,
    },
}

impl Rule {
    fn text(self) -> String {
        match self {
            Rule::ZeroIsCritical => format!("= 0 {}", Level::Critical.label()),
            Rule::Above { limit, level, unit } => {
                let l = match unit {
                    Unit::Count => thousands(limit),
                    Unit::Percent => format!("{limit} %"),
                    Unit::PercentOfRam => format!("{limit} % RAM"),
                    Unit::Millis => format!("{limit} ms"),
                };
                format!("> {l} {}", level.label())
            }
        }
    }

    /// The level of a value (in the rule's unit).
    fn level(self, v: f64) -> Level {
        match self {
            Rule::ZeroIsCritical if v == 0.0 => Level::Critical,
            Rule::Above { limit, level, .. } if v > limit => level,
            _ => Level::Ok,
        }
    }
}

/// One watched metric: its names and its rule.
struct Watch {
    label: &'static str,
    metric: &'static str,
    rule: Rule,
}

const fn above(limit: f64, level: Level, unit: Unit) -> Rule {
    Rule::Above { limit, level, unit }
}

const WATCHES: [Watch; 6] = [
    Watch {
        label: "unsealed",
        metric: UNSEALED,
        rule: Rule::ZeroIsCritical,
    },
    Watch {
        label: "leases",
        metric: NUM_LEASES,
        rule: above(10_000.0, Level::Warn, Unit::Count),
    },
    Watch {
        label: "audit response failures",
        metric: AUDIT_FAILURE,
        rule: above(1.0, Level::Critical, Unit::Percent),
    },
    Watch {
        label: "heap (alloc_bytes)",
        metric: ALLOC_BYTES,
        rule: above(80.0, Level::Warn, Unit::PercentOfRam),
    },
    Watch {
        label: "raft leader last contact",
        metric: LEADER_CONTACT,
        rule: above(500.0, Level::Warn, Unit::Millis),
    },
    Watch {
        label: "tokens",
        metric: TOKEN_COUNT,
        rule: above(50_000.0, Level::Warn, Unit::Count),
    },
];

/// A metric's alert line, for charts: the limit in the metric's unit (for the heap a share of
/// host memory, `of_ram`), the level past it and the threshold's text.
#[derive(Debug, Clone, PartialEq)]
pub struct Threshold {
    pub limit: f64,
    pub level: Level,
    /// The limit is a percentage of the host's memory (the heap).
    pub of_ram: bool,
    pub text: String,
}

/// The alert line of a watched metric; `None` for a metric without a rule.
pub fn threshold(metric: &str) -> Option<Threshold> {
    let rule = rule_of(metric)?;
    Some(match rule {
        Rule::ZeroIsCritical => Threshold {
            limit: 0.0,
            level: Level::Critical,
            of_ram: false,
            text: rule.text(),
        },
        Rule::Above { limit, level, unit } => Threshold {
            limit,
            level,
            of_ram: unit == Unit::PercentOfRam,
            text: rule.text(),
        },
    })
}

fn rule_of(metric: &str) -> Option<Rule> {
    WATCHES.iter().find(|w| w.metric == metric).map(|w| w.rule)
}

/// Why a value cannot be what the server claims (a negative count, a ratio above 100 %,
/// NaN, infinity, `unsealed` other than 0 or 1), or `None` when it is in its possible range.
pub fn out_of_range(metric: &str, v: f64, host_total: Option<u64>) -> Option<&'static str> {
    if !v.is_finite() {
        return Some("not a finite number");
    }
    match metric {
        UNSEALED if v != 0.0 && v != 1.0 => Some("must be 0 or 1"),
        NUM_LEASES | TOKEN_COUNT if v < 0.0 => Some("a negative count"),
        ALLOC_BYTES if v < 0.0 => Some("negative bytes"),
        ALLOC_BYTES if host_total.is_some_and(|t| t > 0 && v > t as f64) => {
            Some("above 100 % of host memory")
        }
        AUDIT_FAILURE if !(0.0..=100.0).contains(&v) => Some("a ratio outside 0–100 %"),
        LEADER_CONTACT if v < 0.0 => Some("a negative time"),
        _ => None,
    }
}

/// A number as written, short even when huge (`-1e308`, `NaN`, `inf`).
pub fn raw_number(v: f64) -> String {
    if v.is_finite() && v.abs() < 1e15 {
        format!("{v}")
    } else {
        format!("{v:e}")
    }
}

/// The level and text of a value. `host_total` is the host's memory in bytes, when known. A
/// value outside its possible range is shown as invalid and judged at least "warn".
pub fn judge(metric: &str, v: f64, host_total: Option<u64>) -> (Level, String) {
    // Why it is out of range goes into the row's note (`evaluate`).
    if out_of_range(metric, v, host_total).is_some() {
        return (Level::Warn, format!("invalid {}", raw_number(v)));
    }
    let level = |x: f64| rule_of(metric).map_or(Level::Ok, |r| r.level(x));
    match metric {
        UNSEALED if v == 0.0 => (level(v), "0 (sealed)".into()),
        UNSEALED => (level(v), format!("{v:.0}")),
        NUM_LEASES | TOKEN_COUNT => (level(v), thousands(v)),
        AUDIT_FAILURE => (level(v), format!("{v:.2} %")),
        ALLOC_BYTES => match host_total.filter(|t| *t > 0) {
            Some(t) => {
                let pct = v * 100.0 / t as f64;
                (level(pct), format!("{} ({pct:.1} %)", bytes(v)))
            }
            None => (Level::Unavailable, bytes(v)),
        },
        LEADER_CONTACT => (level(v), format!("{v:.0} ms")),
        _ => (Level::Ok, format!("{v}")),
    }
}

/// A watched value: from the latest window, or the last one seen with its age.
fn value_of(cluster: &ClusterState, name: &str, now: DateTime<Utc>) -> Option<(f64, String)> {
    let current = &cluster.metrics.current;
    if let Some(m) = current.value()
        && !current.is_stale()
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

/// Why a metric has no value.
fn unavailable_reason(cluster: &ClusterState, name: &str) -> String {
    let current = &cluster.metrics.current;
    if let Some(e) = current.error() {
        return format!("read failed: {e}");
    }
    if current.value().is_none() {
        return match cluster.last_poll {
            Some(_) if !current.is_loading() => "no unsealed node to ask".into(),
            _ => "no metrics yet".into(),
        };
    }
    match name {
        TOKEN_COUNT => "usage gauge, not sent yet".into(),
        LEADER_CONTACT if raft_not_in_use(cluster) => "raft storage not in use".into(),
        LEADER_CONTACT => "no leader contact samples in the window".into(),
        AUDIT_FAILURE => "no audited responses in the window".into(),
        _ => "not in the latest 10 s window".into(),
    }
}

fn raft_not_in_use(cluster: &ClusterState) -> bool {
    cluster
        .raft
        .error()
        .is_some_and(crate::vault::raft::is_raft_not_in_use)
}

/// Why the heap share of host memory cannot be judged.
fn host_memory_reason(cluster: &ClusterState) -> String {
    match cluster.host_memory.error() {
        Some(e) => format!("host memory unavailable (sys/host-info: {e})"),
        None => "host memory unknown (sys/host-info)".into(),
    }
}

/// Evaluate every watched metric against its threshold.
pub fn evaluate(cluster: &ClusterState, now: DateTime<Utc>) -> Vec<MetricRow> {
    let host_total = cluster
        .host_memory
        .value()
        .map(|m| m.total)
        .filter(|t| *t > 0);
    WATCHES
        .iter()
        .map(|w| match value_of(cluster, w.metric, now) {
            Some((v, age_note)) => {
                let (level, value_text) = judge(w.metric, v, host_total);
                let mut notes = vec![age_note];
                if let Some(why) = out_of_range(w.metric, v, host_total) {
                    notes.push(format!("out of range: {why}"));
                }
                if w.metric == ALLOC_BYTES && host_total.is_none() {
                    notes.push(host_memory_reason(cluster));
                }
                MetricRow {
                    label: w.label,
                    metric: w.metric,
                    value_text,
                    threshold_text: w.rule.text(),
                    level,
                    note: join_notes(notes),
                }
            }
            None => MetricRow {
                label: w.label,
                metric: w.metric,
                value_text: "—".into(),
                threshold_text: w.rule.text(),
                level: Level::Unavailable,
                note: unavailable_reason(cluster, w.metric),
            },
        })
        .collect()
}

fn join_notes(notes: Vec<String>) -> String {
    notes
        .into_iter()
        .filter(|n| !n.is_empty())
        .collect::<Vec<_>>()
        .join("; ")
}

/// `12345` → `12,345`.
pub fn thousands(v: f64) -> String {
    let n = v.round() as i64;
    let s = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// `20232312` → `19.3 MiB`.
pub fn bytes(v: f64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = v;
    let mut i = 0;
    while v >= 1024.0 && i < UNITS.len() - 1 {
        v /= 1024.0;
        i += 1;
    }
    format!("{v:.1} {}", UNITS[i])
}

/// Server clock minus ours. A server time that overflows the subtraction or lies more than
/// [`MAX_SKEW_SECS`] away cannot be a real clock: it is `Invalid`, not a wrapped number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skew {
    Secs(i64),
    Invalid,
}

/// About ten years: beyond this a server time is garbage, not a skewed clock.
pub const MAX_SKEW_SECS: i64 = 10 * 366 * 86_400;

/// The skew of a server time (unix seconds) against ours.
pub fn skew(server: i64, ours: i64) -> Skew {
    match server.checked_sub(ours) {
        Some(d) if d.checked_abs().is_some_and(|a| a <= MAX_SKEW_SECS) => Skew::Secs(d),
        _ => Skew::Invalid,
    }
}

#[cfg(test)]
mod tests;
