//! Requests in flight, by key, with their origin: a reply goes back to whoever asked, is applied
//! only if it is newer than the latest applied for its key, and is dropped when it was issued
//! before a context switch (an earlier epoch). Pure bookkeeping, no I/O.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use crate::command::{Origin, RequestKey, Ticket};

/// A request in flight longer than this is considered lost (the client times out well before).
const LOST_AFTER_SECS: i64 = 20;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Requests {
    epoch: u64,
    next_seq: u64,
    /// Key → (seq, sent at) of the request in flight.
    in_flight: HashMap<RequestKey, (u64, DateTime<Utc>)>,
    /// Key → the newest seq applied.
    applied: HashMap<RequestKey, u64>,
}

impl Requests {
    pub fn epoch(&self) -> u64 {
        self.epoch
    }

    /// A ticket for a new request of `key`; it becomes the one in flight.
    pub fn issue(&mut self, key: RequestKey, now: DateTime<Utc>) -> Ticket {
        self.next_seq += 1;
        self.in_flight.insert(key.clone(), (self.next_seq, now));
        Ticket {
            seq: self.next_seq,
            epoch: self.epoch,
            key,
        }
    }

    /// A ticket under a key of its own ("seal 3 nodes #12"), for one-off work such as a write.
    pub fn issue_unique(&mut self, origin: Origin, what: &str, now: DateTime<Utc>) -> Ticket {
        let key = RequestKey::new(origin, format!("{what} #{}", self.next_seq + 1));
        self.issue(key, now)
    }

    /// True while a request of `key` is in flight (and not yet considered lost).
    pub fn in_flight(&self, key: &RequestKey, now: DateTime<Utc>) -> bool {
        self.in_flight
            .get(key)
            .is_some_and(|(_, at)| (now - *at).num_seconds() < LOST_AFTER_SECS)
    }

    /// A reply (or a job's last event) arrived: should it be applied?
    pub fn accept(&mut self, ticket: &Ticket) -> bool {
        if ticket.epoch != self.epoch {
            return false;
        }
        if self
            .in_flight
            .get(&ticket.key)
            .is_some_and(|(seq, _)| *seq == ticket.seq)
        {
            self.in_flight.remove(&ticket.key);
        }
        let applied = self.applied.entry(ticket.key.clone()).or_insert(0);
        if ticket.seq <= *applied {
            return false;
        }
        *applied = ticket.seq;
        true
    }

    /// An intermediate event (job progress): current epoch, and not older than what is applied.
    pub fn is_current(&self, ticket: &Ticket) -> bool {
        ticket.epoch == self.epoch
            && self
                .applied
                .get(&ticket.key)
                .is_none_or(|applied| ticket.seq > *applied)
    }

    /// Stop tracking the request of `key` (cancelled): its id, if one was in flight. Its later
    /// events are dropped.
    pub fn cancel(&mut self, key: &RequestKey) -> Option<u64> {
        let (seq, _) = self.in_flight.remove(key)?;
        let applied = self.applied.entry(key.clone()).or_insert(0);
        *applied = (*applied).max(seq);
        Some(seq)
    }

    /// A context switch: everything in flight belongs to the old cluster.
    pub fn new_epoch(&mut self) {
        self.epoch += 1;
        self.in_flight.clear();
        self.applied.clear();
    }
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

    #[test]
    fn replies_are_routed_by_key_and_older_ones_dropped() {
        let mut r = Requests::default();
        let poll = RequestKey::new(Origin::Cluster, "poll");
        let other = RequestKey::new(Origin::Gate, "write");
        let a = r.issue(poll.clone(), t(0));
        let b = r.issue(other.clone(), t(0));
        let c = r.issue(poll.clone(), t(1));
        assert!(r.in_flight(&poll, t(2)));
        assert!(!r.in_flight(&poll, t(30)), "lost after a while");
        assert!(r.accept(&c));
        assert!(!r.in_flight(&poll, t(2)));
        assert!(!r.accept(&a), "older than the applied one of its key");
        assert!(r.accept(&b), "another key is independent");
        assert!(!r.accept(&c), "applied once");
    }

    #[test]
    fn a_new_epoch_drops_everything_issued_before() {
        let mut r = Requests::default();
        let key = RequestKey::new(Origin::Cluster, "poll");
        let old = r.issue(key.clone(), t(0));
        r.new_epoch();
        assert!(!r.in_flight(&key, t(1)));
        assert!(!r.is_current(&old));
        assert!(!r.accept(&old));
        let new = r.issue(key, t(1));
        assert!(r.is_current(&new));
        assert!(r.accept(&new));
    }
}
