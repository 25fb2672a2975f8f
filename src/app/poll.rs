//! When to poll: every `interval`, or at once when forced. Whether one is in flight, and which
//! replies to apply, is for [`super::Requests`].

use std::time::Duration;

use chrono::{DateTime, Utc};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PollState {
    pub interval: Duration,
    pub last_sent: Option<DateTime<Utc>>,
    forced: bool,
}

impl PollState {
    pub fn new(interval: Duration) -> Self {
        Self {
            interval,
            last_sent: None,
            forced: false,
        }
    }

    /// Time for the next poll (the caller checks that none is in flight).
    pub fn due(&self, now: DateTime<Utc>) -> bool {
        match self.last_sent {
            None => true,
            Some(t) => self.forced || (now - t).to_std().is_ok_and(|d| d >= self.interval),
        }
    }

    pub fn sent(&mut self, now: DateTime<Utc>) {
        self.last_sent = Some(now);
        self.forced = false;
    }

    /// Poll at the next chance regardless of the interval.
    pub fn force(&mut self) {
        self.forced = true;
    }

    /// A new context: poll at once.
    pub fn reset(&mut self) {
        *self = Self::new(self.interval);
    }
}
