//! The output lines of `strongroom audit search` (every string from a log sanitised).

use serde_json::{Value, json};

use crate::audit::{AuditEntry, AuditRecord, NodeLog};
use crate::sanitize::sanitize;
use crate::vault::error::clean_error;

/// RFC 3339 in UTC with microseconds; `-` when unknown.
pub fn fmt_time(t: Option<i64>) -> String {
    t.map(chrono::DateTime::from_timestamp_nanos)
        .map(|d| d.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string())
        .unwrap_or_else(|| "-".to_string())
}

fn cell(s: &str) -> String {
    if s.is_empty() {
        "-".to_string()
    } else {
        sanitize(s).replace('\t', " ")
    }
}

/// `ok`, `denied`, or `error: <message>`.
pub fn status(r: &AuditRecord) -> String {
    if r.is_denied() {
        "denied".to_string()
    } else if let Some(e) = r.error() {
        format!("error: {}", clean_error(e))
    } else if r.is_error() {
        "error".to_string()
    } else {
        "ok".to_string()
    }
}

/// time, type, operation, path, identity, remote address, status — tab-separated.
pub fn plain_line(r: &AuditRecord) -> String {
    let Some(m) = r.main() else {
        return String::new();
    };
    let kind = match (&r.request, &r.response) {
        (Some(_), Some(_)) => "request+response",
        (Some(q), None) => q.kind.map_or("unknown", |k| k.name()),
        _ => "response",
    };
    let identity = match r.identity() {
        "" => m.entity_id.as_str(),
        id => id,
    };
    [
        fmt_time(r.time()),
        kind.to_string(),
        cell(&m.operation),
        cell(&m.path),
        cell(identity),
        cell(&m.remote_address),
        cell(&status(r)),
    ]
    .join("\t")
}

fn s(v: &str) -> Value {
    Value::String(sanitize(v).into_owned())
}

fn entry_json(e: &AuditEntry) -> Value {
    json!({
        "time": fmt_time(e.time),
        "type": e.kind.map(|k| k.name()),
        "request_id": s(&e.request_id),
        "operation": s(&e.operation),
        "path": s(&e.path),
        "mount_point": s(&e.mount_point),
        "mount_type": s(&e.mount_type),
        "display_name": s(&e.display_name),
        "entity_id": s(&e.entity_id),
        "remote_address": s(&e.remote_address),
        "policies": e.policies.iter().map(|p| s(p)).collect::<Vec<_>>(),
        "allowed": e.allowed,
        "error": e.error.as_deref().map(s),
        "client_token_hmac": s(&e.client_token),
        "accessor_hmac": s(&e.accessor),
        "token_type": s(&e.token_type),
        "token_ttl": e.token_ttl,
        "created_accessor_hmac": s(&e.created_accessor),
        "created_token_ttl": e.created_token_ttl,
        "file": e.source.file,
        "offset": e.source.offset,
        "len": e.source.len,
    })
}

/// `{"node","time","status","request":{…}|null,"response":{…}|null}`.
pub fn json_line(r: &AuditRecord, logs: &[NodeLog]) -> String {
    let node = logs.get(r.node as usize).map_or("", |l| l.label.as_str());
    json!({
        "node": s(node),
        "time": fmt_time(r.time()),
        "status": s(&status(r)),
        "request": r.request.as_ref().map(entry_json),
        "response": r.response.as_ref().map(entry_json),
    })
    .to_string()
}
