//! `Remote<T>`: data that lives on a server. Not asked, loading, ready (with its fetch time) or
//! failed (keeping the last good value, which is then shown as stale with its age).

use chrono::{DateTime, Utc};

use crate::vault::VaultError;

/// A value with the time it was fetched.
#[derive(Debug, Clone, PartialEq)]
pub struct Stamped<T> {
    pub value: T,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub enum Remote<T> {
    #[default]
    NotAsked,
    /// A request is in flight; `last` is the previous good value, if any.
    Loading {
        last: Option<Stamped<T>>,
    },
    Ready(Stamped<T>),
    /// The latest request failed; `last` is the last good value, now stale.
    Failed {
        /// Typed until it is drawn: code decides on the variant, never on the text.
        error: VaultError,
        at: DateTime<Utc>,
        last: Option<Stamped<T>>,
    },
}

impl<T> Remote<T> {
    /// Mark a request as in flight, keeping whatever good value there is.
    pub fn start_loading(&mut self) {
        let last = self.take_last();
        *self = Remote::Loading { last };
    }

    pub fn succeed(&mut self, value: T, at: DateTime<Utc>) {
        *self = Remote::Ready(Stamped { value, at });
    }

    pub fn fail(&mut self, error: VaultError, at: DateTime<Utc>) {
        let last = self.take_last();
        *self = Remote::Failed { error, at, last };
    }

    /// Apply a result.
    pub fn apply(&mut self, result: Result<T, VaultError>, at: DateTime<Utc>) {
        match result {
            Ok(v) => self.succeed(v, at),
            Err(e) => self.fail(e, at),
        }
    }

    fn take_last(&mut self) -> Option<Stamped<T>> {
        match std::mem::take(self) {
            Remote::NotAsked => None,
            Remote::Loading { last } | Remote::Failed { last, .. } => last,
            Remote::Ready(s) => Some(s),
        }
    }

    /// The newest good value, fresh or stale.
    pub fn stamped(&self) -> Option<&Stamped<T>> {
        match self {
            Remote::NotAsked => None,
            Remote::Loading { last } | Remote::Failed { last, .. } => last.as_ref(),
            Remote::Ready(s) => Some(s),
        }
    }

    pub fn value(&self) -> Option<&T> {
        self.stamped().map(|s| &s.value)
    }

    /// The error of the latest request, if it failed.
    pub fn error(&self) -> Option<&VaultError> {
        match self {
            Remote::Failed { error, .. } => Some(error),
            _ => None,
        }
    }

    /// True when the value shown is left over from before a failed request.
    pub fn is_stale(&self) -> bool {
        matches!(self, Remote::Failed { last: Some(_), .. })
    }

    pub fn is_loading(&self) -> bool {
        matches!(self, Remote::Loading { .. })
    }

    /// Age of the newest good value at `now`.
    pub fn age(&self, now: DateTime<Utc>) -> Option<chrono::Duration> {
        self.stamped().map(|s| now - s.at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn failure_keeps_last_good_value() {
        let t0 = Utc.timestamp_opt(1_700_000_000, 0).single().expect("time");
        let mut r: Remote<u32> = Remote::NotAsked;
        r.start_loading();
        assert!(r.value().is_none());
        r.succeed(7, t0);
        r.start_loading();
        assert_eq!(r.value(), Some(&7));
        assert!(!r.is_stale());
        r.fail(
            VaultError::Timeout { secs: 5.0 },
            t0 + chrono::Duration::seconds(5),
        );
        assert_eq!(r.error(), Some(&VaultError::Timeout { secs: 5.0 }));
        assert!(r.is_stale());
        assert_eq!(r.value(), Some(&7));
        assert_eq!(
            r.age(t0 + chrono::Duration::seconds(30)),
            Some(chrono::Duration::seconds(30))
        );
        r.succeed(8, t0);
        assert!(!r.is_stale());
    }
}
