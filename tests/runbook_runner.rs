//! The runner's update flow, pure and on a fixed clock: every built-in runbook walked with
//! scripted answers and hand-built plans and outcomes; conditions skip with their reason; a
//! secret never reaches the journal, the report or a notify message; the containment clock;
//! read-only rehearsal; resuming from every prefix of a journal never repeats a completed
//! action; the journal round-trips through the disk with a torn last line.
#![allow(clippy::expect_used)]

mod runbook_support;

use chrono::Duration;

use runbook_support::{CANARY, Driver, Script, UncertainPolicy, builtin, t0};
use strongroom::runbook::journal::{self, Entry, Event};
use strongroom::runbook::report::{incident_report, notify_message};
use strongroom::runbook::runner::ClockLevel;
use strongroom::runbook::{ArgValue, Run, StepStatus};

fn skipped(reason: &str) -> StepStatus {
    StepStatus::Skipped(reason.to_string())
}

fn kv_script() -> Script {
    Script::new(&[
        ("secret_path", "secret/apps/payments"),
        ("new_value", CANARY),
        ("has_leases", "yes"),
        ("lease_prefix", "database/creds/payments/"),
    ])
    .readers(&["hmac-sha256:r1", "hmac-sha256:r2"])
}

/// The index of the entry matching `f`, first.
fn position(entries: &[Entry], f: impl Fn(&Entry) -> bool) -> Option<usize> {
    entries.iter().position(f)
}

fn is_result_of(e: &Entry, step: &str) -> bool {
    e.step.as_deref() == Some(step) && matches!(e.event, Event::ActionResult { ok: true, .. })
}

#[test]
fn leaked_kv_secret_every_action_and_no_secret_anywhere() {
    let script = kv_script();
    let mut d = Driver::start("leaked-kv-secret", false);
    d.finish(&script);
    for id in d.run.runbook.steps.iter().map(|s| s.id.clone()) {
        assert_eq!(d.status(&id), StepStatus::Done, "{id}");
    }
    // The arguments each action got.
    let rotate = &d.resolved["rotate"];
    assert_eq!(
        rotate.args["path"],
        ArgValue::Text("secret/apps/payments".into())
    );
    assert_eq!(rotate.args["field"], ArgValue::Text("password".into()));
    match &rotate.args["value"] {
        ArgValue::Secret(s) => assert_eq!(s.expose(), CANARY),
        other => panic!("the new value is a secret argument: {other:?}"),
    }
    assert_eq!(
        d.resolved["find_readers"].args["since"],
        ArgValue::Text("2026-12-05T10:02:30Z".into()),
        "-24h from when it was answered"
    );
    assert_eq!(
        d.resolved["revoke_readers"].args["audit_accessors"],
        ArgValue::List(vec!["hmac-sha256:r1".into(), "hmac-sha256:r2".into()])
    );
    assert_eq!(
        d.resolved["revoke_leases"].args["prefix"],
        ArgValue::Text("database/creds/payments/".into())
    );
    // The secret input is journaled without its value; the action's args show "(secret)".
    let input = d
        .entries
        .iter()
        .find(|e| e.step.as_deref() == Some("new_value"))
        .expect("the input entry");
    assert_eq!(
        input.event,
        Event::Input {
            var: "new_value".into(),
            value: None
        }
    );
    let started = d
        .entries
        .iter()
        .find(|e| {
            e.step.as_deref() == Some("rotate") && matches!(e.event, Event::ActionStarted { .. })
        })
        .expect("started");
    let Event::ActionStarted { args, .. } = &started.event else {
        unreachable!()
    };
    assert_eq!(args["value"], "(secret)");
    // The canary: nowhere in the journal, the report, the notify message, Debug output.
    let notify = d
        .run
        .runbook
        .steps
        .iter()
        .position(|s| s.id == "notify")
        .expect("notify");
    let end = d.now;
    for (what, text) in [
        ("journal", d.journal_text()),
        ("report", incident_report(&d.run, end)),
        ("notify", notify_message(&d.run, notify, end)),
        ("debug", format!("{:?}", d.run)),
        ("resolved debug", format!("{:?}", d.resolved)),
    ] {
        assert!(!text.contains(CANARY), "the secret leaked into the {what}");
    }
    // Containment: recorded right after the last containment step's result.
    let contained =
        position(&d.entries, |e| matches!(e.event, Event::Contained { .. })).expect("contained");
    let last = position(&d.entries, |e| is_result_of(e, "revoke_leases")).expect("result");
    assert_eq!(contained, last + 1);
    assert!(d.run.contained_at.is_some());
}

#[test]
fn leaked_kv_secret_conditions_skip_with_their_reason() {
    // Nobody read it, no leases; the new value left empty (the op generates one).
    let script = Script::new(&[("secret_path", "secret/apps/x"), ("has_leases", "no")]);
    let mut d = Driver::start("leaked-kv-secret", false);
    d.finish(&script);
    assert_eq!(
        d.status("revoke_readers"),
        skipped("condition not met: readers")
    );
    assert_eq!(
        d.status("lease_prefix"),
        skipped("condition not met: has_leases == yes")
    );
    assert_eq!(
        d.status("revoke_leases"),
        skipped("condition not met: has_leases == yes")
    );
    match &d.resolved["rotate"].args.get("value") {
        Some(ArgValue::Secret(s)) => assert!(s.expose().is_empty()),
        other => panic!("an empty secret: {other:?}"),
    }
    // The skip reason is in the journal.
    assert!(
        d.entries
            .iter()
            .any(|e| e.step.as_deref() == Some("revoke_readers")
                && e.event
                    == Event::Skipped {
                        reason: "condition not met: readers".into()
                    })
    );
    // Containment is recorded when the last containment step is skipped.
    let contained =
        position(&d.entries, |e| matches!(e.event, Event::Contained { .. })).expect("contained");
    let skip = position(&d.entries, |e| {
        e.step.as_deref() == Some("revoke_leases") && matches!(e.event, Event::Skipped { .. })
    })
    .expect("skip");
    assert_eq!(contained, skip + 1);

    // Skipping the optional secret input leaves the argument out (never "{{new_value}}").
    let script = Script::new(&[("secret_path", "secret/apps/x"), ("has_leases", "no")])
        .skipping("new_value");
    let mut d = Driver::start("leaked-kv-secret", false);
    d.finish(&script);
    assert!(!d.resolved["rotate"].args.contains_key("value"));
}

#[test]
fn leaked_database_credential_each_kind_takes_its_path() {
    for (kind, done, skips) in [
        (
            "dynamic",
            vec!["role", "revoke_dynamic", "find_users"],
            vec!["connection", "rotate_static", "rotate_root"],
        ),
        (
            "static",
            vec!["role", "rotate_static", "find_users"],
            vec!["connection", "revoke_dynamic", "rotate_root"],
        ),
        (
            "root",
            vec!["connection", "rotate_root"],
            vec!["role", "revoke_dynamic", "rotate_static", "find_users"],
        ),
    ] {
        let script = Script::new(&[
            ("cred_kind", kind),
            ("role", "readonly"),
            ("connection", "pg"),
        ])
        .readers(&["hmac-sha256:app"]);
        let mut d = Driver::start("leaked-database-credential", false);
        d.finish(&script);
        for id in done {
            assert_eq!(d.status(id), StepStatus::Done, "{kind}: {id}");
        }
        for id in skips {
            assert!(
                matches!(d.status(id), StepStatus::Skipped(ref r) if r.starts_with("condition not met: cred_kind")),
                "{kind}: {id}: {:?}",
                d.status(id)
            );
        }
        assert!(d.run.contained_at.is_some(), "{kind}");
        match kind {
            "dynamic" => {
                assert_eq!(
                    d.resolved["revoke_dynamic"].args["prefix"],
                    ArgValue::Text("database/creds/readonly/".into())
                );
                assert_eq!(
                    d.resolved["find_users"].args["path"],
                    ArgValue::Text("database/*creds/readonly".into())
                );
            }
            "static" => {
                assert_eq!(
                    d.resolved["rotate_static"].args["role"],
                    ArgValue::Text("readonly".into())
                );
            }
            _ => {
                assert_eq!(
                    d.resolved["rotate_root"].args["connection"],
                    ArgValue::Text("pg".into())
                );
                assert_eq!(
                    d.resolved["rotate_root"].args["mount"],
                    ArgValue::Text("database".into())
                );
            }
        }
    }
}

#[test]
fn unseal_key_compromise_and_infrastructure_incident_follow_the_answers() {
    for (quorum, roots) in [
        ("yes", StepStatus::Done),
        ("no", skipped("condition not met: quorum == yes")),
    ] {
        let script = Script::new(&[("holder", "bob"), ("quorum", quorum)]);
        let mut d = Driver::start("unseal-key-compromise", false);
        d.finish(&script);
        assert_eq!(d.status("rekey"), StepStatus::Done);
        assert_eq!(d.status("revoke_roots"), roots, "quorum {quorum}");
        assert!(d.run.contained_at.is_some());
    }
    // Seal now: the typed gate, then the seal; isolation skipped.
    let script = Script::new(&[("nodes", "10.0.0.1 10.0.0.2"), ("seal_now", "yes")]);
    let mut d = Driver::start("infrastructure-incident", false);
    d.finish(&script);
    assert_eq!(d.status("confirm_seal"), StepStatus::Done);
    assert_eq!(d.status("seal"), StepStatus::Done);
    assert_eq!(
        d.status("isolate"),
        skipped("condition not met: seal_now == no")
    );
    assert!(
        d.entries
            .iter()
            .any(|e| e.step.as_deref() == Some("confirm_seal")
                && e.event
                    == Event::Done {
                        note: Some("typed \"seal the cluster\"".into())
                    })
    );
    assert!(d.resolved["seal"].args.is_empty());
    // Do not seal: isolate instead.
    let script = Script::new(&[("nodes", "10.0.0.1"), ("seal_now", "no")]);
    let mut d = Driver::start("infrastructure-incident", false);
    d.finish(&script);
    assert_eq!(
        d.status("confirm_seal"),
        skipped("condition not met: seal_now == yes")
    );
    assert_eq!(
        d.status("seal"),
        skipped("condition not met: seal_now == yes")
    );
    assert_eq!(d.status("isolate"), StepStatus::Done);
    assert!(!d.resolved.contains_key("seal"), "never planned");
}

#[test]
fn leaked_vault_token_walks_with_a_failure_and_a_retry() {
    let script = Script::new(&[("accessors", "acc1, acc2 acc3")])
        .readers(&["hmac-sha256:t"])
        .failing_once("revoke");
    let mut d = Driver::start("leaked-vault-token", false);
    d.finish(&script);
    assert_eq!(
        d.resolved["revoke"].args["accessors"],
        ArgValue::List(vec!["acc1".into(), "acc2".into(), "acc3".into()])
    );
    // Failed once (not contained then), reopened, done.
    let events: Vec<&Event> = d
        .entries
        .iter()
        .filter(|e| e.step.as_deref() == Some("revoke"))
        .map(|e| &e.event)
        .collect();
    assert!(matches!(events[0], Event::ActionStarted { .. }));
    assert!(matches!(events[1], Event::ActionResult { ok: false, .. }));
    assert!(matches!(events[2], Event::Reopened { .. }));
    assert!(matches!(events[3], Event::ActionStarted { .. }));
    assert!(matches!(events[4], Event::ActionResult { ok: true, .. }));
    assert_eq!(d.status("revoke"), StepStatus::Done);
    assert_eq!(d.status("confirm_contained"), StepStatus::Done);
}

#[test]
fn the_containment_clock_warns_goes_over_and_stops_when_contained() {
    let script = Script::new(&[("accessors", "acc1")]);
    let mut d = Driver::start("leaked-vault-token", false);
    let at = |m: i64| t0() + Duration::minutes(m);
    assert_eq!(d.run.clock(at(1)).level, ClockLevel::Ok);
    assert_eq!(d.run.clock(at(9)).level, ClockLevel::Ok);
    assert_eq!(
        d.run.clock(at(10)).level,
        ClockLevel::Warn,
        "5 min before 15"
    );
    assert_eq!(d.run.clock(at(15)).level, ClockLevel::Warn);
    assert_eq!(d.run.clock(at(16)).level, ClockLevel::Over);
    assert_eq!(d.run.clock(at(16)).target_secs, 15 * 60);
    // Slow responder: contained after the target.
    d.tick_secs = 240;
    d.finish(&script);
    let contained = d.run.contained_at.expect("contained");
    let minutes = (contained - t0()).num_minutes();
    assert!(minutes > 15, "{minutes}");
    let c = d.run.clock(at(600));
    assert_eq!(c.level, ClockLevel::Contained { in_time: false });
    assert_eq!(c.elapsed_secs, (contained - t0()).num_seconds(), "frozen");
    let Some(Event::Contained { minutes: m }) = d
        .entries
        .iter()
        .map(|e| &e.event)
        .find(|e| matches!(e, Event::Contained { .. }))
    else {
        panic!("a Contained entry")
    };
    assert_eq!(*m, u64::try_from(minutes).expect("positive"));
    // Quick responder: in time.
    let mut d = Driver::start("leaked-vault-token", false);
    d.finish(&script);
    assert_eq!(
        d.run.clock(at(600)).level,
        ClockLevel::Contained { in_time: true }
    );
}

#[test]
fn a_rehearsal_executes_nothing_and_records_it() {
    let script = kv_script();
    let mut d = Driver::start("leaked-kv-secret", true);
    d.finish(&script);
    for id in ["rotate", "destroy_old", "revoke_readers", "revoke_leases"] {
        assert_eq!(d.status(id), StepStatus::NotExecuted, "{id}");
        let events: Vec<&Event> = d
            .entries
            .iter()
            .filter(|e| e.step.as_deref() == Some(id))
            .map(|e| &e.event)
            .collect();
        assert_eq!(events.len(), 1, "{id}: {events:?}");
        assert!(
            matches!(events[0], Event::NotExecuted { .. }),
            "{id}: never started"
        );
    }
    // The read-only search runs in a rehearsal too.
    assert_eq!(d.status("find_readers"), StepStatus::Done);
    assert!(
        !d.entries
            .iter()
            .any(|e| matches!(e.event, Event::ActionStarted { .. })
                && e.step.as_deref() != Some("find_readers"))
    );
    assert!(matches!(
        d.entries[0].event,
        Event::Started {
            read_only: true,
            ..
        }
    ));
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
