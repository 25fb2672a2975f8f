use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};

use super::*;
use crate::vault::models::cluster::{ClusterPoll, ClusterReport, NodeReport};
use crate::vault::models::sys::{Health, HealthResponse, NodeRole};

fn t(s: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_800_000_000 + s, 0)
        .single()
        .expect("time")
}

fn node(addr: &str, status: u16, version: &str) -> NodeReport {
    let body = HealthResponse {
        initialized: true,
        sealed: status == 503,
        standby: status != 200,
        version: Some(version.into()),
        cluster_name: Some("prod\x1b[2J".into()),
        ..Default::default()
    };
    let role = NodeRole::from_status(status, &body).expect("a health status");
    NodeReport {
        addr: addr.into(),
        health: Ok(Health { status, role, body }),
        seal: None,
        leader: None,
        latency_ms: Some(1),
        metrics: None,
    }
}

fn down(addr: &str) -> NodeReport {
    NodeReport {
        addr: addr.into(),
        health: Err(VaultError::Connect {
            addr: addr.into(),
            reason: "refused".into(),
        }),
        seal: None,
        leader: None,
        latency_ms: Some(1),
        metrics: None,
    }
}

fn cluster(nodes: Vec<NodeReport>, at: DateTime<Utc>) -> ClusterState {
    let addrs: Vec<String> = nodes.iter().map(|n| n.addr.clone()).collect();
    let mut c = ClusterState::new(&addrs);
    c.apply(ClusterPoll {
        at,
        nodes,
        cluster: ClusterReport::default(),
    });
    c
}

fn done(c: ClusterState, at: DateTime<Utc>) -> PollOutcome {
    PollOutcome::Done(Box::new(FleetPoll {
        cluster: c,
        token: TokenTtl::Ttl { secs: 600, at },
        at,
    }))
}

const IV: Duration = Duration::from_secs(5);

#[test]
fn at_most_four_in_flight_most_overdue_first() {
    let mut f = FleetState::new((0..6).map(|i| format!("c{i}")), IV);
    let first = f.due(t(0));
    assert_eq!(first, vec![0, 1, 2, 3]);
    for i in first {
        f.sent(i, t(0));
    }
    assert!(f.due(t(1)).is_empty(), "four in flight");
    f.apply(
        "c1",
        done(cluster(vec![node("http://a", 200, "2.7.2")], t(1)), t(1)),
    );
    assert_eq!(f.due(t(1)), vec![4], "one slot free: the next never polled");
    f.sent(4, t(1));
    // c1 is due again after the interval; c5 was never polled: it goes first.
    f.apply(
        "c2",
        done(cluster(vec![node("http://a", 200, "2.7.2")], t(1)), t(1)),
    );
    f.apply(
        "c3",
        done(cluster(vec![node("http://a", 200, "2.7.2")], t(1)), t(1)),
    );
    assert_eq!(f.due(t(7)), vec![5, 1]);
}

#[test]
fn a_dead_context_backs_off_and_a_lost_poll_is_retried() {
    let mut f = FleetState::new(["dead", "slow"], IV);
    f.sent(0, t(0));
    f.sent(1, t(0));
    f.apply("dead", PollOutcome::TimedOut { secs: 10 });
    assert_eq!(f.rows[0].problem.as_deref(), Some("no answer within 10s"));
    assert!(f.due(t(10)).is_empty(), "backs off, and slow is in flight");
    assert_eq!(f.due(t(25)), vec![1], "slow's reply is lost after 20 s");
    assert_eq!(f.due(t(31)), vec![1, 0], "the most overdue first");
    f.forget_in_flight();
    assert_eq!(f.in_flight(t(31)), 0);
}

#[test]
fn a_row_in_words() {
    let mut f = FleetState::new(["prod", "dead", "new"], IV);
    f.apply(
        "prod",
        done(
            cluster(
                vec![
                    node("http://a", 200, "2.7.2"),
                    node("http://b", 429, "2.7.1"),
                    node("http://c", 503, "2.7.2"),
                    down("http://d"),
                ],
                t(0),
            ),
            t(0),
        ),
    );
    f.apply("dead", done(cluster(vec![down("http://e")], t(0)), t(0)));
    let s = RowSummary::of(&f.rows[0], t(10), IV);
    assert_eq!((s.up, s.sealed, s.unreachable, s.total), (2, 1, 1, 4));
    assert_eq!(s.state, RowState::Sealed);
    assert_eq!(s.versions, vec!["2.7.1", "2.7.2"]);
    assert!(s.mixed_versions());
    assert_eq!(s.leader.as_deref(), Some("a"));
    assert_eq!(s.cluster_name.as_deref(), Some("prod�[2J"));
    assert_eq!(s.age_secs, Some(10));
    assert!(!s.stale);
    assert_eq!(summary::token_text(&s.token, t(10)), "9m50s");
    assert!(RowSummary::of(&f.rows[0], t(100), IV).stale);
    let d = RowSummary::of(&f.rows[1], t(10), IV);
    assert_eq!(d.state, RowState::Unreachable);
    assert_eq!(d.token, TokenTtl::Unknown, "no lookup without an answer");
    assert_eq!(d.age_secs, None);
    let n = RowSummary::of(&f.rows[2], t(10), IV);
    assert_eq!(n.state, RowState::Loading);
    // A timeout keeps the last data, shown stale.
    f.apply("prod", PollOutcome::TimedOut { secs: 10 });
    let s = RowSummary::of(&f.rows[0], t(12), IV);
    assert_eq!(s.state, RowState::Unreachable);
    assert!(s.stale);
    assert_eq!(s.versions.len(), 2);
}
