//! The radar screen without a server: update flows (`:radar [window]` starts the radar job;
//! source updates; window keys 1/2/3; bucket drill-down with ←/→; enter → the `:` line of the
//! item's screen, a certificate's details; esc) and render snapshots (loading, ready with the
//! histogram, a bucket drill-down with a certificate's details, the >10,000 leases alert, empty)
//! at 100×30 and 60×16, with the fixed clock.
// Test crate: helpers outside #[test] fns fail the test with a message via expect.
#![allow(clippy::expect_used, clippy::unwrap_used)]

#[path = "common/health_fixtures.rs"]
mod health_fixtures;
mod radar_support;
#[path = "common/render_app.rs"]
mod render_app;
#[path = "common/screen_text.rs"]
mod screen_text;

use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use radar_support::{cert, done, items, lease};
use strongroom::app::{App, Mode};
use strongroom::command::{Command, Origin, ScreenKind, Ticket};
use strongroom::event::Msg;
use strongroom::jobs::{JobEvent, JobProgress, JobReport, JobSpec};
use strongroom::radar::{ItemKind, Radar, RotationPolicy, Window};
use strongroom::ui::screens::Screen;
use strongroom::ui::screens::radar::{Phase, RadarScreen};
use strongroom::vault::radar::{RadarUpdate, SourceState, SourceStatus};

fn key(c: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(c, KeyModifiers::NONE))
}

fn radar(app: &App) -> &RadarScreen {
    match app.screen() {
        Screen::Radar(s) => s,
        other => panic!("not on the radar: {}", other.title()),
    }
}

fn app() -> App {
    let mut app = render_app::app_with(Screen::Health(Default::default()));
    app.screens.truncate(1);
    app
}

/// `:radar ARG`: the job's ticket and spec.
fn start(app: &mut App, arg: &str) -> (Ticket, JobSpec) {
    let cmds = app.run_command(&format!("radar {arg}"));
    let [Command::StartJob { ticket, spec }] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    assert_eq!(ticket.key.origin, Origin::Screen(ScreenKind::Radar));
    (ticket.clone(), spec.clone())
}

fn update(
    kind: ItemKind,
    status: SourceStatus,
    items: Vec<strongroom::radar::RadarItem>,
) -> JobEvent {
    JobEvent::Report(Box::new(JobReport::Radar(RadarUpdate {
        kind,
        status,
        items,
    })))
}

/// The radar with every fixture item loaded (leases, tokens and certificates done; KV denied).
fn loaded(app: &mut App) {
    let (job, spec) = start(app, "");
    assert!(matches!(spec, JobSpec::Radar { .. }));
    let now = app.now;
    let all = items(now);
    for kind in [ItemKind::Lease, ItemKind::Token, ItemKind::Certificate] {
        let mine: Vec<_> = all.iter().filter(|i| i.kind == kind).cloned().collect();
        let n = mine.len() as u64;
        app.update(Msg::Job {
            ticket: job.clone(),
            event: update(kind, done(n), mine),
        });
    }
    let kv: Vec<_> = all
        .iter()
        .filter(|i| i.kind == ItemKind::KvRotation)
        .cloned()
        .collect();
    app.update(Msg::Job {
        ticket: job.clone(),
        event: update(ItemKind::KvRotation, done(1), kv),
    });
    app.update(Msg::Job {
        ticket: job,
        event: JobEvent::Done(JobProgress::default()),
    });
    assert_eq!(radar(app).phase, Phase::Ready);
}

#[test]
fn radar_command_starts_the_job_with_the_rotation_ages_and_its_window() {
    let mut app = app();
    app.rotation = RotationPolicy {
        default: Duration::from_secs(60),
        paths: vec![("secret/apps/".into(), Duration::from_secs(1))],
    };
    let (_, spec) = start(&mut app, "");
    let JobSpec::Radar { addr, rotation } = spec else {
        panic!("{spec:?}")
    };
    assert!(addr.starts_with("http"), "{addr}");
    assert_eq!(rotation, app.rotation);
    assert_eq!(radar(&app).window, Window::Day);
    assert_eq!(radar(&app).phase, Phase::Loading);
    app.screens.truncate(1);
    start(&mut app, "36h");
    assert_eq!(
        radar(&app).window,
        Window::Custom(Duration::from_secs(36 * 3_600))
    );
    app.screens.truncate(1);
    let cmds = app.run_command("radar soon");
    assert!(cmds.is_empty());
    assert!(matches!(app.screen(), Screen::Health(_)));
    assert!(
        app.toasts.iter().any(|t| t.text.contains("not a window")),
        "{:?}",
        app.toasts
    );
}

#[test]
fn source_updates_show_progress_and_a_denied_source_while_the_others_load() {
    let mut app = app();
    let (job, _) = start(&mut app, "");
    let now = app.now;
    app.update(Msg::Job {
        ticket: job.clone(),
        event: update(
            ItemKind::Lease,
            SourceStatus {
                state: SourceState::Loading,
                loaded: 1,
                found: 40,
                note: String::new(),
            },
            vec![lease(now, "database/creds/readonly/a", 600)],
        ),
    });
    app.update(Msg::Job {
        ticket: job.clone(),
        event: update(
            ItemKind::Token,
            SourceStatus {
                state: SourceState::Denied,
                ..SourceStatus::default()
            },
            vec![],
        ),
    });
    let r = radar(&app);
    assert_eq!(r.radar.len(), 1);
    assert_eq!(r.sources[&ItemKind::Token].state, SourceState::Denied);
    assert_eq!(r.sources[&ItemKind::Lease].found, 40);
    assert!(!r.sources_done());
    app.update(Msg::Job {
        ticket: job,
        event: JobEvent::Done(JobProgress::default()),
    });
    assert!(
        app.toasts
            .iter()
            .any(|t| t.text.contains("permission denied for tokens")),
        "{:?}",
        app.toasts
    );
}

#[test]
fn window_keys_buckets_and_enter_jump_to_the_item_screen() {
    let mut app = app();
    loaded(&mut app);
    let now = app.now;
    // The day: everything but the 3-day certificate; the overdue secret first.
    assert_eq!(radar(&app).listed(now).len(), 5);
    assert_eq!(radar(&app).listed(now)[0].kind, ItemKind::KvRotation);
    app.update(key(KeyCode::Char('1')));
    assert_eq!(radar(&app).window, Window::Hour);
    assert_eq!(radar(&app).listed(now).len(), 3);
    app.update(key(KeyCode::Char('3')));
    assert_eq!(radar(&app).window, Window::Week);
    assert_eq!(radar(&app).listed(now).len(), 6);
    app.update(key(KeyCode::Char('2')));
    assert_eq!(radar(&app).window, Window::Day);

    // → drills into the first bucket (the first hour): overdue secret, lease, certificate.
    app.update(key(KeyCode::Right));
    assert_eq!(radar(&app).bucket, Some(0));
    let ids: Vec<String> = radar(&app)
        .listed(now)
        .iter()
        .map(|i| i.id.clone())
        .collect();
    assert_eq!(
        ids,
        [
            "secret/apps/payments",
            "database/creds/readonly/5gzIKIOuw8J2",
            "1d:8e:aa:01"
        ]
    );
    // enter on the secret: `:cd` to it.
    app.update(key(KeyCode::Enter));
    let Mode::Command(line) = &app.mode else {
        panic!("{:?}", app.mode)
    };
    assert_eq!(line.text, "cd secret/apps/payments");
    app.update(key(KeyCode::Esc));
    assert_eq!(app.mode, Mode::Normal);
    // the lease: `:leases PREFIX`.
    app.update(key(KeyCode::Char('j')));
    app.update(key(KeyCode::Enter));
    let Mode::Command(line) = &app.mode else {
        panic!("{:?}", app.mode)
    };
    assert_eq!(line.text, "leases database/creds/readonly/");
    app.update(key(KeyCode::Esc));
    // the certificate: its details, here.
    app.update(key(KeyCode::Char('j')));
    app.update(key(KeyCode::Enter));
    assert_eq!(app.mode, Mode::Normal);
    assert!(radar(&app).detail);
    // esc closes the details, then leaves the bucket; the screen stays.
    app.update(key(KeyCode::Esc));
    assert!(!radar(&app).detail);
    assert_eq!(radar(&app).bucket, Some(0));
    app.update(key(KeyCode::Esc));
    assert_eq!(radar(&app).bucket, None);
    assert!(matches!(app.screen(), Screen::Radar(_)));

    // The token is in the sixth hour's bucket: `:tokens accessor=…`.
    for _ in 0..6 {
        app.update(key(KeyCode::Char('l')));
    }
    assert_eq!(radar(&app).bucket, Some(5));
    app.update(key(KeyCode::Enter));
    let Mode::Command(line) = &app.mode else {
        panic!("{:?}", app.mode)
    };
    assert_eq!(line.text, "tokens accessor=ncbh1yxdeKAib9Au0naG9spg");
    app.update(key(KeyCode::Esc));
    // ← back to the first bucket and past it to the whole window.
    for _ in 0..7 {
        app.update(key(KeyCode::Char('h')));
    }
    assert_eq!(radar(&app).bucket, None);
    // esc on the radar itself goes back.
    app.update(key(KeyCode::Esc));
    assert!(matches!(app.screen(), Screen::Health(_)));
}

fn screen_with(items: Vec<strongroom::radar::RadarItem>, phase: Phase) -> RadarScreen {
    let mut s = RadarScreen::new(Window::Day, RotationPolicy::default());
    let count = |k: ItemKind| items.iter().filter(|i| i.kind == k).count() as u64;
    for k in ItemKind::ALL {
        s.sources.insert(k, done(count(k)));
    }
    s.radar = Radar::new(items);
    s.phase = phase;
    s
}

fn snap(name: &str, screen: RadarScreen) {
    let app = render_app::app_with(Screen::Radar(Box::new(screen)));
    for (w, h) in [(100, 30), (60, 16)] {
        let mut term = Terminal::new(TestBackend::new(w, h)).expect("terminal");
        term.draw(|f| strongroom::ui::draw(f, &app)).expect("draw");
        let t = screen_text::text(term.backend().buffer());
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), t);
    }
}

#[test]
fn render_loading() {
    let now = health_fixtures::now();
    let mut s = screen_with(items(now).into_iter().take(2).collect(), Phase::Loading);
    s.sources.insert(
        ItemKind::Lease,
        SourceStatus {
            state: SourceState::Loading,
            loaded: 1,
            found: 250,
            note: String::new(),
        },
    );
    s.sources.insert(
        ItemKind::Token,
        SourceStatus {
            state: SourceState::Denied,
            ..SourceStatus::default()
        },
    );
    s.sources
        .insert(ItemKind::KvRotation, SourceStatus::default());
    snap("radar_loading", s);
}

#[test]
fn render_ready_with_histogram() {
    let now = health_fixtures::now();
    snap("radar_ready", screen_with(items(now), Phase::Ready));
}

#[test]
fn render_bucket_drill_down_with_certificate_details() {
    let now = health_fixtures::now();
    let mut s = screen_with(items(now), Phase::Ready);
    s.bucket = Some(0);
    s.selected = 2;
    s.detail = true;
    snap("radar_bucket_cert", s);
}

#[test]
fn render_lease_count_alert() {
    let now = health_fixtures::now();
    let mut all = items(now);
    all.extend((0..10_001).map(|i| {
        lease(
            now,
            &format!("database/creds/readonly/x{i:05}"),
            2 * 86_400 + i,
        )
    }));
    all.push(cert(now, "3a:00", "db.example.com", 7_200));
    let screen = screen_with(all, Phase::Ready);
    snap("radar_lease_alert", screen.clone());
    // The alert line and the count row are drawn in the danger style.
    let app = render_app::app_with(Screen::Radar(Box::new(screen)));
    let mut term = Terminal::new(TestBackend::new(100, 30)).expect("terminal");
    term.draw(|f| strongroom::ui::draw(f, &app)).expect("draw");
    let buf = term.backend().buffer();
    let danger = strongroom::theme::ThemeRegistry::load(None, false)
        .get("default")
        .expect("default theme")
        .status_danger;
    let text = screen_text::text(buf);
    let row = text
        .lines()
        .position(|l| l.contains("⚠ database/: 10,002 leases (over 10,000)"))
        .expect("the alert line") as u16;
    let col = text
        .lines()
        .nth(usize::from(row))
        .unwrap()
        .chars()
        .position(|c| c == '⚠')
        .unwrap() as u16;
    assert_eq!(buf[(col, row)].fg, danger.fg.unwrap_or_default());
    let count_row = text
        .lines()
        .position(|l| l.contains("lease  database/"))
        .expect("the count row") as u16;
    let x = text
        .lines()
        .nth(usize::from(count_row))
        .unwrap()
        .find("lease  database/")
        .unwrap();
    let x = text.lines().nth(usize::from(count_row)).unwrap()[..x]
        .chars()
        .count() as u16;
    assert_eq!(buf[(x, count_row)].fg, danger.fg.unwrap_or_default());
}

#[test]
fn render_empty() {
    snap("radar_empty", screen_with(Vec::new(), Phase::Ready));
}

#[test]
fn server_text_is_sanitised_before_it_is_drawn() {
    let now = health_fixtures::now();
    let mut evil = cert(
        now,
        "1d:\u{1b}]52;c;AAAA\u{7}",
        "\u{1b}[31mred\u{1b}[0m.example.com",
        600,
    );
    evil.mount = "pki\u{1b}[2J/".into();
    let mut s = screen_with(vec![evil], Phase::Ready);
    s.detail = true;
    let app = render_app::app_with(Screen::Radar(Box::new(s)));
    for (w, h) in [(100, 30), (60, 16)] {
        let mut term = Terminal::new(TestBackend::new(w, h)).expect("terminal");
        term.draw(|f| strongroom::ui::draw(f, &app)).expect("draw");
        let t = screen_text::text(term.backend().buffer());
        assert!(!t.contains('\u{1b}') && !t.contains('\u{7}'), "{t}");
        assert!(t.contains("red"), "{t}");
    }
}

#[test]
fn render_failed_source_and_failed_job() {
    let now = health_fixtures::now();
    let mut s = screen_with(items(now), Phase::Ready);
    s.sources.insert(
        ItemKind::Certificate,
        SourceStatus {
            state: SourceState::Failed("pki/: 500 internal error".into()),
            ..SourceStatus::default()
        },
    );
    snap("radar_source_failed", s);
    let mut s = screen_with(
        Vec::new(),
        Phase::Failed(strongroom::vault::VaultError::NotAsked("no node to ask")),
    );
    for k in ItemKind::ALL {
        s.sources.insert(k, SourceStatus::default());
    }
    snap("radar_failed", s);
}
