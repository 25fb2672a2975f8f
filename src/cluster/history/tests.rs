use super::*;
use crate::vault::models::metrics::{Gauge, Sampled};
use chrono::TimeZone;

fn t(s: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_795_393_000 + s, 0)
        .single()
        .expect("time")
}

fn leases(v: f64) -> MetricsSummary {
    MetricsSummary {
        gauges: vec![Gauge {
            name: alerts::NUM_LEASES.into(),
            value: v,
            labels: [("cluster".to_string(), "c1".to_string())].into(),
        }],
        ..Default::default()
    }
}

#[test]
fn a_two_hour_feed_keeps_exactly_the_last_hour() {
    let mut s = Series::default();
    // One sample every 5 s for two hours.
    for i in 0..=(2 * 3600 / 5) {
        s.record(t(i * 5), Some(i as f64));
    }
    let now = t(2 * 3600);
    let first = s.samples().front().expect("a sample");
    assert_eq!(first.at, now - Duration::seconds(WINDOW_SECS));
    assert_eq!(s.len(), 3600 / 5 + 1);
    assert!(s.samples().iter().all(|x| x.at >= t(3600)));
}

#[test]
fn a_fast_feed_never_holds_more_than_the_cap() {
    let mut s = Series::default();
    // Four samples a second for two hours: the window alone would keep 14,400.
    for i in 0..(2 * 3600 * 4) {
        s.record(t(0) + Duration::milliseconds(i * 250), Some(1.0));
        assert!(s.len() <= CAP);
    }
    assert_eq!(s.len(), CAP);
    let newest = s.samples().back().expect("a sample").at;
    assert_eq!(
        newest,
        t(0) + Duration::milliseconds((2 * 3600 * 4 - 1) * 250)
    );
}

#[test]
fn gaps_are_gaps_not_zeros() {
    let mut s = Series::default();
    s.record(t(0), Some(5.0));
    s.record(t(10), None);
    s.record(t(20), None);
    s.record(t(30), Some(7.0));
    // A repeated gap is kept once.
    let kept: Vec<Option<f64>> = s.samples().iter().map(|x| x.value).collect();
    assert_eq!(kept, vec![Some(5.0), None, Some(7.0)]);
    assert_eq!(
        s.values().map(|(_, v)| v).collect::<Vec<_>>(),
        vec![5.0, 7.0]
    );
    assert_eq!(s.latest(), Some((t(30), 7.0)));
    s.record(t(40), None);
    assert_eq!(
        s.latest(),
        None,
        "the newest sample is a gap: no current value"
    );
}

#[test]
fn an_older_sample_is_dropped() {
    let mut s = Series::default();
    s.record(t(10), Some(1.0));
    s.record(t(5), Some(2.0));
    assert_eq!(s.len(), 1);
}

#[test]
fn downsampling_takes_each_buckets_highest_value_and_keeps_gaps() {
    let now = t(3600);
    let mut s = Series::default();
    // 60 buckets of one minute; a sample every 10 s for the last 10 minutes, with a gap of
    // five minutes in the middle (the node was unreachable).
    for i in 0..60 {
        let at = t(3000 + i * 10);
        let gap = (3180..3480).contains(&(3000 + i * 10));
        s.record(at, if gap { None } else { Some(i as f64) });
    }
    let b = s.downsample(now, 60);
    assert_eq!(b.len(), 60);
    assert!(
        b[..50].iter().all(Option::is_none),
        "nothing known before: {b:?}"
    );
    assert_eq!(b[50], Some(5.0));
    assert_eq!(b[52], Some(17.0));
    // 3180..3480: buckets 53..58 hold only the gap.
    assert!(b[53..58].iter().all(Option::is_none), "{b:?}");
    assert_eq!(b[58], Some(53.0));
    assert_eq!(b[59], Some(59.0));
}

#[test]
fn an_empty_bucket_holds_the_value_before_it_for_a_while() {
    let now = t(3600);
    let mut s = Series::default();
    // A sample every 30 s, in 360 buckets of 10 s: every bucket between two samples shows the
    // earlier one; after the last sample it holds HOLD_SECS, then nothing.
    for i in 0..10 {
        s.record(t(3000 + i * 30), Some(1.0));
    }
    let b = s.downsample(now, 360);
    assert!(
        b[300..=(300 + 27 + HOLD_SECS as usize / 10)]
            .iter()
            .all(|v| *v == Some(1.0))
    );
    assert!(
        b[(300 + 28 + HOLD_SECS as usize / 10)..]
            .iter()
            .all(Option::is_none)
    );
}

#[test]
fn downsampling_to_nothing_or_an_empty_series() {
    let s = Series::default();
    assert!(s.downsample(t(0), 0).is_empty());
    assert_eq!(s.downsample(t(0), 4), vec![None; 4]);
}

#[test]
fn the_request_rate_is_the_handle_request_count_over_ten_seconds() {
    // A real dev server's window (OpenBao 2.7.2): `handle_request` is a Sample with Count 13,
    // Sum 4.21 ms and Rate 0.42 (= Sum / 10): the rate is Count / 10, not Rate.
    let m: MetricsSummary = serde_json::from_str(include_str!(
        "../../../tests/fixtures/health/dev_metrics_requests.json"
    ))
    .expect("the fixture parses");
    let s = m.sample(REQUEST_RATE).expect("handle_request is a sample");
    assert_eq!(s.count, 13);
    assert!(m.counter(REQUEST_RATE).is_none());
    assert_eq!(read_tracked(&m, REQUEST_RATE), Some(1.3));
    // No raft storage on a dev server: no commit time at all.
    assert_eq!(read_tracked(&m, COMMIT_TIME), None);
    // A window without a request is 0 req/s.
    assert_eq!(
        read_tracked(&MetricsSummary::default(), REQUEST_RATE),
        Some(0.0)
    );
}

#[test]
fn the_commit_time_is_the_samples_mean() {
    let m = MetricsSummary {
        samples: vec![Sampled {
            name: COMMIT_TIME.into(),
            count: 4,
            mean: 2.5,
            ..Default::default()
        }],
        ..Default::default()
    };
    assert_eq!(read_tracked(&m, COMMIT_TIME), Some(2.5));
}

#[test]
fn a_node_history_records_values_and_gaps_in_every_series() {
    let mut h = MetricHistory::default();
    let a = "http://127.0.0.1:8200";
    h.record(a, t(0), Some(&leases(3.0)));
    h.record(a, t(10), None);
    h.record(a, t(20), Some(&leases(4.0)));
    let s = h.series(a, alerts::NUM_LEASES).expect("series");
    assert_eq!(s.len(), 3);
    // Token count never seen: only the gap, which says nothing on its own and is dropped.
    assert!(h.series(a, alerts::TOKEN_COUNT).expect("series").is_empty());
    h.retain(|addr| addr != a);
    assert!(h.node(a).is_none());
}

fn sampled(name: &str) -> Sampled {
    Sampled {
        name: name.into(),
        count: 1,
        mean: 1.0,
        ..Default::default()
    }
}

#[test]
fn the_memory_bound_holds() {
    assert_eq!(std::mem::size_of::<Sample>(), 32);
    let mut h = MetricHistory::default();
    let m = MetricsSummary {
        gauges: alerts::WATCHED
            .iter()
            .map(|n| Gauge {
                name: (*n).into(),
                value: 1.0,
                labels: Default::default(),
            })
            .collect(),
        counters: vec![sampled(alerts::AUDIT_FAILURE)],
        samples: vec![
            sampled(COMMIT_TIME),
            sampled(alerts::LEADER_CONTACT),
            sampled(REQUEST_RATE),
        ],
        ..Default::default()
    };
    for i in 0..(2 * CAP as i64) {
        for n in 0..3 {
            h.record(
                &format!("http://127.0.0.1:820{n}"),
                t(0) + Duration::milliseconds(i * 500),
                Some(&m),
            );
        }
    }
    assert_eq!(h.sample_count(), 3 * TRACKED.len() * CAP);
}
