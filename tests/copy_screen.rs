//! The copy screen without a server: update flows (`:cp SRC DST`, `:cp DST` on the search
//! screen with marked results, `:mv` usage, the dry run's events, esc cancels it, enter sends
//! one write through the gate, the report comes back to the screen) and render snapshots
//! (dry run running, plan with notes and conflicts, a move that cannot go, the report) at
//! 100×30 and 60×16.
// Test crate: helpers outside #[test] fns fail the test with a message via expect.
#![allow(clippy::expect_used)]

#[path = "common/health_fixtures.rs"]
mod health_fixtures;

#[path = "common/screen_text.rs"]
mod screen_text;

use screen_text::text;
use std::collections::BTreeMap;
use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use strongroom::action::Action;
use strongroom::app::{App, AppInit, Mode};
use strongroom::command::{Command, Ticket};
use strongroom::config::{ConnectionProfile, TokenSource};
use strongroom::event::Msg;
use strongroom::jobs::copy::{CopyItem, CopyPlan, CopySettings, KvMount};
use strongroom::jobs::{JobEvent, JobProgress, JobReport, JobSpec};
use strongroom::keymap::Keymap;
use strongroom::reply::{ItemResult, Reply, WriteOutcome, WriteResult};
use strongroom::theme::ThemeRegistry;
use strongroom::ui::screens::Screen;
use strongroom::ui::screens::copy::{CopyPhase, CopyScreen};
use strongroom::ui::screens::search::{SearchScope, SearchScreen};
use strongroom::vault::VaultError;
use strongroom::vault::models::kv::KvVersion;
use strongroom::write_gate::{Mutation, Write};

fn app() -> App {
    let cluster = health_fixtures::healthy_cluster();
    let profile = ConnectionProfile {
        token_source: TokenSource::Sandbox,
        ..ConnectionProfile::new("sandbox", cluster.node_addrs())
    };
    let mut app = App::new(AppInit {
        profile: profile.clone(),
        contexts: vec![profile],
        theme: "default".into(),
        themes: ThemeRegistry::load(None, false),
        keymap: Keymap::load(None).0,
        poll_interval: Duration::from_secs(2),
        force_read_only: false,
        warnings: vec![],
        now: health_fixtures::now(),
    });
    let _ = app.start();
    app.cluster = cluster;
    app.toasts.clear();
    app
}

fn item(src: &str, dst: &str, versions: &[u64], notes: &[&str], conflict: Option<u64>) -> CopyItem {
    CopyItem {
        src: src.into(),
        dst: dst.into(),
        versions: versions.to_vec(),
        notes: notes.iter().map(|n| n.to_string()).collect(),
        settings: Some(CopySettings {
            custom_metadata: BTreeMap::from([("owner".into(), "team".into())]),
            ..CopySettings::default()
        }),
        conflict,
    }
}

fn plan(items: Vec<CopyItem>) -> CopyPlan {
    CopyPlan {
        addr: health_fixtures::addrs()[0].clone(),
        src_mount: KvMount {
            path: "secret/".into(),
            kv: KvVersion::V2,
        },
        dst_mount: KvMount {
            path: "kv/".into(),
            kv: KvVersion::V2,
        },
        src_label: "secret/apps/".into(),
        dst_label: "kv/new/".into(),
        items,
        denied: 0,
        errors: Vec::new(),
        truncated: false,
    }
}

fn clean_plan() -> CopyPlan {
    plan(vec![
        item("apps/a", "new/a", &[1, 2, 3], &[], None),
        item(
            "apps/b/c",
            "new/b/c",
            &[2],
            &["v1 destroyed", "v3 deleted"],
            None,
        ),
    ])
}

fn copy(app: &App) -> &CopyScreen {
    match app.screen() {
        Screen::Copy(c) => c,
        other => panic!("not on the copy screen: {}", other.title()),
    }
}

fn key(c: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(c, KeyModifiers::NONE))
}

/// `:cp`/`:mv` line → the dry-run job's ticket and spec.
fn open(app: &mut App, line: &str) -> (Ticket, JobSpec) {
    let cmds = app.run_command(line);
    let [Command::StartJob { ticket, spec }] = cmds.as_slice() else {
        panic!("{line}: {cmds:?}")
    };
    (ticket.clone(), spec.clone())
}

fn deliver(app: &mut App, ticket: &Ticket, p: CopyPlan) {
    for event in [
        JobEvent::Progress(JobProgress {
            done: 1,
            total: Some(2),
            ..JobProgress::default()
        }),
        JobEvent::Report(Box::new(JobReport::CopyPlan(p))),
        JobEvent::Done(JobProgress::default()),
    ] {
        app.update(Msg::Job {
            ticket: ticket.clone(),
            event,
        });
    }
}

#[test]
fn cp_plans_then_one_confirmed_write_and_the_report_comes_back() {
    let mut app = app();
    let (ticket, spec) = open(&mut app, "cp secret/apps/ kv/new/");
    assert_eq!(
        spec,
        JobSpec::PlanCopy {
            addr: health_fixtures::addrs()[0].clone(),
            sources: vec!["secret/apps/".into()],
            dst: "kv/new/".into(),
        }
    );
    assert!(matches!(copy(&app).phase, CopyPhase::Planning(_)));
    deliver(&mut app, &ticket, clean_plan());
    assert_eq!(copy(&app).phase, CopyPhase::Planned);
    // enter: one write through the gate, confirmed with y.
    assert!(app.update(key(KeyCode::Enter)).is_empty());
    assert_eq!(app.mode, Mode::Confirm);
    let cmds = app.update(key(KeyCode::Char('y')));
    let [Command::Write { ticket, write }] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    let Write::One(Mutation::CopySecrets {
        plan,
        delete_source: false,
    }) = write
    else {
        panic!("{write:?}")
    };
    assert_eq!(plan.copy_count(), 2);
    assert_eq!(write.spec().summary, "copy 2 secrets to kv/new/");
    // The write's progress is shown on the copy screen.
    let p = JobProgress {
        done: 1,
        total: Some(2),
        ..JobProgress::default()
    };
    app.update(Msg::Job {
        ticket: ticket.clone(),
        event: JobEvent::Progress(p),
    });
    assert_eq!(copy(&app).progress, Some(p));
    // The worker's report goes back to the copy screen.
    let outcome = WriteOutcome {
        summary: "copy 2 secrets to kv/new/".into(),
        items: vec![
            ItemResult {
                item: "secret/apps/a → kv/new/a".into(),
                result: Ok(WriteResult::Copied {
                    versions: 3,
                    source_deleted: false,
                }),
            },
            ItemResult {
                item: "secret/apps/b/c → kv/new/b/c".into(),
                result: Err(VaultError::PermissionDenied {
                    errors: vec!["permission denied".into()],
                }),
            },
        ],
    };
    app.update(Msg::Vault {
        ticket: ticket.clone(),
        reply: Reply::Write(outcome.clone()),
    });
    assert_eq!(copy(&app).phase, CopyPhase::Finished);
    assert_eq!(copy(&app).outcome.as_ref(), Some(&outcome));
}

#[test]
fn mv_needs_a_movable_plan_and_esc_cancels_the_dry_run() {
    let mut app = app();
    let (ticket, _) = open(&mut app, "mv secret/apps/ kv/new/");
    let mut p = clean_plan();
    p.items[1].conflict = Some(4);
    deliver(&mut app, &ticket, p);
    assert!(app.update(key(KeyCode::Enter)).is_empty());
    assert_eq!(app.mode, Mode::Normal, "not sent to the gate");
    assert!(
        app.toasts
            .iter()
            .any(|t| t.text == "cannot move: some targets exist already"),
        "{:?}",
        app.toasts
    );
    // ctrl-r plans again; esc cancels that dry run (the screen stays), esc again goes back.
    let cmds = app.on_action(Action::Refresh);
    let Some(Command::StartJob { ticket, .. }) =
        cmds.iter().find(|c| matches!(c, Command::StartJob { .. }))
    else {
        panic!("{cmds:?}")
    };
    let cmds = app.update(key(KeyCode::Esc));
    assert_eq!(cmds, vec![Command::CancelJob { id: ticket.seq }]);
    assert!(matches!(app.screen(), Screen::Copy(_)));
    app.update(key(KeyCode::Esc));
    assert!(matches!(app.screen(), Screen::Health(_)));
    // Usage errors are toasts.
    assert!(app.run_command("mv onlyone").is_empty());
    assert!(
        app.toasts.iter().any(|t| t.text.starts_with("usage: :mv")),
        "{:?}",
        app.toasts
    );
}

#[test]
fn cp_on_the_search_screen_copies_the_marked_results() {
    let mut app = app();
    let mut s = SearchScreen::new(SearchScope::AllKv, "x");
    s.add_results(vec![
        "secret/a/x1".into(),
        "secret/a/x2".into(),
        "secret/a/b/x3".into(),
    ]);
    app.push_screen(Screen::Search(s));
    // Nothing marked: the selected one.
    let (_, spec) = open(&mut app, "cp kv/one");
    assert!(matches!(spec, JobSpec::PlanCopy { ref sources, .. } if sources == &["secret/a/x1"]));
    app.update(key(KeyCode::Esc));
    app.update(key(KeyCode::Esc));
    assert!(matches!(app.screen(), Screen::Search(_)));
    app.update(key(KeyCode::Char(' ')));
    app.update(key(KeyCode::Down));
    app.update(key(KeyCode::Down));
    app.update(key(KeyCode::Char(' ')));
    let (_, spec) = open(&mut app, "cp kv/dst/");
    let JobSpec::PlanCopy { sources, dst, .. } = spec else {
        panic!("{spec:?}")
    };
    assert_eq!(sources, ["secret/a/x1", "secret/a/b/x3"]);
    assert_eq!(dst, "kv/dst/");
    assert_eq!(copy(&app).label(), "2 marked secrets → kv/dst/");
}

// ---- render snapshots ----

fn snap(name: &str, screen: CopyScreen) {
    let mut app = app();
    app.push_screen(Screen::Copy(screen));
    for (w, h) in [(100, 30), (60, 16)] {
        let mut term = Terminal::new(TestBackend::new(w, h)).expect("terminal");
        term.draw(|f| strongroom::ui::draw(f, &app)).expect("draw");
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), text(term.backend().buffer()));
    }
}

fn screen(delete_source: bool, phase: CopyPhase, p: Option<CopyPlan>) -> CopyScreen {
    let mut s = CopyScreen::new("", vec!["secret/apps/".into()], "kv/new/", delete_source);
    s.phase = phase;
    s.plan = p;
    s
}

#[test]
fn render_dry_run_running() {
    let p = JobProgress {
        done: 40,
        total: Some(120),
        ..JobProgress::default()
    };
    snap("copy_planning", screen(false, CopyPhase::Planning(p), None));
}

#[test]
fn render_plan_with_notes_conflicts_and_errors() {
    let mut p = clean_plan();
    p.items.push(item("apps/z", "new/z", &[1], &[], Some(2)));
    p.errors
        .push(("secret/apps/locked".into(), "permission denied".into()));
    p.denied = 1;
    snap("copy_planned", screen(false, CopyPhase::Planned, Some(p)));
}

#[test]
fn render_move_that_cannot_go() {
    let mut p = clean_plan();
    p.items[0].conflict = Some(3);
    snap(
        "copy_move_blocked",
        screen(true, CopyPhase::Planned, Some(p)),
    );
}

#[test]
fn render_copy_running() {
    let mut s = screen(false, CopyPhase::Submitted, Some(clean_plan()));
    s.progress = Some(JobProgress {
        done: 1,
        failed: 0,
        skipped: 0,
        total: Some(2),
    });
    snap("copy_running", s);
}

#[test]
fn render_report() {
    let mut s = screen(true, CopyPhase::Finished, Some(clean_plan()));
    s.outcome = Some(WriteOutcome {
        summary: "move 2 secrets to kv/new/".into(),
        items: vec![
            ItemResult {
                item: "secret/apps/a → kv/new/a".into(),
                result: Ok(WriteResult::Copied {
                    versions: 3,
                    source_deleted: false,
                }),
            },
            ItemResult {
                item: "secret/apps/b/c → kv/new/b/c".into(),
                result: Err(VaultError::PermissionDenied {
                    errors: vec!["permission denied".into()],
                }),
            },
        ],
    });
    snap("copy_report", s);
}

#[test]
fn render_failed() {
    let s = screen(
        false,
        CopyPhase::Failed(VaultError::Config("kv1/ is not a KV mount".into())),
        None,
    );
    snap("copy_failed", s);
}
