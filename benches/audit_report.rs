//! The audit aggregators' own speed (the compliance report and the anomaly signals), without
//! reading or parsing: a log recorded on a real dev server (the known traffic of
//! `tests/common/audit_traffic.rs`) is parsed once with the reference parser, then fed again and
//! again as borrowed entries (`EntryRef`, what the fast scanner hands over), times shifted so the
//! window grows, to about a million entries. Printed: entries/s and the equivalent GB/s (entries
//! × the recorded log's average line length), for one thread and for two threads each
//! aggregating half and merging (the parallel scan's shape). The report's target is 1 GB/s for the
//! whole scan, so its aggregation must be well above that.
//!
//! Run: `cargo bench --bench audit_report` (needs `bao`).
#![allow(clippy::expect_used, clippy::print_stdout, clippy::print_stderr)]

#[path = "../tests/common/mod.rs"]
#[allow(unused_imports)]
mod common;

use std::time::Instant;

use strongroom::audit::anomaly::AnomalyAgg;
use strongroom::audit::entry::{AuditEntry, EntrySource, parse_line};
use strongroom::audit::{AnomalyConfig, ReportAgg, ReportOptions};

const TARGET_ENTRIES: usize = 1_000_000;
const TARGET_GBPS: f64 = 1.0;

/// Feed `rounds` copies of `entries` (copy `r` shifted by `r` × 10 s) to `visit`.
fn feed(
    entries: &[AuditEntry],
    rounds: std::ops::Range<usize>,
    visit: &mut dyn FnMut(&strongroom::audit::EntryRef<'_>),
) {
    for r in rounds {
        let shift = r as i64 * 10_000_000_000;
        for e in entries {
            let mut x = e.as_entry_ref();
            x.time = x.time.map(|t| t + shift);
            visit(&x);
        }
    }
}

fn report_pass(entries: &[AuditEntry], rounds: usize, threads: usize) -> f64 {
    let start = Instant::now();
    let per = rounds.div_ceil(threads);
    let mut aggs: Vec<ReportAgg> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|i| {
                s.spawn(move || {
                    let mut agg = ReportAgg::new();
                    feed(entries, i * per..((i + 1) * per).min(rounds), &mut |e| {
                        agg.visit(e)
                    });
                    agg
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("thread"))
            .collect()
    });
    let mut all = aggs.remove(0);
    for a in aggs {
        all.merge(a);
    }
    let report = all.finish(&ReportOptions {
        unused_days: 30,
        rotation_days: 90,
        ..ReportOptions::default()
    });
    std::hint::black_box(&report);
    start.elapsed().as_secs_f64()
}

fn anomaly_pass(entries: &[AuditEntry], rounds: usize) -> f64 {
    let start = Instant::now();
    let mut agg = AnomalyAgg::new(AnomalyConfig::default());
    feed(entries, 0..rounds, &mut |e| agg.visit(e));
    std::hint::black_box(agg.finish());
    start.elapsed().as_secs_f64()
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        eprintln!("audit_report: a benchmark; run it with `cargo bench --bench audit_report`");
        return;
    }
    let traffic = common::audit_traffic::AuditTraffic::start();
    std::thread::sleep(std::time::Duration::from_millis(300));
    let log = traffic.server.audit_log();
    let lines: Vec<&str> = log.lines().filter(|l| !l.trim().is_empty()).collect();
    let entries: Vec<AuditEntry> = lines
        .iter()
        .filter_map(|l| parse_line(l.as_bytes(), EntrySource::default()).ok())
        .collect();
    assert!(!entries.is_empty(), "the recorded log has entries");
    let avg_line = (log.len() as f64) / (lines.len() as f64);
    let rounds = TARGET_ENTRIES.div_ceil(entries.len());
    let n = (rounds * entries.len()) as f64;
    println!(
        "audit_report: {} recorded entries (average line {avg_line:.0} bytes) × {rounds} = {n:.0} entries",
        entries.len()
    );
    let row = |name: &str, secs: f64| {
        let gbps = n * avg_line / secs / 1e9;
        println!(
            "  {name:<28} {:>6.1} M entries/s  {gbps:>6.2} GB/s equivalent  (×{:.1} the {TARGET_GBPS} GB/s target)",
            n / secs / 1e6,
            gbps / TARGET_GBPS
        );
    };
    // Warm up once, then the best of three.
    let best = |f: &dyn Fn() -> f64| (0..4).map(|_| f()).skip(1).fold(f64::MAX, f64::min);
    row(
        "report, 1 thread",
        best(&|| report_pass(&entries, rounds, 1)),
    );
    row(
        "report, 2 threads + merge",
        best(&|| report_pass(&entries, rounds, 2)),
    );
    row(
        "anomaly signals, 1 thread",
        best(&|| anomaly_pass(&entries, rounds)),
    );
}
