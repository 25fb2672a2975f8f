//! End-to-end: the release binary in tmux against a real `bao server -dev` with a file audit
//! device. A responder completes the leaked-vault-token runbook for a token made for the test
//! (its accessor entered, the exposure time, the revoke confirmed at the gate, "contained", the
//! audit search, notify, post-mortem) and exports the report: the token is revoked on the
//! server, the report holds the containment line, and the token's value is in no journal,
//! report or log. A `--read-only` console rehearses the same runbook: the token still works.
#![allow(clippy::expect_used)]

mod common;
mod runbook_e2e;
mod tokens_support;

use common::dev::DevServer;
use runbook_e2e::{Console, entries, journal_path, runs_dir, start, state_text};
use strongroom::runbook::journal::Event;
use tokens_support::{create, lookup};

#[test]
fn a_responder_revokes_a_leaked_token_and_exports_the_report() {
    let server = DevServer::start_with_abs_audit();
    let leaked = create(&server, "leaked-ci", &["default"], "1h");
    let home = tempfile::tempdir().expect("tempdir");
    let c: Console = start("runbook", home.path(), &server, "");
    c.start_run(false);
    c.scope_and_accessor(&leaked.accessor);
    c.exposed_since();
    let s = c.revoke_planned(false);
    assert!(
        s.contains("bao token revoke -accessor"),
        "the CLI shown:\n{s}"
    );
    c.revoke();
    assert_eq!(
        lookup(&server, &leaked.accessor).0,
        400,
        "revoked on the server"
    );
    c.contain_and_finish();
    c.quit();

    let journal = entries(home.path());
    let started = journal
        .iter()
        .filter(|e| matches!(e.event, Event::ActionStarted { .. }))
        .count();
    assert!(started >= 1, "the revoke journaled as started");
    assert!(
        journal
            .iter()
            .any(|e| matches!(e.event, Event::Contained { .. }))
    );
    assert!(
        journal
            .iter()
            .any(|e| matches!(e.event, Event::Finished { .. }))
    );
    let stem = journal_path(home.path())
        .file_stem()
        .expect("stem")
        .to_string_lossy()
        .into_owned();
    let report = std::fs::read_to_string(runs_dir(home.path()).join(format!("{stem}-report.md")))
        .expect("the report file");
    assert!(report.contains("contained after"), "{report}");
    assert!(report.contains(&leaked.accessor), "{report}");
    assert!(
        !state_text(home.path()).contains(&leaked.token),
        "the leaked token's value is in no journal, report or log"
    );
}

#[test]
fn a_read_only_rehearsal_changes_nothing() {
    let server = DevServer::start_with_abs_audit();
    let leaked = create(&server, "leaked-ci", &["default"], "1h");
    let home = tempfile::tempdir().expect("tempdir");
    let c = start("rehearsal", home.path(), &server, "--read-only");
    c.t.type_text(":runbook leaked-vault-token");
    c.t.keys(&["Enter"]);
    c.t.wait_for("(the console is read-only)", runbook_e2e::WAIT);
    c.t.keys(&["Enter"]);
    c.step(1);
    c.scope_and_accessor(&leaked.accessor);
    c.exposed_since();
    c.revoke_planned(true);
    c.t.keys(&["Enter"]);
    c.step(5);
    c.contain_and_finish();
    c.quit();
    assert_eq!(
        lookup(&server, &leaked.accessor).0,
        200,
        "the token still works"
    );
    let journal = entries(home.path());
    assert!(matches!(
        journal[0].event,
        Event::Started {
            read_only: true,
            ..
        }
    ));
    assert!(
        journal
            .iter()
            .any(|e| matches!(e.event, Event::NotExecuted { .. }))
    );
    assert!(
        !journal.iter().any(|e| matches!(&e.event,
            Event::ActionStarted { op, .. } if op == "token.revoke_accessor")),
        "no revoke started"
    );
    assert!(!state_text(home.path()).contains(&leaked.token));
}
