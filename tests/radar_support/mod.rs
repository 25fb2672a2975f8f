//! Fixture items of the radar tests, relative to the fixed clock of `health_fixtures`.
#![allow(dead_code)]

use chrono::{DateTime, Duration, Utc};

use strongroom::radar::{CertDetail, ItemKind, RadarItem};
use strongroom::vault::radar::{SourceState, SourceStatus};

pub fn at(now: DateTime<Utc>, secs: i64) -> Option<DateTime<Utc>> {
    Some(now + Duration::seconds(secs))
}

pub fn lease(now: DateTime<Utc>, id: &str, secs: i64) -> RadarItem {
    RadarItem {
        kind: ItemKind::Lease,
        id: id.into(),
        name: id.rsplit('/').next().unwrap_or_default().into(),
        mount: RadarItem::lease_mount(id),
        role: id[..=id.rfind('/').unwrap_or(0)].to_string(),
        expires_at: at(now, secs),
        cert: None,
    }
}

pub fn token(now: DateTime<Utc>, accessor: &str, name: &str, secs: i64) -> RadarItem {
    RadarItem {
        kind: ItemKind::Token,
        id: accessor.into(),
        name: name.into(),
        mount: "auth/token/".into(),
        role: "auth/token/create/ci".into(),
        expires_at: at(now, secs),
        cert: None,
    }
}

pub fn cert(now: DateTime<Utc>, serial: &str, cn: &str, secs: i64) -> RadarItem {
    RadarItem {
        kind: ItemKind::Certificate,
        id: serial.into(),
        name: cn.into(),
        mount: "pki/".into(),
        role: "CN=example.com".into(),
        expires_at: at(now, secs),
        cert: Some(CertDetail {
            serial: serial.into(),
            subject: cn.into(),
            issuer: "CN=example.com".into(),
            not_before: at(now, -86_400),
        }),
    }
}

pub fn secret(now: DateTime<Utc>, path: &str, secs: i64) -> RadarItem {
    RadarItem {
        kind: ItemKind::KvRotation,
        id: path.into(),
        name: format!("{path} (v3)"),
        mount: "secret/".into(),
        role: "secret/apps/".into(),
        expires_at: at(now, secs),
        cert: None,
    }
}

/// A mix: overdue secret, a lease in 20 min, a cert in 45 min, a login lease in 3 h, a token
/// in 5 h, a cert in 3 days.
pub fn items(now: DateTime<Utc>) -> Vec<RadarItem> {
    vec![
        lease(now, "database/creds/readonly/5gzIKIOuw8J2", 20 * 60),
        cert(now, "1d:8e:aa:01", "api.example.com", 45 * 60),
        secret(now, "secret/apps/payments", -2 * 3_600),
        lease(now, "auth/approle/login/h6508aa", 3 * 3_600),
        token(
            now,
            "ncbh1yxdeKAib9Au0naG9spg",
            "token-ci-job-4711",
            5 * 3_600,
        ),
        cert(now, "2f:00:bb:02", "web.example.com", 3 * 86_400),
    ]
}

pub fn done(loaded: u64) -> SourceStatus {
    SourceStatus {
        state: SourceState::Done,
        loaded,
        found: loaded,
        note: String::new(),
    }
}
