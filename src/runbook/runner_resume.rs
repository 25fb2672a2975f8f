//! Rebuilding a run from its journal.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::{Run, StepRun, StepStatus, VarValue};
use crate::runbook::journal::{Entry, Event};
use crate::runbook::model::{InputKind, Runbook, StepKind};

impl Run {
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
    pub(super) fn apply(&mut self, e: &Entry, at: Option<DateTime<Utc>>) {
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
                        VarValue::List(crate::runbook::action::split_list(v))
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
}
