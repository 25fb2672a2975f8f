//! The compliance report as a streaming aggregator: feed it every line ([`ReportAgg::visit`]),
//! merge the halves of a parallel scan ([`ReportAgg::merge`]), then [`ReportAgg::finish`] into a
//! [`Report`] that renders as Markdown, CSV or JSON (`report_md`, `report_csv`, serde).
//!
//! Per line the work is a few prefix checks and, for a request, two map look-ups keyed by
//! `&str` (identity, then path; a key is allocated once, when first seen): no allocation in the
//! common case. Failures, policy changes and seal operations are rare and kept as rows. Every
//! table has a cap; rows past it are counted and the report says so.
//!
//! Which line counts: the request line for the access inventory and KV secret activity (one per
//! request, with the caller's identity; unauthenticated requests — logins, bad tokens — are not
//! access), the response line for failures, policy changes and seal operations (the outcome is
//! there).

use std::collections::HashMap;

use super::entry::EntryKind;
use super::entry_ref::EntryRef;
use super::evidence::{identity_label, max_opt, min_opt};
pub use super::report_model::{
    AccessRow, EventRow, FailedRow, Report, ReportOptions, SecretRow, Totals, Truncated,
};

/// Caps of the tables (rows past them are counted in [`Truncated`]).
pub const MAX_ACCESS: usize = 100_000;
pub const MAX_EVENTS: usize = 10_000;
pub const MAX_SECRETS: usize = 100_000;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Counts {
    pub reads: u64,
    pub writes: u64,
    pub first: Option<i64>,
    pub last: Option<i64>,
}

/// A KV secret's activity: keyed by its API path, `mount_len` bytes of mount and `cut` bytes
/// of `data/` after it (to name it `secret/apps/x` in the report).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct SecretSeen {
    pub mount_len: u16,
    pub cut: u8,
    pub last_access: Option<i64>,
    pub last_write: Option<i64>,
}

/// A failure, a policy change or a seal operation (raw strings; sanitised in `finish`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct RawEvent {
    pub time: Option<i64>,
    pub identity: Box<str>,
    pub path: Box<str>,
    pub operation: Box<str>,
    pub address: Box<str>,
    pub error: Option<Box<str>>,
}

impl RawEvent {
    fn of(e: &EntryRef<'_>) -> Self {
        RawEvent {
            time: e.time,
            identity: identity_label(&e.display_name).into(),
            path: (*e.path).into(),
            operation: (*e.operation).into(),
            address: (*e.remote_address).into(),
            error: e.error.as_deref().map(Into::into),
        }
    }
}

#[derive(Debug, Default)]
pub struct ReportAgg {
    pub(super) access: HashMap<Box<str>, HashMap<Box<str>, Counts>>,
    pub(super) access_rows: usize,
    pub(super) failed: Vec<RawEvent>,
    pub(super) policy: Vec<RawEvent>,
    pub(super) seal: Vec<RawEvent>,
    pub(super) secrets: HashMap<Box<str>, SecretSeen>,
    pub(super) totals: Totals,
    pub(super) truncated: Truncated,
    pub(super) first: Option<i64>,
    pub(super) last: Option<i64>,
}

fn is_read(op: &str) -> bool {
    matches!(op, "read" | "list" | "scan")
}

fn is_write(op: &str) -> bool {
    matches!(op, "create" | "update" | "delete" | "patch")
}

/// `sys/policy/<n>`, `sys/policies/acl/<n>` (also egp/rgp): the policy's name.
pub(super) fn policy_name(path: &str) -> Option<&str> {
    path.strip_prefix("sys/policy/")
        .or_else(|| path.strip_prefix("sys/policies/acl/"))
        .or_else(|| path.strip_prefix("sys/policies/egp/"))
        .or_else(|| path.strip_prefix("sys/policies/rgp/"))
        .filter(|n| !n.is_empty())
}

/// Seal, unseal, step-down, root generation, rekey and key rotation paths.
pub(super) fn is_seal_path(path: &str) -> bool {
    const EXACT: [&str; 5] = [
        "sys/seal",
        "sys/unseal",
        "sys/step-down",
        "sys/init",
        "sys/rotate",
    ];
    const PREFIX: [&str; 5] = [
        "sys/generate-root",
        "sys/rekey",
        "sys/rotate/",
        "sys/storage/raft/snapshot-force",
        "sys/generate-recovery-token",
    ];
    EXACT.contains(&path) || PREFIX.iter().any(|p| path.starts_with(p))
}

/// A KV secret behind an API path: `(mount_len, cut)` (see [`SecretSeen`]), `None` for the
/// metadata, delete, undelete, destroy, subkeys and config endpoints of KV v2.
fn kv_secret(e: &EntryRef<'_>) -> Option<(u16, u8)> {
    if !(e.mount_type == "kv" || e.mount_type == "generic") {
        return None;
    }
    let mount_len = u16::try_from(e.mount_point.len()).ok()?;
    let rest = e.path.strip_prefix(e.mount_point.as_ref())?;
    if rest.is_empty() {
        return None;
    }
    if let Some(p) = rest.strip_prefix("data/") {
        return (!p.is_empty()).then_some((mount_len, 5));
    }
    const V2: [&str; 6] = [
        "metadata/",
        "delete/",
        "undelete/",
        "destroy/",
        "subkeys/",
        "config",
    ];
    (!V2.iter().any(|p| rest.starts_with(p))).then_some((mount_len, 0))
}

impl ReportAgg {
    pub fn new() -> Self {
        ReportAgg::default()
    }

    /// Lines that were blank or not audit entries (counted by the reader).
    pub fn add_bad_lines(&mut self, blank: u64, bad: u64) {
        self.totals.blank_lines += blank;
        self.totals.bad_lines += bad;
    }

    pub fn visit(&mut self, e: &EntryRef<'_>) {
        self.totals.entries += 1;
        self.first = min_opt(self.first, e.time);
        self.last = max_opt(self.last, e.time);
        match e.kind {
            Some(EntryKind::Request) => {
                self.totals.requests += 1;
                self.visit_request(e);
            }
            Some(EntryKind::Response) => {
                self.totals.responses += 1;
                self.visit_response(e);
            }
            None => {}
        }
    }

    fn visit_request(&mut self, e: &EntryRef<'_>) {
        if e.display_name.is_empty() || e.path.is_empty() || e.is_denied() {
            return;
        }
        let (read, write) = (is_read(&e.operation), is_write(&e.operation));
        if !(read || write) {
            return;
        }
        if !self.access.contains_key(e.display_name.as_ref()) {
            self.access.insert((*e.display_name).into(), HashMap::new());
        }
        if let Some(by_path) = self.access.get_mut(e.display_name.as_ref()) {
            if !by_path.contains_key(e.path.as_ref()) {
                if self.access_rows >= MAX_ACCESS {
                    self.truncated.access += 1;
                } else {
                    self.access_rows += 1;
                    by_path.insert((*e.path).into(), Counts::default());
                }
            }
            if let Some(c) = by_path.get_mut(e.path.as_ref()) {
                c.reads += u64::from(read);
                c.writes += u64::from(write);
                c.first = min_opt(c.first, e.time);
                c.last = max_opt(c.last, e.time);
            }
        }
        if e.operation == "list" || e.operation == "scan" {
            return;
        }
        if let Some((mount_len, cut)) = kv_secret(e) {
            if !self.secrets.contains_key(e.path.as_ref()) {
                if self.secrets.len() >= MAX_SECRETS {
                    self.truncated.secrets += 1;
                    return;
                }
                let seen = SecretSeen {
                    mount_len,
                    cut,
                    ..SecretSeen::default()
                };
                self.secrets.insert((*e.path).into(), seen);
            }
            if let Some(s) = self.secrets.get_mut(e.path.as_ref()) {
                s.last_access = max_opt(s.last_access, e.time);
                if write {
                    s.last_write = max_opt(s.last_write, e.time);
                }
            }
        }
    }

    fn visit_response(&mut self, e: &EntryRef<'_>) {
        if e.is_error() {
            push_capped(&mut self.failed, e, &mut self.truncated.failed);
        }
        if !e.path.starts_with("sys/") {
            return;
        }
        if policy_name(&e.path).is_some() && is_write(&e.operation) {
            push_capped(&mut self.policy, e, &mut self.truncated.policy_changes);
        } else if is_seal_path(&e.path) {
            push_capped(&mut self.seal, e, &mut self.truncated.seal_operations);
        }
    }

    /// Add the state of another aggregator (the other half of a parallel scan).
    pub fn merge(&mut self, other: ReportAgg) {
        for (who, by_path) in other.access {
            let mine = self.access.entry(who).or_default();
            for (path, c) in by_path {
                if let Some(m) = mine.get_mut(&path) {
                    m.reads += c.reads;
                    m.writes += c.writes;
                    m.first = min_opt(m.first, c.first);
                    m.last = max_opt(m.last, c.last);
                } else if self.access_rows >= MAX_ACCESS {
                    self.truncated.access += 1;
                } else {
                    self.access_rows += 1;
                    mine.insert(path, c);
                }
            }
        }
        for (list, from, dropped) in [
            (&mut self.failed, other.failed, &mut self.truncated.failed),
            (
                &mut self.policy,
                other.policy,
                &mut self.truncated.policy_changes,
            ),
            (
                &mut self.seal,
                other.seal,
                &mut self.truncated.seal_operations,
            ),
        ] {
            for ev in from {
                if list.len() < MAX_EVENTS {
                    list.push(ev);
                } else {
                    *dropped += 1;
                }
            }
        }
        for (path, s) in other.secrets {
            if let Some(m) = self.secrets.get_mut(&path) {
                m.last_access = max_opt(m.last_access, s.last_access);
                m.last_write = max_opt(m.last_write, s.last_write);
            } else if self.secrets.len() >= MAX_SECRETS {
                self.truncated.secrets += 1;
            } else {
                self.secrets.insert(path, s);
            }
        }
        self.totals.add(&other.totals);
        self.truncated.add(&other.truncated);
        self.first = min_opt(self.first, other.first);
        self.last = max_opt(self.last, other.last);
    }

    /// The report (sorted, sanitised).
    pub fn finish(self, opts: &ReportOptions) -> Report {
        super::report_model::build(self, opts)
    }
}

fn push_capped(list: &mut Vec<RawEvent>, e: &EntryRef<'_>, dropped: &mut u64) {
    if list.len() < MAX_EVENTS {
        list.push(RawEvent::of(e));
    } else {
        *dropped += 1;
    }
}

#[cfg(test)]
#[path = "report_tests.rs"]
mod tests;
