//! `strongroom audit search <files…> [filters] [--format plain|json] [--follow] [--limit N]`:
//! the records (request and response paired by request id) the filters match, oldest first,
//! merged by time across the logs of several nodes (files grouped with
//! `audit::reader::group_logs`).
//!
//! - `plain`: one tab-separated line per record: time, type, operation, path, identity, remote
//!   address, status (`ok`, `denied`, or `error: …`).
//! - `json`: one object per record per line: `{"node","time","request":{…},"response":{…}}`
//!   with the fields of each side (HMAC'd values as logged).
//!
//! Every string from a log is sanitised. `--value-stdin` reads a value (never echoed or
//! printed), hashes it with `sys/audit-hash/<device>` on the context's server and matches that
//! HMAC. The newest `--limit` records are printed when the scan ends; with `--follow`, new
//! records are printed as they arrive until Ctrl-C. Exit 0 when some matched, 3 when none, 1 on
//! error; a closed stdout (`| head`) ends quietly.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::collections::VecDeque;
use std::io::{self, Read, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crate::audit::filter::PathMatch;
use crate::audit::reader::group_logs;
use crate::audit::scan::scan_records;
use crate::audit::when::parse_when;
use crate::audit::{AuditFilter, AuditRecord, NodeLog, ScanSpec};
use crate::cli::{AuditAction, AuditFilterArgs, AuditFormat};
use crate::config::ConnectionProfile;
use crate::sanitize::sanitize;
use crate::vault::models::wrapping::SecretText;
use crate::vault::{ClientSettings, VaultClient};

use super::audit_search_fmt::{json_line, plain_line};

pub async fn run<E: std::fmt::Display>(
    profile: Result<ConnectionProfile, E>,
    action: AuditAction,
) -> i32 {
    let AuditAction::Search {
        files,
        filter,
        format,
        follow,
        limit,
    } = action
    else {
        return 1;
    };
    let mut f = match build_filter(&filter, now_ns()) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("strongroom: audit search: {e}");
            return 1;
        }
    };
    if filter.value_stdin {
        match hash_stdin(profile, &filter.device).await {
            Ok(h) => f.hmacs.push(h),
            Err(e) => {
                eprintln!("strongroom: audit search: {}", sanitize(&e));
                return 1;
            }
        }
    }
    let spec = ScanSpec {
        logs: group_logs(&files),
        filter: f,
        follow,
        limit,
    };
    let stop = Arc::new(AtomicBool::new(false));
    let on_signal = Arc::clone(&stop);
    let signal = tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            on_signal.store(true, Ordering::Relaxed);
        }
    });
    let code = tokio::task::spawn_blocking(move || search(&spec, format, &stop))
        .await
        .unwrap_or(1);
    signal.abort();
    code
}

fn now_ns() -> i64 {
    chrono::Utc::now().timestamp_nanos_opt().unwrap_or(i64::MAX)
}

/// The filter of the command's arguments (without `--value-stdin`).
pub fn build_filter(a: &AuditFilterArgs, now: i64) -> Result<AuditFilter, String> {
    let time = |s: &Option<String>| {
        s.as_deref()
            .map(|s| parse_when(s, now))
            .transpose()
            .map_err(|e| e.to_string())
    };
    Ok(AuditFilter {
        since: time(&a.since)?,
        until: time(&a.until)?,
        path: a.path.as_deref().map(PathMatch::parse),
        operations: a.operations.clone(),
        identity: a.identity.clone(),
        remote: a.remote.clone(),
        errors_only: a.errors,
        denied_only: a.denied,
        text: a.text.clone(),
        hmacs: a.hmac.clone(),
    })
}

/// Read the value from stdin and ask the server for its HMAC.
async fn hash_stdin<E: std::fmt::Display>(
    profile: Result<ConnectionProfile, E>,
    device: &str,
) -> Result<String, String> {
    let profile = profile.map_err(|e| format!("--value-stdin needs a server: {e}"))?;
    let addr = profile
        .addrs
        .first()
        .ok_or("--value-stdin needs a server: no address configured")?;
    let mut raw = String::new();
    io::stdin()
        .read_to_string(&mut raw)
        .map_err(|e| format!("cannot read the value from stdin: {e}"))?;
    let value = SecretText::from(raw.trim_end_matches(['\n', '\r']));
    zeroize::Zeroize::zeroize(&mut raw);
    let settings = ClientSettings {
        timeout: Duration::from_secs(30),
        ..ClientSettings::from_profile(&profile)
    };
    let http = VaultClient::build_http(&settings).map_err(|e| e.to_string())?;
    let client = VaultClient::new(http, addr, Arc::new(settings));
    client
        .audit_hash(device, &value)
        .await
        .map_err(|e| format!("sys/audit-hash/{device}: {e}"))
}

/// Scan and print; the exit code.
fn search(spec: &ScanSpec, format: AuditFormat, stop: &AtomicBool) -> i32 {
    let stdout = io::stdout();
    let mut out = io::BufWriter::with_capacity(1 << 16, stdout.lock());
    let mut newest: VecDeque<AuditRecord> = VecDeque::new();
    let mut matched = 0u64;
    let mut first_pass = true;
    let mut closed = false;
    let mut sink = |recs: Vec<AuditRecord>, p: &crate::audit::ScanProgress| -> bool {
        matched += recs.len() as u64;
        if first_pass {
            newest.extend(recs);
            while spec.limit > 0 && newest.len() > spec.limit {
                newest.pop_front();
            }
            if !p.following {
                return true;
            }
            first_pass = false;
            let held: Vec<AuditRecord> = newest.drain(..).collect();
            closed = print(&mut out, &spec.logs, &held, format).is_err();
            return !closed;
        }
        closed = print(&mut out, &spec.logs, &recs, format).is_err();
        !closed
    };
    let result = scan_records(spec, &|| stop.load(Ordering::Relaxed), &mut sink);
    if first_pass && !closed {
        let held: Vec<AuditRecord> = newest.drain(..).collect();
        closed = print(&mut out, &spec.logs, &held, format).is_err();
    }
    if !closed && out.flush().is_err() {
        closed = true;
    }
    match result {
        Err(e) => {
            eprintln!("strongroom: audit search: {}", sanitize(&e.to_string()));
            1
        }
        Ok(_) if closed => 0,
        Ok(p) => {
            eprintln!(
                "{matched} records matched · {} entries read · {} bad and {} blank lines{}",
                p.entries,
                p.bad,
                p.blank,
                if p.dropped > 0 {
                    format!(" · {} older matches not printed (--limit)", p.dropped)
                } else {
                    String::new()
                }
            );
            if matched > 0 { 0 } else { 3 }
        }
    }
}

fn print(
    out: &mut dyn Write,
    logs: &[NodeLog],
    recs: &[AuditRecord],
    format: AuditFormat,
) -> io::Result<()> {
    for r in recs {
        let line = match format {
            AuditFormat::Plain => plain_line(r),
            AuditFormat::Json => json_line(r, logs),
        };
        out.write_all(line.as_bytes())?;
        out.write_all(b"\n")?;
    }
    out.flush()
}
