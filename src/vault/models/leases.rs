//! `sys/leases/*` answers: one lease's lookup, a renewal.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer};

/// `data` of `PUT sys/leases/lookup {"lease_id"}`. Times are RFC 3339; the dev root token's
/// lease has `expire_time: null, ttl: 0`. Server text: sanitise before drawing.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct LeaseInfo {
    /// The full lease id: `database/creds/readonly/5gzIKIOuw8J2MfZ8UUZooQQK`.
    pub id: String,
    #[serde(
        default,
        deserialize_with = "crate::vault::models::leases::lenient_time"
    )]
    pub issue_time: Option<DateTime<Utc>>,
    #[serde(
        default,
        deserialize_with = "crate::vault::models::leases::lenient_time"
    )]
    pub expire_time: Option<DateTime<Utc>>,
    #[serde(
        default,
        deserialize_with = "crate::vault::models::leases::lenient_time"
    )]
    pub last_renewal: Option<DateTime<Utc>>,
    #[serde(default)]
    pub renewable: bool,
    /// Seconds left when it was looked up (0 for a lease that never expires).
    #[serde(default)]
    pub ttl: i64,
}

impl LeaseInfo {
    /// The prefix the lease was issued under: its id without the last segment
    /// (`database/creds/readonly/`).
    pub fn prefix(&self) -> &str {
        match self.id.rfind('/') {
            Some(i) => &self.id[..=i],
            None => "",
        }
    }

    /// Seconds left at `now` (negative once expired); `None` for a lease without expiry.
    pub fn ttl_at(&self, now: DateTime<Utc>) -> Option<i64> {
        self.expire_time.map(|t| (t - now).num_seconds())
    }
}

/// The top of `PUT sys/leases/renew`: the new duration (capped at the mount's max TTL; the
/// server then adds a warning, kept here).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeaseRenewal {
    pub lease_id: String,
    pub lease_duration: i64,
    pub renewable: bool,
    pub warnings: Vec<String>,
}

/// An RFC 3339 time, or `None` for `null`, a missing field or text that is not a time (a
/// hostile or older server never fails the whole answer over one field).
pub fn lenient_time<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
    let v = Option::<serde_json::Value>::deserialize(d)?;
    Ok(v.as_ref()
        .and_then(serde_json::Value::as_str)
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .map(|t| t.with_timezone(&Utc)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lookup_decodes_and_knows_its_prefix() {
        let v = serde_json::json!({"id":"database/creds/readonly/5gz","issue_time":"2026-11-23T10:00:00Z",
            "expire_time":"2026-11-23T11:00:00.5Z","last_renewal":null,"path":"database/creds/readonly",
            "renewable":true,"ttl":3567});
        let l: LeaseInfo = serde_json::from_value(v).unwrap();
        assert_eq!(l.prefix(), "database/creds/readonly/");
        assert!(l.renewable);
        let now = DateTime::parse_from_rfc3339("2026-11-23T10:30:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(l.ttl_at(now), Some(1800));
        let root: LeaseInfo = serde_json::from_value(serde_json::json!(
            {"id":"auth/token/root/abc","issue_time":"2026-11-23T10:00:00Z","expire_time":null,"ttl":0}))
        .unwrap();
        assert_eq!(root.ttl_at(now), None);
        let odd: LeaseInfo = serde_json::from_value(serde_json::json!(
            {"id":"x","issue_time":"yesterday","expire_time":42}))
        .unwrap();
        assert_eq!((odd.issue_time, odd.expire_time), (None, None));
    }
}

/// Seconds of a duration as operators type it: `90` (seconds), `90s`, `30m`, `1h`, `1h30m`,
/// `2d` (see [`crate::radar::parse_secs`], the console's one parser).
pub fn parse_duration_secs(s: &str) -> Option<u64> {
    crate::radar::parse_secs(s)
}

#[cfg(test)]
mod duration_tests {
    use super::parse_duration_secs;

    #[test]
    fn durations_as_typed() {
        for (s, v) in [
            ("90", 90),
            ("90s", 90),
            ("30m", 1800),
            ("1h30m", 5400),
            ("2d", 172_800),
        ] {
            assert_eq!(parse_duration_secs(s), Some(v), "{s}");
        }
        for s in ["", "h", "1x", "-1h", "1h30", "99999999999999999999h"] {
            assert_eq!(parse_duration_secs(s), None, "{s}");
        }
    }
}
