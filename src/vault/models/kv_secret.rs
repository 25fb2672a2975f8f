//! KV secrets: data (values in secret types), version metadata, subkeys and a secret's metadata.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::Value;

/// One field of a secret. Strings are kept as they are; any other JSON value (number, object,
/// array, bool, null) is kept as its compact JSON text with `json: true`, so it is written back
/// as the same JSON value.
#[derive(Clone)]
pub struct SecretField {
    pub value: SecretString,
    pub json: bool,
}

impl SecretField {
    pub fn text(s: impl Into<String>) -> SecretField {
        SecretField {
            value: SecretString::from(s.into()),
            json: false,
        }
    }

    /// From a JSON value of the server's answer.
    pub fn from_json(v: &Value) -> SecretField {
        match v {
            Value::String(s) => SecretField::text(s.as_str()),
            other => SecretField {
                value: SecretString::from(other.to_string()),
                json: true,
            },
        }
    }

    /// The JSON value to send (a `json` field that no longer parses is sent as a string).
    pub fn to_json(&self) -> Value {
        let s = self.value.expose_secret();
        if self.json
            && let Ok(v) = serde_json::from_str::<Value>(s)
        {
            return v;
        }
        Value::String(s.to_string())
    }

    /// Length in characters, for "•" masks that do not say more than the server would.
    pub fn chars(&self) -> usize {
        self.value.expose_secret().chars().count()
    }
}

impl PartialEq for SecretField {
    fn eq(&self, other: &Self) -> bool {
        self.json == other.json && self.value.expose_secret() == other.value.expose_secret()
    }
}

impl Eq for SecretField {}

impl std::fmt::Debug for SecretField {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[REDACTED]")
    }
}

/// Field name → value.
pub type SecretFields = BTreeMap<String, SecretField>;

/// Build fields from a JSON object (a read's `data`, or the editor's text).
pub fn fields_of(obj: &serde_json::Map<String, Value>) -> SecretFields {
    obj.iter()
        .map(|(k, v)| (k.clone(), SecretField::from_json(v)))
        .collect()
}

/// The JSON object to write.
pub fn json_of(fields: &SecretFields) -> Value {
    Value::Object(
        fields
            .iter()
            .map(|(k, v)| (k.clone(), v.to_json()))
            .collect(),
    )
}

/// Where a version stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VersionState {
    Live,
    /// Soft-deleted (undelete brings it back).
    Deleted,
    Destroyed,
}

/// The metadata of one version (`data.metadata` of a read, an entry of `versions`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(default)]
pub struct VersionMeta {
    /// 0 where the answer does not say (the `versions` map has it as its key).
    pub version: u64,
    pub created_time: String,
    /// `""`, or when it was (or, with `delete_version_after`, will be) deleted.
    pub deletion_time: String,
    pub destroyed: bool,
    #[serde(deserialize_with = "null_as_default")]
    pub custom_metadata: BTreeMap<String, String>,
}

impl VersionMeta {
    /// Deleted means `deletion_time` set and not in the future (a live version of a secret with
    /// `delete_version_after` carries a future one).
    pub fn state(&self, now: DateTime<Utc>) -> VersionState {
        if self.destroyed {
            return VersionState::Destroyed;
        }
        if self.deletion_time.is_empty() {
            return VersionState::Live;
        }
        match DateTime::parse_from_rfc3339(&self.deletion_time) {
            Ok(t) if t.with_timezone(&Utc) > now => VersionState::Live,
            _ => VersionState::Deleted,
        }
    }
}

/// A secret as read: its fields (empty for a deleted or destroyed version) and, on KV v2, the
/// version's metadata.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SecretData {
    pub fields: SecretFields,
    pub version: Option<VersionMeta>,
}

/// `subkeys` of a KV v2 secret: names only (`null` leaves, objects for nested maps).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Subkeys {
    /// Top-level field names, sorted, with whether the value is a nested object.
    pub keys: Vec<(String, bool)>,
    pub version: Option<VersionMeta>,
}

impl Subkeys {
    pub fn from_tree(tree: &Value, version: Option<VersionMeta>) -> Subkeys {
        let mut keys: Vec<(String, bool)> = tree
            .as_object()
            .map(|o| o.iter().map(|(k, v)| (k.clone(), v.is_object())).collect())
            .unwrap_or_default();
        keys.sort();
        Subkeys { keys, version }
    }
}

/// `GET <mount>/metadata/<path>`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(default)]
pub struct KvMetadata {
    pub cas_required: bool,
    pub created_time: String,
    pub updated_time: String,
    pub current_version: u64,
    pub oldest_version: u64,
    pub max_versions: u64,
    /// As the server says it: "0s", "1h0m0s".
    pub delete_version_after: String,
    #[serde(deserialize_with = "null_as_default")]
    pub custom_metadata: BTreeMap<String, String>,
    /// By version number.
    #[serde(deserialize_with = "versions_map")]
    pub versions: BTreeMap<u64, VersionMeta>,
}

impl KvMetadata {
    /// The newest version that is live, if any.
    pub fn newest_live(&self, now: DateTime<Utc>) -> Option<u64> {
        self.versions
            .iter()
            .rev()
            .find(|(_, v)| v.state(now) == VersionState::Live)
            .map(|(n, _)| *n)
    }
}

/// A change of a secret's metadata (`POST <mount>/metadata/<path>`); `None` leaves a setting as
/// it is. The server replaces `custom_metadata` wholesale.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MetadataUpdate {
    pub max_versions: Option<u64>,
    pub cas_required: Option<bool>,
    /// "1h", "30m", "0s" (off).
    pub delete_version_after: Option<String>,
    pub custom_metadata: Option<BTreeMap<String, String>>,
}

impl MetadataUpdate {
    pub fn body(&self) -> Value {
        let mut m = serde_json::Map::new();
        if let Some(n) = self.max_versions {
            m.insert("max_versions".into(), n.into());
        }
        if let Some(b) = self.cas_required {
            m.insert("cas_required".into(), b.into());
        }
        if let Some(d) = &self.delete_version_after {
            m.insert("delete_version_after".into(), d.clone().into());
        }
        if let Some(c) = &self.custom_metadata {
            m.insert(
                "custom_metadata".into(),
                Value::Object(
                    c.iter()
                        .map(|(k, v)| (k.clone(), v.clone().into()))
                        .collect(),
                ),
            );
        }
        Value::Object(m)
    }
}

fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

fn versions_map<'de, D>(d: D) -> Result<BTreeMap<u64, VersionMeta>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    let raw: Option<BTreeMap<String, VersionMeta>> = Option::deserialize(d)?;
    Ok(raw
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(k, mut v)| {
            let n = k.parse::<u64>().ok()?;
            v.version = n;
            Some((n, v))
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_keep_non_string_values_as_json() {
        let v = serde_json::json!({"password": "hunter2", "port": 5432, "tags": ["a"], "x": null});
        let f = fields_of(v.as_object().unwrap());
        assert!(!f["password"].json);
        assert!(f["port"].json);
        assert_eq!(json_of(&f), v);
        assert_eq!(format!("{f:?}").matches("REDACTED").count(), 4);
        assert!(!format!("{f:?}").contains("hunter2"));
    }

    #[test]
    fn metadata_decodes_and_knows_deleted_from_future_deletion() {
        let body = serde_json::json!({
            "cas_required": false, "created_time": "2026-11-23T10:00:00Z", "current_version": 3,
            "custom_metadata": null, "delete_version_after": "1h0m0s", "max_versions": 0,
            "oldest_version": 0, "updated_time": "2026-11-23T10:00:00Z",
            "versions": {
                "1": {"created_time": "t", "deletion_time": "", "destroyed": true},
                "2": {"created_time": "t", "deletion_time": "2026-11-23T09:00:00Z", "destroyed": false},
                "3": {"created_time": "t", "deletion_time": "2026-11-23T11:00:00Z", "destroyed": false},
                "x": {}
            }
        });
        let m: KvMetadata = serde_json::from_value(body).unwrap();
        let now = DateTime::parse_from_rfc3339("2026-11-23T10:30:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(m.versions.len(), 3);
        assert_eq!(m.versions[&1].state(now), VersionState::Destroyed);
        assert_eq!(m.versions[&2].state(now), VersionState::Deleted);
        assert_eq!(m.versions[&3].state(now), VersionState::Live);
        assert_eq!(m.versions[&3].version, 3);
        assert_eq!(m.newest_live(now), Some(3));
    }

    #[test]
    fn subkeys_list_top_level_names() {
        let t = serde_json::json!({"b": null, "a": {"c": null}});
        let s = Subkeys::from_tree(&t, None);
        assert_eq!(s.keys, [("a".to_string(), true), ("b".to_string(), false)]);
    }
}
