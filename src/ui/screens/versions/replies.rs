//! What the versions screen asks for when opened, and what it does with the answers: the mount
//! of a `:versions` path, the metadata, the token's capabilities, field names (`subkeys`) and
//! the values read on the user's request; after a write, the metadata again.

use super::{Pane, VersionsScreen};
use crate::command::Request;
use crate::remote::Remote;
use crate::reply::{Reply, WriteOutcome, WriteResult};
use crate::ui::screens::{Effect, ScreenCtx};
use crate::vault::VaultError;
use crate::vault::kv_area::{KvReply, KvRequest};
use crate::vault::models::kv_secret::{SecretData, SecretFields, Subkeys};
use crate::vault::mounts::{MountsReply, MountsRequest};

/// The API kinds whose capabilities decide what is offered.
const CAP_KINDS: [&str; 5] = ["data", "metadata", "delete", "undelete", "destroy"];

impl VersionsScreen {
    /// Opened (or refreshed): find the mount first if needed, then the metadata and what the
    /// token may do.
    pub fn on_open(&mut self, _ctx: &ScreenCtx) -> Vec<Effect> {
        if self.resolving.is_some() {
            self.meta.start_loading();
            return vec![Effect::Fetch {
                what: "mount".into(),
                request: Request::Mounts(MountsRequest::List {
                    addr: self.addr.clone(),
                }),
            }];
        }
        vec![self.fetch_metadata(), self.fetch_caps()]
    }

    fn fetch_metadata(&mut self) -> Effect {
        self.meta.start_loading();
        Effect::Fetch {
            what: "metadata".into(),
            request: Request::Kv(KvRequest::Metadata {
                addr: self.addr.clone(),
                mount: self.mount.clone(),
                path: self.path.clone(),
            }),
        }
    }

    fn fetch_caps(&self) -> Effect {
        Effect::Fetch {
            what: "caps".into(),
            request: Request::Kv(KvRequest::Capabilities {
                addr: self.addr.clone(),
                paths: CAP_KINDS
                    .iter()
                    .map(|k| format!("{}{k}/{}", self.mount, self.path))
                    .collect(),
            }),
        }
    }

    pub fn on_reply(&mut self, reply: Reply, ctx: &ScreenCtx) -> Vec<Effect> {
        match reply {
            Reply::Mounts(MountsReply::List(result)) => self.on_mount(result.ok(), ctx),
            Reply::Kv(KvReply::Metadata { path, result }) if path == self.path => {
                self.meta.apply(result, ctx.now);
                if let Some(n) = self.follow.take() {
                    self.select_version(n);
                }
                Vec::new()
            }
            Reply::Kv(KvReply::Capabilities { result, .. }) => {
                match result {
                    Ok(caps) => self.caps = caps,
                    Err(e) => tracing::debug!(%e, "capabilities unknown: every action offered"),
                }
                Vec::new()
            }
            Reply::Kv(KvReply::Subkeys { path, result }) if path == self.path => {
                self.on_names(result, ctx);
                Vec::new()
            }
            Reply::Kv(KvReply::Read {
                path,
                version,
                tag,
                result,
            }) if path == self.path => {
                self.on_values(version, &tag, result.map(|d: SecretData| d.fields), ctx);
                Vec::new()
            }
            other => {
                tracing::debug!(?other, "versions screen: unexpected reply");
                Vec::new()
            }
        }
    }

    /// The mount list came for a `:versions` path: split it into mount and path.
    fn on_mount(
        &mut self,
        list: Option<crate::vault::models::mounts::MountList>,
        ctx: &ScreenCtx,
    ) -> Vec<Effect> {
        let Some(full) = self.resolving.take() else {
            return Vec::new();
        };
        let found = list.as_ref().and_then(|l| l.secret_mount_for(&full));
        match found {
            Some(m) if m.kv_version.is_some_and(|v| v != 2) => {
                self.mount = m.path.clone();
                self.path = full[m.path.len().min(full.len())..].to_string();
                self.meta.fail(
                    VaultError::Config(format!(
                        "{} is a KV v{} mount: only KV v2 keeps versions",
                        crate::sanitize::sanitize(&m.path),
                        m.kv_version.unwrap_or(1)
                    )),
                    ctx.now,
                );
                return Vec::new();
            }
            Some(m) => {
                self.mount = m.path.clone();
                self.path = full
                    .get(m.path.len()..)
                    .unwrap_or_default()
                    .trim_matches('/')
                    .to_string();
            }
            // No list (a restricted token): the first segment is the mount.
            None => {
                let (m, p) = full.split_once('/').unwrap_or((full.as_str(), ""));
                self.mount = format!("{m}/");
                self.path = p.trim_matches('/').to_string();
            }
        }
        if self.path.is_empty() {
            self.meta.fail(
                VaultError::Config(format!(
                    "{} names a mount, not a secret",
                    crate::sanitize::sanitize(&full)
                )),
                ctx.now,
            );
            return Vec::new();
        }
        self.on_open(ctx)
    }

    /// Field names of a version (for the version view or one side of a diff).
    fn on_names(&mut self, result: Result<Subkeys, VaultError>, ctx: &ScreenCtx) {
        let version = result
            .as_ref()
            .ok()
            .and_then(|s| s.version.as_ref())
            .map(|m| m.version)
            .filter(|n| *n > 0);
        let now = ctx.now;
        match &mut self.pane {
            Pane::Version(d) if version.is_none_or(|v| v == d.version) => {
                d.names.apply(result, now);
            }
            Pane::Diff(d) => {
                let old = version.map_or(d.old_names.is_loading(), |v| v == d.old);
                let new = version.map_or(d.new_names.is_loading(), |v| v == d.new);
                if old {
                    d.old_names.apply(result.clone(), now);
                }
                if new {
                    d.new_names.apply(result, now);
                }
            }
            _ => {}
        }
    }

    /// Values read on the user's request; dropped if the user already left that version.
    fn on_values(
        &mut self,
        version: Option<u64>,
        tag: &str,
        result: Result<SecretFields, VaultError>,
        ctx: &ScreenCtx,
    ) {
        let now = ctx.now;
        let target: Option<&mut Remote<SecretFields>> = match (&mut self.pane, tag) {
            (Pane::Version(d), "version") if version == Some(d.version) => Some(&mut d.values),
            (Pane::Diff(d), "old") if version == Some(d.old) => Some(&mut d.old_values),
            (Pane::Diff(d), "new") if version == Some(d.new) => Some(&mut d.new_values),
            _ => None,
        };
        match target {
            Some(t) if t.is_loading() => t.apply(result, now),
            _ => tracing::debug!(tag, "values for a version no longer open: dropped"),
        }
    }

    /// A write this screen asked for is done: read the metadata again (whatever the outcome:
    /// a check-and-set conflict means someone else wrote).
    pub fn on_write(&mut self, outcome: WriteOutcome, _ctx: &ScreenCtx) -> Vec<Effect> {
        self.marked.clear();
        self.pane = Pane::List;
        self.follow = outcome.items.iter().find_map(|i| match i.result {
            Ok(WriteResult::Version(n)) => Some(n),
            _ => None,
        });
        vec![self.fetch_metadata()]
    }
}
