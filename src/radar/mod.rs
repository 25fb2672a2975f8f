//! The expiry radar's pure model: what expires when, across leases, tokens, PKI certificates
//! and KV v2 secrets due for rotation. Items come from the collectors (`vault::radar`); this
//! module only sorts them into a window, time buckets and per mount / role counts.

mod duration;
mod model;
mod rotation;

pub use duration::{format_duration, parse_duration, parse_secs, relative};
pub use model::{Bucket, GroupCount, LEASE_ALERT, Radar};
pub use rotation::{DEFAULT_ROTATION, RotationPolicy};

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;

/// What kind of thing expires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ItemKind {
    Lease,
    Token,
    Certificate,
    /// A KV v2 secret whose current version is due for rotation.
    KvRotation,
}

impl ItemKind {
    pub const ALL: [ItemKind; 4] = [
        ItemKind::Lease,
        ItemKind::Token,
        ItemKind::Certificate,
        ItemKind::KvRotation,
    ];

    /// `lease`, `token`, `certificate`, `kv-rotation`.
    pub fn name(self) -> &'static str {
        match self {
            ItemKind::Lease => "lease",
            ItemKind::Token => "token",
            ItemKind::Certificate => "certificate",
            ItemKind::KvRotation => "kv-rotation",
        }
    }

    /// The source's name, as shown in the loading line.
    pub fn source_label(self) -> &'static str {
        match self {
            ItemKind::Lease => "leases",
            ItemKind::Token => "tokens",
            ItemKind::Certificate => "certificates",
            ItemKind::KvRotation => "KV rotation",
        }
    }
}

/// A certificate's details, shown in the drill-down.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertDetail {
    pub serial: String,
    /// The common name (the subject as the PKI engine lists it).
    pub subject: String,
    pub issuer: String,
    pub not_before: Option<DateTime<Utc>>,
}

/// One thing that expires. Strings come from the server: sanitise before drawing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RadarItem {
    pub kind: ItemKind,
    /// The lease id, the token's accessor, the certificate's serial, the secret's full path.
    pub id: String,
    /// What a person recognises: the token's display name, the certificate's common name.
    pub name: String,
    /// The mount: `database/`, `auth/approle/`, `pki/`, `secret/`; `auth/token/` for tokens.
    pub mount: String,
    /// The lease's prefix, the token's creation path (role), the certificate's issuer,
    /// the matched rotation prefix of a secret.
    pub role: String,
    /// When it expires (the rotation due time for a secret); `None`: never (counted only).
    pub expires_at: Option<DateTime<Utc>>,
    pub cert: Option<CertDetail>,
}

impl RadarItem {
    /// Seconds left at `now` (negative: expired or overdue).
    pub fn left(&self, now: DateTime<Utc>) -> Option<i64> {
        self.expires_at.map(|t| (t - now).num_seconds())
    }

    /// The mount of a lease id: `auth/approle/login/x` → `auth/approle/`, `database/creds/r/x` →
    /// `database/`.
    pub fn lease_mount(id: &str) -> String {
        let parts: Vec<&str> = id.split('/').collect();
        let n = if parts.first() == Some(&"auth") { 2 } else { 1 };
        if parts.len() <= n {
            return String::new();
        }
        format!("{}/", parts[..n].join("/"))
    }
}

/// The time span the radar looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    Hour,
    Day,
    Week,
    Custom(Duration),
}

impl Window {
    pub fn duration(self) -> Duration {
        match self {
            Window::Hour => Duration::from_secs(3_600),
            Window::Day => Duration::from_secs(86_400),
            Window::Week => Duration::from_secs(7 * 86_400),
            Window::Custom(d) => d,
        }
    }

    /// `next hour`, `next 36h`.
    pub fn label(self) -> String {
        match self {
            Window::Hour => "next hour".into(),
            Window::Day => "next day".into(),
            Window::Week => "next week".into(),
            Window::Custom(d) => format!("next {}", format_duration(d)),
        }
    }

    /// From `:radar 6h` (empty: a day); the named windows for 1h, 24h/1d and 7d/1w.
    pub fn parse(text: &str) -> Result<Window, String> {
        let t = text.trim();
        match t {
            "" | "day" | "1d" | "24h" => return Ok(Window::Day),
            "hour" | "1h" => return Ok(Window::Hour),
            "week" | "1w" | "7d" => return Ok(Window::Week),
            _ => {}
        }
        parse_duration(t)
            .map(Window::Custom)
            .ok_or_else(|| format!("not a window: \"{t}\" (e.g. 1h, 36h, 7d)"))
    }

    /// How many buckets the histogram has: 12 five-minute buckets for an hour, 24 hours for
    /// a day, 14 half-days for a week, 24 for a custom window.
    pub fn buckets(self) -> usize {
        match self {
            Window::Hour => 12,
            Window::Day | Window::Custom(_) => 24,
            Window::Week => 14,
        }
    }
}
