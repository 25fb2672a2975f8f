//! The audit traffic fixture makes what it says: checked with the reference parser.
#![allow(clippy::expect_used)]

mod common;

use common::audit_traffic::{self, AuditTraffic};
use strongroom::audit::entry::{EntryKind, EntrySource, parse_line};

#[test]
fn the_fixture_traffic_is_in_the_log() {
    let t = AuditTraffic::start();
    let log = t.server.audit_log();
    let entries: Vec<_> = log
        .lines()
        .filter_map(|l| parse_line(l.as_bytes(), EntrySource::default()).ok())
        .collect();
    let responses = |f: &dyn Fn(&strongroom::audit::AuditEntry) -> bool| {
        entries
            .iter()
            .filter(|e| e.kind == Some(EntryKind::Response) && f(e))
            .count()
    };
    let failed = responses(&|e| e.path.starts_with("auth/userpass/login/") && e.error.is_some());
    assert_eq!(failed, audit_traffic::FAILED_LOGINS);
    let denied = responses(&|e| e.path == audit_traffic::PAYMENTS_PATH && e.is_denied());
    assert_eq!(denied, 2, "the default-only token and the bad token");
    let other = responses(&|e| e.remote_address == "127.0.0.2");
    assert!(other >= audit_traffic::FAILED_LOGINS + 2, "{other}");
    let long = responses(&|e| e.created_token_ttl == Some(audit_traffic::LONG_TTL_SECS));
    assert_eq!(long, 1);
    assert!(
        !log.contains(audit_traffic::PAYMENTS_VALUE),
        "the audit log HMACs values"
    );
    assert!(t.log_path().exists());
}
