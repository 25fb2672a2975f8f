//! `strongroom leases ls [PREFIX] [--expiring 1h] [--format plain|json] [--concurrency N]`:
//! every lease below a prefix (`sys/leases/lookup`, bounded concurrency; the lists need `sudo`),
//! soonest expiry first (leases that never expire last).
//!
//! - `plain`: a header, then one lease per line: expire time, TTL left, renewable, lease id
//!   (server text sanitised).
//! - `json`: JSON lines, one object per lease: `{"id","issue_time","expire_time","ttl",
//!   "renewable"}` (RFC 3339 times or `null`; `ttl` in seconds left now, `null` without expiry).
//!
//! `--expiring D` keeps leases that expire within D from now (expired ones included). On stderr,
//! one summary line: how many, below which prefix, gone and failed lookups. Exit 0 on success,
//! 1 on error, 130 when interrupted (Ctrl-C).

use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use tokio_util::sync::CancellationToken;

use crate::cli::{LeasesAction, LsFormat};
use crate::config::ConnectionProfile;
use crate::sanitize::sanitize;
use crate::vault::inventory::{InventoryEvent, InventorySummary};
use crate::vault::leases::{lease_inventory, normalize_prefix};
use crate::vault::models::leases::LeaseInfo;
use crate::vault::{ClientSettings, VaultClient, VaultError};

const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// Run a `leases` subcommand; the exit code.
pub async fn run(profile: &ConnectionProfile, action: LeasesAction) -> i32 {
    match action {
        LeasesAction::Ls {
            prefix,
            expiring,
            format,
            concurrency,
        } => {
            let cancel = CancellationToken::new();
            let on_signal = cancel.clone();
            let signal = tokio::spawn(async move {
                if tokio::signal::ctrl_c().await.is_ok() {
                    on_signal.cancel();
                }
            });
            let prefix = normalize_prefix(&prefix.unwrap_or_default());
            let started = Instant::now();
            let code = match ls(profile, &prefix, usize::from(concurrency), &cancel).await {
                Ok((leases, summary)) => {
                    let now = Utc::now();
                    let leases = select(leases, expiring, now);
                    let printed = print(&leases, format, now);
                    eprintln!(
                        "{}",
                        summary_line(&prefix, leases.len(), expiring, &summary, started)
                    );
                    match printed {
                        _ if summary.cancelled => 130,
                        // A closed stdout (`| head`) is not an error.
                        Ok(()) | Err(_) => 0,
                    }
                }
                Err(e) => {
                    eprintln!("strongroom: leases ls: {}", sanitize(&e.to_string()));
                    1
                }
            };
            signal.abort();
            code
        }
    }
}

/// The inventory below `prefix`.
pub async fn ls(
    profile: &ConnectionProfile,
    prefix: &str,
    concurrency: usize,
    cancel: &CancellationToken,
) -> Result<(Vec<LeaseInfo>, InventorySummary), VaultError> {
    let client = client_for(profile)?;
    let mut leases = Vec::new();
    let mut sink = |e: InventoryEvent<LeaseInfo>| {
        if let InventoryEvent::Items(batch) = e {
            leases.extend(batch);
        }
    };
    let summary = lease_inventory(&client, prefix, concurrency, cancel, &mut sink).await?;
    Ok((leases, summary))
}

/// Keep those expiring within `within` seconds of `now` (if asked); soonest first, leases
/// without expiry last, ties by id.
pub fn select(
    mut leases: Vec<LeaseInfo>,
    within: Option<u64>,
    now: DateTime<Utc>,
) -> Vec<LeaseInfo> {
    if let Some(w) = within {
        let until = now + chrono::Duration::seconds(i64::try_from(w).unwrap_or(i64::MAX / 2));
        leases.retain(|l| l.expire_time.is_some_and(|t| t <= until));
    }
    leases.sort_by(|a, b| match (a.expire_time, b.expire_time) {
        (Some(x), Some(y)) => x.cmp(&y).then_with(|| a.id.cmp(&b.id)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.id.cmp(&b.id),
    });
    leases
}

/// The plain table (header included), or JSON lines.
pub fn render(leases: &[LeaseInfo], format: LsFormat, now: DateTime<Utc>) -> String {
    let mut out = String::new();
    match format {
        LsFormat::Plain => {
            out += &format!("{:<20}  {:>9}  {:<5}  LEASE\n", "EXPIRES", "TTL", "RENEW");
            for l in leases {
                let exp = l.expire_time.map_or("never".to_string(), |t| {
                    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
                });
                let ttl = l
                    .ttl_at(now)
                    .map_or("-".to_string(), crate::ui::screens::leases::ttl_text);
                let renew = if l.renewable { "yes" } else { "no" };
                out += &format!("{exp:<20}  {ttl:>9}  {renew:<5}  {}\n", sanitize(&l.id));
            }
        }
        LsFormat::Json => {
            for l in leases {
                let line = serde_json::json!({
                    "id": l.id,
                    "issue_time": l.issue_time.map(|t| t.to_rfc3339()),
                    "expire_time": l.expire_time.map(|t| t.to_rfc3339()),
                    "ttl": l.ttl_at(now),
                    "renewable": l.renewable,
                });
                out += &format!("{line}\n");
            }
        }
    }
    out
}

fn print(leases: &[LeaseInfo], format: LsFormat, now: DateTime<Utc>) -> std::io::Result<()> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    out.write_all(render(leases, format, now).as_bytes())?;
    out.flush()
}

fn summary_line(
    prefix: &str,
    shown: usize,
    expiring: Option<u64>,
    s: &InventorySummary,
    started: Instant,
) -> String {
    let below = if prefix.is_empty() {
        "every prefix".to_string()
    } else {
        sanitize(prefix).into_owned()
    };
    let mut line = format!(
        "strongroom: leases ls: {} leases below {below}",
        s.progress.loaded
    );
    if let Some(w) = expiring {
        line += &format!(
            ", {shown} expiring within {}",
            crate::write_gate::lease::increment_label(w)
        );
    }
    line += &format!(
        " ({} gone, {} failed, {:.2} s)",
        s.progress.gone,
        s.progress.failed,
        started.elapsed().as_secs_f64()
    );
    if let Some(e) = &s.first_error {
        line += &format!("; first failure: {}", sanitize(&e.to_string()));
    }
    if s.cancelled {
        line += "; interrupted";
    }
    line
}

fn client_for(profile: &ConnectionProfile) -> Result<VaultClient, VaultError> {
    let addr = profile
        .addrs
        .first()
        .ok_or_else(|| VaultError::Config("no address configured".into()))?;
    let settings = ClientSettings {
        timeout: REQUEST_TIMEOUT,
        ..ClientSettings::from_profile(profile)
    };
    let http = VaultClient::build_http(&settings)?;
    Ok(VaultClient::new(http, addr, Arc::new(settings)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn lease(id: &str, exp: Option<&str>) -> LeaseInfo {
        LeaseInfo {
            id: id.into(),
            issue_time: None,
            expire_time: exp.map(t),
            last_renewal: None,
            renewable: true,
            ttl: 0,
        }
    }

    #[test]
    fn expiring_sorted_and_sanitised() {
        let now = t("2026-11-23T10:00:00Z");
        let all = vec![
            lease("a/x\x1b[2J", Some("2026-11-23T12:00:00Z")),
            lease("a/y", Some("2026-11-23T10:30:00Z")),
            lease("a/root", None),
        ];
        let sel = select(all.clone(), Some(3600), now);
        assert_eq!(sel.len(), 1);
        assert_eq!(sel[0].id, "a/y");
        let plain = render(&select(all, None, now), LsFormat::Plain, now);
        let lines: Vec<&str> = plain.lines().collect();
        assert!(
            lines[1].ends_with("a/y") && lines[1].contains("30m00s"),
            "{plain}"
        );
        assert!(!plain.contains('\x1b'), "{plain}");
        assert!(lines[3].starts_with("never"), "{plain}");
        let json = render(&sel, LsFormat::Json, now);
        let v: serde_json::Value = serde_json::from_str(json.trim()).unwrap();
        assert_eq!(v["ttl"], 1800);
        assert_eq!(v["expire_time"], "2026-11-23T10:30:00+00:00");
    }
}
