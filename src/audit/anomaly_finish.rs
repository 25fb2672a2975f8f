//! From the aggregated state to [`Signal`]s: baselines, thresholds and summaries.

use super::anomaly::{AnomalyAgg, Created};
use super::evidence::{Evidence, Hit, fmt_time};
use super::signal::{Severity, Signal, SignalKind};
use crate::sanitize::sanitize;

fn clean(s: &str) -> String {
    sanitize(s).into_owned()
}

fn signal(kind: SignalKind, severity: Severity, summary: String, ev: Evidence) -> Signal {
    let (total, first, last) = (ev.total, ev.first, ev.last);
    let hits = ev.sorted();
    Signal {
        kind,
        severity,
        summary: clean(&summary),
        identity: String::new(),
        path: String::new(),
        remote_address: String::new(),
        evidence: hits.iter().map(|h| h.source).collect(),
        evidence_ids: hits.iter().map(|h| h.id.as_str().to_string()).collect(),
        total,
        first,
        last,
    }
}

fn with(mut s: Signal, identity: &str, path: &str, addr: &str) -> Signal {
    s.identity = clean(identity);
    s.path = clean(path);
    s.remote_address = clean(addr);
    s
}

fn evidence_of(hits: &[Hit]) -> Evidence {
    let mut ev = Evidence::default();
    for h in hits {
        ev.push(*h);
    }
    ev
}

/// "1h30m", "700h", "45s".
fn human_secs(s: i64) -> String {
    let s = s.max(0) as u64;
    crate::radar::format_duration(std::time::Duration::from_secs(s))
}

pub(super) fn signals(agg: AnomalyAgg) -> Vec<Signal> {
    let mut out = Vec::new();
    let cfg = agg.cfg.clone();
    // 1. A secret read from a new address for an identity.
    for (_, id) in agg.identities {
        let Some(base) = id
            .addrs
            .iter()
            .filter(|(_, a)| a.first.is_some())
            .min_by_key(|(_, a)| a.first)
            .map(|(k, _)| k.clone())
        else {
            continue;
        };
        for (addr, seen) in id.addrs {
            if addr == base {
                continue;
            }
            for (path, ev) in seen.reads {
                let who = if id.display.is_empty() {
                    "(unnamed)"
                } else {
                    &id.display
                };
                let summary = format!(
                    "{who} read {path} from {addr} (first seen from {base}) — {} read(s)",
                    ev.total
                );
                out.push(with(
                    signal(SignalKind::NewAddress, Severity::High, summary, ev),
                    who,
                    &path,
                    &addr,
                ));
            }
        }
    }
    // 2. Volume above factor × the baseline for a path.
    let span = match (agg.first, agg.last) {
        (Some(f), Some(l)) if l > f => l - f,
        _ => 0,
    };
    let width = volume_width_ns(cfg.volume_window_ms, span);
    let buckets = (span as f64 / width as f64).max(1.0);
    for (path, mut hits) in agg.timed {
        if hits.len() < cfg.volume_min_count as usize {
            continue;
        }
        hits.sort_by_key(|h| h.time);
        let (start, peak) = sliding_peak(&hits, width);
        let baseline = hits.len() as f64 / buckets;
        if peak < cfg.volume_min_count as usize
            || (peak as f64) <= f64::from(cfg.volume_factor) * baseline
        {
            continue;
        }
        let ev = evidence_of(&hits[start..start + peak]);
        let summary = format!(
            "{path}: {peak} requests within {} (baseline {baseline:.1} per {}, ×{} = {:.1})",
            human_ns(width),
            human_ns(width),
            cfg.volume_factor,
            f64::from(cfg.volume_factor) * baseline
        );
        out.push(with(
            signal(SignalKind::VolumeSpike, Severity::Warn, summary, ev),
            "",
            &path,
            "",
        ));
    }
    // 3. Off-hours access by human identities.
    for (who, ev) in agg.off_hours {
        let summary = format!(
            "{who}: {} request(s) outside working hours, first at {}",
            ev.total,
            fmt_time(ev.first)
        );
        out.push(with(
            signal(SignalKind::OffHours, Severity::Warn, summary, ev),
            &who,
            "",
            "",
        ));
    }
    // 4. Denied requests by identity and path.
    for (who, by_path) in agg.denied {
        for (path, ev) in by_path {
            let summary = format!("{who}: {} denied request(s) on {path}", ev.total);
            out.push(with(
                signal(SignalKind::Denied, Severity::Warn, summary, ev),
                &who,
                &path,
                "",
            ));
        }
    }
    // 5. Repeated failed logins from one address.
    let window = i64::from(cfg.failed_login_window_secs) * 1_000_000_000;
    for (addr, mut hits) in agg.failed_logins {
        hits.sort_by_key(|h| h.time);
        let (start, peak) = sliding_peak(&hits, window.max(1));
        if peak < cfg.failed_logins.max(1) as usize {
            continue;
        }
        let ev = evidence_of(&hits[start..start + peak]);
        let summary = format!(
            "{peak} failed logins from {addr} within {} ({} in all)",
            human_secs(i64::from(cfg.failed_login_window_secs)),
            hits.len()
        );
        out.push(with(
            signal(SignalKind::FailedLogins, Severity::High, summary, ev),
            "",
            "",
            &addr,
        ));
    }
    // 6. Tokens created with an unusually long TTL.
    out.extend(long_ttl(agg.created, cfg.long_ttl_secs));
    out.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(a.kind.cmp(&b.kind))
            .then(a.first.cmp(&b.first))
            .then(a.summary.cmp(&b.summary))
    });
    out
}

fn long_ttl(mut created: Vec<Created>, threshold: i64) -> Vec<Signal> {
    let mut ttls: Vec<i64> = created.iter().map(|c| c.ttl).collect();
    ttls.sort_unstable();
    let median = ttls.get(ttls.len() / 2).copied().unwrap_or(0);
    // 3× the median only means something with a few tokens to compare with.
    let relative = if ttls.len() >= 3 {
        median.saturating_mul(3)
    } else {
        i64::MAX
    };
    created.sort_by_key(|c| c.hit.time);
    created
        .into_iter()
        .filter(|c| c.ttl > threshold || c.ttl > relative)
        .map(|c| {
            let why = if c.ttl > threshold {
                format!("above {}", human_secs(threshold))
            } else {
                format!("above 3× the median {}", human_secs(median))
            };
            let summary = format!(
                "token with TTL {} created by {} at {} ({why})",
                human_secs(c.ttl),
                c.by,
                c.path
            );
            let mut ev = Evidence::default();
            ev.push(c.hit);
            with(
                signal(SignalKind::LongTtlToken, Severity::Warn, summary, ev),
                &c.by,
                &c.path,
                "",
            )
        })
        .collect()
}

/// The bucket width: configured, else a twentieth of the window, between 1 ms and 1 min.
pub(super) fn volume_width_ns(configured_ms: u64, span_ns: i64) -> i64 {
    if configured_ms > 0 {
        return i64::try_from(configured_ms)
            .unwrap_or(i64::MAX / 1_000_000)
            .saturating_mul(1_000_000);
    }
    (span_ns / 20).clamp(1_000_000, 60_000_000_000)
}

/// The densest run of hits (sorted by time) within `width`: (start index, count).
pub(super) fn sliding_peak(hits: &[Hit], width: i64) -> (usize, usize) {
    let (mut best_start, mut best) = (0, 0);
    let mut lo = 0;
    for hi in 0..hits.len() {
        let t_hi = hits[hi].time.unwrap_or(0);
        while hits[lo].time.unwrap_or(0) <= t_hi.saturating_sub(width) {
            lo += 1;
        }
        if hi + 1 - lo > best {
            best = hi + 1 - lo;
            best_start = lo;
        }
    }
    (best_start, best)
}

fn human_ns(ns: i64) -> String {
    if ns < 1_000_000_000 {
        format!("{} ms", ns / 1_000_000)
    } else {
        human_secs(ns / 1_000_000_000)
    }
}
