//! Typed errors of the Vault client. The UI shows `Display`; the log gets the whole chain.

use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Error)]
pub enum VaultError {
    /// 503 "Vault is sealed" (or a health answer saying so).
    #[error("node is sealed")]
    Sealed,
    /// 403: a bad or missing token, or a token without the right.
    #[error("permission denied{}", join_errors("permission denied", .errors))]
    PermissionDenied { errors: Vec<String> },
    /// 404.
    #[error("not found{}", join_errors("not found", .errors))]
    NotFound { errors: Vec<String> },
    /// 429 on a data path.
    #[error("rate limited by the server{}", join_errors("rate limited", .errors))]
    RateLimited { errors: Vec<String> },
    /// A standby answered with a redirect to the active node.
    #[error("standby node: redirected to the active node at {location}")]
    StandbyRedirect { location: String },
    /// 5xx other than sealed.
    #[error("server error {status}{}", join_errors("", .errors))]
    Server { status: u16, errors: Vec<String> },
    /// Any other non-success status (400, 405, ...).
    #[error("request rejected ({status}){}", join_errors("", .errors))]
    Http { status: u16, errors: Vec<String> },
    #[error("timed out after {secs:.1} s")]
    Timeout { secs: f64 },
    #[error("cannot connect to {addr}: {reason}")]
    Connect { addr: String, reason: String },
    #[error("transport error: {0}")]
    Transport(String),
    #[error("unexpected reply from the server: {0}")]
    Decode(String),
    #[error("invalid client settings: {0}")]
    Config(String),
    /// The reply was larger than the console reads for that request.
    #[error("reply too large from {path} (over {} KiB)", .limit / 1024)]
    ReplyTooLarge { path: String, limit: usize },
    /// A read that was not sent (the node could not be reached first).
    #[error("not asked: {0}")]
    NotAsked(&'static str),
    /// A write or an authenticated read aimed at an address the user did not configure (one
    /// found through `sys/ha-status`): the token only goes where the user sent it.
    #[error(
        "{addr} was discovered, not configured: the token is only sent to configured addresses (add it with --addr)"
    )]
    NotConfigured { addr: String },
    /// The compliance report job could not read a log or write its file (no server involved).
    #[error("audit report: {0}")]
    AuditReport(String),
    /// A runbook `vault` step that cannot be planned: a missing or invalid argument, a path
    /// that is not what the operation needs (the message names the operation and says why).
    #[error("{0}")]
    Runbook(String),
}

/// The server's messages after the lead text, each said once: a message that only repeats the
/// lead ("permission denied: permission denied") is left out.
fn join_errors(lead: &str, errors: &[String]) -> String {
    let mut cleaned: Vec<String> = Vec::new();
    for e in errors.iter().map(|e| clean_error(e)) {
        if !e.is_empty() && !e.eq_ignore_ascii_case(lead) && !cleaned.contains(&e) {
            cleaned.push(e);
        }
    }
    if cleaned.is_empty() {
        String::new()
    } else {
        format!(": {}", cleaned.join("; "))
    }
}

/// OpenBao wraps messages as `1 error occurred:\n\t* permission denied\n\n`; keep the message.
pub fn clean_error(e: &str) -> String {
    let lines: Vec<&str> = e
        .lines()
        .map(|l| l.trim().trim_start_matches("* ").trim())
        .filter(|l| {
            !l.is_empty() && !l.ends_with("error occurred:") && !l.ends_with("errors occurred:")
        })
        .collect();
    lines.join("; ")
}

impl VaultError {
    /// True when the node could not be reached at all (as opposed to answering with an error).
    pub fn is_unreachable(&self) -> bool {
        matches!(
            self,
            VaultError::Connect { .. } | VaultError::Timeout { .. } | VaultError::Transport(_)
        )
    }

    /// The HTTP status, where there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            VaultError::Sealed => Some(503),
            VaultError::PermissionDenied { .. } => Some(403),
            VaultError::NotFound { .. } => Some(404),
            VaultError::RateLimited { .. } => Some(429),
            VaultError::Server { status, .. } | VaultError::Http { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Map a status and the server's `errors[]` to an error.
    pub fn from_status(status: u16, errors: Vec<String>) -> Self {
        match status {
            403 => VaultError::PermissionDenied { errors },
            404 => VaultError::NotFound { errors },
            429 => VaultError::RateLimited { errors },
            503 if errors.iter().any(|e| e.contains("sealed")) => VaultError::Sealed,
            500..=599 => VaultError::Server { status, errors },
            _ => VaultError::Http { status, errors },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_readable() {
        let e = VaultError::from_status(
            403,
            vec!["1 error occurred:\n\t* permission denied\n\n".into()],
        );
        assert_eq!(e.to_string(), "permission denied");
        let e = VaultError::from_status(
            403,
            vec!["permission denied".into(), "no policy for x".into()],
        );
        assert_eq!(e.to_string(), "permission denied: no policy for x");
        assert_eq!(
            VaultError::from_status(503, vec!["Vault is sealed".into()]),
            VaultError::Sealed
        );
        assert_eq!(
            VaultError::from_status(404, vec![]).to_string(),
            "not found"
        );
        assert!(matches!(
            VaultError::from_status(502, vec![]),
            VaultError::Server { status: 502, .. }
        ));
    }
}
