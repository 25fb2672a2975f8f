//! The built-in "leaked KV secret" runbook end to end against a real `bao server -dev` with a
//! file audit device and known traffic (`common::audit_traffic`): a new version is written with
//! the leaked field replaced (the other fields intact), every old version is destroyed, the
//! tokens that read the secret are found in the audit log and revoked (others live on, the
//! console's own token too), the leases below the prefix are revoked; the journal on disk
//! holds every step and no secret; the run resumes from it as finished. A read-only rehearsal
//! of the same runbook changes nothing on the server.
#![allow(clippy::expect_used)]

mod common;
mod runbook_support;

use std::collections::BTreeMap;

use common::audit_traffic::{AuditTraffic, PAYMENTS_PATH, PAYMENTS_VALUE};
use common::dev::http_request;
use runbook_support::Driver;
use strongroom::runbook::journal;
use strongroom::runbook::library;
use strongroom::runbook::{Run, StepStatus};
use strongroom::vault::worker::Worker;
use strongroom::write_gate::Risk;

/// The new value the responder types: a canary too.
const NEW_VALUE: &str = "canary-rotated-51c0e7-payments";
const OLD_V2: &str = "canary-old-v2-payments";
const OLD_V3: &str = "canary-old-v3-payments";

fn status(port: u16, method: &str, path: &str, token: &str) -> (u16, String) {
    http_request(port, method, path, Some(token), "").expect("request")
}

/// Two more versions of the payments secret, with a second field that must survive.
fn more_versions(t: &AuditTraffic) {
    for v in [OLD_V2, OLD_V3] {
        let body = format!("{{\"data\":{{\"api_key\":\"{v}\",\"user\":\"svc-payments\"}}}}");
        let (c, b) = http_request(
            t.server.port,
            "POST",
            &format!("/v1/{PAYMENTS_PATH}"),
            Some(&t.server.root_token),
            &body,
        )
        .expect("write");
        assert_eq!(c, 200, "{b}");
    }
}

fn answers() -> BTreeMap<&'static str, &'static str> {
    BTreeMap::from([
        ("secret_path", "secret/apps/payments"),
        ("field", "api_key"),
        ("new_value", NEW_VALUE),
        ("exposed_since", "-1h"),
        ("has_leases", "yes"),
        ("lease_prefix", "auth/userpass/login/"),
    ])
}

fn setup() -> (AuditTraffic, Worker) {
    let t = AuditTraffic::start_abs();
    more_versions(&t);
    let profile = common::profile_for(
        std::slice::from_ref(&t.server.addr),
        Some(&t.server.root_token),
    );
    let worker = Worker::new(&profile).expect("worker");
    (t, worker)
}

fn no_canary(what: &str, text: &str) {
    for c in [PAYMENTS_VALUE, NEW_VALUE, OLD_V2, OLD_V3] {
        assert!(!text.contains(c), "a secret value is in the {what}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_leaked_kv_secret_runbook_contains_the_leak_on_a_real_server() {
    let (t, worker) = setup();
    let port = t.server.port;
    let root = t.server.root_token.clone();
    let lib = library::builtin();
    let rb = lib.get("leaked-kv-secret").expect("built-in").clone();
    let dir = tempfile::tempdir().expect("tempdir");
    let mut d = Driver::start(rb.clone(), &t.server.addr, dir.path(), false);
    d.run_all(&worker, &answers()).await;

    assert!(d.run.finished.is_some(), "the run ended");
    assert!(d.run.contained_at.is_some(), "containment recorded");
    for (s, r) in rb.steps.iter().zip(&d.run.steps) {
        assert!(
            matches!(r.status, StepStatus::Done | StepStatus::Skipped(_)),
            "step {} is {:?}",
            s.id,
            r.status
        );
    }

    // A new version with the field replaced and the other field intact.
    let (c, b) = status(port, "GET", &format!("/v1/{PAYMENTS_PATH}"), &root);
    assert_eq!(c, 200, "{b}");
    let v: serde_json::Value = serde_json::from_str(&b).expect("json");
    assert_eq!(v["data"]["metadata"]["version"], 4, "{b}");
    assert_eq!(v["data"]["data"]["api_key"], NEW_VALUE);
    assert_eq!(v["data"]["data"]["user"], "svc-payments");
    // Every old version destroyed.
    let (c, b) = status(port, "GET", "/v1/secret/metadata/apps/payments", &root);
    assert_eq!(c, 200, "{b}");
    let m: serde_json::Value = serde_json::from_str(&b).expect("json");
    for n in ["1", "2", "3"] {
        assert_eq!(m["data"]["versions"][n]["destroyed"], true, "v{n}: {b}");
    }
    assert_eq!(m["data"]["versions"]["4"]["destroyed"], false);
    let destroy = d.plan_of("destroy_old").expect("destroy planned");
    assert!(matches!(destroy.risk, Some(Risk::Typed(_))), "{destroy:?}");

    // The reader read the secret: found in the audit log and revoked.
    let (c, _) = status(port, "GET", "/v1/auth/token/lookup-self", &t.reader_token);
    assert_eq!(c, 403, "the reader's token still works");
    let found = d.plan_of("find_readers").expect("audit search ran");
    assert!(!found.plan.summary.is_empty());
    // A token that never read it lives on; so does the console's own (root) token.
    let body = format!("{{\"accessor\":\"{}\"}}", t.long_ttl_accessor);
    let (c, b) = http_request(
        port,
        "POST",
        "/v1/auth/token/lookup-accessor",
        Some(&root),
        &body,
    )
    .expect("lookup");
    assert_eq!(c, 200, "an uninvolved token was revoked: {b}");
    assert_eq!(
        status(port, "GET", "/v1/auth/token/lookup-self", &root).0,
        200
    );
    // Leases below the prefix revoked: alice's login token is gone.
    let (c, _) = status(port, "GET", "/v1/auth/token/lookup-self", &t.alice_token);
    assert_eq!(c, 403, "alice's login lease was not revoked");

    // The journal: every step, no secret; the run resumes from it as finished.
    let text = d.journal_text();
    no_canary("journal", &text);
    let read = journal::read(&d.journal).expect("read");
    assert_eq!(read.bad_lines, 0);
    for s in &rb.steps {
        assert!(
            read.entries
                .iter()
                .any(|e| e.step.as_deref() == Some(s.id.as_str())),
            "step {} is not in the journal",
            s.id
        );
    }
    let resumed = Run::resume(rb.clone(), &read.entries).expect("resume");
    assert_eq!(resumed.current(), None);
    assert!(resumed.finished.is_some());
    let report = strongroom::runbook::report::incident_report(&d.run, runbook_support::now());
    no_canary("report", &report);
    assert!(report.contains("contained after"), "{report}");
    for e in &d.executed {
        no_canary("plan", &format!("{:?}", e.plan));
    }
    no_canary("audit log answers", &format!("{:?}", d.run));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_only_rehearsal_changes_nothing() {
    let (t, worker) = setup();
    let port = t.server.port;
    let root = t.server.root_token.clone();
    let lib = library::builtin();
    let rb = lib.get("leaked-kv-secret").expect("built-in").clone();
    let dir = tempfile::tempdir().expect("tempdir");
    let mut d = Driver::start(rb.clone(), &t.server.addr, dir.path(), true);
    d.run_all(&worker, &answers()).await;
    assert!(d.run.finished.is_some());

    let (c, b) = status(port, "GET", "/v1/secret/metadata/apps/payments", &root);
    assert_eq!(c, 200, "{b}");
    let m: serde_json::Value = serde_json::from_str(&b).expect("json");
    assert_eq!(
        m["data"]["current_version"], 3,
        "a version was written: {b}"
    );
    for n in ["1", "2", "3"] {
        assert_eq!(m["data"]["versions"][n]["destroyed"], false, "v{n}: {b}");
    }
    assert_eq!(
        status(port, "GET", "/v1/auth/token/lookup-self", &t.reader_token).0,
        200,
        "the rehearsal revoked the reader"
    );
    assert_eq!(
        status(port, "GET", "/v1/auth/token/lookup-self", &t.alice_token).0,
        200,
        "the rehearsal revoked alice's lease"
    );
    // Every write is recorded as not executed; the audit search (read-only) ran.
    let read = journal::read(&d.journal).expect("read");
    let not_executed = read
        .entries
        .iter()
        .filter(|e| matches!(e.event, journal::Event::NotExecuted { .. }))
        .count();
    assert!(not_executed >= 3, "{not_executed} not-executed entries");
    assert!(
        !read
            .entries
            .iter()
            .any(|e| matches!(e.event, journal::Event::ActionStarted { .. })
                && e.step.as_deref() != Some("find_readers")),
        "a write was started in a rehearsal"
    );
    no_canary("journal", &d.journal_text());
}
