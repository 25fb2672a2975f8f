//! What the editor does: find the mount, read the values, take typed keys, save through the
//! gate with check-and-set, and on a conflict read the newer version and re-apply or discard.

use crossterm::event::KeyEvent;

use super::format::{self, Format};
use super::merge;
use super::{Base, Conflict, ConflictState, EditorScreen, Intent, Newer, Phase};
use crate::action::Action;
use crate::app::ToastLevel;
use crate::command::Request;
use crate::reply::{Reply, WriteOutcome, WriteResult};
use crate::sanitize::sanitize;
use crate::ui::screens::Effect;
use crate::vault::VaultError;
use crate::vault::kv_area::{KvReply, KvRequest};
use crate::vault::models::kv::KvVersion;
use crate::vault::models::kv_secret::{SecretData, SecretFields};
use crate::vault::models::mounts::MountList;
use crate::vault::mounts::{MountsReply, MountsRequest};
use crate::write_gate::kv::KvMutation;
use crate::write_gate::{Mutation, Write};

/// The footer's offer while editing.
pub const HINTS: &[Action] = &[
    Action::Save,
    Action::ToggleFormat,
    Action::Revert,
    Action::Back,
    Action::Help,
];

/// The footer's offer on a conflict.
pub const PROMPT_HINTS: &[Action] = &[Action::Reapply, Action::Discard, Action::Back];
/// The footer's offer on "discard your changes?".
const DISCARD_HINTS: &[Action] = &[Action::Discard, Action::Back];
/// The footer's offer while loading or after a failure.
const BACK_HINTS: &[Action] = &[Action::Back];

const MOUNTS: &str = "mounts";
const READ: &str = "read";
const NEWER: &str = "newer";
/// The `tag` of the reads: what they were for (the audit log sees an honest read on edit).
pub const TAG_EDIT: &str = "edit";
pub const TAG_CONFLICT: &str = "edit conflict";

/// The server's word for a check-and-set refusal (it says so only in its message).
const CAS_MISMATCH: &str = "check-and-set parameter did not match";

/// A write refused because the secret has a newer version than the check-and-set.
pub fn is_cas_conflict(e: &VaultError) -> bool {
    matches!(e, VaultError::Http { status: 400, errors } if errors.iter().any(|m| m.contains(CAS_MISMATCH)))
}

impl EditorScreen {
    /// Just opened: find the mount, or read the values to edit.
    pub fn on_open(&mut self) -> Vec<Effect> {
        match self.phase {
            Phase::Resolving => vec![Effect::Fetch {
                what: MOUNTS.into(),
                request: Request::Mounts(MountsRequest::List {
                    addr: self.addr.clone(),
                }),
            }],
            Phase::Loading => vec![self.read(READ, TAG_EDIT)],
            _ => Vec::new(),
        }
    }

    fn read(&self, what: &str, tag: &str) -> Effect {
        Effect::Fetch {
            what: what.into(),
            request: Request::Kv(KvRequest::Read {
                addr: self.addr.clone(),
                mount: self.mount.clone(),
                kv: self.kv,
                path: self.path.clone(),
                version: None,
                tag: tag.into(),
            }),
        }
    }

    pub fn hints(&self) -> &'static [Action] {
        match self.phase {
            Phase::Editing => HINTS,
            Phase::Conflict(_) => PROMPT_HINTS,
            Phase::AskDiscard => DISCARD_HINTS,
            Phase::Resolving | Phase::Loading | Phase::Failed(_) => BACK_HINTS,
        }
    }

    /// Close the editor, wiping the text first.
    fn close(&mut self) -> Vec<Effect> {
        self.wipe();
        vec![Effect::Close]
    }

    pub fn on_action(&mut self, a: Action) -> Option<Vec<Effect>> {
        match (&self.phase, a) {
            (Phase::Editing, Action::Save) => Some(self.save()),
            (Phase::Editing, Action::ToggleFormat) => {
                self.toggle_format();
                Some(Vec::new())
            }
            (Phase::Editing, Action::Revert) => {
                self.revert();
                Some(Vec::new())
            }
            (Phase::Editing, Action::Back) if self.dirty => {
                self.phase = Phase::AskDiscard;
                Some(Vec::new())
            }
            (Phase::AskDiscard | Phase::Conflict(_), Action::Back) => {
                self.phase = Phase::Editing;
                Some(Vec::new())
            }
            (Phase::Conflict(_), Action::Reapply) => {
                self.reapply();
                Some(Vec::new())
            }
            (_, Action::Back | Action::Discard) => Some(self.close()),
            _ => None,
        }
    }

    /// A typed key for the text area (only while editing).
    pub fn on_text_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        if self.phase == Phase::Editing && self.buffer.input(key) {
            self.touched();
        }
        Vec::new()
    }

    /// Pasted text (only while editing); true when it was taken.
    pub fn on_paste(&mut self, text: &str) -> bool {
        if self.phase != Phase::Editing {
            return false;
        }
        if self.buffer.paste(text) {
            self.touched();
        }
        true
    }

    fn touched(&mut self) {
        self.dirty = true;
        self.error = None;
        self.note = None;
    }

    fn parse(&mut self) -> Option<SecretFields> {
        match self.buffer.with_lines(|l| format::parse(l, self.format)) {
            Ok(f) => {
                self.error = None;
                Some(f)
            }
            Err(e) => {
                self.buffer.go_to_line(e.line);
                self.error = Some(e);
                None
            }
        }
    }

    fn save(&mut self) -> Vec<Effect> {
        let Some(fields) = self.parse() else {
            return Vec::new();
        };
        if self.intent == Intent::Edit && !self.base.deleted && fields == self.base.fields {
            self.note = Some("no changes to save".into());
            return Vec::new();
        }
        self.pending = Some(fields.clone());
        self.note = Some(match self.cas() {
            Some(0) => "saving: check-and-set 0 (it must not exist yet)".into(),
            Some(v) => format!("saving on v{v} (check-and-set)"),
            None => "saving".into(),
        });
        vec![Effect::Write(Write::One(Mutation::Kv(KvMutation::Write {
            addr: self.addr.clone(),
            mount: self.mount.clone(),
            kv: self.kv,
            path: self.path.clone(),
            fields,
            cas: self.cas(),
        })))]
    }

    fn toggle_format(&mut self) {
        if let Some(fields) = self.parse() {
            self.format = self.format.other();
            self.buffer.replace(format::to_lines(&fields, self.format));
            self.note = Some(format!("now {}", self.format.label()));
        }
    }

    fn revert(&mut self) {
        self.buffer
            .replace(format::to_lines(&self.base.fields, self.format));
        self.dirty = false;
        self.error = None;
        self.note = Some("reverted to the loaded values".into());
    }

    fn reapply(&mut self) {
        let Phase::Conflict(c) = &self.phase else {
            return;
        };
        let ConflictState::Ready(n) = &c.newer else {
            return;
        };
        let merged = merge::reapply(&self.base.fields, &c.mine, &n.fields);
        let version = n.version;
        self.base = Base {
            fields: n.fields.clone(),
            version: Some(version),
            deleted: false,
        };
        self.buffer.replace(format::to_lines(&merged, self.format));
        self.intent = Intent::Edit;
        self.phase = Phase::Editing;
        self.dirty = true;
        self.error = None;
        self.note = Some(format!(
            "your edit is re-applied on v{version}: review it and save"
        ));
    }

    pub fn on_reply(&mut self, reply: Reply) -> Vec<Effect> {
        match reply {
            Reply::Mounts(MountsReply::List(result)) if self.phase == Phase::Resolving => {
                self.resolved(result)
            }
            Reply::Kv(KvReply::Read { tag, result, .. }) => match tag.as_str() {
                TAG_EDIT if self.phase == Phase::Loading => {
                    self.loaded(result);
                    Vec::new()
                }
                TAG_CONFLICT => {
                    self.newer_loaded(result);
                    Vec::new()
                }
                _ => Vec::new(),
            },
            other => {
                tracing::debug!(?other, "editor: unexpected reply");
                Vec::new()
            }
        }
    }

    /// The mounts list: which mount holds the path, and its KV version.
    fn resolved(&mut self, result: Result<MountList, VaultError>) -> Vec<Effect> {
        let full = self.path.clone();
        match result {
            Ok(list) => match list.secret_mount_for(&full) {
                Some(m) => match m.kv_version.and_then(KvVersion::from_number) {
                    Some(kv) => {
                        self.kv = kv;
                        self.mount = m.path.clone();
                    }
                    None => {
                        self.phase = Phase::Failed(VaultError::Config(format!(
                            "{} is a {} engine, not KV",
                            sanitize(&m.path),
                            sanitize(&m.mount_type)
                        )));
                        return Vec::new();
                    }
                },
                None => {
                    self.phase = Phase::Failed(VaultError::NotFound {
                        errors: vec![format!(
                            "no secret engine holds {}",
                            sanitize(full.trim_matches('/'))
                        )],
                    });
                    return Vec::new();
                }
            },
            Err(e) => {
                // The token cannot list mounts: take the first segment as a KV v2 mount.
                let first = full.split('/').next().unwrap_or_default();
                self.mount = format!("{first}/");
                self.kv = KvVersion::V2;
                self.note = Some(format!(
                    "could not list the mounts ({e}): taking {} as a KV v2 mount",
                    sanitize(&self.mount)
                ));
            }
        }
        self.path = full
            .strip_prefix(self.mount.as_str())
            .unwrap_or_default()
            .trim_matches('/')
            .to_string();
        if self.path.is_empty() {
            self.phase = Phase::Failed(VaultError::Config(format!(
                "name a secret under {} (e.g. {}app)",
                sanitize(&self.mount),
                sanitize(&self.mount)
            )));
            return Vec::new();
        }
        match self.intent {
            Intent::Edit => {
                self.phase = Phase::Loading;
                vec![self.read(READ, TAG_EDIT)]
            }
            Intent::New => {
                self.base.version = (self.kv == KvVersion::V2).then_some(0);
                self.phase = Phase::Editing;
                Vec::new()
            }
        }
    }

    fn loaded(&mut self, result: Result<SecretData, VaultError>) {
        let data = match result {
            Ok(d) => d,
            Err(e) => {
                self.phase = Phase::Failed(e);
                return;
            }
        };
        let version = data.version.as_ref().map(|v| v.version);
        if self.kv == KvVersion::V2 && version.is_none() {
            self.phase = Phase::Failed(VaultError::Decode(
                "the server did not say which version it read (no check-and-set possible)".into(),
            ));
            return;
        }
        self.base = Base {
            deleted: data
                .version
                .as_ref()
                .is_some_and(|v| v.destroyed || !v.deletion_time.is_empty())
                && data.fields.is_empty(),
            fields: data.fields,
            version,
        };
        self.buffer
            .replace(format::to_lines(&self.base.fields, self.format));
        self.dirty = false;
        self.phase = Phase::Editing;
        if self.base.deleted {
            self.note = Some(format!(
                "v{} is deleted: saving writes a new version",
                version.unwrap_or_default()
            ));
        }
    }

    fn newer_loaded(&mut self, result: Result<SecretData, VaultError>) {
        let base = &self.base.fields;
        let Phase::Conflict(c) = &mut self.phase else {
            return;
        };
        c.newer = match result {
            Ok(data) => {
                let version = data.version.as_ref().map_or(0, |v| v.version);
                let (theirs, both) = merge::conflict_of(base, &c.mine, &data.fields);
                ConflictState::Ready(Newer {
                    fields: data.fields,
                    version,
                    theirs,
                    both,
                })
            }
            Err(e) => ConflictState::Failed(e),
        };
    }

    /// The outcome of a save.
    pub fn on_write(&mut self, outcome: WriteOutcome) -> Vec<Effect> {
        let Some(item) = outcome.items.into_iter().next() else {
            return Vec::new();
        };
        let path = sanitize(&self.full_path()).into_owned();
        match item.result {
            Ok(r) => {
                let text = match r {
                    WriteResult::Version(n) => format!("saved {path} as v{n}"),
                    _ => format!("saved {path}"),
                };
                let mut out = vec![Effect::Toast(text, ToastLevel::Info)];
                out.extend(self.close());
                out
            }
            Err(e) if is_cas_conflict(&e) => {
                let mine = match self.pending.take() {
                    Some(m) => m,
                    None => match self.parse() {
                        Some(m) => m,
                        None => return Vec::new(),
                    },
                };
                self.phase = Phase::Conflict(Box::new(Conflict {
                    mine,
                    newer: ConflictState::Loading,
                }));
                self.note = None;
                vec![self.read(NEWER, TAG_CONFLICT)]
            }
            Err(e) => {
                self.pending = None;
                self.note = Some(format!("save failed: {e}"));
                Vec::new()
            }
        }
    }

    /// The format shown in the title.
    pub fn format(&self) -> Format {
        self.format
    }
}
