//! The runner: a pure state machine over a runbook's steps. Every transition takes the time as
//! an input and returns the journal [`Entry`]s to append (the caller writes them, fsynced,
//! BEFORE it acts on them: an action is journaled as started before its write is sent). A run
//! is rebuilt from its journal ([`Run::resume`]); an action journaled as started without a
//! result is never repeated by itself: the step is `Uncertain` until the responder checks.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::action::{ActionPlan, ArgValue, PlannedAction, ResolvedOp};
use super::journal::{Entry, Event};
use super::model::{Condition, InputKind, Runbook, StepKind, Template};
use crate::reply::WriteOutcome;
use crate::vault::models::wrapping::SecretText;

/// Minutes before the containment target from which the clock warns.
pub const WARN_MINUTES_BEFORE: i64 = 5;

/// A bound variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VarValue {
    Text(String),
    List(Vec<String>),
    Secret(SecretText),
}

/// Where a step is.
#[derive(Debug, Clone, PartialEq)]
pub enum StepStatus {
    Pending,
    /// A vault step whose plan the worker is making.
    Planning,
    /// A vault step with its plan, waiting for the responder (and the gate).
    Planned(Box<ActionPlan>),
    /// Its write was sent.
    Running(Box<ActionPlan>),
    Done,
    Skipped(String),
    Failed(String),
    /// Read-only rehearsal: shown, not executed.
    NotExecuted,
    /// Started before the console stopped, with no result in the journal: check on the server.
    Uncertain,
}

impl StepStatus {
    /// Finished with (done, skipped, rehearsed).
    pub fn settled(&self) -> bool {
        matches!(
            self,
            StepStatus::Done | StepStatus::Skipped(_) | StepStatus::NotExecuted
        )
    }

    pub fn label(&self) -> &'static str {
        match self {
            StepStatus::Pending => "pending",
            StepStatus::Planning => "preparing",
            StepStatus::Planned(_) => "ready",
            StepStatus::Running(_) => "running",
            StepStatus::Done => "done",
            StepStatus::Skipped(_) => "skipped",
            StepStatus::Failed(_) => "failed",
            StepStatus::NotExecuted => "not executed",
            StepStatus::Uncertain => "uncertain",
        }
    }
}

/// A step's run state.
#[derive(Debug, Clone, PartialEq)]
pub struct StepRun {
    pub status: StepStatus,
    /// When it settled (or failed).
    pub at: Option<DateTime<Utc>>,
    /// The result in words (an action's summary, a skip reason, an answer).
    pub result: Option<String>,
    /// Detail lines of an action's result.
    pub details: Vec<String>,
}

impl StepRun {
    fn new() -> Self {
        Self {
            status: StepStatus::Pending,
            at: None,
            result: None,
            details: Vec::new(),
        }
    }
}

/// How a run starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunStart {
    pub run_id: String,
    pub operator: String,
    pub context: String,
    pub detected_at: DateTime<Utc>,
    pub read_only: bool,
}

/// The containment clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockLevel {
    Ok,
    /// Within [`WARN_MINUTES_BEFORE`] of the target.
    Warn,
    /// Past the target, not contained.
    Over,
    /// Contained (within the target or not).
    Contained {
        in_time: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    /// Seconds since detection (until containment when contained).
    pub elapsed_secs: i64,
    pub target_secs: i64,
    pub level: ClockLevel,
}

/// A refused transition, in words for the screen.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RunError {
    #[error("the run is finished")]
    Finished,
    #[error("this step is not an {0} step")]
    WrongKind(&'static str),
    #[error("{0}")]
    Invalid(String),
    #[error("the phrase does not match: type \"{0}\"")]
    PhraseMismatch(String),
    #[error("nothing is waiting for that")]
    NotWaiting,
}

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

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
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

    /// Rebuild a run from its journal (the runbook must be the one it was started with).
    pub fn resume(runbook: Arc<Runbook>, entries: &[Entry]) -> Result<Run, String> {
        let first = entries.first().ok_or("the journal is empty")?;
        let Event::Started {
            run_id,
            runbook: rb,
            detected_at,
            read_only,
            context,
            ..
        } = &first.event
        else {
            return Err("the journal does not begin with the run's start".into());
        };
        if *rb != runbook.id {
            return Err(format!(
                "the journal is a run of \"{rb}\", not of \"{}\"",
                runbook.id
            ));
        }
        let parse = |s: &str| {
            DateTime::parse_from_rfc3339(s)
                .map(|t| t.with_timezone(&Utc))
                .map_err(|e| format!("bad time \"{s}\" in the journal: {e}"))
        };
        let mut run = Run {
            steps: runbook.steps.iter().map(|_| StepRun::new()).collect(),
            runbook,
            run_id: run_id.clone(),
            operator: first.operator.clone(),
            context: context.clone(),
            detected_at: parse(detected_at)?,
            started_at: parse(&first.at)?,
            read_only: *read_only,
            vars: BTreeMap::new(),
            contained_at: None,
            finished: None,
            seq: 0,
            journal: Vec::new(),
        };
        for e in entries {
            run.apply(e, parse(&e.at).ok());
            run.seq = run.seq.max(e.seq);
            run.journal.push(e.clone());
        }
        Ok(run)
    }

    /// Replay one journaled entry.
    fn apply(&mut self, e: &Entry, at: Option<DateTime<Utc>>) {
        let idx = e
            .step
            .as_deref()
            .and_then(|id| self.runbook.steps.iter().position(|s| s.id == id));
        match (&e.event, idx) {
            (Event::Input { var, value }, Some(i)) => {
                if let Some(v) = value {
                    let list = matches!(
                        self.runbook.steps[i].kind,
                        StepKind::Input {
                            input: InputKind::List,
                            ..
                        }
                    );
                    let bound = if list {
                        VarValue::List(super::action::split_list(v))
                    } else {
                        VarValue::Text(v.clone())
                    };
                    self.vars.insert(var.clone(), bound);
                }
                self.settle(i, StepStatus::Done, at, value.clone());
            }
            (Event::Done { note }, Some(i)) => self.settle(i, StepStatus::Done, at, note.clone()),
            (Event::Skipped { reason }, Some(i)) => {
                self.settle(
                    i,
                    StepStatus::Skipped(reason.clone()),
                    at,
                    Some(reason.clone()),
                );
            }
            (Event::ActionStarted { .. }, Some(i)) => {
                self.steps[i].status = StepStatus::Uncertain;
            }
            (
                Event::ActionResult {
                    ok,
                    summary,
                    details,
                    output,
                },
                Some(i),
            ) => {
                if let Some((var, items)) = output {
                    self.vars.insert(var.clone(), VarValue::List(items.clone()));
                }
                let status = if *ok {
                    StepStatus::Done
                } else {
                    StepStatus::Failed(summary.clone())
                };
                self.settle(i, status, at, Some(summary.clone()));
                self.steps[i].details = details.clone();
            }
            (Event::NotExecuted { summary, .. }, Some(i)) => {
                self.settle(i, StepStatus::NotExecuted, at, Some(summary.clone()));
            }
            (Event::Failed { error }, Some(i)) => {
                self.settle(
                    i,
                    StepStatus::Failed(error.clone()),
                    at,
                    Some(error.clone()),
                );
            }
            (Event::Reopened { .. }, Some(i)) => self.steps[i] = StepRun::new(),
            (Event::Contained { .. }, _) => self.contained_at = at,
            (Event::Finished { reason }, _) => self.finished = Some(reason.clone()),
            _ => {}
        }
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

    /// The step to work on: the first one not settled.
    pub fn current(&self) -> Option<usize> {
        if self.finished.is_some() {
            return None;
        }
        self.steps.iter().position(|s| !s.status.settled())
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
            let Some(i) = self.current() else { break };
            if matches!(self.steps[i].status, StepStatus::Pending)
                && let Some(c) = self.runbook.steps[i].when.clone()
                && !self.holds(&c)
            {
                let reason = format!("condition not met: {}", c.text());
                self.push(out, now, Some(i), Event::Skipped { reason });
                continue;
            }
            if let Some(j) = self.lost_secret_input(i) {
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

    /// The input step of a secret variable step `i` needs but the run no longer holds.
    fn lost_secret_input(&self, i: usize) -> Option<usize> {
        let StepKind::Vault { args, .. } = &self.runbook.steps[i].kind else {
            return None;
        };
        let used: Vec<String> = args
            .values()
            .flat_map(|t| t.vars().unwrap_or_default())
            .collect();
        self.runbook.steps[..i].iter().position(|s| {
            matches!(&s.kind, StepKind::Input { var, input: InputKind::Secret, .. }
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
        let mut out = Vec::new();
        self.push(&mut out, now, Some(i), Event::Skipped { reason });
        self.advance(now, &mut out);
        Ok(out)
    }

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
                .filter(|v| super::model::is_var_name(v));
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

    fn started_event(&self, op: super::model::Op, plan: &ActionPlan) -> Event {
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

impl Run {
    /// After [`Run::resume`]: what a transition would do first (skip steps whose condition does
    /// not hold, reopen an input whose secret the restart lost, record containment and the
    /// end), so that a vault step is never prepared without the secret it needs.
    pub fn resumed(&mut self, now: DateTime<Utc>) -> Vec<Entry> {
        let mut out = Vec::new();
        self.advance(now, &mut out);
        out
    }
}

/// RFC 3339, `now`, or an offset back (`-30m`, `-2h`, `-1d`, `-45s`).
pub fn parse_time(s: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    let s = s.trim();
    if s.eq_ignore_ascii_case("now") {
        return Ok(now);
    }
    if let Some(back) = s.strip_prefix('-') {
        let (n, unit) = back.split_at(back.len().saturating_sub(1));
        let n: i64 = n
            .parse()
            .map_err(|_| format!("\"{s}\" is not a time (RFC 3339, now, or -30m/-2h/-1d)"))?;
        let secs = match unit {
            "s" => n,
            "m" => n * 60,
            "h" => n * 3600,
            "d" => n * 86_400,
            _ => return Err(format!("\"{s}\": the unit is s, m, h or d")),
        };
        return Ok(now - chrono::Duration::seconds(secs.min(3650 * 86_400)));
    }
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| format!("\"{s}\" is not a time (RFC 3339, now, or -30m/-2h/-1d)"))
}
