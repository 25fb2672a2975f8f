//! [`AuditFilter`] split into what one line can tell: the conditions on the record's main line
//! (time, path, operation, identity, address) and the ones any line of the pair may satisfy
//! (denied, error, HMAC, text). A record matches when its main line passes the first and the
//! pair passes the second — the same answer as [`AuditFilter::matches`] on the paired record,
//! computed on borrowed lines so that non-matching lines are never copied.
//!
//! HMACs: a line holds one when its raw bytes contain it (the audit device writes every HMAC'd
//! field that way: tokens, accessors, request and response data) or one of its HMAC fields
//! equals it.

use memchr::memmem;

use super::entry_ref::EntryRef;
use super::filter::{AuditFilter, PathMatch};

pub const MAIN_OK: u8 = 1;
pub const DENIED: u8 = 2;
pub const ERROR: u8 = 4;
pub const HMAC: u8 = 8;
pub const TEXT: u8 = 16;

/// A filter prepared for scanning lines.
pub struct LineFilter {
    filter: AuditFilter,
    text: Option<String>,
    hmacs: Vec<memmem::Finder<'static>>,
    /// The literal start of the path filter, searched in the raw line ([`LineFilter::skip_raw`]).
    path_needle: Option<memmem::Finder<'static>>,
}

impl LineFilter {
    pub fn new(filter: &AuditFilter) -> Self {
        LineFilter {
            filter: filter.clone(),
            text: filter.text.as_ref().map(|t| t.to_lowercase()),
            hmacs: filter
                .hmacs
                .iter()
                .map(|h| memmem::Finder::new(h.as_bytes()).into_owned())
                .collect(),
            path_needle: path_needle(filter),
        }
    }

    /// Can this raw line be left unparsed? Only when it cannot be the main line of a matching
    /// record: a path filter is set and the line does not hold the path's literal start (and has
    /// no escape, so its path could not be spelled otherwise). The audit device writes the same
    /// `request` object (path included) in a request line and its response line, so both lines
    /// of a non-matching pair are skipped alike. Skipped lines count as entries.
    pub fn skip_raw(&self, line: &[u8]) -> bool {
        let Some(f) = &self.path_needle else {
            return false;
        };
        line.first() == Some(&b'{')
            && line.last() == Some(&b'}')
            && f.find(line).is_none()
            && memchr::memchr(b'\\', line).is_none()
    }

    pub fn filter(&self) -> &AuditFilter {
        &self.filter
    }

    /// The flags of one line (`raw`: its bytes).
    pub fn flags(&self, e: &EntryRef<'_>, raw: &[u8]) -> u8 {
        let mut fl = 0;
        if self.main_ok(e) {
            fl |= MAIN_OK;
        }
        if e.is_denied() {
            fl |= DENIED;
        }
        if e.is_error() {
            fl |= ERROR;
        }
        if !self.hmacs.is_empty() && self.holds_hmac(e, raw) {
            fl |= HMAC;
        }
        if let Some(t) = &self.text
            && text_matches(e, t)
        {
            fl |= TEXT;
        }
        fl
    }

    fn holds_hmac(&self, e: &EntryRef<'_>, raw: &[u8]) -> bool {
        self.hmacs.iter().any(|f| f.find(raw).is_some())
            || self.filter.hmacs.iter().any(|h| {
                e.client_token == h.as_str()
                    || e.accessor == h.as_str()
                    || e.created_accessor == h.as_str()
            })
    }

    fn main_ok(&self, e: &EntryRef<'_>) -> bool {
        let f = &self.filter;
        if let Some(since) = f.since
            && e.time.is_none_or(|t| t < since)
        {
            return false;
        }
        if let Some(until) = f.until
            && e.time.is_none_or(|t| t >= until)
        {
            return false;
        }
        if let Some(p) = &f.path
            && !p.matches(&e.path)
        {
            return false;
        }
        if !f.operations.is_empty() && !f.operations.iter().any(|o| *o == e.operation) {
            return false;
        }
        if let Some(id) = &f.identity
            && !(e.display_name.contains(id.as_str()) || e.entity_id.contains(id.as_str()))
        {
            return false;
        }
        if let Some(addr) = &f.remote
            && !e.remote_address.starts_with(addr.as_str())
        {
            return false;
        }
        true
    }

    /// Does a record match, from its main line's flags and the other line's (if any)?
    pub fn record_matches(&self, main: u8, other: Option<u8>) -> bool {
        let any = main | other.unwrap_or(0);
        let f = &self.filter;
        main & MAIN_OK != 0
            && (!f.denied_only || any & DENIED != 0)
            && (!f.errors_only || any & ERROR != 0)
            && (f.hmacs.is_empty() || any & HMAC != 0)
            && (f.text.is_none() || any & TEXT != 0)
    }
}

/// `AuditRecord::text_matches` for one borrowed line (`needle` already lower case); ASCII
/// fields are compared without allocating.
fn text_matches(e: &EntryRef<'_>, needle: &str) -> bool {
    let fields = [
        &*e.operation,
        &*e.path,
        &*e.mount_point,
        &*e.display_name,
        &*e.entity_id,
        &*e.remote_address,
        e.error.as_deref().unwrap_or(""),
    ];
    fields.iter().any(|f| contains_lower(f, needle))
        || e.policies.iter().any(|p| contains_lower(p, needle))
}

fn contains_lower(hay: &str, needle: &str) -> bool {
    if hay.is_ascii() && needle.is_ascii() {
        let (h, n) = (hay.as_bytes(), needle.as_bytes());
        n.is_empty() || h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n))
    } else {
        hay.to_lowercase().contains(needle)
    }
}

/// The literal start of a path filter (a prefix, or a pattern up to its first wildcard), when
/// it is long enough to be worth a search and holds nothing JSON would escape.
fn path_needle(f: &AuditFilter) -> Option<memmem::Finder<'static>> {
    let lit = match f.path.as_ref()? {
        PathMatch::Prefix(p) => p.as_str(),
        PathMatch::Pattern(p) => p.split(['*', '?']).next().unwrap_or(""),
    };
    let plain = lit.chars().all(|c| {
        !c.is_control() && !matches!(c, '"' | '\\' | '<' | '>' | '&' | '\u{2028}' | '\u{2029}')
    });
    (lit.len() >= 3 && plain).then(|| memmem::Finder::new(lit.as_bytes()).into_owned())
}
