//! When to look up and when to renew the console's own token: a tiny pure scheduler (like
//! [`super::poll`]). A light lookup-self every [`LOOKUP_EVERY`] (and after a renewal); a
//! renewable token is renewed when two thirds of its TTL have passed, with its creation TTL as
//! the increment; a failed renewal is retried with a doubling delay, at most
//! [`MAX_RENEW_FAILURES`] times in a row.

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::vault::models::tokens::TokenInfo;

/// How often the console looks its own token up.
pub const LOOKUP_EVERY: Duration = Duration::from_secs(30);
/// The first retry after a failed renewal; each next one waits twice as long …
pub const RETRY_FIRST_SECS: i64 = 5;
/// … up to this.
pub const RETRY_MAX_SECS: i64 = 60;
/// Failed renewals in a row after which the console stops trying (the status bar keeps counting
/// down; a re-login gives a new token).
pub const MAX_RENEW_FAILURES: u32 = 5;

/// What is due now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenDue {
    Lookup,
    Renew { increment_secs: u64 },
}

/// What a failed renewal leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RenewRetry {
    /// Tried again after this many seconds.
    In(i64),
    /// Too many failures in a row: no more tries for this token.
    GaveUp,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RenewSchedule {
    /// When the last lookup-self went out.
    last_lookup: Option<DateTime<Utc>>,
    lookup_forced: bool,
    /// When to renew next; `None`: not renewable, never expires, at its max TTL, or given up.
    pub renew_at: Option<DateTime<Utc>>,
    increment_secs: u64,
    /// Failed renewals in a row.
    pub failures: u32,
    /// A renewal came back shorter than asked: the token reached its max TTL, and renewing
    /// again cannot extend it.
    pub capped: bool,
    renew_in_flight: bool,
}

impl RenewSchedule {
    /// What to send now, if anything. A renewal comes first; a lookup every [`LOOKUP_EVERY`].
    pub fn due(&self, now: DateTime<Utc>) -> Option<TokenDue> {
        if !self.renew_in_flight
            && let Some(at) = self.renew_at
            && now >= at
        {
            return Some(TokenDue::Renew {
                increment_secs: self.increment_secs,
            });
        }
        let lookup = match self.last_lookup {
            None => true,
            Some(t) => self.lookup_forced || (now - t).to_std().is_ok_and(|d| d >= LOOKUP_EVERY),
        };
        lookup.then_some(TokenDue::Lookup)
    }

    pub fn lookup_sent(&mut self, now: DateTime<Utc>) {
        self.last_lookup = Some(now);
        self.lookup_forced = false;
    }

    /// Look up at the next chance (after a renewal, or a 403 somewhere).
    pub fn force_lookup(&mut self) {
        self.lookup_forced = true;
    }

    /// A lookup-self answer: plan the renewal at two thirds of the token's TTL (its creation
    /// TTL, which is also the increment). Not while a renewal is out, backing off, or capped.
    pub fn on_lookup(&mut self, info: &TokenInfo) {
        if self.renew_in_flight || self.failures > 0 || self.capped {
            return;
        }
        self.renew_at = None;
        let Some(expire) = info.expire_time else {
            return;
        };
        let period = if info.creation_ttl > 0 {
            info.creation_ttl
        } else {
            info.ttl
        };
        if !info.renewable || period <= 0 {
            return;
        }
        self.increment_secs = u64::try_from(period).unwrap_or(0);
        self.renew_at = Some(expire - chrono::Duration::milliseconds(period * 1000 / 3));
    }

    pub fn renew_sent(&mut self) {
        self.renew_in_flight = true;
        self.renew_at = None;
    }

    /// The renewal worked: the next one at two thirds of the new TTL (none when the server
    /// capped it below what was asked), and a lookup to show the new expiry.
    pub fn on_renewed(&mut self, ttl_secs: i64, asked_secs: u64, now: DateTime<Utc>) {
        self.renew_in_flight = false;
        self.failures = 0;
        self.lookup_forced = true;
        let asked = i64::try_from(asked_secs).unwrap_or(i64::MAX);
        if ttl_secs <= 0 || ttl_secs < asked {
            self.capped = true;
            self.renew_at = None;
        } else {
            self.renew_at = Some(now + chrono::Duration::milliseconds(ttl_secs * 2000 / 3));
        }
    }

    /// The renewal failed: retry after a doubling delay, or give up.
    pub fn on_renew_failed(&mut self, now: DateTime<Utc>) -> RenewRetry {
        self.renew_in_flight = false;
        self.failures += 1;
        if self.failures >= MAX_RENEW_FAILURES {
            self.renew_at = None;
            return RenewRetry::GaveUp;
        }
        let delay = retry_delay(self.failures);
        self.renew_at = Some(now + chrono::Duration::seconds(delay));
        RenewRetry::In(delay)
    }
}

/// Seconds before retry number `failures` (1 → 5 s, 2 → 10 s, … at most 60 s).
pub fn retry_delay(failures: u32) -> i64 {
    let shift = failures.saturating_sub(1).min(10);
    (RETRY_FIRST_SECS << shift).min(RETRY_MAX_SECS)
}
