//! Runbook token steps against a real `bao server -dev`: `token.revoke_accessor` (names looked
//! up, unknown accessors left out, the console's own token flagged), `token.revoke_matching` by
//! the tokens filter and by the HMAC'd accessors an `audit.search` found in a real audit log
//! (`common::audit_traffic`): the tokens that read the payments secret are revoked, the others
//! stay. The canary value never appears in a plan.
#![allow(clippy::expect_used)]

mod common;
mod runbook_ops_support;

use common::dev::DevServer;
use runbook_ops_support::{
    alive, call, create_token, failure_of, perform, plan_of, risk_of, spec, text, worker, write_of,
};
use strongroom::runbook::PlannedAction;
use strongroom::runbook::action::ArgValue;
use strongroom::runbook::model::Op;
use strongroom::write_gate::token::TokenMutation;
use strongroom::write_gate::{Mutation, Risk};

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

    // Revoke what the search found: the console's own token is left out (and said so), the
    // others are revoked; an HMAC of no live token is reported.
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
    assert_eq!(plan.summary, "revoke 2 tokens found in the audit log");
    assert!(
        plan.details
            .iter()
            .any(|d| d == "1 HMAC'd accessor matched no live token (expired or revoked already)"),
        "{:?}",
        plan.details
    );
    assert!(
        plan.details
            .iter()
            .any(|d| d.starts_with("the console's own token matched too")),
        "{:?}",
        plan.details
    );
    assert_eq!(risk_of(&plan), Risk::Typed("revoke 2 tokens".into()));
    assert!(write_of(&plan).mutations().iter().all(|m| matches!(
        m,
        Mutation::Token(TokenMutation::RevokeAccessor { own: false, .. })
    )));
    perform(&w, &plan).await;
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
