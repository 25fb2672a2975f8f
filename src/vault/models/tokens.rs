//! `auth/token/*` answers: a token's properties by accessor (`lookup-accessor`, never the token
//! itself: the server blanks `id`), `lookup-self`, a login.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer};

/// `data` of `auth/token/lookup-accessor` (and `lookup-self`, whose `id` is dropped here: the
/// token value never enters this type). Server text: sanitise before drawing.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct TokenInfo {
    #[serde(default)]
    pub accessor: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub display_name: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub policies: Vec<String>,
    /// The path that created it: `auth/token/create`, `auth/approle/login`, `auth/token/create/<role>`.
    #[serde(default, deserialize_with = "null_as_default")]
    pub path: String,
    /// Unix seconds.
    #[serde(default)]
    pub creation_time: i64,
    /// Seconds.
    #[serde(default)]
    pub creation_ttl: i64,
    /// Seconds left when looked up (0: never expires).
    #[serde(default)]
    pub ttl: i64,
    /// Seconds (0: none).
    #[serde(default)]
    pub explicit_max_ttl: i64,
    #[serde(
        default,
        deserialize_with = "crate::vault::models::leases::lenient_time"
    )]
    pub expire_time: Option<DateTime<Utc>>,
    #[serde(
        default,
        deserialize_with = "crate::vault::models::leases::lenient_time"
    )]
    pub issue_time: Option<DateTime<Utc>>,
    #[serde(default)]
    pub orphan: bool,
    #[serde(default)]
    pub renewable: bool,
    #[serde(default)]
    pub num_uses: i64,
    #[serde(default, deserialize_with = "null_as_default")]
    pub entity_id: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub meta: BTreeMap<String, String>,
    /// `service` or `batch`.
    #[serde(default, rename = "type", deserialize_with = "null_as_default")]
    pub token_type: String,
}

impl TokenInfo {
    /// Seconds left at `now`; `None` for a token that never expires.
    pub fn ttl_at(&self, now: DateTime<Utc>) -> Option<i64> {
        self.expire_time.map(|t| (t - now).num_seconds())
    }

    /// The creation time as a date, when the server gave a sane one.
    pub fn created(&self) -> Option<DateTime<Utc>> {
        DateTime::from_timestamp(self.creation_time, 0).filter(|_| self.creation_time > 0)
    }

    /// The role of a token made by a role (`auth/token/create/<role>`), or the login path.
    pub fn path_or_role(&self) -> &str {
        &self.path
    }
}

/// `null` → the type's default (the server sends `"meta": null`, `"policies": null`).
fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lookup_accessor_answer_decodes_nulls_as_empty() {
        let v = serde_json::json!({"accessor":"ncbh1yxdeKAib9Au0naG9spg","creation_time":1795459008,
            "creation_ttl":1800,"display_name":"token","entity_id":"","expire_time":"2026-11-23T19:06:48.065568424Z",
            "explicit_max_ttl":0,"id":"","issue_time":"2026-11-23T18:36:48.065570928Z","meta":null,
            "num_uses":0,"orphan":false,"path":"auth/token/create","policies":["root"],"renewable":true,
            "ttl":1800,"type":"service"});
        let t: TokenInfo = serde_json::from_value(v).unwrap();
        assert_eq!(t.accessor, "ncbh1yxdeKAib9Au0naG9spg");
        assert!(t.meta.is_empty());
        assert_eq!(t.policies, ["root"]);
        assert!(t.created().is_some());
        let root: TokenInfo = serde_json::from_value(serde_json::json!(
            {"accessor":"a","policies":null,"expire_time":null,"ttl":0,"creation_time":0}))
        .unwrap();
        assert_eq!(root.ttl_at(Utc::now()), None);
        assert!(root.created().is_none());
    }
}
