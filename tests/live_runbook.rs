//! The runbooks screen against a real dev server, in process: the app's commands run as the
//! runtime runs them (journal appends synchronously, in order; writes and reads through a real
//! worker). The prepare job of `token.revoke_accessor` is answered by this test's own helper
//! (the plan ops' prepare makes: one revoke-accessor write), so the screen, the gate, the
//! journal and the real revoke are checked together: the journal holds the action as started
//! BEFORE the write reaches the worker, the token is revoked, and a run rebuilt from a journal
//! that stops between "started" and the result never repeats the revoke by itself.
// Test crate: helpers outside #[test] fns fail the test with a message via expect.
#![allow(clippy::expect_used)]

mod common;
#[path = "common/health_fixtures.rs"]
mod health_fixtures;
#[allow(dead_code)]
#[path = "common/render_app.rs"]
mod render_app;
mod runbook_screen_support;
mod tokens_support;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use crossterm::event::KeyCode;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use common::dev::DevServer;
use runbook_screen_support::{enter, key, run, typed};
use strongroom::app::{App, Mode};
use strongroom::command::Command;
use strongroom::event::Msg;
use strongroom::jobs::{JobEvent, JobProgress, JobReport, JobSpec};
use strongroom::runbook::journal::{self, Event};
use strongroom::runbook::model::Op;
use strongroom::runbook::{ActionPlan, PlannedAction, StepStatus};
use strongroom::ui::screens::runbook::RunbookEnv;
use strongroom::vault::worker::{Worker, WorkerHandle};
use strongroom::write_gate::token::TokenMutation;
use strongroom::write_gate::{Mutation, Write};
use tokens_support::{app_for, create, lookup};

/// This test's stand-in for ops' prepare of `token.revoke_accessor`.
fn revoke_plan(addr: &str, accessors: &[String]) -> ActionPlan {
    let writes = accessors
        .iter()
        .map(|a| {
            Mutation::Token(TokenMutation::RevokeAccessor {
                addr: addr.to_string(),
                accessor: a.clone(),
                name: "leaked".into(),
                own: false,
                bulk: accessors.len() > 1,
            })
        })
        .collect();
    ActionPlan {
        summary: format!("revoke {} token(s) by accessor", accessors.len()),
        details: Vec::new(),
        cli: accessors
            .iter()
            .map(|a| format!("bao token revoke -accessor {a}"))
            .collect(),
        action: PlannedAction::Write(Write::Batch(writes)),
    }
}

struct Rig {
    app: App,
    handle: WorkerHandle,
    rx: mpsc::UnboundedReceiver<Msg>,
    /// Messages this rig makes itself (the stand-in prepare's answers).
    local: Vec<Msg>,
    /// For every write sent: did the journal already hold its action as started?
    journaled_before_write: Vec<bool>,
    journal: std::path::PathBuf,
}

impl Rig {
    /// Run commands as the runtime does.
    fn exec(&mut self, cmds: Vec<Command>) {
        for c in cmds {
            match c {
                Command::AppendJournal { path, entries } => {
                    self.journal = path.clone();
                    journal::append(&path, &entries).expect("append");
                }
                Command::StartJob {
                    ticket,
                    spec: JobSpec::RunbookPrepare(spec),
                } if spec.op.op == Op::TokenRevokeAccessor => {
                    let plan = revoke_plan(&spec.addr, &spec.op.items("accessors"));
                    self.local.push(Msg::Job {
                        ticket: ticket.clone(),
                        event: JobEvent::Report(Box::new(JobReport::RunbookPlan(plan))),
                    });
                    self.local.push(Msg::Job {
                        ticket,
                        event: JobEvent::Done(JobProgress::default()),
                    });
                }
                c @ Command::Write { .. } => {
                    let started = journal::read(&self.journal)
                        .map(|r| {
                            r.entries
                                .iter()
                                .any(|e| matches!(e.event, Event::ActionStarted { .. }))
                        })
                        .unwrap_or(false);
                    self.journaled_before_write.push(started);
                    self.handle.send(&c);
                }
                other => self.handle.send(&other),
            }
        }
    }

    fn update(&mut self, msg: Msg) {
        let cmds = self.app.update(msg);
        self.exec(cmds);
    }

    /// Apply messages until `ready` (bounded in count and time).
    async fn until(&mut self, what: &str, ready: impl Fn(&App) -> bool) {
        for _ in 0..500 {
            if ready(&self.app) {
                return;
            }
            let msg = if self.local.is_empty() {
                tokio::time::timeout(Duration::from_secs(30), self.rx.recv())
                    .await
                    .unwrap_or_else(|_| panic!("no message within 30 s waiting for {what}"))
                    .expect("the channel stays open")
            } else {
                self.local.remove(0)
            };
            self.update(msg);
        }
        panic!("no end after 500 messages waiting for {what}");
    }

    fn keys(&mut self, cmds: Vec<Command>) {
        self.exec(cmds);
    }
}

fn rig(dev: &DevServer, runs: &Path) -> Rig {
    let mut app = app_for(std::slice::from_ref(&dev.addr), &dev.root_token, false);
    app.runbooks = RunbookEnv {
        library: Arc::new(strongroom::runbook::library::builtin()),
        runs_dir: runs.to_path_buf(),
        operator: "alice".into(),
        ..Default::default()
    };
    let worker = Worker::new(&app.profile).expect("worker");
    let (tx, rx) = mpsc::unbounded_channel();
    let handle = WorkerHandle::spawn(worker, tx, CancellationToken::new());
    Rig {
        app,
        handle,
        rx,
        local: Vec::new(),
        journaled_before_write: Vec::new(),
        journal: runs.join("none.jsonl"),
    }
}

fn revoke_status(app: &App) -> StepStatus {
    run(app).run.steps[3].status.clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_revoke_is_journaled_before_it_is_sent_and_happens_on_the_server() {
    let dev = DevServer::start();
    let leaked = create(&dev, "leaked", &["default"], "1h");
    let runs = tempfile::tempdir().expect("tempdir");
    let mut r = rig(&dev, runs.path());
    let start = r.app.start();
    r.exec(start);
    r.until("an active node", |a| a.cluster.api_addr().is_some())
        .await;

    let cmds = r.app.run_command("runbook leaked-vault-token");
    r.keys(cmds);
    for _ in 0..3 {
        let c = enter(&mut r.app); // start, scope done, the accessors prompt
        r.keys(c);
    }
    let c = typed(&mut r.app, &leaked.accessor);
    r.keys(c);
    for _ in 0..3 {
        let c = enter(&mut r.app); // the accessors, the exposure prompt, its default
        r.keys(c);
    }
    r.until("the revoke planned", |a| {
        matches!(revoke_status(a), StepStatus::Planned(_))
    })
    .await;
    let c = enter(&mut r.app);
    r.keys(c);
    assert_eq!(r.app.mode, Mode::Confirm);
    r.update(key(KeyCode::Char('y')));
    assert_eq!(r.journaled_before_write, vec![true]);
    r.until("the revoke's outcome", |a| {
        revoke_status(a) == StepStatus::Done
    })
    .await;
    assert_eq!(
        lookup(&dev, &leaked.accessor).0,
        400,
        "revoked on the server"
    );
    let entries = journal::read(&r.journal).expect("journal").entries;
    let results = entries
        .iter()
        .filter(|e| matches!(e.event, Event::ActionResult { ok: true, .. }))
        .count();
    assert_eq!(results, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_stopped_between_started_and_result_never_repeats_the_revoke() {
    let dev = DevServer::start();
    let leaked = create(&dev, "leaked", &["default"], "1h");
    let runs = tempfile::tempdir().expect("tempdir");
    let mut r = rig(&dev, runs.path());
    let start = r.app.start();
    r.exec(start);
    r.until("an active node", |a| a.cluster.api_addr().is_some())
        .await;
    let cmds = r.app.run_command("runbook leaked-vault-token");
    r.keys(cmds);
    for _ in 0..3 {
        let c = enter(&mut r.app);
        r.keys(c);
    }
    let c = typed(&mut r.app, &leaked.accessor);
    r.keys(c);
    for _ in 0..3 {
        let c = enter(&mut r.app);
        r.keys(c);
    }
    r.until("the revoke planned", |a| {
        matches!(revoke_status(a), StepStatus::Planned(_))
    })
    .await;
    let c = enter(&mut r.app);
    r.keys(c);
    // The gate lets it go: the journal is written, then the console dies before the write.
    let cmds = r.app.update(key(KeyCode::Char('y')));
    let journal_first: Vec<Command> = cmds
        .into_iter()
        .filter(|c| matches!(c, Command::AppendJournal { .. }))
        .collect();
    r.exec(journal_first);
    drop(r);

    // A new console: the run is offered, and resumes uncertain.
    let mut r = rig(&dev, runs.path());
    r.app.runbooks.unfinished = journal::unfinished(runs.path());
    assert_eq!(r.app.runbooks.unfinished.len(), 1);
    let start = r.app.start();
    r.exec(start);
    r.until("an active node", |a| a.cluster.api_addr().is_some())
        .await;
    let cmds = r.app.run_command("runbook");
    r.keys(cmds);
    let c = enter(&mut r.app);
    r.keys(c);
    assert_eq!(revoke_status(&r.app), StepStatus::Uncertain);
    // Enter does not send anything: it says to check.
    let c = enter(&mut r.app);
    assert!(
        !c.iter()
            .any(|c| matches!(c, Command::Write { .. } | Command::StartJob { .. })),
        "{c:?}"
    );
    r.keys(c);
    assert_eq!(lookup(&dev, &leaked.accessor).0, 200, "never sent");
    // r plans it again; only enter and the gate send it.
    let c = r.app.update(key(KeyCode::Char('r')));
    r.keys(c);
    r.until("planned again", |a| {
        matches!(revoke_status(a), StepStatus::Planned(_))
    })
    .await;
    let c = enter(&mut r.app);
    r.keys(c);
    r.update(key(KeyCode::Char('y')));
    r.until("revoked", |a| revoke_status(a) == StepStatus::Done)
        .await;
    assert_eq!(lookup(&dev, &leaked.accessor).0, 400);
}
