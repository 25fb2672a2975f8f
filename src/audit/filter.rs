//! The filters of the audit browser, `strongroom audit search` and `audit report`, combined with
//! AND. One type for all three, so the screen and the headless commands agree.

use super::record::AuditRecord;

/// A path filter: a prefix (`secret/data/apps/`) or a pattern with `*` (any run of characters,
/// `/` included) and `?` (one character), matched against the whole path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathMatch {
    Prefix(String),
    Pattern(String),
}

impl PathMatch {
    /// `secret/data/*/prod` is a pattern; anything without `*` or `?` a prefix.
    pub fn parse(s: &str) -> Self {
        if s.contains(['*', '?']) {
            PathMatch::Pattern(s.to_string())
        } else {
            PathMatch::Prefix(s.to_string())
        }
    }

    pub fn matches(&self, path: &str) -> bool {
        match self {
            PathMatch::Prefix(p) => path.starts_with(p.as_str()),
            PathMatch::Pattern(p) => glob_match(p.as_bytes(), path.as_bytes()),
        }
    }
}

/// `*` and `?` glob over bytes, linear time (the classic two-pointer backtrack).
fn glob_match(pat: &[u8], s: &[u8]) -> bool {
    let (mut p, mut i) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while i < s.len() {
        if p < pat.len() && (pat[p] == b'?' || pat[p] == s[i]) {
            p += 1;
            i += 1;
        } else if p < pat.len() && pat[p] == b'*' {
            star = Some(p);
            mark = i;
            p += 1;
        } else if let Some(sp) = star {
            p = sp + 1;
            mark += 1;
            i = mark;
        } else {
            return false;
        }
    }
    while p < pat.len() && pat[p] == b'*' {
        p += 1;
    }
    p == pat.len()
}

/// Every condition that is set must hold.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AuditFilter {
    /// From this time (unix ns, inclusive).
    pub since: Option<i64>,
    /// Up to this time (unix ns, exclusive).
    pub until: Option<i64>,
    pub path: Option<PathMatch>,
    /// Any of these operations (`read`, `list`, …); empty: all.
    pub operations: Vec<String>,
    /// A substring of the display name or the entity id.
    pub identity: Option<String>,
    /// A prefix of the client address.
    pub remote: Option<String>,
    /// Only records with an error (denials included).
    pub errors_only: bool,
    /// Only denied records.
    pub denied_only: bool,
    /// The `/` search: a case-insensitive substring of the time, operation, path, mount, identity,
    /// address, policies or error.
    pub text: Option<String>,
    /// HMACs from `sys/audit-hash` (a token, an accessor, a value): a record matches when any of
    /// its HMAC'd fields (token, accessor, created accessor) or its raw line holds one of them.
    /// The raw-line check is the scanner's (it sees the bytes); [`AuditFilter::matches`] checks
    /// the fields it has.
    pub hmacs: Vec<String>,
}

impl AuditFilter {
    /// Nothing set: every record matches.
    pub fn is_empty(&self) -> bool {
        *self == AuditFilter::default()
    }

    /// Does a paired record match? (Denied / error: either line; the other fields: the request
    /// line, else the response line.)
    pub fn matches(&self, r: &AuditRecord) -> bool {
        let Some(e) = r.main() else { return false };
        if let Some(since) = self.since
            && e.time.is_none_or(|t| t < since)
        {
            return false;
        }
        if let Some(until) = self.until
            && e.time.is_none_or(|t| t >= until)
        {
            return false;
        }
        if let Some(p) = &self.path
            && !p.matches(&e.path)
        {
            return false;
        }
        if !self.operations.is_empty() && !self.operations.contains(&e.operation) {
            return false;
        }
        if let Some(id) = &self.identity
            && !(e.display_name.contains(id.as_str()) || e.entity_id.contains(id.as_str()))
        {
            return false;
        }
        if let Some(addr) = &self.remote
            && !e.remote_address.starts_with(addr.as_str())
        {
            return false;
        }
        if self.denied_only && !r.is_denied() {
            return false;
        }
        if self.errors_only && !r.is_error() {
            return false;
        }
        if !self.hmacs.is_empty()
            && !r
                .lines()
                .any(|l| self.hmacs.iter().any(|h| holds_hmac(l, h)))
        {
            return false;
        }
        if let Some(t) = &self.text
            && !r.text_matches(t)
        {
            return false;
        }
        true
    }
}

fn holds_hmac(e: &super::AuditEntry, h: &str) -> bool {
    e.client_token == h || e.accessor == h || e.created_accessor == h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        let p = PathMatch::parse("secret/data/*/prod");
        assert!(p.matches("secret/data/apps/payments/prod"));
        assert!(!p.matches("secret/data/apps/payments/dev"));
        assert!(PathMatch::parse("secret/").matches("secret/data/x"));
        assert!(PathMatch::parse("auth/?/login").matches("auth/a/login"));
        assert!(PathMatch::parse("*").matches(""));
    }
}
