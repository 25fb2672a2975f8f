//! Render snapshots of the runbooks screen at 100×30 and 60×16 at the fixed clock: the list
//! (with a runbook file that did not load and a resumable run), the start form, a run at an
//! input step, at a planned vault step (details and CLI), a rehearsal, the containment clock
//! near and over its target, contained, a failed and an uncertain step.
// Test crate: helpers outside #[test] fns fail the test with a message via expect.
#![allow(clippy::expect_used)]

#[path = "common/health_fixtures.rs"]
mod health_fixtures;
#[allow(dead_code)]
#[path = "common/render_app.rs"]
mod render_app;
mod runbook_screen_support;
#[path = "common/screen_text.rs"]
mod screen_text;

use std::sync::Arc;

use crossterm::event::KeyCode;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use runbook_screen_support::*;
use screen_text::text;
use strongroom::app::App;
use strongroom::event::Msg;
use strongroom::jobs::JobEvent;
use strongroom::runbook::journal::StoredRun;
use strongroom::vault::VaultError;

fn snap(name: &str, app: &mut App) {
    app.toasts.clear();
    for (w, h) in [(100, 30), (60, 16)] {
        app.update(Msg::Resize(w, h));
        let mut term = Terminal::new(TestBackend::new(w, h)).expect("terminal");
        term.draw(|f| strongroom::ui::draw(f, app)).expect("draw");
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), text(term.backend().buffer()));
    }
}

/// A run's entries up to its revoke sent (started, no result): a crash at that point.
fn crashed_entries(dir: &std::path::Path) -> (String, Vec<strongroom::runbook::journal::Entry>) {
    let mut app = app(dir);
    let (_, ticket) = to_revoke(&mut app, "-3m", false);
    let plan = revoke_plan(&app);
    answer_plan(&mut app, &ticket, plan);
    enter(&mut app);
    app.update(key(KeyCode::Char('y')));
    let r = run(&app);
    (r.run.run_id.clone(), r.run.journal.clone())
}

#[test]
fn render_list_with_a_load_problem_and_a_resumable_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut app = app(dir.path());
    let (run_id, entries) = crashed_entries(dir.path());
    let mut lib = (*app.runbooks.library).clone();
    lib.errors.push(
        "leaked-ssh-key.toml, line 12: step \"rotate\", field \"op\": unknown operation \"ssh.rotate\""
            .into(),
    );
    app.runbooks.library = Arc::new(lib);
    app.runbooks.unfinished.push(StoredRun {
        path: dir.path().join(format!("{run_id}.jsonl")),
        run_id,
        runbook: "leaked-vault-token".into(),
        title: "Leaked Vault token".into(),
        detected_at: "2026-11-23T11:54:55Z".into(),
        context: "sandbox".into(),
        read_only: false,
        last_at: entries.last().expect("entries").at.clone(),
        finished: false,
        entries,
    });
    app.run_command("runbook");
    snap("runbook_list", &mut app);
    // The uncertain step after resuming it.
    enter(&mut app);
    snap("runbook_uncertain", &mut app);
}

#[test]
fn render_start_form() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut app = app(dir.path());
    app.run_command("runbook leaked-vault-token");
    app.update(key(KeyCode::Tab));
    snap("runbook_start", &mut app);
}

#[test]
fn render_input_step_with_its_prompt() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut app = app(dir.path());
    app.run_command("runbook leaked-vault-token");
    enter(&mut app);
    enter(&mut app);
    enter(&mut app);
    typed(&mut app, ACCESSOR);
    snap("runbook_input", &mut app);
}

#[test]
fn render_planned_vault_step() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut app = app(dir.path());
    let (_, ticket) = to_revoke(&mut app, "-2m", false);
    let plan = revoke_plan(&app);
    answer_plan(&mut app, &ticket, plan);
    snap("runbook_planned", &mut app);
}

#[test]
fn render_rehearsal() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut app = app(dir.path());
    let (_, ticket) = to_revoke(&mut app, "-2m", true);
    let plan = revoke_plan(&app);
    answer_plan(&mut app, &ticket, plan);
    snap("runbook_rehearsal", &mut app);
}

#[test]
fn render_clock_warn_and_over() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut app = app(dir.path());
    to_revoke(&mut app, "-12m", false);
    snap("runbook_clock_warn", &mut app);
    let mut app = runbook_screen_support::app(dir.path());
    to_revoke(&mut app, "-20m", false);
    snap("runbook_clock_over", &mut app);
}

#[test]
fn render_contained() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut app = app(dir.path());
    let (_, ticket) = to_revoke(&mut app, "-9m", true);
    let plan = revoke_plan(&app);
    answer_plan(&mut app, &ticket, plan);
    enter(&mut app);
    enter(&mut app);
    typed(&mut app, "contained");
    enter(&mut app);
    assert!(run(&app).run.contained_at.is_some());
    snap("runbook_contained", &mut app);
}

#[test]
fn render_failed_step() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut app = app(dir.path());
    let (_, ticket) = to_revoke(&mut app, "-1m", false);
    app.update(Msg::Job {
        ticket,
        event: JobEvent::Failed(VaultError::NotAsked("token.revoke_accessor")),
    });
    snap("runbook_failed", &mut app);
}

/// The style of the first cell of `needle` on screen.
fn style_at(app: &App, needle: &str) -> ratatui::style::Style {
    let mut term = Terminal::new(TestBackend::new(100, 30)).expect("terminal");
    term.draw(|f| strongroom::ui::draw(f, app)).expect("draw");
    let buf = term.backend().buffer().clone();
    for y in 0..buf.area.height {
        let row: Vec<String> = (0..buf.area.width)
            .map(|x| buf[(x, y)].symbol().to_string())
            .collect();
        let line = row.concat();
        if let Some(byte) = line.find(needle) {
            let x = line[..byte].chars().count();
            return buf[(u16::try_from(x).expect("x"), y)].style();
        }
    }
    panic!("{needle:?} not on screen");
}

#[test]
fn the_clock_uses_the_warn_and_danger_slots() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut app = app(dir.path());
    app.update(Msg::Resize(100, 30));
    to_revoke(&mut app, "-12m", false);
    let warn = app.theme().status_warn;
    assert_eq!(style_at(&app, "clock 12:00").fg, warn.fg);
    let mut app = runbook_screen_support::app(dir.path());
    app.update(Msg::Resize(100, 30));
    to_revoke(&mut app, "-20m", false);
    let danger = app.theme().status_danger;
    assert_eq!(style_at(&app, "clock 20:00").fg, danger.fg);
    assert_ne!(warn.fg, danger.fg);
}
