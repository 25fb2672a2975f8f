//! The runner's `vault` step transitions: resolve the arguments, the plan, the gate, the write's
//! outcome, rehearsal, and the way out of a failed or uncertain step.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::{Run, RunError, StepStatus, VarValue};
use crate::reply::WriteOutcome;
use crate::runbook::action::{ActionPlan, ArgValue, PlannedAction, ResolvedOp};
use crate::runbook::journal::Entry;
use crate::runbook::journal::Event;
use crate::runbook::model::StepKind;

impl Run {
    /// Expand the current `vault` step's arguments for the worker. An argument that is exactly
    /// one variable keeps its kind (a list, a secret); others become text.
    pub fn resolve(&self) -> Result<ResolvedOp, RunError> {
        let i = self.current_or_err()?;
        let StepKind::Vault { op, args, .. } = &self.runbook.steps[i].kind else {
            return Err(RunError::WrongKind("vault"));
        };
        let mut out = BTreeMap::new();
        for (name, t) in args {
            let whole = t.as_str().trim();
            let single = whole
                .strip_prefix("{{")
                .and_then(|s| s.strip_suffix("}}"))
                .map(str::trim)
                .filter(|v| crate::runbook::model::is_var_name(v));
            let optional = op.args().iter().any(|a| a.name == name && !a.required);
            if let Some(v) = single
                && optional
                && self.var_text(v).is_none()
            {
                // An optional argument whose input was skipped: left out (the op's default).
                continue;
            }
            let value = match single.and_then(|v| self.vars.get(v)) {
                Some(VarValue::List(l)) => ArgValue::List(l.clone()),
                Some(VarValue::Secret(s)) => ArgValue::Secret(s.clone()),
                _ => {
                    for v in t.vars().unwrap_or_default() {
                        if matches!(self.vars.get(&v), Some(VarValue::Secret(_))) {
                            return Err(RunError::Invalid(format!(
                                "argument \"{name}\": a secret can only be a whole argument"
                            )));
                        }
                        if self.var_text(&v).is_none() {
                            // Never send a literal "{{var}}" (a skipped input, a lost secret).
                            return Err(RunError::Invalid(format!(
                                "argument \"{name}\": \"{v}\" is not set (answer its input step)"
                            )));
                        }
                    }
                    ArgValue::Text(self.expand(t))
                }
            };
            out.insert(name.clone(), value);
        }
        Ok(ResolvedOp { op: *op, args: out })
    }

    /// The current vault step's plan is being made.
    pub fn preparing(&mut self) -> Result<(), RunError> {
        let i = self.current_or_err()?;
        match self.steps[i].status {
            StepStatus::Pending | StepStatus::Failed(_) => {
                self.steps[i].status = StepStatus::Planning;
                Ok(())
            }
            _ => Err(RunError::NotWaiting),
        }
    }

    /// The plan arrived. A read-only result settles the step at once (its `out` bound); a
    /// plan with nothing to do too; a write waits for [`Run::executing`] or [`Run::rehearse`].
    pub fn planned(
        &mut self,
        now: DateTime<Utc>,
        plan: ActionPlan,
    ) -> Result<Vec<Entry>, RunError> {
        let i = self.current_or_err()?;
        if self.steps[i].status != StepStatus::Planning {
            return Err(RunError::NotWaiting);
        }
        let StepKind::Vault { op, out: var, .. } = &self.runbook.steps[i].kind else {
            return Err(RunError::WrongKind("vault"));
        };
        let (op, var) = (*op, var.clone());
        let mut out = Vec::new();
        match &plan.action {
            PlannedAction::Write(_) => {
                self.steps[i].status = StepStatus::Planned(Box::new(plan));
                return Ok(out);
            }
            PlannedAction::Nothing(note) => {
                let started = self.started_event(op, &plan);
                self.push(&mut out, now, Some(i), started);
                let result = Event::ActionResult {
                    ok: true,
                    summary: note.clone(),
                    details: plan.details.clone(),
                    output: None,
                };
                self.push(&mut out, now, Some(i), result);
            }
            PlannedAction::Result(r) => {
                let started = self.started_event(op, &plan);
                self.push(&mut out, now, Some(i), started);
                let result = Event::ActionResult {
                    ok: true,
                    summary: r.summary.clone(),
                    details: r.details.clone(),
                    output: var.map(|v| (v, r.output.clone())),
                };
                self.push(&mut out, now, Some(i), result);
            }
        }
        self.advance(now, &mut out);
        Ok(out)
    }

    fn started_event(&self, op: crate::runbook::model::Op, plan: &ActionPlan) -> Event {
        let args = self.resolve().map(|r| r.journal_args()).unwrap_or_default();
        Event::ActionStarted {
            op: op.name().into(),
            summary: plan.summary.clone(),
            args,
            cli: plan.cli.clone(),
        }
    }

    /// The plan could not be made (or the gate refused the write): the step failed.
    pub fn failed(&mut self, now: DateTime<Utc>, error: &str) -> Result<Vec<Entry>, RunError> {
        let i = self.current_or_err()?;
        let mut out = Vec::new();
        self.push(
            &mut out,
            now,
            Some(i),
            Event::Failed {
                error: error.to_string(),
            },
        );
        Ok(out)
    }

    /// The write passed the gate and is about to be sent: journal it as started first.
    pub fn executing(&mut self, now: DateTime<Utc>) -> Result<Vec<Entry>, RunError> {
        let i = self.current_or_err()?;
        let StepStatus::Planned(plan) = self.steps[i].status.clone() else {
            return Err(RunError::NotWaiting);
        };
        let StepKind::Vault { op, .. } = &self.runbook.steps[i].kind else {
            return Err(RunError::WrongKind("vault"));
        };
        let started = self.started_event(*op, &plan);
        let mut out = Vec::new();
        self.push(&mut out, now, Some(i), started);
        self.steps[i].status = StepStatus::Running(plan);
        Ok(out)
    }

    /// The responder cancelled at the gate: the plan waits again.
    pub fn gate_cancelled(&mut self) {
        if let Some(i) = self.current()
            && let StepStatus::Running(p) = self.steps[i].status.clone()
        {
            self.steps[i].status = StepStatus::Planned(p);
        }
    }

    /// Read-only rehearsal: record the planned write as not executed.
    pub fn rehearse(&mut self, now: DateTime<Utc>) -> Result<Vec<Entry>, RunError> {
        let i = self.current_or_err()?;
        let StepStatus::Planned(plan) = self.steps[i].status.clone() else {
            return Err(RunError::NotWaiting);
        };
        let StepKind::Vault { op, .. } = &self.runbook.steps[i].kind else {
            return Err(RunError::WrongKind("vault"));
        };
        let ev = Event::NotExecuted {
            op: op.name().into(),
            summary: plan.summary.clone(),
            cli: plan.cli.clone(),
        };
        let mut out = Vec::new();
        self.push(&mut out, now, Some(i), ev);
        self.advance(now, &mut out);
        Ok(out)
    }

    /// The write's outcome: done when every item succeeded, else failed (retry re-plans).
    pub fn written(
        &mut self,
        now: DateTime<Utc>,
        outcome: &WriteOutcome,
    ) -> Result<Vec<Entry>, RunError> {
        let i = self.current_or_err()?;
        if !matches!(self.steps[i].status, StepStatus::Running(_)) {
            return Err(RunError::NotWaiting);
        }
        let ok = outcome.failed() == 0;
        let details: Vec<String> = outcome
            .items
            .iter()
            .map(|it| match &it.result {
                Ok(_) => format!("{}: ok", it.item),
                Err(e) => format!("{}: {}", it.item, crate::sanitize::sanitize(&e.to_string())),
            })
            .collect();
        let mut out = Vec::new();
        let ev = Event::ActionResult {
            ok,
            summary: crate::sanitize::sanitize(&outcome.message()).into_owned(),
            details,
            output: None,
        };
        self.push(&mut out, now, Some(i), ev);
        if ok {
            self.advance(now, &mut out);
        }
        Ok(out)
    }

    /// Open the current failed or uncertain step again (it is re-planned; nothing repeats by
    /// itself).
    pub fn retry(&mut self, now: DateTime<Utc>) -> Result<Vec<Entry>, RunError> {
        let i = self.current_or_err()?;
        if !matches!(
            self.steps[i].status,
            StepStatus::Failed(_) | StepStatus::Uncertain
        ) {
            return Err(RunError::NotWaiting);
        }
        let mut out = Vec::new();
        let reason = "tried again by the responder".to_string();
        self.push(&mut out, now, Some(i), Event::Reopened { reason });
        // A secret the plan needs and a restart lost: its input step opens again.
        self.advance(now, &mut out);
        Ok(out)
    }

    /// An uncertain step (started before a restart) checked by the responder and found done.
    pub fn confirm_done(&mut self, now: DateTime<Utc>) -> Result<Vec<Entry>, RunError> {
        let i = self.current_or_err()?;
        if self.steps[i].status != StepStatus::Uncertain {
            return Err(RunError::NotWaiting);
        }
        let mut out = Vec::new();
        let ev = Event::ActionResult {
            ok: true,
            summary: "checked by the responder after a restart: done".into(),
            details: Vec::new(),
            output: None,
        };
        self.push(&mut out, now, Some(i), ev);
        self.advance(now, &mut out);
        Ok(out)
    }
}
