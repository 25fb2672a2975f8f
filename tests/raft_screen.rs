//! The raft screen through the app's update loop (no server): the peers of the recorded
//! 3-node cluster; remove (typed `remove peer <id>`, never the leader), promote / demote
//! (confirmed); the snapshot save prompt with its default name, the job with progress, its
//! report (size, SHA-256) and `esc` cancelling it; restore and forced restore dialogs (their
//! phrases and warnings), "restoring…" then a fresh poll; read-only mode refusing each; the
//! health screen's cluster seal asking for the cluster's name. Render snapshots (insta) at
//! 100×30 and 60×16.
// Test crate: helpers outside #[test] fns fail the test with a message via expect.
#![allow(clippy::expect_used)]

#[path = "common/health_fixtures.rs"]
mod health_fixtures;

#[path = "common/render_app.rs"]
mod render_app;
#[path = "common/screen_text.rs"]
mod screen_text;

use std::path::PathBuf;

use ratatui::Terminal;
use ratatui::backend::TestBackend;

use render_app::app_with;
use screen_text::text;
use strongroom::action::Action;
use strongroom::app::{App, Mode};
use strongroom::command::{Command, Ticket};
use strongroom::event::Msg;
use strongroom::jobs::{JobEvent, JobProgress, JobReport, JobSpec};
use strongroom::reply::{ItemResult, Reply, WriteOutcome, WriteResult};
use strongroom::ui::screens::Screen;
use strongroom::ui::screens::raft::{PromptKind, RaftScreen};
use strongroom::vault::snapshot::SnapshotSaved;
use strongroom::write_gate::raft::RaftMutation;
use strongroom::write_gate::{Confirmation, Mutation, Write};

const SHA: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

fn draw(app: &App, w: u16, h: u16) -> String {
    let mut term = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    term.draw(|f| strongroom::ui::draw(f, app)).expect("draw");
    text(term.backend().buffer())
}

fn snap(name: &str, app: &App) -> String {
    let mut big = String::new();
    for (w, h) in [(100, 30), (60, 16)] {
        let t = draw(app, w, h);
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), t);
        if w == 100 {
            big = t;
        }
    }
    big
}

fn app() -> App {
    app_with(Screen::Raft(Box::<RaftScreen>::default()))
}

fn raft(app: &App) -> &RaftScreen {
    match app.screen() {
        Screen::Raft(s) => s,
        other => panic!("not the raft screen: {}", other.title()),
    }
}

fn raft_mut(app: &mut App) -> &mut RaftScreen {
    match app.screen_mut() {
        Screen::Raft(s) => s,
        _ => panic!("not the raft screen"),
    }
}

/// Open the prompt with `a`, set its text, press enter.
fn prompt(app: &mut App, a: Action, path: &str) -> Vec<Command> {
    app.on_action(a);
    raft_mut(app)
        .prompt
        .as_mut()
        .expect("the prompt")
        .line
        .set(path);
    app.on_action(Action::Select)
}

fn phrase(app: &App) -> Option<String> {
    match &app.gate.pending()?.confirmation {
        Confirmation::Typed { phrase } => Some(phrase.clone()),
        Confirmation::YesNo => None,
    }
}

fn active_addr(app: &App) -> String {
    app.cluster.active().expect("an active node").addr.clone()
}

#[test]
fn the_peers_of_the_cluster() {
    let app = app();
    let text = snap("raft_peers", &app);
    for id in ["node1", "node2", "node3"] {
        assert!(text.contains(id), "{text}");
    }
    assert!(text.contains("autopilot healthy"), "{text}");
    assert!(text.contains("cluster sandbox"), "{text}");
}

#[test]
fn remove_needs_the_peer_id_typed_and_never_takes_the_leader() {
    let mut app = app();
    // node1 is the leader in the recording.
    let cmds = app.on_action(Action::RemovePeer);
    assert!(cmds.is_empty());
    assert_eq!(app.mode, Mode::Normal);
    assert!(
        app.toasts
            .iter()
            .any(|t| t.text.contains("node1 is the leader")),
        "{:?}",
        app.toasts
    );
    // The recording lists node1, node3, node2.
    app.on_action(Action::Down);
    app.on_action(Action::RemovePeer);
    assert_eq!(app.mode, Mode::Confirm);
    assert_eq!(phrase(&app).as_deref(), Some("remove peer node3"));
    assert_eq!(
        app.gate.pending().map(|p| p.write.clone()),
        Some(Write::One(Mutation::Raft(RaftMutation::RemovePeer {
            addr: active_addr(&app),
            id: "node3".into()
        })))
    );
    snap("raft_remove_dialog", &app);
    app.on_action(Action::Cancel);
    app.on_action(Action::DemotePeer);
    assert_eq!(app.mode, Mode::Confirm);
    assert_eq!(phrase(&app), None, "promote / demote: y or enter");
    let text = app
        .gate
        .pending()
        .expect("pending")
        .spec
        .description
        .clone();
    assert!(text.contains("Autopilot applies it"), "{text}");
}

#[test]
fn a_snapshot_save_offers_a_name_reports_progress_size_and_checksum() {
    let mut app = app();
    app.on_action(Action::SaveSnapshot);
    let p = raft(&app).prompt.clone().expect("prompt");
    assert_eq!(p.kind, PromptKind::Save);
    assert_eq!(p.line.text, "strongroom-sandbox-20261123-083755.snap");
    snap("raft_save_prompt", &app);
    app.on_action(Action::Back);
    assert!(raft(&app).prompt.is_none());

    let cmds = prompt(&mut app, Action::SaveSnapshot, "/backups/s.snap");
    let ticket: Ticket = match &cmds[..] {
        [Command::StartJob { ticket, spec }] => {
            assert_eq!(
                spec,
                &JobSpec::SaveSnapshot {
                    addr: active_addr(&app),
                    path: PathBuf::from("/backups/s.snap")
                }
            );
            ticket.clone()
        }
        other => panic!("{other:?}"),
    };
    app.update(Msg::Job {
        ticket: ticket.clone(),
        event: JobEvent::Progress(JobProgress {
            done: 3 * 1024 * 1024 + 512 * 1024,
            ..JobProgress::default()
        }),
    });
    let text = snap("raft_saving", &app);
    assert!(text.contains("3.5 MiB"), "{text}");
    // A second save waits for the first.
    app.on_action(Action::SaveSnapshot);
    assert!(raft(&app).prompt.is_none());
    app.update(Msg::Job {
        ticket: ticket.clone(),
        event: JobEvent::Report(Box::new(JobReport::Snapshot(SnapshotSaved {
            path: "/backups/s.snap".into(),
            bytes: 3_700_000,
            sha256: SHA.into(),
        }))),
    });
    app.update(Msg::Job {
        ticket,
        event: JobEvent::Done(JobProgress::default()),
    });
    assert!(raft(&app).job.is_none());
    let text = snap("raft_saved", &app);
    assert!(text.contains(&SHA[..40]), "{text}");
}

#[test]
fn esc_cancels_a_running_save() {
    let mut app = app();
    let cmds = prompt(&mut app, Action::SaveSnapshot, "s.snap");
    let seq = match &cmds[..] {
        [Command::StartJob { ticket, .. }] => ticket.seq,
        other => panic!("{other:?}"),
    };
    let cmds = app.on_action(Action::Back);
    assert_eq!(cmds, vec![Command::CancelJob { id: seq }]);
    assert!(raft(&app).job.is_none());
    assert!(
        matches!(app.screen(), Screen::Raft(_)),
        "esc cancelled, did not leave"
    );
    assert!(
        raft(&app).notices.iter().any(|n| n.contains("cancelled")),
        "{:?}",
        raft(&app).notices
    );
}

#[test]
fn restore_and_forced_restore_have_their_own_phrases_and_warnings() {
    let mut app = app();
    let cmds = prompt(&mut app, Action::RestoreSnapshot, "/backups/s.snap");
    assert!(cmds.is_empty());
    assert_eq!(phrase(&app).as_deref(), Some("restore s.snap"));
    let spec = app.gate.pending().expect("pending").spec.clone();
    assert!(spec.description.contains("sys/monitor"));
    assert!(!spec.description.contains("ANOTHER cluster"));
    snap("raft_restore_dialog", &app);
    app.on_action(Action::Cancel);
    assert!(raft(&app).awaiting.is_none(), "a cancel stops waiting");

    let _ = prompt(&mut app, Action::ForceRestoreSnapshot, "/backups/s.snap");
    assert_eq!(phrase(&app).as_deref(), Some("force-restore s.snap"));
    let spec = app.gate.pending().expect("pending").spec.clone();
    assert!(spec.description.contains("ANOTHER cluster"));
    assert!(spec.description.contains("every node seals"));
    snap("raft_force_restore_dialog", &app);
}

#[test]
fn a_restore_shows_restoring_then_reads_the_cluster_again() {
    let mut app = app();
    let _ = prompt(&mut app, Action::RestoreSnapshot, "/backups/s.snap");
    for c in "restore s.snap".chars() {
        app.update(Msg::Key(crossterm::event::KeyEvent::new(
            crossterm::event::KeyCode::Char(c),
            crossterm::event::KeyModifiers::NONE,
        )));
    }
    let cmds = app.on_action(Action::Confirm);
    let ticket = match &cmds[..] {
        [Command::Write { ticket, write }] => {
            assert_eq!(
                write,
                &Write::One(Mutation::Raft(RaftMutation::Restore {
                    addr: active_addr(&app),
                    path: "/backups/s.snap".into(),
                    force: false
                }))
            );
            ticket.clone()
        }
        other => panic!("{other:?}"),
    };
    app.update(Msg::Vault {
        ticket,
        reply: Reply::Write(WriteOutcome {
            summary: "restore snapshot s.snap".into(),
            items: vec![ItemResult {
                item: "s.snap".into(),
                result: Ok(WriteResult::Done),
            }],
        }),
    });
    assert!(raft(&app).restoring_since.is_some());
    let text = snap("raft_restoring", &app);
    assert!(text.contains("restoring"), "{text}");
    let later = health_fixtures::now() + chrono::Duration::seconds(7);
    app.update(Msg::Tick(later));
    assert!(raft(&app).restoring_since.is_none());
    assert!(
        raft(&app)
            .notices
            .iter()
            .any(|n| n.contains("cluster read again")),
        "{:?}",
        raft(&app).notices
    );
}

#[test]
fn read_only_mode_refuses_every_raft_write_and_the_save() {
    let mut app = app();
    app.gate.set_read_only(true);
    app.on_action(Action::Down);
    let refused = |app: &App| {
        app.toasts
            .iter()
            .filter(|t| t.text.starts_with("read-only mode"))
            .map(|t| t.text.clone())
            .collect::<Vec<_>>()
    };
    for (a, name) in [
        (Action::RemovePeer, "removing a raft peer"),
        (Action::PromotePeer, "promoting a raft peer"),
        (Action::DemotePeer, "demoting a raft peer"),
    ] {
        app.toasts.clear();
        assert_eq!(app.on_action(a), vec![]);
        assert_eq!(
            refused(&app),
            vec![format!("read-only mode: {name} is not allowed")]
        );
    }
    for (a, name) in [
        (Action::SaveSnapshot, "saving a raft snapshot"),
        (Action::RestoreSnapshot, "restoring a snapshot"),
        (Action::ForceRestoreSnapshot, "restoring a snapshot"),
    ] {
        app.toasts.clear();
        assert_eq!(prompt(&mut app, a, "s.snap"), vec![]);
        assert!(raft(&app).job.is_none());
        assert_eq!(
            refused(&app),
            vec![format!("read-only mode: {name} is not allowed")]
        );
    }
    assert_eq!(app.mode, Mode::Normal);
}

#[test]
fn sealing_the_cluster_asks_for_its_name() {
    let mut app = app();
    app.on_action(Action::Back);
    assert!(matches!(app.screen(), Screen::Health(_)));
    app.on_action(Action::SealAll);
    assert_eq!(app.mode, Mode::Confirm);
    assert_eq!(phrase(&app).as_deref(), Some("seal cluster sandbox"));
    snap("raft_seal_cluster_dialog", &app);
}

#[test]
fn raft_command_opens_the_screen() {
    let mut app = app();
    app.on_action(Action::Back);
    app.on_action(Action::CommandLine);
    for c in "raft".chars() {
        app.update(Msg::Key(crossterm::event::KeyEvent::new(
            crossterm::event::KeyCode::Char(c),
            crossterm::event::KeyModifiers::NONE,
        )));
    }
    app.update(Msg::Key(crossterm::event::KeyEvent::new(
        crossterm::event::KeyCode::Enter,
        crossterm::event::KeyModifiers::NONE,
    )));
    assert!(matches!(app.screen(), Screen::Raft(_)), "{:?}", app.toasts);
}

#[test]
fn without_a_cluster_name_from_the_server_the_context_name_is_typed() {
    let mut c = strongroom::cluster::ClusterState::new(&["http://127.0.0.1:8200".to_string()]);
    c.context = "prod-eu".into();
    assert_eq!(c.display_name(), "prod-eu");
    let m = Mutation::Raft(RaftMutation::SealCluster {
        cluster: c.display_name(),
        addrs: c.node_addrs(),
    });
    assert_eq!(m.confirm_phrase(), "seal cluster prod-eu");
}

#[test]
fn the_help_lists_the_raft_keys_from_the_keymap() {
    let mut app = app();
    app.on_action(Action::Help);
    let text = draw(&app, 120, 60);
    for said in [
        "raft: save a snapshot of the active node",
        "raft: remove the selected peer",
        "raft: force-restore another cluster's snapshot",
    ] {
        assert!(text.contains(said), "{said}: {text}");
    }
}
