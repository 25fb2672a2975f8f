//! The access-history screen's requests against a real `bao server -dev` with a file audit
//! device and known traffic (`common::audit_traffic`): `sys/audit` through the worker (the
//! device, its relative file path, not found on this machine), `sys/audit-hash` of the reader's
//! token (the HMAC is in the log), an unknown device refused, the files of `:audit` expanded,
//! a real line read again for the drill-down; and the screen driving a real worker: `:audit
//! FILE` starts a scan of that file, `h` with the token asks the server and the new scan
//! matches its HMAC, the value never kept by the screen.
// Test crate: helpers outside #[test] fns fail the test with a message via expect.
#![allow(clippy::expect_used)]

mod common;
mod leases_support;

use crossterm::event::KeyCode;

use common::audit_traffic::{AuditTraffic, PAYMENTS_VALUE};
use leases_support::{app_for, key, keys, pump, worker_for};
use strongroom::audit::EntrySource;
use strongroom::command::{Command, Request};
use strongroom::event::Msg;
use strongroom::reply::Reply;
use strongroom::ui::screens::Screen;
use strongroom::ui::screens::audit::{AuditScreen, Overlay};
use strongroom::vault::audit_area::{AuditReply, AuditRequest};
use strongroom::vault::models::wrapping::SecretText;
use strongroom::vault::worker::Worker;

fn screen(app: &strongroom::app::App) -> &AuditScreen {
    match app.screen() {
        Screen::Audit(s) => s,
        other => panic!("not on the audit screen: {}", other.title()),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn devices_hash_files_and_lines_through_the_worker() {
    let t = AuditTraffic::start();
    let addr = t.server.addr.clone();
    let profile = common::profile_for(std::slice::from_ref(&addr), Some(&t.server.root_token));
    let worker = Worker::new(&profile).expect("worker");

    let AuditReply::Devices { result, .. } = worker
        .audit_area(AuditRequest::Devices { addr: addr.clone() })
        .await
    else {
        panic!("not a devices reply")
    };
    let devices = result.expect("sys/audit");
    assert_eq!(devices.len(), 1);
    assert_eq!(devices[0].device.path, "file/");
    assert_eq!(devices[0].device.kind, "file");
    assert_eq!(devices[0].device.file_path(), Some("audit.log"));
    assert_eq!(
        devices[0].local_file, None,
        "a relative path of a non-sandbox node is not guessed"
    );

    let AuditReply::Hash { result, .. } = worker
        .audit_area(AuditRequest::Hash {
            addr: addr.clone(),
            device: "file".into(),
            value: SecretText::from(t.reader_token.as_str()),
        })
        .await
    else {
        panic!("not a hash reply")
    };
    let hash = result.expect("audit-hash");
    assert!(hash.starts_with("hmac-sha256:"), "{hash}");
    assert!(
        t.server.audit_log().contains(&hash),
        "the reader's token HMAC is in the log"
    );

    let AuditReply::Hash { result, .. } = worker
        .audit_area(AuditRequest::Hash {
            addr: addr.clone(),
            device: "nope".into(),
            value: SecretText::from("x"),
        })
        .await
    else {
        panic!("not a hash reply")
    };
    let err = result.expect_err("an unknown device is refused");
    assert!(
        matches!(err, strongroom::vault::VaultError::Http { status: 400, .. }),
        "{err:?}"
    );

    let log = t.log_path();
    let pattern = format!("{}/*.log", t.server.dir().display());
    let AuditReply::Files { logs, missing } = worker
        .audit_area(AuditRequest::Files {
            patterns: vec![pattern, "/nonexistent/audit.log".into()],
        })
        .await
    else {
        panic!("not a files reply")
    };
    assert!(
        logs.iter().any(|l| l.files == vec![log.clone()]),
        "{logs:?}"
    );
    assert_eq!(missing, vec!["/nonexistent/audit.log".to_string()]);

    // The third line of the log, read again by offset.
    let text = t.server.audit_log();
    let offset: usize = text.lines().take(2).map(|l| l.len() + 1).sum();
    let line = text.lines().nth(2).expect("three lines");
    let AuditReply::Lines { result, .. } = worker
        .audit_area(AuditRequest::Lines {
            files: vec![log],
            sources: vec![EntrySource {
                file: 0,
                offset: offset as u64,
                len: line.len() as u32,
            }],
        })
        .await
    else {
        panic!("not a lines reply")
    };
    assert_eq!(result, vec![Ok(line.to_string())]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_screen_scans_the_file_and_matches_a_value_by_its_hmac() {
    let t = AuditTraffic::start();
    let mut app = app_for(&t.server.addr, &t.server.root_token, false);
    let (handle, mut rx) = worker_for(&app);
    let log = t.log_path();
    let cmds = app.run_command(&format!("audit {}", log.display()));
    assert!(matches!(app.screen(), Screen::Audit(_)));
    // The devices and the file come back; the scan of that file starts.
    let mut answers = 0;
    pump(&mut app, &handle, &mut rx, cmds, |_, m| {
        if let Msg::Vault {
            reply: Reply::Audit(AuditReply::Files { .. } | AuditReply::Devices { .. }),
            ..
        } = m
        {
            answers += 1;
        }
        answers == 2
    })
    .await;
    let s = screen(&app);
    assert_eq!(s.logs.len(), 1);
    assert_eq!(s.logs[0].files, vec![log.clone()]);
    assert_eq!(s.spec().filter.hmacs, Vec::<String>::new());
    // `h`, the reader's token typed (hidden), enter: the server hashes it.
    app.update(key(KeyCode::Char('h')));
    assert!(matches!(screen(&app).overlay, Overlay::Hash(_)));
    keys(&mut app, &t.reader_token);
    let cmds = app.update(key(KeyCode::Enter));
    assert!(cmds.iter().any(|c| matches!(
        c,
        Command::Fetch {
            request: Request::Audit(AuditRequest::Hash { .. }),
            ..
        }
    )));
    assert!(!format!("{:?}", app.screen()).contains(&t.reader_token));
    pump(&mut app, &handle, &mut rx, cmds, |_, m| {
        matches!(
            m,
            Msg::Vault {
                reply: Reply::Audit(AuditReply::Hash { .. }),
                ..
            }
        )
    })
    .await;
    let s = screen(&app);
    let hash = s
        .filter
        .hmacs
        .first()
        .cloned()
        .expect("the HMAC is the filter");
    assert!(t.server.audit_log().contains(&hash));
    let label = s.hash_label.clone().expect("a label");
    assert!(
        hash.starts_with(label.trim_end_matches('…')),
        "{label} {hash}"
    );
    assert_eq!(s.spec().filter.hmacs, vec![hash.clone()]);
    assert!(!format!("{:?}", app.screen()).contains(&t.reader_token));
    assert!(!format!("{:?}", app.screen()).contains(PAYMENTS_VALUE));
    handle.cancel();
}
