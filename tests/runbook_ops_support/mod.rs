//! Shared by the runbook-ops live tests: a `PrepareSpec` from plain arguments, the prepare job
//! run through a real `Worker` (`vault::jobs::run`), the write performed by the worker, and
//! small HTTP helpers.
#![allow(dead_code, clippy::expect_used)]

use std::collections::BTreeMap;

use tokio_util::sync::CancellationToken;

use strongroom::jobs::{JobEvent, JobReport, JobSpec};
use strongroom::reply::{WriteOutcome, WriteResult};
use strongroom::runbook::action::ArgValue;
use strongroom::runbook::model::Op;
use strongroom::runbook::{ActionPlan, PlannedAction, PrepareSpec, ResolvedOp};
use strongroom::vault::VaultError;
use strongroom::vault::worker::Worker;
use strongroom::write_gate::{Risk, Write};

use crate::common;

pub fn worker(addr: &str, token: &str) -> Worker {
    let profile = common::profile_for(&[addr.to_string()], Some(token));
    Worker::new(&profile).expect("worker")
}

pub fn text(s: &str) -> ArgValue {
    ArgValue::Text(s.to_string())
}

pub fn spec(addr: &str, op: Op, args: Vec<(&str, ArgValue)>) -> PrepareSpec {
    PrepareSpec {
        addr: addr.to_string(),
        addrs: vec![addr.to_string()],
        op: ResolvedOp {
            op,
            args: args
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect::<BTreeMap<_, _>>(),
        },
    }
}

/// Run the prepare job as the worker runs it; the plan, or the job's typed error.
pub async fn prepare(worker: &Worker, spec: PrepareSpec) -> Result<ActionPlan, VaultError> {
    let cancel = CancellationToken::new();
    let mut events: Vec<JobEvent> = Vec::new();
    let last = strongroom::vault::jobs::run(
        worker,
        JobSpec::RunbookPrepare(Box::new(spec)),
        &cancel,
        &mut |e| events.push(e),
    )
    .await;
    match last {
        JobEvent::Done(_) => {}
        JobEvent::Failed(e) => return Err(e),
        other => panic!("the prepare job ended with {other:?}"),
    }
    let plans: Vec<ActionPlan> = events
        .into_iter()
        .filter_map(|e| match e {
            JobEvent::Report(r) => match *r {
                JobReport::RunbookPlan(p) => Some(p),
                _ => None,
            },
            _ => None,
        })
        .collect();
    assert_eq!(plans.len(), 1, "one plan per prepare job");
    Ok(plans.into_iter().next().expect("a plan"))
}

pub async fn plan_of(worker: &Worker, spec: PrepareSpec) -> ActionPlan {
    match prepare(worker, spec).await {
        Ok(p) => p,
        Err(e) => panic!("prepare failed: {e}"),
    }
}

pub async fn failure_of(worker: &Worker, spec: PrepareSpec) -> String {
    match prepare(worker, spec).await {
        Ok(p) => panic!("prepare should fail, planned {p:?}"),
        Err(e) => e.to_string(),
    }
}

pub fn write_of(plan: &ActionPlan) -> &Write {
    match &plan.action {
        PlannedAction::Write(w) => w,
        other => panic!("a write was planned, not {other:?}"),
    }
}

pub fn risk_of(plan: &ActionPlan) -> Risk {
    write_of(plan).spec().risk
}

/// Perform the plan's write through the worker; every item must succeed.
pub async fn perform(worker: &Worker, plan: &ActionPlan) -> Vec<WriteResult> {
    perform_write(worker, write_of(plan)).await
}

pub async fn perform_write(worker: &Worker, w: &Write) -> Vec<WriteResult> {
    let WriteOutcome { items, summary } = worker.write(w, &mut |_| {}).await;
    items
        .into_iter()
        .map(|i| match i.result {
            Ok(r) => r,
            Err(e) => panic!("{summary}: {} failed: {e}", i.item),
        })
        .collect()
}

/// An HTTP call to the dev server as `token`; the status and the JSON body.
pub fn call(
    port: u16,
    method: &str,
    path: &str,
    token: &str,
    body: &str,
) -> (u16, serde_json::Value) {
    let (code, b) = common::dev::http_request(port, method, path, Some(token), body)
        .expect("request to the dev server");
    (
        code,
        serde_json::from_str(&b).unwrap_or(serde_json::Value::Null),
    )
}

/// A new token (`auth/token/create` body); its value and accessor.
pub fn create_token(port: u16, root: &str, body: &str) -> (String, String) {
    let (code, v) = call(port, "POST", "/v1/auth/token/create", root, body);
    assert_eq!(code, 200, "token create: {v}");
    (
        v["auth"]["client_token"]
            .as_str()
            .expect("token")
            .to_string(),
        v["auth"]["accessor"]
            .as_str()
            .expect("accessor")
            .to_string(),
    )
}

/// Is the token behind this accessor still alive?
pub fn alive(port: u16, root: &str, accessor: &str) -> bool {
    let body = format!("{{\"accessor\":\"{accessor}\"}}");
    let (code, _) = call(port, "POST", "/v1/auth/token/lookup-accessor", root, &body);
    code == 200
}
