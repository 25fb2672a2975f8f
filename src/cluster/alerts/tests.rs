use super::*;
use crate::vault::error::VaultError;
use crate::vault::models::cluster::{ClusterPoll, ClusterReport};
use crate::vault::models::metrics::{Gauge, Sampled};
use crate::vault::models::sys::HostMemory;
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

fn poll(at: i64, metrics: Option<Result<MetricsSummary, VaultError>>) -> ClusterPoll {
    ClusterPoll {
        at: t(at),
        nodes: vec![],
        cluster: ClusterReport {
            metrics,
            ..Default::default()
        },
    }
}

fn state(m: MetricsSummary, total: Option<u64>) -> ClusterState {
    let mut s = ClusterState::new(&["http://127.0.0.1:8200".to_string()]);
    let mut p = poll(0, Some(Ok(m)));
    p.cluster.host_memory = total.map(|t| {
        Ok(HostMemory {
            total: t,
            ..Default::default()
        })
    });
    s.apply(p);
    s
}

fn row<'a>(rows: &'a [MetricRow], metric: &str) -> &'a MetricRow {
    rows.iter().find(|r| r.metric == metric).expect("row")
}

/// All six metrics at the given values, plus the stale pre-unseal series a real server sends.
fn metrics(
    unsealed: f64,
    leases: f64,
    fail_sum: f64,
    alloc: f64,
    contact: f64,
    tokens: f64,
) -> MetricsSummary {
    MetricsSummary {
        gauges: vec![
            Gauge {
                name: UNSEALED.into(),
                value: 0.0,
                labels: [("cluster".to_string(), String::new())].into(),
            },
            gauge(UNSEALED, unsealed),
            gauge(NUM_LEASES, leases),
            gauge(ALLOC_BYTES, alloc),
            gauge(TOKEN_COUNT, tokens),
        ],
        counters: vec![Sampled {
            name: AUDIT_FAILURE.into(),
            count: 1000,
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
    }
}

#[test]
fn every_threshold_at_its_edge_is_ok_and_one_step_beyond_alerts() {
    // 10 of 1000 audited responses failed = exactly 1 %; 800 of 1000 bytes = exactly 80 %.
    let ok = evaluate(
        &state(
            metrics(1.0, 10_000.0, 10.0, 800.0, 500.0, 50_000.0),
            Some(1000),
        ),
        t(1),
    );
    for r in &ok {
        assert_eq!((r.level, r.note.as_str()), (Level::Ok, ""), "{r:?}");
    }
    let bad = evaluate(
        &state(
            metrics(0.0, 10_001.0, 11.0, 801.0, 501.0, 50_001.0),
            Some(1000),
        ),
        t(1),
    );
    let levels: Vec<(&str, Level)> = bad.iter().map(|r| (r.metric, r.level)).collect();
    assert_eq!(
        levels,
        vec![
            (UNSEALED, Level::Critical),
            (NUM_LEASES, Level::Warn),
            (AUDIT_FAILURE, Level::Critical),
            (ALLOC_BYTES, Level::Warn),
            (LEADER_CONTACT, Level::Warn),
            (TOKEN_COUNT, Level::Warn),
        ]
    );
    let texts: Vec<&str> = bad.iter().map(|r| r.value_text.as_str()).collect();
    assert_eq!(
        texts,
        vec![
            "0 (sealed)",
            "10,001",
            "1.10 %",
            "801.0 B (80.1 %)",
            "501 ms",
            "50,001"
        ]
    );
}

#[test]
fn judge_edges_one_by_one() {
    assert_eq!(judge(UNSEALED, 1.0, None).0, Level::Ok);
    assert_eq!(judge(UNSEALED, 0.0, None).0, Level::Critical);
    assert_eq!(judge(NUM_LEASES, 10_000.0, None).0, Level::Ok);
    assert_eq!(judge(NUM_LEASES, 10_000.4, None).0, Level::Warn);
    assert_eq!(judge(AUDIT_FAILURE, 1.0, None).0, Level::Ok);
    assert_eq!(judge(AUDIT_FAILURE, 1.0001, None).0, Level::Critical);
    assert_eq!(judge(ALLOC_BYTES, 80.0, Some(100)).0, Level::Ok);
    assert_eq!(judge(ALLOC_BYTES, 80.01, Some(100)).0, Level::Warn);
    assert_eq!(judge(ALLOC_BYTES, 99.0, None).0, Level::Unavailable);
    assert_eq!(judge(ALLOC_BYTES, 99.0, Some(0)).0, Level::Unavailable);
    assert_eq!(judge(LEADER_CONTACT, 500.0, None).0, Level::Ok);
    assert_eq!(judge(LEADER_CONTACT, 500.1, None).0, Level::Warn);
    assert_eq!(judge(TOKEN_COUNT, 50_000.0, None).0, Level::Ok);
    assert_eq!(judge(TOKEN_COUNT, 50_000.5, None).0, Level::Warn);
}

#[test]
fn the_stale_pre_unseal_series_does_not_count_as_sealed() {
    let only_stale = MetricsSummary {
        gauges: vec![Gauge {
            name: UNSEALED.into(),
            value: 0.0,
            labels: [("cluster".to_string(), String::new())].into(),
        }],
        ..Default::default()
    };
    let rows = evaluate(&state(only_stale, None), t(1));
    assert_eq!(row(&rows, UNSEALED).level, Level::Unavailable);
}

#[test]
fn missing_metrics_are_unavailable_not_zero() {
    let rows = evaluate(&state(MetricsSummary::default(), None), t(1));
    for r in &rows {
        assert_eq!(
            (r.level, r.value_text.as_str()),
            (Level::Unavailable, "—"),
            "{r:?}"
        );
        assert!(!r.note.is_empty(), "{r:?}");
    }
    assert!(row(&rows, TOKEN_COUNT).note.contains("usage gauge"));
    assert!(
        row(&rows, AUDIT_FAILURE)
            .note
            .contains("no audited responses")
    );
    // A counter with no increments in the window is no ratio at all.
    let empty_counter = MetricsSummary {
        counters: vec![Sampled {
            name: AUDIT_FAILURE.into(),
            ..Default::default()
        }],
        ..Default::default()
    };
    assert_eq!(read_metric(&empty_counter, AUDIT_FAILURE), None);
}

#[test]
fn heap_without_host_memory_shows_the_value_with_a_reason() {
    let alloc_only = MetricsSummary {
        gauges: vec![gauge(ALLOC_BYTES, 2048.0)],
        ..Default::default()
    };
    let rows = evaluate(&state(alloc_only.clone(), None), t(1));
    let r = row(&rows, ALLOC_BYTES);
    assert_eq!(
        (r.level, r.value_text.as_str()),
        (Level::Unavailable, "2.0 KiB")
    );
    assert_eq!(r.note, "host memory unknown (sys/host-info)");

    let mut s = state(alloc_only, None);
    let mut p = poll(1, None);
    p.cluster.host_memory = Some(Err(VaultError::PermissionDenied { errors: vec![] }));
    s.apply(p);
    let rows = evaluate(&s, t(1));
    assert_eq!(
        row(&rows, ALLOC_BYTES).note,
        "host memory unavailable (sys/host-info: permission denied)"
    );
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
    s.apply(poll(40, Some(Ok(MetricsSummary::default()))));
    let rows = evaluate(&s, t(40));
    let r = row(&rows, TOKEN_COUNT);
    assert_eq!(
        (r.level, r.value_text.as_str(), r.note.as_str()),
        (Level::Ok, "12", "seen 40s ago")
    );
    // Never seen: unavailable, not zero.
    assert_eq!(row(&rows, NUM_LEASES).level, Level::Unavailable);
}

#[test]
fn a_failed_metrics_read_keeps_the_last_values_with_their_age_and_says_why() {
    let mut s = state(metrics(1.0, 5.0, 0.0, 10.0, 30.0, 7.0), Some(1000));
    s.apply(poll(42, Some(Err(VaultError::Timeout { secs: 5.0 }))));
    let rows = evaluate(&s, t(42));
    let r = row(&rows, NUM_LEASES);
    assert_eq!(
        (r.level, r.value_text.as_str(), r.note.as_str()),
        (Level::Ok, "5", "seen 42s ago")
    );

    let mut never = ClusterState::new(&["http://127.0.0.1:8200".to_string()]);
    never.apply(poll(0, Some(Err(VaultError::Timeout { secs: 5.0 }))));
    let rows = evaluate(&never, t(1));
    assert_eq!(
        row(&rows, UNSEALED).note,
        "read failed: timed out after 5.0 s"
    );
}

#[test]
fn reasons_before_the_first_poll_and_without_an_unsealed_node() {
    let mut s = ClusterState::new(&["http://127.0.0.1:8200".to_string()]);
    assert_eq!(row(&evaluate(&s, t(0)), UNSEALED).note, "no metrics yet");
    s.apply(poll(0, None));
    assert_eq!(
        row(&evaluate(&s, t(0)), UNSEALED).note,
        "no unsealed node to ask"
    );
}

fn fixture(name: &str) -> MetricsSummary {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/health")
        .join(name);
    let text = std::fs::read_to_string(&p).expect("fixture");
    serde_json::from_str(&text).expect("metrics JSON")
}

/// Captured from `bao server -dev` (OpenBao 2.7.2) right after it started: the stale
/// `cluster=""` series is there, audit counters without failures, no raft samples.
#[test]
fn a_real_dev_server_window() {
    let m = fixture("dev_metrics.json");
    assert_eq!(read_metric(&m, UNSEALED), Some(1.0));
    assert_eq!(read_metric(&m, NUM_LEASES), Some(0.0));
    assert_eq!(read_metric(&m, AUDIT_FAILURE), Some(0.0));
    assert!(read_metric(&m, ALLOC_BYTES).is_some_and(|v| v > 1e6));
    assert_eq!(read_metric(&m, LEADER_CONTACT), None);
    assert_eq!(read_metric(&m, TOKEN_COUNT), None);
}

/// Captured from a dev server with `usage_gauge_period = "2s"`: the token count comes per
/// namespace next to its `by_auth`/`by_policy`/`by_ttl` breakdowns, which must not be added.
#[test]
fn the_token_count_sums_its_namespaces_only() {
    let mut m = fixture("dev_metrics_usage_gauges.json");
    assert_eq!(read_metric(&m, TOKEN_COUNT), Some(1.0));
    m.gauges.push(Gauge {
        name: TOKEN_COUNT.into(),
        value: 60_000.0,
        labels: [
            ("cluster".to_string(), "c1".to_string()),
            ("namespace".to_string(), "team-a".to_string()),
        ]
        .into(),
    });
    assert_eq!(read_metric(&m, TOKEN_COUNT), Some(60_001.0));
}

#[test]
fn number_formats() {
    assert_eq!(thousands(0.0), "0");
    assert_eq!(thousands(999.0), "999");
    assert_eq!(thousands(1000.0), "1,000");
    assert_eq!(thousands(1_234_567.0), "1,234,567");
    assert_eq!(thousands(-1234.0), "-1,234");
    assert_eq!(bytes(20_232_312.0), "19.3 MiB");
    assert_eq!(bytes(512.0), "512.0 B");
}

/// Values no real server can send are shown as invalid and judged at least "warn", never "ok".
#[test]
fn out_of_range_values_are_invalid_and_warn() {
    for (metric, v, host) in [
        (UNSEALED, -1e308, None),
        (UNSEALED, 0.5, None),
        (UNSEALED, 2.0, None),
        (UNSEALED, f64::NAN, None),
        (AUDIT_FAILURE, f64::NEG_INFINITY, None),
        (AUDIT_FAILURE, -0.5, None),
        (AUDIT_FAILURE, 100.5, None),
        (NUM_LEASES, -1.0, None),
        (TOKEN_COUNT, f64::INFINITY, None),
        (ALLOC_BYTES, -1.0, Some(1000)),
        (ALLOC_BYTES, 1001.0, Some(1000)),
        (ALLOC_BYTES, f64::NAN, None),
        (LEADER_CONTACT, -3.0, None),
    ] {
        let (level, text) = judge(metric, v, host);
        assert_eq!(level, Level::Warn, "{metric} {v}");
        assert!(text.starts_with("invalid "), "{metric} {v}: {text}");
        assert!(text.len() < 32, "short even when huge: {text}");
    }
    assert_eq!(judge(UNSEALED, -1e308, None).1, "invalid -1e308");
    assert_eq!(
        judge(AUDIT_FAILURE, f64::NEG_INFINITY, None).1,
        "invalid -inf"
    );
    // The edges of the possible range are fine.
    assert_eq!(judge(AUDIT_FAILURE, 100.0, None).0, Level::Critical);
    assert_eq!(judge(AUDIT_FAILURE, 0.0, None).0, Level::Ok);
    assert_eq!(judge(NUM_LEASES, 0.0, None).0, Level::Ok);
    assert_eq!(judge(ALLOC_BYTES, 1000.0, Some(1000)).0, Level::Warn);
    assert_eq!(
        judge(ALLOC_BYTES, 1000.0, Some(1000)).1,
        "1000.0 B (100.0 %)"
    );

    // Through `evaluate`: the row says why in its note; a failure rate of −inf comes from a
    // counter sum of −inf.
    let rows = evaluate(
        &state(
            metrics(-1e308, 5.0, f64::NEG_INFINITY, 10.0, 30.0, 7.0),
            Some(1000),
        ),
        t(1),
    );
    let r = row(&rows, UNSEALED);
    assert_eq!(
        (r.level, r.value_text.as_str(), r.note.as_str()),
        (
            Level::Warn,
            "invalid -1e308",
            "out of range: must be 0 or 1"
        )
    );
    let r = row(&rows, AUDIT_FAILURE);
    assert_eq!(
        (r.level, r.value_text.as_str()),
        (Level::Warn, "invalid -inf")
    );
    assert_eq!(r.note, "out of range: not a finite number");
}

/// Clock skew never wraps: extreme server times are invalid, not a huge or negated number.
#[test]
fn skew_uses_checked_arithmetic_and_rejects_absurd_times() {
    let now = 1_795_393_000;
    assert_eq!(skew(now + 3, now), Skew::Secs(3));
    assert_eq!(skew(now - 7200, now), Skew::Secs(-7200));
    assert_eq!(skew(now + MAX_SKEW_SECS, now), Skew::Secs(MAX_SKEW_SECS));
    assert_eq!(skew(now + MAX_SKEW_SECS + 1, now), Skew::Invalid);
    assert_eq!(skew(i64::MIN, now), Skew::Invalid, "would overflow");
    assert_eq!(skew(i64::MAX, -now), Skew::Invalid, "would overflow");
    assert_eq!(skew(i64::MAX, now), Skew::Invalid);
    assert_eq!(skew(0, now), Skew::Invalid, "the epoch is no clock");
    assert_eq!(skew(i64::MIN, 0), Skew::Invalid, "abs would overflow");
}

#[test]
fn each_threshold_is_written_once_and_its_text_follows() {
    let texts: Vec<String> = WATCHES.iter().map(|w| w.rule.text()).collect();
    assert_eq!(
        texts,
        vec![
            "= 0 critical",
            "> 10,000 warn",
            "> 1 % critical",
            "> 80 % RAM warn",
            "> 500 ms warn",
            "> 50,000 warn",
        ]
    );
    // The judgement uses the same numbers.
    assert_eq!(judge(NUM_LEASES, 10_000.0, None).0, Level::Ok);
    assert_eq!(judge(NUM_LEASES, 10_001.0, None).0, Level::Warn);
    assert_eq!(judge(AUDIT_FAILURE, 1.5, None).0, Level::Critical);
    assert_eq!(judge(LEADER_CONTACT, 501.0, None).0, Level::Warn);
    assert_eq!(judge(ALLOC_BYTES, 81.0, Some(100)).0, Level::Warn);
    assert_eq!(judge(UNSEALED, 0.0, None).0, Level::Critical);
}
