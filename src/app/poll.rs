//! When to poll: every `interval`, never while the same request is in flight (unless it has been
//! in flight for too long), and never applying a reply older than the newest applied one.

use std::time::Duration;

use chrono::{DateTime, Utc};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PollState {
    pub interval: Duration,
    pub last_sent: Option<DateTime<Utc>>,
    pub in_flight: Option<u64>,
    /// Newest sequence number applied.
    pub latest_applied: u64,
    /// Replies below this belong to an earlier context.
    pub min_seq: u64,
    forced: bool,
}

/// A poll in flight longer than this is considered lost (the client times out well before).
const LOST_AFTER_SECS: i64 = 20;

impl PollState {
    pub fn new(interval: Duration) -> Self {
        Self {
            interval,
            last_sent: None,
            in_flight: None,
            latest_applied: 0,
            min_seq: 0,
            forced: false,
        }
    }

    pub fn due(&self, now: DateTime<Utc>) -> bool {
        if self.in_flight(now) {
            return false;
        }
        match self.last_sent {
            None => true,
            Some(t) => self.forced || (now - t).to_std().is_ok_and(|d| d >= self.interval),
        }
    }

    pub fn in_flight(&self, now: DateTime<Utc>) -> bool {
        match (self.in_flight, self.last_sent) {
            (Some(_), Some(t)) => (now - t).num_seconds() < LOST_AFTER_SECS,
            _ => false,
        }
    }

    pub fn sent(&mut self, seq: u64, now: DateTime<Utc>) {
        self.in_flight = Some(seq);
        self.last_sent = Some(now);
        self.forced = false;
    }

    /// Poll at the next chance regardless of the interval.
    pub fn force(&mut self) {
        self.forced = true;
    }

    /// Should a reply with this sequence number be applied?
    pub fn accept(&mut self, seq: u64) -> bool {
        if self.in_flight == Some(seq) {
            self.in_flight = None;
        }
        if seq < self.min_seq || seq <= self.latest_applied {
            return false;
        }
        self.latest_applied = seq;
        true
    }

    /// A new context: forget everything in flight.
    pub fn reset(&mut self, min_seq: u64) {
        *self = Self {
            min_seq,
            latest_applied: min_seq.saturating_sub(1),
            ..Self::new(self.interval)
        };
    }
}
