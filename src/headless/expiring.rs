//! `strongroom expiring --within 24h [--format plain|json]`: what expires within the window
//! (leases, tokens, PKI certificates, KV v2 secrets due for rotation by the `[rotation]` ages
//! of the config file), for cron and CI.
//!
//! - `plain`: one line per item, sorted by time, tab-separated: expiry (RFC 3339, UTC), the
//!   distance (`in 29m`, `2h ago` for expired / overdue), kind (`lease`, `token`,
//!   `certificate`, `kv-rotation`), mount, name, id (lease id, token accessor, certificate
//!   serial, secret path). Server text is sanitised.
//! - `json`: one object: `{"now","within_secs","count","items":[{"kind","id","name","mount",
//!   "role","expires_at","seconds_left","overdue"}],"sources":[{"source","state","loaded",
//!   "note","error"}]}` (`state`: done | denied | failed).
//!
//! Exit 0 when nothing expires in the window, 3 when something does, 1 on error (bad
//! arguments, no connection, a source that failed other than by a denial). A source the
//! token may not read (403) is a warning on stderr (and `denied` in JSON): the others count.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;
use tokio_util::sync::CancellationToken;

use crate::cli::ExpiringFormat;
use crate::config::ConnectionProfile;
use crate::jobs::{JobEvent, JobReport};
use crate::radar::{ItemKind, Radar, RadarItem, RotationPolicy, Window, relative};
use crate::sanitize::sanitize;
use crate::vault::radar::{SourceState, SourceStatus, run_radar};
use crate::vault::{ClientSettings, VaultClient};

/// Exit code when something expires within the window.
pub const EXIT_EXPIRING: i32 = 3;
/// Whole-request timeout (a SCAN of a large mount takes a while).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

#[derive(Debug, Serialize)]
struct JsonItem {
    kind: &'static str,
    id: String,
    name: String,
    mount: String,
    role: String,
    expires_at: String,
    seconds_left: i64,
    overdue: bool,
}

#[derive(Debug, Serialize)]
struct JsonSource {
    source: &'static str,
    state: &'static str,
    loaded: u64,
    note: String,
    error: Option<String>,
}

#[derive(Debug, Serialize)]
struct JsonReport {
    now: String,
    within_secs: u64,
    count: usize,
    items: Vec<JsonItem>,
    sources: Vec<JsonSource>,
}

/// Everything the collectors found, with each source's end state.
pub struct Collected {
    pub radar: Radar,
    pub sources: Vec<(ItemKind, SourceStatus)>,
}

/// Run the radar job's collectors once, to the end.
pub async fn collect(client: &VaultClient, rotation: &RotationPolicy) -> Collected {
    let mut radar = Radar::default();
    let mut sources: std::collections::BTreeMap<ItemKind, SourceStatus> = ItemKind::ALL
        .into_iter()
        .map(|k| (k, SourceStatus::default()))
        .collect();
    let cancel = CancellationToken::new();
    let mut emit = |e: JobEvent| {
        if let JobEvent::Report(r) = e
            && let JobReport::Radar(u) = *r
        {
            radar.add(u.items);
            sources.insert(u.kind, u.status);
        }
    };
    run_radar(client, rotation, &cancel, &mut emit).await;
    Collected {
        radar,
        sources: sources.into_iter().collect(),
    }
}

/// The plain line of one item.
pub fn plain_line(it: &RadarItem, now: DateTime<Utc>) -> String {
    let at = it
        .expires_at
        .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default();
    format!(
        "{at}\t{}\t{}\t{}\t{}\t{}",
        relative(it.left(now).unwrap_or(0)),
        it.kind.name(),
        sanitize(&it.mount),
        sanitize(&it.name),
        sanitize(&it.id)
    )
}

fn state_name(s: &SourceState) -> &'static str {
    match s {
        SourceState::Done => "done",
        SourceState::Denied => "denied",
        SourceState::Failed(_) => "failed",
        SourceState::Waiting | SourceState::Loading => "incomplete",
    }
}

/// Run `expiring`; the exit code.
pub async fn run(
    profile: &ConnectionProfile,
    rotation: &RotationPolicy,
    within: &str,
    format: ExpiringFormat,
) -> i32 {
    let window = match crate::radar::parse_duration(within) {
        Some(d) => Window::Custom(d),
        None => {
            eprintln!(
                "strongroom: expiring: --within {within:?} is not a duration (e.g. 1h, 24h, 7d)"
            );
            return 1;
        }
    };
    let Some(addr) = profile.addrs.first() else {
        eprintln!("strongroom: expiring: no address configured");
        return 1;
    };
    let settings = ClientSettings {
        timeout: REQUEST_TIMEOUT,
        ..ClientSettings::from_profile(profile)
    };
    let client = match VaultClient::build_http(&settings) {
        Ok(http) => VaultClient::new(http, addr, Arc::new(settings)),
        Err(e) => {
            eprintln!("strongroom: expiring: {}", sanitize(&e.to_string()));
            return 1;
        }
    };
    let got = collect(&client, rotation).await;
    let now = Utc::now();
    let items = got.radar.in_window(now, window);
    let mut failed = false;
    for (k, s) in &got.sources {
        match &s.state {
            SourceState::Denied => eprintln!(
                "strongroom: expiring: warning: permission denied for {} (not counted)",
                k.source_label()
            ),
            SourceState::Failed(e) => {
                failed = true;
                eprintln!(
                    "strongroom: expiring: {}: {}",
                    k.source_label(),
                    sanitize(e)
                );
            }
            _ if !s.note.is_empty() => eprintln!(
                "strongroom: expiring: {}: {}",
                k.source_label(),
                sanitize(&s.note)
            ),
            _ => {}
        }
    }
    match format {
        ExpiringFormat::Plain => {
            for it in &items {
                println!("{}", plain_line(it, now));
            }
        }
        ExpiringFormat::Json => {
            let report = JsonReport {
                now: now.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
                within_secs: window.duration().as_secs(),
                count: items.len(),
                items: items
                    .iter()
                    .map(|it| {
                        let left = it.left(now).unwrap_or(0);
                        JsonItem {
                            kind: it.kind.name(),
                            id: it.id.clone(),
                            name: it.name.clone(),
                            mount: it.mount.clone(),
                            role: it.role.clone(),
                            expires_at: it
                                .expires_at
                                .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
                                .unwrap_or_default(),
                            seconds_left: left,
                            overdue: left < 0,
                        }
                    })
                    .collect(),
                sources: got
                    .sources
                    .iter()
                    .map(|(k, s)| JsonSource {
                        source: k.source_label(),
                        state: state_name(&s.state),
                        loaded: s.loaded,
                        note: s.note.clone(),
                        error: match &s.state {
                            SourceState::Failed(e) => Some(e.clone()),
                            _ => None,
                        },
                    })
                    .collect(),
            };
            match serde_json::to_string_pretty(&report) {
                Ok(text) => println!("{text}"),
                Err(e) => {
                    eprintln!("strongroom: expiring: {e}");
                    return 1;
                }
            }
        }
    }
    if failed {
        1
    } else if items.is_empty() {
        0
    } else {
        EXIT_EXPIRING
    }
}
