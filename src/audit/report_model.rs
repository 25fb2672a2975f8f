//! The compliance report's tables (stable JSON field names) and how the aggregated state
//! becomes them: sorted, every string sanitised, times as RFC 3339.

use serde::Serialize;

use super::evidence::{NS_PER_DAY, fmt_time};
use super::report::{RawEvent, ReportAgg, policy_name};
use crate::sanitize::sanitize;

/// What the report is asked: the window (as filtered by the reader) and the two ages.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportOptions {
    /// The requested window (unix ns), when given.
    pub since: Option<i64>,
    pub until: Option<i64>,
    pub unused_days: u32,
    pub rotation_days: u32,
    /// The files read (names only are shown).
    pub files: Vec<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    pub entries: u64,
    pub requests: u64,
    pub responses: u64,
    pub blank_lines: u64,
    pub bad_lines: u64,
}

impl Totals {
    pub fn add(&mut self, o: &Totals) {
        self.entries += o.entries;
        self.requests += o.requests;
        self.responses += o.responses;
        self.blank_lines += o.blank_lines;
        self.bad_lines += o.bad_lines;
    }
}

/// Rows left out because a table was full.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Truncated {
    pub access: u64,
    pub failed: u64,
    pub policy_changes: u64,
    pub seal_operations: u64,
    pub secrets: u64,
}

impl Truncated {
    pub fn add(&mut self, o: &Truncated) {
        self.access += o.access;
        self.failed += o.failed;
        self.policy_changes += o.policy_changes;
        self.seal_operations += o.seal_operations;
        self.secrets += o.secrets;
    }

    pub fn any(&self) -> bool {
        *self != Truncated::default()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccessRow {
    pub identity: String,
    pub path: String,
    pub reads: u64,
    pub writes: u64,
    pub first: String,
    pub last: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FailedRow {
    pub time: String,
    pub identity: String,
    pub path: String,
    pub operation: String,
    pub address: String,
    pub error: String,
}

/// A policy change or a seal operation. `subject` is the policy's name (empty for seal
/// operations); `outcome` is `ok` or the error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EventRow {
    pub time: String,
    pub identity: String,
    pub subject: String,
    pub operation: String,
    pub path: String,
    pub address: String,
    pub outcome: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SecretRow {
    pub path: String,
    pub last_access: String,
    pub last_write: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The requested window (`-` when open) and the times of the first and last entries read.
    pub since: String,
    pub until: String,
    pub first_entry: String,
    pub last_entry: String,
    pub files: Vec<String>,
    pub unused_days: u32,
    pub rotation_days: u32,
    pub totals: Totals,
    pub access: Vec<AccessRow>,
    pub failed: Vec<FailedRow>,
    pub policy_changes: Vec<EventRow>,
    pub seal_operations: Vec<EventRow>,
    pub unused_secrets: Vec<SecretRow>,
    pub rotation_overdue: Vec<SecretRow>,
    /// KV secrets read in the window but never written in it (their age is unknown here).
    pub secrets_without_write: u64,
    pub truncated: Truncated,
    pub notes: Vec<String>,
}

fn clean(s: &str) -> String {
    sanitize(s).into_owned()
}

/// An audit error without OpenBao's `1 error occurred:` wrapping, sanitised.
fn clean_error(e: &str) -> String {
    clean(&crate::vault::error::clean_error(e))
}

fn event_row(e: RawEvent, subject: &str) -> EventRow {
    EventRow {
        time: fmt_time(e.time),
        identity: clean(&e.identity),
        subject: clean(subject),
        operation: clean(&e.operation),
        path: clean(&e.path),
        address: clean(&e.address),
        outcome: e
            .error
            .as_deref()
            .map(clean_error)
            .unwrap_or_else(|| "ok".to_string()),
    }
}

fn by_time(v: &mut [RawEvent]) {
    v.sort_by(|a, b| a.time.cmp(&b.time).then(a.path.cmp(&b.path)));
}

pub(super) fn build(mut agg: ReportAgg, opts: &ReportOptions) -> Report {
    let mut access: Vec<AccessRow> = Vec::with_capacity(agg.access_rows);
    for (who, by_path) in &agg.access {
        for (path, c) in by_path {
            access.push(AccessRow {
                identity: clean(who),
                path: clean(path),
                reads: c.reads,
                writes: c.writes,
                first: fmt_time(c.first),
                last: fmt_time(c.last),
            });
        }
    }
    access.sort_by(|a, b| a.path.cmp(&b.path).then(a.identity.cmp(&b.identity)));
    by_time(&mut agg.failed);
    by_time(&mut agg.policy);
    by_time(&mut agg.seal);
    let failed = agg
        .failed
        .into_iter()
        .map(|e| FailedRow {
            time: fmt_time(e.time),
            identity: clean(&e.identity),
            path: clean(&e.path),
            operation: clean(&e.operation),
            address: clean(&e.address),
            error: e.error.as_deref().map(clean_error).unwrap_or_default(),
        })
        .collect();
    let policy_changes = agg
        .policy
        .into_iter()
        .map(|e| {
            let name = policy_name(&e.path).unwrap_or("").to_string();
            event_row(e, &name)
        })
        .collect();
    let seal_operations = agg.seal.into_iter().map(|e| event_row(e, "")).collect();
    // The window's end: the requested one, else the last entry.
    let end = opts.until.or(agg.last);
    let unused_cut = end.map(|e| e - i64::from(opts.unused_days) * NS_PER_DAY);
    let rotation_cut = end.map(|e| e - i64::from(opts.rotation_days) * NS_PER_DAY);
    let (mut unused, mut overdue, mut without_write) = (Vec::new(), Vec::new(), 0);
    for (path, s) in &agg.secrets {
        let mount = path.get(..usize::from(s.mount_len)).unwrap_or("");
        let rest = path
            .get(usize::from(s.mount_len) + usize::from(s.cut)..)
            .unwrap_or("");
        let row = || SecretRow {
            path: clean(&format!("{mount}{rest}")),
            last_access: fmt_time(s.last_access),
            last_write: fmt_time(s.last_write),
        };
        if let (Some(a), Some(cut)) = (s.last_access, unused_cut)
            && a < cut
        {
            unused.push(row());
        }
        match (s.last_write, rotation_cut) {
            (Some(w), Some(cut)) if w < cut => overdue.push(row()),
            (None, _) => without_write += 1,
            _ => {}
        }
    }
    unused.sort_by(|a, b| a.path.cmp(&b.path));
    overdue.sort_by(|a, b| a.path.cmp(&b.path));
    let mut notes = vec![
        "OpenBao does not audit sys/init, sys/seal-status, sys/seal, sys/step-down, sys/unseal, \
         sys/leader, sys/health, sys/rekey/* and raft bootstrap/join: those operations cannot \
         appear under seal and unseal operations; check the server logs for them."
            .to_string(),
        format!(
            "Unused secrets and rotation overdue only cover KV secrets seen in these logs: a \
             secret never read or written in the window is not listed, and {without_write} \
             secret(s) read but not written here have an unknown age (see :radar)."
        ),
    ];
    if agg.truncated.any() {
        notes.push(
            "Some tables are incomplete: rows past a table's cap were counted, not kept \
             (see truncated)."
                .to_string(),
        );
    }
    if agg.totals.bad_lines > 0 {
        notes.push(format!(
            "{} line(s) were not audit entries (a truncated last line, other text): skipped.",
            agg.totals.bad_lines
        ));
    }
    Report {
        since: fmt_time(opts.since),
        until: fmt_time(opts.until),
        first_entry: fmt_time(agg.first),
        last_entry: fmt_time(agg.last),
        files: opts.files.iter().map(|f| clean(f)).collect(),
        unused_days: opts.unused_days,
        rotation_days: opts.rotation_days,
        totals: agg.totals,
        access,
        failed,
        policy_changes,
        seal_operations,
        unused_secrets: unused,
        rotation_overdue: overdue,
        secrets_without_write: without_write,
        truncated: agg.truncated,
        notes,
    }
}
