//! The compliance report as one CSV file: every row starts with its `section` (`summary`,
//! `access`, `failed`, `policy_change`, `seal_operation`, `unused_secret`, `rotation_overdue`,
//! `note`) and the columns are the union of the sections' (empty where a section has none):
//! `section,time,identity,path,subject,operation,address,reads,writes,first,last,outcome`.
//! Filter on the first column to get one table. Secrets (`unused_secret`, `rotation_overdue`)
//! put their last access in `first` and their last write in `last`; `summary` puts the counters
//! in `outcome`; `note` its text in `outcome`. Fields are quoted when needed (RFC 4180), and a
//! field starting with `=`, `+`, `-` or `@` is prefixed with `'` (no formulas in spreadsheets).

use std::fmt::Write;

use super::report_model::{EventRow, Report, SecretRow};

pub const HEADER: &str =
    "section,time,identity,path,subject,operation,address,reads,writes,first,last,outcome";

pub fn field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) && s != "-" {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

#[derive(Default)]
struct Row<'a> {
    time: &'a str,
    identity: &'a str,
    path: &'a str,
    subject: &'a str,
    operation: &'a str,
    address: &'a str,
    reads: String,
    writes: String,
    first: &'a str,
    last: &'a str,
    outcome: &'a str,
}

fn line(out: &mut String, section: &str, r: Row<'_>) {
    let fields = [
        section,
        r.time,
        r.identity,
        r.path,
        r.subject,
        r.operation,
        r.address,
        &r.reads,
        &r.writes,
        r.first,
        r.last,
        r.outcome,
    ];
    let cells: Vec<String> = fields.iter().map(|f| field(f)).collect();
    let _ = writeln!(out, "{}", cells.join(","));
}

fn event(out: &mut String, section: &str, e: &EventRow) {
    line(
        out,
        section,
        Row {
            time: &e.time,
            identity: &e.identity,
            path: &e.path,
            subject: &e.subject,
            operation: &e.operation,
            address: &e.address,
            outcome: &e.outcome,
            ..Row::default()
        },
    );
}

fn secret(out: &mut String, section: &str, s: &SecretRow) {
    line(
        out,
        section,
        Row {
            path: &s.path,
            first: &s.last_access,
            last: &s.last_write,
            ..Row::default()
        },
    );
}

pub fn render(r: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{HEADER}");
    let t = &r.totals;
    let summary = format!(
        "entries={} requests={} responses={} blank={} bad={} unused_days={} rotation_days={}",
        t.entries,
        t.requests,
        t.responses,
        t.blank_lines,
        t.bad_lines,
        r.unused_days,
        r.rotation_days
    );
    line(
        &mut out,
        "summary",
        Row {
            first: &r.first_entry,
            last: &r.last_entry,
            outcome: &summary,
            ..Row::default()
        },
    );
    for a in &r.access {
        line(
            &mut out,
            "access",
            Row {
                identity: &a.identity,
                path: &a.path,
                reads: a.reads.to_string(),
                writes: a.writes.to_string(),
                first: &a.first,
                last: &a.last,
                ..Row::default()
            },
        );
    }
    for f in &r.failed {
        line(
            &mut out,
            "failed",
            Row {
                time: &f.time,
                identity: &f.identity,
                path: &f.path,
                operation: &f.operation,
                address: &f.address,
                outcome: &f.error,
                ..Row::default()
            },
        );
    }
    for e in &r.policy_changes {
        event(&mut out, "policy_change", e);
    }
    for e in &r.seal_operations {
        event(&mut out, "seal_operation", e);
    }
    // Secrets: `first` holds the last access, `last` the last write.
    for s in &r.unused_secrets {
        secret(&mut out, "unused_secret", s);
    }
    for s in &r.rotation_overdue {
        secret(&mut out, "rotation_overdue", s);
    }
    for n in &r.notes {
        line(
            &mut out,
            "note",
            Row {
                outcome: n,
                ..Row::default()
            },
        );
    }
    out
}
