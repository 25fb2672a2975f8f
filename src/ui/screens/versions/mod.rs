//! The versions screen of a KV v2 secret: the version list from the metadata (created, deleted,
//! destroyed, current) with the secret's settings; one version's field names with values masked
//! (a `Read` of that version only when the user reveals); a diff of two versions (names from
//! `subkeys`, values only when the user asks to compare); rollback, soft-delete, undelete,
//! destroy, delete-all and a settings form, every write through the gate.

mod actions;
mod detail_view;
mod form;
mod replies;
mod view;

pub use actions::hints;
pub use form::{SettingsForm, parse_custom, valid_duration};
pub use view::VersionsView;

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};

use crate::remote::Remote;
use crate::ui::screens::Screen;
use crate::vault::models::kv_diff::{self, Change, FieldDiff};
use crate::vault::models::kv_secret::{KvMetadata, SecretFields, Subkeys, VersionMeta};

/// Open the versions of `mount` (`secret/`) + `path` (`apps/x`) on the node at `addr`.
pub fn versions_screen(addr: String, mount: String, path: String) -> Screen {
    Screen::Versions(VersionsScreen::new(addr, mount, path))
}

/// Open the versions of a full path (`secret/apps/x`): the mount is found from the mount list
/// first.
pub fn versions_screen_for(addr: String, full_path: String) -> Screen {
    let mut s = VersionsScreen::new(addr, String::new(), String::new());
    s.resolving = Some(full_path.trim_matches('/').to_string());
    Screen::Versions(s)
}

/// Which values of a version are shown.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Shown {
    #[default]
    None,
    Some(BTreeSet<String>),
    All,
}

impl Shown {
    pub fn shows(&self, name: &str) -> bool {
        match self {
            Shown::None => false,
            Shown::Some(s) => s.contains(name),
            Shown::All => true,
        }
    }

    /// Show or mask one field.
    pub fn toggle(&mut self, name: &str, all: &[String]) {
        let mut set: BTreeSet<String> = match std::mem::take(self) {
            Shown::None => BTreeSet::new(),
            Shown::Some(s) => s,
            Shown::All => all.iter().cloned().collect(),
        };
        if !set.remove(name) {
            set.insert(name.to_string());
        }
        *self = if set.is_empty() {
            Shown::None
        } else {
            Shown::Some(set)
        };
    }
}

/// One version opened: names from `subkeys`, values only after a reveal.
#[derive(Debug, Clone, PartialEq)]
pub struct VersionDetail {
    pub version: u64,
    pub names: Remote<Subkeys>,
    /// The values, read on the first reveal; dropped when the version is left.
    pub values: Remote<SecretFields>,
    pub shown: Shown,
    pub selected: usize,
}

impl VersionDetail {
    pub fn field_names(&self) -> Vec<String> {
        match (self.values.value(), self.names.value()) {
            (Some(v), _) => v.keys().cloned().collect(),
            (None, Some(n)) => n.keys.iter().map(|(k, _)| k.clone()).collect(),
            (None, None) => Vec::new(),
        }
    }
}

/// Two versions side by side: names first, values when the user asks to compare.
#[derive(Debug, Clone, PartialEq)]
pub struct DiffDetail {
    pub old: u64,
    pub new: u64,
    pub old_names: Remote<Subkeys>,
    pub new_names: Remote<Subkeys>,
    pub old_values: Remote<SecretFields>,
    pub new_values: Remote<SecretFields>,
    pub shown: Shown,
    pub selected: usize,
}

/// A row of a diff: from names only, `Change::Same` of a field in both versions means "not
/// compared" until the values are read (`compared` says which).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffRow {
    pub field: FieldDiff,
    pub compared: bool,
}

impl DiffDetail {
    /// Both versions' values are in.
    pub fn compared(&self) -> bool {
        self.old_values.value().is_some() && self.new_values.value().is_some()
    }

    pub fn rows(&self) -> Vec<DiffRow> {
        if let (Some(o), Some(n)) = (self.old_values.value(), self.new_values.value()) {
            return kv_diff::diff(o, n)
                .into_iter()
                .map(|field| DiffRow {
                    field,
                    compared: true,
                })
                .collect();
        }
        let (Some(o), Some(n)) = (self.old_names.value(), self.new_names.value()) else {
            return Vec::new();
        };
        let old: BTreeSet<&String> = o.keys.iter().map(|(k, _)| k).collect();
        let new: BTreeSet<&String> = n.keys.iter().map(|(k, _)| k).collect();
        old.union(&new)
            .map(|name| {
                let change = match (old.contains(name), new.contains(name)) {
                    (true, false) => Change::Removed,
                    (false, true) => Change::Added,
                    _ => Change::Same,
                };
                DiffRow {
                    field: FieldDiff {
                        name: (*name).clone(),
                        change,
                    },
                    compared: change != Change::Same,
                }
            })
            .collect()
    }
}

/// What the screen shows.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Pane {
    #[default]
    List,
    Version(Box<VersionDetail>),
    Diff(Box<DiffDetail>),
    Settings(Box<SettingsForm>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct VersionsScreen {
    pub addr: String,
    /// `secret/` (empty while the mount is being found).
    pub mount: String,
    /// `apps/x`, relative to the mount.
    pub path: String,
    /// A full path given to `:versions`, while the mount list is asked for.
    pub resolving: Option<String>,
    pub meta: Remote<KvMetadata>,
    /// Index in [`VersionsScreen::rows`] (newest first).
    selected: usize,
    /// Versions marked for a diff or a write on several.
    pub marked: BTreeSet<u64>,
    pub pane: Pane,
    /// Capabilities of the token on the API paths, when known.
    pub caps: BTreeMap<String, Vec<String>>,
    /// A version a write made: selected when the metadata comes back.
    pub follow: Option<u64>,
}

impl VersionsScreen {
    pub fn new(addr: String, mount: String, path: String) -> VersionsScreen {
        let mount = if mount.is_empty() {
            mount
        } else {
            format!("{}/", mount.trim_matches('/'))
        };
        VersionsScreen {
            addr,
            mount,
            path: path.trim_matches('/').to_string(),
            resolving: None,
            meta: Remote::NotAsked,
            selected: 0,
            marked: BTreeSet::new(),
            pane: Pane::List,
            caps: BTreeMap::new(),
            follow: None,
        }
    }

    /// "secret/apps/x".
    pub fn full_path(&self) -> String {
        match &self.resolving {
            Some(p) => p.clone(),
            None => format!("{}{}", self.mount, self.path),
        }
    }

    /// The versions, newest first.
    pub fn rows(&self) -> Vec<&VersionMeta> {
        self.meta
            .value()
            .map(|m| m.versions.values().rev().collect())
            .unwrap_or_default()
    }

    pub fn selected(&self) -> usize {
        self.selected.min(self.rows().len().saturating_sub(1))
    }

    pub fn selected_version(&self) -> Option<u64> {
        self.rows().get(self.selected()).map(|v| v.version)
    }

    pub fn select_version(&mut self, n: u64) {
        if let Some(i) = self.rows().iter().position(|v| v.version == n) {
            self.selected = i;
        }
    }

    pub(crate) fn move_selection(&mut self, delta: isize) {
        let n = self.rows().len();
        self.selected = if n == 0 {
            0
        } else {
            self.selected().saturating_add_signed(delta).min(n - 1)
        };
    }

    /// The versions a write acts on: the marked ones, else the selected one.
    pub fn targets(&self) -> Vec<u64> {
        if self.marked.is_empty() {
            self.selected_version().into_iter().collect()
        } else {
            self.marked.iter().copied().collect()
        }
    }

    /// What the token may do on `<mount><kind>/<path>` (unknown: allowed).
    pub fn may(&self, kind: &str, cap: &str) -> bool {
        let api = format!("{}{kind}/{}", self.mount, self.path);
        match self.caps.get(&api) {
            None => true,
            Some(c) => c.iter().any(|x| x == cap || x == "root"),
        }
    }

    /// The actions the token's capabilities rule out, in words ("destroy, settings").
    pub fn denied(&self) -> Vec<&'static str> {
        [
            ("rollback", "data", "update"),
            ("delete", "delete", "update"),
            ("undelete", "undelete", "update"),
            ("destroy", "destroy", "update"),
            ("delete all", "metadata", "delete"),
            ("settings", "metadata", "update"),
        ]
        .into_iter()
        .filter(|(_, kind, cap)| !self.may(kind, cap))
        .map(|(what, _, _)| what)
        .collect()
    }

    /// The time a version's deletion shows: "", a past time, or a future one (live until then).
    pub fn deletion_label(v: &VersionMeta, now: DateTime<Utc>) -> String {
        if v.deletion_time.is_empty() {
            return String::new();
        }
        match DateTime::parse_from_rfc3339(&v.deletion_time) {
            Ok(t) if t.with_timezone(&Utc) > now => {
                format!("scheduled {}", time_label(&v.deletion_time))
            }
            _ => time_label(&v.deletion_time),
        }
    }
}

/// "2026-11-23 10:00:00" from an RFC 3339 time (the text itself, sanitised, if it is not one).
pub fn time_label(s: &str) -> String {
    match DateTime::parse_from_rfc3339(s) {
        Ok(t) => t
            .with_timezone(&Utc)
            .format("%Y-%m-%d %H:%M:%S")
            .to_string(),
        Err(_) => crate::sanitize::sanitize(s).into_owned(),
    }
}
