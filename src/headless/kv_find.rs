//! `strongroom kv find <mount>/<prefix> [--match REGEX] [--format plain|json] [--concurrency N]
//! [--mode auto|scan|list]`: every secret path below a folder of a KV mount (v1 or v2), printed
//! as results arrive.
//!
//! - `plain`: one path per line (`secret/apps/payments/prod`), sanitised.
//! - `json`: JSON lines, one object per path: `{"path":"secret/apps/payments/prod"}` (the exact
//!   path, JSON-escaped).
//!
//! The mount and its KV version come from `sys/internal/ui/mounts/<path>` (any token that can
//! touch the path may ask), else from `sys/mounts`. Paths are unsorted (SCAN order, or the
//! order LIST answers arrive in). On stderr, one summary line: how many were found, the way
//! taken (one SCAN or a LIST walk) and the folders skipped because the token may not list them.
//! Exit 0 on success (denied folders included), 1 on error; 130 when interrupted (Ctrl-C).

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use regex::Regex;
use tokio_util::sync::CancellationToken;

use crate::cli::{FindFormat, FindMode, KvAction};
use crate::config::ConnectionProfile;
use crate::jobs::walk::{WalkEvent, WalkMode, WalkSpec, WalkSummary, walk};
use crate::sanitize::sanitize;
use crate::vault::error::VaultError;
use crate::vault::models::kv::KvVersion;
use crate::vault::mounts::find_secret_mount;
use crate::vault::{ClientSettings, VaultClient};

/// Whole-request timeout: a SCAN of a large mount takes a while.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// Run a `kv` subcommand; the exit code.
pub async fn run(profile: &ConnectionProfile, action: KvAction) -> i32 {
    match action {
        KvAction::Find {
            target,
            pattern,
            format,
            concurrency,
            mode,
        } => {
            let cancel = CancellationToken::new();
            let on_signal = cancel.clone();
            let signal = tokio::spawn(async move {
                if tokio::signal::ctrl_c().await.is_ok() {
                    on_signal.cancel();
                }
            });
            let args = FindArgs {
                target,
                pattern,
                format,
                concurrency: usize::from(concurrency),
                mode,
            };
            let code = match find(profile, &args, &cancel).await {
                Ok(s) if s.cancelled => {
                    report(&s);
                    130
                }
                Ok(s) => {
                    report(&s);
                    0
                }
                Err(e) => {
                    eprintln!("strongroom: kv find: {}", sanitize(&e.to_string()));
                    1
                }
            };
            signal.abort();
            code
        }
    }
}

/// What `kv find` was asked.
#[derive(Debug, Clone)]
pub struct FindArgs {
    pub target: String,
    pub pattern: Option<String>,
    pub format: FindFormat,
    pub concurrency: usize,
    pub mode: FindMode,
}

/// Why `kv find` could not run.
#[derive(Debug, thiserror::Error)]
pub enum FindError {
    #[error("no address configured")]
    NoAddress,
    #[error("give a KV mount and an optional folder, such as secret/apps")]
    NoTarget,
    #[error("invalid --match expression: {0}")]
    Pattern(#[from] regex::Error),
    #[error("{path} is a {mount_type} mount, not a KV mount")]
    NotKv { path: String, mount_type: String },
    #[error("{0}")]
    Vault(#[from] VaultError),
}

/// Find the mount, walk, print. Paths go to stdout as they arrive.
pub async fn find(
    profile: &ConnectionProfile,
    args: &FindArgs,
    cancel: &CancellationToken,
) -> Result<WalkSummary, FindError> {
    let target = args.target.trim_matches('/');
    if target.is_empty() {
        return Err(FindError::NoTarget);
    }
    let pattern = args.pattern.as_deref().map(Regex::new).transpose()?;
    let client = client_for(profile)?;
    let mount = find_secret_mount(&client, target).await?;
    let version = mount
        .kv_version
        .and_then(KvVersion::from_number)
        .ok_or_else(|| FindError::NotKv {
            path: sanitize(&mount.path).into_owned(),
            mount_type: sanitize(&mount.mount_type).into_owned(),
        })?;
    let prefix = format!("{target}/")
        .strip_prefix(mount.path.as_str())
        .unwrap_or("")
        .to_string();
    let spec = WalkSpec {
        pattern,
        concurrency: args.concurrency.max(1),
        mode: match args.mode {
            FindMode::Auto => WalkMode::Auto,
            FindMode::Scan => WalkMode::Scan,
            FindMode::List => WalkMode::List,
        },
        ..WalkSpec::new(&mount.path, version, &prefix)
    };
    let format = args.format;
    let stop = cancel.clone();
    let closed = Arc::new(AtomicBool::new(false));
    let closed_in_sink = Arc::clone(&closed);
    let mut sink = move |ev: WalkEvent| {
        if let WalkEvent::Found(paths) = ev {
            // A closed stdout (`| head`) ends the walk quietly.
            if !closed_in_sink.load(Ordering::Relaxed) && print_paths(&paths, format).is_err() {
                closed_in_sink.store(true, Ordering::Relaxed);
                stop.cancel();
            }
        }
    };
    let mut summary = walk(&client, &spec, cancel, &mut sink).await?;
    // Stopped by a closed stdout rather than by the user: not an interruption.
    if closed.load(Ordering::Relaxed) {
        summary.cancelled = false;
    }
    Ok(summary)
}

fn print_paths(paths: &[String], format: FindFormat) -> std::io::Result<()> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for p in paths {
        match format {
            FindFormat::Plain => writeln!(out, "{}", sanitize(p))?,
            FindFormat::Json => {
                let line = serde_json::json!({ "path": p });
                writeln!(out, "{line}")?;
            }
        }
    }
    out.flush()
}

/// The summary line on stderr.
fn report(s: &WalkSummary) {
    let way = match s.used {
        WalkMode::Scan => "one SCAN".to_string(),
        _ => format!("LIST walk, {} LISTs", s.progress.listed),
    };
    let mut line = format!(
        "strongroom: kv find: {} found ({way}, {:.2} s)",
        s.progress.found,
        s.elapsed.as_secs_f64()
    );
    if s.progress.denied > 0 {
        let shown: Vec<String> = s
            .denied_paths
            .iter()
            .map(|p| sanitize(p).into_owned())
            .collect();
        line.push_str(&format!(
            "; {} denied folder(s) skipped: {}",
            s.progress.denied,
            shown.join(", ")
        ));
        if (s.progress.denied as usize) > shown.len() {
            line.push_str(", …");
        }
    }
    if s.truncated {
        line.push_str("; stopped at the LIST limit");
    }
    if s.cancelled {
        line.push_str("; interrupted");
    }
    eprintln!("{line}");
}

/// A client for the context's first address, with the context's token and namespace.
fn client_for(profile: &ConnectionProfile) -> Result<VaultClient, FindError> {
    let addr = profile.addrs.first().ok_or(FindError::NoAddress)?;
    let settings = ClientSettings {
        timeout: REQUEST_TIMEOUT,
        ..ClientSettings::from_profile(profile)
    };
    let http = VaultClient::build_http(&settings)?;
    Ok(VaultClient::new(http, addr, Arc::new(settings)))
}
