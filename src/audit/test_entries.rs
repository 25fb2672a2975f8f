//! Hand-made audit entries for the aggregators' unit tests.

use super::entry::{AuditEntry, EntryKind, EntrySource};

pub const SEC: i64 = 1_000_000_000;
/// 2026-12-07T10:00:00Z, a Monday within working hours.
pub const MONDAY_10: i64 = 1_796_637_600 * SEC;

pub fn entry(kind: EntryKind, t: i64, op: &str, path: &str, who: &str) -> AuditEntry {
    AuditEntry {
        time: Some(t),
        kind: Some(kind),
        request_id: format!("id-{t}-{path}"),
        operation: op.to_string(),
        path: path.to_string(),
        mount_point: path.split_inclusive('/').next().unwrap_or("").to_string(),
        mount_type: if path.starts_with("secret/") {
            "kv".into()
        } else {
            String::new()
        },
        display_name: who.to_string(),
        accessor: if who.is_empty() {
            String::new()
        } else {
            format!("hmac-{who}")
        },
        remote_address: "127.0.0.1".to_string(),
        allowed: Some(true),
        source: EntrySource {
            file: 0,
            offset: t.unsigned_abs(),
            len: 1,
        },
        ..AuditEntry::default()
    }
}

pub fn req(t: i64, op: &str, path: &str, who: &str) -> AuditEntry {
    entry(EntryKind::Request, t, op, path, who)
}

pub fn resp(t: i64, op: &str, path: &str, who: &str) -> AuditEntry {
    entry(EntryKind::Response, t, op, path, who)
}

pub fn from(mut e: AuditEntry, addr: &str) -> AuditEntry {
    e.remote_address = addr.to_string();
    e
}

pub fn denied(mut e: AuditEntry) -> AuditEntry {
    e.allowed = Some(false);
    e.error = Some("1 error occurred:\n\t* permission denied\n\n".to_string());
    e
}

pub fn failed(mut e: AuditEntry, error: &str) -> AuditEntry {
    e.allowed = None;
    e.error = Some(error.to_string());
    e
}
