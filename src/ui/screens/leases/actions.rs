//! What the leases screen does: start the inventory job (the root, or one prefix after a
//! write), take its batches, cancel it with `esc`, move in the tree and the lease list, and
//! turn the write keys into gate writes (the renew prompt first for a renewal).

use crossterm::event::KeyEvent;

use super::{Focus, LeasesScreen, Phase, RenewPrompt};
use crate::action::Action;
use crate::app::ToastLevel;
use crate::input::LineInput;
use crate::jobs::{JobEvent, JobReport, JobSpec};
use crate::reply::{WriteOutcome, WriteResult};
use crate::sanitize::sanitize;
use crate::ui::screens::{Effect, ScreenCtx};
use crate::vault::VaultError;
use crate::vault::models::leases::parse_duration_secs;
use crate::write_gate::lease::{LeaseMutation, increment_label};
use crate::write_gate::{Mutation, Write};

/// The footer's offer on this screen.
pub const HINTS: &[Action] = &[
    Action::Help,
    Action::Filter,
    Action::Select,
    Action::TogglePrefix,
    Action::RenewLease,
    Action::RevokeLease,
    Action::RevokePrefix,
    Action::ToggleSync,
    Action::Refresh,
    Action::Back,
];

/// The key of the inventory job.
pub const JOB: &str = "lease inventory";
/// The renew prompt's first text.
const DEFAULT_INCREMENT: &str = "1h";

impl LeasesScreen {
    /// Opened: take the inventory of the root.
    pub fn on_open(&mut self, ctx: &ScreenCtx) -> Vec<Effect> {
        let root = self.root.clone();
        self.start(&root, ctx)
    }

    /// Start the inventory of `prefix`: the root replaces the whole tree (the old one is kept
    /// until the new one is complete, for a failure); a prefix replaces what lies below it.
    fn start(&mut self, prefix: &str, ctx: &ScreenCtx) -> Vec<Effect> {
        let Some(addr) = ctx.cluster.api_addr() else {
            self.phase = Phase::Failed(VaultError::NotAsked("no node to ask"));
            return vec![Effect::Toast("no node to ask".into(), ToastLevel::Warn)];
        };
        if prefix == self.root {
            let old = std::mem::replace(&mut self.tree, super::LeaseTree::new(&self.root));
            if !old.is_empty() || self.loaded_at.is_some() {
                self.previous = Some((old, self.loaded_at));
            }
        } else {
            self.tree.remove_below(prefix);
        }
        self.reshow_all();
        self.phase = Phase::Loading;
        self.progress = Default::default();
        self.first_error = None;
        self.running = Some(prefix.to_string());
        vec![Effect::StartJob {
            what: JOB.into(),
            spec: JobSpec::LeaseInventory {
                addr,
                prefix: prefix.to_string(),
            },
        }]
    }

    /// The lease list again (the selected prefix may be gone: it stays selected, empty).
    fn reshow_all(&mut self) {
        self.reshow();
    }

    pub fn on_action(&mut self, a: Action, ctx: &ScreenCtx) -> Option<Vec<Effect>> {
        if let Some(prompt) = &mut self.prompt {
            return match a {
                Action::Select => Some(self.submit_prompt(ctx)),
                Action::Back => {
                    self.prompt = None;
                    Some(Vec::new())
                }
                // Other keys do nothing while the prompt is open.
                Action::Quit | Action::ForceQuit | Action::Help => None,
                _ => {
                    prompt.error = None;
                    Some(Vec::new())
                }
            };
        }
        let tree = self.focus == Focus::Tree;
        match a {
            Action::Up if tree => self.move_tree(-1),
            Action::Down if tree => self.move_tree(1),
            Action::PageUp if tree => self.move_tree(-10),
            Action::PageDown if tree => self.move_tree(10),
            Action::Top if tree => self.move_tree(isize::MIN),
            Action::Bottom if tree => self.move_tree(isize::MAX),
            Action::Up => self.move_lease(-1),
            Action::Down => self.move_lease(1),
            Action::PageUp => self.move_lease(-10),
            Action::PageDown => self.move_lease(10),
            Action::Top => self.move_lease(isize::MIN),
            Action::Bottom => self.move_lease(isize::MAX),
            Action::Select | Action::FocusNext | Action::FocusPrev if tree => {
                self.focus = Focus::Leases;
            }
            Action::FocusNext | Action::FocusPrev => self.focus = Focus::Tree,
            Action::Select => {}
            Action::TogglePrefix => {
                let p = self.selected_prefix().to_string();
                if !self.collapsed.remove(&p) {
                    self.collapsed.insert(p);
                }
            }
            Action::Back if self.loading() => return Some(self.cancel()),
            Action::Back if !tree => self.focus = Focus::Tree,
            Action::Refresh => {
                let mut effects = self.cancel_quietly();
                let root = self.root.clone();
                effects.extend(self.start(&root, ctx));
                return Some(effects);
            }
            Action::ToggleSync => {
                self.sync = !self.sync;
                let msg = if self.sync {
                    "sync on: revocations wait until the backend revoked the credentials"
                } else {
                    "sync off: revocations answer at once (202) and run in the background"
                };
                return Some(vec![Effect::Toast(msg.into(), ToastLevel::Info)]);
            }
            Action::RenewLease => return Some(self.open_prompt()),
            Action::RevokeLease => return Some(self.revoke_one(ctx)),
            Action::RevokePrefix => return Some(self.revoke_prefix(ctx, false)),
            Action::ForceRevokePrefix => return Some(self.revoke_prefix(ctx, true)),
            Action::TidyLeases => {
                let Some(addr) = ctx.cluster.api_addr() else {
                    return Some(no_node());
                };
                return Some(self.write(LeaseMutation::Tidy { addr }));
            }
            _ => return None,
        }
        Some(Vec::new())
    }

    /// Stop the running inventory (what arrived stays); a toast says so.
    fn cancel(&mut self) -> Vec<Effect> {
        let mut effects = self.cancel_quietly();
        effects.push(Effect::Toast(
            format!("lease inventory cancelled · {}", self.progress.label()),
            ToastLevel::Info,
        ));
        effects
    }

    fn cancel_quietly(&mut self) -> Vec<Effect> {
        if !self.loading() {
            return Vec::new();
        }
        self.phase = Phase::Cancelled;
        self.running = None;
        self.previous = None;
        vec![Effect::CancelJob { what: JOB.into() }]
    }

    fn write(&mut self, m: LeaseMutation) -> Vec<Effect> {
        self.pending_write = Some(m.clone());
        vec![Effect::Write(Write::One(Mutation::Lease(m)))]
    }

    fn open_prompt(&mut self) -> Vec<Effect> {
        let Some(l) = self.selected().filter(|_| self.focus == Focus::Leases) else {
            return vec![pick_a_lease("renew")];
        };
        if !l.renewable {
            let msg = format!("{} is not renewable", sanitize(&l.id));
            return vec![Effect::Toast(msg, ToastLevel::Warn)];
        }
        // The server refuses tokens here (400 "tokens cannot be renewed through this
        // endpoint"): say so before asking.
        if l.id.starts_with("auth/") {
            let msg = format!(
                "{} is a token's lease: sys/leases/renew does not renew tokens (renew the token itself)",
                sanitize(&l.id)
            );
            return vec![Effect::Toast(msg, ToastLevel::Warn)];
        }
        self.prompt = Some(RenewPrompt {
            lease_id: l.id.clone(),
            input: LineInput::with_text(DEFAULT_INCREMENT),
            error: None,
        });
        Vec::new()
    }

    fn submit_prompt(&mut self, ctx: &ScreenCtx) -> Vec<Effect> {
        let Some(p) = &mut self.prompt else {
            return Vec::new();
        };
        let Some(addr) = ctx.cluster.api_addr() else {
            return no_node();
        };
        let Some(secs) = parse_duration_secs(&p.input.text).filter(|s| *s > 0) else {
            p.error = Some(format!(
                "an increment like 1h, 30m or 90s, not \"{}\"",
                sanitize(&p.input.text)
            ));
            return Vec::new();
        };
        let lease_id = p.lease_id.clone();
        self.prompt = None;
        self.write(LeaseMutation::Renew {
            addr,
            lease_id,
            increment: Some(secs),
        })
    }

    fn revoke_one(&mut self, ctx: &ScreenCtx) -> Vec<Effect> {
        let Some(l) = self.selected().filter(|_| self.focus == Focus::Leases) else {
            return vec![pick_a_lease("revoke")];
        };
        let Some(addr) = ctx.cluster.api_addr() else {
            return no_node();
        };
        let m = LeaseMutation::Revoke {
            addr,
            lease_id: l.id.clone(),
            sync: self.sync,
        };
        self.write(m)
    }

    fn revoke_prefix(&mut self, ctx: &ScreenCtx, force: bool) -> Vec<Effect> {
        if self.loading() {
            return vec![Effect::Toast(
                "the inventory is still loading: its count is not final (esc stops it)".into(),
                ToastLevel::Warn,
            )];
        }
        let prefix = self.selected_prefix().to_string();
        if prefix.is_empty() {
            return vec![Effect::Toast(
                "select a prefix below the root to revoke (a revoke-prefix of everything is not offered)"
                    .into(),
                ToastLevel::Warn,
            )];
        }
        let count = self.tree.stats(&prefix).map_or(0, |s| s.count);
        if count == 0 {
            let msg = format!("no leases below {} in the inventory", sanitize(&prefix));
            return vec![Effect::Toast(msg, ToastLevel::Info)];
        }
        let Some(addr) = ctx.cluster.api_addr() else {
            return no_node();
        };
        let m = if force {
            LeaseMutation::ForceRevokePrefix {
                addr,
                prefix,
                count,
            }
        } else {
            LeaseMutation::RevokePrefix {
                addr,
                prefix,
                count,
                sync: self.sync,
            }
        };
        self.write(m)
    }

    /// A key for the renew prompt.
    pub fn on_text_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        if let Some(p) = &mut self.prompt {
            p.input.handle_key(key);
            p.error = None;
        }
        Vec::new()
    }

    pub fn on_paste(&mut self, text: &str) {
        if let Some(p) = &mut self.prompt {
            p.input.insert_str(text);
        }
    }

    /// The gate refused the write, or the user cancelled it.
    pub fn write_abandoned(&mut self) {
        self.pending_write = None;
    }

    /// A write finished: say what a renewal gave (and a capped TTL), then take the inventory
    /// of the prefix it touched again.
    pub fn on_write(&mut self, outcome: WriteOutcome, ctx: &ScreenCtx) -> Vec<Effect> {
        let mut effects = Vec::new();
        for item in &outcome.items {
            if let Ok(WriteResult::Renewed {
                lease_duration,
                warnings,
            }) = &item.result
            {
                let ttl = increment_label(u64::try_from(*lease_duration).unwrap_or(0));
                effects.push(Effect::Toast(
                    format!("renewed {}: TTL now {ttl}", item.item),
                    ToastLevel::Info,
                ));
                for w in warnings {
                    effects.push(Effect::Toast(
                        format!("capped: {}", sanitize(w)),
                        ToastLevel::Warn,
                    ));
                }
            }
        }
        let prefix = self
            .pending_write
            .take()
            .and_then(|m| m.affected_prefix())
            .filter(|p| p.starts_with(self.root.as_str()) && p.len() > self.root.len())
            .unwrap_or_else(|| self.root.clone());
        self.cancel_quietly();
        effects.extend(self.start(&prefix, ctx));
        effects
    }

    /// An event of the inventory job.
    pub fn on_job(&mut self, what: &str, event: JobEvent, ctx: &ScreenCtx) -> Vec<Effect> {
        if what != JOB || !self.loading() {
            return Vec::new();
        }
        match event {
            JobEvent::Report(r) => {
                if let JobReport::Leases(b) = *r {
                    self.progress = b.progress;
                    if b.first_error.is_some() {
                        self.first_error = b.first_error;
                    }
                    if !b.leases.is_empty() {
                        self.add_leases(b.leases);
                    }
                }
            }
            JobEvent::Done(_) => {
                self.phase = Phase::Ready;
                self.keep_selection_in_tree();
                // Batches were appended as they came; the finished list goes soonest first.
                self.reshow();
                self.loaded_at = Some(ctx.now);
                self.previous = None;
                self.running = None;
                if let Some(e) = &self.first_error {
                    let msg = format!(
                        "lease inventory: {} failed (first: {})",
                        self.progress.failed,
                        sanitize(&e.to_string())
                    );
                    return vec![Effect::Toast(msg, ToastLevel::Warn)];
                }
            }
            JobEvent::Failed(e) => {
                let msg = format!("lease inventory failed: {}", sanitize(&e.to_string()));
                if let Some((old, at)) = self.previous.take()
                    && self.tree.is_empty()
                {
                    self.tree = old;
                    self.loaded_at = at;
                    self.reshow_all();
                }
                self.phase = Phase::Failed(e);
                self.running = None;
                return vec![Effect::Toast(msg, ToastLevel::Warn)];
            }
            JobEvent::Progress(_) | JobEvent::Partial(_) => {}
        }
        Vec::new()
    }
}

fn pick_a_lease(verb: &str) -> Effect {
    Effect::Toast(
        format!(
            "pick a lease first: enter opens the prefix's leases, then {verb} the selected one"
        ),
        ToastLevel::Info,
    )
}

fn no_node() -> Vec<Effect> {
    vec![Effect::Toast("no node to ask".into(), ToastLevel::Warn)]
}
