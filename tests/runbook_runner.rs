//! The runner's update flow, pure and on a fixed clock: every built-in runbook walked with
//! scripted answers and hand-built plans and outcomes; conditions skip with their reason; a
//! secret never reaches the journal, the report or a notify message; the containment clock;
//! read-only rehearsal. Resuming is in `tests/runbook_resume.rs`.
#![allow(clippy::expect_used)]

mod runbook_script;

use chrono::Duration;

use runbook_script::{CANARY, Driver, Script, t0};
use strongroom::runbook::journal::{Entry, Event};
use strongroom::runbook::report::{incident_report, notify_message};
use strongroom::runbook::runner::ClockLevel;
use strongroom::runbook::{ArgValue, StepStatus};

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
