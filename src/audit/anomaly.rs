//! The anomaly signals as a streaming aggregator: feed it every line ([`AnomalyAgg::visit`],
//! request and response lines of a scan or of the loaded records), merge the halves of a
//! parallel scan ([`AnomalyAgg::merge`]), then [`AnomalyAgg::finish`] into [`Signal`]s.
//!
//! Allocation-light: identities, paths and addresses are map keys looked up by `&str` (a key is
//! allocated once, when first seen); evidence is capped per signal ([`Evidence::CAP`]); the
//! number of groups and of timed accesses kept are capped, and what did not fit is counted
//! ([`AnomalyAgg::overflow`]).
//!
//! Which line counts: the request line for reads, addresses, volume and off-hours access (one
//! per request; a login's request has no identity yet, its response does); the response line
//! for denials, failed logins and created tokens (the outcome is there).

use std::collections::HashMap;

use super::entry::EntryKind;
use super::entry_ref::EntryRef;
use super::evidence::{Evidence, Hit, identity_label, is_human_display_name, is_login_path};
use super::evidence::{is_human_mount_type, max_opt, min_opt};
use super::signal::{AnomalyConfig, Signal};

/// Most groups (identity × address × path, identity × path, addresses …) kept in all.
pub const MAX_GROUPS: usize = 20_000;
/// Most timed accesses kept for the volume signal.
pub const MAX_TIMED: usize = 300_000;
/// Most failed logins kept per address, and created tokens kept.
pub const MAX_PER_ADDRESS: usize = 1_000;
pub const MAX_TOKENS: usize = 100_000;

/// One address of one identity: when it was first seen, and the secret reads from it by path.
#[derive(Debug, Default)]
pub(super) struct AddrSeen {
    pub first: Option<i64>,
    pub reads: HashMap<Box<str>, Evidence>,
}

#[derive(Debug, Default)]
pub(super) struct IdentitySeen {
    pub display: Box<str>,
    pub addrs: HashMap<Box<str>, AddrSeen>,
}

/// A created token: its TTL (seconds), who created it, where.
#[derive(Debug)]
pub(super) struct Created {
    pub ttl: i64,
    pub hit: Hit,
    pub by: Box<str>,
    pub path: Box<str>,
}

/// The running state of the six signals.
#[derive(Debug)]
pub struct AnomalyAgg {
    pub(super) cfg: AnomalyConfig,
    /// By identity key (entity id, else token accessor HMAC, else display name).
    pub(super) identities: HashMap<Box<str>, IdentitySeen>,
    /// Request times by path (volume).
    pub(super) timed: HashMap<Box<str>, Vec<Hit>>,
    pub(super) timed_len: usize,
    /// Off-hours access by a human identity (display name).
    pub(super) off_hours: HashMap<Box<str>, Evidence>,
    /// Denied responses by identity, then path.
    pub(super) denied: HashMap<Box<str>, HashMap<Box<str>, Evidence>>,
    /// Failed logins by client address.
    pub(super) failed_logins: HashMap<Box<str>, Vec<Hit>>,
    pub(super) created: Vec<Created>,
    pub(super) groups: usize,
    /// Groups or accesses that did not fit the caps (their signals may be incomplete).
    pub overflow: u64,
    /// Time span of every line seen (the window).
    pub first: Option<i64>,
    pub last: Option<i64>,
}

/// A slot in a map keyed by `&str`, allocating the key only when new; `None` past the cap.
fn slot<'m, V: Default>(
    m: &'m mut HashMap<Box<str>, V>,
    k: &str,
    groups: &mut usize,
    overflow: &mut u64,
) -> Option<&'m mut V> {
    if !m.contains_key(k) {
        if *groups >= MAX_GROUPS {
            *overflow += 1;
            return None;
        }
        *groups += 1;
        m.insert(k.into(), V::default());
    }
    m.get_mut(k)
}

/// A secret engine's path (not `sys/`, `auth/`, `identity/`, `cubbyhole/`).
fn is_secret_path(p: &str) -> bool {
    !(p.is_empty()
        || p.starts_with("sys/")
        || p.starts_with("auth/")
        || p.starts_with("identity/")
        || p.starts_with("cubbyhole/"))
}

impl AnomalyAgg {
    pub fn new(cfg: AnomalyConfig) -> Self {
        AnomalyAgg {
            cfg,
            identities: HashMap::new(),
            timed: HashMap::new(),
            timed_len: 0,
            off_hours: HashMap::new(),
            denied: HashMap::new(),
            failed_logins: HashMap::new(),
            created: Vec::new(),
            groups: 0,
            overflow: 0,
            first: None,
            last: None,
        }
    }

    /// Is this time outside the configured working hours and days?
    pub fn is_off_hours(&self, t_ns: i64) -> bool {
        off_hours(&self.cfg, t_ns)
    }

    /// Take one line into account.
    pub fn visit(&mut self, e: &EntryRef<'_>) {
        self.first = min_opt(self.first, e.time);
        self.last = max_opt(self.last, e.time);
        match e.kind {
            Some(EntryKind::Request) => self.visit_request(e),
            Some(EntryKind::Response) => self.visit_response(e),
            None => {}
        }
    }

    fn visit_request(&mut self, e: &EntryRef<'_>) {
        let (groups, overflow) = (&mut self.groups, &mut self.overflow);
        let key: &str = if !e.entity_id.is_empty() {
            &e.entity_id
        } else if !e.accessor.is_empty() {
            &e.accessor
        } else {
            &e.display_name
        };
        if !key.is_empty()
            && !e.remote_address.is_empty()
            && let Some(id) = slot(&mut self.identities, key, groups, overflow)
        {
            if id.display.is_empty() && !e.display_name.is_empty() {
                id.display = (*e.display_name).into();
            }
            if let Some(addr) = slot(&mut id.addrs, &e.remote_address, groups, overflow) {
                addr.first = min_opt(addr.first, e.time);
                if e.operation == "read"
                    && is_secret_path(&e.path)
                    && !e.is_denied()
                    && let Some(ev) = slot(&mut addr.reads, &e.path, groups, overflow)
                {
                    ev.push(Hit::of(e));
                }
            }
        }
        // Volume: every request but housekeeping (`sys/`) and denials (their own signal).
        if e.time.is_some() && !e.path.is_empty() && !e.path.starts_with("sys/") && !e.is_denied() {
            if self.timed_len >= MAX_TIMED {
                *overflow += 1;
            } else if let Some(v) = slot(&mut self.timed, &e.path, groups, overflow) {
                v.push(Hit::of(e));
                self.timed_len += 1;
            }
        }
        if is_human_display_name(&e.display_name) {
            self.note_off_hours(e, &e.display_name);
        }
    }

    fn note_off_hours(&mut self, e: &EntryRef<'_>, who: &str) {
        if let Some(t) = e.time
            && off_hours(&self.cfg, t)
            && let Some(ev) = slot(
                &mut self.off_hours,
                who,
                &mut self.groups,
                &mut self.overflow,
            )
        {
            ev.push(Hit::of(e));
        }
    }

    fn visit_response(&mut self, e: &EntryRef<'_>) {
        let login = is_login_path(&e.path);
        if login && !e.is_error() && is_human_mount_type(&e.mount_type) {
            // The login itself (its request line has no identity yet).
            let who = if e.display_name.is_empty() {
                e.path.as_ref()
            } else {
                e.display_name.as_ref()
            };
            self.note_off_hours(e, who);
        }
        let (groups, overflow) = (&mut self.groups, &mut self.overflow);
        if e.is_denied() {
            let who = identity_label(&e.display_name);
            if let Some(by_path) = slot(&mut self.denied, who, groups, overflow)
                && let Some(ev) = slot(by_path, &e.path, groups, overflow)
            {
                ev.push(Hit::of(e));
            }
        } else if login
            && e.is_error()
            && !e.remote_address.is_empty()
            && let Some(v) = slot(&mut self.failed_logins, &e.remote_address, groups, overflow)
        {
            if v.len() < MAX_PER_ADDRESS {
                v.push(Hit::of(e));
            } else {
                *overflow += 1;
            }
        }
        if let Some(ttl) = e.created_token_ttl.filter(|t| *t > 0) {
            if self.created.len() < MAX_TOKENS {
                self.created.push(Created {
                    ttl,
                    hit: Hit::of(e),
                    by: identity_label(&e.display_name).into(),
                    path: (*e.path).into(),
                });
            } else {
                self.overflow += 1;
            }
        }
    }

    /// Add the state of another aggregator (the other half of a parallel scan).
    pub fn merge(&mut self, other: AnomalyAgg) {
        self.first = min_opt(self.first, other.first);
        self.last = max_opt(self.last, other.last);
        self.overflow += other.overflow;
        for (k, id) in other.identities {
            let mine = self.identities.entry(k).or_default();
            if mine.display.is_empty() {
                mine.display = id.display;
            }
            for (a, seen) in id.addrs {
                let m = mine.addrs.entry(a).or_default();
                m.first = min_opt(m.first, seen.first);
                merge_evidence(&mut m.reads, seen.reads);
            }
        }
        for (p, mut hits) in other.timed {
            self.timed_len += hits.len();
            self.timed.entry(p).or_default().append(&mut hits);
        }
        merge_evidence(&mut self.off_hours, other.off_hours);
        for (who, by_path) in other.denied {
            merge_evidence(self.denied.entry(who).or_default(), by_path);
        }
        for (a, mut hits) in other.failed_logins {
            self.failed_logins.entry(a).or_default().append(&mut hits);
        }
        self.created.extend(other.created);
        self.groups = self.groups.max(other.groups);
    }

    /// The signals, most severe first (then by kind and time).
    pub fn finish(self) -> Vec<Signal> {
        super::anomaly_finish::signals(self)
    }
}

fn merge_evidence(into: &mut HashMap<Box<str>, Evidence>, from: HashMap<Box<str>, Evidence>) {
    for (k, ev) in from {
        into.entry(k).or_default().merge(ev);
    }
}

/// Outside working hours or days, in the configured offset?
pub fn off_hours(cfg: &AnomalyConfig, t_ns: i64) -> bool {
    let secs = t_ns.div_euclid(1_000_000_000) + i64::from(cfg.utc_offset_secs);
    let days = secs.div_euclid(86_400);
    // 1970-01-01 was a Thursday: Monday = 0.
    let weekday = (days + 3).rem_euclid(7) as u32;
    let minute = (secs.rem_euclid(86_400) / 60) as u32;
    let working_day = cfg.work_days & (1 << weekday) != 0;
    let in_hours = if cfg.work_start_min <= cfg.work_end_min {
        (cfg.work_start_min..cfg.work_end_min).contains(&minute)
    } else {
        // A night shift: 22:00-06:00.
        minute >= cfg.work_start_min || minute < cfg.work_end_min
    };
    !(working_day && in_hours)
}

#[cfg(test)]
#[path = "anomaly_tests.rs"]
mod tests;
