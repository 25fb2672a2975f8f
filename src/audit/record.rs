//! A request and its response, paired by request id. A record may lack one side: a response
//! whose request is in another (rotated) file, or a request whose response was not written yet.

use super::entry::AuditEntry;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AuditRecord {
    pub request: Option<AuditEntry>,
    pub response: Option<AuditEntry>,
    /// The node's log it came from (an index in the scan's list of logs), when several nodes'
    /// logs are merged.
    pub node: u32,
}

impl AuditRecord {
    /// The line the columns come from: the request, else the response.
    pub fn main(&self) -> Option<&AuditEntry> {
        self.request.as_ref().or(self.response.as_ref())
    }

    /// Both lines, request first.
    pub fn lines(&self) -> impl Iterator<Item = &AuditEntry> {
        self.request.iter().chain(self.response.iter())
    }

    pub fn time(&self) -> Option<i64> {
        self.main().and_then(|e| e.time)
    }

    pub fn is_denied(&self) -> bool {
        self.lines().any(AuditEntry::is_denied)
    }

    pub fn is_error(&self) -> bool {
        self.lines().any(AuditEntry::is_error)
    }

    /// The error to show: the response's, else the request's.
    pub fn error(&self) -> Option<&str> {
        self.response
            .as_ref()
            .and_then(|e| e.error.as_deref())
            .or_else(|| self.request.as_ref().and_then(|e| e.error.as_deref()))
    }

    /// The display name, from whichever line has one (a login's request has none, its response
    /// names the user).
    pub fn identity(&self) -> &str {
        self.lines()
            .map(|e| e.display_name.as_str())
            .find(|s| !s.is_empty())
            .unwrap_or("")
    }

    /// The `/` search: a case-insensitive substring of the shown columns.
    pub fn text_matches(&self, needle: &str) -> bool {
        let needle = needle.to_lowercase();
        self.lines().any(|e| {
            [
                e.operation.as_str(),
                e.path.as_str(),
                e.mount_point.as_str(),
                e.display_name.as_str(),
                e.entity_id.as_str(),
                e.remote_address.as_str(),
                e.error.as_deref().unwrap_or(""),
            ]
            .iter()
            .any(|f| f.to_lowercase().contains(&needle))
                || e.policies
                    .iter()
                    .any(|p| p.to_lowercase().contains(&needle))
        })
    }
}
