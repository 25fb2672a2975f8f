//! Runbook `vault` steps against a real `bao server -dev`: each operation's prepare job runs
//! through a real `Worker`, its plan is checked (details, CLI, the write's risk), then the
//! write is performed by the worker and the server's state checked. Secret values (canaries)
//! never appear in a plan or its Debug output.
#![allow(clippy::expect_used)]

mod common;
mod runbook_ops_support;

use common::dev::DevServer;
use runbook_ops_support::{
    alive, call, create_token, failure_of, perform, plan_of, risk_of, spec, text, worker, write_of,
};
use strongroom::reply::WriteResult;
use strongroom::runbook::PlannedAction;
use strongroom::runbook::action::ArgValue;
use strongroom::runbook::model::Op;
use strongroom::vault::models::wrapping::SecretText;
use strongroom::write_gate::token::TokenMutation;
use strongroom::write_gate::{Mutation, Risk};

const OLD_VALUE: &str = "canary-old-9d41e2-password";
const NEW_VALUE: &str = "canary-new-5b7c03-password";

fn secret_data(dev: &DevServer, path: &str) -> serde_json::Value {
    let (code, v) = call(
        dev.port,
        "GET",
        &format!("/v1/secret/data/{path}"),
        &dev.root_token,
        "",
    );
    assert_eq!(code, 200, "{v}");
    v["data"]["data"].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kv_write_new_version_patches_one_field_and_keeps_the_others() {
    let dev = DevServer::start();
    let w = worker(&dev.addr, &dev.root_token);
    let body = format!("{{\"data\":{{\"user\":\"app\",\"password\":\"{OLD_VALUE}\"}}}}");
    let (code, _) = call(
        dev.port,
        "POST",
        "/v1/secret/data/apps/payments",
        &dev.root_token,
        &body,
    );
    assert_eq!(code, 200);

    let s = spec(
        &dev.addr,
        Op::KvWriteNewVersion,
        vec![
            ("path", text("secret/apps/payments")),
            ("field", text("password")),
            ("value", ArgValue::Secret(SecretText::from(NEW_VALUE))),
        ],
    );
    let plan = plan_of(&w, s).await;
    let all = format!("{plan:?}");
    assert!(
        !all.contains(NEW_VALUE) && !all.contains(OLD_VALUE),
        "{all}"
    );
    assert_eq!(
        plan.summary,
        "write a new version of secret/apps/payments (field password)"
    );
    assert!(
        plan.details
            .iter()
            .any(|d| d == "current version v1 → new version v2"),
        "{:?}",
        plan.details
    );
    assert!(
        plan.details
            .iter()
            .any(|d| d.starts_with("field password: replaced")),
        "{:?}",
        plan.details
    );
    assert_eq!(
        plan.cli,
        ["bao kv patch -mount=secret -cas=1 apps/payments password=…"]
    );
    assert_eq!(risk_of(&plan), Risk::Confirm);
    assert_eq!(perform(&w, &plan).await, [WriteResult::Version(2)]);
    let data = secret_data(&dev, "apps/payments");
    assert_eq!(data["user"], "app", "the other field is kept");
    assert_eq!(data["password"], NEW_VALUE);

    // No value: 32 random URL-safe characters, never shown.
    let s = spec(
        &dev.addr,
        Op::KvWriteNewVersion,
        vec![
            ("path", text("secret/apps/payments")),
            ("field", text("password")),
        ],
    );
    let plan = plan_of(&w, s).await;
    assert!(
        plan.details
            .iter()
            .any(|d| d.contains("generated: 32 random")),
        "{:?}",
        plan.details
    );
    assert_eq!(perform(&w, &plan).await, [WriteResult::Version(3)]);
    let data = secret_data(&dev, "apps/payments");
    let generated = data["password"].as_str().expect("a string");
    assert_eq!(generated.len(), 32);
    assert!(
        generated
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    );
    assert!(!format!("{plan:?}").contains(generated));
    assert_eq!(data["user"], "app");

    // A field the secret did not have is added.
    let s = spec(
        &dev.addr,
        Op::KvWriteNewVersion,
        vec![
            ("path", text("secret/apps/payments")),
            ("field", text("api_key")),
        ],
    );
    let plan = plan_of(&w, s).await;
    assert!(
        plan.details
            .iter()
            .any(|d| d.starts_with("field api_key: added")),
        "{:?}",
        plan.details
    );

    // Clear failures: no secret, a folder, KV v1, a missing argument.
    let missing = spec(
        &dev.addr,
        Op::KvWriteNewVersion,
        vec![
            ("path", text("secret/apps/nothing")),
            ("field", text("password")),
        ],
    );
    assert_eq!(
        failure_of(&w, missing).await,
        "kv.write_new_version: there is no secret at secret/apps/nothing"
    );
    let folder = spec(
        &dev.addr,
        Op::KvWriteNewVersion,
        vec![("path", text("secret/apps/")), ("field", text("password"))],
    );
    assert!(failure_of(&w, folder).await.contains("is a folder"));
    let (code, _) = call(
        dev.port,
        "POST",
        "/v1/sys/mounts/kv1",
        &dev.root_token,
        "{\"type\":\"kv\"}",
    );
    assert_eq!(code, 204);
    let (code, _) = call(
        dev.port,
        "POST",
        "/v1/kv1/app",
        &dev.root_token,
        "{\"password\":\"x\"}",
    );
    assert_eq!(code, 204);
    let v1 = spec(
        &dev.addr,
        Op::KvWriteNewVersion,
        vec![("path", text("kv1/app")), ("field", text("password"))],
    );
    let e = failure_of(&w, v1).await;
    assert!(e.contains("KV v1 mount"), "{e}");
    let no_field = spec(
        &dev.addr,
        Op::KvWriteNewVersion,
        vec![("path", text("secret/apps/payments"))],
    );
    assert_eq!(
        failure_of(&w, no_field).await,
        "kv.write_new_version: the argument \"field\" is missing or empty"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kv_destroy_versions_destroys_all_but_the_newest() {
    let dev = DevServer::start();
    let w = worker(&dev.addr, &dev.root_token);
    for i in 1..=3 {
        dev.put_secret("apps/payments", "password", &format!("{OLD_VALUE}-{i}"));
    }
    let s = spec(
        &dev.addr,
        Op::KvDestroyVersions,
        vec![("path", text("secret/apps/payments"))],
    );
    let plan = plan_of(&w, s).await;
    assert!(!format!("{plan:?}").contains(OLD_VALUE));
    assert_eq!(plan.summary, "destroy v1, v2 of secret/apps/payments");
    assert_eq!(
        plan.cli,
        ["bao kv destroy -mount=secret -versions=1,2 apps/payments"]
    );
    assert!(
        plan.details.iter().any(|d| d == "v3 (the newest) is kept"),
        "{:?}",
        plan.details
    );
    assert_eq!(
        risk_of(&plan),
        Risk::Typed("destroy secret/apps/payments".into())
    );
    perform(&w, &plan).await;
    let (_, meta) = call(
        dev.port,
        "GET",
        "/v1/secret/metadata/apps/payments",
        &dev.root_token,
        "",
    );
    let destroyed = |n: &str| meta["data"]["versions"][n]["destroyed"].as_bool();
    assert_eq!(
        (destroyed("1"), destroyed("2"), destroyed("3")),
        (Some(true), Some(true), Some(false))
    );
    assert_eq!(
        secret_data(&dev, "apps/payments")["password"],
        format!("{OLD_VALUE}-3")
    );

    // Again: nothing left to destroy.
    let s = spec(
        &dev.addr,
        Op::KvDestroyVersions,
        vec![("path", text("secret/apps/payments"))],
    );
    let plan = plan_of(&w, s).await;
    assert!(matches!(plan.action, PlannedAction::Nothing(_)), "{plan:?}");

    // An explicit list: destroyed and unknown versions are named and left out.
    let s = spec(
        &dev.addr,
        Op::KvDestroyVersions,
        vec![
            ("path", text("secret/apps/payments")),
            ("versions", text("1, 3, 7")),
        ],
    );
    let plan = plan_of(&w, s).await;
    assert_eq!(
        plan.cli,
        ["bao kv destroy -mount=secret -versions=3 apps/payments"]
    );
    assert!(
        plan.details
            .iter()
            .any(|d| d == "v1 is destroyed already: left out")
    );
    assert!(plan.details.iter().any(|d| d.contains("v7 does not exist")));
    let bad = spec(
        &dev.addr,
        Op::KvDestroyVersions,
        vec![
            ("path", text("secret/apps/payments")),
            ("versions", text("latest")),
        ],
    );
    assert!(
        failure_of(&w, bad)
            .await
            .contains("\"latest\" is not a version")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lease_revoke_prefix_counts_then_revokes() {
    let dev = DevServer::start();
    let root = dev.root_token.clone();
    let w = worker(&dev.addr, &root);
    assert_eq!(
        call(
            dev.port,
            "POST",
            "/v1/sys/auth/userpass",
            &root,
            "{\"type\":\"userpass\"}"
        )
        .0,
        204
    );
    assert_eq!(
        call(
            dev.port,
            "POST",
            "/v1/auth/userpass/users/bob",
            &root,
            "{\"password\":\"pw-bob-1\",\"token_ttl\":\"1h\"}"
        )
        .0,
        204
    );
    let mut tokens = Vec::new();
    for _ in 0..3 {
        let (code, v) = call(
            dev.port,
            "POST",
            "/v1/auth/userpass/login/bob",
            "",
            "{\"password\":\"pw-bob-1\"}",
        );
        assert_eq!(code, 200, "{v}");
        tokens.push(
            v["auth"]["client_token"]
                .as_str()
                .expect("token")
                .to_string(),
        );
    }
    let s = spec(
        &dev.addr,
        Op::LeaseRevokePrefix,
        vec![("prefix", text("auth/userpass/login/bob"))],
    );
    let plan = plan_of(&w, s).await;
    assert_eq!(
        plan.summary,
        "revoke 3 leases below auth/userpass/login/bob/"
    );
    assert_eq!(
        plan.cli,
        ["bao lease revoke -prefix auth/userpass/login/bob/"]
    );
    assert_eq!(
        risk_of(&plan),
        Risk::Typed("revoke 3 leases at auth/userpass/login/bob/".into())
    );
    perform(&w, &plan).await;
    for t in &tokens {
        assert_eq!(
            call(dev.port, "GET", "/v1/auth/token/lookup-self", t, "").0,
            403
        );
    }
    let s = spec(
        &dev.addr,
        Op::LeaseRevokePrefix,
        vec![("prefix", text("auth/userpass/login/bob/"))],
    );
    let plan = plan_of(&w, s).await;
    assert!(matches!(plan.action, PlannedAction::Nothing(_)), "{plan:?}");
    let empty = spec(
        &dev.addr,
        Op::LeaseRevokePrefix,
        vec![("prefix", text("/"))],
    );
    assert!(failure_of(&w, empty).await.contains("empty prefix"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_revoke_accessor_looks_up_names_and_revokes_a_batch() {
    let dev = DevServer::start();
    let root = dev.root_token.clone();
    let w = worker(&dev.addr, &root);
    let (_, a1) = create_token(
        dev.port,
        &root,
        r#"{"display_name":"leaked-one","ttl":"1h"}"#,
    );
    let (_, a2) = create_token(
        dev.port,
        &root,
        r#"{"display_name":"leaked-two","ttl":"1h"}"#,
    );
    let (_, keep) = create_token(
        dev.port,
        &root,
        r#"{"display_name":"bystander","ttl":"1h"}"#,
    );
    let unknown = "NoSuchAccessor0000000000";
    let s = spec(
        &dev.addr,
        Op::TokenRevokeAccessor,
        vec![(
            "accessors",
            ArgValue::List(vec![a1.clone(), a2.clone(), unknown.into()]),
        )],
    );
    let plan = plan_of(&w, s).await;
    assert_eq!(plan.summary, "revoke 2 tokens");
    assert!(
        plan.details
            .iter()
            .any(|d| d.contains(unknown) && d.contains("left out")),
        "{:?}",
        plan.details
    );
    assert!(
        plan.details.iter().any(|d| d.contains("token-leaked-one")),
        "{:?}",
        plan.details
    );
    assert_eq!(
        plan.cli,
        [
            format!("bao token revoke -accessor {a1}"),
            format!("bao token revoke -accessor {a2}")
        ]
    );
    assert_eq!(risk_of(&plan), Risk::Typed("revoke 2 tokens".into()));
    perform(&w, &plan).await;
    assert!(!alive(dev.port, &root, &a1) && !alive(dev.port, &root, &a2));
    assert!(alive(dev.port, &root, &keep));

    // The console's own token is flagged, never revoked silently.
    let (_, me) = call(dev.port, "GET", "/v1/auth/token/lookup-self", &root, "");
    let own = me["data"]["accessor"]
        .as_str()
        .expect("accessor")
        .to_string();
    let s = spec(
        &dev.addr,
        Op::TokenRevokeAccessor,
        vec![("accessors", text(&own))],
    );
    let plan = plan_of(&w, s).await;
    assert_eq!(risk_of(&plan), Risk::Typed("revoke my own token".into()));
    assert!(matches!(
        write_of(&plan).mutations(),
        [Mutation::Token(TokenMutation::RevokeAccessor {
            own: true,
            ..
        })]
    ));
    // Every accessor unknown: nothing to do.
    let s = spec(
        &dev.addr,
        Op::TokenRevokeAccessor,
        vec![("accessors", text(unknown))],
    );
    assert!(matches!(
        plan_of(&w, s).await.action,
        PlannedAction::Nothing(_)
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_revoke_matching_by_filter() {
    let dev = DevServer::start();
    let root = dev.root_token.clone();
    let w = worker(&dev.addr, &root);
    let (_, c1) = create_token(
        dev.port,
        &root,
        r#"{"display_name":"ci-deploy","ttl":"1h"}"#,
    );
    let (_, c2) = create_token(dev.port, &root, r#"{"display_name":"ci-build","ttl":"1h"}"#);
    let (_, keep) = create_token(dev.port, &root, r#"{"display_name":"ops","ttl":"1h"}"#);
    let s = spec(
        &dev.addr,
        Op::TokenRevokeMatching,
        vec![("filter", text("name=token-ci-*"))],
    );
    let plan = plan_of(&w, s).await;
    assert_eq!(plan.summary, "revoke 2 tokens matching name=token-ci-*");
    assert_eq!(risk_of(&plan), Risk::Typed("revoke 2 tokens".into()));
    perform(&w, &plan).await;
    assert!(!alive(dev.port, &root, &c1) && !alive(dev.port, &root, &c2));
    assert!(alive(dev.port, &root, &keep));

    let both = spec(
        &dev.addr,
        Op::TokenRevokeMatching,
        vec![
            ("filter", text("name=x")),
            ("audit_accessors", ArgValue::List(vec![])),
        ],
    );
    assert!(failure_of(&w, both).await.contains("exactly one"));
    let empty = spec(
        &dev.addr,
        Op::TokenRevokeMatching,
        vec![("filter", text(" "))],
    );
    assert!(failure_of(&w, empty).await.contains("give one of"));
    let bad = spec(
        &dev.addr,
        Op::TokenRevokeMatching,
        vec![("filter", text("colour=red"))],
    );
    assert!(
        failure_of(&w, bad)
            .await
            .starts_with("token.revoke_matching: filter:")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transit_rotate_key_adds_a_version() {
    let dev = DevServer::start();
    let root = dev.root_token.clone();
    let w = worker(&dev.addr, &root);
    assert_eq!(
        call(
            dev.port,
            "POST",
            "/v1/sys/mounts/transit",
            &root,
            "{\"type\":\"transit\"}"
        )
        .0,
        204
    );
    assert!(matches!(
        call(dev.port, "POST", "/v1/transit/keys/payments", &root, "{}").0,
        200 | 204
    ));
    let s = spec(
        &dev.addr,
        Op::TransitRotateKey,
        vec![("mount", text("transit")), ("key", text("payments"))],
    );
    let plan = plan_of(&w, s).await;
    assert!(
        plan.details[0].contains("version 1 → 2"),
        "{:?}",
        plan.details
    );
    assert_eq!(plan.cli, ["bao write -f transit/keys/payments/rotate"]);
    assert_eq!(risk_of(&plan), Risk::Confirm);
    assert_eq!(perform(&w, &plan).await, [WriteResult::Version(2)]);
    let (_, k) = call(dev.port, "GET", "/v1/transit/keys/payments", &root, "");
    assert_eq!(k["data"]["latest_version"], 2);
    let s = spec(
        &dev.addr,
        Op::TransitRotateKey,
        vec![("mount", text("transit")), ("key", text("nope"))],
    );
    assert_eq!(
        failure_of(&w, s).await,
        "transit.rotate_key: there is no transit key transit/keys/nope"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sys_seal_seals_the_configured_nodes() {
    let dev = DevServer::start();
    let w = worker(&dev.addr, &dev.root_token);
    let plan = plan_of(&w, spec(&dev.addr, Op::SysSeal, vec![])).await;
    let Risk::Typed(phrase) = risk_of(&plan) else {
        panic!("sealing is typed: {plan:?}");
    };
    assert!(phrase.starts_with("seal cluster "), "{phrase}");
    assert_eq!(
        plan.cli,
        [format!("BAO_ADDR={} bao operator seal", dev.addr)]
    );
    perform(&w, &plan).await;
    let (_, h) = call(dev.port, "GET", "/v1/sys/seal-status", &dev.root_token, "");
    assert_eq!(h["sealed"], true);
    let e = failure_of(&w, spec(&dev.addr, Op::SysSeal, vec![])).await;
    assert!(e.contains("no configured node is unsealed"), "{e}");
}

fn audit_hmac(port: u16, root: &str, input: &str) -> String {
    let body = format!("{{\"input\":\"{input}\"}}");
    let (code, v) = call(port, "POST", "/v1/sys/audit-hash/file", root, &body);
    assert_eq!(code, 200, "{v}");
    v["data"]["hash"]
        .as_str()
        .or(v["hash"].as_str())
        .expect("a hash")
        .to_string()
}

fn accessor_of(port: u16, token: &str) -> String {
    let (code, v) = call(port, "GET", "/v1/auth/token/lookup-self", token, "");
    assert_eq!(code, 200, "{v}");
    v["data"]["accessor"]
        .as_str()
        .expect("accessor")
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn audit_search_finds_the_readers_and_revoke_matching_revokes_them() {
    use common::audit_traffic::{AuditTraffic, PAYMENTS_VALUE, READER_READS};
    use runbook_ops_support::perform_write;
    use strongroom::write_gate::Write;

    let t = AuditTraffic::start();
    let (port, root) = (t.server.port, t.server.root_token.clone());
    let w = worker(&t.server.addr, &root);
    let log = t.log_path().to_string_lossy().into_owned();
    let files = || ("files", ArgValue::List(vec![log.clone()]));

    // The dev server's device logs to a relative path: not found here, and the step says so.
    let e = failure_of(
        &w,
        spec(
            &t.server.addr,
            Op::AuditSearch,
            vec![("path", text("secret/apps/payments"))],
        ),
    )
    .await;
    assert!(e.starts_with("audit.search: no audit log file"), "{e}");

    let s = spec(
        &t.server.addr,
        Op::AuditSearch,
        vec![("path", text("secret/apps/payments")), files()],
    );
    let plan = plan_of(&w, s).await;
    assert!(!format!("{plan:?}").contains(PAYMENTS_VALUE));
    let PlannedAction::Result(found) = &plan.action else {
        panic!("a result: {plan:?}");
    };
    let reader = audit_hmac(port, &root, &t.reader_accessor);
    let alice = audit_hmac(port, &root, &accessor_of(port, &t.alice_token));
    let own = audit_hmac(port, &root, &accessor_of(port, &root));
    let denied = audit_hmac(port, &root, &t.denied_accessor);
    let long_ttl = audit_hmac(port, &root, &t.long_ttl_accessor);
    let mut want = vec![reader.clone(), alice.clone(), own.clone()];
    want.sort();
    assert_eq!(found.output, want, "{:?}", found.details);
    assert!(!found.output.contains(&denied) && !found.output.contains(&long_ttl));
    assert!(found.summary.contains("by 4 tokens"), "{}", found.summary);
    assert!(
        found
            .details
            .iter()
            .any(|d| d.starts_with("token-reader · hmac-sha256:")),
        "{:?}",
        found.details
    );
    assert!(
        found.details.iter().any(|d| d.contains("all denied")),
        "{:?}",
        found.details
    );
    assert!(
        plan.cli[0].starts_with("strongroom audit search "),
        "{:?}",
        plan.cli
    );
    assert!(
        plan.cli[0].contains("--path secret/data/apps/payments"),
        "{:?}",
        plan.cli
    );

    // By a real accessor: the reader's requests (at least its reads of the secret), and the
    // request that created it (root's `auth/token/create`, whose answer holds the accessor).
    let s = spec(
        &t.server.addr,
        Op::AuditSearch,
        vec![("accessor", text(&t.reader_accessor)), files()],
    );
    let plan = plan_of(&w, s).await;
    let PlannedAction::Result(by_reader) = &plan.action else {
        panic!("a result");
    };
    assert!(
        by_reader.output.contains(&reader),
        "{:?}",
        by_reader.details
    );
    assert!(by_reader.output.len() <= 2, "{:?}", by_reader.details);
    let n: usize = by_reader
        .summary
        .split(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .expect("a count");
    assert!(n >= READER_READS, "{}", by_reader.summary);
    // Since a time after the traffic: nothing.
    let s = spec(
        &t.server.addr,
        Op::AuditSearch,
        vec![("since", text("2200-01-01T00:00:00Z")), files()],
    );
    let plan = plan_of(&w, s).await;
    let PlannedAction::Result(none) = &plan.action else {
        panic!("a result");
    };
    assert!(
        none.output.is_empty()
            && none
                .summary
                .starts_with("0 requests by 0 tokens since 2200"),
        "{}",
        none.summary
    );

    // Revoke what the search found: the console's own token is flagged, the rest revoked.
    let mut hmacs = found.output.clone();
    hmacs.push(
        "hmac-sha256:0000000000000000000000000000000000000000000000000000000000000000".into(),
    );
    let s = spec(
        &t.server.addr,
        Op::TokenRevokeMatching,
        vec![("audit_accessors", ArgValue::List(hmacs))],
    );
    let plan = plan_of(&w, s).await;
    assert_eq!(plan.summary, "revoke 3 tokens found in the audit log");
    assert!(
        plan.details
            .iter()
            .any(|d| d == "1 HMAC'd accessor matched no live token (expired or revoked already)"),
        "{:?}",
        plan.details
    );
    assert_eq!(risk_of(&plan), Risk::Typed("revoke 3 tokens".into()));
    let ms = write_of(&plan).mutations();
    let own_flags: Vec<bool> = ms
        .iter()
        .map(|m| {
            matches!(
                m,
                Mutation::Token(TokenMutation::RevokeAccessor { own: true, .. })
            )
        })
        .collect();
    assert_eq!(own_flags.iter().filter(|o| **o).count(), 1, "{ms:?}");
    let others: Vec<Mutation> = ms
        .iter()
        .filter(|m| {
            !matches!(
                m,
                Mutation::Token(TokenMutation::RevokeAccessor { own: true, .. })
            )
        })
        .cloned()
        .collect();
    perform_write(&w, &Write::Batch(others)).await;
    assert!(
        !alive(port, &root, &t.reader_accessor),
        "the reader is revoked"
    );
    assert_eq!(
        call(
            port,
            "GET",
            "/v1/auth/token/lookup-self",
            &t.alice_token,
            ""
        )
        .0,
        403
    );
    assert!(
        alive(port, &root, &t.denied_accessor),
        "a denied token stays"
    );
    assert!(
        alive(port, &root, &t.long_ttl_accessor),
        "a bystander stays"
    );
    assert_eq!(
        call(port, "GET", "/v1/auth/token/lookup-self", &root, "").0,
        200
    );
}
