//! What the raft screen does with actions, typed keys, the clock, its job's events and the
//! outcomes of its writes. No I/O here: writes, jobs and polls leave as effects.

use std::path::PathBuf;

use crossterm::event::KeyEvent;

use super::{
    Awaiting, PeerRow, Prompt, PromptKind, RESTORE_SETTLE_MS, RaftScreen, SAVE_JOB, SaveJob,
    human_bytes, peers,
};
use crate::action::Action;
use crate::app::ToastLevel;
use crate::input::LineInput;
use crate::jobs::{JobEvent, JobReport, JobSpec};
use crate::reply::WriteOutcome;
use crate::ui::screens::{Effect, ScreenCtx};
use crate::write_gate::raft::RaftMutation;
use crate::write_gate::{Mutation, Write};

fn toast(text: impl Into<String>, level: ToastLevel) -> Vec<Effect> {
    vec![Effect::Toast(text.into(), level)]
}

impl RaftScreen {
    pub fn on_open(&mut self, _ctx: &ScreenCtx) -> Vec<Effect> {
        vec![Effect::RefreshCluster]
    }

    pub fn on_action(&mut self, a: Action, ctx: &ScreenCtx) -> Option<Vec<Effect>> {
        if let Some(p) = &self.prompt {
            return Some(match a {
                Action::Select => {
                    let (kind, text) = (p.kind, p.line.text.trim().to_string());
                    self.prompt = None;
                    self.prompt_done(kind, text, ctx)
                }
                Action::Back => {
                    self.prompt = None;
                    Vec::new()
                }
                _ => Vec::new(),
            });
        }
        let rows = peers(ctx.cluster);
        Some(match a {
            Action::Down => {
                self.selected = (self.selected + 1).min(rows.len().saturating_sub(1));
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
                self.selected = rows.len().saturating_sub(1);
                Vec::new()
            }
            Action::Refresh => vec![Effect::RefreshCluster],
            Action::RemovePeer | Action::PromotePeer | Action::DemotePeer => {
                self.peer_write(a, rows.get(self.selected), ctx)
            }
            Action::SaveSnapshot => {
                if self.job.is_some() {
                    return Some(toast(
                        "a snapshot is being saved: esc cancels it",
                        ToastLevel::Info,
                    ));
                }
                let name =
                    crate::vault::snapshot::default_file_name(&ctx.cluster.display_name(), ctx.now);
                self.prompt = Some(Prompt {
                    kind: PromptKind::Save,
                    line: LineInput::with_text(&name),
                });
                Vec::new()
            }
            Action::RestoreSnapshot | Action::ForceRestoreSnapshot => {
                let kind = if a == Action::RestoreSnapshot {
                    PromptKind::Restore
                } else {
                    PromptKind::ForceRestore
                };
                let offer = self
                    .last_path
                    .clone()
                    .or_else(|| {
                        self.last_saved
                            .as_ref()
                            .map(|s| s.path.display().to_string())
                    })
                    .unwrap_or_default();
                self.prompt = Some(Prompt {
                    kind,
                    line: LineInput::with_text(&offer),
                });
                Vec::new()
            }
            Action::Back if self.job.is_some() => {
                self.job = None;
                self.notice("snapshot save cancelled: the partial file is removed".into());
                vec![Effect::CancelJob {
                    what: SAVE_JOB.into(),
                }]
            }
            _ => return None,
        })
    }

    /// Writes and jobs go to the active node only (a restore on a standby seals it; a
    /// standby's snapshot is its own raft state).
    fn active_addr(ctx: &ScreenCtx) -> Result<String, Vec<Effect>> {
        match ctx.cluster.active() {
            Some(n) if n.discovered => Err(toast(
                "the active node was discovered, not configured: add it with --addr",
                ToastLevel::Warn,
            )),
            Some(n) => Ok(n.addr.clone()),
            None => Err(toast(
                "no active node known: wait for the cluster poll",
                ToastLevel::Warn,
            )),
        }
    }

    fn peer_write(&mut self, a: Action, row: Option<&PeerRow>, ctx: &ScreenCtx) -> Vec<Effect> {
        let Some(row) = row else {
            return toast("select a peer first", ToastLevel::Info);
        };
        let addr = match Self::active_addr(ctx) {
            Ok(a) => a,
            Err(e) => return e,
        };
        let id = row.server_id.clone();
        let m = match a {
            Action::RemovePeer if row.leader => {
                return toast(
                    format!(
                        "{} is the leader: step it down first (D on the health screen)",
                        row.id
                    ),
                    ToastLevel::Warn,
                );
            }
            Action::RemovePeer => RaftMutation::RemovePeer { addr, id },
            Action::PromotePeer => RaftMutation::Promote { addr, id },
            _ => RaftMutation::Demote { addr, id },
        };
        self.awaiting = Some(Awaiting::Peer(row.id.clone()));
        vec![Effect::Write(Write::One(Mutation::Raft(m)))]
    }

    fn prompt_done(&mut self, kind: PromptKind, text: String, ctx: &ScreenCtx) -> Vec<Effect> {
        if text.is_empty() {
            return toast("no file named", ToastLevel::Warn);
        }
        let addr = match Self::active_addr(ctx) {
            Ok(a) => a,
            Err(e) => return e,
        };
        let path = PathBuf::from(&text);
        match kind {
            PromptKind::Save => {
                self.job = Some(SaveJob {
                    path: path.clone(),
                    bytes: 0,
                });
                vec![Effect::StartJob {
                    what: SAVE_JOB.into(),
                    spec: JobSpec::SaveSnapshot { addr, path },
                }]
            }
            PromptKind::Restore | PromptKind::ForceRestore => {
                self.last_path = Some(text);
                self.awaiting = Some(Awaiting::Restore(crate::write_gate::raft::file_name(&path)));
                vec![Effect::Write(Write::One(Mutation::Raft(
                    RaftMutation::Restore {
                        addr,
                        path,
                        force: kind == PromptKind::ForceRestore,
                    },
                )))]
            }
        }
    }

    /// Typed keys: to the path prompt.
    pub fn on_text_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        if let Some(p) = &mut self.prompt {
            p.line.handle_key(key);
        }
        Vec::new()
    }

    pub fn on_paste(&mut self, text: &str) {
        if let Some(p) = &mut self.prompt {
            p.line.insert_str(text);
        }
    }

    /// The clock: a restore settles, then the cluster is read again.
    pub fn on_tick(&mut self, ctx: &ScreenCtx) -> Vec<Effect> {
        match self.restoring_since {
            Some(t) if (ctx.now - t).num_milliseconds() >= RESTORE_SETTLE_MS => {
                self.restoring_since = None;
                self.notice("restore finished on the server side: cluster read again".into());
                vec![Effect::RefreshCluster]
            }
            _ => Vec::new(),
        }
    }

    pub fn on_job(&mut self, what: &str, event: JobEvent, _ctx: &ScreenCtx) -> Vec<Effect> {
        if what != SAVE_JOB {
            return Vec::new();
        }
        match event {
            JobEvent::Progress(p) => {
                if let Some(j) = &mut self.job {
                    j.bytes = p.done;
                }
                Vec::new()
            }
            JobEvent::Report(r) => {
                if let JobReport::Snapshot(saved) = *r {
                    self.notice(format!(
                        "snapshot saved: {} ({})",
                        crate::write_gate::raft::file_name(&saved.path),
                        human_bytes(saved.bytes)
                    ));
                    self.last_saved = Some(saved);
                }
                Vec::new()
            }
            JobEvent::Done(_) => {
                self.job = None;
                toast("snapshot saved", ToastLevel::Info)
            }
            JobEvent::Failed(e) => {
                self.job = None;
                let text = format!("snapshot save failed: {e}");
                self.notice(text.clone());
                toast(text, ToastLevel::Error)
            }
            JobEvent::Partial(_) => Vec::new(),
        }
    }

    pub fn on_write(&mut self, outcome: WriteOutcome, ctx: &ScreenCtx) -> Vec<Effect> {
        let Some(awaiting) = self.awaiting.take() else {
            return vec![Effect::RefreshCluster];
        };
        let failed = outcome.first_error().map(ToString::to_string);
        match (awaiting, failed) {
            (Awaiting::Restore(file), None) => {
                self.restoring_since = Some(ctx.now);
                self.notice(format!(
                    "restoring {file}… the server accepted it and restores for a few seconds"
                ));
            }
            (Awaiting::Peer(id), None) => {
                self.notice(format!(
                    "{}: done for {id} (promote / demote: autopilot applies it in a few seconds)",
                    outcome.summary
                ));
            }
            (Awaiting::Restore(what) | Awaiting::Peer(what), Some(e)) => {
                self.notice(format!("{what}: {e}"));
            }
        }
        vec![Effect::RefreshCluster]
    }

    /// A write (or the snapshot save, in read-only mode) was refused or cancelled.
    pub fn write_abandoned(&mut self) {
        self.awaiting = None;
        if self.job.as_ref().is_some_and(|j| j.bytes == 0) {
            self.job = None;
        }
    }
}
