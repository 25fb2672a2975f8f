//! What the unseal screen does with answers: status reads (a nonce that changed between
//! submissions is said plainly; a read that a submission overtook is dropped) and the outcome
//! of its writes (a wrong key set at the threshold, a node that went away).

use chrono::{DateTime, Utc};

use super::{Focus, Pending, UnsealScreen};
use crate::app::ToastLevel;
use crate::reply::{Reply, WriteOutcome, WriteResult};
use crate::sanitize::sanitize;
use crate::ui::screens::{Effect, ScreenCtx};
use crate::vault::models::sys::SealStatus;
use crate::vault::unseal::{SealAnswer, UnsealReply};

fn toast(text: impl Into<String>, level: ToastLevel) -> Vec<Effect> {
    vec![Effect::Toast(text.into(), level)]
}

impl UnsealScreen {
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
