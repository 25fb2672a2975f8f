//! A scripted responder for runner tests: answers inputs, completes manual and notify steps,
//! types confirmation phrases, and plays the worker for `vault` steps with hand-built plans and
//! outcomes. Pure and on a fixed clock: every transition advances the time by `tick_secs`.
#![allow(dead_code, clippy::expect_used)]

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};

use strongroom::reply::{ItemResult, WriteOutcome, WriteResult};
use strongroom::runbook::journal::Entry;
use strongroom::runbook::library;
use strongroom::runbook::model::{Op, Runbook, StepKind};
use strongroom::runbook::{
    ActionPlan, ActionResult, PlannedAction, ResolvedOp, Run, RunStart, StepStatus,
};
use strongroom::vault::VaultError;
use strongroom::write_gate::{Mutation, Write};

/// Never to be found in a journal, a report or a message.
pub const CANARY: &str = "strongroom-canary-7f3a9e-runbook-secret";

/// The detection time of every scripted run.
pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 6, 10, 0, 0)
        .single()
        .expect("a valid time")
}

pub fn builtin(id: &str) -> Arc<Runbook> {
    library::builtin()
        .get(id)
        .cloned()
        .unwrap_or_else(|| panic!("no built-in runbook {id}"))
}

/// What an uncertain step (started before a restart) gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UncertainPolicy {
    ConfirmDone,
    Retry,
}

/// The responder's answers and the worker's results.
#[derive(Debug, Clone)]
pub struct Script {
    /// Step id → answer (inputs); a missing input takes its default, else "".
    pub answers: BTreeMap<String, String>,
    /// Step ids the responder skips.
    pub skip: Vec<String>,
    /// What `audit.search` finds (bound to its `out`).
    pub readers: Vec<String>,
    /// Step ids whose first write fails (then retried).
    pub fail_once: Vec<String>,
    pub uncertain: UncertainPolicy,
}

impl Script {
    pub fn new(answers: &[(&str, &str)]) -> Self {
        Self {
            answers: answers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            skip: Vec::new(),
            readers: Vec::new(),
            fail_once: Vec::new(),
            uncertain: UncertainPolicy::ConfirmDone,
        }
    }

    pub fn readers(mut self, r: &[&str]) -> Self {
        self.readers = r.iter().map(|s| s.to_string()).collect();
        self
    }

    pub fn skipping(mut self, id: &str) -> Self {
        self.skip.push(id.to_string());
        self
    }

    pub fn failing_once(mut self, id: &str) -> Self {
        self.fail_once.push(id.to_string());
        self
    }
}

/// A run being driven, with every entry it journaled (in order) and what each vault step was
/// resolved to.
pub struct Driver {
    pub run: Run,
    pub entries: Vec<Entry>,
    pub now: DateTime<Utc>,
    pub tick_secs: i64,
    pub resolved: BTreeMap<String, ResolvedOp>,
    /// Entries per transition, as the runtime would append them.
    pub batches: Vec<Vec<Entry>>,
    failed: Vec<String>,
}

pub fn plan_for(op: &ResolvedOp, script: &Script) -> ActionPlan {
    let summary = format!("{} {}", op.op.name(), summary_args(op));
    let cli = vec![format!("bao {}", op.op.name())];
    if op.op.read_only() {
        let n = script.readers.len();
        return ActionPlan {
            summary: summary.clone(),
            details: vec![format!("searched 2 files")],
            cli,
            action: PlannedAction::Result(ActionResult {
                summary: format!("{} requests by {n} tokens", 3 * n),
                details: script
                    .readers
                    .iter()
                    .map(|r| format!("token {r}: 3 requests"))
                    .collect(),
                output: script.readers.clone(),
            }),
        };
    }
    ActionPlan {
        summary,
        details: vec!["one write".into()],
        cli,
        action: PlannedAction::Write(Write::One(Mutation::SealNode {
            addr: "http://127.0.0.1:8200".into(),
        })),
    }
}

fn summary_args(op: &ResolvedOp) -> String {
    op.journal_args()
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn outcome(op: Op, ok: bool) -> WriteOutcome {
    WriteOutcome {
        summary: format!("{} on 127.0.0.1:8200", op.name()),
        items: vec![ItemResult {
            item: "127.0.0.1:8200".into(),
            result: if ok {
                Ok(WriteResult::Done)
            } else {
                Err(VaultError::Http {
                    status: 503,
                    errors: vec!["Vault is sealed".into()],
                })
            },
        }],
    }
}

impl Driver {
    pub fn start(id: &str, read_only: bool) -> Self {
        let (run, entries) = Run::start(
            builtin(id),
            RunStart {
                run_id: format!("run-{id}"),
                operator: "alice".into(),
                context: "sandbox".into(),
                detected_at: t0(),
                read_only,
            },
            t0() + Duration::seconds(30),
        );
        Self {
            run,
            batches: vec![entries.clone()],
            entries,
            now: t0() + Duration::seconds(30),
            tick_secs: 30,
            resolved: BTreeMap::new(),
            failed: Vec::new(),
        }
    }

    /// Continue a run resumed from `entries` (journaling what the resume left undone).
    pub fn resume(id: &str, entries: &[Entry], now: DateTime<Utc>) -> Self {
        let mut run = Run::resume(builtin(id), entries).expect("resume");
        let more = run.resumed(now);
        let mut all = entries.to_vec();
        all.extend(more.iter().cloned());
        Self {
            run,
            entries: all,
            now,
            tick_secs: 30,
            resolved: BTreeMap::new(),
            batches: vec![more],
            failed: Vec::new(),
        }
    }

    fn tick(&mut self) -> DateTime<Utc> {
        self.now += Duration::seconds(self.tick_secs);
        self.now
    }

    fn take(&mut self, e: Vec<Entry>) {
        self.entries.extend(e.iter().cloned());
        self.batches.push(e);
    }

    pub fn current_id(&self) -> Option<String> {
        self.run
            .current()
            .map(|i| self.run.runbook.steps[i].id.clone())
    }

    /// One responder action on the current step; false when the run has no current step.
    pub fn step(&mut self, script: &Script) -> bool {
        let Some(i) = self.run.current() else {
            return false;
        };
        let step = self.run.runbook.steps[i].clone();
        let now = self.tick();
        if script.skip.contains(&step.id) {
            let e = self.run.skip(now, "not needed here").expect("skip");
            self.take(e);
            return true;
        }
        match &step.kind {
            StepKind::Input { default, .. } => {
                let answer = script.answers.get(&step.id).cloned().unwrap_or_else(|| {
                    default
                        .as_ref()
                        .map(|d| self.run.expand(d))
                        .unwrap_or_default()
                });
                let e = self.run.answer(now, &answer).expect("answer");
                self.take(e);
            }
            StepKind::Manual { .. } | StepKind::Notify { .. } => {
                let e = self.run.complete(now, None).expect("complete");
                self.take(e);
            }
            StepKind::Confirm { .. } => {
                let phrase = self.run.confirm_phrase().expect("a phrase");
                assert!(self.run.confirm(now, "not the phrase").is_err());
                let e = self.run.confirm(now, &phrase).expect("confirm");
                self.take(e);
            }
            StepKind::Vault { op, .. } => self.vault_step(&step.id, *op, script),
        }
        true
    }

    fn vault_step(&mut self, id: &str, op: Op, script: &Script) {
        let i = self.run.current().expect("current");
        let now = self.now;
        match self.run.steps[i].status.clone() {
            StepStatus::Uncertain => {
                let e = match script.uncertain {
                    UncertainPolicy::ConfirmDone => self.run.confirm_done(now),
                    UncertainPolicy::Retry => self.run.retry(now),
                }
                .expect("settle the uncertain step");
                self.take(e);
                return;
            }
            StepStatus::Failed(_) => {
                let e = self.run.retry(now).expect("retry");
                self.take(e);
                return;
            }
            _ => {}
        }
        let resolved = self.run.resolve().expect("resolve");
        self.resolved.insert(id.to_string(), resolved.clone());
        self.run.preparing().expect("preparing");
        let plan = plan_for(&resolved, script);
        let e = self.run.planned(now, plan).expect("planned");
        self.take(e);
        if !matches!(self.run.steps[i].status, StepStatus::Planned(_)) {
            return;
        }
        if self.run.read_only {
            let e = self.run.rehearse(now).expect("rehearse");
            self.take(e);
            return;
        }
        let e = self.run.executing(now).expect("executing");
        self.take(e);
        let fail = script.fail_once.iter().any(|f| f == id) && !self.failed.iter().any(|f| f == id);
        if fail {
            self.failed.push(id.to_string());
        }
        let now = self.tick();
        let e = self.run.written(now, &outcome(op, !fail)).expect("written");
        self.take(e);
    }

    /// Drive to the end (bounded).
    pub fn finish(&mut self, script: &Script) {
        for _ in 0..200 {
            if !self.step(script) {
                break;
            }
        }
        assert!(self.run.finished.is_some(), "the run finished");
    }

    pub fn status(&self, id: &str) -> StepStatus {
        let i = self
            .run
            .runbook
            .steps
            .iter()
            .position(|s| s.id == id)
            .unwrap_or_else(|| panic!("no step {id}"));
        self.run.steps[i].status.clone()
    }

    /// Every journal line, as written to disk.
    pub fn journal_text(&self) -> String {
        self.entries
            .iter()
            .map(|e| format!("{}\n", e.to_line()))
            .collect()
    }
}
