//! The worker side of runbook `vault` steps: the prepare job that turns a [`ResolvedOp`] into
//! an [`ActionPlan`] (see `crate::runbook::action`). Each operation of the allow-list has its
//! own file: `runbook_kv` (new version, destroy versions), `runbook_tokens` (revoke by
//! accessor, revoke what matches), `runbook_audit` (search the audit logs), `runbook_infra`
//! (leases by prefix, database rotations, transit, seal). Preparing reads only what the plan
//! needs (metadata, counts, names; never a secret value); the write goes back in the plan, for
//! the runner screen to submit to the write gate. Every server string in a plan is sanitised.
//!
//! [`ResolvedOp`]: crate::runbook::ResolvedOp

use tokio_util::sync::CancellationToken;

use super::client::VaultClient;
use super::error::VaultError;
use super::worker::Worker;
use crate::jobs::{JobEvent, JobProgress, JobReport};
use crate::runbook::model::Op;
use crate::runbook::{ActionPlan, PrepareSpec};
use crate::sanitize::sanitize;

/// Prepare one step (the plan comes back as `JobReport::RunbookPlan`).
pub async fn prepare(
    worker: &Worker,
    spec: PrepareSpec,
    cancel: &CancellationToken,
    emit: &mut (dyn FnMut(JobEvent) + Send),
) -> JobEvent {
    let op = spec.op.op;
    let planned = match op {
        Op::KvWriteNewVersion => super::runbook_kv::write_new_version(worker, &spec).await,
        Op::KvDestroyVersions => super::runbook_kv::destroy_versions(worker, &spec).await,
        Op::LeaseRevokePrefix => super::runbook_infra::revoke_prefix(worker, &spec, cancel).await,
        Op::TokenRevokeAccessor => super::runbook_tokens::revoke_accessors(worker, &spec).await,
        Op::TokenRevokeMatching => {
            super::runbook_tokens::revoke_matching(worker, &spec, cancel).await
        }
        Op::DatabaseRotateRoot => super::runbook_infra::rotate_root(worker, &spec).await,
        Op::DatabaseRotateRole => super::runbook_infra::rotate_role(worker, &spec).await,
        Op::TransitRotateKey => super::runbook_infra::rotate_transit(worker, &spec).await,
        Op::AuditSearch => super::runbook_audit::search(worker, &spec, cancel).await,
        Op::SysSeal => super::runbook_infra::seal(worker, &spec).await,
    };
    match planned {
        Ok(plan) => {
            tracing::info!(op = op.name(), summary = %plan.summary, "runbook step planned");
            emit(JobEvent::Report(Box::new(JobReport::RunbookPlan(plan))));
            JobEvent::Done(JobProgress {
                done: 1,
                ..JobProgress::default()
            })
        }
        Err(e) => {
            tracing::warn!(op = op.name(), error = %e, "runbook step not planned");
            JobEvent::Failed(e)
        }
    }
}

/// A step that cannot be planned, its message led by the operation's name.
pub(crate) fn bad(op: Op, msg: impl std::fmt::Display) -> VaultError {
    VaultError::Runbook(format!("{}: {msg}", op.name()))
}

/// A server error in the words of the step: "kv.destroy_versions: reading secret/x: not found".
pub(crate) fn failed(op: Op, doing: &str, e: VaultError) -> VaultError {
    match e {
        VaultError::Runbook(_) => e,
        e => bad(op, format!("{doing}: {e}")),
    }
}

/// A required plain argument (trimmed, not empty).
pub(crate) fn required(spec: &PrepareSpec, name: &str) -> Result<String, VaultError> {
    spec.op
        .text(name)
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .ok_or_else(|| {
            bad(
                spec.op.op,
                format!("the argument \"{name}\" is missing or empty"),
            )
        })
}

/// An optional plain argument (trimmed; empty is absent).
pub(crate) fn optional(spec: &PrepareSpec, name: &str) -> Option<String> {
    spec.op
        .text(name)
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

/// The authenticated client of the write target.
pub(crate) fn client(worker: &Worker, spec: &PrepareSpec) -> Result<VaultClient, VaultError> {
    worker.client(&spec.addr)
}

/// A mount name as the `bao` CLI's `-mount=` takes it: `secret`.
pub(crate) fn mount_name(mount: &str) -> String {
    mount.trim_matches('/').to_string()
}

/// One word of a CLI line: sanitised, then single-quoted for a POSIX shell unless it is made
/// only of characters a shell leaves alone.
pub(crate) fn shell_word(s: &str) -> String {
    let s = sanitize(s);
    let plain = |c: char| c.is_ascii_alphanumeric() || "/_.,:=@%+-".contains(c);
    if !s.is_empty() && s.chars().all(plain) {
        return s.into_owned();
    }
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// A plan with sanitised summary and details (the CLI lines are built from [`shell_word`]s).
pub(crate) fn plan(
    summary: String,
    details: Vec<String>,
    cli: Vec<String>,
    action: crate::runbook::PlannedAction,
) -> ActionPlan {
    ActionPlan {
        summary: sanitize(&summary).into_owned(),
        details: details.iter().map(|d| sanitize(d).into_owned()).collect(),
        cli,
        action,
    }
}

/// "1 token", "2 tokens".
pub(crate) fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_words_are_quoted_and_sanitised() {
        assert_eq!(shell_word("apps/payments"), "apps/payments");
        assert_eq!(shell_word("-mount=secret"), "-mount=secret");
        assert_eq!(shell_word("a b"), "'a b'");
        assert_eq!(shell_word("it's"), r"'it'\''s'");
        assert_eq!(shell_word(""), "''");
        let w = shell_word("x\u{1b}[31m;rm -rf");
        assert!(!w.contains('\u{1b}'), "{w}");
        assert!(w.starts_with('\''), "{w}");
    }

    #[test]
    fn counts_and_mounts() {
        assert_eq!(count(1, "token"), "1 token");
        assert_eq!(count(3, "lease"), "3 leases");
        assert_eq!(mount_name("secret/"), "secret");
    }
}
