//! Runbook `vault` steps against a real `bao server -dev`: each operation's prepare job runs
//! through a real `Worker`, its plan is checked (details, CLI, the write's risk), then the
//! write is performed by the worker and the server's state checked. Secret values (canaries)
//! never appear in a plan or its Debug output.
#![allow(clippy::expect_used)]

mod common;
mod runbook_ops_support;

use common::dev::DevServer;
use runbook_ops_support::{call, failure_of, perform, plan_of, risk_of, spec, text, worker};
use strongroom::reply::WriteResult;
use strongroom::runbook::PlannedAction;
use strongroom::runbook::action::ArgValue;
use strongroom::runbook::model::Op;
use strongroom::vault::models::wrapping::SecretText;
use strongroom::write_gate::Risk;

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
