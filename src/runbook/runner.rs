//! The runner: a pure state machine over a runbook's steps. Every transition takes the time as
//! an input and returns the journal [`Entry`]s to append (the caller writes them, fsynced,
//! BEFORE it acts on them: an action is journaled as started before its write is sent). A run
//! is rebuilt from its journal ([`Run::resume`]); an action journaled as started without a
//! result is never repeated by itself: the step is `Uncertain` until the responder checks.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::journal::{Entry, Event};
use super::model::{Condition, InputKind, Runbook, StepKind, Template};
use crate::vault::models::wrapping::SecretText;

#[path = "runner_actions.rs"]
mod actions;
#[path = "runner_resume.rs"]
mod resume;
#[path = "runner_types.rs"]
mod types;

use types::rfc3339;
pub use types::{
    Clock, ClockLevel, RunError, RunStart, StepRun, StepStatus, VarValue, WARN_MINUTES_BEFORE,
    parse_time,
};

/// A run of one runbook.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub runbook: Arc<Runbook>,
    pub run_id: String,
    pub operator: String,
    pub context: String,
    pub detected_at: DateTime<Utc>,
    pub started_at: DateTime<Utc>,
    pub read_only: bool,
    pub steps: Vec<StepRun>,
    vars: BTreeMap<String, VarValue>,
    pub contained_at: Option<DateTime<Utc>>,
    pub finished: Option<String>,
    seq: u64,
    /// Every entry of the run (as journaled), for the report.
    pub journal: Vec<Entry>,
}

impl Run {
    /// Begin a run: the `Started` entry, and any leading steps whose condition does not hold.
    pub fn start(runbook: Arc<Runbook>, s: RunStart, now: DateTime<Utc>) -> (Run, Vec<Entry>) {
        let mut run = Run {
            steps: runbook.steps.iter().map(|_| StepRun::new()).collect(),
            runbook,
            run_id: s.run_id,
            operator: s.operator,
            context: s.context,
            detected_at: s.detected_at,
            started_at: now,
            read_only: s.read_only,
            vars: BTreeMap::new(),
            contained_at: None,
            finished: None,
            seq: 0,
            journal: Vec::new(),
        };
        let mut out = Vec::new();
        let started = Event::Started {
            run_id: run.run_id.clone(),
            runbook: run.runbook.id.clone(),
            title: run.runbook.title.clone(),
            detected_at: rfc3339(run.detected_at),
            read_only: run.read_only,
            containment_minutes: run.runbook.containment_minutes,
            context: run.context.clone(),
        };
        run.push(&mut out, now, None, started);
        run.advance(now, &mut out);
        (run, out)
    }

    fn settle(
        &mut self,
        i: usize,
        status: StepStatus,
        at: Option<DateTime<Utc>>,
        result: Option<String>,
    ) {
        let s = &mut self.steps[i];
        s.status = status;
        s.at = at;
        s.result = result;
    }

    fn push(&mut self, out: &mut Vec<Entry>, now: DateTime<Utc>, step: Option<usize>, ev: Event) {
        self.seq += 1;
        let entry = Entry {
            seq: self.seq,
            at: rfc3339(now),
            operator: self.operator.clone(),
            step: step.map(|i| self.runbook.steps[i].id.clone()),
            event: ev,
        };
        let at = Some(now);
        self.apply(&entry, at);
        self.journal.push(entry.clone());
        out.push(entry);
    }

    /// The step to work on: the first one not settled, passing over a pending step whose
    /// condition does not hold (the next transition journals it as skipped). When that step
    /// needs a secret a restart lost, its input step, to enter the secret again. Right after
    /// [`Run::resume`] this holds too, before [`Run::resumed`] journals it.
    pub fn current(&self) -> Option<usize> {
        if self.finished.is_some() {
            return None;
        }
        for i in 0..self.steps.len() {
            if self.steps[i].status.settled() || self.condition_fails(i) {
                continue;
            }
            // An uncertain step is checked first; only a step to (re)plan needs its secret.
            if matches!(
                self.steps[i].status,
                StepStatus::Pending | StepStatus::Failed(_)
            ) && let Some(j) = self.lost_secret_input(i)
            {
                return Some(j);
            }
            return Some(i);
        }
        None
    }

    /// The first step not settled (conditions and secrets aside).
    fn first_unsettled(&self) -> Option<usize> {
        if self.finished.is_some() {
            return None;
        }
        self.steps.iter().position(|s| !s.status.settled())
    }

    /// Step `i` is pending and its condition does not hold: it is to be skipped.
    fn condition_fails(&self, i: usize) -> bool {
        matches!(self.steps[i].status, StepStatus::Pending)
            && self.runbook.steps[i]
                .when
                .as_ref()
                .is_some_and(|c| !self.holds(c))
    }

    /// After [`Run::resume`]: journal what the journal's end left undone (steps whose condition
    /// does not hold are skipped, an input whose secret the restart lost is reopened,
    /// containment and the end recorded). The caller appends the entries.
    pub fn resumed(&mut self, now: DateTime<Utc>) -> Vec<Entry> {
        let mut out = Vec::new();
        self.advance(now, &mut out);
        out
    }

    /// A variable as text for display and templates (a secret shows as `(secret)`).
    pub fn var_text(&self, name: &str) -> Option<String> {
        match name {
            "detected_at" => return Some(rfc3339(self.detected_at)),
            "operator" => return Some(self.operator.clone()),
            "runbook" => return Some(self.runbook.title.clone()),
            _ => {}
        }
        self.vars.get(name).map(|v| match v {
            VarValue::Text(t) => t.clone(),
            VarValue::List(l) => l.join(", "),
            VarValue::Secret(_) => "(secret)".into(),
        })
    }

    /// The plain (non-secret) variables and their values, in name order.
    pub fn plain_vars(&self) -> Vec<(String, String)> {
        self.vars
            .iter()
            .filter(|(_, v)| !matches!(v, VarValue::Secret(_)))
            .filter_map(|(k, _)| self.var_text(k).map(|v| (k.clone(), v)))
            .collect()
    }

    /// A template with this run's variables.
    pub fn expand(&self, t: &Template) -> String {
        t.expand(&|n| self.var_text(n))
    }

    fn holds(&self, c: &Condition) -> bool {
        let v = self.var_text(c.var()).unwrap_or_default();
        match c {
            Condition::Equals { value, .. } => v.eq_ignore_ascii_case(value),
            Condition::NotEquals { value, .. } => !v.eq_ignore_ascii_case(value),
            Condition::Set { .. } => {
                let t = v.trim();
                !t.is_empty() && !t.eq_ignore_ascii_case("no") && !t.eq_ignore_ascii_case("false")
            }
        }
    }

    /// Skip steps whose condition fails, reopen an input whose secret a restart lost, record
    /// containment and the end.
    fn advance(&mut self, now: DateTime<Utc>, out: &mut Vec<Entry>) {
        // Bounded: each pass settles or reopens one step.
        for _ in 0..=self.steps.len() * 2 {
            let Some(i) = self.first_unsettled() else {
                break;
            };
            if self.condition_fails(i)
                && let Some(c) = self.runbook.steps[i].when.clone()
            {
                let reason = format!("condition not met: {}", c.text());
                self.push(out, now, Some(i), Event::Skipped { reason });
                continue;
            }
            if matches!(
                self.steps[i].status,
                StepStatus::Pending | StepStatus::Failed(_)
            ) && let Some(j) = self.lost_secret_input(i)
            {
                let reason = "a secret is not kept across restarts: enter it again".to_string();
                self.push(out, now, Some(j), Event::Reopened { reason });
                continue;
            }
            break;
        }
        if self.contained_at.is_none() && self.containment_done() {
            let minutes = (now - self.detected_at).num_minutes().max(0) as u64;
            self.push(out, now, None, Event::Contained { minutes });
        }
        if self.finished.is_none() && self.current().is_none() {
            let reason = "every step is done or skipped".to_string();
            self.push(out, now, None, Event::Finished { reason });
        }
    }

    /// The answered input step of a secret variable step `i` needs but the run no longer
    /// holds (a restart lost it). A skipped input is not lost: its variable is just unset.
    fn lost_secret_input(&self, i: usize) -> Option<usize> {
        let StepKind::Vault { args, .. } = &self.runbook.steps[i].kind else {
            return None;
        };
        let used: Vec<String> = args
            .values()
            .flat_map(|t| t.vars().unwrap_or_default())
            .collect();
        self.runbook.steps[..i]
            .iter()
            .zip(&self.steps[..i])
            .position(|(s, r)| {
                r.status == StepStatus::Done
                    && matches!(&s.kind, StepKind::Input { var, input: InputKind::Secret, .. }
                    if used.contains(var) && !self.vars.contains_key(var))
            })
    }

    fn containment_done(&self) -> bool {
        let mut any = false;
        for (s, r) in self.runbook.steps.iter().zip(&self.steps) {
            if s.contains {
                any = true;
                if !r.status.settled() {
                    return false;
                }
            }
        }
        any
    }

    /// The containment clock at `now`.
    pub fn clock(&self, now: DateTime<Utc>) -> Clock {
        let target = i64::from(self.runbook.containment_minutes) * 60;
        let end = self.contained_at.unwrap_or(now);
        let elapsed = (end - self.detected_at).num_seconds().max(0);
        let level = if self.contained_at.is_some() {
            ClockLevel::Contained {
                in_time: elapsed <= target,
            }
        } else if elapsed > target {
            ClockLevel::Over
        } else if elapsed >= target - WARN_MINUTES_BEFORE * 60 {
            ClockLevel::Warn
        } else {
            ClockLevel::Ok
        };
        Clock {
            elapsed_secs: elapsed,
            target_secs: target,
            level,
        }
    }

    fn current_or_err(&self) -> Result<usize, RunError> {
        self.current().ok_or(RunError::Finished)
    }

    /// Answer the current `input` step.
    pub fn answer(&mut self, now: DateTime<Utc>, value: &str) -> Result<Vec<Entry>, RunError> {
        let i = self.current_or_err()?;
        let StepKind::Input {
            var,
            input,
            choices,
            optional,
            ..
        } = self.runbook.steps[i].kind.clone()
        else {
            return Err(RunError::WrongKind("input"));
        };
        let v = value.trim();
        if v.is_empty() && !optional {
            return Err(RunError::Invalid("an answer is needed".into()));
        }
        let (bound, journaled) = match input {
            InputKind::Secret => (VarValue::Secret(SecretText::from(value)), None),
            InputKind::Text => (VarValue::Text(v.to_string()), Some(v.to_string())),
            InputKind::Choice => {
                let Some(c) = choices.iter().find(|c| c.eq_ignore_ascii_case(v)) else {
                    return Err(RunError::Invalid(format!(
                        "answer one of: {}",
                        choices.join(", ")
                    )));
                };
                (VarValue::Text(c.clone()), Some(c.clone()))
            }
            InputKind::Time => {
                let t = if v.is_empty() {
                    String::new()
                } else {
                    rfc3339(parse_time(v, now).map_err(RunError::Invalid)?)
                };
                (VarValue::Text(t.clone()), Some(t))
            }
            InputKind::List => {
                let items = super::action::split_list(v);
                let text = items.join(", ");
                (VarValue::List(items), Some(text))
            }
        };
        let mut out = Vec::new();
        self.push(
            &mut out,
            now,
            Some(i),
            Event::Input {
                var: var.clone(),
                value: journaled,
            },
        );
        // Bound after the entry, so that replaying the entry does not overwrite a secret.
        self.vars.insert(var, bound);
        self.advance(now, &mut out);
        Ok(out)
    }

    /// Complete the current `manual` or `notify` step.
    pub fn complete(
        &mut self,
        now: DateTime<Utc>,
        note: Option<String>,
    ) -> Result<Vec<Entry>, RunError> {
        let i = self.current_or_err()?;
        match &self.runbook.steps[i].kind {
            StepKind::Manual { .. } | StepKind::Notify { .. } => {}
            _ => return Err(RunError::WrongKind("manual or notify")),
        }
        let mut out = Vec::new();
        self.push(&mut out, now, Some(i), Event::Done { note });
        self.advance(now, &mut out);
        Ok(out)
    }

    /// The current `confirm` step's phrase, expanded.
    pub fn confirm_phrase(&self) -> Option<String> {
        let i = self.current()?;
        match &self.runbook.steps[i].kind {
            StepKind::Confirm { phrase } => Some(self.expand(phrase)),
            _ => None,
        }
    }

    /// Type the current `confirm` step's phrase.
    pub fn confirm(&mut self, now: DateTime<Utc>, typed: &str) -> Result<Vec<Entry>, RunError> {
        let i = self.current_or_err()?;
        let phrase = self
            .confirm_phrase()
            .ok_or(RunError::WrongKind("confirm"))?;
        if typed.trim() != phrase.trim() {
            return Err(RunError::PhraseMismatch(phrase));
        }
        let mut out = Vec::new();
        let note = Some(format!("typed \"{phrase}\""));
        self.push(&mut out, now, Some(i), Event::Done { note });
        self.advance(now, &mut out);
        Ok(out)
    }

    /// Skip the current step with the responder's reason.
    pub fn skip(&mut self, now: DateTime<Utc>, reason: &str) -> Result<Vec<Entry>, RunError> {
        let i = self.current_or_err()?;
        let reason = if reason.trim().is_empty() {
            "skipped by the responder".to_string()
        } else {
            reason.trim().to_string()
        };
        if matches!(self.steps[i].status, StepStatus::Running(_)) {
            return Err(RunError::Invalid(
                "the action is running: wait for its result".into(),
            ));
        }
        if self.steps[i].status == StepStatus::Uncertain {
            return Err(RunError::Invalid(
                "the action may have run before the restart: check on the server, then try it again or mark it done".into(),
            ));
        }
        let mut out = Vec::new();
        self.push(&mut out, now, Some(i), Event::Skipped { reason });
        self.advance(now, &mut out);
        Ok(out)
    }

    /// End the run before every step is settled.
    pub fn close(&mut self, now: DateTime<Utc>, reason: &str) -> Vec<Entry> {
        let mut out = Vec::new();
        if self.finished.is_none() {
            let reason = reason.to_string();
            self.push(&mut out, now, None, Event::Finished { reason });
        }
        out
    }

    /// The report was written to `path`.
    pub fn reported(&mut self, now: DateTime<Utc>, path: &str) -> Vec<Entry> {
        let mut out = Vec::new();
        let path = path.to_string();
        self.push(&mut out, now, None, Event::Reported { path });
        out
    }
}
