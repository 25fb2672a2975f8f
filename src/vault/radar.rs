//! The expiry radar's collectors: every lease (`lease_inventory`), every token
//! (`token_inventory`), the certificates of every PKI mount (`certs/detailed`, revoked ones
//! skipped) and the KV v2 secrets with their rotation due time (`detailed-metadata`: one SCAN
//! per mount, else a LIST per folder). The four sources run at the same time, each with
//! bounded concurrency; each reports its own state, so a denied source (403) is shown as
//! denied while the others still load.

use std::time::Instant;

use chrono::{DateTime, Duration as ChronoDuration, Utc};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::VaultClient;
use super::error::VaultError;
use super::inventory::InventoryEvent;
use super::models::kv_secret::{KvMetadata, VersionState};
use super::models::leases::LeaseInfo;
use super::models::mounts::{MountKind, MountList};
use super::models::tokens::TokenInfo;
use crate::jobs::{JobEvent, JobProgress, JobReport, Throttle};
use crate::radar::{CertDetail, ItemKind, RadarItem, RotationPolicy};
use crate::sanitize::sanitize;

/// Requests in flight per source (four sources: at most about 32 in all).
pub const SOURCE_CONCURRENCY: usize = 8;
/// Folders listed at most in a KV LIST walk of one mount (when SCAN is not allowed).
pub const MAX_KV_LISTS: usize = 100_000;

/// Where one source is.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum SourceState {
    #[default]
    Waiting,
    Loading,
    Done,
    /// The token may not read it (403): nothing from this source.
    Denied,
    /// Failed otherwise (sanitised message).
    Failed(String),
}

/// A source's state and counters.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SourceStatus {
    pub state: SourceState,
    /// Items found so far.
    pub loaded: u64,
    /// Items known to exist (lookups to make), when known.
    pub found: u64,
    /// A short remark: "2 mounts denied", "no PKI mount".
    pub note: String,
}

/// What the radar job reports: one source's state, with a batch of its items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RadarUpdate {
    pub kind: ItemKind,
    pub status: SourceStatus,
    pub items: Vec<RadarItem>,
}

type Tx = mpsc::UnboundedSender<RadarUpdate>;

fn state_of(e: &VaultError) -> SourceState {
    match e {
        VaultError::PermissionDenied { .. } => SourceState::Denied,
        other => SourceState::Failed(sanitize(&other.to_string()).into_owned()),
    }
}

fn send(tx: &Tx, kind: ItemKind, status: &SourceStatus, items: Vec<RadarItem>) {
    // The receiver only goes when the job is dropped: nothing to tell then.
    let _ = tx.send(RadarUpdate {
        kind,
        status: status.clone(),
        items,
    });
}

/// A lease as a radar item (its mount and prefix for the counts).
pub fn lease_item(l: LeaseInfo) -> RadarItem {
    let name = l.id.rsplit('/').next().unwrap_or_default().to_string();
    RadarItem {
        kind: ItemKind::Lease,
        mount: RadarItem::lease_mount(&l.id),
        role: l.prefix().to_string(),
        name,
        expires_at: l.expire_time,
        id: l.id,
        cert: None,
    }
}

/// A token as a radar item: by accessor, grouped by its creation path (role).
pub fn token_item(t: TokenInfo) -> RadarItem {
    let mount = RadarItem::lease_mount(&format!("{}/", t.path.trim_end_matches('/')));
    RadarItem {
        kind: ItemKind::Token,
        id: t.accessor,
        name: t.display_name,
        mount,
        role: t.path,
        expires_at: t.expire_time,
        cert: None,
    }
}

/// A secret's rotation due time: its current version's creation plus the rotation age.
/// `None` when it has no live current version (deleted, destroyed) or no readable time.
pub fn kv_item(
    mount: &str,
    rel: &str,
    meta: &KvMetadata,
    policy: &RotationPolicy,
    now: DateTime<Utc>,
) -> Option<RadarItem> {
    let v = meta.versions.get(&meta.current_version)?;
    if v.state(now) != VersionState::Live {
        return None;
    }
    let created = DateTime::parse_from_rfc3339(&v.created_time)
        .ok()?
        .with_timezone(&Utc);
    let path = format!("{mount}{rel}");
    let (age, prefix) = policy.age_for(&path);
    let due = created + ChronoDuration::seconds(i64::try_from(age.as_secs()).ok()?);
    Some(RadarItem {
        kind: ItemKind::KvRotation,
        name: format!("{path} (v{})", meta.current_version),
        mount: mount.to_string(),
        role: if prefix.is_empty() {
            "default".into()
        } else {
            prefix.to_string()
        },
        id: path,
        expires_at: Some(due),
        cert: None,
    })
}

/// Reports one source: item batches at once, progress coalesced, the end state last.
struct Reporter {
    kind: ItemKind,
    tx: Tx,
    status: SourceStatus,
    throttle: Throttle<()>,
}

impl Reporter {
    fn new(kind: ItemKind, tx: Tx) -> Reporter {
        let r = Reporter {
            kind,
            tx,
            status: SourceStatus {
                state: SourceState::Loading,
                ..SourceStatus::default()
            },
            throttle: Throttle::default(),
        };
        send(&r.tx, kind, &r.status, Vec::new());
        r
    }

    fn items(&mut self, items: Vec<RadarItem>) {
        self.status.loaded += items.len() as u64;
        self.status.found = self.status.found.max(self.status.loaded);
        send(&self.tx, self.kind, &self.status, items);
    }

    fn progress(&mut self, loaded: u64, found: u64) {
        self.status.found = found.max(self.status.loaded);
        let _ = loaded;
        if self.throttle.offer((), Instant::now()).is_some() {
            send(&self.tx, self.kind, &self.status, Vec::new());
        }
    }

    fn finish(mut self, state: SourceState) {
        self.status.state = state;
        send(&self.tx, self.kind, &self.status, Vec::new());
    }
}

async fn leases(client: &VaultClient, cancel: &CancellationToken, tx: Tx) {
    let mut r = Reporter::new(ItemKind::Lease, tx);
    let result = {
        let mut out = |e: InventoryEvent<LeaseInfo>| match e {
            InventoryEvent::Items(b) => r.items(b.into_iter().map(lease_item).collect()),
            InventoryEvent::Progress(p) => r.progress(p.loaded, p.found),
        };
        super::leases::lease_inventory(client, "", SOURCE_CONCURRENCY, cancel, &mut out).await
    };
    finish_inventory(r, result);
}

async fn tokens(client: &VaultClient, cancel: &CancellationToken, tx: Tx) {
    let mut r = Reporter::new(ItemKind::Token, tx);
    let result = {
        let mut out = |e: InventoryEvent<TokenInfo>| match e {
            InventoryEvent::Items(b) => r.items(b.into_iter().map(token_item).collect()),
            InventoryEvent::Progress(p) => r.progress(p.loaded, p.found),
        };
        super::tokens::token_inventory(client, SOURCE_CONCURRENCY, cancel, &mut out).await
    };
    finish_inventory(r, result);
}

fn finish_inventory(
    mut r: Reporter,
    result: Result<super::inventory::InventorySummary, VaultError>,
) {
    match result {
        Ok(s) => {
            let p = s.progress;
            let mut notes = Vec::new();
            if p.gone > 0 {
                notes.push(format!("{} gone", p.gone));
            }
            if p.failed > 0 {
                notes.push(format!("{} failed", p.failed));
            }
            if s.cancelled {
                notes.push("cancelled".into());
            }
            r.status.found = p.found;
            r.status.note = notes.join(" · ");
            r.finish(SourceState::Done);
        }
        Err(e) => {
            let state = state_of(&e);
            r.finish(state);
        }
    }
}

/// The mounts of a type (`pki`, or KV version 2) from the mount list.
fn mounts_of(list: &MountList, pki: bool) -> Vec<String> {
    list.mounts
        .iter()
        .filter(|m| m.kind == MountKind::Secret)
        .filter(|m| {
            if pki {
                m.mount_type == "pki"
            } else {
                m.kv_version == Some(2)
            }
        })
        .map(|m| m.path.clone())
        .collect()
}

/// Per-mount outcome counts of a source that walks mounts.
#[derive(Default)]
struct MountTally {
    denied: u64,
    failed: Vec<String>,
    ok: u64,
}

impl MountTally {
    fn end(self, r: Reporter, none_label: &str) {
        let mut r = r;
        let total = self.denied + self.failed.len() as u64 + self.ok;
        let mut notes = Vec::new();
        if total == 0 {
            notes.push(none_label.to_string());
        }
        if self.denied > 0 {
            notes.push(format!("{} of {total} mounts denied", self.denied));
        }
        if let Some(f) = self.failed.first() {
            notes.push(format!("{} failed: {f}", self.failed.len()));
        }
        r.status.note = notes.join(" · ");
        let state = if total > 0 && self.denied == total {
            SourceState::Denied
        } else if total > 0 && self.ok == 0 && !self.failed.is_empty() {
            SourceState::Failed(self.failed.first().cloned().unwrap_or_default())
        } else {
            SourceState::Done
        };
        r.finish(state);
    }

    fn fail(&mut self, mount: &str, e: &VaultError) {
        match state_of(e) {
            SourceState::Denied => self.denied += 1,
            _ => self
                .failed
                .push(format!("{mount}: {}", sanitize(&e.to_string()))),
        }
    }
}

async fn certificates(
    client: &VaultClient,
    mounts: &Result<MountList, VaultError>,
    cancel: &CancellationToken,
    tx: Tx,
) {
    let r = Reporter::new(ItemKind::Certificate, tx);
    let list = match mounts {
        Ok(l) => l,
        Err(e) => return r.finish(state_of(e)),
    };
    let mut r = r;
    let mut tally = MountTally::default();
    for mount in mounts_of(list, true) {
        if cancel.is_cancelled() {
            break;
        }
        let (certs, revoked) = tokio::join!(
            client.pki_certs_detailed(&mount),
            client.pki_revoked(&mount)
        );
        let certs = match certs {
            Ok(c) => Ok(c),
            Err(e) if super::pki_pem::no_detailed_list(&e) => client.pki_certs_by_pem(&mount).await,
            Err(e) => Err(e),
        };
        let certs = match certs {
            Ok(c) => c,
            Err(e) => {
                tally.fail(&mount, &e);
                continue;
            }
        };
        // A token that may list certificates but not the revoked ones still sees them all.
        let revoked = revoked.unwrap_or_default();
        tally.ok += 1;
        let items = certs
            .into_iter()
            .filter(|(serial, _)| !revoked.contains(serial))
            .map(|(serial, info)| RadarItem {
                kind: ItemKind::Certificate,
                name: info.common_name.clone(),
                mount: mount.clone(),
                role: info.issuer.clone(),
                expires_at: info.not_after,
                cert: Some(CertDetail {
                    serial: serial.clone(),
                    subject: info.common_name,
                    issuer: info.issuer,
                    not_before: info.not_before,
                }),
                id: serial,
            })
            .collect();
        r.items(items);
    }
    tally.end(r, "no PKI mount");
}

/// Every secret of one KV v2 mount with its metadata: one SCAN, else a LIST per folder.
async fn kv_mount(
    client: &VaultClient,
    mount: &str,
    cancel: &CancellationToken,
) -> Result<Vec<(String, KvMetadata)>, VaultError> {
    match client.kv_detailed_metadata(mount, "", true).await {
        Ok(all) => return Ok(all),
        Err(VaultError::PermissionDenied { .. } | VaultError::Http { status: 405, .. }) => {}
        Err(e) => return Err(e),
    }
    let mut out = Vec::new();
    let mut folders = vec![String::new()];
    let mut lists = 0usize;
    while let Some(folder) = folders.pop() {
        if cancel.is_cancelled() || lists >= MAX_KV_LISTS {
            break;
        }
        lists += 1;
        let keys = match client.kv_detailed_metadata(mount, &folder, false).await {
            Ok(k) => k,
            // A denied folder below the top is skipped; the top itself is the mount's answer.
            Err(VaultError::PermissionDenied { .. }) if !folder.is_empty() => continue,
            Err(e) => return Err(e),
        };
        for (k, meta) in keys {
            if k.ends_with('/') {
                folders.push(format!("{folder}{k}"));
            } else {
                out.push((format!("{folder}{k}"), meta));
            }
        }
    }
    Ok(out)
}

async fn kv_rotation(
    client: &VaultClient,
    mounts: &Result<MountList, VaultError>,
    policy: &RotationPolicy,
    cancel: &CancellationToken,
    tx: Tx,
) {
    let r = Reporter::new(ItemKind::KvRotation, tx);
    let list = match mounts {
        Ok(l) => l,
        Err(e) => return r.finish(state_of(e)),
    };
    let mut r = r;
    let mut tally = MountTally::default();
    for mount in mounts_of(list, false) {
        if cancel.is_cancelled() {
            break;
        }
        match kv_mount(client, &mount, cancel).await {
            Ok(all) => {
                tally.ok += 1;
                let now = Utc::now();
                let items = all
                    .iter()
                    .filter_map(|(rel, meta)| kv_item(&mount, rel, meta, policy, now))
                    .collect();
                r.items(items);
            }
            Err(e) => tally.fail(&mount, &e),
        }
    }
    tally.end(r, "no KV v2 mount");
}

/// Run every source (at most [`SOURCE_CONCURRENCY`] requests each), handing updates to
/// `emit` as `JobReport::Radar`; progress is coalesced per source. Returns the last event.
pub async fn run_radar(
    client: &VaultClient,
    policy: &RotationPolicy,
    cancel: &CancellationToken,
    emit: &mut (dyn FnMut(JobEvent) + Send),
) -> JobEvent {
    let (tx, mut rx) = mpsc::unbounded_channel::<RadarUpdate>();
    let collect = {
        let (t1, t2, t3, t4) = (tx.clone(), tx.clone(), tx.clone(), tx);
        async move {
            let mounted = async {
                let list = super::mounts::list_mounts(client).await;
                tokio::join!(
                    certificates(client, &list, cancel, t3),
                    kv_rotation(client, &list, policy, cancel, t4)
                );
            };
            tokio::join!(
                leases(client, cancel, t1),
                tokens(client, cancel, t2),
                mounted
            );
        }
    };
    let mut totals = JobProgress::default();
    let forward = async {
        while let Some(u) = rx.recv().await {
            match &u.status.state {
                SourceState::Done => totals.done += u.items.len() as u64,
                SourceState::Denied => totals.skipped += 1,
                SourceState::Failed(_) => totals.failed += 1,
                _ => totals.done += u.items.len() as u64,
            }
            emit(JobEvent::Report(Box::new(JobReport::Radar(u))));
        }
    };
    tokio::join!(collect, forward);
    JobEvent::Done(totals)
}
