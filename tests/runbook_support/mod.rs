//! Drives a runbook run against a real server without a terminal: the pure runner, the real
//! worker's prepare job (`JobSpec::RunbookPrepare`) and writes (`Worker::write`), and the real
//! journal on disk (every transition's entries appended, fsynced, before acting). Answers
//! come from a map (input var → answer); manual and notify steps are completed; confirm
//! steps get their phrase typed. What each vault step planned is kept for the test to check.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use strongroom::jobs::{JobEvent, JobReport, JobSpec};
use strongroom::runbook::journal::{self, Entry};
use strongroom::runbook::model::StepKind;
use strongroom::runbook::{ActionPlan, PlannedAction, PrepareSpec, Run, RunStart, Runbook};
use strongroom::vault::worker::Worker;
use strongroom::write_gate::Risk;
use tokio_util::sync::CancellationToken;

/// A vault step as it went: its id, its plan, the gate's risk of its write.
#[derive(Debug, Clone)]
pub struct Executed {
    pub step: String,
    pub plan: ActionPlan,
    pub risk: Option<Risk>,
}

pub struct Driver {
    pub run: Run,
    pub journal: PathBuf,
    pub executed: Vec<Executed>,
    pub addr: String,
}

pub fn now() -> DateTime<Utc> {
    Utc::now()
}

impl Driver {
    pub fn start(
        runbook: Arc<Runbook>,
        addr: &str,
        dir: &std::path::Path,
        read_only: bool,
    ) -> Self {
        let start = RunStart {
            run_id: format!("{}-test", runbook.id),
            operator: "test-responder".into(),
            context: "test".into(),
            detected_at: now() - chrono::Duration::minutes(3),
            read_only,
        };
        let (run, entries) = Run::start(runbook, start, now());
        let journal = journal::path_for(&journal::runs_dir(dir), &run.run_id);
        let d = Driver {
            run,
            journal,
            executed: Vec::new(),
            addr: addr.to_string(),
        };
        d.append(&entries);
        d
    }

    fn append(&self, entries: &[Entry]) {
        journal::append(&self.journal, entries).expect("append to the journal");
    }

    /// Prepare the current vault step through the real worker's job.
    pub async fn prepare(&mut self, worker: &Worker) -> Result<ActionPlan, String> {
        let op = self.run.resolve().map_err(|e| e.to_string())?;
        self.run.preparing().map_err(|e| e.to_string())?;
        let spec = JobSpec::RunbookPrepare(Box::new(PrepareSpec {
            addr: self.addr.clone(),
            addrs: vec![self.addr.clone()],
            op,
        }));
        let mut plan = None;
        let mut emit = |e: JobEvent| {
            if let JobEvent::Report(r) = e
                && let JobReport::RunbookPlan(p) = *r
            {
                plan = Some(p);
            }
        };
        let end =
            strongroom::vault::jobs::run(worker, spec, &CancellationToken::new(), &mut emit).await;
        match (end, plan) {
            (JobEvent::Done(_), Some(p)) => Ok(p),
            (JobEvent::Failed(e), _) => Err(e.to_string()),
            (other, p) => Err(format!(
                "the prepare job ended with {other:?} (plan: {p:?})"
            )),
        }
    }

    /// Run every step to the end (bounded), answering inputs from `answers`.
    pub async fn run_all(&mut self, worker: &Worker, answers: &BTreeMap<&str, &str>) {
        for _ in 0..200 {
            let Some(i) = self.run.current() else { return };
            let step = self.run.runbook.steps[i].clone();
            let entries = match &step.kind {
                StepKind::Manual { .. } | StepKind::Notify { .. } => {
                    self.run.complete(now(), None).expect("complete")
                }
                StepKind::Input {
                    var,
                    default,
                    optional,
                    ..
                } => {
                    let answer = match answers.get(var.as_str()) {
                        Some(a) => a.to_string(),
                        None => match default {
                            Some(d) => self.run.expand(d),
                            None if *optional => String::new(),
                            None => panic!("no answer for the input \"{var}\" of step {}", step.id),
                        },
                    };
                    self.run
                        .answer(now(), &answer)
                        .unwrap_or_else(|e| panic!("step {}: {e}", step.id))
                }
                StepKind::Confirm { .. } => {
                    let phrase = self.run.confirm_phrase().expect("a phrase");
                    self.run.confirm(now(), &phrase).expect("confirm")
                }
                StepKind::Vault { .. } => {
                    let plan = self
                        .prepare(worker)
                        .await
                        .unwrap_or_else(|e| panic!("step {}: prepare failed: {e}", step.id));
                    let write = match &plan.action {
                        PlannedAction::Write(w) => Some(w.clone()),
                        _ => None,
                    };
                    self.executed.push(Executed {
                        step: step.id.clone(),
                        plan: plan.clone(),
                        risk: write.as_ref().map(|w| w.spec().risk),
                    });
                    let mut entries = self.run.planned(now(), plan).expect("planned");
                    if let Some(w) = write {
                        if self.run.read_only {
                            entries.extend(self.run.rehearse(now()).expect("rehearse"));
                        } else {
                            // Journaled as started BEFORE the write goes out.
                            let started = self.run.executing(now()).expect("executing");
                            self.append(&started);
                            let outcome = worker.write(&w, &mut |_| {}).await;
                            assert_eq!(
                                outcome.failed(),
                                0,
                                "step {}: {}",
                                step.id,
                                outcome.message()
                            );
                            entries.extend(self.run.written(now(), &outcome).expect("written"));
                        }
                    }
                    entries
                }
            };
            self.append(&entries);
        }
        panic!("the run did not end within 200 transitions");
    }

    pub fn plan_of(&self, step: &str) -> Option<&Executed> {
        self.executed.iter().find(|e| e.step == step)
    }

    /// The journal's text as on disk.
    pub fn journal_text(&self) -> String {
        std::fs::read_to_string(&self.journal).expect("read the journal")
    }
}
