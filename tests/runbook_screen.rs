//! The runbooks screen without a server: update flows. `:runbook ID` → the start form → a run;
//! every transition's journal entries leave as `AppendJournal` commands; a planned write goes to
//! the gate and is journaled as started only when the gate lets it go (the journal command
//! before the write command, in the same batch); cancelling at the gate journals nothing; a
//! rehearsal never emits a write; a secret input's value is in no command and no journal entry;
//! resume from stored entries; the report. Render snapshots are in `render_runbook.rs`.
// Test crate: helpers outside #[test] fns fail the test with a message via expect.
#![allow(clippy::expect_used)]

#[path = "common/health_fixtures.rs"]
mod health_fixtures;
#[allow(dead_code)]
#[path = "common/render_app.rs"]
mod render_app;
mod runbook_screen_support;

use crossterm::event::KeyCode;

use runbook_screen_support::*;
use strongroom::app::Mode;
use strongroom::command::Command;
use strongroom::event::Msg;
use strongroom::reply::{ItemResult, Reply, WriteOutcome, WriteResult};
use strongroom::runbook::StepStatus;
use strongroom::runbook::journal::{Event, StoredRun};
use strongroom::ui::screens::runbook::View;

fn revoke_status(app: &strongroom::app::App) -> StepStatus {
    let r = run(app);
    let i = r.run.runbook.steps.iter().position(|s| s.id == "revoke");
    r.run.steps[i.expect("a revoke step")].status.clone()
}

#[test]
fn the_action_is_journaled_as_started_right_before_the_write_when_the_gate_confirms() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut app = app(dir.path());
    let (cmds, ticket) = to_revoke(&mut app, "-5m", false);
    let entries = journaled(&cmds);
    assert!(matches!(
        entries[0].event,
        Event::Started {
            read_only: false,
            ..
        }
    ));
    assert!(
        entries.iter().any(|e| matches!(&e.event,
            Event::Input { var, value: Some(v) } if var == "accessors" && v == ACCESSOR)),
        "{entries:?}"
    );
    // Journaled before the job: the journal command comes first.
    let last = cmds
        .iter()
        .rposition(|c| matches!(c, Command::AppendJournal { .. }));
    let job = cmds
        .iter()
        .position(|c| matches!(c, Command::StartJob { .. }));
    assert!(last < job, "{cmds:?}");
    let plan = revoke_plan(&app);
    assert!(journaled(&answer_plan(&mut app, &ticket, plan)).is_empty());
    assert!(matches!(revoke_status(&app), StepStatus::Planned(_)));

    // Enter: the write waits in the gate; nothing journaled, nothing sent.
    let cmds = enter(&mut app);
    assert!(cmds.is_empty(), "{cmds:?}");
    assert_eq!(app.mode, Mode::Confirm);
    // y: the start entry, then the write.
    let cmds = app.update(key(KeyCode::Char('y')));
    assert_eq!(cmds.len(), 2, "{cmds:?}");
    let started = journaled(&cmds[..1]);
    assert!(
        matches!(&started[..], [e] if matches!(&e.event, Event::ActionStarted { op, .. } if op == "token.revoke_accessor")),
        "{started:?}"
    );
    let Command::Write { ticket, .. } = &cmds[1] else {
        panic!("the write comes second: {cmds:?}");
    };
    assert!(matches!(revoke_status(&app), StepStatus::Running(_)));

    // The outcome settles the step; the confirm step is next.
    let outcome = WriteOutcome {
        summary: "revoked 1 token".into(),
        items: vec![ItemResult {
            item: "ci-deployer".into(),
            result: Ok(WriteResult::Done),
        }],
    };
    let cmds = app.update(Msg::Vault {
        ticket: ticket.clone(),
        reply: Reply::Write(outcome),
    });
    let result = journaled(&cmds);
    assert!(
        result
            .iter()
            .any(|e| matches!(e.event, Event::ActionResult { ok: true, .. })),
        "{result:?}"
    );
    assert_eq!(revoke_status(&app), StepStatus::Done);
    // The confirm step: the phrase, then containment is recorded.
    assert!(enter(&mut app).is_empty());
    typed(&mut app, "contained");
    let cmds = enter(&mut app);
    let done = journaled(&cmds);
    assert!(
        done.iter()
            .any(|e| matches!(e.event, Event::Contained { .. })),
        "{done:?}"
    );
    assert!(run(&app).run.contained_at.is_some());
}

#[test]
fn cancelling_at_the_gate_journals_nothing_and_the_plan_waits() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut app = app(dir.path());
    let (_, ticket) = to_revoke(&mut app, "now", false);
    let plan = revoke_plan(&app);
    answer_plan(&mut app, &ticket, plan);
    assert!(enter(&mut app).is_empty());
    assert_eq!(app.mode, Mode::Confirm);
    let cmds = app.update(key(KeyCode::Esc));
    assert!(cmds.is_empty(), "{cmds:?}");
    assert_eq!(app.mode, Mode::Normal);
    assert!(matches!(revoke_status(&app), StepStatus::Planned(_)));
    assert!(
        !run(&app)
            .run
            .journal
            .iter()
            .any(|e| matches!(e.event, Event::ActionStarted { .. }))
    );
    // Asked again: the gate again.
    assert!(enter(&mut app).is_empty());
    assert_eq!(app.mode, Mode::Confirm);
}

#[test]
fn a_rehearsal_never_emits_a_write() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut app = app(dir.path());
    let (cmds, ticket) = to_revoke(&mut app, "now", true);
    assert!(matches!(
        journaled(&cmds)[0].event,
        Event::Started {
            read_only: true,
            ..
        }
    ));
    let plan = revoke_plan(&app);
    answer_plan(&mut app, &ticket, plan);
    let cmds = enter(&mut app);
    assert!(
        !cmds.iter().any(|c| matches!(c, Command::Write { .. })),
        "{cmds:?}"
    );
    assert_eq!(app.mode, Mode::Normal);
    assert!(
        journaled(&cmds)
            .iter()
            .any(|e| matches!(e.event, Event::NotExecuted { .. }))
    );
    assert_eq!(revoke_status(&app), StepStatus::NotExecuted);
}

#[test]
fn a_read_only_console_forces_the_rehearsal() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut app = app(dir.path());
    app.gate = strongroom::write_gate::WriteGate::new(true);
    let (cmds, _) = to_revoke(&mut app, "now", false);
    assert!(matches!(
        journaled(&cmds)[0].event,
        Event::Started {
            read_only: true,
            ..
        }
    ));
}

const SECRET_BOOK: &str = r#"
title = "Rotate a password"
summary = "Test runbook with a secret input."

[[steps]]
id = "path"
kind = "input"
title = "Path"
var = "path"
input = "text"
prompt = "path"
guidance = "The secret."

[[steps]]
id = "new_value"
kind = "input"
title = "New value"
var = "new_value"
input = "secret"
prompt = "the new password"
guidance = "Typed hidden."

[[steps]]
id = "write"
kind = "vault"
title = "Write it"
op = "kv.write_new_version"
args = { path = "{{path}}", field = "password", value = "{{new_value}}" }
contains = true
guidance = "A new version."
"#;

#[test]
fn a_secret_input_is_in_no_command_and_no_journal_entry() {
    let canary = "CANARY-r7Qz-secret-value-9931";
    let dir = tempfile::tempdir().expect("tempdir");
    let mut app = app_with(dir.path(), &[("rotate-password.toml", SECRET_BOOK)]);
    let mut cmds = app.run_command("runbook rotate-password");
    cmds.extend(enter(&mut app));
    cmds.extend(enter(&mut app));
    cmds.extend(typed(&mut app, "secret/apps/x"));
    cmds.extend(enter(&mut app));
    cmds.extend(enter(&mut app));
    cmds.extend(typed(&mut app, canary));
    // Masked on screen, and not in the screen's state.
    assert!(!format!("{:?}", app.screen()).contains(canary));
    cmds.extend(enter(&mut app));
    let ticket = prepare_job(&cmds).expect("the write step is being prepared");
    let debug = format!("{cmds:?}");
    assert!(!debug.contains(canary), "the canary in a command");
    assert!(!format!("{:?}", app.screen()).contains(canary));
    for e in journaled(&cmds) {
        assert!(!e.to_line().contains(canary), "the canary in the journal");
    }
    let secret_entry = journaled(&cmds)
        .into_iter()
        .find(|e| matches!(&e.event, Event::Input { var, value: None } if var == "new_value"));
    assert!(secret_entry.is_some(), "journaled as not recorded");
    // Its plan and the gate's confirmation: still no canary.
    let plan = revoke_plan(&app);
    answer_plan(&mut app, &ticket, plan);
    enter(&mut app);
    let cmds = app.update(key(KeyCode::Char('y')));
    assert!(!format!("{cmds:?}").contains(canary));
    for e in &run(&app).run.journal {
        assert!(!e.to_line().contains(canary));
    }
}

#[test]
fn esc_leaves_the_run_resumable_and_enter_resumes_it_at_the_same_step() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut app = app(dir.path());
    let mut cmds = app.run_command("runbook leaked-vault-token");
    cmds.extend(enter(&mut app));
    cmds.extend(enter(&mut app));
    let run_id = run(&app).run.run_id.clone();
    assert!(run_id.starts_with("leaked-vault-token-2026"), "{run_id}");
    // The accessors step's prompt is open (typing goes there at once): esc closes it first.
    assert!(run(&app).prompt.is_some());
    app.update(key(KeyCode::Esc));
    assert!(run(&app).prompt.is_none());
    app.update(key(KeyCode::Esc));
    assert_eq!(screen(&app).view, View::List);
    assert_eq!(app.runbooks.unfinished.len(), 1);
    assert_eq!(screen(&app).env.unfinished[0].run_id, run_id);
    // The first row is the run.
    enter(&mut app);
    let r = run(&app);
    assert_eq!(r.run.run_id, run_id);
    assert_eq!(r.run.current(), Some(1), "at the accessors step");
    // A fresh screen offers it too, and a new run of the same second gets a suffix.
    app.pop_screen();
    app.run_command("runbook leaked-vault-token");
    enter(&mut app);
    assert_eq!(run(&app).run.run_id, format!("{run_id}-2"));
}

#[test]
fn a_stored_run_of_a_missing_runbook_says_so() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut app = app(dir.path());
    app.runbooks.unfinished.push(StoredRun {
        path: dir.path().join("gone-1.jsonl"),
        run_id: "gone-1".into(),
        runbook: "gone".into(),
        title: "Gone".into(),
        detected_at: "2026-12-06T10:00:00Z".into(),
        context: "sandbox".into(),
        read_only: false,
        last_at: "2026-12-06T10:01:00Z".into(),
        finished: false,
        entries: Vec::new(),
    });
    app.run_command("runbook");
    enter(&mut app);
    assert_eq!(screen(&app).view, View::List);
    let toast = app.toasts.last().expect("a toast");
    assert!(
        toast
            .text
            .contains("the runbook \"gone\" is not in the library"),
        "{}",
        toast.text
    );
}

#[test]
fn the_report_is_saved_beside_the_journal_and_journaled() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut app = app(dir.path());
    app.run_command("runbook leaked-vault-token");
    enter(&mut app);
    let cmds = app.update(key(KeyCode::Char('e')));
    let run_id = run(&app).run.run_id.clone();
    let save = cmds
        .iter()
        .position(|c| matches!(c, Command::SaveReport { .. }));
    let Some(Command::SaveReport { path, text }) = save.map(|i| &cmds[i]) else {
        panic!("no report: {cmds:?}");
    };
    assert_eq!(path, &dir.path().join(format!("{run_id}-report.md")));
    assert!(
        text.contains("# Incident report: Leaked Vault token"),
        "{text}"
    );
    assert!(
        journaled(&cmds)
            .iter()
            .any(|e| matches!(e.event, Event::Reported { .. }))
    );
}

#[test]
fn a_resumed_run_asks_a_lost_secret_again_before_preparing_its_step() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut app = app_with(dir.path(), &[("rotate-password.toml", SECRET_BOOK)]);
    app.run_command("runbook rotate-password");
    enter(&mut app);
    enter(&mut app);
    typed(&mut app, "secret/apps/x");
    enter(&mut app);
    enter(&mut app);
    typed(&mut app, "s3cret-value");
    let cmds = enter(&mut app);
    assert!(prepare_job(&cmds).is_some());
    // Left, and resumed (as after a restart: from the journal's entries).
    app.update(key(KeyCode::Esc));
    let cmds = enter(&mut app);
    assert!(prepare_job(&cmds).is_none(), "not prepared: {cmds:?}");
    assert!(
        journaled(&cmds)
            .iter()
            .any(|e| matches!(e.event, Event::Reopened { .. })),
        "{cmds:?}"
    );
    let r = run(&app);
    assert_eq!(r.run.current(), Some(1), "the secret input again");
    // Typed again: now the step is prepared.
    enter(&mut app);
    typed(&mut app, "s3cret-value");
    assert!(prepare_job(&enter(&mut app)).is_some());
}

#[test]
fn a_journal_that_cannot_be_written_is_an_error_toast_and_the_run_goes_on() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut app = app(dir.path());
    app.run_command("runbook leaked-vault-token");
    enter(&mut app);
    app.update(Msg::FileError(
        "journal not written: cannot write the run journal /x: permission denied".into(),
    ));
    let t = app.toasts.last().expect("a toast");
    assert_eq!(t.level, strongroom::app::ToastLevel::Error);
    assert!(t.text.starts_with("journal not written"), "{}", t.text);
    enter(&mut app);
    assert_eq!(run(&app).run.current(), Some(1));
}

#[test]
fn an_input_step_takes_typing_at_once_so_s_never_skips_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut app = app(dir.path());
    app.run_command("runbook leaked-vault-token");
    enter(&mut app); // start
    enter(&mut app); // scope done: at the accessors input
    let cmds = typed(&mut app, "s.leaked accessor");
    assert!(journaled(&cmds).is_empty(), "typing journaled something");
    assert_eq!(
        run(&app).run.current(),
        Some(1),
        "still at the accessors step"
    );
    assert!(matches!(run(&app).run.steps[1].status, StepStatus::Pending));
    enter(&mut app);
    assert_eq!(
        run(&app).run.var_text("accessors").as_deref(),
        Some("s.leaked, accessor")
    );
}

/// A search step, then a revoke that uses what it found (as in leaked-kv-secret).
const SEARCH_THEN_REVOKE: &str = r#"title = "Search then revoke"
[[steps]]
id = "search"
kind = "vault"
title = "Who read it"
op = "audit.search"
args = { path = "secret/apps/x" }
out = "readers"
[[steps]]
id = "revoke"
kind = "vault"
title = "Revoke them"
op = "token.revoke_matching"
args = { audit_accessors = "{{readers}}" }
"#;

#[test]
fn a_finished_prepare_job_never_fails_the_next_steps_preparation() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut app = app_with(
        dir.path(),
        &[("search-then-revoke.toml", SEARCH_THEN_REVOKE)],
    );
    app.run_command("runbook search-then-revoke");
    let mut cmds = enter(&mut app); // start
    cmds.extend(enter(&mut app)); // prepare the search
    let ticket = prepare_job(&cmds).expect("the search is being prepared");
    let found = strongroom::runbook::ActionPlan {
        summary: "audit search: 3 requests by 1 token".into(),
        details: Vec::new(),
        cli: Vec::new(),
        action: strongroom::runbook::PlannedAction::Result(strongroom::runbook::ActionResult {
            summary: "3 requests by 1 token".into(),
            details: Vec::new(),
            output: vec!["hmac-sha256:abc".into()],
        }),
    };
    // The plan settles the search and starts the revoke's preparation; the search job's own
    // `Done` comes after and belongs to the search.
    let cmds = answer_plan(&mut app, &ticket, found);
    assert!(prepare_job(&cmds).is_some(), "the revoke is being prepared");
    let r = run(&app);
    assert_eq!(r.run.steps[0].status, StepStatus::Done);
    assert_eq!(
        r.run.steps[1].status,
        StepStatus::Planning,
        "{:?}",
        r.run.steps[1]
    );
}
