//! The incident report and the notify message of runs driven by the scripted responder (fixed
//! clock): a finished run has its containment line, actions with results, no open items and
//! the whole timeline; a rehearsal says so everywhere; an unfinished run lists what is open;
//! secrets never appear; server and responder text is sanitised.
#![allow(clippy::expect_used)]

mod runbook_script;

use chrono::Duration;

use runbook_script::{CANARY, Driver, Script, t0};
use strongroom::runbook::report::{
    containment_line, duration_words, incident_report, notify_message,
};

fn kv_script() -> Script {
    Script::new(&[
        ("secret_path", "secret/apps/payments"),
        ("new_value", CANARY),
        ("has_leases", "yes"),
        ("lease_prefix", "database/creds/payments/"),
    ])
    .readers(&["hmac-sha256:r1", "hmac-sha256:r2"])
    .failing_once("destroy_old")
}

fn notify_index(d: &Driver) -> usize {
    d.run
        .runbook
        .steps
        .iter()
        .position(|s| s.id == "notify")
        .expect("a notify step")
}

#[test]
fn a_finished_run_has_containment_actions_no_open_items_and_the_timeline() {
    let mut d = Driver::start("leaked-kv-secret", false);
    d.finish(&kv_script());
    let end = d.now;
    let report = incident_report(&d.run, end);
    assert!(!report.contains(CANARY));
    assert!(report.starts_with("# Incident report: Leaked KV secret\n"));
    assert!(
        report.contains("- Containment: contained after 9 min 30 s (target 15 min: met)"),
        "{report}"
    );
    assert!(report.contains("- Status: finished (every step is done or skipped)"));
    assert!(report.contains(
        "- **Write a new version** (`kv.write_new_version`): done — kv.write_new_version on 127.0.0.1:8200"
    ));
    assert!(report.contains(
        "- **Find who read the secret** (`audit.search`): done — 6 requests by 2 tokens"
    ));
    assert!(report.contains("  - token hmac-sha256:r1: 3 requests"));
    assert!(report.contains("## Open items\n\nNone.\n"), "{report}");
    // One timeline row per journal entry, the failure and the retry included.
    let rows = report.lines().filter(|l| l.starts_with("| 2026-")).count();
    assert_eq!(rows, d.run.journal.len());
    assert!(report.contains(
        "Destroy the old versions: FAILED: kv.destroy_versions on 127.0.0.1:8200 failed"
    ));
    assert!(report.contains("Destroy the old versions: reopened (tried again by the responder)"));
    assert!(report.contains("New value (optional): new_value = (secret, not recorded)"));
    assert!(report.contains("| contained after 9 min |"));
    insta::assert_snapshot!("finished_leaked_kv_secret", report);
}

#[test]
fn a_rehearsal_says_so_in_the_report_and_the_message() {
    let mut d = Driver::start("leaked-kv-secret", true);
    d.finish(&kv_script());
    let report = incident_report(&d.run, d.now);
    assert!(report.contains("> **Read-only rehearsal**: no action was executed on the server."));
    assert!(
        report.contains("rehearsal only: the containment steps were reached after"),
        "{report}"
    );
    assert!(report.contains("- **Write a new version** (`kv.write_new_version`): not executed"));
    assert!(report.contains("- Write a new version — not executed (rehearsal)"));
    assert!(report.contains("| run started (read-only rehearsal) |"));
    let msg = notify_message(&d.run, notify_index(&d), d.now);
    assert!(msg.starts_with("**Security incident: Leaked KV secret** (REHEARSAL)"));
    assert!(msg.contains("- Contained so far:\n  - Find who read the secret: 6 requests by 2 tokens\n- Still open:"), "{msg}");
    assert!(!report.contains(CANARY) && !msg.contains(CANARY));
}

#[test]
fn an_unfinished_run_lists_what_is_open_and_is_not_contained() {
    let script = kv_script();
    let mut d = Driver::start("leaked-kv-secret", false);
    for _ in 0..6 {
        d.step(&script);
    }
    assert_eq!(d.current_id().as_deref(), Some("destroy_old"));
    let now = t0() + Duration::minutes(20);
    let report = incident_report(&d.run, now);
    assert!(
        report.contains(
            "- Containment: NOT contained yet: 20 min 0 s since detection (target 15 min)"
        )
    );
    assert!(report.contains("- Status: in progress"));
    assert!(
        report.contains(
            "## Open items\n\n- Destroy the old versions — failed: kv.destroy_versions on 127.0.0.1:8200 failed: request rejected (503): Vault is sealed\n- Find who read the secret — pending\n"
        ),
        "{report}"
    );
    assert!(report.contains("- Post-mortem — pending"));
    // The notify message: what leaked, what is contained, what is open, the note expanded.
    let msg = notify_message(&d.run, notify_index(&d), now);
    assert!(msg.contains("For: security team and the owners of the services"));
    assert!(msg.contains("  - secret_path: secret/apps/payments"));
    assert!(msg.contains(
        "- Contained so far:\n  - Write a new version: kv.write_new_version on 127.0.0.1:8200"
    ));
    assert!(msg.contains("  - Destroy the old versions — failed: "));
    assert!(msg.contains(
        "Leaked: field password of secret/apps/payments, exposed since 2026-12-05T10:02:30Z."
    ));
    assert!(msg.ends_with("Responder: alice · run `run-leaked-kv-secret`"));
    assert!(!msg.contains(CANARY) && !report.contains(CANARY));
}

#[test]
fn responder_and_server_text_is_sanitised() {
    let script = Script::new(&[
        ("secret_path", "secret/apps/\u{1b}[31mred|pipe"),
        ("has_leases", "no"),
    ])
    .readers(&["hmac\u{7}bell"]);
    let mut d = Driver::start("leaked-kv-secret", false);
    d.finish(&script);
    let report = incident_report(&d.run, d.now);
    let msg = notify_message(&d.run, notify_index(&d), d.now);
    for text in [&report, &msg] {
        assert!(!text.contains('\u{1b}'), "{text}");
        assert!(!text.contains('\u{7}'), "{text}");
    }
    // A `|` in a timeline cell does not break the table.
    let row = report
        .lines()
        .find(|l| l.contains("Which secret leaked: secret_path"))
        .expect("the input row");
    assert_eq!(row.matches(" | ").count(), 2, "{row}");
}

#[test]
fn durations_and_the_missed_target_read_well() {
    assert_eq!(duration_words(0), "0 s");
    assert_eq!(duration_words(59), "59 s");
    assert_eq!(duration_words(750), "12 min 30 s");
    assert_eq!(duration_words(3 * 3600 + 120), "3 h 2 min");
    assert_eq!(duration_words(-5), "0 s");
    let mut d = Driver::start("leaked-vault-token", false);
    d.tick_secs = 300;
    d.finish(&Script::new(&[("accessors", "acc1")]));
    let line = containment_line(&d.run, d.now);
    assert!(line.starts_with("contained after "), "{line}");
    assert!(line.ends_with("(target 15 min: missed)"), "{line}");
}
