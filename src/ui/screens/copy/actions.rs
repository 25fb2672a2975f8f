//! What the copy screen does: start the dry run, take its plan, submit the copy through the
//! gate with `enter`, take the worker's per-item report; `esc` cancels a running dry run
//! (then goes back); `ctrl-r` plans again.

use super::{CopyPhase, CopyScreen};
use crate::action::Action;
use crate::app::ToastLevel;
use crate::jobs::{JobEvent, JobReport, JobSpec};
use crate::reply::WriteOutcome;
use crate::sanitize::sanitize;
use crate::ui::screens::{Effect, ScreenCtx};
use crate::vault::VaultError;
use crate::write_gate::{Mutation, Write};

pub const HINTS: &[Action] = &[
    Action::Help,
    Action::Select,
    Action::Refresh,
    Action::Back,
    Action::Quit,
];

/// The key of the dry-run job.
pub const PLAN_JOB: &str = "plan copy";

impl CopyScreen {
    /// Opened (or planned again): the dry run.
    pub fn on_open(&mut self, ctx: &ScreenCtx) -> Vec<Effect> {
        if self.addr.is_empty() {
            match ctx.cluster.api_addr() {
                Some(a) => self.addr = a,
                None => {
                    self.phase = CopyPhase::Failed(VaultError::NotAsked("no node to ask"));
                    return Vec::new();
                }
            }
        }
        self.phase = CopyPhase::Planning(Default::default());
        self.plan = None;
        self.outcome = None;
        self.scroll = 0;
        vec![Effect::StartJob {
            what: PLAN_JOB.into(),
            spec: JobSpec::PlanCopy {
                addr: self.addr.clone(),
                sources: self.sources.clone(),
                dst: self.dst.clone(),
            },
        }]
    }

    pub fn on_action(&mut self, a: Action, ctx: &ScreenCtx) -> Option<Vec<Effect>> {
        match a {
            Action::Up => self.move_scroll(-1),
            Action::Down => self.move_scroll(1),
            Action::PageUp => self.move_scroll(-10),
            Action::PageDown => self.move_scroll(10),
            Action::Top => self.scroll = 0,
            Action::Bottom => self.move_scroll(isize::MAX),
            Action::Select => return Some(self.submit()),
            Action::Refresh => {
                let mut effects = self.cancel_plan();
                effects.extend(self.on_open(ctx));
                return Some(effects);
            }
            Action::Back if matches!(self.phase, CopyPhase::Planning(_)) => {
                let mut effects = self.cancel_plan();
                self.phase = CopyPhase::Failed(VaultError::NotAsked("dry run cancelled"));
                effects.push(Effect::Toast("dry run cancelled".into(), ToastLevel::Info));
                return Some(effects);
            }
            _ => return None,
        }
        Some(Vec::new())
    }

    fn cancel_plan(&mut self) -> Vec<Effect> {
        if matches!(self.phase, CopyPhase::Planning(_)) {
            vec![Effect::CancelJob {
                what: PLAN_JOB.into(),
            }]
        } else {
            Vec::new()
        }
    }

    /// `enter` on a plan: one write through the gate (it confirms, or refuses in read-only
    /// mode). Again while waiting: sent again (the gate says when one is pending).
    fn submit(&mut self) -> Vec<Effect> {
        if !matches!(self.phase, CopyPhase::Planned | CopyPhase::Submitted) {
            return Vec::new();
        }
        let Some(plan) = &self.plan else {
            return Vec::new();
        };
        if plan.copy_count() == 0 {
            return vec![Effect::Toast("nothing to copy".into(), ToastLevel::Warn)];
        }
        if self.delete_source
            && let Err(why) = plan.movable()
        {
            return vec![Effect::Toast(why, ToastLevel::Warn)];
        }
        self.phase = CopyPhase::Submitted;
        self.progress = None;
        vec![Effect::Write(Write::One(Mutation::CopySecrets {
            plan: Box::new(plan.clone()),
            delete_source: self.delete_source,
        }))]
    }

    /// An event of the dry run.
    pub fn on_job(&mut self, what: &str, event: JobEvent, _ctx: &ScreenCtx) -> Vec<Effect> {
        if what == crate::app::WRITE_PROGRESS {
            if let (CopyPhase::Submitted, JobEvent::Progress(p)) = (&self.phase, event) {
                self.progress = Some(p);
            }
            return Vec::new();
        }
        if what != PLAN_JOB || !matches!(self.phase, CopyPhase::Planning(_)) {
            return Vec::new();
        }
        match event {
            JobEvent::Progress(p) => self.phase = CopyPhase::Planning(p),
            JobEvent::Report(r) => {
                if let JobReport::CopyPlan(plan) = *r {
                    self.plan = Some(plan);
                }
            }
            JobEvent::Partial(_) => {}
            JobEvent::Done(_) => {
                self.phase = match self.plan {
                    Some(_) => CopyPhase::Planned,
                    None => {
                        CopyPhase::Failed(VaultError::Decode("the dry run sent no plan".into()))
                    }
                }
            }
            JobEvent::Failed(e) => {
                let msg = format!("dry run failed: {}", sanitize(&e.to_string()));
                self.phase = CopyPhase::Failed(e);
                return vec![Effect::Toast(msg, ToastLevel::Warn)];
            }
        }
        Vec::new()
    }

    /// The worker's report of the copy.
    pub fn on_write(&mut self, outcome: WriteOutcome) -> Vec<Effect> {
        self.outcome = Some(outcome);
        self.phase = CopyPhase::Finished;
        self.progress = None;
        self.scroll = 0;
        Vec::new()
    }
}
