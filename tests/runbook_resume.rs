//! Crash safety of a run, pure: resuming from every prefix of a run's journal never repeats a
//! completed action (an action started without a result is uncertain until the responder
//! retries it or marks it done), a secret lost with the restart is asked again, and the journal
//! round-trips through the disk with a torn last line.
#![allow(clippy::expect_used)]

mod runbook_script;

use chrono::Duration;

use runbook_script::{CANARY, Driver, Script, UncertainPolicy, builtin, t0};
use strongroom::runbook::journal::{self, Entry, Event};
use strongroom::runbook::{Run, StepStatus};

fn kv_script() -> Script {
    Script::new(&[
        ("secret_path", "secret/apps/payments"),
        ("new_value", CANARY),
        ("has_leases", "yes"),
        ("lease_prefix", "database/creds/payments/"),
    ])
    .readers(&["hmac-sha256:r1", "hmac-sha256:r2"])
}

/// For a step: its last action event after its last reopening, in `entries`.
fn last_action(entries: &[Entry], step: &str) -> Option<Event> {
    let mut last = None;
    for e in entries.iter().filter(|e| e.step.as_deref() == Some(step)) {
        match &e.event {
            Event::Reopened { .. } => last = None,
            ev @ (Event::ActionStarted { .. } | Event::ActionResult { .. }) => {
                last = Some(ev.clone());
            }
            _ => {}
        }
    }
    last
}

fn check_every_prefix(id: &str, script: &Script, policy: UncertainPolicy) {
    let mut full = Driver::start(id, false);
    full.finish(script);
    let entries = full.entries.clone();
    let vault_steps: Vec<String> = full
        .run
        .runbook
        .steps
        .iter()
        .filter(|s| matches!(s.kind, strongroom::runbook::StepKind::Vault { .. }))
        .map(|s| s.id.clone())
        .collect();
    let mut uncertain_seen = 0;
    let mut lost_checked = 0;
    for k in 1..=entries.len() {
        let prefix = &entries[..k];
        let run = Run::resume(builtin(id), prefix).expect("resume");
        assert_eq!(run.journal.len(), k);
        for step in &vault_steps {
            let i = run
                .runbook
                .steps
                .iter()
                .position(|s| &s.id == step)
                .expect("step");
            match last_action(prefix, step) {
                Some(Event::ActionResult { ok: true, .. }) => {
                    assert_eq!(run.steps[i].status, StepStatus::Done, "k={k} {step}");
                    assert_ne!(run.current(), Some(i), "k={k} {step}: done, never current");
                }
                Some(Event::ActionStarted { .. }) => {
                    uncertain_seen += 1;
                    assert_eq!(run.steps[i].status, StepStatus::Uncertain, "k={k} {step}");
                    assert_eq!(run.current(), Some(i), "k={k} {step}: asks the responder");
                    let mut r = run.clone();
                    assert!(
                        r.resolve().is_err() || r.preparing().is_err(),
                        "k={k}: not re-planned by itself"
                    );
                    assert!(r.skip(t0(), "x").is_err(), "k={k}: not skipped over");
                }
                _ => {}
            }
        }
        // A secret answered before the cut and not kept: its input step is current again
        // when a step that needs it is next.
        if id == "leaked-kv-secret" {
            let answered = prefix.iter().any(|e| {
                e.step.as_deref() == Some("new_value") && matches!(e.event, Event::Input { .. })
            });
            let rotate_pending = last_action(prefix, "rotate").is_none();
            let at_rotate = prefix.iter().any(|e| {
                e.step.as_deref() == Some("exposed_since") && matches!(e.event, Event::Input { .. })
            });
            if answered && rotate_pending && at_rotate {
                lost_checked += 1;
                let mut r = run.clone();
                assert_eq!(
                    r.current()
                        .map(|i| r.runbook.steps[i].id.clone())
                        .as_deref(),
                    Some("new_value"),
                    "k={k}: the lost secret is asked again"
                );
                let more = r.resumed(t0() + Duration::hours(1));
                assert!(
                    more.iter().any(|e| e.step.as_deref() == Some("new_value")
                        && matches!(e.event, Event::Reopened { .. })),
                    "k={k}: {more:?}"
                );
                assert!(
                    r.resolve().is_err(),
                    "k={k}: nothing sent without the secret"
                );
            }
        }
        // Go on from here: the run ends, and no action done before the cut starts again.
        let mut script = script.clone();
        script.uncertain = policy;
        let last_seq = prefix.last().map(|e| e.seq).expect("an entry");
        let mut d = Driver::resume(id, prefix, t0() + Duration::hours(1));
        d.finish(&script);
        let continued = &d.entries[k..];
        if let Some(first) = continued.first() {
            assert_eq!(first.seq, last_seq + 1, "k={k}: seq continues");
        }
        for step in &vault_steps {
            let done_before = matches!(
                last_action(prefix, step),
                Some(Event::ActionResult { ok: true, .. })
            );
            let uncertain = matches!(last_action(prefix, step), Some(Event::ActionStarted { .. }));
            let restarted = continued.iter().any(|e| {
                e.step.as_deref() == Some(step.as_str())
                    && matches!(e.event, Event::ActionStarted { .. })
            });
            if done_before {
                assert!(!restarted, "k={k}: {step} done before the cut ran again");
            }
            if uncertain && policy == UncertainPolicy::ConfirmDone {
                assert!(!restarted, "k={k}: {step} confirmed done, not repeated");
            }
            if uncertain && policy == UncertainPolicy::Retry {
                assert!(restarted, "k={k}: {step} retried on purpose");
            }
        }
        for e in continued {
            assert!(
                !e.to_line().contains(CANARY),
                "k={k}: secret in the journal"
            );
        }
    }
    assert!(uncertain_seen > 0, "some prefix ends with a started action");
    assert_eq!(
        lost_checked > 0,
        id == "leaked-kv-secret",
        "the lost secret is checked"
    );
}

#[test]
fn resuming_from_every_prefix_never_repeats_a_completed_action() {
    let kv = kv_script().failing_once("destroy_old");
    check_every_prefix("leaked-kv-secret", &kv, UncertainPolicy::ConfirmDone);
    check_every_prefix("leaked-kv-secret", &kv, UncertainPolicy::Retry);
    let token = Script::new(&[("accessors", "acc1")]).readers(&["hmac-sha256:t"]);
    check_every_prefix("leaked-vault-token", &token, UncertainPolicy::ConfirmDone);
    let db = Script::new(&[("cred_kind", "static"), ("role", "app")]);
    check_every_prefix("leaked-database-credential", &db, UncertainPolicy::Retry);
    let infra = Script::new(&[("nodes", "n1"), ("seal_now", "yes")]);
    check_every_prefix(
        "infrastructure-incident",
        &infra,
        UncertainPolicy::ConfirmDone,
    );
}

#[test]
fn the_journal_round_trips_through_the_disk_with_a_torn_last_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let runs = journal::runs_dir(dir.path());
    let script = kv_script();
    let mut d = Driver::start("leaked-kv-secret", false);
    // Halfway: append batch by batch, as the runtime does.
    for _ in 0..9 {
        d.step(&script);
    }
    let path = journal::path_for(&runs, &d.run.run_id);
    for b in &d.batches {
        journal::append(&path, b).expect("append");
    }
    // A kill in the middle of the next write: half a line.
    let torn = {
        let line = d.entries.last().expect("an entry").to_line();
        line[..line.len() / 2].to_string()
    };
    {
        use std::io::Write as _;
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .expect("open");
        f.write_all(torn.as_bytes()).expect("write");
    }
    let read = journal::read(&path).expect("read");
    assert_eq!(read.bad_lines, 1);
    assert_eq!(read.entries, d.entries);
    let text = std::fs::read_to_string(&path).expect("read");
    assert!(!text.contains(CANARY));
    // The run on disk is unfinished, offered for resuming.
    let unfinished = journal::unfinished(&runs);
    assert_eq!(unfinished.len(), 1);
    assert_eq!(unfinished[0].run_id, d.run.run_id);
    assert_eq!(unfinished[0].runbook, "leaked-kv-secret");
    // Resumed, it is where the live run was (but the secret is asked again when needed).
    let resumed = Run::resume(builtin("leaked-kv-secret"), &read.entries).expect("resume");
    assert_eq!(
        resumed
            .steps
            .iter()
            .map(|s| s.status.clone())
            .collect::<Vec<_>>(),
        d.run
            .steps
            .iter()
            .map(|s| s.status.clone())
            .collect::<Vec<_>>()
    );
    assert_eq!(resumed.contained_at, d.run.contained_at);
    // Finish it from the disk, appending after the torn line as the runtime would: the torn
    // line stays one bad line, no new entry is lost with it.
    let mut r = Driver::resume("leaked-kv-secret", &read.entries, d.now);
    r.finish(&script);
    for b in &r.batches {
        journal::append(&path, b).expect("append");
    }
    let again = journal::read(&path).expect("read");
    assert_eq!(again.bad_lines, 1);
    assert_eq!(again.entries, r.entries);
    assert!(journal::unfinished(&runs).is_empty(), "finished on disk");
    assert!(
        !std::fs::read_to_string(&path)
            .expect("read")
            .contains(CANARY)
    );
}
