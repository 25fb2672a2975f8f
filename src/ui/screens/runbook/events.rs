//! What comes back to a run: the gate letting its write go (journaled as started first), the
//! write's outcome, the prepare job's plan; and the keys that only read the run (`o`, `n`).

use chrono::{DateTime, Utc};

use super::actions::toast;
use super::{RunbookScreen, View};
use crate::app::ToastLevel;
use crate::jobs::{JobEvent, JobReport};
use crate::reply::WriteOutcome;
use crate::runbook::model::StepKind;
use crate::runbook::{Run, StepStatus, report};
use crate::sanitize::sanitize;
use crate::ui::screens::{Effect, ScreenCtx};

impl RunbookScreen {
    /// The gate lets the planned write go: journal the action as started first.
    pub fn on_write_sent(&mut self, ctx: &ScreenCtx) -> Vec<Effect> {
        let View::Run(r) = &mut self.view else {
            return Vec::new();
        };
        let result = r.run.executing(ctx.now);
        self.settle(result, None)
    }

    /// The write's outcome.
    pub fn on_write(&mut self, outcome: &WriteOutcome, ctx: &ScreenCtx) -> Vec<Effect> {
        let View::Run(r) = &mut self.view else {
            return Vec::new();
        };
        let result = r.run.written(ctx.now, outcome);
        self.settle(result, Some(ctx))
    }

    /// The prepare job's plan, or its failure.
    pub fn on_job(&mut self, what: &str, event: JobEvent, ctx: &ScreenCtx) -> Vec<Effect> {
        let View::Run(r) = &mut self.view else {
            return Vec::new();
        };
        // Only the current step's own preparation counts.
        let planning = r.run.current().is_some_and(|i| {
            r.run.steps[i].status == StepStatus::Planning
                && what == super::actions::prepare_key(&r.run.runbook.steps[i].id)
        });
        if !planning {
            return Vec::new();
        }
        let result = match event {
            JobEvent::Report(rep) => match *rep {
                JobReport::RunbookPlan(plan) => r.run.planned(ctx.now, plan),
                _ => return Vec::new(),
            },
            JobEvent::Failed(e) => {
                let msg = format!("the plan could not be made: {}", sanitize(&e.to_string()));
                r.run.failed(ctx.now, &msg)
            }
            JobEvent::Done(_) => r.run.failed(ctx.now, "the prepare job gave no plan"),
            JobEvent::Progress(_) | JobEvent::Partial(_) => return Vec::new(),
        };
        self.settle(result, Some(ctx))
    }
}

/// `o`: the manual step's `:` command.
pub(super) fn open_command(run: &Run) -> Vec<Effect> {
    let open = run
        .current()
        .and_then(|i| match &run.runbook.steps[i].kind {
            StepKind::Manual { open } => open.clone(),
            _ => None,
        });
    match open {
        Some(cmd) => vec![Effect::Command(cmd)],
        None => toast("this step opens no screen", ToastLevel::Info),
    }
}

/// `n`: the current notify step's message (else the first notify step's).
pub(super) fn copy_notify(run: &Run, now: DateTime<Utc>) -> Vec<Effect> {
    let is_notify = |i: &usize| matches!(run.runbook.steps[*i].kind, StepKind::Notify { .. });
    let step = run
        .current()
        .filter(is_notify)
        .or_else(|| (0..run.runbook.steps.len()).find(is_notify));
    match step {
        Some(i) => vec![Effect::copy(
            "notify message",
            report::notify_message(run, i, now),
        )],
        None => toast("this runbook has no notify step", ToastLevel::Info),
    }
}
