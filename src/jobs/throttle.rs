//! Coalescing at the producer: at most one progress event per interval; the newest value wins,
//! and [`Throttle::flush`] hands out what is still held back (sent before `Done`).

use std::time::{Duration, Instant};

/// About 10 updates a second.
pub const PROGRESS_INTERVAL: Duration = Duration::from_millis(100);

#[derive(Debug, Clone)]
pub struct Throttle<T> {
    interval: Duration,
    last_sent: Option<Instant>,
    held: Option<T>,
}

impl<T> Throttle<T> {
    pub fn new(interval: Duration) -> Self {
        Self {
            interval,
            last_sent: None,
            held: None,
        }
    }

    /// Offer a value at `now`: returns it when it may go out now, else keeps it (replacing any
    /// value held before).
    pub fn offer(&mut self, value: T, now: Instant) -> Option<T> {
        let due = self
            .last_sent
            .is_none_or(|t| now.saturating_duration_since(t) >= self.interval);
        if due {
            self.last_sent = Some(now);
            self.held = None;
            Some(value)
        } else {
            self.held = Some(value);
            None
        }
    }

    /// The value held back, if any (call before the final event).
    pub fn flush(&mut self) -> Option<T> {
        self.held.take()
    }
}

impl<T> Default for Throttle<T> {
    fn default() -> Self {
        Self::new(PROGRESS_INTERVAL)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fast_producer_is_coalesced_and_the_last_value_kept() {
        let t0 = Instant::now();
        let mut th = Throttle::new(Duration::from_millis(100));
        let mut sent = Vec::new();
        // 10,000 updates within one simulated second.
        for i in 0..10_000u64 {
            let now = t0 + Duration::from_micros(i * 100);
            if let Some(v) = th.offer(i, now) {
                sent.push(v);
            }
        }
        assert!(sent.len() <= 11, "{} events went out", sent.len());
        assert_eq!(sent[0], 0);
        assert_eq!(th.flush(), Some(9_999));
        assert_eq!(th.flush(), None);
    }

    #[test]
    fn a_slow_producer_goes_out_at_once() {
        let t0 = Instant::now();
        let mut th = Throttle::new(Duration::from_millis(100));
        for i in 0..5u64 {
            let now = t0 + Duration::from_millis(i * 200);
            assert_eq!(th.offer(i, now), Some(i));
        }
        assert_eq!(th.flush(), None);
    }
}
