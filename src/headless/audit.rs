//! `strongroom audit search|report`: the audit log browser's filters and the compliance report,
//! for scripts. Reads the files given; only `--value-stdin` asks the context's server (for the
//! HMAC of a plain value).

use crate::cli::AuditAction;
use crate::config::ConnectionProfile;

/// Run one `audit` subcommand; the exit code.
pub async fn run<E: std::fmt::Display>(
    profile: Result<ConnectionProfile, E>,
    action: AuditAction,
) -> i32 {
    match action {
        AuditAction::Search { .. } => super::audit_search::run(profile, action).await,
        AuditAction::Report { .. } => super::audit_report::run(action),
    }
}
