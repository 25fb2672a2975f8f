//! The compliance report as Markdown: a heading per section, tables with escaped cells.

use std::fmt::Write;

use super::report_model::{EventRow, Report, SecretRow};

/// A table cell: sanitised already; `|` and `\` escaped, line breaks impossible (the sanitiser
/// replaced them).
pub fn cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '|' => out.push_str("\\|"),
            '\\' => out.push_str("\\\\"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    if out.is_empty() { "-".to_string() } else { out }
}

fn table(out: &mut String, head: &[&str], rows: impl Iterator<Item = Vec<String>>) {
    let _ = writeln!(out, "| {} |", head.join(" | "));
    let _ = writeln!(out, "|{}", "---|".repeat(head.len()));
    let mut any = false;
    for r in rows {
        any = true;
        let cells: Vec<String> = r.iter().map(|c| cell(c)).collect();
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }
    if !any {
        let _ = writeln!(out, "| {} |", vec!["-"; head.len()].join(" | "));
    }
    out.push('\n');
}

fn truncated(out: &mut String, n: u64) {
    if n > 0 {
        let _ = writeln!(out, "_{n} more row(s) not kept (the table's cap)._\n");
    }
}

fn events(out: &mut String, rows: &[EventRow], with_subject: bool) {
    let head: &[&str] = if with_subject {
        &["time", "who", "policy", "operation", "address", "outcome"]
    } else {
        &["time", "who", "path", "operation", "address", "outcome"]
    };
    table(
        out,
        head,
        rows.iter().map(|r| {
            vec![
                r.time.clone(),
                r.identity.clone(),
                if with_subject {
                    r.subject.clone()
                } else {
                    r.path.clone()
                },
                r.operation.clone(),
                r.address.clone(),
                r.outcome.clone(),
            ]
        }),
    );
}

fn secrets(out: &mut String, rows: &[SecretRow]) {
    table(
        out,
        &["secret", "last access", "last write"],
        rows.iter()
            .map(|r| vec![r.path.clone(), r.last_access.clone(), r.last_write.clone()]),
    );
}

pub fn render(r: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Compliance report\n");
    let _ = writeln!(
        out,
        "- Window: {} to {} (entries from {} to {})",
        cell(&r.since),
        cell(&r.until),
        cell(&r.first_entry),
        cell(&r.last_entry)
    );
    let files: Vec<String> = r.files.iter().map(|f| cell(f)).collect();
    let _ = writeln!(out, "- Files: {}", files.join(", "));
    let t = &r.totals;
    let _ = writeln!(
        out,
        "- Entries: {} ({} requests, {} responses); {} blank and {} bad line(s) skipped\n",
        t.entries, t.requests, t.responses, t.blank_lines, t.bad_lines
    );
    let _ = writeln!(out, "## Access inventory\n");
    table(
        &mut out,
        &["identity", "path", "reads", "writes", "first", "last"],
        r.access.iter().map(|a| {
            vec![
                a.identity.clone(),
                a.path.clone(),
                a.reads.to_string(),
                a.writes.to_string(),
                a.first.clone(),
                a.last.clone(),
            ]
        }),
    );
    truncated(&mut out, r.truncated.access);
    let _ = writeln!(out, "## Failed access attempts\n");
    table(
        &mut out,
        &["time", "identity", "path", "operation", "address", "error"],
        r.failed.iter().map(|f| {
            vec![
                f.time.clone(),
                f.identity.clone(),
                f.path.clone(),
                f.operation.clone(),
                f.address.clone(),
                f.error.clone(),
            ]
        }),
    );
    truncated(&mut out, r.truncated.failed);
    let _ = writeln!(out, "## Policy changes\n");
    events(&mut out, &r.policy_changes, true);
    truncated(&mut out, r.truncated.policy_changes);
    let _ = writeln!(out, "## Seal and unseal operations\n");
    events(&mut out, &r.seal_operations, false);
    truncated(&mut out, r.truncated.seal_operations);
    let _ = writeln!(
        out,
        "## Secrets with no access in the last {} days\n",
        r.unused_days
    );
    secrets(&mut out, &r.unused_secrets);
    let _ = writeln!(
        out,
        "## Rotation overdue (last write over {} days before the end)\n",
        r.rotation_days
    );
    secrets(&mut out, &r.rotation_overdue);
    truncated(&mut out, r.truncated.secrets);
    let _ = writeln!(out, "## Notes\n");
    for n in &r.notes {
        let _ = writeln!(out, "- {}", cell(n));
    }
    out
}
