//! Secret engines and auth methods, as `sys/mounts`, `sys/auth` and `sys/internal/ui/mounts`
//! describe them. One [`Mount`] type that every source fills.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

/// A secret engine or an auth method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MountKind {
    Secret,
    Auth,
}

/// Where a [`MountList`] came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MountSource {
    /// `sys/mounts` + `sys/auth`: every mount, with its whole configuration.
    SysMounts,
    /// `sys/internal/ui/mounts`: only the mounts the token's policies touch (the fallback for
    /// tokens that cannot read `sys/mounts`).
    UiMounts,
}

impl MountSource {
    pub fn label(self) -> &'static str {
        match self {
            MountSource::SysMounts => "sys/mounts",
            MountSource::UiMounts => "sys/internal/ui/mounts",
        }
    }
}

/// One mount, whatever the source; fields a source did not give are empty or `None`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mount {
    pub kind: MountKind,
    /// With its trailing `/`: `secret/`, `token/` (auth methods without the `auth/` prefix).
    pub path: String,
    /// `kv`, `pki`, `userpass`, …
    pub mount_type: String,
    /// 1 or 2 for KV mounts (`kv` without a version option, or `generic`, is 1); `None` otherwise.
    pub kv_version: Option<u8>,
    pub description: String,
    pub accessor: String,
    /// Seconds; `None` when the source did not say (0 means the system default).
    pub default_lease_ttl: Option<u64>,
    pub max_lease_ttl: Option<u64>,
    /// Engine options (`version` for KV), values as text.
    pub options: BTreeMap<String, String>,
    pub seal_wrap: bool,
    pub local: bool,
    pub external_entropy_access: bool,
    pub plugin_version: String,
    pub running_plugin_version: String,
    pub uuid: String,
    pub deprecation_status: String,
}

/// Every mount the token could see, secret engines first, each group sorted by path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MountList {
    pub mounts: Vec<Mount>,
    pub source: MountSource,
}

impl MountList {
    /// The secret engine holding `path` (`secret/apps/x` → `secret/`): the longest mount path
    /// that is a prefix of it.
    pub fn secret_mount_for(&self, path: &str) -> Option<&Mount> {
        let p = format!("{}/", path.trim_matches('/'));
        self.mounts
            .iter()
            .filter(|m| m.kind == MountKind::Secret && p.starts_with(&m.path))
            .max_by_key(|m| m.path.len())
    }
}

/// A mount entry as the server sends it; every field optional (the UI endpoint gives fewer).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct MountEntry {
    /// Only in `sys/internal/ui/mounts/<path>` answers.
    pub path: Option<String>,
    #[serde(rename = "type")]
    pub mount_type: Option<String>,
    pub description: Option<String>,
    pub accessor: Option<String>,
    pub config: Option<MountConfig>,
    pub options: Option<BTreeMap<String, Value>>,
    pub seal_wrap: Option<bool>,
    pub local: Option<bool>,
    pub external_entropy_access: Option<bool>,
    pub plugin_version: Option<String>,
    pub running_plugin_version: Option<String>,
    pub uuid: Option<String>,
    pub deprecation_status: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct MountConfig {
    pub default_lease_ttl: Option<Value>,
    pub max_lease_ttl: Option<Value>,
}

/// `sys/internal/ui/mounts` → `data`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct UiMounts {
    pub secret: BTreeMap<String, MountEntry>,
    pub auth: BTreeMap<String, MountEntry>,
}

impl MountEntry {
    /// The model type, for the mount at `path`.
    pub fn into_mount(self, kind: MountKind, path: &str) -> Mount {
        let options: BTreeMap<String, String> = self
            .options
            .unwrap_or_default()
            .into_iter()
            .map(|(k, v)| {
                let v = match v {
                    Value::String(s) => s,
                    Value::Null => String::new(),
                    other => other.to_string(),
                };
                (k, v)
            })
            .collect();
        let mount_type = self.mount_type.unwrap_or_default();
        let kv_version = kv_version_of(kind, &mount_type, &options);
        let config = self.config.unwrap_or_default();
        let mut path = path.trim_start_matches('/').to_string();
        if !path.ends_with('/') {
            path.push('/');
        }
        Mount {
            kind,
            path,
            mount_type,
            kv_version,
            description: self.description.unwrap_or_default(),
            accessor: self.accessor.unwrap_or_default(),
            default_lease_ttl: config.default_lease_ttl.as_ref().and_then(seconds),
            max_lease_ttl: config.max_lease_ttl.as_ref().and_then(seconds),
            options,
            seal_wrap: self.seal_wrap.unwrap_or(false),
            local: self.local.unwrap_or(false),
            external_entropy_access: self.external_entropy_access.unwrap_or(false),
            plugin_version: self.plugin_version.unwrap_or_default(),
            running_plugin_version: self.running_plugin_version.unwrap_or_default(),
            uuid: self.uuid.unwrap_or_default(),
            deprecation_status: self.deprecation_status.unwrap_or_default(),
        }
    }
}

/// KV version of a secret engine: `kv` with `version: "2"` is 2, other `kv` and `generic` are 1.
fn kv_version_of(
    kind: MountKind,
    mount_type: &str,
    options: &BTreeMap<String, String>,
) -> Option<u8> {
    if kind != MountKind::Secret {
        return None;
    }
    match mount_type {
        "kv" => Some(match options.get("version").map(String::as_str) {
            Some("2") => 2,
            _ => 1,
        }),
        "generic" => Some(1),
        _ => None,
    }
}

/// A TTL as the server sends it: seconds as a number (sys/mounts) or as text.
fn seconds(v: &Value) -> Option<u64> {
    match v {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

/// Turn a `path → entry` map into sorted mounts.
pub fn mounts_of(kind: MountKind, map: BTreeMap<String, MountEntry>) -> Vec<Mount> {
    map.into_iter()
        .map(|(path, e)| e.into_mount(kind, &path))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kv_versions_and_ttls() {
        let v: BTreeMap<String, MountEntry> = serde_json::from_str(
            r#"{"secret/":{"type":"kv","options":{"version":"2"},"config":{"default_lease_ttl":0,"max_lease_ttl":"3600"}},
                "kv1/":{"type":"kv","options":null},
                "pki/":{"type":"pki","options":{"x":5}}}"#,
        )
        .expect("parse");
        let m = mounts_of(MountKind::Secret, v);
        assert_eq!(m[0].path, "kv1/");
        assert_eq!(m[0].kv_version, Some(1));
        assert_eq!(m[1].kv_version, None);
        assert_eq!(m[1].options.get("x").map(String::as_str), Some("5"));
        assert_eq!(m[2].kv_version, Some(2));
        assert_eq!(
            (m[2].default_lease_ttl, m[2].max_lease_ttl),
            (Some(0), Some(3600))
        );
        let list = MountList {
            mounts: m,
            source: MountSource::SysMounts,
        };
        assert_eq!(
            list.secret_mount_for("secret/apps/x")
                .map(|m| m.path.as_str()),
            Some("secret/")
        );
        assert_eq!(
            list.secret_mount_for("secret").map(|m| m.path.as_str()),
            Some("secret/")
        );
        assert!(list.secret_mount_for("secretx/a").is_none());
    }
}
