//! Crash safety, end to end: the console running the leaked-vault-token runbook is killed with
//! SIGKILL at several points (after an input, with the revoke planned, right after the revoke).
//! Each time the console starts again, `:runbook` offers the run, and enter resumes it: every
//! completed step is in the journal, the run continues at the right step, and the revoke is
//! journaled (started, and its result) exactly once: never repeated.
#![allow(clippy::expect_used)]

mod common;
mod runbook_e2e;
mod tokens_support;

use common::dev::DevServer;
use runbook_e2e::{Console, WAIT, entries, start};
use strongroom::runbook::journal::{Entry, Event};
use tokens_support::{create, lookup};

fn inputs(journal: &[Entry]) -> Vec<String> {
    journal
        .iter()
        .filter_map(|e| match &e.event {
            Event::Input { var, .. } => Some(var.clone()),
            _ => None,
        })
        .collect()
}

fn revokes(journal: &[Entry]) -> (usize, usize) {
    let of_revoke = |e: &&Entry| e.step.as_deref() == Some("revoke");
    let started = journal
        .iter()
        .filter(of_revoke)
        .filter(|e| matches!(e.event, Event::ActionStarted { .. }))
        .count();
    let done = journal
        .iter()
        .filter(of_revoke)
        .filter(|e| matches!(e.event, Event::ActionResult { ok: true, .. }))
        .count();
    (started, done)
}

/// Start again, `:runbook`: the run is offered first; enter resumes it.
fn resume(name: &str, home: &std::path::Path, server: &DevServer) -> Console {
    let c = start(name, home, server, "");
    c.t.type_text(":runbook");
    c.t.keys(&["Enter"]);
    c.t.wait_for("Unfinished runs (1)", WAIT);
    c.t.keys(&["Enter"]);
    c
}

#[test]
fn killed_at_three_points_the_run_resumes_and_the_revoke_happens_once() {
    let server = DevServer::start_with_abs_audit();
    let leaked = create(&server, "leaked-ci", &["default"], "1h");
    let home = tempfile::tempdir().expect("tempdir");
    let h = home.path();

    // 1. Killed after an input.
    let c = start("crash1", h, &server, "");
    c.start_run(false);
    c.scope_and_accessor(&leaked.accessor);
    c.kill9();
    drop(c);
    let j = entries(h);
    assert_eq!(inputs(&j), vec!["accessors".to_string()]);
    assert!(
        j.iter()
            .any(|e| e.step.as_deref() == Some("scope") && matches!(e.event, Event::Done { .. }))
    );

    // 2. Resumed at the exposure time; killed with the revoke planned.
    let c = resume("crash2", h, &server);
    c.step(3);
    c.exposed_since();
    c.revoke_planned(false);
    c.kill9();
    drop(c);
    let j = entries(h);
    assert_eq!(inputs(&j), vec!["accessors", "exposed_since"]);
    assert_eq!(revokes(&j), (0, 0), "planned, not started");
    assert_eq!(lookup(&server, &leaked.accessor).0, 200, "not revoked yet");

    // 3. Resumed at the revoke (planned again); revoked; killed right after.
    let c = resume("crash3", h, &server);
    c.step(4);
    c.revoke_planned(false);
    c.revoke();
    c.kill9();
    drop(c);
    assert_eq!(lookup(&server, &leaked.accessor).0, 400, "revoked");
    assert_eq!(revokes(&entries(h)), (1, 1));

    // 4. Resumed after the revoke: it is not repeated; the run goes on to its end.
    let c = resume("crash4", h, &server);
    let s = c.step(5);
    assert!(!s.contains("enter executes it"), "{s}");
    c.contain_and_finish();
    c.quit();
    let j = entries(h);
    assert_eq!(revokes(&j), (1, 1), "the revoke journaled exactly once");
    assert!(j.iter().any(|e| matches!(e.event, Event::Finished { .. })));
    // Every step is there, in order.
    let seqs: Vec<u64> = j.iter().map(|e| e.seq).collect();
    let mut sorted = seqs.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(seqs, sorted, "one entry per seq, in order");
}
