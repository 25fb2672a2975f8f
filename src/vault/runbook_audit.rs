//! The runbook's `audit.search {path?, accessor?, since?, files?}`: read-only, performed while
//! preparing. The files are `files` (globs allowed), or else the local logs of the nodes' file
//! audit devices (found as `:audit` finds them). A real `accessor` becomes its HMAC through
//! `sys/audit-hash`; a KV v2 secret path (`secret/apps/x`) is matched as its data path
//! (`secret/data/apps/x`, exactly; a folder as a prefix), so the search finds who read or wrote
//! the value. The result: one line per distinct token (display name, HMAC'd accessor prefix,
//! count, first and last time) and, as the step's output, the distinct HMAC'd accessors.

use std::collections::BTreeMap;

use chrono::{DateTime, SecondsFormat, Utc};
use tokio_util::sync::CancellationToken;

use super::audit_area::{AuditReply, AuditRequest, expand};
use super::client::VaultClient;
use super::error::VaultError;
use super::models::wrapping::SecretText;
use super::runbook_ops::{bad, client, count, failed, optional, plan, shell_word};
use super::worker::Worker;
use crate::audit::filter::PathMatch;
use crate::audit::scan::scan_records;
use crate::audit::when::parse_when;
use crate::audit::{AuditFilter, AuditRecord, NodeLog, ScanSpec};
use crate::runbook::action::ActionResult;
use crate::runbook::model::Op;
use crate::runbook::{ActionPlan, PlannedAction, PrepareSpec};
use crate::sanitize::sanitize;

/// Distinct tokens kept at most (the rest are counted together).
pub const MAX_TOKENS: usize = 10_000;
/// Real accessors hashed at most for one search.
const MAX_ACCESSORS: usize = 100;
/// Detail lines listed before "and N more".
const LISTED: usize = 100;

/// The first `file` audit device (else the first device): whose HMACs the log holds.
pub(crate) async fn hash_device(op: Op, c: &VaultClient) -> Result<String, VaultError> {
    let devices = c
        .audit_devices()
        .await
        .map_err(|e| failed(op, "reading the audit devices (sys/audit)", e))?;
    devices
        .iter()
        .find(|d| d.kind == "file")
        .or_else(|| devices.first())
        .map(|d| d.path.clone())
        .ok_or_else(|| bad(op, "no audit device is enabled: there is no HMAC to match"))
}

/// "hmac-sha256:0a1b2c3d4e…" (enough to tell them apart).
pub fn hmac_prefix(h: &str) -> String {
    let h = sanitize(h);
    let n = "hmac-sha256:".len() + 10;
    if h.chars().count() <= n {
        return h.into_owned();
    }
    let mut s: String = h.chars().take(n).collect();
    s.push('…');
    s
}

/// What the search found of one token.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TokenUse {
    pub name: String,
    pub count: u64,
    /// Of `count`, the requests the server denied (the token never got the data).
    pub denied: u64,
    /// Unix ns.
    pub first: Option<i64>,
    pub last: Option<i64>,
}

/// The records of a search, per HMAC'd accessor.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Uses {
    pub by_token: BTreeMap<String, TokenUse>,
    /// Matching requests made without a token (logins) or beyond [`MAX_TOKENS`].
    pub other: u64,
    pub requests: u64,
}

impl Uses {
    pub fn add(&mut self, r: &AuditRecord) {
        self.requests += 1;
        let accessor = r
            .lines()
            .map(|e| e.accessor.as_str())
            .find(|a| !a.is_empty());
        let Some(a) = accessor else {
            self.other += 1;
            return;
        };
        if !self.by_token.contains_key(a) && self.by_token.len() >= MAX_TOKENS {
            self.other += 1;
            return;
        }
        let u = self.by_token.entry(a.to_string()).or_default();
        u.count += 1;
        if r.is_denied() {
            u.denied += 1;
        }
        if u.name.is_empty() {
            u.name = r.identity().to_string();
        }
        if let Some(t) = r.time() {
            u.first = Some(u.first.map_or(t, |f| f.min(t)));
            u.last = Some(u.last.map_or(t, |l| l.max(t)));
        }
    }

    /// The step's result: summary, one line per token (most requests first), and as output the
    /// accessors of the tokens with at least one request that was not denied (a token that was
    /// only ever refused is listed, not output).
    pub fn result(&self, since: Option<i64>) -> ActionResult {
        let since = since.map_or(String::new(), |t| format!(" since {}", time_text(t)));
        let summary = format!(
            "{} by {}{since}",
            count(self.requests as usize, "request"),
            count(self.by_token.len(), "token")
        );
        let mut rows: Vec<(&String, &TokenUse)> = self.by_token.iter().collect();
        rows.sort_by(|a, b| b.1.count.cmp(&a.1.count).then(a.0.cmp(b.0)));
        let mut details: Vec<String> = rows
            .iter()
            .take(LISTED)
            .map(|(a, u)| {
                let name = if u.name.is_empty() {
                    "(no name)"
                } else {
                    u.name.as_str()
                };
                let denied = match u.denied {
                    0 => String::new(),
                    d if d == u.count => " (all denied: not in the output)".to_string(),
                    d => format!(" ({d} denied)"),
                };
                format!(
                    "{} · {} · {}{denied} · first {} · last {}",
                    sanitize(name),
                    hmac_prefix(a),
                    count(u.count as usize, "request"),
                    u.first.map_or("?".into(), time_text),
                    u.last.map_or("?".into(), time_text)
                )
            })
            .collect();
        if rows.len() > LISTED {
            details.push(format!("and {} more tokens", rows.len() - LISTED));
        }
        if self.other > 0 {
            details.push(format!(
                "{} without a token (logins) or beyond {MAX_TOKENS} tokens",
                count(self.other as usize, "request")
            ));
        }
        ActionResult {
            summary,
            details,
            output: self
                .by_token
                .iter()
                .filter(|(_, u)| u.denied < u.count)
                .map(|(k, _)| sanitize(k).into_owned())
                .collect(),
        }
    }
}

/// Unix ns as RFC 3339 (seconds).
fn time_text(ns: i64) -> String {
    DateTime::<Utc>::from_timestamp_nanos(ns).to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// A `since` as a runbook's time input gives it: RFC 3339, a date, `now`, or an age back
/// (`-30m`, `2h`).
pub fn since_ns(s: &str, now: i64) -> Result<i64, crate::audit::when::WhenError> {
    let s = s.trim();
    if s.eq_ignore_ascii_case("now") {
        return Ok(now);
    }
    match s.strip_prefix('-') {
        Some(age) if !age.starts_with('-') => parse_when(age, now),
        _ => parse_when(s, now),
    }
}

/// The data path of a KV v2 secret or folder: exact for a secret, a prefix for a folder.
pub fn kv2_data_match(mount: &str, rest: &str) -> PathMatch {
    let p = format!(
        "{}/data/{}",
        mount.trim_end_matches('/'),
        rest.trim_start_matches('/')
    );
    if rest.is_empty() || rest.ends_with('/') {
        PathMatch::Prefix(p)
    } else {
        // A pattern without `*` or `?` matches the whole path only.
        PathMatch::Pattern(p)
    }
}

fn match_text(m: &PathMatch) -> &str {
    match m {
        PathMatch::Prefix(p) | PathMatch::Pattern(p) => p,
    }
}

/// The path filter of `path`: a pattern as written, a KV v2 path as its data path, else a prefix.
async fn path_match(c: &super::client::VaultClient, path: &str) -> PathMatch {
    let path = path.trim().trim_start_matches('/');
    if path.contains(['*', '?']) {
        return PathMatch::parse(path);
    }
    if let Ok(m) = super::mounts::find_secret_mount(c, path).await
        && m.kv_version == Some(2)
        && let Some(rest) = path
            .strip_prefix(m.path.as_str())
            .or_else(|| (path == m.path.trim_end_matches('/')).then_some(""))
        && !rest.starts_with("data/")
    {
        return kv2_data_match(&m.path, rest);
    }
    PathMatch::Prefix(path.to_string())
}

/// The local logs of every node's file audit devices (once per file).
async fn device_logs(worker: &Worker, spec: &PrepareSpec) -> Vec<NodeLog> {
    let mut nodes = spec.addrs.clone();
    if nodes.is_empty() {
        nodes.push(spec.addr.clone());
    }
    let mut logs: Vec<NodeLog> = Vec::new();
    for addr in nodes {
        if !worker.is_configured(&addr) {
            continue;
        }
        let reply = worker
            .audit_area(AuditRequest::Devices { addr: addr.clone() })
            .await;
        let AuditReply::Devices {
            result: Ok(devs), ..
        } = reply
        else {
            continue;
        };
        for d in devs {
            let Some(f) = d.local_file else { continue };
            if logs.iter().any(|l| l.files.contains(&f)) {
                continue;
            }
            logs.push(NodeLog {
                label: crate::addr::strip_scheme(&addr).to_string(),
                files: vec![f],
            });
        }
    }
    logs
}

/// `audit.search`.
pub async fn search(
    worker: &Worker,
    spec: &PrepareSpec,
    cancel: &CancellationToken,
) -> Result<ActionPlan, VaultError> {
    let op = spec.op.op;
    let mut details = Vec::new();
    let files = spec.op.items("files");
    let logs = if files.is_empty() {
        device_logs(worker, spec).await
    } else {
        let f = files.clone();
        let (logs, missing) = tokio::task::spawn_blocking(move || expand(&f))
            .await
            .map_err(|e| bad(op, format!("finding the files: {e}")))?;
        for m in missing.iter().take(20) {
            details.push(format!("no such file: {}", sanitize(m)));
        }
        logs
    };
    if logs.iter().all(|l| l.files.is_empty()) {
        return Err(bad(
            op,
            if files.is_empty() {
                "no audit log file of the nodes' file audit devices is on this machine: give the \
                 log files (files = …)"
                    .to_string()
            } else {
                format!("none of the files exists: {}", sanitize(&files.join(", ")))
            },
        ));
    }
    let now = Utc::now().timestamp_nanos_opt().unwrap_or(i64::MAX);
    let since = optional(spec, "since")
        .map(|s| since_ns(&s, now).map_err(|e| bad(op, format!("since: {e}"))))
        .transpose()?;
    // One accessor or several (a runbook's list input): each is hashed by the server.
    let accessors: Vec<String> = spec
        .op
        .items("accessor")
        .into_iter()
        .take(MAX_ACCESSORS)
        .collect();
    let path = optional(spec, "path");
    let needs_server = !accessors.is_empty() || path.is_some();
    let c = if needs_server {
        Some(client(worker, spec)?)
    } else {
        None
    };
    let mut filter = AuditFilter {
        since,
        ..AuditFilter::default()
    };
    let mut cli = vec!["strongroom audit search".to_string()];
    if let (Some(c), Some(p)) = (&c, &path) {
        let m = path_match(c, p).await;
        cli.push(format!("--path {}", shell_word(match_text(&m))));
        details.push(format!("path: {}", match_text(&m)));
        filter.path = Some(m);
    }
    if let Some(c) = c.as_ref().filter(|_| !accessors.is_empty()) {
        let device = hash_device(op, c).await?;
        for a in &accessors {
            let h = c
                .audit_hash(&device, &SecretText::from(a.as_str()))
                .await
                .map_err(|e| failed(op, "hashing the accessor (sys/audit-hash)", e))?;
            details.push(format!(
                "accessor {} is {} in the log",
                sanitize(a),
                hmac_prefix(&h)
            ));
            cli.push(format!("--hmac {}", shell_word(&h)));
            filter.hmacs.push(h);
        }
    }
    if let Some(t) = since {
        cli.push(format!("--since {}", time_text(t)));
    }
    let paths: Vec<String> = logs
        .iter()
        .flat_map(|l| &l.files)
        .map(|f| shell_word(&f.to_string_lossy()))
        .collect();
    cli[0] = format!("strongroom audit search {}", paths.join(" "));
    details.insert(
        0,
        format!("searched {}", count(paths.len(), "audit log file")),
    );
    let scan = ScanSpec {
        logs,
        filter,
        follow: false,
        limit: 0,
    };
    let stop = cancel.clone();
    let uses = tokio::task::spawn_blocking(move || {
        let mut uses = Uses::default();
        let mut sink = |recs: Vec<AuditRecord>, _: &crate::audit::ScanProgress| {
            recs.iter().for_each(|r| uses.add(r));
            true
        };
        scan_records(&scan, &|| stop.is_cancelled(), &mut sink).map(|_| uses)
    })
    .await
    .map_err(|e| bad(op, format!("the scan stopped: {e}")))?
    .map_err(|e| bad(op, format!("scanning the audit logs: {e}")))?;
    if cancel.is_cancelled() {
        return Err(bad(op, "cancelled"));
    }
    let result = uses.result(since);
    let summary = format!("audit search: {}", result.summary);
    let mut all = details;
    all.extend(result.details.iter().cloned());
    Ok(plan(
        summary,
        all,
        vec![cli.join(" ")],
        PlannedAction::Result(result),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::AuditEntry;

    fn rec(acc: &str, name: &str, t: i64) -> AuditRecord {
        AuditRecord {
            request: Some(AuditEntry {
                accessor: acc.into(),
                display_name: name.into(),
                time: Some(t),
                ..AuditEntry::default()
            }),
            response: None,
            node: 0,
        }
    }

    #[test]
    fn uses_group_by_token_with_first_and_last() {
        let mut u = Uses::default();
        u.add(&rec("hmac-sha256:aa", "token-reader", 2_000_000_000));
        u.add(&rec("hmac-sha256:aa", "token-reader", 1_000_000_000));
        u.add(&rec("hmac-sha256:bb", "evil\u{1b}[2J", 3_000_000_000));
        u.add(&rec("", "", 4_000_000_000));
        let mut denied = rec("hmac-sha256:cc", "token-prober", 5_000_000_000);
        if let Some(e) = denied.request.as_mut() {
            e.allowed = Some(false);
        }
        u.add(&denied);
        let r = u.result(Some(0));
        assert_eq!(
            r.summary,
            "5 requests by 3 tokens since 1970-01-01T00:00:00Z"
        );
        assert_eq!(r.output, ["hmac-sha256:aa", "hmac-sha256:bb"]);
        assert!(
            r.details
                .iter()
                .any(|d| d.contains("token-prober") && d.contains("all denied"))
        );
        assert!(r.details[0].starts_with("token-reader · hmac-sha256:aa · 2 requests · first 1970-01-01T00:00:01Z · last 1970-01-01T00:00:02Z"), "{:?}", r.details);
        assert!(r.details.iter().all(|d| !d.contains('\u{1b}')));
        assert!(
            r.details
                .iter()
                .any(|d| d.contains("1 request without a token"))
        );
    }

    #[test]
    fn since_takes_the_runbook_time_forms() {
        let now = 1_800_000_000_000_000_000;
        assert_eq!(since_ns("now", now), Ok(now));
        assert_eq!(since_ns("-30m", now), Ok(now - 1_800_000_000_000));
        assert_eq!(since_ns("2h", now), Ok(now - 7_200_000_000_000));
        assert!(since_ns("1970-01-01T00:00:01Z", now).is_ok());
        assert!(since_ns("--1h", now).is_err());
        assert!(since_ns("soon", now).is_err());
    }

    #[test]
    fn kv2_paths_become_data_paths() {
        let m = kv2_data_match("secret/", "apps/payments");
        assert!(m.matches("secret/data/apps/payments"));
        assert!(!m.matches("secret/data/apps/payments-old"));
        assert!(!m.matches("secret/metadata/apps/payments"));
        let f = kv2_data_match("secret/", "apps/");
        assert!(f.matches("secret/data/apps/x"));
    }
}
