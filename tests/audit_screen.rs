//! The access-history screen without a server: update flows (`:audit` → every node's devices →
//! the scan job; `:audit FILE` → the files; batches, progress, cancel with esc, the filter form
//! and the quick toggles starting new scans, the hash match that never keeps the value, the
//! drill-down request, the signals panel's evidence filter, follow, the report job). The render
//! snapshots are in `render_audit.rs`.
// Test crate: helpers outside #[test] fns fail the test with a message via expect.
#![allow(clippy::expect_used)]

#[path = "common/health_fixtures.rs"]
mod health_fixtures;

#[path = "common/render_app.rs"]
#[allow(dead_code)]
mod render_app;

mod audit_support;

use std::path::PathBuf;

use audit_support::{ago, app, fixture, record, signals};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use strongroom::app::App;
use strongroom::audit::filter::PathMatch;
use strongroom::audit::{AuditBatch, AuditRecord, NodeLog, ScanProgress, ScanSpec};
use strongroom::cli::ReportFormat;
use strongroom::command::{Command, Origin, Request, ScreenKind, Ticket};
use strongroom::event::Msg;
use strongroom::jobs::{JobEvent, JobProgress, JobReport, JobSpec};
use strongroom::reply::Reply;
use strongroom::ui::screens::Screen;
use strongroom::ui::screens::audit::{AuditScreen, Overlay, Phase};
use strongroom::vault::audit_area::{AuditReply, AuditRequest, LocatedDevice};
use strongroom::vault::models::audit::AuditDevice;

fn key(c: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(c, KeyModifiers::NONE))
}

fn typed(app: &mut App, s: &str) {
    for c in s.chars() {
        app.update(key(KeyCode::Char(c)));
    }
}

fn audit(app: &App) -> &AuditScreen {
    match app.screen() {
        Screen::Audit(s) => s,
        other => panic!("not on the audit screen: {}", other.title()),
    }
}

fn audit_mut(app: &mut App) -> &mut AuditScreen {
    match app.screen_mut() {
        Screen::Audit(s) => s,
        other => panic!("not on the audit screen: {}", other.title()),
    }
}

fn fetches(cmds: &[Command]) -> Vec<(Ticket, AuditRequest)> {
    cmds.iter()
        .filter_map(|c| match c {
            Command::Fetch {
                ticket,
                request: Request::Audit(r),
            } => Some((ticket.clone(), r.clone())),
            _ => None,
        })
        .collect()
}

fn scan(cmds: &[Command]) -> (Ticket, ScanSpec) {
    let found = cmds.iter().find_map(|c| match c {
        Command::StartJob {
            ticket,
            spec: JobSpec::AuditScan(s),
        } => Some((ticket.clone(), s.clone())),
        _ => None,
    });
    found.unwrap_or_else(|| panic!("no scan job in {cmds:?}"))
}

fn cancels(cmds: &[Command]) -> bool {
    cmds.iter().any(|c| matches!(c, Command::CancelJob { .. }))
}

fn device(path: &str) -> AuditDevice {
    AuditDevice {
        path: "file/".into(),
        kind: "file".into(),
        description: String::new(),
        local: false,
        options: [("file_path".to_string(), path.to_string())].into(),
    }
}

fn batch(records: Vec<AuditRecord>, progress: ScanProgress) -> JobEvent {
    JobEvent::Report(Box::new(JobReport::Audit(AuditBatch { records, progress })))
}

fn progress(read: u64, entries: u64, matched: u64) -> ScanProgress {
    ScanProgress {
        bytes_read: read,
        bytes_total: 1000,
        entries,
        matched,
        blank: 1,
        bad: 2,
        ..ScanProgress::default()
    }
}

fn toasts(app: &App) -> String {
    app.toasts
        .iter()
        .map(|t| t.text.clone())
        .collect::<Vec<_>>()
        .join("\n")
}

/// `:audit FILE` with the files found and the scan started.
fn opened() -> (App, Ticket, ScanSpec) {
    let mut app = app();
    let cmds = app.run_command("audit /var/log/openbao/audit*.log");
    let f = fetches(&cmds);
    let (ticket, _) = f
        .iter()
        .find(|(_, r)| matches!(r, AuditRequest::Files { .. }))
        .expect("a files request")
        .clone();
    let cmds = app.update(Msg::Vault {
        ticket,
        reply: Reply::Audit(AuditReply::Files {
            logs: audit_support::one_log(),
            missing: vec![],
        }),
    });
    let (job, spec) = scan(&cmds);
    (app, job, spec)
}

/// Opened, the fixture arrived, the scan is done.
fn loaded() -> (App, Ticket) {
    let (mut app, job, _) = opened();
    app.update(Msg::Job {
        ticket: job.clone(),
        event: batch(fixture(), progress(1000, 10, 5)),
    });
    app.update(Msg::Job {
        ticket: job.clone(),
        event: JobEvent::Done(JobProgress::default()),
    });
    (app, job)
}

#[test]
fn opening_asks_every_node_for_its_devices_then_scans_their_logs() {
    let mut app = app();
    let cmds = app.run_command("audit");
    let f = fetches(&cmds);
    assert_eq!(f.len(), 3, "one sys/audit per configured node: {f:?}");
    assert!(
        f.iter()
            .all(|(t, _)| t.key.origin == Origin::Screen(ScreenKind::Audit))
    );
    assert_eq!(audit(&app).phase, Phase::Locating);
    let mut last = Vec::new();
    for (i, (ticket, r)) in f.into_iter().enumerate() {
        let AuditRequest::Devices { addr } = r else {
            panic!("not a devices request")
        };
        let local = (i < 2).then(|| PathBuf::from(format!("/srv/sb/node{}-audit.log", i + 1)));
        last = app.update(Msg::Vault {
            ticket,
            reply: Reply::Audit(AuditReply::Devices {
                addr,
                result: Ok(vec![LocatedDevice {
                    device: device("audit.log"),
                    local_file: local,
                }]),
            }),
        });
    }
    let (job, spec) = scan(&last);
    assert_eq!(job.key.origin, Origin::Screen(ScreenKind::Audit));
    assert_eq!(spec.logs.len(), 2, "the two logs found on this machine");
    assert_eq!(
        spec.logs[0].files,
        vec![PathBuf::from("/srv/sb/node1-audit.log")]
    );
    assert_eq!(spec.logs[0].label, "127.0.0.1:21480");
    assert_eq!(spec.limit, 100_000);
    assert!(!spec.follow);
    assert!(spec.filter.is_empty());
    assert_eq!(audit(&app).phase, Phase::Loading);
}

#[test]
fn no_log_on_this_machine_says_so() {
    let mut app = app();
    let f = fetches(&app.run_command("audit"));
    for (ticket, r) in f {
        let AuditRequest::Devices { addr } = r else {
            panic!()
        };
        let cmds = app.update(Msg::Vault {
            ticket,
            reply: Reply::Audit(AuditReply::Devices {
                addr,
                result: Ok(vec![LocatedDevice {
                    device: device("audit.log"),
                    local_file: None,
                }]),
            }),
        });
        assert!(!cmds.iter().any(|c| matches!(c, Command::StartJob { .. })));
    }
    assert_eq!(audit(&app).phase, Phase::NoFiles);
}

#[test]
fn files_named_are_expanded_by_the_worker_and_missing_ones_reported() {
    let mut app = app();
    let f = fetches(&app.run_command("audit /a/*.log /b/none.log"));
    let files = f
        .iter()
        .find_map(|(t, r)| match r {
            AuditRequest::Files { patterns } => Some((t.clone(), patterns.clone())),
            _ => None,
        })
        .expect("files request");
    assert_eq!(
        files.1,
        vec!["/a/*.log".to_string(), "/b/none.log".to_string()]
    );
    let cmds = app.update(Msg::Vault {
        ticket: files.0,
        reply: Reply::Audit(AuditReply::Files {
            logs: audit_support::three_logs(),
            missing: vec!["/b/none.log".into()],
        }),
    });
    let (_, spec) = scan(&cmds);
    assert_eq!(spec.logs.len(), 3);
    assert!(toasts(&app).contains("no such file: /b/none.log"));
}

#[test]
fn batches_arrive_while_the_scan_runs_and_esc_cancels_it() {
    let (mut app, job, _) = opened();
    app.update(Msg::Job {
        ticket: job.clone(),
        event: batch(fixture()[..2].to_vec(), progress(450, 4, 2)),
    });
    let s = audit(&app);
    assert!(s.loading());
    assert_eq!(s.shown_len(), 2);
    assert_eq!(s.progress.bytes_read, 450);
    assert_eq!(s.progress.bad, 2);
    // A progress-only batch.
    app.update(Msg::Job {
        ticket: job.clone(),
        event: batch(vec![], progress(600, 6, 2)),
    });
    assert_eq!(audit(&app).progress.bytes_read, 600);
    assert_eq!(audit(&app).shown_len(), 2);
    let cmds = app.update(key(KeyCode::Esc));
    assert!(cancels(&cmds), "esc cancels the scan: {cmds:?}");
    assert_eq!(audit(&app).phase, Phase::Cancelled);
    assert_eq!(audit(&app).shown_len(), 2, "the rows so far stay");
    // A late batch of the cancelled job is ignored.
    app.update(Msg::Job {
        ticket: job,
        event: batch(fixture(), progress(1000, 10, 5)),
    });
    assert_eq!(audit(&app).shown_len(), 2);
    assert!(
        matches!(app.screen(), Screen::Audit(_)),
        "esc did not leave"
    );
}

#[test]
fn rows_are_sorted_by_time_across_batches_and_nodes() {
    let (mut app, job, _) = opened();
    let mut late = fixture()[3..].to_vec();
    late[0].node = 1;
    app.update(Msg::Job {
        ticket: job.clone(),
        event: batch(late, progress(500, 4, 2)),
    });
    app.update(Msg::Job {
        ticket: job,
        event: batch(fixture()[..3].to_vec(), progress(1000, 10, 5)),
    });
    let s = audit(&app);
    let ids: Vec<&str> = (0..s.shown_len())
        .map(|i| {
            s.shown(i)
                .and_then(|r| r.main())
                .map_or("", |e| e.request_id.as_str())
        })
        .collect();
    assert_eq!(ids, vec!["r1", "r2", "r3", "r4", "r5"]);
}

#[test]
fn a_failed_scan_keeps_the_previous_rows() {
    let (mut app, _) = loaded();
    let cmds = app.update(Msg::Key(KeyEvent::new(
        KeyCode::Char('r'),
        KeyModifiers::CONTROL,
    )));
    let (job, _) = scan(&cmds);
    assert_eq!(audit(&app).shown_len(), 0, "a new scan starts empty");
    app.update(Msg::Job {
        ticket: job,
        event: JobEvent::Failed(strongroom::vault::VaultError::Decode("gone".into())),
    });
    let s = audit(&app);
    assert!(matches!(s.phase, Phase::Failed(_)));
    assert_eq!(s.shown_len(), 5, "the last good rows are back (stale)");
    assert!(toasts(&app).contains("audit scan failed"));
}

#[test]
fn the_filter_form_starts_a_new_scan_with_the_combined_filter() {
    let (mut app, _) = loaded();
    app.update(key(KeyCode::Char('F')));
    assert!(matches!(audit(&app).overlay, Overlay::Form(_)));
    typed(&mut app, "1h");
    app.update(key(KeyCode::Tab));
    app.update(key(KeyCode::Tab));
    typed(&mut app, "secret/data/*/prod");
    app.update(key(KeyCode::Tab));
    typed(&mut app, "read, list");
    app.update(key(KeyCode::Tab));
    typed(&mut app, "alice");
    app.update(key(KeyCode::Tab));
    typed(&mut app, "127.0.");
    app.update(key(KeyCode::Tab));
    typed(&mut app, " ");
    let cmds = app.update(key(KeyCode::Enter));
    let (_, spec) = scan(&cmds);
    let f = spec.filter;
    assert_eq!(f.since, Some(ago(3600)));
    assert_eq!(f.until, None);
    assert_eq!(
        f.path,
        Some(PathMatch::Pattern("secret/data/*/prod".into()))
    );
    assert_eq!(f.operations, vec!["read".to_string(), "list".to_string()]);
    assert_eq!(f.identity.as_deref(), Some("alice"));
    assert_eq!(f.remote.as_deref(), Some("127.0."));
    assert!(f.errors_only);
    assert!(!f.denied_only);
    assert_eq!(audit(&app).overlay, Overlay::None);
    // Opened again, it shows what was applied.
    app.update(key(KeyCode::Char('F')));
    let Overlay::Form(form) = &audit(&app).overlay else {
        panic!("no form")
    };
    assert_eq!(form.inputs[2].text, "secret/data/*/prod");
    // A bad time is refused in words; no scan.
    app.update(key(KeyCode::Esc));
    app.update(key(KeyCode::Char('F')));
    typed(&mut app, "yesterday");
    let cmds = app.update(key(KeyCode::Enter));
    assert!(!cmds.iter().any(|c| matches!(c, Command::StartJob { .. })));
    let Overlay::Form(form) = &audit(&app).overlay else {
        panic!("the form stays open")
    };
    assert!(
        form.error
            .as_deref()
            .is_some_and(|e| e.contains("not a time"))
    );
}

#[test]
fn denied_and_errors_toggles_start_new_scans() {
    let (mut app, _) = loaded();
    let (_, spec) = scan(&app.update(key(KeyCode::Char('d'))));
    assert!(spec.filter.denied_only);
    let (_, spec) = scan(&app.update(key(KeyCode::Char('x'))));
    assert!(spec.filter.denied_only && spec.filter.errors_only);
    let cmds = app.update(key(KeyCode::Char('d')));
    assert!(cancels(&cmds), "the running scan stops first");
    let (_, spec) = scan(&cmds);
    assert!(!spec.filter.denied_only && spec.filter.errors_only);
}

#[test]
fn slash_searches_the_loaded_rows_without_a_new_scan() {
    let (mut app, _) = loaded();
    app.update(key(KeyCode::Char('/')));
    let mut cmds = Vec::new();
    for c in "identity".chars() {
        cmds.extend(app.update(key(KeyCode::Char(c))));
    }
    assert!(!cmds.iter().any(|c| matches!(c, Command::StartJob { .. })));
    assert_eq!(audit(&app).shown_len(), 1);
    app.update(key(KeyCode::Enter));
    app.update(key(KeyCode::Esc));
    assert_eq!(audit(&app).shown_len(), 5, "esc clears the search");
}

const VALUE: &str = "payments-api-prod-canary-4f1e";

#[test]
fn the_hash_match_asks_the_server_and_never_keeps_the_value() {
    let mut app = app();
    let f = fetches(&app.run_command("audit /x.log"));
    for (ticket, r) in f {
        let reply = match r {
            AuditRequest::Devices { addr } => AuditReply::Devices {
                addr,
                result: Ok(vec![LocatedDevice {
                    device: device("/x.log"),
                    local_file: None,
                }]),
            },
            AuditRequest::Files { .. } => AuditReply::Files {
                logs: audit_support::one_log(),
                missing: vec![],
            },
            other => panic!("unexpected {other:?}"),
        };
        app.update(Msg::Vault {
            ticket,
            reply: Reply::Audit(reply),
        });
    }
    app.update(key(KeyCode::Char('h')));
    assert!(matches!(audit(&app).overlay, Overlay::Hash(_)));
    typed(&mut app, VALUE);
    let cmds = app.update(key(KeyCode::Enter));
    let f = fetches(&cmds);
    let (
        ticket,
        AuditRequest::Hash {
            addr,
            device,
            value,
        },
    ) = f[0].clone()
    else {
        panic!("no hash request in {cmds:?}")
    };
    assert_eq!(device, "file");
    assert_eq!(value.expose(), VALUE);
    assert_eq!(Some(addr), app.cluster.api_addr());
    assert!(
        !format!("{cmds:?}").contains(VALUE),
        "the value is redacted in Debug"
    );
    assert_eq!(audit(&app).overlay, Overlay::None);
    assert!(!format!("{:?}", app.screen()).contains(VALUE));
    let cmds = app.update(Msg::Vault {
        ticket,
        reply: Reply::Audit(AuditReply::Hash {
            device: "file".into(),
            result: Ok("hmac-sha256:1f99c0ffee".into()),
        }),
    });
    let (_, spec) = scan(&cmds);
    assert_eq!(
        spec.filter.hmacs,
        vec!["hmac-sha256:1f99c0ffee".to_string()]
    );
    assert_eq!(audit(&app).hash_label.as_deref(), Some("hmac-sha256:1f99…"));
    // esc (scan running: cancels), esc again: the match goes, a new scan without it.
    app.update(key(KeyCode::Esc));
    let (_, spec) = scan(&app.update(key(KeyCode::Esc)));
    assert!(spec.filter.hmacs.is_empty());
}

#[test]
fn a_hash_error_is_shown_readably() {
    let mut app = app();
    let f = fetches(&app.run_command("audit /x.log"));
    for (ticket, r) in f {
        if let AuditRequest::Devices { addr } = r {
            app.update(Msg::Vault {
                ticket,
                reply: Reply::Audit(AuditReply::Devices {
                    addr,
                    result: Ok(vec![LocatedDevice {
                        device: device("/x.log"),
                        local_file: None,
                    }]),
                }),
            });
        }
    }
    app.update(key(KeyCode::Char('h')));
    typed(&mut app, "x");
    let (ticket, _) = fetches(&app.update(key(KeyCode::Enter)))[0].clone();
    app.update(Msg::Vault {
        ticket,
        reply: Reply::Audit(AuditReply::Hash {
            device: "file".into(),
            result: Err(strongroom::vault::VaultError::PermissionDenied {
                errors: vec!["permission denied".into()],
            }),
        }),
    });
    assert!(
        toasts(&app).contains("audit-hash on device file failed"),
        "{}",
        toasts(&app)
    );
}

#[test]
fn hash_without_a_known_device_says_so_and_esc_wipes_the_input() {
    let (mut app, _) = loaded();
    app.update(key(KeyCode::Char('h')));
    assert_eq!(audit(&app).overlay, Overlay::None);
    assert!(toasts(&app).contains("no audit device known"));
}

#[test]
fn enter_asks_for_the_full_lines_and_shows_them_pretty_with_hmacs_marked() {
    let (mut app, _) = loaded();
    let cmds = app.update(key(KeyCode::Enter));
    let (ticket, AuditRequest::Lines { files, sources }) = fetches(&cmds)[0].clone() else {
        panic!("no lines request in {cmds:?}")
    };
    assert_eq!(files, vec![PathBuf::from("/var/log/openbao/audit.log")]);
    assert_eq!(sources.len(), 2);
    assert_eq!(sources[0].offset, 100);
    assert_eq!(sources[1].offset, 1200);
    app.update(Msg::Vault {
        ticket,
        reply: Reply::Audit(AuditReply::Lines {
            sources,
            result: vec![
                Ok(r#"{"type":"request","auth":{"client_token":"hmac-sha256:abc"}}"#.into()),
                Err("gone".into()),
            ],
        }),
    });
    let Overlay::Drill(d) = &audit(&app).overlay else {
        panic!("no drill-down")
    };
    let lines = d.lines.clone().expect("filled");
    assert!(
        lines
            .iter()
            .any(|l| l.contains("\"client_token\": \"hmac-sha256:abc\""))
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains("could not read the line: gone"))
    );
    app.update(key(KeyCode::Esc));
    assert_eq!(audit(&app).overlay, Overlay::None);
    assert!(matches!(app.screen(), Screen::Audit(_)));
}

#[test]
fn the_signals_panel_filters_the_table_to_a_signals_evidence() {
    let (mut app, _) = loaded();
    audit_mut(&mut app).signals = signals();
    app.update(key(KeyCode::Char('a')));
    assert!(matches!(audit(&app).overlay, Overlay::Signals(_)));
    assert_eq!(
        audit(&app).signals.len(),
        2,
        "not recomputed: the window did not change"
    );
    app.update(key(KeyCode::Down));
    app.update(key(KeyCode::Enter));
    let s = audit(&app);
    assert_eq!(s.overlay, Overlay::None);
    assert_eq!(s.evidence_title(), Some("read from a new address"));
    assert_eq!(s.shown_len(), 2);
    app.update(key(KeyCode::Esc));
    assert_eq!(audit(&app).shown_len(), 5, "esc clears the evidence filter");
    assert!(matches!(app.screen(), Screen::Audit(_)));
}

#[test]
fn follow_restarts_the_scan_in_tail_mode_and_keeps_the_cursor() {
    let (mut app, _) = loaded();
    let (job, spec) = scan(&app.update(key(KeyCode::Char('f'))));
    assert!(spec.follow);
    let mut p = progress(1000, 10, 5);
    app.update(Msg::Job {
        ticket: job.clone(),
        event: batch(fixture(), p),
    });
    p.following = true;
    app.update(Msg::Job {
        ticket: job.clone(),
        event: batch(vec![], p),
    });
    assert!(audit(&app).following());
    app.update(key(KeyCode::Down));
    app.update(key(KeyCode::Down));
    app.update(Msg::Job {
        ticket: job.clone(),
        event: batch(
            vec![record("r6", "read", "secret/data/new", "root", ago(10))],
            p,
        ),
    });
    let s = audit(&app);
    assert_eq!(s.shown_len(), 6);
    assert_eq!(s.selected_index(), 2, "the cursor stays");
    // esc stops following; f again turns it off for the next scan.
    let cmds = app.update(key(KeyCode::Esc));
    assert!(cancels(&cmds));
    assert!(!audit(&app).following());
    let (_, spec) = scan(&app.update(key(KeyCode::Char('f'))));
    assert!(!spec.follow);
}

#[test]
fn the_report_is_a_job_over_the_current_scan() {
    let (mut app, _) = loaded();
    app.update(key(KeyCode::Char('d')));
    app.update(key(KeyCode::Esc));
    app.update(key(KeyCode::Char('R')));
    assert!(matches!(audit(&app).overlay, Overlay::Report(_)));
    app.update(Msg::Key(KeyEvent::new(
        KeyCode::Char('u'),
        KeyModifiers::CONTROL,
    )));
    typed(&mut app, "out.csv");
    let cmds = app.update(key(KeyCode::Enter));
    let found = cmds.iter().find_map(|c| match c {
        Command::StartJob {
            ticket,
            spec:
                JobSpec::AuditReport {
                    scan,
                    path,
                    format,
                    unused_days,
                    rotation_days,
                },
        } => Some((
            ticket.clone(),
            scan.clone(),
            path.clone(),
            *format,
            *unused_days,
            *rotation_days,
        )),
        _ => None,
    });
    let (ticket, scan, path, format, unused, rotation) = found.expect("a report job");
    assert_eq!(path, PathBuf::from("out.csv"));
    assert_eq!(format, ReportFormat::Csv);
    assert_eq!((unused, rotation), (30, 90));
    assert!(scan.filter.denied_only, "the current filters");
    assert_eq!(
        scan.logs,
        vec![NodeLog {
            label: "audit.log".into(),
            files: vec![PathBuf::from("/var/log/openbao/audit.log")],
        }]
    );
    assert!(audit(&app).report.is_some());
    app.update(Msg::Job {
        ticket,
        event: JobEvent::Done(JobProgress::default()),
    });
    assert!(audit(&app).report.is_none());
    assert!(toasts(&app).contains("report written to out.csv"));
}

#[test]
fn a_report_with_an_unknown_extension_is_refused_in_words() {
    let (mut app, _) = loaded();
    app.update(key(KeyCode::Char('R')));
    app.update(Msg::Key(KeyEvent::new(
        KeyCode::Char('u'),
        KeyModifiers::CONTROL,
    )));
    typed(&mut app, "out.pdf");
    let cmds = app.update(key(KeyCode::Enter));
    assert!(!cmds.iter().any(|c| matches!(c, Command::StartJob { .. })));
    let Overlay::Report(p) = &audit(&app).overlay else {
        panic!("the prompt stays")
    };
    assert!(
        p.error
            .as_deref()
            .is_some_and(|e| e.contains(".md, .csv and .json"))
    );
}

#[test]
fn the_limit_keeps_the_newest_rows() {
    let (mut app, job, _) = opened();
    audit_mut(&mut app).limit = 3;
    app.update(Msg::Job {
        ticket: job,
        event: batch(fixture(), progress(1000, 10, 5)),
    });
    let s = audit(&app);
    assert_eq!(s.records().len(), 3);
    assert_eq!(
        s.shown(0)
            .and_then(|r| r.main())
            .map(|e| e.request_id.as_str()),
        Some("r3")
    );
}
