//! One line of a file audit log, reduced to the fields the browser, the filters, the anomaly
//! signals and the report use. The full line stays on disk; [`EntrySource`] finds it again.
//!
//! A line looks like (OpenBao 2.7, see `../shared/OPENBAO.md`):
//! `{"time":"2026-12-06T06:20:43.102535349Z","type":"request","auth":{"client_token":"hmac-sha256:…",
//! "accessor":"hmac-sha256:…","display_name":"token","policies":["default"],"policy_results":
//! {"allowed":true},"entity_id":"…","token_type":"service","token_ttl":2764800},"request":{"id":"…",
//! "operation":"read","mount_point":"sys/","mount_type":"system","path":"…","remote_address":
//! "127.0.0.1"},"response":{"auth":{"accessor":"…","token_ttl":…}},"error":"…"}`.
//! Older Vault versions miss some fields: every field is optional except `type`.

use serde::Deserialize;

/// A request line or a response line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntryKind {
    Request,
    Response,
}

impl EntryKind {
    pub fn name(self) -> &'static str {
        match self {
            EntryKind::Request => "request",
            EntryKind::Response => "response",
        }
    }
}

/// Where a line is: the index of its file in the scan's file list, its byte offset in the
/// (decompressed) stream and its length. The drill-down reads it again from there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct EntrySource {
    pub file: u32,
    pub offset: u64,
    pub len: u32,
}

/// One audit log line. Strings are as in the log (HMAC'd values stay `hmac-sha256:…`);
/// missing fields are empty / `None`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AuditEntry {
    /// Unix time in nanoseconds (`None`: missing or unparsable).
    pub time: Option<i64>,
    pub kind: Option<EntryKind>,
    /// `request.id`, shared by a request and its response.
    pub request_id: String,
    /// `read`, `list`, `scan`, `create`, `update`, `delete`, …
    pub operation: String,
    /// `secret/data/apps/x`.
    pub path: String,
    /// `secret/`.
    pub mount_point: String,
    /// `kv`, `token`, `userpass`, `system`, …
    pub mount_type: String,
    /// `auth.display_name` (`token`, `root`, `userpass-alice`, `approle`).
    pub display_name: String,
    pub entity_id: String,
    /// `request.remote_address`.
    pub remote_address: String,
    /// `auth.policies`.
    pub policies: Vec<String>,
    /// `auth.policy_results.allowed` (`None`: not in the line).
    pub allowed: Option<bool>,
    /// The top-level `error` (`None` when empty or missing).
    pub error: Option<String>,
    /// `auth.client_token` (HMAC).
    pub client_token: String,
    /// `auth.accessor` (HMAC).
    pub accessor: String,
    /// `auth.token_type`.
    pub token_type: String,
    /// `auth.token_ttl`, seconds.
    pub token_ttl: Option<i64>,
    /// A token the request created (a login, `auth/token/create`): `response.auth.accessor`.
    pub created_accessor: String,
    /// Its TTL: `response.auth.token_ttl`, seconds.
    pub created_token_ttl: Option<i64>,
    pub source: EntrySource,
}

impl AuditEntry {
    /// Denied: the policy check said no, or the error is a permission denial.
    pub fn is_denied(&self) -> bool {
        self.allowed == Some(false)
            || self
                .error
                .as_deref()
                .is_some_and(|e| e.contains("permission denied"))
    }

    /// Any error (a denial included).
    pub fn is_error(&self) -> bool {
        self.error.is_some() || self.allowed == Some(false)
    }
}

/// A line that is not an audit entry (counted, never fatal).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LineError {
    #[error("blank line")]
    Blank,
    #[error("not JSON: {0}")]
    NotJson(String),
    #[error("not an audit entry (no \"type\")")]
    NotAnEntry,
}

// The reference parser (serde_json). The scanner may use a faster one; property tests compare
// the two on arbitrary lines.
#[derive(Deserialize, Default)]
#[serde(default)]
struct Line {
    time: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    auth: Option<Auth>,
    request: Option<Req>,
    response: Option<Resp>,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Auth {
    client_token: Option<String>,
    accessor: Option<String>,
    display_name: Option<String>,
    entity_id: Option<String>,
    policies: Option<Vec<String>>,
    policy_results: Option<PolicyResults>,
    token_type: Option<String>,
    token_ttl: Option<i64>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PolicyResults {
    allowed: Option<bool>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Req {
    id: Option<String>,
    operation: Option<String>,
    path: Option<String>,
    mount_point: Option<String>,
    mount_type: Option<String>,
    remote_address: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Resp {
    auth: Option<Auth>,
}

/// Parse one line (without its newline) with serde_json. `source` is stored as given.
pub fn parse_line(line: &[u8], source: EntrySource) -> Result<AuditEntry, LineError> {
    if line.iter().all(u8::is_ascii_whitespace) {
        return Err(LineError::Blank);
    }
    let l: Line = serde_json::from_slice(line).map_err(|e| LineError::NotJson(e.to_string()))?;
    let kind = match l.kind.as_deref() {
        Some("request") => Some(EntryKind::Request),
        Some("response") => Some(EntryKind::Response),
        Some(_) => None,
        None => return Err(LineError::NotAnEntry),
    };
    let auth = l.auth.unwrap_or_default();
    let req = l.request.unwrap_or_default();
    let created = l.response.and_then(|r| r.auth).unwrap_or_default();
    Ok(AuditEntry {
        time: l.time.as_deref().and_then(parse_time),
        kind,
        request_id: req.id.unwrap_or_default(),
        operation: req.operation.unwrap_or_default(),
        path: req.path.unwrap_or_default(),
        mount_point: req.mount_point.unwrap_or_default(),
        mount_type: req.mount_type.unwrap_or_default(),
        display_name: auth.display_name.unwrap_or_default(),
        entity_id: auth.entity_id.unwrap_or_default(),
        remote_address: req.remote_address.unwrap_or_default(),
        policies: auth.policies.unwrap_or_default(),
        allowed: auth.policy_results.and_then(|p| p.allowed),
        error: l.error.filter(|e| !e.is_empty()),
        client_token: auth.client_token.unwrap_or_default(),
        accessor: auth.accessor.unwrap_or_default(),
        token_type: auth.token_type.unwrap_or_default(),
        token_ttl: auth.token_ttl,
        created_accessor: created.accessor.unwrap_or_default(),
        created_token_ttl: created.token_ttl,
        source,
    })
}

/// RFC 3339 (`2026-12-06T06:20:43.102535349Z`) → unix nanoseconds.
pub fn parse_time(s: &str) -> Option<i64> {
    chrono::DateTime::parse_from_rfc3339(s)
        .ok()
        .and_then(|t| t.timestamp_nanos_opt())
}

#[cfg(test)]
mod tests {
    use super::*;

    const DENIED: &str = r#"{"time":"2026-12-06T06:20:43.102535349Z","type":"response","auth":{"client_token":"hmac-sha256:f8","accessor":"hmac-sha256:35","display_name":"token","policies":["default"],"policy_results":{"allowed":true},"token_type":"service","token_ttl":2764800},"request":{"id":"be34","operation":"read","mount_point":"sys/","mount_type":"system","path":"sys/internal/ui/mounts/secret/apps/x","remote_address":"127.0.0.1","remote_port":59528},"error":"permission denied"}"#;

    #[test]
    fn a_denied_response_parses() {
        let e = parse_line(DENIED.as_bytes(), EntrySource::default()).expect("entry");
        assert_eq!(e.kind, Some(EntryKind::Response));
        assert_eq!(e.operation, "read");
        assert_eq!(e.path, "sys/internal/ui/mounts/secret/apps/x");
        assert_eq!(e.token_ttl, Some(2_764_800));
        assert!(e.is_denied());
        assert_eq!(e.time, Some(1_796_538_043_102_535_349));
    }

    #[test]
    fn odd_lines_are_errors_not_panics() {
        let src = EntrySource::default();
        assert_eq!(parse_line(b"  ", src), Err(LineError::Blank));
        assert!(matches!(
            parse_line(b"{\"time\":", src),
            Err(LineError::NotJson(_))
        ));
        assert_eq!(parse_line(b"{}", src), Err(LineError::NotAnEntry));
        let old = parse_line(br#"{"type":"request"}"#, src).expect("old");
        assert_eq!(old.time, None);
        assert_eq!(old.path, "");
    }
}
