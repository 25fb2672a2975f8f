//! The search screen without a server: update flows (`:search` → mount list → the search job;
//! results in batches, per-mount progress, cancel with esc, `/` filter, enter) and render
//! snapshots (running with progress, done, no results, failed, truncated) at 100×30 and 60×16.
// Test crate: helpers outside #[test] fns fail the test with a message via expect.
#![allow(clippy::expect_used)]

#[path = "common/health_fixtures.rs"]
mod health_fixtures;

#[path = "common/screen_text.rs"]
mod screen_text;

use screen_text::text;
use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use strongroom::app::{App, AppInit};
use strongroom::command::{Command, Origin, Request, ScreenKind, Ticket};
use strongroom::config::{ConnectionProfile, TokenSource};
use strongroom::event::Msg;
use strongroom::jobs::search::{MAX_RESULTS, MountSearch, MountState, SearchProgress};
use strongroom::jobs::walk::WalkMode;
use strongroom::jobs::{JobEvent, JobProgress, JobReport, JobSpec};
use strongroom::keymap::Keymap;
use strongroom::reply::Reply;
use strongroom::theme::ThemeRegistry;
use strongroom::ui::screens::Screen;
use strongroom::ui::screens::search::{Phase, SearchScope, SearchScreen};
use strongroom::vault::VaultError;
use strongroom::vault::models::kv::KvVersion;
use strongroom::vault::models::mounts::{Mount, MountKind, MountList, MountSource};
use strongroom::vault::mounts::{MountsReply, MountsRequest};

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

fn mount(path: &str, mount_type: &str, v: Option<u8>) -> Mount {
    Mount {
        kind: MountKind::Secret,
        path: path.into(),
        mount_type: mount_type.into(),
        kv_version: v,
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
    }
}

fn list() -> MountList {
    MountList {
        mounts: vec![
            mount("kv1/", "kv", Some(1)),
            mount("pki/", "pki", None),
            mount("secret/", "kv", Some(2)),
        ],
        source: MountSource::SysMounts,
    }
}

fn key(c: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(c, KeyModifiers::NONE))
}

fn search(app: &App) -> &SearchScreen {
    match app.screen() {
        Screen::Search(s) => s,
        other => panic!("not on the search screen: {}", other.title()),
    }
}

/// `:search ARG`, then the mount list: the job's ticket and spec.
fn start(app: &mut App, arg: &str) -> (Ticket, JobSpec) {
    let cmds = app.run_command(&format!("search {arg}"));
    let [Command::Fetch { ticket, request }] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    assert_eq!(ticket.key.origin, Origin::Screen(ScreenKind::Search));
    assert!(matches!(
        request,
        Request::Mounts(MountsRequest::List { .. })
    ));
    let cmds = app.update(Msg::Vault {
        ticket: ticket.clone(),
        reply: Reply::Mounts(MountsReply::List(Ok(list()))),
    });
    let [Command::StartJob { ticket, spec }] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    (ticket.clone(), spec.clone())
}

fn running(mounts: &[(&str, MountState, u64, u64, u64)]) -> SearchProgress {
    SearchProgress {
        mounts: mounts
            .iter()
            .map(|(m, state, found, listed, denied)| MountSearch {
                state: state.clone(),
                found: *found,
                listed: *listed,
                denied: *denied,
                used: Some(WalkMode::List),
                ..MountSearch::new(m)
            })
            .collect(),
    }
}

fn report(p: SearchProgress) -> JobEvent {
    JobEvent::Report(Box::new(JobReport::Search(p)))
}

#[test]
fn search_all_kv_mounts_results_in_batches_progress_filter_and_cancel() {
    let mut app = app();
    let (job, spec) = start(&mut app, "pay");
    let JobSpec::SearchSecrets {
        mounts,
        prefix,
        pattern,
        ..
    } = spec
    else {
        panic!("{spec:?}")
    };
    // Every KV mount, both versions, nothing else.
    assert_eq!(
        mounts,
        vec![
            ("kv1/".to_string(), KvVersion::V1),
            ("secret/".to_string(), KvVersion::V2)
        ]
    );
    assert_eq!((prefix.as_str(), pattern.as_str()), ("", "pay"));
    assert_eq!(search(&app).phase, Phase::Running);

    // Results arrive in batches, with per-mount counters.
    app.update(Msg::Job {
        ticket: job.clone(),
        event: JobEvent::Partial(vec!["kv1/payments/a".into(), "kv1/pay/b".into()]),
    });
    app.update(Msg::Job {
        ticket: job.clone(),
        event: report(running(&[
            ("kv1/", MountState::Running, 2, 5, 1),
            ("secret/", MountState::Queued, 0, 0, 0),
        ])),
    });
    assert_eq!(search(&app).results().len(), 2);
    assert_eq!(search(&app).progress.found(), 2);
    assert_eq!(search(&app).progress.denied(), 1);
    app.update(Msg::Job {
        ticket: job.clone(),
        event: JobEvent::Partial(vec!["secret/apps/PAYROLL".into()]),
    });
    assert_eq!(search(&app).results().len(), 3);

    // `/` filters the list as typed (a plain case-insensitive substring), results keep coming.
    app.update(key(KeyCode::Char('/')));
    for c in "payroll".chars() {
        app.update(key(KeyCode::Char(c)));
    }
    app.update(key(KeyCode::Enter));
    assert_eq!(search(&app).shown_len(), 1);
    assert_eq!(search(&app).selected_path(), Some("secret/apps/PAYROLL"));
    app.update(Msg::Job {
        ticket: job.clone(),
        event: JobEvent::Partial(vec!["secret/x/payroll2".into(), "secret/x/nope".into()]),
    });
    assert_eq!(search(&app).shown_len(), 2);

    // esc cancels the running search (the screen stays, results stay); late events change
    // nothing; a second esc clears the filter, a third goes back.
    let cmds = app.update(key(KeyCode::Esc));
    assert_eq!(cmds, vec![Command::CancelJob { id: job.seq }]);
    assert_eq!(search(&app).phase, Phase::Cancelled);
    assert!(matches!(
        search(&app).progress.mounts[1].state,
        MountState::Cancelled
    ));
    app.update(Msg::Job {
        ticket: job.clone(),
        event: JobEvent::Partial(vec!["secret/late".into()]),
    });
    assert_eq!(search(&app).results().len(), 5);
    app.update(key(KeyCode::Esc));
    assert_eq!(search(&app).filter(), "");
    assert_eq!(search(&app).shown_len(), 5);
    app.update(key(KeyCode::Esc));
    assert!(matches!(app.screen(), Screen::Health(_)));
}

#[test]
fn search_a_folder_finishes_and_enter_opens_the_mount() {
    let mut app = app();
    let (job, spec) = start(&mut app, "secret/apps/ ^secret/apps/.*/prod$");
    let JobSpec::SearchSecrets {
        mounts,
        prefix,
        pattern,
        ..
    } = spec
    else {
        panic!("{spec:?}")
    };
    assert_eq!(mounts, vec![("secret/".to_string(), KvVersion::V2)]);
    assert_eq!(prefix, "apps");
    assert_eq!(pattern, "^secret/apps/.*/prod$");
    app.update(Msg::Job {
        ticket: job.clone(),
        event: JobEvent::Partial(vec!["secret/apps/a/prod".into()]),
    });
    app.update(Msg::Job {
        ticket: job.clone(),
        event: JobEvent::Done(JobProgress {
            done: 1,
            ..JobProgress::default()
        }),
    });
    assert_eq!(search(&app).phase, Phase::Done);
    // esc on a finished search goes back at once.
    // enter opens the result in the secrets browser's secret view (which asks for its data).
    let cmds = app.update(key(KeyCode::Enter));
    assert!(
        matches!(app.screen(), Screen::Secret(v) if v.mount == "secret/" && v.path == "apps/a/prod" && v.kv == KvVersion::V2),
        "{}",
        app.screen().title()
    );
    assert!(!cmds.is_empty(), "the secret view asks for its metadata");
    app.update(key(KeyCode::Esc));
    // ctrl-r searches again: a new mount list request.
    let cmds = app.update(Msg::Key(KeyEvent::new(
        KeyCode::Char('r'),
        KeyModifiers::CONTROL,
    )));
    assert!(
        cmds.iter().any(|c| matches!(
            c,
            Command::Fetch {
                request: Request::Mounts(_),
                ..
            }
        )),
        "{cmds:?}"
    );
    assert_eq!(search(&app).phase, Phase::Resolving);
    assert!(search(&app).results().is_empty());
}

#[test]
fn bad_input_is_a_toast_or_a_failed_search() {
    let mut app = app();
    assert!(app.run_command("search secret/ (").is_empty());
    assert!(
        app.toasts
            .iter()
            .any(|t| t.text.starts_with("invalid search pattern")),
        "{:?}",
        app.toasts
    );
    assert!(matches!(app.screen(), Screen::Health(_)));
    let cmds = app.run_command("search nomount/x y");
    let [Command::Fetch { ticket, .. }] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    let cmds = app.update(Msg::Vault {
        ticket: ticket.clone(),
        reply: Reply::Mounts(MountsReply::List(Ok(list()))),
    });
    assert!(cmds.is_empty(), "{cmds:?}");
    assert!(matches!(
        &search(&app).phase,
        Phase::Failed(VaultError::NotFound { .. })
    ));
    let cmds = app.run_command("search pki/x y");
    let [Command::Fetch { ticket, .. }] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    app.update(Msg::Vault {
        ticket: ticket.clone(),
        reply: Reply::Mounts(MountsReply::List(Ok(list()))),
    });
    assert!(
        matches!(&search(&app).phase, Phase::Failed(VaultError::Decode(m)) if m.contains("not a KV mount"))
    );
}

// ---- render snapshots ----

fn snap(name: &str, screen: SearchScreen) {
    let mut app = app();
    app.push_screen(Screen::Search(screen));
    for (w, h) in [(100, 30), (60, 16)] {
        let mut term = Terminal::new(TestBackend::new(w, h)).expect("terminal");
        term.draw(|f| strongroom::ui::draw(f, &app)).expect("draw");
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), text(term.backend().buffer()));
    }
}

fn screen(phase: Phase, progress: SearchProgress, results: usize) -> SearchScreen {
    let mut s = SearchScreen::new(SearchScope::AllKv, "pay");
    s.phase = phase;
    s.progress = progress;
    s.add_results(
        (0..results)
            .map(|i| format!("secret/apps/payments/{i:03}"))
            .collect(),
    );
    s
}

#[test]
fn render_running_with_progress() {
    let p = running(&[
        ("kv1/", MountState::Done, 3, 12, 0),
        ("secret/", MountState::Running, 40, 118, 2),
    ]);
    snap("search_running", screen(Phase::Running, p, 43));
}

#[test]
fn render_done() {
    let p = running(&[
        ("kv1/", MountState::Done, 3, 12, 0),
        ("locked/", MountState::Denied, 0, 0, 0),
        ("secret/", MountState::Done, 5, 1, 0),
    ]);
    let mut s = screen(Phase::Done, p, 8);
    s.set_filter("00".into());
    // A marked result (space), for `:cp DST`.
    s.toggle_mark();
    assert_eq!(s.marked_count(), 1);
    snap("search_done_filtered", s);
}

#[test]
fn render_no_results() {
    let p = running(&[("secret/", MountState::Done, 0, 9, 0)]);
    snap("search_no_results", screen(Phase::Done, p, 0));
}

#[test]
fn render_failed() {
    let s = screen(
        Phase::Failed(VaultError::PermissionDenied {
            errors: vec!["permission denied".into()],
        }),
        SearchProgress::default(),
        0,
    );
    snap("search_failed", s);
}

#[test]
fn render_truncated_many_mounts() {
    let mounts: Vec<(String, MountState, u64, u64, u64)> = (0..7)
        .map(|i| (format!("kv{i}/"), MountState::Done, 20_000, 3, 0))
        .collect();
    let refs: Vec<(&str, MountState, u64, u64, u64)> = mounts
        .iter()
        .map(|(m, s, a, b, c)| (m.as_str(), s.clone(), *a, *b, *c))
        .collect();
    let mut s = screen(Phase::Done, running(&refs), 0);
    s.add_results((0..=MAX_RESULTS).map(|i| format!("kv/{i}")).collect());
    assert!(s.truncated);
    snap("search_truncated", s);
}
