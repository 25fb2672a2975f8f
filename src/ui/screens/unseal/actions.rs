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
use crate::reply::{Reply, WriteOutcome, WriteResult};
use crate::sanitize::sanitize;
use crate::ui::screens::{Effect, ScreenCtx};
use crate::vault::models::sys::SealStatus;
use crate::vault::models::wrapping::SecretText;
use crate::vault::unseal::{SealAnswer, UnsealReply, UnsealRequest};
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

    fn index_of(&self, addr: &str) -> Option<usize> {
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

    /// A seal status read came back.
    pub fn on_reply(&mut self, reply: Reply, ctx: &ScreenCtx) -> Vec<Effect> {
        let Reply::Unseal(r) = reply else {
            return Vec::new();
        };
        match r {
            UnsealReply::SealStatus {
                addr,
                generation,
                result,
            } => {
                let Some(i) = self.index_of(&addr) else {
                    return Vec::new();
                };
                let p = &mut self.nodes[i];
                p.reading_since = None;
                // Overtaken by a submission: this read may predate its effect.
                if p.in_flight || generation != p.generation {
                    return Vec::new();
                }
                match result {
                    Ok(s) => {
                        p.error = None;
                        if p.unreachable {
                            p.unreachable = false;
                            let name = p.name.clone();
                            self.log
                                .push(ctx.now, &name, "status", None, "reachable again");
                        }
                        self.observe(i, s, ctx.now, None);
                    }
                    Err(e) => {
                        let text = sanitize(&e.to_string()).into_owned();
                        let newly = e.is_unreachable() && !p.unreachable;
                        p.unreachable = e.is_unreachable();
                        p.error = Some(text.clone());
                        if newly {
                            let name = p.name.clone();
                            self.notice(format!("{name}: unreachable ({text})"));
                            self.log.push(ctx.now, &name, "status", None, "unreachable");
                        }
                    }
                }
                Vec::new()
            }
            UnsealReply::LogSaved { path, result } => {
                let shown = sanitize(&path.display().to_string()).into_owned();
                match result {
                    Ok(bytes) => {
                        self.log.push(
                            ctx.now,
                            "cluster",
                            "save",
                            None,
                            format!("saved to {shown}"),
                        );
                        toast(
                            format!("ceremony log appended to {shown} ({bytes} bytes, mode 0600)"),
                            ToastLevel::Info,
                        )
                    }
                    Err(e) => toast(
                        format!("the ceremony log was not saved: {}", sanitize(&e)),
                        ToastLevel::Error,
                    ),
                }
            }
        }
    }

    /// A new seal status for node `i`: says so plainly when its round changed under us.
    fn observe(&mut self, i: usize, s: SealStatus, now: DateTime<Utc>, ours: Option<Pending>) {
        let Some(p) = self.nodes.get_mut(i) else {
            return;
        };
        let name = p.name.clone();
        let old = p.seal.take();
        let mut notice = None;
        let mut entry = None;
        if let Some(o) = &old {
            // Our share completed the threshold: the node may report progress 0 while it unseals.
            let threshold_reached = ours == Some(Pending::Share)
                && o.sealed
                && o.t > 0
                && o.progress + 1 >= o.t
                && s.progress == 0;
            let own_reset = ours == Some(Pending::Reset);
            if !own_reset && o.sealed && s.sealed && !o.nonce.is_empty() && s.nonce != o.nonce {
                if threshold_reached {
                    entry = Some((
                        "round",
                        "threshold reached: the node is unsealing".to_string(),
                    ));
                } else {
                    notice = Some(format!(
                        "{name}: the unseal round was reset or restarted elsewhere — progress is now {} of {}",
                        s.progress, s.t
                    ));
                    entry = Some(("round", "reset or restarted elsewhere".to_string()));
                }
            } else if ours.is_none() && o.sealed && !s.sealed {
                entry = Some(("status", "unsealed".to_string()));
            } else if ours.is_none() && !o.sealed && s.sealed {
                entry = Some(("status", "sealed".to_string()));
            }
        }
        let progress = s.sealed.then_some((s.progress, s.t));
        p.seal = Some(s);
        p.seal_at = Some(now);
        if let Some((action, outcome)) = entry {
            self.log.push(now, &name, action, progress, outcome);
        }
        if let Some(n) = notice {
            self.notice(n);
        }
    }

    /// The answer of a share or reset this screen sent.
    pub fn on_write(&mut self, outcome: WriteOutcome, ctx: &ScreenCtx) -> Vec<Effect> {
        let Some((kind, addrs)) = self.awaiting.take() else {
            return Vec::new();
        };
        let mut any_ok = false;
        for (addr, item) in addrs.iter().zip(outcome.items) {
            let Some(i) = self.index_of(addr) else {
                continue;
            };
            let before = self.nodes[i].progress();
            let name = self.nodes[i].name.clone();
            {
                let p = &mut self.nodes[i];
                p.in_flight = false;
                p.generation += 1;
            }
            match item.result {
                Ok(WriteResult::Seal(SealAnswer(s))) => {
                    any_ok = true;
                    self.nodes[i].error = None;
                    self.nodes[i].unreachable = false;
                    let s = *s;
                    let (sealed, p, t) = (s.sealed, s.progress, s.t);
                    self.observe(i, s, ctx.now, Some(kind));
                    let (action, outcome) = match kind {
                        Pending::Reset => ("reset", "progress back to 0"),
                        Pending::Share if !sealed => ("share", "accepted: unsealed"),
                        Pending::Share => ("share", "accepted"),
                    };
                    let progress = sealed.then_some((p, t));
                    self.log.push(ctx.now, &name, action, progress, outcome);
                }
                Ok(_) => {}
                Err(e) => {
                    let text = sanitize(&e.to_string()).into_owned();
                    let p = &mut self.nodes[i];
                    p.error = Some(text.clone());
                    let at_threshold = before.is_some_and(|(p, t)| t > 0 && p + 1 >= t);
                    let action = match kind {
                        Pending::Share => "share",
                        Pending::Reset => "reset",
                    };
                    if e.is_unreachable() {
                        p.unreachable = true;
                        self.notice(format!("{name}: unreachable — not delivered ({text})"));
                        self.log
                            .push(ctx.now, &name, action, before, "not delivered: unreachable");
                    } else if kind == Pending::Share && e.status() == Some(400) && at_threshold {
                        // The server resets the round when the threshold is reached with a
                        // wrong key set.
                        let t = before.map_or(0, |(_, t)| t);
                        if let Some(s) = p.seal.as_mut() {
                            s.progress = 0;
                            s.nonce.clear();
                        }
                        self.notice(format!(
                            "{name}: the threshold was reached with a wrong key set; the server said: {text} — progress is now 0 of {t}"
                        ));
                        self.log.push(
                            ctx.now,
                            &name,
                            action,
                            Some((0, t)),
                            "refused: wrong key set",
                        );
                    } else {
                        self.notice(format!("{name}: refused: {text}"));
                        self.log.push(ctx.now, &name, action, before, "refused");
                    }
                }
            }
        }
        if kind == Pending::Share && any_ok {
            self.accepted += 1;
            if self.holder_mode {
                self.input.0.clear();
                self.focus = Focus::NextHolder;
            }
        }
        Vec::new()
    }
}
