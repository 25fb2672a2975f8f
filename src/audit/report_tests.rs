use super::super::entry::AuditEntry;
use super::super::report_model::Report;
use super::super::test_entries::*;
use super::{ReportAgg, ReportOptions};

const DAY: i64 = 86_400 * SEC;

fn opts() -> ReportOptions {
    ReportOptions {
        unused_days: 30,
        rotation_days: 90,
        ..ReportOptions::default()
    }
}

fn run(entries: &[AuditEntry], o: &ReportOptions) -> Report {
    let mut agg = ReportAgg::new();
    for e in entries {
        agg.visit(&e.as_entry_ref());
    }
    agg.finish(o)
}

fn traffic() -> Vec<AuditEntry> {
    let t = MONDAY_10;
    vec![
        req(t, "create", "secret/data/apps/x", "token"),
        req(t + SEC, "read", "secret/data/apps/x", "token-reader"),
        req(t + 2 * SEC, "read", "secret/data/apps/x", "token-reader"),
        req(t + 3 * SEC, "list", "secret/metadata/apps/", "token-reader"),
        // Denied and unauthenticated requests are not access.
        denied(req(t + 4 * SEC, "read", "secret/data/apps/x", "token-nosy")),
        req(t + 4 * SEC, "update", "auth/userpass/login/alice", ""),
        denied(resp(
            t + 4 * SEC,
            "read",
            "secret/data/apps/x",
            "token-nosy",
        )),
        from(
            failed(
                resp(t + 5 * SEC, "update", "auth/userpass/login/alice", ""),
                "invalid credentials",
            ),
            "127.0.0.2",
        ),
        resp(t + 6 * SEC, "update", "sys/policies/acl/reader", "root"),
        failed(
            resp(t + 7 * SEC, "delete", "sys/policy/admin", "token-ops"),
            "1 error occurred:\n\t* permission denied\n\n",
        ),
        resp(t + 8 * SEC, "read", "sys/policies/acl/reader", "root"),
        resp(
            t + 9 * SEC,
            "update",
            "sys/generate-root-token/attempt",
            "root",
        ),
    ]
}

#[test]
fn the_access_inventory_counts_reads_and_writes_by_identity_and_path() {
    let r = run(&traffic(), &opts());
    let rows: Vec<(&str, &str, u64, u64)> = r
        .access
        .iter()
        .map(|a| (a.identity.as_str(), a.path.as_str(), a.reads, a.writes))
        .collect();
    assert_eq!(
        rows,
        [
            ("token", "secret/data/apps/x", 0, 1),
            ("token-reader", "secret/data/apps/x", 2, 0),
            ("token-reader", "secret/metadata/apps/", 1, 0),
        ]
    );
    assert_eq!(r.access.len(), 3);
    let x = &r.access[0];
    assert_eq!(
        (x.path.as_str(), x.identity.as_str()),
        ("secret/data/apps/x", "token")
    );
    let reader = &r.access[1];
    assert_eq!((reader.reads, reader.writes), (2, 0));
    assert_eq!(reader.first, "2026-12-07T10:00:01Z");
    assert_eq!(reader.last, "2026-12-07T10:00:02Z");
    assert_eq!(r.totals.entries, 12);
    assert_eq!(r.totals.requests, 6);
}

#[test]
fn failures_policy_changes_and_seal_operations_are_listed() {
    let r = run(&traffic(), &opts());
    let failed: Vec<(&str, &str, &str)> = r
        .failed
        .iter()
        .map(|f| (f.identity.as_str(), f.path.as_str(), f.error.as_str()))
        .collect();
    assert_eq!(
        failed,
        [
            ("token-nosy", "secret/data/apps/x", "permission denied"),
            (
                "(no valid token)",
                "auth/userpass/login/alice",
                "invalid credentials"
            ),
            ("token-ops", "sys/policy/admin", "permission denied"),
        ]
    );
    assert_eq!(r.failed[1].address, "127.0.0.2");
    let policy: Vec<(&str, &str, &str, &str)> = r
        .policy_changes
        .iter()
        .map(|p| {
            (
                p.identity.as_str(),
                p.subject.as_str(),
                p.operation.as_str(),
                p.outcome.as_str(),
            )
        })
        .collect();
    assert_eq!(
        policy,
        [
            ("root", "reader", "update", "ok"),
            ("token-ops", "admin", "delete", "permission denied"),
        ]
    );
    assert_eq!(r.seal_operations.len(), 1);
    assert_eq!(r.seal_operations[0].path, "sys/generate-root-token/attempt");
    assert!(r.notes[0].contains("does not audit"), "{:?}", r.notes);
}

#[test]
fn unused_secrets_and_overdue_rotation_follow_the_window_end() {
    let t0 = MONDAY_10;
    let e = vec![
        req(t0, "create", "secret/data/apps/x", "token"),
        req(t0 + 5 * DAY, "read", "secret/data/apps/x", "token"),
        req(t0, "create", "secret/data/apps/y", "token"),
        req(t0 + 95 * DAY, "read", "secret/data/apps/y", "token"),
        req(t0 + 99 * DAY, "read", "secret/data/apps/z", "token"),
        req(t0 + 99 * DAY, "create", "secret/data/apps/fresh", "token"),
        req(t0 + 100 * DAY, "read", "secret/metadata/apps/x", "token"),
    ];
    let r = run(&e, &opts());
    let paths = |rows: &[super::SecretRow]| rows.iter().map(|s| s.path.clone()).collect::<Vec<_>>();
    assert_eq!(paths(&r.unused_secrets), ["secret/apps/x"]);
    assert_eq!(
        paths(&r.rotation_overdue),
        ["secret/apps/x", "secret/apps/y"]
    );
    assert_eq!(r.secrets_without_write, 1, "z was only read");
    // A window ending earlier (until) moves the cut-offs.
    let early = ReportOptions {
        until: Some(t0 + 40 * DAY),
        ..opts()
    };
    let r = run(&e, &early);
    assert!(r.rotation_overdue.is_empty());
}

#[test]
fn merged_halves_make_the_same_report() {
    let e = traffic();
    let whole = run(&e, &opts());
    let (a, b) = e.split_at(5);
    let mut first = ReportAgg::new();
    let mut second = ReportAgg::new();
    b.iter().for_each(|x| first.visit(&x.as_entry_ref()));
    a.iter().for_each(|x| second.visit(&x.as_entry_ref()));
    first.merge(second);
    assert_eq!(first.finish(&opts()), whole);
}

#[test]
fn hostile_strings_are_sanitised_and_escaped() {
    let mut e = req(MONDAY_10, "read", "secret/data/a|b\n\u{1b}[31mred", "x|y");
    e.error = None;
    let mut f = failed(
        resp(MONDAY_10, "read", "p,\"q\"", "=cmd()"),
        "bad\u{7}\nthing",
    );
    f.allowed = None;
    let r = run(&[e, f], &opts());
    let md = super::super::report_md::render(&r);
    assert!(md.contains("secret/data/a\\|b⏎�[31mred"), "{md}");
    assert!(md.contains("| x\\|y |"), "{md}");
    assert!(!md.contains('\u{1b}') && !md.contains('\u{7}'));
    let csv = super::super::report_csv::render(&r);
    assert!(csv.contains("\"p,\"\"q\"\"\""), "{csv}");
    assert!(csv.contains(",'=cmd(),"), "{csv}");
    let json = super::super::report_job::render(&r, crate::cli::ReportFormat::Json);
    assert!(!json.contains("\\u001b"), "{json}");
}

mod never_panic {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn rendering_never_panics_nor_emits_control_characters(
            strings in proptest::collection::vec(any::<String>(), 6),
            t in any::<i64>(),
            ttl in any::<i64>(),
        ) {
            let mut e = Vec::new();
            for (i, op) in ["read", "update", "delete"].iter().enumerate() {
                let mut x = req(t, op, &strings[i], &strings[3]);
                x.mount_point = strings[4].clone();
                x.mount_type = "kv".into();
                x.remote_address = strings[5].clone();
                e.push(x);
                let mut y = failed(resp(t, op, &format!("sys/policy/{}", strings[i]), &strings[3]), &strings[5]);
                y.created_token_ttl = Some(ttl);
                e.push(y);
                e.push(failed(resp(t, op, "sys/unseal", &strings[i]), &strings[4]));
            }
            let r = run(&e, &ReportOptions { until: Some(t), files: vec![strings[0].clone()], ..opts() });
            for format in [crate::cli::ReportFormat::Md, crate::cli::ReportFormat::Csv, crate::cli::ReportFormat::Json] {
                let out = super::super::super::report_job::render(&r, format);
                prop_assert!(!out.chars().any(|c| c.is_control() && c != '\n'), "{format:?}: {out}");
            }
            let s = super::super::super::signal::detect(
                &e.into_iter().map(|x| super::super::super::AuditRecord { request: Some(x), ..Default::default() }).collect::<Vec<_>>(),
                &crate::audit::AnomalyConfig::default(),
            );
            for sig in s {
                prop_assert!(!sig.summary.chars().any(char::is_control), "{}", sig.summary);
            }
        }
    }
}
