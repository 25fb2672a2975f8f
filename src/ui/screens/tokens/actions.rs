//! What the tokens screen does: load the inventory as a job (batches shown as they arrive,
//! `esc` cancels), move and mark, and revoke through the gate: one by accessor (`x`), the
//! marked or filtered set as one batch (`X`, after the tree/orphan dialog), or one by value
//! (`V`, `:revoke-token`). After a revoke the inventory loads again.

use crossterm::event::KeyEvent;

use super::{ByValueForm, RevokeDialog, RevokeResults, TokensScreen};
use crate::action::Action;
use crate::app::{ToastLevel, WRITE_PROGRESS};
use crate::input::InputOutcome;
use crate::jobs::{JobEvent, JobReport, JobSpec};
use crate::reply::WriteOutcome;
use crate::ui::screens::{Effect, ScreenCtx};
use crate::vault::models::wrapping::SecretText;
use crate::write_gate::token::TokenMutation;
use crate::write_gate::{Mutation, Write};

/// The footer's offer on this screen.
pub const HINTS: &[Action] = &[
    Action::Help,
    Action::CommandLine,
    Action::Filter,
    Action::Mark,
    Action::MarkAll,
    Action::RevokeToken,
    Action::RevokeTokens,
    Action::RevokeByValue,
    Action::Refresh,
    Action::Back,
    Action::Quit,
];

/// The job key of the inventory.
pub const LOAD: &str = "inventory";

/// What the screen waits for after sending a write to the gate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Awaiting {
    One,
    ByValue,
}

impl TokensScreen {
    /// Opened: load the inventory.
    pub fn on_open(&mut self, ctx: &ScreenCtx) -> Vec<Effect> {
        self.load(ctx)
    }

    fn load(&mut self, ctx: &ScreenCtx) -> Vec<Effect> {
        let Some(addr) = ctx.cluster.api_addr() else {
            return vec![Effect::Toast("no node to ask".into(), ToastLevel::Warn)];
        };
        let mut out = Vec::new();
        if self.tokens.is_loading() {
            out.push(Effect::CancelJob { what: LOAD.into() });
        }
        self.tokens.start_loading();
        self.incoming.clear();
        self.progress = Default::default();
        out.push(Effect::StartJob {
            what: LOAD.into(),
            spec: JobSpec::TokenInventory { addr },
        });
        out
    }

    /// Open the revoke-by-value form (`V`, `:revoke-token`).
    pub fn open_by_value(&mut self) {
        self.dialog = None;
        self.by_value = Some(ByValueForm::default());
    }

    pub fn on_action(&mut self, a: Action, ctx: &ScreenCtx) -> Option<Vec<Effect>> {
        if self.by_value.is_some() {
            return self.on_form_action(a, ctx);
        }
        if self.dialog.is_some() {
            return self.on_dialog_action(a, ctx);
        }
        if let Some(r) = self.results.as_mut() {
            let n = r.rows.len();
            match a {
                Action::Up => r.selected = r.selected.saturating_sub(1),
                Action::Down => r.selected = (r.selected + 1).min(n.saturating_sub(1)),
                Action::PageUp => r.selected = r.selected.saturating_sub(10),
                Action::PageDown => r.selected = (r.selected + 10).min(n.saturating_sub(1)),
                Action::Back | Action::Select => self.results = None,
                _ => return None,
            }
            return Some(Vec::new());
        }
        let now = ctx.now;
        match a {
            Action::Up => self.move_selection(-1, now),
            Action::Down => self.move_selection(1, now),
            Action::PageUp => self.move_selection(-10, now),
            Action::PageDown => self.move_selection(10, now),
            Action::Top => self.move_selection(isize::MIN, now),
            Action::Bottom => self.move_selection(isize::MAX, now),
            Action::Refresh => return Some(self.load(ctx)),
            Action::Mark => {
                if let Some(acc) = self.selected_token(now).map(|t| t.accessor.clone()) {
                    if !self.marked.remove(&acc) {
                        self.marked.insert(acc);
                    }
                    self.move_selection(1, now);
                }
            }
            Action::MarkAll => {
                let all: Vec<String> = self
                    .visible(now)
                    .iter()
                    .map(|t| t.accessor.clone())
                    .collect();
                if !all.is_empty() && all.iter().all(|a| self.marked.contains(a)) {
                    for a in &all {
                        self.marked.remove(a);
                    }
                } else {
                    self.marked.extend(all);
                }
            }
            Action::RevokeToken => return Some(self.revoke_selected(ctx)),
            Action::RevokeTokens => return Some(self.open_dialog(ctx)),
            Action::RevokeByValue => self.open_by_value(),
            // `esc` stops a running load first; the app clears the filter or goes back otherwise.
            Action::Back if self.tokens.is_loading() => {
                self.tokens.fail(
                    crate::vault::VaultError::Decode("loading cancelled".into()),
                    now,
                );
                self.incoming.clear();
                return Some(vec![
                    Effect::CancelJob { what: LOAD.into() },
                    Effect::Toast("loading tokens cancelled".into(), ToastLevel::Info),
                ]);
            }
            _ => return None,
        }
        Some(Vec::new())
    }

    fn revoke_selected(&mut self, ctx: &ScreenCtx) -> Vec<Effect> {
        let Some(addr) = ctx.cluster.api_addr() else {
            return vec![Effect::Toast("no node to ask".into(), ToastLevel::Warn)];
        };
        let Some(t) = self.selected_token(ctx.now) else {
            return Vec::new();
        };
        let m = TokenMutation::RevokeAccessor {
            addr,
            accessor: t.accessor.clone(),
            name: t.display_name.clone(),
            own: self.is_own(t),
            bulk: false,
        };
        self.awaiting = Some(Awaiting::One);
        vec![Effect::Write(Write::One(Mutation::Token(m)))]
    }

    fn open_dialog(&mut self, ctx: &ScreenCtx) -> Vec<Effect> {
        let set = self.bulk_set(ctx.now);
        if set.is_empty() {
            return vec![Effect::Toast(
                "no tokens to revoke (mark some, or filter)".into(),
                ToastLevel::Info,
            )];
        }
        let own_in_set = set.iter().any(|t| self.is_own(t));
        let items = set
            .iter()
            .map(|t| (t.accessor.clone(), t.display_name.clone()))
            .collect();
        self.dialog = Some(RevokeDialog {
            items,
            own_in_set,
            include_own: false,
        });
        Vec::new()
    }

    fn on_dialog_action(&mut self, a: Action, ctx: &ScreenCtx) -> Option<Vec<Effect>> {
        let d = self.dialog.as_mut()?;
        match a {
            Action::RevokeTree | Action::Select | Action::Confirm => {
                return Some(self.submit_bulk(ctx));
            }
            Action::RevokeOrphan => {
                self.open_by_value();
                return Some(vec![Effect::Toast(
                    "orphaning children needs each token's value: paste one (by accessor \
                     OpenBao always revokes the tree)"
                        .into(),
                    ToastLevel::Info,
                )]);
            }
            Action::IncludeOwn if d.own_in_set => d.include_own = !d.include_own,
            Action::Back | Action::Cancel => self.dialog = None,
            Action::ForceQuit | Action::Quit | Action::Help => return None,
            _ => {}
        }
        Some(Vec::new())
    }

    fn submit_bulk(&mut self, ctx: &ScreenCtx) -> Vec<Effect> {
        let Some(d) = self.dialog.take() else {
            return Vec::new();
        };
        let Some(addr) = ctx.cluster.api_addr() else {
            return vec![Effect::Toast("no node to ask".into(), ToastLevel::Warn)];
        };
        let own = self.own_accessor.clone();
        let chosen: Vec<(String, String)> = d.chosen(own.as_deref()).into_iter().cloned().collect();
        if chosen.is_empty() {
            return vec![Effect::Toast(
                "nothing to revoke: only the console's own token was in the set".into(),
                ToastLevel::Info,
            )];
        }
        let batch = chosen
            .iter()
            .map(|(accessor, name)| {
                Mutation::Token(TokenMutation::RevokeAccessor {
                    addr: addr.clone(),
                    accessor: accessor.clone(),
                    name: name.clone(),
                    own: own.as_deref() == Some(accessor.as_str()),
                    bulk: true,
                })
            })
            .collect();
        self.revoking = Some((chosen, Default::default()));
        vec![Effect::Write(Write::Batch(batch))]
    }

    fn on_form_action(&mut self, a: Action, ctx: &ScreenCtx) -> Option<Vec<Effect>> {
        let f = self.by_value.as_mut()?;
        match a {
            Action::FocusNext | Action::FocusPrev => f.orphan = !f.orphan,
            Action::Select => return Some(self.submit_by_value(ctx)),
            Action::Back | Action::Cancel => self.by_value = None,
            Action::ForceQuit => return None,
            _ => {}
        }
        Some(Vec::new())
    }

    fn submit_by_value(&mut self, ctx: &ScreenCtx) -> Vec<Effect> {
        let Some(addr) = ctx.cluster.api_addr() else {
            return vec![Effect::Toast("no node to ask".into(), ToastLevel::Warn)];
        };
        let Some(mut f) = self.by_value.take() else {
            return Vec::new();
        };
        if f.input.0.is_empty() {
            self.by_value = Some(f);
            return vec![Effect::Toast(
                "paste the token first".into(),
                ToastLevel::Info,
            )];
        }
        let token = SecretText::new(f.input.0.take());
        self.awaiting = Some(Awaiting::ByValue);
        vec![Effect::Write(Write::One(Mutation::Token(
            TokenMutation::RevokeToken {
                addr,
                token,
                orphan_children: f.orphan,
            },
        )))]
    }

    /// A text key while the revoke-by-value form is open.
    pub fn on_text_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        if let Some(f) = self.by_value.as_mut()
            && f.input.0.on_key(key) == InputOutcome::Cancel
        {
            self.by_value = None;
        }
        Vec::new()
    }

    /// Pasted text goes to the form's masked input (control characters dropped).
    pub fn on_paste(&mut self, text: &str) {
        if let Some(f) = self.by_value.as_mut() {
            f.input.0.paste(text);
        }
    }

    /// An event of the inventory, or the progress of a bulk revoke.
    pub fn on_job(&mut self, what: &str, event: JobEvent, ctx: &ScreenCtx) -> Vec<Effect> {
        if what == WRITE_PROGRESS {
            if let (Some((_, p)), JobEvent::Progress(np)) = (self.revoking.as_mut(), event) {
                *p = np;
            }
            return Vec::new();
        }
        if what != LOAD || !self.tokens.is_loading() {
            return Vec::new();
        }
        match event {
            JobEvent::Report(r) => {
                if let JobReport::Tokens(batch) = *r {
                    self.progress = batch.progress;
                    if batch.own_accessor.is_some() {
                        self.own_accessor = batch.own_accessor;
                    }
                    if !batch.items.is_empty() {
                        self.incoming.extend(batch.items);
                        self.incoming.sort_by(|a, b| {
                            (&a.display_name, &a.accessor).cmp(&(&b.display_name, &b.accessor))
                        });
                    }
                }
            }
            JobEvent::Done(_) => {
                let rows = std::mem::take(&mut self.incoming);
                self.marked
                    .retain(|m| rows.iter().any(|t| t.accessor == *m));
                self.tokens.succeed(rows, ctx.now);
            }
            JobEvent::Failed(e) => {
                self.incoming.clear();
                self.tokens.fail(e, ctx.now);
            }
            JobEvent::Progress(_) | JobEvent::Partial(_) => {}
        }
        Vec::new()
    }

    /// The outcome of a revoke: a bulk one shows its result table; the inventory reloads.
    pub fn on_write(&mut self, outcome: WriteOutcome, ctx: &ScreenCtx) -> Vec<Effect> {
        if let Some((batch, _)) = self.revoking.take() {
            let results = RevokeResults::from_outcome(&outcome, &batch);
            for row in &results.rows {
                self.marked.remove(&row.accessor);
            }
            self.results = Some(results);
        }
        self.awaiting = None;
        self.load(ctx)
    }

    /// The gate refused or the user cancelled.
    pub fn write_abandoned(&mut self) {
        self.revoking = None;
        self.awaiting = None;
    }
}
