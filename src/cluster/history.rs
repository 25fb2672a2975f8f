//! Metric history: the last hour of the key metrics of every configured node, in memory,
//! ring-buffered. Pure data: the cluster poll's per-node `sys/metrics` answers are recorded here
//! by [`super::ClusterState::apply`]; the health screen draws sparklines and a chart from it.
//!
//! Which metrics: every watched alert metric ([`alerts::WATCHED`], read as the alerts read them),
//! the request rate and the raft commit time ([`TRACKED`]).
//!
//! **Request rate**, checked on a real OpenBao 2.7.2 dev server
//! (`tests/fixtures/health/dev_metrics_requests.json`): `vault.core.handle_request` is a *Sample*
//! (a timer, one observation per handled request, in ms) in the JSON form's 10 s window:
//! `{"Count":13,"Rate":0.42,"Sum":4.2,…}`. Its `Rate` is `Sum / 10` (milliseconds spent per
//! second), not requests per second: the rate is `Count / 10`. A read window without the sample
//! means no request was handled in it: 0 req/s.
//!
//! **Raft commit time**: `vault.raft.commitTime` (a Sample, ms) only exists on raft storage; on a
//! dev server it is absent, and the series stays empty ("unavailable"), never zero.
//!
//! **Gaps**: a configured node whose metrics could not be read (unreachable, sealed, an error)
//! gets a gap marker in every series, so a sparkline shows a hole rather than a zero or a line
//! drawn across. A metric simply missing from a window that was read (a usage gauge between two
//! sends) adds nothing. Nodes discovered through the HA status get no history: the token, and so
//! `sys/metrics`, only goes to configured addresses.
//!
//! **Memory bound**: at most [`CAP`] samples per series, [`TRACKED`]`.len()` (8) series per node,
//! for configured nodes only. A [`Sample`] is 32 bytes (checked by a test), so the worst case is
//! nodes × 8 × 3600 × 32 B ≈ 0.9 MiB per configured node (2.6 MiB for a 3-node cluster),
//! whatever the poll interval. Samples older than [`WINDOW_SECS`] are evicted on every record.

use std::collections::{BTreeMap, VecDeque};

use chrono::{DateTime, Duration, Utc};

use super::alerts;
use crate::vault::models::metrics::MetricsSummary;

pub const REQUEST_RATE: &str = "vault.core.handle_request";
pub const COMMIT_TIME: &str = "vault.raft.commitTime";

/// The length of the JSON form's window (go-metrics' in-memory sink interval), in seconds.
pub const WINDOW_INTERVAL_SECS: f64 = 10.0;

/// How far back the history goes.
pub const WINDOW_SECS: i64 = 3600;

/// The most samples a series keeps, whatever the poll interval (one per second for an hour).
pub const CAP: usize = 3600;

/// How long a value stands for the time after it when downsampling, if no sample follows it
/// sooner: a bucket without a sample of its own shows the value before it (polls are seconds
/// apart, buckets can be shorter), but not across a longer silence.
pub const HOLD_SECS: i64 = 120;

/// Every metric with a history, in the order the health screen lists them.
pub const TRACKED: [&str; 8] = [
    alerts::UNSEALED,
    alerts::NUM_LEASES,
    alerts::AUDIT_FAILURE,
    alerts::ALLOC_BYTES,
    alerts::LEADER_CONTACT,
    alerts::TOKEN_COUNT,
    REQUEST_RATE,
    COMMIT_TIME,
];

/// The value of a tracked metric in one read window, as the history keeps it.
pub fn read_tracked(m: &MetricsSummary, name: &str) -> Option<f64> {
    match name {
        REQUEST_RATE => Some(request_rate(m)),
        COMMIT_TIME => m.sample(name).filter(|s| s.count > 0).map(|s| s.mean),
        _ => alerts::read_metric(m, name),
    }
}

/// Requests per second over the window: the handle_request sample's count over 10 s (0 when the
/// window holds no request).
pub fn request_rate(m: &MetricsSummary) -> f64 {
    m.samples
        .iter()
        .filter(|s| s.name == REQUEST_RATE)
        .fold(0.0, |acc, s| acc + s.count as f64)
        / WINDOW_INTERVAL_SECS
}

/// One point of a series: a value, or a gap (`None`: the node could not be read then).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sample {
    pub at: DateTime<Utc>,
    pub value: Option<f64>,
}

/// One metric's samples of one node, oldest first.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Series {
    samples: VecDeque<Sample>,
}

impl Series {
    pub fn samples(&self) -> &VecDeque<Sample> {
        &self.samples
    }

    pub fn len(&self) -> usize {
        self.samples.len()
    }

    pub fn is_empty(&self) -> bool {
        self.samples.is_empty()
    }

    /// The values (gaps left out).
    pub fn values(&self) -> impl Iterator<Item = (DateTime<Utc>, f64)> + '_ {
        self.samples
            .iter()
            .filter_map(|s| s.value.map(|v| (s.at, v)))
    }

    /// The newest value, unless the newest sample is a gap.
    pub fn latest(&self) -> Option<(DateTime<Utc>, f64)> {
        self.samples.back().and_then(|s| s.value.map(|v| (s.at, v)))
    }

    /// Add a sample (a repeated gap is kept once), then evict what is older than the window
    /// before `at` and what is beyond the cap. A sample older than the newest one is dropped:
    /// the series stays ordered.
    pub fn record(&mut self, at: DateTime<Utc>, value: Option<f64>) {
        let last = self.samples.back().copied();
        let ordered = last.is_none_or(|l| l.at <= at);
        let repeated_gap = value.is_none() && last.is_some_and(|l| l.value.is_none());
        if ordered && !repeated_gap {
            self.samples.push_back(Sample { at, value });
        }
        self.evict(at);
    }

    /// Drop samples older than the window before `now` and beyond the cap.
    pub fn evict(&mut self, now: DateTime<Utc>) {
        let oldest = now - Duration::seconds(WINDOW_SECS);
        while self.samples.front().is_some_and(|s| s.at < oldest) {
            self.samples.pop_front();
        }
        while self.samples.len() > CAP {
            self.samples.pop_front();
        }
        // A leading gap says nothing.
        while self.samples.front().is_some_and(|s| s.value.is_none()) {
            self.samples.pop_front();
        }
    }

    /// The series over the hour before `now` in `width` equal buckets, oldest first: the highest
    /// value of each bucket (the one an alert would see); a bucket without a sample of its own
    /// shows the value before it when that is no older than [`HOLD_SECS`] and not a gap; `None`
    /// is a gap (nothing known, or the node could not be read).
    pub fn downsample(&self, now: DateTime<Utc>, width: usize) -> Vec<Option<f64>> {
        let mut out = vec![None; width];
        if width == 0 {
            return out;
        }
        let span_ms = WINDOW_SECS * 1000;
        let start = now - Duration::seconds(WINDOW_SECS);
        let w = i64::try_from(width).unwrap_or(i64::MAX);
        let bucket_start = |i: usize| -> DateTime<Utc> {
            let i = i64::try_from(i).unwrap_or(0);
            start + Duration::milliseconds(i * span_ms / w)
        };
        let samples = &self.samples;
        let mut idx = 0;
        let mut prev: Option<Sample> = None;
        while idx < samples.len() && samples[idx].at < start {
            prev = Some(samples[idx]);
            idx += 1;
        }
        for (i, slot) in out.iter_mut().enumerate() {
            let last = i + 1 == width;
            let b_end = bucket_start(i + 1);
            let mut filled = false;
            let mut best: Option<f64> = None;
            while idx < samples.len() && (last || samples[idx].at < b_end) {
                let s = samples[idx];
                filled = true;
                if let Some(v) = s.value {
                    best = Some(best.map_or(v, |b| b.max(v)));
                }
                prev = Some(s);
                idx += 1;
            }
            *slot = if filled {
                best
            } else {
                // Nothing in this bucket: the value before it holds for a while.
                let b_start = bucket_start(i);
                prev.filter(|p| (b_start - p.at).num_seconds() <= HOLD_SECS)
                    .and_then(|p| p.value)
            };
        }
        out
    }
}

/// The history of one node: a series per tracked metric.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NodeHistory {
    series: BTreeMap<&'static str, Series>,
}

impl NodeHistory {
    pub fn series(&self, metric: &str) -> Option<&Series> {
        self.series.get(metric)
    }

    /// Record one poll: the read window's values, or a gap in every series when it was not read.
    fn record(&mut self, at: DateTime<Utc>, read: Option<&MetricsSummary>) {
        for name in TRACKED {
            let s = self.series.entry(name).or_default();
            match read {
                Some(m) => {
                    if let Some(v) = read_tracked(m, name) {
                        s.record(at, Some(v));
                    } else {
                        s.evict(at);
                    }
                }
                None => s.record(at, None),
            }
        }
    }
}

/// Every configured node's history, by normalised address.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MetricHistory {
    nodes: BTreeMap<String, NodeHistory>,
}

impl MetricHistory {
    pub fn node(&self, addr: &str) -> Option<&NodeHistory> {
        self.nodes.get(addr)
    }

    pub fn series(&self, addr: &str, metric: &str) -> Option<&Series> {
        self.node(addr).and_then(|n| n.series(metric))
    }

    /// The addresses with a history.
    pub fn addrs(&self) -> impl Iterator<Item = &str> {
        self.nodes.keys().map(String::as_str)
    }

    /// Record one node's poll: `Some(metrics)` when `sys/metrics` was read, `None` for a gap.
    pub fn record(&mut self, addr: &str, at: DateTime<Utc>, read: Option<&MetricsSummary>) {
        self.nodes
            .entry(addr.to_string())
            .or_default()
            .record(at, read);
    }

    /// Keep only the nodes `keep` says yes to (the cluster state's configured nodes).
    pub fn retain(&mut self, keep: impl Fn(&str) -> bool) {
        self.nodes.retain(|addr, _| keep(addr));
    }

    /// Samples held, over every node and series (for the memory bound).
    pub fn sample_count(&self) -> usize {
        self.nodes
            .values()
            .flat_map(|n| n.series.values())
            .map(Series::len)
            .sum()
    }
}

#[cfg(test)]
mod tests;
