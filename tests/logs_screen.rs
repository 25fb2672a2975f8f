//! The log screen through the app's update loop (no server): `:logs` picks the active node (or
//! the one named, by address, host:port or node id) and the level; batches of lines and state
//! changes from the job; pause (the view stays, new lines are counted), follow, scrolling up
//! stops following; the `/` filter; a level change and a node switch restart the stream with a
//! marker; the cap drops the oldest lines and counts them; the gap marker after a loss; `esc`
//! cancels the stream; a raft restore and a step-down cancel every stream BEFORE the write.
// Test crate: helpers outside #[test] fns fail the test with a message via expect.
#![allow(clippy::expect_used)]

#[path = "common/health_fixtures.rs"]
mod health_fixtures;
#[allow(dead_code)]
#[path = "common/render_app.rs"]
mod render_app;

use std::time::Duration;

use chrono::TimeZone;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use render_app::base_app;
use strongroom::action::Action;
use strongroom::app::App;
use strongroom::command::{Command, Ticket};
use strongroom::event::Msg;
use strongroom::jobs::{JobEvent, JobReport, JobSpec};
use strongroom::ui::screens::Screen;
use strongroom::ui::screens::logs::{Entry, LogsScreen, StreamState};
use strongroom::vault::monitor::{LogBatch, LogLevel, LogLine, LossKind, StreamStatus};
use strongroom::write_gate::Mutation;
use strongroom::write_gate::raft::RaftMutation;

const ACTIVE: &str = "http://127.0.0.1:21480";
const SECOND: &str = "http://127.0.0.1:21840";

fn logs(app: &App) -> &LogsScreen {
    match app.screen() {
        Screen::Logs(s) => s,
        other => panic!("not on the log screen: {}", other.title()),
    }
}

/// The monitor job started by `cmds`: its ticket, node and level.
fn started(cmds: &[Command]) -> (Ticket, String, LogLevel) {
    cmds.iter()
        .find_map(|c| match c {
            Command::StartJob {
                ticket,
                spec: JobSpec::Monitor { addr, level },
            } => Some((ticket.clone(), addr.clone(), *level)),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no monitor job in {cmds:?}"))
}

fn cancelled(cmds: &[Command]) -> Vec<u64> {
    cmds.iter()
        .filter_map(|c| match c {
            Command::CancelJob { id } => Some(*id),
            _ => None,
        })
        .collect()
}

fn at(secs: i64) -> chrono::DateTime<chrono::Utc> {
    chrono::Utc
        .timestamp_opt(1_795_423_000 + secs, 0)
        .single()
        .expect("time")
}

fn line(i: usize) -> LogLine {
    LogLine::parse(
        &format!("2026-11-23T13:11:03.449Z [INFO]  core: line {i} path=p{i}/"),
        0,
    )
}

fn send(app: &mut App, t: &Ticket, batch: LogBatch) -> Vec<Command> {
    app.update(Msg::Job {
        ticket: t.clone(),
        event: JobEvent::Report(Box::new(JobReport::Log(batch))),
    })
}

fn status(app: &mut App, t: &Ticket, s: StreamStatus) {
    send(
        app,
        t,
        LogBatch {
            lines: vec![],
            status: Some(s),
        },
    );
}

fn lines(app: &mut App, t: &Ticket, range: std::ops::Range<usize>) {
    send(
        app,
        t,
        LogBatch {
            lines: range.map(line).collect(),
            status: None,
        },
    );
}

/// `:logs ARGS`, connected: the app and the stream's ticket.
fn open(args: &str) -> (App, Ticket) {
    let mut app = base_app();
    app.size = (100, 30);
    let cmds = app.run_command(&format!("logs {args}"));
    let (t, _, _) = started(&cmds);
    status(&mut app, &t, StreamStatus::Connected { at: at(0) });
    (app, t)
}

/// The messages of the lines the view shows (the window of the last `n` at the anchor).
fn shown(s: &LogsScreen, n: usize) -> Vec<String> {
    s.buffer
        .window(&s.needle(), s.anchor.unwrap_or(u64::MAX), n)
        .iter()
        .map(|(_, e)| match e {
            Entry::Line(l) => l.message.clone(),
            Entry::Marker { text, .. } => format!("— {text} —"),
        })
        .collect()
}

fn key(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

#[test]
fn logs_opens_on_the_active_node_at_info_or_as_asked() {
    let mut app = base_app();
    let cmds = app.run_command("logs");
    let (_, addr, level) = started(&cmds);
    assert_eq!((addr.as_str(), level), (ACTIVE, LogLevel::Info));
    assert_eq!(logs(&app).state, StreamState::Connecting);

    for (args, want) in [
        ("127.0.0.1:21840 debug", (SECOND, LogLevel::Debug)),
        ("error http://127.0.0.1:21840/", (SECOND, LogLevel::Error)),
        ("trace", (ACTIVE, LogLevel::Trace)),
    ] {
        let mut app = base_app();
        let (_, addr, level) = started(&app.run_command(&format!("logs {args}")));
        assert_eq!((addr.as_str(), level), want, ":logs {args}");
    }
}

#[test]
fn an_unknown_node_is_said_and_nothing_starts() {
    let mut app = base_app();
    let cmds = app.run_command("logs 10.9.9.9:8200");
    assert!(cmds.iter().all(|c| !matches!(c, Command::StartJob { .. })));
    match &logs(&app).state {
        StreamState::Failed(m) => assert!(m.contains("no node 10.9.9.9:8200"), "{m}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_second_logs_command_replaces_the_first_stream() {
    let (mut app, t) = open("");
    let cmds = app.run_command("logs debug");
    assert_eq!(
        cancelled(&cmds),
        vec![t.seq],
        "the old stream is cancelled first"
    );
    let (_, _, level) = started(&cmds);
    assert_eq!(level, LogLevel::Debug);
    let n = app
        .screens
        .iter()
        .filter(|s| matches!(s, Screen::Logs(_)))
        .count();
    assert_eq!(n, 1);
}

#[test]
fn pause_freezes_the_view_and_counts_new_lines_then_follow_resumes() {
    let (mut app, t) = open("");
    lines(&mut app, &t, 0..10);
    assert!(logs(&app).following());
    assert_eq!(shown(logs(&app), 2), ["line 8 path=p8/", "line 9 path=p9/"]);
    app.update(key('p'));
    lines(&mut app, &t, 10..15);
    let s = logs(&app);
    assert!(s.paused);
    assert_eq!(s.new_lines(), 5);
    assert_eq!(s.buffer.len(), 15, "lines keep arriving into the buffer");
    assert_eq!(shown(s, 2), ["line 8 path=p8/", "line 9 path=p9/"]);
    app.update(key('p'));
    assert!(logs(&app).following());
    assert_eq!(shown(logs(&app), 1), ["line 14 path=p14/"]);
}

#[test]
fn scrolling_up_stops_following_and_f_follows_again() {
    let (mut app, t) = open("");
    lines(&mut app, &t, 0..10);
    app.on_action(Action::Up);
    app.on_action(Action::Up);
    assert!(!logs(&app).following());
    assert_eq!(shown(logs(&app), 1), ["line 7 path=p7/"]);
    lines(&mut app, &t, 10..12);
    assert_eq!(shown(logs(&app), 1), ["line 7 path=p7/"]);
    assert_eq!(logs(&app).new_lines(), 4);
    app.update(key('f'));
    assert!(logs(&app).following());
    assert_eq!(shown(logs(&app), 1), ["line 11 path=p11/"]);
}

#[test]
fn the_filter_shows_matching_lines_and_esc_clears_it_first() {
    let (mut app, t) = open("");
    lines(&mut app, &t, 0..30);
    app.update(key('/'));
    for c in "P2".chars() {
        app.update(key(c));
    }
    app.update(Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)));
    assert_eq!(logs(&app).filter, "P2");
    let want: Vec<String> = [2]
        .into_iter()
        .chain(20..30)
        .map(|i| format!("line {i} path=p{i}/"))
        .collect();
    assert_eq!(shown(logs(&app), 50), want);
    assert_eq!(shown(logs(&app), 50).len(), 11);
    let cmds = app.on_action(Action::Back);
    assert!(cmds.is_empty());
    assert_eq!(logs(&app).filter, "");
}

#[test]
fn a_level_change_restarts_the_stream_with_a_marker() {
    let (mut app, t) = open("");
    lines(&mut app, &t, 0..3);
    let cmds = app.update(key('l'));
    let cancel_at = cmds
        .iter()
        .position(|c| matches!(c, Command::CancelJob { .. }))
        .expect("a cancel");
    let start_at = cmds
        .iter()
        .position(|c| matches!(c, Command::StartJob { .. }))
        .expect("a start");
    assert!(cancel_at < start_at);
    assert_eq!(cancelled(&cmds), vec![t.seq]);
    let (t2, addr, level) = started(&cmds);
    assert_eq!((addr.as_str(), level), (ACTIVE, LogLevel::Warn));
    assert_eq!(shown(logs(&app), 1), ["— level → warn —"]);
    // The old stream's late batch is dropped; the new one's arrives.
    lines(&mut app, &t, 100..101);
    status(&mut app, &t2, StreamStatus::Connected { at: at(5) });
    lines(&mut app, &t2, 3..4);
    assert_eq!(
        shown(logs(&app), 2),
        ["— level → warn —", "line 3 path=p3/"]
    );
}

#[test]
fn the_node_key_switches_to_the_next_configured_node() {
    let (mut app, t) = open("");
    let cmds = app.update(key('n'));
    assert_eq!(cancelled(&cmds), vec![t.seq]);
    let (_, addr, level) = started(&cmds);
    assert_eq!((addr.as_str(), level), (SECOND, LogLevel::Info));
    assert_eq!(logs(&app).node.as_deref(), Some(SECOND));
    assert_eq!(shown(logs(&app), 1), [format!("— node → {SECOND} —")]);
}

#[test]
fn the_cap_drops_the_oldest_lines_and_counts_them() {
    let mut app = base_app();
    app.log_max_lines = 100;
    let (t, _, _) = started(&app.run_command("logs"));
    status(&mut app, &t, StreamStatus::Connected { at: at(0) });
    lines(&mut app, &t, 0..250);
    let s = logs(&app);
    assert_eq!(s.buffer.len(), 100);
    assert_eq!(s.buffer.dropped, 150);
    assert_eq!(shown(s, 1), ["line 249 path=p249/"]);
    assert_eq!(s.buffer.window("", u64::MAX, 1000).len(), 100);
}

#[test]
fn a_loss_then_a_new_connection_inserts_the_gap_marker() {
    let (mut app, t) = open("");
    lines(&mut app, &t, 0..2);
    status(
        &mut app,
        &t,
        StreamStatus::Lost {
            at: at(3),
            kind: LossKind::Error,
            reason: "connection reset".into(),
            retry_in: Duration::from_millis(500),
        },
    );
    assert!(matches!(logs(&app).state, StreamState::Lost { .. }));
    status(&mut app, &t, StreamStatus::Connecting { at: at(4) });
    assert!(
        matches!(logs(&app).state, StreamState::Lost { .. }),
        "reconnecting stays visible"
    );
    status(
        &mut app,
        &t,
        StreamStatus::Lost {
            at: at(5),
            kind: LossKind::Sealed,
            reason: "node is sealed".into(),
            retry_in: Duration::from_secs(1),
        },
    );
    status(&mut app, &t, StreamStatus::Connected { at: at(9) });
    lines(&mut app, &t, 2..3);
    assert_eq!(
        shown(logs(&app), 2),
        [
            "— stream lost 08:36:43 (connection reset) · back 08:36:49 (6 s gap, lines may be missing) —",
            "line 2 path=p2/"
        ]
    );
    assert!(matches!(logs(&app).state, StreamState::Streaming { .. }));
}

#[test]
fn esc_closes_the_screen_and_cancels_the_stream() {
    let (mut app, t) = open("");
    let cmds = app.on_action(Action::Back);
    assert_eq!(cancelled(&cmds), vec![t.seq]);
    assert!(matches!(app.screen(), Screen::Health(_)));
    // Its late events are dropped.
    assert!(send(&mut app, &t, LogBatch::default()).is_empty());
}

#[test]
fn a_stream_whose_screen_left_the_stack_is_cancelled_on_the_next_tick() {
    let (mut app, t) = open("");
    app.run_command("health");
    let cmds = app.update(Msg::Tick(app.now));
    assert_eq!(cancelled(&cmds), vec![t.seq]);
    let cmds = app.update(Msg::Tick(app.now));
    assert!(cancelled(&cmds).is_empty());
}

fn type_text(app: &mut App, s: &str) {
    for c in s.chars() {
        app.update(key(c));
    }
}

#[test]
fn a_restore_cancels_every_log_stream_before_the_write() {
    let (mut app, t) = open("");
    app.push_screen(Screen::Raft(Box::default()));
    app.on_action(Action::RestoreSnapshot);
    match app.screen_mut() {
        Screen::Raft(r) => r
            .prompt
            .as_mut()
            .expect("prompt")
            .line
            .set("/backups/s.snap"),
        _ => panic!("not the raft screen"),
    }
    app.on_action(Action::Select);
    type_text(&mut app, "restore s.snap");
    let cmds = app.on_action(Action::Confirm);
    let cancel_at = cmds
        .iter()
        .position(|c| matches!(c, Command::CancelJob { id } if *id == t.seq))
        .unwrap_or_else(|| panic!("no cancel of the stream in {cmds:?}"));
    let write_at = cmds
        .iter()
        .position(|c| match c {
            Command::Write { write, .. } => write
                .mutations()
                .iter()
                .any(|m| matches!(m, Mutation::Raft(RaftMutation::Restore { .. }))),
            _ => false,
        })
        .expect("the restore");
    assert!(cancel_at < write_at, "{cmds:?}");
    assert!(
        app.toasts
            .iter()
            .any(|t| t.text.contains("log stream closed for the restore")),
        "{:?}",
        app.toasts
    );
    let s = app
        .screens
        .iter()
        .find_map(|s| match s {
            Screen::Logs(l) => Some(l),
            _ => None,
        })
        .expect("the log screen");
    assert_eq!(s.state, StreamState::ClosedForWrite);
    // r reopens it.
    app.pop_screen();
    let cmds = app.update(key('r'));
    let (_, addr, _) = started(&cmds);
    assert_eq!(addr, ACTIVE);
}

#[test]
fn a_step_down_cancels_the_stream_before_the_write() {
    let (mut app, t) = open("");
    app.run_command("health");
    app.on_action(Action::StepDown);
    let cmds = app.on_action(Action::Confirm);
    let cancel_at = cmds
        .iter()
        .position(|c| matches!(c, Command::CancelJob { id } if *id == t.seq))
        .unwrap_or_else(|| panic!("no cancel of the stream in {cmds:?}"));
    let write_at = cmds
        .iter()
        .position(|c| matches!(c, Command::Write { .. }))
        .expect("the step-down");
    assert!(cancel_at < write_at);
}

#[test]
fn a_write_that_is_not_blocked_leaves_the_stream_alone() {
    let (mut app, _t) = open("");
    app.push_screen(Screen::Raft(Box::default()));
    // A save is a job, not a write: the stream stays.
    app.on_action(Action::SaveSnapshot);
    let cmds = app.on_action(Action::Select);
    assert!(cancelled(&cmds).is_empty(), "{cmds:?}");
}

#[test]
fn a_discovered_node_is_refused_and_skipped_by_the_node_key() {
    let mut app = base_app();
    app.cluster.nodes.push(strongroom::cluster::NodeState::new(
        "http://10.0.0.5:8200",
        true,
    ));
    let cmds = app.run_command("logs 10.0.0.5:8200");
    assert!(cmds.iter().all(|c| !matches!(c, Command::StartJob { .. })));
    match &logs(&app).state {
        StreamState::Failed(m) => assert!(
            m.contains("discovered, not configured: the token only goes to configured addresses"),
            "{m}"
        ),
        other => panic!("{other:?}"),
    }
    // From the last configured node, `n` goes round to the first, never to the discovered one.
    let (mut app, _) = open("http://127.0.0.1:22906");
    app.cluster.nodes.push(strongroom::cluster::NodeState::new(
        "http://10.0.0.5:8200",
        true,
    ));
    let (_, addr, _) = started(&app.update(key('n')));
    assert_eq!(addr, ACTIVE);
}
