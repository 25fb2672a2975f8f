//! What the unseal screen does with actions, typed keys, pastes, the clock, status reads and
//! the answers of its writes. No I/O here: reads and writes leave as effects.

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use crossterm::event::KeyEvent;

use super::{CLUSTER_EVERY_MS, STATUS_EVERY_MS, STATUS_STUCK_MS};
use super::{Focus, NodePanel, Pending, Target, UnsealScreen};
use crate::action::Action;
use crate::app::ToastLevel;
use crate::command::Request;
use crate::input::LineInput;
use crate::sanitize::sanitize;
use crate::ui::screens::{Effect, ScreenCtx};
use crate::vault::models::wrapping::SecretText;
use crate::vault::unseal::UnsealRequest;
use crate::write_gate::unseal::UnsealMutation;
use crate::write_gate::{Mutation, Write};

fn toast(text: impl Into<String>, level: ToastLevel) -> Vec<Effect> {
    vec![Effect::Toast(text.into(), level)]
}

fn elapsed_ms(since: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Option<i64> {
    since.map(|t| (now - t).num_milliseconds())
}

impl UnsealScreen {
    /// Take in the nodes the cluster state knows (configured and discovered), keeping order.
    pub fn sync_nodes(&mut self, ctx: &ScreenCtx) {
        for n in &ctx.cluster.nodes {
            let name = sanitize(n.node_id.as_deref().unwrap_or(n.short_addr())).into_owned();
            match self.nodes.iter_mut().find(|p| p.addr == n.addr) {
                Some(p) => {
                    p.name = name;
                    p.discovered = n.discovered;
                }
                None => self
                    .nodes
                    .push(NodePanel::new(&n.addr, &name, n.discovered)),
            }
        }
        self.selected = self.selected.min(self.nodes.len().saturating_sub(1));
    }

    pub fn on_open(&mut self, ctx: &ScreenCtx) -> Vec<Effect> {
        self.sync_nodes(ctx);
        self.last_cluster_poll = Some(ctx.now);
        let mut out = self.status_reads(ctx.now);
        out.push(Effect::RefreshCluster);
        out
    }

    /// About once a second: every node's seal status; every two seconds: the cluster poll.
    pub fn on_tick(&mut self, ctx: &ScreenCtx) -> Vec<Effect> {
        self.sync_nodes(ctx);
        let mut out = Vec::new();
        if elapsed_ms(self.last_status_read, ctx.now).is_none_or(|ms| ms >= STATUS_EVERY_MS) {
            out.extend(self.status_reads(ctx.now));
        }
        if elapsed_ms(self.last_cluster_poll, ctx.now).is_none_or(|ms| ms >= CLUSTER_EVERY_MS) {
            self.last_cluster_poll = Some(ctx.now);
            out.push(Effect::RefreshCluster);
        }
        out
    }

    /// One status read per node, unless one is on its way or a write to it is.
    fn status_reads(&mut self, now: DateTime<Utc>) -> Vec<Effect> {
        self.last_status_read = Some(now);
        let mut out = Vec::new();
        for p in &mut self.nodes {
            let stuck = elapsed_ms(p.reading_since, now).is_none_or(|ms| ms >= STATUS_STUCK_MS);
            if p.in_flight || !stuck {
                continue;
            }
            p.reading_since = Some(now);
            out.push(Effect::Fetch {
                what: format!("seal {}", p.addr),
                request: Request::Unseal(UnsealRequest::SealStatus {
                    addr: p.addr.clone(),
                    generation: p.generation,
                }),
            });
        }
        out
    }

    pub fn on_action(&mut self, a: Action, ctx: &ScreenCtx) -> Option<Vec<Effect>> {
        match (&mut self.focus, a) {
            (Focus::LogPath(line), Action::Select) => {
                let path = line.text.trim().to_string();
                self.focus = Focus::Nodes;
                if path.is_empty() {
                    return Some(toast(
                        "no file named: the log was not saved",
                        ToastLevel::Warn,
                    ));
                }
                return Some(vec![Effect::Fetch {
                    what: "save log".into(),
                    request: Request::Unseal(UnsealRequest::SaveLog {
                        path: PathBuf::from(path),
                        text: self.log.text(ctx.now),
                    }),
                }]);
            }
            (Focus::LogPath(_) | Focus::NextHolder, Action::Back) => {
                self.focus = Focus::Nodes;
                return Some(Vec::new());
            }
            (Focus::NextHolder, Action::Select | Action::EditInput) => {
                self.focus = Focus::Share;
                return Some(Vec::new());
            }
            (Focus::LogPath(_) | Focus::NextHolder, _) => return Some(Vec::new()),
            (Focus::Share, Action::Select) => return Some(self.submit(ctx)),
            (Focus::Share, Action::Back) => {
                self.input.0.clear();
                self.focus = Focus::Nodes;
                return Some(Vec::new());
            }
            _ => {}
        }
        Some(match a {
            Action::Select | Action::EditInput => {
                self.focus = Focus::Share;
                Vec::new()
            }
            Action::FocusNext | Action::FocusPrev => {
                self.focus = match self.focus {
                    Focus::Share => Focus::Nodes,
                    _ => Focus::Share,
                };
                Vec::new()
            }
            Action::Down => {
                self.selected = (self.selected + 1).min(self.nodes.len().saturating_sub(1));
                Vec::new()
            }
            Action::Up => {
                self.selected = self.selected.saturating_sub(1);
                Vec::new()
            }
            Action::Top => {
                self.selected = 0;
                Vec::new()
            }
            Action::Bottom => {
                self.selected = self.nodes.len().saturating_sub(1);
                Vec::new()
            }
            Action::Refresh => {
                for p in &mut self.nodes {
                    p.reading_since = None;
                }
                self.status_reads(ctx.now)
            }
            Action::UnsealTarget => {
                self.target = match self.target {
                    Target::AllSealed => Target::Selected,
                    Target::Selected => Target::AllSealed,
                };
                Vec::new()
            }
            Action::HolderMode => {
                self.holder_mode = !self.holder_mode;
                let state = if self.holder_mode { "on" } else { "off" };
                self.log
                    .push(ctx.now, "cluster", "holder mode", None, state.to_string());
                Vec::new()
            }
            Action::UnsealReset => self.reset(ctx),
            Action::SaveCeremonyLog => {
                self.focus = Focus::LogPath(LineInput::with_text(super::DEFAULT_LOG_PATH));
                Vec::new()
            }
            Action::Back => return None,
            _ => return None,
        })
    }

    /// Typed keys: to the share input or the path prompt.
    pub fn on_text_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        match &mut self.focus {
            Focus::Share => {
                self.input.0.on_key(key);
            }
            Focus::LogPath(line) => {
                line.handle_key(key);
            }
            Focus::Nodes | Focus::NextHolder => {}
        }
        Vec::new()
    }

    /// Pasted text (the app wipes its copy afterwards).
    pub fn on_paste(&mut self, text: &str) {
        match &mut self.focus {
            Focus::Share => self.input.0.paste(text),
            Focus::LogPath(line) => line.insert_str(text),
            Focus::Nodes | Focus::NextHolder => {}
        }
    }

    pub(super) fn index_of(&self, addr: &str) -> Option<usize> {
        self.nodes.iter().position(|p| p.addr == addr)
    }

    /// The share leaves the input at once (wiped there) inside one gated write.
    fn submit(&mut self, ctx: &ScreenCtx) -> Vec<Effect> {
        if self.input.0.is_empty() {
            return toast("type or paste a share first", ToastLevel::Info);
        }
        if self.awaiting.is_some() {
            return toast(
                "a submission is on its way: wait for its answer",
                ToastLevel::Info,
            );
        }
        if self.target == Target::Selected
            && let Some(n) = self.selected_node()
        {
            let why = if n.auto_unseal() {
                Some("auto-unseal: this node needs no shares")
            } else if n.seal.as_ref().is_some_and(|s| !s.initialized) {
                Some("this node is not initialised: use :init first")
            } else if !n.is_sealed() {
                Some("this node is already unsealed")
            } else {
                None
            };
            if let Some(why) = why {
                let text = format!("{}: {why}", n.name);
                self.input.0.clear();
                return toast(text, ToastLevel::Info);
            }
        }
        let mut skipped = Vec::new();
        let addrs: Vec<String> = match self.target {
            Target::AllSealed => {
                skipped = self
                    .nodes
                    .iter()
                    .filter(|n| !n.discovered && n.is_sealed() && n.unreachable)
                    .map(|n| n.name.clone())
                    .collect();
                self.sealed_targets()
                    .iter()
                    .map(|n| n.addr.clone())
                    .collect()
            }
            Target::Selected => self
                .selected_node()
                .filter(|n| !n.discovered)
                .map(|n| vec![n.addr.clone()])
                .unwrap_or_default(),
        };
        if addrs.is_empty() {
            self.input.0.clear();
            let why = match self.target {
                Target::AllSealed => "no sealed configured node to send a share to",
                Target::Selected => {
                    "the selected node was discovered, not configured: shares only go to configured nodes"
                }
            };
            return toast(why, ToastLevel::Warn);
        }
        let share = SecretText::new(self.input.0.take());
        let mutations: Vec<Mutation> = addrs
            .iter()
            .map(|addr| {
                Mutation::Unseal(UnsealMutation::Submit {
                    addr: addr.clone(),
                    share: share.clone(),
                })
            })
            .collect();
        drop(share);
        let mut names = Vec::new();
        for addr in &addrs {
            if let Some(i) = self.index_of(addr) {
                let p = &mut self.nodes[i];
                p.in_flight = true;
                p.generation += 1;
                p.reading_since = None;
                names.push(p.name.clone());
            }
        }
        let mut outcome = format!("sent to {}", names.join(", "));
        if !skipped.is_empty() {
            outcome += &format!(" (skipped, unreachable: {})", skipped.join(", "));
            self.notice(format!(
                "{}: unreachable — not sent this share",
                skipped.join(", ")
            ));
        }
        self.log.push(ctx.now, "cluster", "share", None, outcome);
        self.awaiting = Some((Pending::Share, addrs));
        let write = match <[Mutation; 1]>::try_from(mutations) {
            Ok([m]) => Write::One(m),
            Err(ms) => Write::Batch(ms),
        };
        vec![Effect::Write(write)]
    }

    fn reset(&mut self, ctx: &ScreenCtx) -> Vec<Effect> {
        let Some(p) = self.selected_node() else {
            return Vec::new();
        };
        if p.discovered {
            return toast(
                "the selected node was discovered, not configured: the console does not write to it",
                ToastLevel::Warn,
            );
        }
        if self.awaiting.is_some() {
            return toast(
                "a submission is on its way: wait for its answer",
                ToastLevel::Info,
            );
        }
        let addr = p.addr.clone();
        let name = p.name.clone();
        if let Some(i) = self.index_of(&addr) {
            self.nodes[i].in_flight = true;
            self.nodes[i].generation += 1;
        }
        self.log.push(ctx.now, &name, "reset", None, "asked");
        self.awaiting = Some((Pending::Reset, vec![addr.clone()]));
        vec![Effect::Write(Write::One(Mutation::Unseal(
            UnsealMutation::Reset { addr },
        )))]
    }

    /// The gate refused the write (read-only mode) or the user cancelled it.
    pub fn write_abandoned(&mut self) {
        if let Some((_, addrs)) = self.awaiting.take() {
            for addr in addrs {
                if let Some(i) = self.index_of(&addr) {
                    self.nodes[i].in_flight = false;
                    self.nodes[i].generation += 1;
                }
            }
        }
    }
}
