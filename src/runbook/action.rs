//! A `vault` step between the runner and the worker: the runner expands its arguments into a
//! [`ResolvedOp`]; the worker's prepare job (`JobSpec::RunbookPrepare`) looks up what it needs
//! (the newest KV version, how many leases are below a prefix, which tokens match) and answers
//! an [`ActionPlan`]: what will happen, in words and as the equivalent CLI, and the write that
//! does it (through the write gate). A read-only operation (`audit.search`) is performed by
//! the prepare job itself and its plan carries the result.

use std::collections::BTreeMap;

use super::model::Op;
use crate::vault::models::wrapping::SecretText;
use crate::write_gate::Write;

/// An argument after `{{var}}` expansion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArgValue {
    Text(String),
    /// Several items (an `input` of kind `list`, an `audit.search` output).
    List(Vec<String>),
    /// From a `secret` input: never journaled, never shown.
    Secret(SecretText),
}

impl ArgValue {
    /// The text of a plain argument (a list joined with ", "); `None` for a secret.
    pub fn text(&self) -> Option<String> {
        match self {
            ArgValue::Text(t) => Some(t.clone()),
            ArgValue::List(l) => Some(l.join(", ")),
            ArgValue::Secret(_) => None,
        }
    }

    /// The items of a list argument (a text one split on commas, spaces and new lines).
    pub fn items(&self) -> Vec<String> {
        match self {
            ArgValue::List(l) => l.clone(),
            ArgValue::Text(t) => split_list(t),
            ArgValue::Secret(_) => Vec::new(),
        }
    }
}

/// Items separated by commas, spaces or new lines; empty ones dropped.
pub fn split_list(s: &str) -> Vec<String> {
    s.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect()
}

/// An operation with its arguments expanded, ready for the worker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedOp {
    pub op: Op,
    pub args: BTreeMap<String, ArgValue>,
}

impl ResolvedOp {
    pub fn text(&self, name: &str) -> Option<String> {
        self.args
            .get(name)
            .and_then(ArgValue::text)
            .filter(|s| !s.is_empty())
    }

    pub fn items(&self, name: &str) -> Vec<String> {
        self.args.get(name).map(ArgValue::items).unwrap_or_default()
    }

    pub fn secret(&self, name: &str) -> Option<&SecretText> {
        match self.args.get(name) {
            Some(ArgValue::Secret(s)) => Some(s),
            _ => None,
        }
    }

    /// The arguments for the journal: plain ones as written, secrets as "(secret)".
    pub fn journal_args(&self) -> BTreeMap<String, String> {
        self.args
            .iter()
            .map(|(k, v)| (k.clone(), v.text().unwrap_or_else(|| "(secret)".into())))
            .collect()
    }
}

/// What the prepare job is asked: the operation and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrepareSpec {
    /// The active node (the write target).
    pub addr: String,
    /// Every node of the context (`sys.seal` seals them all; `audit.search` finds their files).
    pub addrs: Vec<String>,
    pub op: ResolvedOp,
}

/// The prepare job's answer (`JobReport::RunbookPlan`).
#[derive(Debug, Clone, PartialEq)]
pub struct ActionPlan {
    /// One line: "write a new version of secret/apps/x (field password)".
    pub summary: String,
    /// What will happen, line by line (sanitised): versions, counts, names.
    pub details: Vec<String>,
    /// The equivalent CLI commands (`bao kv patch …`), one per line; a secret shows as `…`.
    pub cli: Vec<String>,
    /// What to do: a write through the gate, or a read-only result already there.
    pub action: PlannedAction,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PlannedAction {
    /// Submit to the write gate; the outcome finishes the step.
    Write(Write),
    /// Nothing to do (no leases below the prefix, no token matched): the step is done with
    /// this note.
    Nothing(String),
    /// A read-only operation, already performed: its result.
    Result(ActionResult),
}

/// What a read-only operation found (`audit.search`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ActionResult {
    /// One line for the journal and the report: "14 requests by 2 tokens".
    pub summary: String,
    /// Detail lines (sanitised): one per token found, with its display name and count.
    pub details: Vec<String>,
    /// What the step's `out` variable is bound to (the HMAC'd accessors found).
    pub output: Vec<String>,
}
