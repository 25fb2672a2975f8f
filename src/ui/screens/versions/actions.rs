//! What the user does on the versions screen: move, mark, open a version, reveal (a read of
//! that version, only then), diff, and the writes (rollback, delete, undelete, destroy,
//! delete-all, settings), each one `Effect::Write` through the gate.

use super::{DiffDetail, Pane, SettingsForm, Shown, VersionDetail, VersionsScreen};
use crate::action::Action;
use crate::app::ToastLevel;
use crate::command::Request;
use crate::remote::Remote;
use crate::ui::screens::{Effect, ScreenCtx};
use crate::vault::kv_area::KvRequest;
use crate::vault::models::kv::KvVersion;
use crate::vault::models::kv_secret::VersionState;
use crate::write_gate::Mutation;
use crate::write_gate::Write;
use crate::write_gate::kv::KvMutation;

const LIST_HINTS: &[Action] = &[
    Action::Help,
    Action::Select,
    Action::MarkVersion,
    Action::DiffVersions,
    Action::RollbackVersion,
    Action::DeleteVersions,
    Action::UndeleteVersions,
    Action::DestroyVersions,
    Action::DeleteAllVersions,
    Action::EditSettings,
    Action::CopyCli,
    Action::Back,
];
const VERSION_HINTS: &[Action] = &[
    Action::Help,
    Action::ShowValue,
    Action::ShowAllValues,
    Action::Back,
    Action::RollbackVersion,
    Action::DeleteVersions,
    Action::UndeleteVersions,
    Action::DestroyVersions,
];
const DIFF_HINTS: &[Action] = &[
    Action::Help,
    Action::CompareVersions,
    Action::ShowValue,
    Action::ShowAllValues,
    Action::Back,
];
const FORM_HINTS: &[Action] = &[Action::Select, Action::FocusNext, Action::Back];

/// The footer's offer, by pane.
pub fn hints(s: &VersionsScreen) -> &'static [Action] {
    match s.pane {
        Pane::List => LIST_HINTS,
        Pane::Version(_) => VERSION_HINTS,
        Pane::Diff(_) => DIFF_HINTS,
        Pane::Settings(_) => FORM_HINTS,
    }
}

/// Writes that act on one version (the selected or the shown one).
fn is_version_write(a: Action) -> bool {
    matches!(
        a,
        Action::RollbackVersion
            | Action::DeleteVersions
            | Action::UndeleteVersions
            | Action::DestroyVersions
    )
}

pub(super) fn toast(text: impl Into<String>) -> Vec<Effect> {
    vec![Effect::Toast(text.into(), ToastLevel::Warn)]
}

impl VersionsScreen {
    fn kv(&self, m: KvMutation) -> Vec<Effect> {
        vec![Effect::Write(Write::One(Mutation::Kv(m)))]
    }

    pub(super) fn read(&self, what: &str, version: u64) -> Effect {
        Effect::Fetch {
            what: format!("read {what}"),
            request: Request::Kv(KvRequest::Read {
                addr: self.addr.clone(),
                mount: self.mount.clone(),
                kv: KvVersion::V2,
                path: self.path.clone(),
                version: Some(version),
                tag: what.to_string(),
            }),
        }
    }

    pub(super) fn subkeys(&self, what: &str, version: u64) -> Effect {
        Effect::Fetch {
            what: format!("names {what}"),
            request: Request::Kv(KvRequest::Subkeys {
                addr: self.addr.clone(),
                mount: self.mount.clone(),
                path: self.path.clone(),
                version: Some(version),
            }),
        }
    }

    pub fn on_action(&mut self, a: Action, ctx: &ScreenCtx) -> Option<Vec<Effect>> {
        match &mut self.pane {
            Pane::List => self.on_list_action(a, ctx),
            Pane::Version(d) if is_version_write(a) => {
                // A write on the version shown: back to the list (its values dropped) with it
                // selected, then as there.
                if !self.marked.is_empty() {
                    return Some(toast("versions are marked: act on them from the list"));
                }
                let v = d.version;
                self.pane = Pane::List;
                self.select_version(v);
                self.on_list_action(a, ctx)
            }
            Pane::Version(_) => self.on_version_action(a),
            Pane::Diff(_) => self.on_diff_action(a),
            Pane::Settings(_) => self.on_form_action(a),
        }
    }

    fn on_list_action(&mut self, a: Action, ctx: &ScreenCtx) -> Option<Vec<Effect>> {
        let effects = match a {
            Action::Up => self.step(-1),
            Action::Down => self.step(1),
            Action::PageUp => self.step(-10),
            Action::PageDown => self.step(10),
            Action::Top => self.step(isize::MIN),
            Action::Bottom => self.step(isize::MAX),
            Action::Refresh => self.on_open(ctx),
            Action::Select => self.open_version(),
            Action::MarkVersion => {
                if let Some(v) = self.selected_version() {
                    if !self.marked.remove(&v) {
                        self.marked.insert(v);
                    }
                    self.step(1);
                }
                Vec::new()
            }
            Action::DiffVersions => self.open_diff(),
            Action::CopyCli => match self.selected_version() {
                Some(v) => vec![Effect::copy(
                    "bao command",
                    crate::ui::screens::secrets::cli::get_version(
                        &self.mount,
                        &self.path,
                        v,
                        ctx.namespace,
                    ),
                )],
                None => Vec::new(),
            },
            Action::RollbackVersion => self.rollback(ctx),
            Action::DeleteVersions => self.on_targets("delete", |s, versions| KvMutation::Delete {
                addr: s.addr.clone(),
                mount: s.mount.clone(),
                kv: KvVersion::V2,
                path: s.path.clone(),
                versions,
            }),
            Action::UndeleteVersions => {
                self.on_targets("undelete", |s, versions| KvMutation::Undelete {
                    addr: s.addr.clone(),
                    mount: s.mount.clone(),
                    path: s.path.clone(),
                    versions,
                })
            }
            Action::DestroyVersions => {
                self.on_targets("destroy", |s, versions| KvMutation::Destroy {
                    addr: s.addr.clone(),
                    mount: s.mount.clone(),
                    path: s.path.clone(),
                    versions,
                })
            }
            Action::DeleteAllVersions => {
                if !self.may("metadata", "delete") {
                    return Some(toast(
                        "this token may not delete the metadata of this secret",
                    ));
                }
                self.kv(KvMutation::DeleteMetadata {
                    addr: self.addr.clone(),
                    mount: self.mount.clone(),
                    path: self.path.clone(),
                })
            }
            Action::EditSettings => match self.meta.value() {
                Some(m) if self.may("metadata", "update") => {
                    self.pane = Pane::Settings(Box::new(SettingsForm::new(m)));
                    Vec::new()
                }
                Some(_) => toast("this token may not change the settings of this secret"),
                None => toast("the metadata is not loaded yet"),
            },
            Action::Back if !self.marked.is_empty() => {
                self.marked.clear();
                Vec::new()
            }
            _ => return None,
        };
        Some(effects)
    }

    fn step(&mut self, delta: isize) -> Vec<Effect> {
        self.move_selection(delta);
        Vec::new()
    }

    /// `delete` / `undelete` / `destroy` the marked versions (or the selected one), as one
    /// mutation with the list.
    fn on_targets(
        &mut self,
        api: &str,
        make: impl Fn(&Self, Vec<u64>) -> KvMutation,
    ) -> Vec<Effect> {
        let versions = self.targets();
        if versions.is_empty() {
            return toast("no version selected");
        }
        if !self.may(api, "update") {
            return toast(format!("this token may not {api} versions of this secret"));
        }
        let m = make(self, versions);
        self.kv(m)
    }

    fn rollback(&mut self, ctx: &ScreenCtx) -> Vec<Effect> {
        let (Some(meta), Some(v)) = (self.meta.value(), self.selected_version()) else {
            return toast("no version selected");
        };
        let current = meta.current_version;
        if v == current {
            return toast(format!("v{v} is already the current version"));
        }
        match meta.versions.get(&v).map(|m| m.state(ctx.now)) {
            Some(VersionState::Deleted) => {
                return toast(format!("v{v} is deleted: undelete it first"));
            }
            Some(VersionState::Destroyed) => {
                return toast(format!("v{v} is destroyed: it cannot be rolled back to"));
            }
            _ => {}
        }
        if !self.may("data", "update") {
            return toast("this token may not write this secret");
        }
        self.kv(KvMutation::Rollback {
            addr: self.addr.clone(),
            mount: self.mount.clone(),
            path: self.path.clone(),
            to_version: v,
            current,
        })
    }

    /// Open the selected version: its field names (`subkeys`, no values).
    fn open_version(&mut self) -> Vec<Effect> {
        let Some(v) = self.selected_version() else {
            return Vec::new();
        };
        let mut names = Remote::NotAsked;
        names.start_loading();
        self.pane = Pane::Version(Box::new(VersionDetail {
            version: v,
            names,
            values: Remote::NotAsked,
            shown: Shown::None,
            selected: 0,
        }));
        vec![self.subkeys("version", v)]
    }

    /// Diff the two marked versions, the marked one with the selected one, or the selected
    /// one with the version before it.
    fn open_diff(&mut self) -> Vec<Effect> {
        let marked: Vec<u64> = self.marked.iter().copied().collect();
        let Some(sel) = self.selected_version() else {
            return Vec::new();
        };
        let (old, new) = match marked.as_slice() {
            [] => {
                let before = self
                    .meta
                    .value()
                    .and_then(|m| m.versions.range(..sel).next_back().map(|(n, _)| *n));
                match before {
                    Some(b) => (b, sel),
                    None => {
                        return toast(format!(
                            "v{sel} is the oldest version: mark another one to diff with"
                        ));
                    }
                }
            }
            [m] if *m == sel => return toast("select another version to diff with the marked one"),
            [m] => ((*m).min(sel), (*m).max(sel)),
            [a, b] => (*a, *b),
            _ => return toast("mark one or two versions to diff"),
        };
        self.marked.clear();
        let loading = || {
            let mut r = Remote::NotAsked;
            r.start_loading();
            r
        };
        self.pane = Pane::Diff(Box::new(DiffDetail {
            old,
            new,
            old_names: loading(),
            new_names: loading(),
            old_values: Remote::NotAsked,
            new_values: Remote::NotAsked,
            shown: Shown::None,
            selected: 0,
        }));
        vec![self.subkeys("old", old), self.subkeys("new", new)]
    }

    fn on_version_action(&mut self, a: Action) -> Option<Vec<Effect>> {
        let Pane::Version(d) = &mut self.pane else {
            return None;
        };
        let names = d.field_names();
        let mut fetch = false;
        match a {
            Action::Up => d.selected = d.selected.saturating_sub(1),
            Action::Down => d.selected = (d.selected + 1).min(names.len().saturating_sub(1)),
            Action::Top => d.selected = 0,
            Action::Bottom => d.selected = names.len().saturating_sub(1),
            Action::ShowValue => {
                let Some(name) = names.get(d.selected.min(names.len().saturating_sub(1))) else {
                    return Some(Vec::new());
                };
                d.shown.toggle(name, &names);
                fetch = d.values.value().is_none() && !d.values.is_loading();
            }
            Action::ShowAllValues => {
                d.shown = if d.shown == Shown::All {
                    Shown::None
                } else {
                    Shown::All
                };
                fetch = d.values.value().is_none() && !d.values.is_loading();
            }
            // Leaving the version drops its values.
            Action::Back => self.pane = Pane::List,
            _ => return None,
        }
        if !fetch {
            return Some(Vec::new());
        }
        let Pane::Version(d) = &mut self.pane else {
            return Some(Vec::new());
        };
        d.values.start_loading();
        let v = d.version;
        Some(vec![self.read("version", v)])
    }

    fn on_diff_action(&mut self, a: Action) -> Option<Vec<Effect>> {
        let Pane::Diff(d) = &mut self.pane else {
            return None;
        };
        let rows = d.rows();
        let names: Vec<String> = rows.iter().map(|r| r.field.name.clone()).collect();
        match a {
            Action::Up => d.selected = d.selected.saturating_sub(1),
            Action::Down => d.selected = (d.selected + 1).min(names.len().saturating_sub(1)),
            Action::Top => d.selected = 0,
            Action::Bottom => d.selected = names.len().saturating_sub(1),
            Action::CompareVersions => {}
            Action::ShowValue => {
                if let Some(name) = names.get(d.selected.min(names.len().saturating_sub(1))) {
                    d.shown.toggle(name, &names);
                }
            }
            Action::ShowAllValues => {
                d.shown = if d.shown == Shown::All {
                    Shown::None
                } else {
                    Shown::All
                };
            }
            Action::Back => {
                self.pane = Pane::List;
                return Some(Vec::new());
            }
            _ => return None,
        }
        if !matches!(
            a,
            Action::CompareVersions | Action::ShowValue | Action::ShowAllValues
        ) {
            return Some(Vec::new());
        }
        // Values need both versions read: only now, on the user's request.
        let mut effects = Vec::new();
        let (old, new) = (d.old, d.new);
        let want_old = d.old_values.value().is_none() && !d.old_values.is_loading();
        let want_new = d.new_values.value().is_none() && !d.new_values.is_loading();
        if want_old {
            d.old_values.start_loading();
        }
        if want_new {
            d.new_values.start_loading();
        }
        if want_old {
            effects.push(self.read("old", old));
        }
        if want_new {
            effects.push(self.read("new", new));
        }
        if !effects.is_empty() {
            effects.push(Effect::Toast(
                format!("reading v{old} and v{new} to compare their values"),
                ToastLevel::Info,
            ));
        }
        Some(effects)
    }

    fn on_form_action(&mut self, a: Action) -> Option<Vec<Effect>> {
        let Pane::Settings(f) = &mut self.pane else {
            return None;
        };
        match a {
            Action::Up | Action::FocusPrev => f.move_focus(-1),
            Action::Down | Action::FocusNext => f.move_focus(1),
            Action::Back => self.pane = Pane::List,
            Action::Select => match f.update() {
                Err(e) => f.error = Some(e),
                Ok(u) if u == Default::default() => {
                    self.pane = Pane::List;
                    return Some(vec![Effect::Toast(
                        "settings unchanged: nothing to write".into(),
                        ToastLevel::Info,
                    )]);
                }
                Ok(update) => {
                    self.pane = Pane::List;
                    return Some(self.kv(KvMutation::WriteMetadata {
                        addr: self.addr.clone(),
                        mount: self.mount.clone(),
                        path: self.path.clone(),
                        update,
                    }));
                }
            },
            _ => return None,
        }
        Some(Vec::new())
    }

    /// Typing goes to the settings form while it is open.
    pub fn takes_text(&self) -> bool {
        matches!(self.pane, Pane::Settings(_))
    }

    pub fn on_text_key(&mut self, key: crossterm::event::KeyEvent) -> Vec<Effect> {
        if let Pane::Settings(f) = &mut self.pane {
            f.on_text_key(key);
        }
        Vec::new()
    }

    pub fn on_paste(&mut self, text: &str) {
        if let Pane::Settings(f) = &mut self.pane {
            f.on_paste(text);
        }
    }
}
