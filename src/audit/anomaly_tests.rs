use super::super::entry::AuditEntry;
use super::super::signal::{AnomalyConfig, Severity, Signal, SignalKind};
use super::super::test_entries::*;
use super::AnomalyAgg;

fn run(entries: &[AuditEntry], cfg: &AnomalyConfig) -> Vec<Signal> {
    let mut agg = AnomalyAgg::new(cfg.clone());
    for e in entries {
        agg.visit(&e.as_entry_ref());
    }
    agg.finish()
}

fn of(signals: &[Signal], kind: SignalKind) -> Vec<&Signal> {
    signals.iter().filter(|s| s.kind == kind).collect()
}

#[test]
fn a_read_from_a_new_address_signals_with_its_evidence() {
    let t = MONDAY_10;
    let e = vec![
        req(t, "read", "secret/data/x", "token-reader"),
        req(t + SEC, "read", "secret/data/x", "token-reader"),
        from(
            req(t + 2 * SEC, "read", "secret/data/x", "token-reader"),
            "127.0.0.2",
        ),
        // Another identity always at one address: quiet.
        from(req(t, "read", "secret/data/x", "token-other"), "127.0.0.9"),
        from(
            req(t + SEC, "read", "secret/data/x", "token-other"),
            "127.0.0.9",
        ),
    ];
    let s = run(&e, &AnomalyConfig::default());
    let new = of(&s, SignalKind::NewAddress);
    assert_eq!(new.len(), 1, "{s:#?}");
    assert_eq!(new[0].identity, "token-reader");
    assert_eq!(new[0].remote_address, "127.0.0.2");
    assert_eq!(new[0].path, "secret/data/x");
    assert_eq!(new[0].total, 1);
    assert_eq!(new[0].evidence, vec![e[2].source]);
    assert_eq!(new[0].evidence_ids, vec![e[2].request_id.clone()]);
    assert_eq!(new[0].severity, Severity::High);
    assert!(new[0].summary.contains("127.0.0.1"), "{}", new[0].summary);
}

#[test]
fn a_burst_above_three_times_the_baseline_signals_and_quiet_paths_do_not() {
    let t = MONDAY_10;
    let mut e = Vec::new();
    for i in 0..20 {
        e.push(req(
            t + 100 * SEC + i * 1_000_000,
            "read",
            "secret/data/burst",
            "token",
        ));
    }
    // Steady: every 13 s over 400 s (2 per 20 s window at most).
    for i in 0..30 {
        e.push(req(t + i * 13 * SEC, "read", "secret/data/steady", "token"));
    }
    for i in 0..4 {
        e.push(req(t + i * 100 * SEC, "read", "secret/data/rare", "token"));
    }
    let s = run(&e, &AnomalyConfig::default());
    let v = of(&s, SignalKind::VolumeSpike);
    assert_eq!(v.len(), 1, "{s:#?}");
    assert_eq!(v[0].path, "secret/data/burst");
    assert_eq!(v[0].total, 20);
    assert_eq!(v[0].evidence.len(), 20);
    // A higher factor silences it.
    let cfg = AnomalyConfig {
        volume_factor: 50,
        ..AnomalyConfig::default()
    };
    assert!(of(&run(&e, &cfg), SignalKind::VolumeSpike).is_empty());
}

#[test]
fn off_hours_access_by_humans_signals() {
    let sunday = MONDAY_10 - 86_400 * SEC;
    let e = vec![
        req(sunday, "read", "secret/data/x", "userpass-alice"),
        req(MONDAY_10, "read", "secret/data/x", "userpass-bob"),
        req(sunday, "read", "secret/data/x", "approle"),
        req(
            MONDAY_10 + 9 * 3600 * SEC,
            "read",
            "secret/data/x",
            "ldap-carol",
        ),
    ];
    let s = run(&e, &AnomalyConfig::default());
    let off: Vec<&str> = of(&s, SignalKind::OffHours)
        .iter()
        .map(|s| s.identity.as_str())
        .collect();
    assert_eq!(off.len(), 2, "{s:#?}");
    assert!(off.contains(&"userpass-alice") && off.contains(&"ldap-carol"));
    // Working days including Sunday and a late shift: nobody is off hours.
    let cfg = AnomalyConfig {
        work_days: 0b111_1111,
        work_end_min: 24 * 60,
        ..AnomalyConfig::default()
    };
    assert!(of(&run(&e, &cfg), SignalKind::OffHours).is_empty());
    // An offset moves the working day: 10:00Z is 19:00 at +09:00.
    let cfg = AnomalyConfig {
        utc_offset_secs: 9 * 3600,
        ..AnomalyConfig::default()
    };
    assert_eq!(of(&run(&e[1..2], &cfg), SignalKind::OffHours).len(), 1);
}

#[test]
fn denied_requests_are_grouped_by_identity_and_path() {
    let t = MONDAY_10;
    let e = vec![
        denied(resp(t, "read", "secret/data/p", "token-nosy")),
        denied(resp(t + SEC, "read", "secret/data/p", "token-nosy")),
        denied(resp(t + 2 * SEC, "read", "secret/data/p", "")),
        // The request line of a denial is not counted twice.
        denied(req(t, "read", "secret/data/p", "token-nosy")),
        resp(t, "read", "secret/data/p", "token-reader"),
    ];
    let s = run(&e, &AnomalyConfig::default());
    let d = of(&s, SignalKind::Denied);
    assert_eq!(d.len(), 2, "{s:#?}");
    let nosy = d.iter().find(|s| s.identity == "token-nosy").expect("nosy");
    assert_eq!(nosy.total, 2);
    assert!(
        d.iter()
            .any(|s| s.identity == "(no valid token)" && s.total == 1)
    );
}

#[test]
fn repeated_failed_logins_from_one_address_signal() {
    let t = MONDAY_10;
    let login = "auth/userpass/login/alice";
    let mut e = Vec::new();
    for i in 0..4 {
        e.push(from(
            failed(
                resp(t + i * SEC, "update", login, ""),
                "invalid credentials",
            ),
            "127.0.0.2",
        ));
    }
    for i in 0..2 {
        e.push(from(
            failed(
                resp(t + i * SEC, "update", login, ""),
                "invalid credentials",
            ),
            "127.0.0.3",
        ));
    }
    for i in 0..3 {
        e.push(from(
            failed(
                resp(t + i * 1200 * SEC, "update", login, ""),
                "invalid credentials",
            ),
            "127.0.0.4",
        ));
    }
    let s = run(&e, &AnomalyConfig::default());
    let f = of(&s, SignalKind::FailedLogins);
    assert_eq!(f.len(), 1, "{s:#?}");
    assert_eq!(f[0].remote_address, "127.0.0.2");
    assert_eq!(f[0].total, 4);
    assert_eq!(f[0].evidence.len(), 4);
}

#[test]
fn long_ttl_tokens_signal_above_the_threshold_or_three_times_the_median() {
    let t = MONDAY_10;
    let token = |ttl: i64, i: i64| {
        let mut e = resp(t + i * SEC, "update", "auth/token/create", "root");
        e.created_token_ttl = Some(ttl);
        e
    };
    let e = vec![
        token(3600, 0),
        token(3600, 1),
        token(700 * 3600, 2),
        token(3600, 3),
    ];
    let s = run(&e, &AnomalyConfig::default());
    let l = of(&s, SignalKind::LongTtlToken);
    assert_eq!(l.len(), 1, "{s:#?}");
    assert!(l[0].summary.contains("29d4h"), "{}", l[0].summary);
    assert_eq!(l[0].evidence, vec![e[2].source]);
    let e = vec![
        token(3600, 0),
        token(3600, 1),
        token(3600, 2),
        token(20_000, 3),
    ];
    let l = run(&e, &AnomalyConfig::default());
    assert_eq!(of(&l, SignalKind::LongTtlToken).len(), 1, "3× the median");
}

#[test]
fn merged_halves_give_the_same_signals_most_severe_first() {
    let t = MONDAY_10;
    let mut e = vec![
        req(t, "read", "secret/data/x", "token-reader"),
        from(
            req(t + 2 * SEC, "read", "secret/data/x", "token-reader"),
            "127.0.0.2",
        ),
        denied(resp(t, "read", "secret/data/p", "token-nosy")),
    ];
    for i in 0..3 {
        e.push(from(
            failed(resp(t + i * SEC, "update", "auth/ldap/login/x", ""), "bad"),
            "127.0.0.5",
        ));
    }
    let cfg = AnomalyConfig::default();
    let whole = run(&e, &cfg);
    // The second half first: the aggregator must not depend on order.
    let (a, b) = e.split_at(2);
    let mut first = AnomalyAgg::new(cfg.clone());
    let mut second = AnomalyAgg::new(cfg.clone());
    for x in b {
        first.visit(&x.as_entry_ref());
    }
    for x in a {
        second.visit(&x.as_entry_ref());
    }
    first.merge(second);
    assert_eq!(first.finish(), whole);
    assert!(whole.windows(2).all(|w| w[0].severity >= w[1].severity));
    assert_eq!(whole[0].severity, Severity::High);
}

#[test]
fn detect_reads_both_lines_of_records() {
    let t = MONDAY_10;
    let r = super::super::AuditRecord {
        request: Some(denied(req(t, "read", "secret/data/p", "token-nosy"))),
        response: Some(denied(resp(t, "read", "secret/data/p", "token-nosy"))),
        node: 0,
    };
    let s = super::super::signal::detect(&[r], &AnomalyConfig::default());
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].kind, SignalKind::Denied);
}
