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

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(s: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(1_800_000_000 + s, 0)
            .single()
            .expect("time")
    }

    /// A token looked up at `at` with `ttl` seconds left of a `creation_ttl` period.
    fn info(at: i64, ttl: i64, creation_ttl: i64, renewable: bool) -> TokenInfo {
        serde_json::from_value(serde_json::json!({
            "ttl": ttl, "creation_ttl": creation_ttl, "renewable": renewable,
            "expire_time": (t(at) + chrono::Duration::seconds(ttl)).to_rfc3339(),
        }))
        .expect("token info")
    }

    #[test]
    fn looks_up_at_once_then_every_30_seconds_or_when_forced() {
        let mut s = RenewSchedule::default();
        assert_eq!(s.due(t(0)), Some(TokenDue::Lookup));
        s.lookup_sent(t(0));
        assert_eq!(s.due(t(29)), None);
        assert_eq!(s.due(t(30)), Some(TokenDue::Lookup));
        s.force_lookup();
        assert_eq!(s.due(t(1)), Some(TokenDue::Lookup));
    }

    #[test]
    fn renews_at_two_thirds_of_the_ttl_with_the_creation_ttl_as_increment() {
        let mut s = RenewSchedule::default();
        s.lookup_sent(t(0));
        s.on_lookup(&info(0, 6, 6, true));
        assert_eq!(s.renew_at, Some(t(4)));
        assert_eq!(s.due(t(3)), None);
        assert_eq!(s.due(t(4)), Some(TokenDue::Renew { increment_secs: 6 }));
        s.renew_sent();
        assert_eq!(s.due(t(5)), None, "one renewal at a time");
        s.on_renewed(6, 6, t(5));
        assert_eq!(s.renew_at, Some(t(9)), "two thirds of the new TTL");
        assert_eq!(
            s.due(t(5)),
            Some(TokenDue::Lookup),
            "looked up after a renewal"
        );
        // A long token looked up late in its life: at once.
        let mut late = RenewSchedule::default();
        late.on_lookup(&info(0, 600, 3600, true));
        assert_eq!(
            late.due(t(0)),
            Some(TokenDue::Renew {
                increment_secs: 3600
            })
        );
    }

    #[test]
    fn never_renews_a_token_that_is_not_renewable_or_never_expires() {
        let mut s = RenewSchedule::default();
        s.lookup_sent(t(0));
        s.on_lookup(&info(0, 60, 60, false));
        assert_eq!(s.renew_at, None);
        let root: TokenInfo =
            serde_json::from_value(serde_json::json!({"ttl": 0, "renewable": false}))
                .expect("root");
        s.on_lookup(&root);
        assert_eq!(s.renew_at, None);
        for i in 0..29 {
            assert_eq!(s.due(t(i)), None);
        }
    }

    #[test]
    fn a_renewal_capped_at_the_max_ttl_is_the_last() {
        let mut s = RenewSchedule::default();
        s.on_lookup(&info(0, 6, 6, true));
        s.renew_sent();
        s.on_renewed(3, 6, t(4));
        assert!(s.capped);
        assert_eq!(s.renew_at, None);
        s.on_lookup(&info(5, 2, 6, true));
        assert_eq!(s.renew_at, None, "a lookup does not plan it again");
    }

    #[test]
    fn failures_back_off_doubling_and_stop_after_the_limit() {
        assert_eq!(
            (1..=7).map(retry_delay).collect::<Vec<_>>(),
            [5, 10, 20, 40, 60, 60, 60]
        );
        let mut s = RenewSchedule::default();
        s.on_lookup(&info(0, 60, 60, true));
        let mut now = t(40);
        let mut tries = 0;
        // Bounded: far more rounds than the limit.
        for _ in 0..100 {
            let Some(TokenDue::Renew { .. }) = s.due(now) else {
                now += chrono::Duration::seconds(1);
                continue;
            };
            tries += 1;
            s.renew_sent();
            match s.on_renew_failed(now) {
                RenewRetry::In(d) => {
                    assert_eq!(d, retry_delay(tries));
                    assert_eq!(s.renew_at, Some(now + chrono::Duration::seconds(d)));
                    // A lookup meanwhile does not cut the backoff short.
                    s.on_lookup(&info(0, 60, 60, true));
                    assert_eq!(s.renew_at, Some(now + chrono::Duration::seconds(d)));
                }
                RenewRetry::GaveUp => break,
            }
        }
        assert_eq!(tries, MAX_RENEW_FAILURES);
        assert_eq!(s.renew_at, None);
        // A success later resets the count.
        let mut ok = RenewSchedule::default();
        ok.renew_sent();
        assert_eq!(ok.on_renew_failed(t(0)), RenewRetry::In(5));
        ok.renew_sent();
        ok.on_renewed(60, 60, t(5));
        assert_eq!(ok.failures, 0);
    }
}
