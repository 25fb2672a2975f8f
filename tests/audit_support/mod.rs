//! Shared by the access-history screen tests: the app on the healthy fixture cluster at the
//! fixed clock, and hand-made audit records (no real tokens; HMACs are made up).
#![allow(dead_code)]

use std::path::PathBuf;

use strongroom::app::App;
use strongroom::audit::{AuditEntry, AuditRecord, EntryKind, EntrySource, NodeLog, Signal};
use strongroom::audit::{Severity, SignalKind};

use super::health_fixtures;

/// The app of the render snapshots (healthy fixture cluster, fixed clock) on the health screen.
pub fn app() -> App {
    super::render_app::base_app()
}

/// Unix ns `secs` seconds before the fixed clock.
pub fn ago(secs: i64) -> i64 {
    (health_fixtures::now().timestamp() - secs) * 1_000_000_000
}

/// One line of a record.
pub fn entry(kind: EntryKind, id: &str, op: &str, path: &str, who: &str, at: i64) -> AuditEntry {
    AuditEntry {
        time: Some(at),
        kind: Some(kind),
        request_id: id.into(),
        operation: op.into(),
        path: path.into(),
        mount_point: path
            .split('/')
            .next()
            .map(|m| format!("{m}/"))
            .unwrap_or_default(),
        mount_type: "kv".into(),
        display_name: who.into(),
        entity_id: String::new(),
        remote_address: "127.0.0.1".into(),
        policies: vec!["default".into(), "apps-read".into()],
        allowed: Some(true),
        error: None,
        client_token: "hmac-sha256:5e1f00aa".into(),
        accessor: "hmac-sha256:77aa00bb".into(),
        token_type: "service".into(),
        token_ttl: Some(3600),
        created_accessor: String::new(),
        created_token_ttl: None,
        source: EntrySource {
            file: 0,
            offset: 0,
            len: 10,
        },
    }
}

/// A paired record.
pub fn record(id: &str, op: &str, path: &str, who: &str, at: i64) -> AuditRecord {
    let mut req = entry(EntryKind::Request, id, op, path, who, at);
    let mut resp = entry(EntryKind::Response, id, op, path, who, at + 1_000_000);
    req.source.offset = 100;
    resp.source.offset = 1200;
    AuditRecord {
        request: Some(req),
        response: Some(resp),
        node: 0,
    }
}

/// A denied record (the policy check said no).
pub fn denied(id: &str, path: &str, who: &str, at: i64) -> AuditRecord {
    let mut r = record(id, "read", path, who, at);
    for l in [&mut r.request, &mut r.response].into_iter().flatten() {
        l.allowed = Some(false);
        l.error = Some("1 error occurred:\n\t* permission denied\n\n".into());
    }
    r
}

/// A record whose request has no response yet.
pub fn request_only(id: &str, path: &str, at: i64) -> AuditRecord {
    let mut r = record(id, "update", path, "approle", at);
    r.response = None;
    r
}

pub fn fixture() -> Vec<AuditRecord> {
    vec![
        record(
            "r1",
            "read",
            "secret/data/apps/payments/api/prod",
            "userpass-alice",
            ago(3600),
        ),
        record(
            "r2",
            "list",
            "secret/metadata/apps/",
            "userpass-alice",
            ago(3000),
        ),
        denied(
            "r3",
            "secret/data/apps/identity/login/prod",
            "token-short-lived",
            ago(2400),
        ),
        record("r4", "update", "auth/token/create", "root", ago(1800)),
        request_only("r5", "secret/data/apps/ci/deploy", ago(600)),
    ]
}

pub fn one_log() -> Vec<NodeLog> {
    vec![NodeLog {
        label: "audit.log".into(),
        files: vec![PathBuf::from("/var/log/openbao/audit.log")],
    }]
}

pub fn three_logs() -> Vec<NodeLog> {
    (1..=3)
        .map(|i| NodeLog {
            label: format!("node{i}"),
            files: vec![PathBuf::from(format!("/srv/sandbox/node{i}-audit.log"))],
        })
        .collect()
}

/// Hand-made signals for the panel.
pub fn signals() -> Vec<Signal> {
    vec![
        Signal {
            kind: SignalKind::Denied,
            severity: Severity::High,
            summary: "token-short-lived was denied 1 time on secret/data/apps/identity/login/prod"
                .into(),
            identity: "token-short-lived".into(),
            path: "secret/data/apps/identity/login/prod".into(),
            remote_address: "127.0.0.1".into(),
            evidence: vec![EntrySource::default()],
            evidence_ids: vec!["r3".into()],
            total: 1,
            first: Some(ago(2400)),
            last: Some(ago(2400)),
        },
        Signal {
            kind: SignalKind::NewAddress,
            severity: Severity::Warn,
            summary: "userpass-alice read secret/data/apps/payments/api/prod from 127.0.0.2 (usually 127.0.0.1)".into(),
            identity: "userpass-alice".into(),
            path: "secret/data/apps/payments/api/prod".into(),
            remote_address: "127.0.0.2".into(),
            evidence: vec![EntrySource::default()],
            evidence_ids: vec!["r1".into(), "r2".into()],
            total: 2,
            first: Some(ago(3600)),
            last: Some(ago(3000)),
        },
    ]
}

/// The fixed clock in unix ns.
pub fn now_ns() -> i64 {
    ago(0)
}
