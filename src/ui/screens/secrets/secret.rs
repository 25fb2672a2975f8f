//! The secret view: field names from `subkeys` (KV v2) with masked values; the secret's
//! metadata; what the token may do (`sys/capabilities-self`). A value is read only when the user
//! reveals or copies it, and only the revealed field is kept; every value is dropped (zeroized)
//! when the view is left or another screen opens on top of it.

use std::collections::BTreeMap;

use super::{cli, copy_text, links};
use crate::action::Action;
use crate::app::ToastLevel;
use crate::command::Request;
use crate::remote::Remote;
use crate::reply::{Reply, WriteOutcome};
use crate::sanitize::sanitize;
use crate::ui::screens::{Effect, ScreenCtx};
use crate::vault::VaultError;
use crate::vault::kv_area::{KvReply, KvRequest};
use crate::vault::kv_secret::api_path;
use crate::vault::models::kv::{Capabilities, KvVersion};
use crate::vault::models::kv_secret::{KvMetadata, SecretData, SecretField, Subkeys, VersionState};
use crate::write_gate::kv::KvMutation;
use crate::write_gate::{Mutation, Write};

/// The footer's offer on a secret.
pub const SECRET_HINTS: &[Action] = &[
    Action::Help,
    Action::Reveal,
    Action::CopyValue,
    Action::Edit,
    Action::Versions,
    Action::Share,
    Action::CopyCli,
    Action::Back,
];

#[derive(Debug, Clone, PartialEq)]
pub struct SecretView {
    pub mount: String,
    pub kv: KvVersion,
    /// Relative to the mount.
    pub path: String,
    pub subkeys: Remote<Subkeys>,
    pub metadata: Remote<KvMetadata>,
    pub caps: Remote<Capabilities>,
    /// The values the user revealed, and only those.
    pub revealed: BTreeMap<String, SecretField>,
    /// Names learned from a read, where subkeys gave none (KV v1, or subkeys denied).
    pub read_names: Option<Vec<String>>,
    /// The read in flight (its tag).
    pub pending: Option<String>,
    selected: usize,
    filter: String,
}

/// What a capability check says about one action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Allowed {
    Yes,
    No,
    /// Not known (yet, or the check failed): the server decides.
    Unknown,
}

impl SecretView {
    pub fn new(mount: &str, kv: KvVersion, path: &str) -> SecretView {
        let mut mount = mount.trim_start_matches('/').to_string();
        if !mount.ends_with('/') {
            mount.push('/');
        }
        SecretView {
            mount,
            kv,
            path: path.trim_start_matches('/').to_string(),
            subkeys: Remote::NotAsked,
            metadata: Remote::NotAsked,
            caps: Remote::NotAsked,
            revealed: BTreeMap::new(),
            read_names: None,
            pending: None,
            selected: 0,
            filter: String::new(),
        }
    }

    /// `secret/apps/x`.
    pub fn full_path(&self) -> String {
        format!("{}{}", self.mount, self.path)
    }

    /// The field names (with whether each is a nested object), filtered.
    pub fn names(&self) -> Vec<(String, bool)> {
        let all: Vec<(String, bool)> = match self.subkeys.value() {
            Some(sub) if self.kv == KvVersion::V2 => sub.keys.clone(),
            _ => self
                .read_names
                .as_ref()
                .map(|n| n.iter().map(|k| (k.clone(), false)).collect())
                .unwrap_or_default(),
        };
        let f = self.filter.to_lowercase();
        all.into_iter()
            .filter(|(k, _)| f.is_empty() || sanitize(k).to_lowercase().contains(&f))
            .collect()
    }

    pub fn selected(&self) -> usize {
        self.selected.min(self.names().len().saturating_sub(1))
    }

    pub fn selected_name(&self) -> Option<String> {
        self.names().get(self.selected()).map(|(k, _)| k.clone())
    }

    pub fn filter(&self) -> &str {
        &self.filter
    }

    pub fn set_filter(&mut self, f: String) {
        if f != self.filter {
            self.filter = f;
            self.selected = 0;
        }
    }

    /// Where the newest version stands (v2, once known).
    pub fn newest_state(&self, now: chrono::DateTime<chrono::Utc>) -> Option<VersionState> {
        self.subkeys
            .value()
            .and_then(|s| s.version.as_ref())
            .map(|v| v.state(now))
    }

    fn data_api(&self) -> String {
        api_path(&self.mount, self.kv, "data", &self.path)
    }

    /// May the token do `cap` on the secret's data (or metadata) path?
    pub fn allowed(&self, cap: &str, on_metadata: bool) -> Allowed {
        let Some(caps) = self.caps.value() else {
            return Allowed::Unknown;
        };
        let api = if on_metadata {
            api_path(&self.mount, self.kv, "metadata", &self.path)
        } else {
            self.data_api()
        };
        match caps.get(&api) {
            Some(c) if c.iter().any(|x| x == "root" || x == cap) => Allowed::Yes,
            Some(_) => Allowed::No,
            None => Allowed::Unknown,
        }
    }

    fn refused(&self, what: &str, cap: &str, on_metadata: bool) -> Option<Vec<Effect>> {
        (self.allowed(cap, on_metadata) == Allowed::No).then(|| {
            vec![Effect::Toast(
                format!(
                    "your token may not {what} {} (no {cap} capability)",
                    sanitize(&self.full_path())
                ),
                ToastLevel::Warn,
            )]
        })
    }

    pub fn on_open(&mut self, ctx: &ScreenCtx) -> Vec<Effect> {
        let Some(addr) = ctx.cluster.api_addr() else {
            return vec![Effect::Toast("no node to ask".into(), ToastLevel::Warn)];
        };
        let mut paths = vec![self.data_api()];
        if self.kv == KvVersion::V2 {
            paths.push(api_path(&self.mount, self.kv, "metadata", &self.path));
        }
        self.caps.start_loading();
        let mut out = vec![Effect::Fetch {
            what: format!("caps {}", self.full_path()),
            request: Request::Kv(KvRequest::Capabilities {
                addr: addr.clone(),
                paths,
            }),
        }];
        if self.kv == KvVersion::V2 {
            self.subkeys.start_loading();
            self.metadata.start_loading();
            out.push(Effect::Fetch {
                what: format!("subkeys {}", self.full_path()),
                request: Request::Kv(KvRequest::Subkeys {
                    addr: addr.clone(),
                    mount: self.mount.clone(),
                    path: self.path.clone(),
                    version: None,
                }),
            });
            out.push(Effect::Fetch {
                what: format!("metadata {}", self.full_path()),
                request: Request::Kv(KvRequest::Metadata {
                    addr,
                    mount: self.mount.clone(),
                    path: self.path.clone(),
                }),
            });
        }
        out
    }

    /// Ask for the values; `tag` says what for.
    fn read(&mut self, tag: String, ctx: &ScreenCtx) -> Vec<Effect> {
        if let Some(e) = self.refused("read", "read", false) {
            return e;
        }
        let Some(addr) = ctx.cluster.api_addr() else {
            return vec![Effect::Toast("no node to ask".into(), ToastLevel::Warn)];
        };
        self.pending = Some(tag.clone());
        vec![Effect::Fetch {
            what: format!("read {}", self.full_path()),
            request: Request::Kv(KvRequest::Read {
                addr,
                mount: self.mount.clone(),
                kv: self.kv,
                path: self.path.clone(),
                version: None,
                tag,
            }),
        }]
    }

    /// Leaving for another screen: values are dropped first.
    fn leave_for(&mut self, effects: Vec<Effect>) -> Vec<Effect> {
        if effects.iter().any(|e| matches!(e, Effect::Open(_))) {
            self.revealed.clear();
            self.pending = None;
        }
        effects
    }

    pub fn on_action(&mut self, a: Action, ctx: &ScreenCtx) -> Option<Vec<Effect>> {
        let n = self.names().len();
        let selected = self.selected_name();
        let addr = ctx.cluster.api_addr();
        let effects = match a {
            Action::Up => {
                self.selected = self.selected().saturating_sub(1);
                Vec::new()
            }
            Action::Down => {
                self.selected = (self.selected() + 1).min(n.saturating_sub(1));
                Vec::new()
            }
            Action::Top => {
                self.selected = 0;
                Vec::new()
            }
            Action::Bottom => {
                self.selected = n.saturating_sub(1);
                Vec::new()
            }
            Action::Refresh => {
                self.revealed.clear();
                self.on_open(ctx)
            }
            Action::Reveal | Action::Select => match selected {
                Some(name) if self.revealed.contains_key(&name) => {
                    self.revealed.remove(&name);
                    Vec::new()
                }
                Some(name) => self.read(format!("reveal:{name}"), ctx),
                // No names known (KV v1, or subkeys denied): one read reveals them all.
                None => self.read("reveal-all".into(), ctx),
            },
            Action::RevealAll => self.read("reveal-all".into(), ctx),
            Action::Hide => {
                self.revealed.clear();
                // A reveal still on its way is not shown when it comes.
                self.pending = None;
                Vec::new()
            }
            Action::CopyValue => match selected {
                Some(name) => self.read(format!("copy:{name}"), ctx),
                None => vec![Effect::Toast(
                    "no field selected (reveal first on KV v1)".into(),
                    ToastLevel::Info,
                )],
            },
            Action::CopyJson => self.read("copy-json".into(), ctx),
            Action::CopyEnv => self.read("copy-env".into(), ctx),
            Action::CopyCli => vec![Effect::copy("bao command", self.cli_line(ctx))],
            Action::Edit => match self.refused("edit", "update", false) {
                Some(e) => e,
                None => addr
                    .map(|a| links::editor_edit(a, &self.mount, self.kv, &self.path))
                    .unwrap_or_default(),
            },
            Action::Versions if self.kv == KvVersion::V1 => vec![Effect::Toast(
                "KV v1 keeps no versions".into(),
                ToastLevel::Info,
            )],
            Action::Versions => match self.refused("read the metadata of", "read", true) {
                Some(e) => e,
                None => addr
                    .map(|a| links::versions(a, &self.mount, &self.path))
                    .unwrap_or_default(),
            },
            Action::Share => match self.refused("read", "read", false) {
                Some(e) => e,
                None => addr
                    .map(|a| links::share(a, &self.mount, self.kv, &self.path, None))
                    .unwrap_or_default(),
            },
            Action::DeleteSecret => self.delete(addr),
            Action::Parent => {
                let folder = match self.path.rfind('/') {
                    Some(i) => &self.path[..=i],
                    None => "",
                };
                vec![Effect::Open(Box::new(crate::ui::screens::Screen::Secrets(
                    super::SecretsScreen::new(&self.mount, self.kv, folder),
                )))]
            }
            _ => return None,
        };
        Some(self.leave_for(effects))
    }

    /// Delete the newest version (v2, undoable) or the secret (v1, typed confirmation).
    fn delete(&self, addr: Option<String>) -> Vec<Effect> {
        if let Some(e) = self.refused("delete", "delete", false) {
            return e;
        }
        let Some(addr) = addr else {
            return Vec::new();
        };
        let versions = match self.kv {
            KvVersion::V1 => Vec::new(),
            KvVersion::V2 => match self.metadata.value() {
                Some(m) if m.current_version > 0 => vec![m.current_version],
                _ => {
                    return vec![Effect::Toast(
                        "the metadata is not loaded yet".into(),
                        ToastLevel::Info,
                    )];
                }
            },
        };
        vec![Effect::Write(Write::One(Mutation::Kv(
            KvMutation::Delete {
                addr,
                mount: self.mount.clone(),
                kv: self.kv,
                path: self.path.clone(),
                versions,
            },
        )))]
    }

    /// The `bao` command for the selected field (or the secret).
    pub fn cli_line(&self, ctx: &ScreenCtx) -> String {
        let field = self.selected_name();
        cli::get(
            &self.mount,
            &self.path,
            field.as_deref(),
            None,
            ctx.namespace,
        )
    }

    pub fn on_reply(&mut self, reply: Reply, ctx: &ScreenCtx) -> Vec<Effect> {
        let Reply::Kv(kv) = reply else {
            return Vec::new();
        };
        match kv {
            KvReply::Subkeys { path, result } if path == self.path => {
                self.subkeys.apply(result, ctx.now);
            }
            KvReply::Metadata { path, result } if path == self.path => {
                self.metadata.apply(result, ctx.now);
            }
            KvReply::Capabilities { result, .. } => self.caps.apply(result, ctx.now),
            KvReply::Read {
                path, tag, result, ..
            } if path == self.path => {
                if self.pending.as_deref() != Some(tag.as_str()) {
                    // Asked before the view was left or re-masked: dropped.
                    return Vec::new();
                }
                self.pending = None;
                return self.on_read(&tag, result, ctx);
            }
            _ => {}
        }
        Vec::new()
    }

    fn on_read(
        &mut self,
        tag: &str,
        result: Result<SecretData, VaultError>,
        ctx: &ScreenCtx,
    ) -> Vec<Effect> {
        let data = match result {
            Ok(d) => d,
            Err(e) => {
                return vec![Effect::Toast(
                    format!("cannot read {}: {e}", sanitize(&self.full_path())),
                    ToastLevel::Error,
                )];
            }
        };
        if let Some(v) = &data.version
            && v.state(ctx.now) != VersionState::Live
        {
            let what = if v.destroyed { "destroyed" } else { "deleted" };
            return vec![Effect::Toast(
                format!(
                    "the newest version (v{}) is {what}: see its versions (v)",
                    v.version
                ),
                ToastLevel::Warn,
            )];
        }
        if self.kv == KvVersion::V1 || self.subkeys.value().is_none() {
            self.read_names = Some(data.fields.keys().cloned().collect());
        }
        let label = sanitize(&self.full_path()).into_owned();
        match tag.split_once(':') {
            Some(("reveal", name)) => {
                match data.fields.get(name) {
                    Some(v) => {
                        self.revealed.insert(name.to_string(), v.clone());
                    }
                    None => {
                        return vec![Effect::Toast(
                            format!("{} has no field {}", label, sanitize(name)),
                            ToastLevel::Warn,
                        )];
                    }
                }
                Vec::new()
            }
            Some(("copy", name)) => match data.fields.get(name) {
                Some(v) => vec![Effect::Copy {
                    label: format!("{} of {label}", sanitize(name)),
                    text: v.value.clone().into(),
                }],
                None => vec![Effect::Toast(
                    format!("{label} has no field {}", sanitize(name)),
                    ToastLevel::Warn,
                )],
            },
            _ => match tag {
                "reveal-all" => {
                    self.revealed = data.fields;
                    Vec::new()
                }
                "copy-json" => vec![Effect::Copy {
                    label: format!("{label} as JSON"),
                    text: copy_text::json_text(&data.fields).into(),
                }],
                "copy-env" => vec![Effect::Copy {
                    label: format!("{label} as KEY=value lines"),
                    text: copy_text::env_lines(&data.fields).into(),
                }],
                _ => Vec::new(),
            },
        }
    }

    /// A write this view asked for (delete) is done: load again.
    pub fn on_write(&mut self, outcome: &WriteOutcome, ctx: &ScreenCtx) -> Vec<Effect> {
        if outcome.failed() > 0 {
            return Vec::new();
        }
        self.revealed.clear();
        self.on_open(ctx)
    }
}
