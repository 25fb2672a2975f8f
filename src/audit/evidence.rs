//! Small building blocks of the aggregators (anomaly signals, compliance report): capped
//! evidence lists, request ids stored inline (no allocation per entry), and time helpers.

use super::entry::EntrySource;
use super::entry_ref::EntryRef;

/// A request id kept inline (UUIDs are 36 bytes; longer ids are cut, they only select rows).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IdBuf {
    len: u8,
    bytes: [u8; 40],
}

impl IdBuf {
    pub fn new(s: &str) -> Self {
        let mut end = s.len().min(40);
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        let mut bytes = [0u8; 40];
        bytes[..end].copy_from_slice(&s.as_bytes()[..end]);
        IdBuf {
            len: end as u8,
            bytes,
        }
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or("")
    }
}

/// One entry behind a signal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    pub time: Option<i64>,
    pub source: EntrySource,
    pub id: IdBuf,
}

impl Hit {
    pub fn of(e: &EntryRef<'_>) -> Self {
        Hit {
            time: e.time,
            source: e.source,
            id: IdBuf::new(&e.request_id),
        }
    }
}

/// At most [`Evidence::CAP`] hits (the oldest kept), the total count and the time span.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Evidence {
    pub hits: Vec<Hit>,
    pub total: u64,
    pub first: Option<i64>,
    pub last: Option<i64>,
    /// The newest time among `hits` (a later hit past the cap is skipped without a scan).
    newest_kept: Option<i64>,
}

impl Evidence {
    pub const CAP: usize = 50;

    pub fn push(&mut self, h: Hit) {
        self.total += 1;
        self.first = min_opt(self.first, h.time);
        self.last = max_opt(self.last, h.time);
        if self.hits.len() < Self::CAP {
            self.newest_kept = max_opt(self.newest_kept, h.time);
            self.hits.push(h);
        } else if let Some(t) = h.time
            && self.newest_kept.is_some_and(|n| t < n)
            && let Some(pos) = self.newest_index()
        {
            // Keep the oldest CAP hits even when halves of a file arrive out of order.
            self.hits[pos] = h;
            self.newest_kept = self.hits.iter().filter_map(|h| h.time).max();
        }
    }

    fn newest_index(&self) -> Option<usize> {
        (0..self.hits.len()).max_by_key(|&i| self.hits[i].time.unwrap_or(i64::MIN))
    }

    pub fn merge(&mut self, other: Evidence) {
        let total = self.total + other.total;
        for h in other.hits {
            self.push(h);
        }
        self.total = total;
        self.first = min_opt(self.first, other.first);
        self.last = max_opt(self.last, other.last);
    }

    /// Hits oldest first.
    pub fn sorted(mut self) -> Vec<Hit> {
        self.hits
            .sort_by_key(|h| (h.time.unwrap_or(i64::MIN), h.source.file, h.source.offset));
        self.hits
    }
}

pub fn min_opt(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, None) => x,
        (None, y) => y,
    }
}

pub fn max_opt(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.max(y)),
        (x, None) => x,
        (None, y) => y,
    }
}

pub const NS_PER_SEC: i64 = 1_000_000_000;
pub const NS_PER_DAY: i64 = 86_400 * NS_PER_SEC;

/// Unix ns → `2026-12-06T06:20:43Z` (seconds; `-` when unknown).
pub fn fmt_time(t: Option<i64>) -> String {
    t.map(|ns| {
        chrono::DateTime::from_timestamp(ns.div_euclid(NS_PER_SEC), 0)
            .map(|d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string())
            .unwrap_or_else(|| "-".to_string())
    })
    .unwrap_or_else(|| "-".to_string())
}

/// Is this display name one of a human auth method (`userpass-alice`, `ldap-bob`, `oidc-…`)?
pub fn is_human_display_name(name: &str) -> bool {
    const HUMAN: [&str; 8] = [
        "userpass-",
        "ldap-",
        "oidc-",
        "github-",
        "radius-",
        "okta-",
        "cert-",
        "jwt-",
    ];
    HUMAN.iter().any(|p| name.starts_with(p))
}

/// A human auth method's mount type (a login's mount).
pub fn is_human_mount_type(t: &str) -> bool {
    matches!(
        t,
        "userpass" | "ldap" | "oidc" | "github" | "radius" | "okta" | "cert"
    )
}

/// `auth/<mount>/login` or `auth/<mount>/login/<user>`.
pub fn is_login_path(path: &str) -> bool {
    path.strip_prefix("auth/")
        .and_then(|rest| rest.split_once('/'))
        .is_some_and(|(_, tail)| tail.starts_with("login"))
}

/// The name shown for an identity: the display name, or a placeholder when the request had no
/// valid token.
pub fn identity_label(display_name: &str) -> &str {
    if display_name.is_empty() {
        "(no valid token)"
    } else {
        display_name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evidence_keeps_the_oldest_and_counts_all() {
        let mut e = Evidence::default();
        for t in (0..80).rev() {
            e.push(Hit {
                time: Some(t),
                source: EntrySource::default(),
                id: IdBuf::new("x"),
            });
        }
        assert_eq!(e.total, 80);
        assert_eq!(e.hits.len(), Evidence::CAP);
        let s = e.sorted();
        assert_eq!(s[0].time, Some(0));
        assert_eq!(s[Evidence::CAP - 1].time, Some(Evidence::CAP as i64 - 1));
    }

    #[test]
    fn helpers() {
        assert_eq!(IdBuf::new("abc").as_str(), "abc");
        assert_eq!(IdBuf::new(&"é".repeat(30)).as_str().len(), 40);
        assert!(is_login_path("auth/userpass/login/alice"));
        assert!(is_login_path("auth/approle/login"));
        assert!(!is_login_path("auth/token/create"));
        assert!(is_human_display_name("userpass-alice"));
        assert!(!is_human_display_name("token-reader"));
        assert_eq!(fmt_time(Some(0)), "1970-01-01T00:00:00Z");
        assert_eq!(fmt_time(None), "-");
    }
}
