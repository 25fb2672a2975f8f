//! Update-flow tests: `Msg` sequences into `App::update`, asserting the returned `Command`s and
//! the state. No terminal, no server.
// Test crate: helpers outside #[test] fns fail the test with a message via expect.
#![allow(clippy::expect_used)]

use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use pretty_assertions::assert_eq;

use strongroom::action::Action;
use strongroom::app::{App, AppInit, Mode};
use strongroom::cluster::NodeStatus;
use strongroom::command::Ticket;
use strongroom::command::{Command, Request};
use strongroom::config::ConnectionProfile;
use strongroom::event::Msg;
use strongroom::keymap::Keymap;
use strongroom::reply::{ItemResult, Reply, WriteOutcome, WriteResult};
use strongroom::theme::ThemeRegistry;
use strongroom::vault::VaultError;
use strongroom::vault::cluster::{ClusterReply, ClusterRequest};
use strongroom::vault::models::cluster::{ClusterPoll, ClusterReport, NodeReport};
use strongroom::vault::models::sys::{Health, HealthResponse, NodeRole};
use strongroom::write_gate::Mutation;
use strongroom::write_gate::Write;

const A: &str = "http://127.0.0.1:8210";
const B: &str = "http://127.0.0.1:8220";

fn t0() -> DateTime<Utc> {
    Utc.timestamp_opt(1_795_393_047, 0).single().expect("time")
}

fn profile(name: &str, addrs: &[&str], read_only: bool) -> ConnectionProfile {
    ConnectionProfile {
        read_only,
        ..ConnectionProfile::new(name, addrs.iter().map(|a| a.to_string()).collect())
    }
}

fn app_with(read_only_ctx: bool, force_read_only: bool) -> App {
    let main = profile("main", &[A, B], read_only_ctx);
    let other = profile("other", &["http://127.0.0.1:8300"], false);
    App::new(AppInit {
        profile: main.clone(),
        contexts: vec![main, other],
        theme: "default".into(),
        themes: ThemeRegistry::load(None, false),
        keymap: Keymap::load(None).0,
        poll_interval: Duration::from_secs(2),
        force_read_only,
        warnings: vec![],
        now: t0(),
    })
}

fn app() -> App {
    app_with(false, false)
}

fn key(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

fn code(c: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(c, KeyModifiers::NONE))
}

fn type_str(app: &mut App, s: &str) -> Vec<Command> {
    s.chars().flat_map(|c| app.update(key(c))).collect()
}

fn health(role: NodeRole, status: u16) -> Health {
    Health {
        status,
        role,
        body: HealthResponse {
            initialized: true,
            sealed: role == NodeRole::Sealed,
            standby: role != NodeRole::Active,
            version: Some("2.7.2".into()),
            cluster_name: Some("sandbox".into()),
            server_time_utc: Some(t0().timestamp()),
            ..Default::default()
        },
    }
}

fn poll(at: DateTime<Utc>, a: Result<Health, VaultError>, b: Result<Health, VaultError>) -> Reply {
    let node = |addr: &str, h: Result<Health, VaultError>| NodeReport {
        addr: addr.into(),
        seal: None,
        leader: None,
        health: h,
        latency_ms: Some(1),
        metrics: None,
    };
    Reply::Cluster(ClusterReply::Poll(Box::new(ClusterPoll {
        at,
        nodes: vec![node(A, a), node(B, b)],
        cluster: ClusterReport::default(),
    })))
}

fn fetch_seq(cmds: &[Command]) -> Ticket {
    match cmds {
        [
            Command::Fetch {
                ticket,
                request: Request::Cluster(ClusterRequest::Poll { nodes }),
            },
        ] => {
            assert_eq!(nodes, &vec![A.to_string(), B.to_string()]);
            ticket.clone()
        }
        other => panic!("expected one poll, got {other:?}"),
    }
}

#[test]
fn polls_at_start_then_on_interval_but_never_while_in_flight() {
    let mut app = app();
    let seq = fetch_seq(&app.start());
    // In flight: ticks do not send another poll.
    assert_eq!(
        app.update(Msg::Tick(t0() + chrono::Duration::seconds(3))),
        vec![]
    );
    app.update(Msg::Vault {
        ticket: seq.clone(),
        reply: poll(
            t0(),
            Ok(health(NodeRole::Active, 200)),
            Ok(health(NodeRole::Standby, 429)),
        ),
    });
    assert_eq!(app.cluster.nodes[0].status(), NodeStatus::Active);
    assert_eq!(app.cluster.nodes[1].status(), NodeStatus::Standby);
    // Interval not yet over since the last send at t0+0? last send was at t0.
    let next = app.update(Msg::Tick(t0() + chrono::Duration::seconds(5)));
    assert!(fetch_seq(&next).seq > seq.seq);
}

#[test]
fn an_older_reply_never_overwrites_a_newer_one() {
    let mut app = app();
    let first = fetch_seq(&app.start());
    app.update(Msg::Vault {
        ticket: first.clone(),
        reply: poll(
            t0(),
            Ok(health(NodeRole::Active, 200)),
            Ok(health(NodeRole::Standby, 429)),
        ),
    });
    let second = fetch_seq(&app.update(Msg::Tick(t0() + chrono::Duration::seconds(3))));
    app.update(Msg::Vault {
        ticket: second.clone(),
        reply: poll(
            t0(),
            Ok(health(NodeRole::Sealed, 503)),
            Ok(health(NodeRole::Active, 200)),
        ),
    });
    // A late duplicate of the first reply arrives.
    app.update(Msg::Vault {
        ticket: first.clone(),
        reply: poll(
            t0(),
            Ok(health(NodeRole::Active, 200)),
            Ok(health(NodeRole::Standby, 429)),
        ),
    });
    assert_eq!(app.cluster.nodes[0].status(), NodeStatus::Sealed);
    assert_eq!(app.cluster.nodes[1].status(), NodeStatus::Active);
}

#[test]
fn a_failed_poll_keeps_the_last_good_data_as_stale() {
    let mut app = app();
    let first = fetch_seq(&app.start());
    app.update(Msg::Vault {
        ticket: first.clone(),
        reply: poll(
            t0(),
            Ok(health(NodeRole::Active, 200)),
            Ok(health(NodeRole::Standby, 429)),
        ),
    });
    let second = fetch_seq(&app.update(Msg::Tick(t0() + chrono::Duration::seconds(3))));
    let refused = VaultError::Connect {
        addr: B.into(),
        reason: "connection refused".into(),
    };
    app.update(Msg::Vault {
        ticket: second.clone(),
        reply: poll(
            t0() + chrono::Duration::seconds(3),
            Ok(health(NodeRole::Active, 200)),
            Err(refused),
        ),
    });
    let b = &app.cluster.nodes[1];
    assert_eq!(b.status(), NodeStatus::Unreachable);
    assert!(b.health.is_stale());
    assert_eq!(b.health.value().map(|h| h.role), Some(NodeRole::Standby));
}

#[test]
fn q_quits_and_ctrl_c_force_quits() {
    let mut app = app();
    assert_eq!(app.update(key('q')), vec![Command::Quit]);
    let mut app2 = self::app();
    let cmds = app2.update(Msg::Key(KeyEvent::new(
        KeyCode::Char('c'),
        KeyModifiers::CONTROL,
    )));
    assert_eq!(cmds, vec![Command::Quit]);
}

#[test]
fn command_line_switches_theme_with_completion() {
    let mut app = app();
    app.update(key(':'));
    assert!(matches!(app.mode, Mode::Command(_)));
    type_str(&mut app, "th");
    app.update(code(KeyCode::Tab));
    type_str(&mut app, "li");
    app.update(code(KeyCode::Tab));
    match &app.mode {
        Mode::Command(l) => assert_eq!(l.text, "theme light"),
        m => panic!("unexpected mode {m:?}"),
    }
    app.update(code(KeyCode::Enter));
    assert_eq!(app.theme_name, "light");
    assert_eq!(app.mode, Mode::Normal);
    // Unknown theme: a message, nothing changes.
    app.update(key(':'));
    type_str(&mut app, "theme nope");
    app.update(code(KeyCode::Enter));
    assert_eq!(app.theme_name, "light");
    assert!(app.toasts.iter().any(|t| t.text.contains("unknown theme")));
}

#[test]
fn help_opens_and_closes() {
    let mut app = app();
    app.update(key('?'));
    assert_eq!(app.mode, Mode::Help { scroll: 0 });
    app.update(key('j'));
    assert_eq!(app.mode, Mode::Help { scroll: 1 });
    app.update(code(KeyCode::Esc));
    assert_eq!(app.mode, Mode::Normal);
}

#[test]
fn filter_applies_live_and_esc_clears_it() {
    let mut app = app();
    app.update(key('/'));
    type_str(&mut app, "8220");
    assert_eq!(app.screen().filter(), "8220");
    app.update(code(KeyCode::Enter));
    assert_eq!(app.mode, Mode::Normal);
    assert_eq!(app.screen().filter(), "8220");
    app.update(code(KeyCode::Esc));
    assert_eq!(app.screen().filter(), "");
}

#[test]
fn read_only_mode_refuses_writes_at_the_gate() {
    for (ctx_ro, flag_ro) in [(true, false), (false, true)] {
        let mut app = app_with(ctx_ro, flag_ro);
        assert!(app.read_only());
        // An active node and a selection: every write reaches the gate, which refuses it.
        let seq = fetch_seq(&app.start());
        app.update(Msg::Vault {
            ticket: seq,
            reply: poll(
                t0(),
                Ok(health(NodeRole::Active, 200)),
                Ok(health(NodeRole::Standby, 429)),
            ),
        });
        for (action, name) in [
            (Action::SealNode, "sealing a node"),
            (Action::StepDown, "stepping down"),
            (Action::SealAll, "sealing the cluster"),
        ] {
            app.toasts.clear();
            let cmds = app.on_action(action);
            assert_eq!(cmds, vec![]);
            assert_eq!(app.mode, Mode::Normal);
            assert!(
                app.toasts
                    .iter()
                    .any(|t| t.text == format!("read-only mode: {name} is not allowed")),
                "{action:?} did not reach the gate: {:?}",
                app.toasts
            );
        }
    }
}

#[test]
fn sealing_a_node_needs_the_typed_phrase() {
    let mut app = app();
    let seq = fetch_seq(&app.start());
    app.update(Msg::Vault {
        ticket: seq.clone(),
        reply: poll(
            t0(),
            Ok(health(NodeRole::Active, 200)),
            Ok(health(NodeRole::Standby, 429)),
        ),
    });
    app.update(key('S'));
    assert_eq!(app.mode, Mode::Confirm);
    // Enter with a wrong phrase does nothing.
    type_str(&mut app, "seal it");
    assert_eq!(app.update(code(KeyCode::Enter)), vec![]);
    assert_eq!(app.mode, Mode::Confirm);
    for _ in 0.."seal it".len() {
        app.update(code(KeyCode::Backspace));
    }
    type_str(&mut app, "seal 127.0.0.1:8210");
    let cmds = app.update(code(KeyCode::Enter));
    assert!(
        matches!(&cmds[..], [Command::Write { write: Write::One(Mutation::SealNode { addr }), .. }] if addr == A),
        "{cmds:?}"
    );
    assert_eq!(app.mode, Mode::Normal);
    // The outcome is reported and a poll follows at once.
    let Command::Write { ticket, .. } = &cmds[0] else {
        unreachable!()
    };
    let after = app.update(Msg::Vault {
        ticket: ticket.clone(),
        reply: Reply::Write(WriteOutcome {
            summary: "seal 127.0.0.1:8210".into(),
            items: vec![ItemResult {
                item: "127.0.0.1:8210".into(),
                result: Ok(WriteResult::Done),
            }],
        }),
    });
    assert!(app.toasts.iter().any(|t| t.text == "seal 127.0.0.1:8210"));
    assert!(matches!(&after[..], [Command::Fetch { .. }]));
}

#[test]
fn esc_cancels_a_confirmation() {
    let mut app = app();
    app.update(key('D'));
    // No active node known yet: nothing to confirm.
    assert_eq!(app.mode, Mode::Normal);
    let seq = fetch_seq(&app.start());
    app.update(Msg::Vault {
        ticket: seq.clone(),
        reply: poll(
            t0(),
            Ok(health(NodeRole::Active, 200)),
            Ok(health(NodeRole::Standby, 429)),
        ),
    });
    app.update(key('D'));
    assert_eq!(app.mode, Mode::Confirm);
    assert_eq!(app.update(code(KeyCode::Esc)), vec![]);
    assert_eq!(app.mode, Mode::Normal);
    assert!(app.gate.pending().is_none());
}

#[test]
fn switching_context_reconnects_and_drops_late_replies() {
    let mut app = app();
    let old = fetch_seq(&app.start());
    app.update(key(':'));
    type_str(&mut app, "ctx other");
    let cmds = app.update(code(KeyCode::Enter));
    assert!(matches!(&cmds[0], Command::Connect { profile } if profile.context == "other"));
    assert!(
        matches!(&cmds[1], Command::Fetch { request: Request::Cluster(ClusterRequest::Poll { nodes }), .. } if nodes == &vec!["http://127.0.0.1:8300".to_string()])
    );
    assert_eq!(app.profile.context, "other");
    // The old cluster's reply arrives late: dropped.
    app.update(Msg::Vault {
        ticket: old.clone(),
        reply: poll(
            t0(),
            Ok(health(NodeRole::Active, 200)),
            Ok(health(NodeRole::Standby, 429)),
        ),
    });
    assert_eq!(app.cluster.nodes.len(), 1);
    assert_eq!(app.cluster.nodes[0].status(), NodeStatus::Unknown);
    // Unknown context: a message.
    app.update(key(':'));
    type_str(&mut app, "ctx nowhere");
    assert_eq!(app.update(code(KeyCode::Enter)), vec![]);
    assert!(
        app.toasts
            .iter()
            .any(|t| t.text.contains("unknown context"))
    );
}

#[test]
fn two_key_chord_goes_to_top() {
    let mut app = app();
    let seq = fetch_seq(&app.start());
    app.update(Msg::Vault {
        ticket: seq.clone(),
        reply: poll(
            t0(),
            Ok(health(NodeRole::Active, 200)),
            Ok(health(NodeRole::Standby, 429)),
        ),
    });
    app.update(key('j'));
    assert_eq!(
        app.health()
            .and_then(|h| h.selected_node(&app.cluster))
            .map(|n| n.addr.as_str()),
        Some(B)
    );
    app.update(key('g'));
    app.update(key('g'));
    assert_eq!(
        app.health()
            .and_then(|h| h.selected_node(&app.cluster))
            .map(|n| n.addr.as_str()),
        Some(A)
    );
}

#[test]
fn mouse_wheel_and_click_select_rows() {
    use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
    let mut app = app();
    app.update(Msg::Resize(100, 30));
    let seq = fetch_seq(&app.start());
    app.update(Msg::Vault {
        ticket: seq.clone(),
        reply: poll(
            t0(),
            Ok(health(NodeRole::Active, 200)),
            Ok(health(NodeRole::Standby, 429)),
        ),
    });
    let mouse = |kind, column, row| {
        Msg::Mouse(MouseEvent {
            kind,
            column,
            row,
            modifiers: KeyModifiers::NONE,
        })
    };
    app.update(mouse(MouseEventKind::ScrollDown, 10, 5));
    assert_eq!(
        app.health()
            .and_then(|h| h.selected_node(&app.cluster))
            .map(|n| n.addr.as_str()),
        Some(B)
    );
    // Status bar (row 0), cluster line (row 1), nodes border (2), header (3), first node (4).
    app.update(mouse(MouseEventKind::Down(MouseButton::Left), 10, 4));
    assert_eq!(
        app.health()
            .and_then(|h| h.selected_node(&app.cluster))
            .map(|n| n.addr.as_str()),
        Some(A)
    );
    app.update(mouse(MouseEventKind::Down(MouseButton::Left), 10, 5));
    assert_eq!(
        app.health()
            .and_then(|h| h.selected_node(&app.cluster))
            .map(|n| n.addr.as_str()),
        Some(B)
    );
}

fn run(app: &mut App, line: &str) -> Vec<Command> {
    app.update(key(':'));
    type_str(app, line);
    app.update(code(KeyCode::Enter))
}

fn render(app: &App) -> String {
    use ratatui::{Terminal, backend::TestBackend};
    let mut term = Terminal::new(TestBackend::new(100, 30)).expect("terminal");
    term.draw(|f| strongroom::ui::draw(f, app)).expect("draw");
    let buf = term.backend().buffer().clone();
    (0..buf.area.height)
        .map(|y| {
            (0..buf.area.width)
                .map(|x| buf[(x, y)].symbol().to_string())
                .collect::<String>()
                + "\n"
        })
        .collect()
}

#[test]
fn session_read_only_holds_across_context_switches_until_turned_off() {
    let mut app = app();
    app.start();
    run(&mut app, "readonly");
    assert!(app.read_only());
    // The same context again, then another one and back: still read-only.
    for ctx in ["ctx main", "ctx other", "ctx main"] {
        run(&mut app, ctx);
        assert!(app.read_only(), "after {ctx}");
        app.update(key('S'));
        assert_eq!(app.mode, Mode::Normal, "no confirmation in read-only mode");
        let typed = type_str(&mut app, "seal 127.0.0.1:8210");
        let enter = app.update(code(KeyCode::Enter));
        assert!(
            !typed
                .iter()
                .chain(&enter)
                .any(|c| matches!(c, Command::Write { .. })),
            "a write left the gate after {ctx}"
        );
    }
    // The status bar says so.
    let buf = render(&app);
    assert!(buf.contains("READ-ONLY"), "{buf}");
    run(&mut app, "readonly off");
    assert!(!app.read_only());
    run(&mut app, "ctx other");
    assert!(!app.read_only());
}

#[test]
fn readonly_off_never_overrides_the_flag_or_the_context() {
    for (ctx_ro, flag_ro) in [(true, false), (false, true)] {
        let mut app = app_with(ctx_ro, flag_ro);
        run(&mut app, "readonly off");
        assert!(app.read_only());
        assert!(
            app.toasts
                .iter()
                .any(|t| t.text.starts_with("still read-only"))
        );
    }
}

#[test]
fn a_discovered_node_is_never_sealed() {
    use strongroom::vault::models::sys::{HaNode, HaStatus};
    let mut app = app();
    let seq = fetch_seq(&app.start());
    let mut reply = poll(
        t0(),
        Ok(health(NodeRole::Standby, 429)),
        Ok(health(NodeRole::Standby, 429)),
    );
    if let Reply::Cluster(ClusterReply::Poll(p)) = &mut reply {
        p.cluster.ha = Some(Ok(HaStatus {
            nodes: vec![HaNode {
                api_address: "http://127.0.0.1:8999".into(),
                active_node: true,
                ..Default::default()
            }],
        }));
    }
    app.update(Msg::Vault { ticket: seq, reply });
    assert_eq!(app.cluster.nodes.len(), 3);
    assert!(app.cluster.nodes[2].discovered);
    for _ in 0..2 {
        app.on_action(Action::Down);
    }
    assert_eq!(
        app.health()
            .and_then(|h| h.selected_node(&app.cluster))
            .map(|n| n.addr.as_str()),
        Some("http://127.0.0.1:8999")
    );
    app.update(key('S'));
    assert_eq!(app.mode, Mode::Normal);
    assert!(
        app.toasts
            .iter()
            .any(|t| t.text.contains("discovered, not configured")),
        "{:?}",
        app.toasts
    );
}

#[test]
fn mounts_navigation_routed_replies_jobs_and_late_replies() {
    use strongroom::command::{Origin, ScreenKind};
    use strongroom::jobs::{JobEvent, JobProgress, JobSpec};
    use strongroom::ui::screens::Screen;
    use strongroom::ui::screens::mounts::Count;
    use strongroom::vault::models::mounts::{Mount, MountKind, MountList, MountSource};
    use strongroom::vault::mounts::{MountsReply, MountsRequest};

    let mut app = app();
    let seq = fetch_seq(&app.start());
    app.update(Msg::Vault {
        ticket: seq,
        reply: poll(
            t0(),
            Ok(health(NodeRole::Standby, 429)),
            Ok(health(NodeRole::Active, 200)),
        ),
    });
    app.on_action(Action::Down);
    let cmds = run(&mut app, "mounts");
    // The list is asked of the active configured node, on behalf of the mounts screen.
    let Some(Command::Fetch { ticket, request }) = cmds.first() else {
        panic!("{cmds:?}")
    };
    assert_eq!(ticket.key.origin, Origin::Screen(ScreenKind::Mounts));
    assert_eq!(
        request,
        &Request::Mounts(MountsRequest::List { addr: B.into() })
    );
    let kv = |path: &str, v: u8| Mount {
        kind: MountKind::Secret,
        path: path.into(),
        mount_type: "kv".into(),
        kv_version: Some(v),
        description: String::new(),
        accessor: String::new(),
        default_lease_ttl: None,
        max_lease_ttl: None,
        options: Default::default(),
        seal_wrap: false,
        local: false,
        external_entropy_access: false,
        plugin_version: String::new(),
        running_plugin_version: String::new(),
        uuid: String::new(),
        deprecation_status: String::new(),
    };
    let list = MountList {
        mounts: vec![kv("kv1/", 1), kv("secret/", 2)],
        source: MountSource::SysMounts,
    };
    let cmds = app.update(Msg::Vault {
        ticket: ticket.clone(),
        reply: Reply::Mounts(MountsReply::List(Ok(list))),
    });
    // One count at a time: the first KV mount's job starts.
    let Some(Command::StartJob { ticket: job, spec }) = cmds.first() else {
        panic!("{cmds:?}")
    };
    assert!(matches!(spec, JobSpec::CountSecrets { mount, .. } if mount == "kv1/"));
    let counts = |app: &App| match app.screen() {
        Screen::Mounts(m) => m.counts.clone(),
        _ => Default::default(),
    };
    let p = |done| JobProgress {
        done,
        ..JobProgress::default()
    };
    app.update(Msg::Job {
        ticket: job.clone(),
        event: JobEvent::Progress(p(3)),
    });
    assert_eq!(counts(&app).get("kv1/"), Some(&Count::Running(p(3))));
    assert_eq!(counts(&app).get("secret/"), Some(&Count::Queued));
    let cmds = app.update(Msg::Job {
        ticket: job.clone(),
        event: JobEvent::Done(p(5)),
    });
    assert_eq!(counts(&app).get("kv1/"), Some(&Count::Done(p(5))));
    // A late event of the finished job changes nothing.
    app.update(Msg::Job {
        ticket: job.clone(),
        event: JobEvent::Progress(p(1)),
    });
    assert_eq!(counts(&app).get("kv1/"), Some(&Count::Done(p(5))));
    let Some(Command::StartJob { ticket: job2, .. }) = cmds.first() else {
        panic!("{cmds:?}")
    };
    // esc cancels the running count (the screen stays), a second esc goes back to health with
    // its selection as it was.
    let cmds = app.update(code(KeyCode::Esc));
    assert_eq!(cmds, vec![Command::CancelJob { id: job2.seq }]);
    assert!(matches!(app.screen(), Screen::Mounts(_)));
    app.update(Msg::Job {
        ticket: job2.clone(),
        event: JobEvent::Done(p(9)),
    });
    assert!(matches!(
        counts(&app).get("secret/"),
        Some(Count::Cancelled(_))
    ));
    app.update(code(KeyCode::Esc));
    assert!(matches!(app.screen(), Screen::Health(_)));
    assert_eq!(
        app.health()
            .and_then(|h| h.selected_node(&app.cluster))
            .map(|n| n.addr.as_str()),
        Some(B)
    );
    // Back on mounts, then a context switch: replies from before it are dropped.
    let cmds = run(&mut app, "mounts");
    let Some(Command::Fetch { ticket: old, .. }) = cmds.first().cloned() else {
        panic!("{cmds:?}")
    };
    run(&mut app, "ctx other");
    assert!(matches!(app.screen(), Screen::Health(_)));
    let cmds = app.update(Msg::Vault {
        ticket: old,
        reply: Reply::Mounts(MountsReply::List(Ok(MountList {
            mounts: vec![],
            source: MountSource::SysMounts,
        }))),
    });
    assert_eq!(cmds, vec![]);
}
