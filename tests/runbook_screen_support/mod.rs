//! Shared by the runbook screen tests: the app on the healthy fixture cluster at the fixed clock
//! with the built-in library (and optional extra runbooks) and a temporary runs dir, keys, and
//! the walk of the leaked-vault-token runbook up to its planned revoke (a hand-made plan: the
//! prepare job is the worker's).
#![allow(dead_code)]

use std::path::Path;
use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use strongroom::app::App;
use strongroom::command::{Command, Ticket};
use strongroom::event::Msg;
use strongroom::jobs::{JobEvent, JobProgress, JobReport, JobSpec};
use strongroom::runbook::journal::Entry;
use strongroom::runbook::library;
use strongroom::runbook::model::RunbookSource;
use strongroom::runbook::{ActionPlan, PlannedAction};
use strongroom::ui::screens::Screen;
use strongroom::ui::screens::runbook::{RunState, RunbookEnv, RunbookScreen, View};
use strongroom::write_gate::token::TokenMutation;
use strongroom::write_gate::{Mutation, Write};

use super::render_app;

pub const ACCESSOR: &str = "hJx3dT0kAccessorFixture01";

/// The app with the runbook library (built-ins plus `extra` runbook files) and runs in `runs`.
pub fn app_with(runs: &Path, extra: &[(&str, &str)]) -> App {
    let mut app = render_app::base_app();
    let mut lib = library::builtin();
    for (name, text) in extra {
        let id = name.trim_end_matches(".toml");
        let rb = strongroom::runbook::loader::parse_runbook(
            text,
            name,
            id,
            RunbookSource::User(runs.join(name)),
        )
        .expect("the test runbook loads");
        lib.runbooks.push(Arc::new(rb));
    }
    app.runbooks = RunbookEnv {
        library: Arc::new(lib),
        runs_dir: runs.to_path_buf(),
        unfinished: Vec::new(),
        taken: Default::default(),
        operator: "alice".into(),
    };
    app
}

pub fn app(runs: &Path) -> App {
    app_with(runs, &[])
}

pub fn key(c: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(c, KeyModifiers::NONE))
}

pub fn enter(app: &mut App) -> Vec<Command> {
    app.update(key(KeyCode::Enter))
}

pub fn typed(app: &mut App, s: &str) -> Vec<Command> {
    let mut out = Vec::new();
    for c in s.chars() {
        out.extend(app.update(key(KeyCode::Char(c))));
    }
    out
}

pub fn screen(app: &App) -> &RunbookScreen {
    match app.screen() {
        Screen::Runbook(s) => s,
        other => panic!("not on the runbooks screen: {}", other.title()),
    }
}

pub fn run(app: &App) -> &RunState {
    match &screen(app).view {
        View::Run(r) => r,
        other => panic!("not in a run: {other:?}"),
    }
}

/// The journal entries of these commands, in order.
pub fn journaled(cmds: &[Command]) -> Vec<Entry> {
    cmds.iter()
        .flat_map(|c| match c {
            Command::AppendJournal { entries, .. } => entries.clone(),
            _ => Vec::new(),
        })
        .collect()
}

/// The prepare job these commands start.
pub fn prepare_job(cmds: &[Command]) -> Option<Ticket> {
    cmds.iter().find_map(|c| match c {
        Command::StartJob {
            ticket,
            spec: JobSpec::RunbookPrepare(_),
        } => Some(ticket.clone()),
        _ => None,
    })
}

/// The revoke plan ops' prepare job answers for one accessor.
pub fn revoke_plan(app: &App) -> ActionPlan {
    let addr = app.cluster.api_addr().expect("an active node");
    ActionPlan {
        summary: "revoke 1 token by accessor (its whole tree)".into(),
        details: vec![format!(
            "revoke ci-deployer · policies default, deploy · accessor {ACCESSOR}"
        )],
        cli: vec![format!("bao token revoke -accessor {ACCESSOR}")],
        action: PlannedAction::Write(Write::Batch(vec![Mutation::Token(
            TokenMutation::RevokeAccessor {
                addr,
                accessor: ACCESSOR.into(),
                name: "ci-deployer".into(),
                own: false,
                bulk: false,
            },
        )])),
    }
}

/// Feed the prepare job's plan (report, then done).
pub fn answer_plan(app: &mut App, ticket: &Ticket, plan: ActionPlan) -> Vec<Command> {
    let mut out = app.update(Msg::Job {
        ticket: ticket.clone(),
        event: JobEvent::Report(Box::new(JobReport::RunbookPlan(plan))),
    });
    out.extend(app.update(Msg::Job {
        ticket: ticket.clone(),
        event: JobEvent::Done(JobProgress::default()),
    }));
    out
}

/// `:runbook leaked-vault-token`, the start form (detection `detected`, rehearsal on or off),
/// then the scope and the two inputs: the revoke step is being prepared. Returns every command
/// so far and the prepare job's ticket.
pub fn to_revoke(app: &mut App, detected: &str, rehearsal: bool) -> (Vec<Command>, Ticket) {
    let mut cmds = app.run_command("runbook leaked-vault-token");
    app.update(key(KeyCode::End));
    for _ in 0..3 {
        app.update(key(KeyCode::Backspace));
    }
    typed(app, detected);
    if rehearsal {
        app.update(key(KeyCode::Tab));
    }
    cmds.extend(enter(app)); // starts: scope is current
    cmds.extend(enter(app)); // scope done
    cmds.extend(enter(app)); // the accessors prompt
    cmds.extend(typed(app, ACCESSOR));
    cmds.extend(enter(app));
    cmds.extend(enter(app)); // exposed since: the default -24h
    cmds.extend(enter(app));
    let ticket = prepare_job(&cmds).expect("the revoke step is being prepared");
    (cmds, ticket)
}
