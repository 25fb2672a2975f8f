//! KV writes: each says once what it does and how much confirmation it needs. Reversible ones
//! (a new version, a soft delete, an undelete, settings) are confirmed with `y`; ones that lose
//! data for good (destroy, delete all metadata, a KV v1 delete) need the path typed.

use super::{MutationSpec, Risk, shown, typeable};
use crate::vault::models::kv::KvVersion;
use crate::vault::models::kv_secret::{MetadataUpdate, SecretFields};
use crate::vault::models::wrapping::SecretText;

/// A KV write, aimed at a configured node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KvMutation {
    /// Write a new version (v2) or replace the secret (v1). `cas`: `Some(n)` only if the
    /// current version is `n` (`Some(0)`: create only).
    Write {
        addr: String,
        mount: String,
        kv: KvVersion,
        path: String,
        fields: SecretFields,
        cas: Option<u64>,
    },
    /// Set one field of a v2 secret in a new version with HTTP PATCH (merge-patch), the other
    /// fields unchanged: the console never reads them. Only if the newest is still `cas`.
    Patch {
        addr: String,
        mount: String,
        path: String,
        field: String,
        value: SecretText,
        cas: u64,
    },
    /// Write version `to_version` again as the newest, if the newest is still `current`.
    Rollback {
        addr: String,
        mount: String,
        path: String,
        to_version: u64,
        current: u64,
    },
    /// Soft-delete versions (v2; undelete brings them back), or delete a v1 secret for good.
    Delete {
        addr: String,
        mount: String,
        kv: KvVersion,
        path: String,
        versions: Vec<u64>,
    },
    Undelete {
        addr: String,
        mount: String,
        path: String,
        versions: Vec<u64>,
    },
    /// Destroy versions for good (v2).
    Destroy {
        addr: String,
        mount: String,
        path: String,
        versions: Vec<u64>,
    },
    /// Remove every version and the metadata (v2).
    DeleteMetadata {
        addr: String,
        mount: String,
        path: String,
    },
    /// Change a v2 secret's settings.
    WriteMetadata {
        addr: String,
        mount: String,
        path: String,
        update: MetadataUpdate,
    },
}

/// "secret/apps/x".
fn full(mount: &str, path: &str) -> String {
    format!(
        "{}/{}",
        mount.trim_end_matches('/'),
        path.trim_start_matches('/')
    )
}

/// "v3", "v2, v3".
fn versions_label(v: &[u64]) -> String {
    let parts: Vec<String> = v.iter().map(|n| format!("v{n}")).collect();
    parts.join(", ")
}

/// "destroy secret/apps/x", typeable whatever the server put in the name.
fn phrase(verb: &str, path: &str) -> String {
    match typeable(path) {
        t if t.is_empty() => format!("{verb} this secret"),
        t => format!("{verb} {t}"),
    }
}

impl KvMutation {
    pub fn addr(&self) -> &str {
        match self {
            KvMutation::Write { addr, .. }
            | KvMutation::Patch { addr, .. }
            | KvMutation::Rollback { addr, .. }
            | KvMutation::Delete { addr, .. }
            | KvMutation::Undelete { addr, .. }
            | KvMutation::Destroy { addr, .. }
            | KvMutation::DeleteMetadata { addr, .. }
            | KvMutation::WriteMetadata { addr, .. } => addr,
        }
    }

    /// The secret's full path ("secret/apps/x").
    pub fn path(&self) -> String {
        match self {
            KvMutation::Write { mount, path, .. }
            | KvMutation::Patch { mount, path, .. }
            | KvMutation::Rollback { mount, path, .. }
            | KvMutation::Delete { mount, path, .. }
            | KvMutation::Undelete { mount, path, .. }
            | KvMutation::Destroy { mount, path, .. }
            | KvMutation::DeleteMetadata { mount, path, .. }
            | KvMutation::WriteMetadata { mount, path, .. } => full(mount, path),
        }
    }

    pub fn spec(&self) -> MutationSpec {
        let p = self.path();
        let item = shown(&p);
        let spec = |summary: String, description: String, name, risk, verb| MutationSpec {
            summary,
            description,
            name,
            risk,
            item: item.clone(),
            batch_words: (verb, "secret"),
        };
        match self {
            KvMutation::Write { fields, cas, .. } => {
                let n = fields.len();
                let guard = match cas {
                    Some(0) => " It must not exist yet (check-and-set 0).".to_string(),
                    Some(v) => format!(" Only if v{v} is still the newest (check-and-set)."),
                    None => String::new(),
                };
                spec(
                    format!("write {item}"),
                    format!(
                        "Write {n} field{} to {item} as its newest version.{guard}",
                        if n == 1 { "" } else { "s" }
                    ),
                    "writing a secret",
                    Risk::Confirm,
                    "write",
                )
            }
            KvMutation::Patch { field, cas, .. } => {
                let f = crate::sanitize::sanitize(field);
                spec(
                    format!("write a new version of {item} (field {f})"),
                    format!(
                        "Write v{} of {item} with a new value for the field {f}; the other fields \
                         stay as they are (only if v{cas} is still the newest).",
                        cas.saturating_add(1)
                    ),
                    "writing a secret",
                    Risk::Confirm,
                    "write",
                )
            }
            KvMutation::Rollback {
                to_version,
                current,
                ..
            } => spec(
                format!("roll back {item} to v{to_version}"),
                format!(
                    "Write v{to_version} of {item} again as its newest version (only if v{current} is still the newest)."
                ),
                "rolling back a secret",
                Risk::Confirm,
                "roll back",
            ),
            KvMutation::Delete { kv, versions, .. } => match kv {
                KvVersion::V2 => spec(
                    format!("delete {} of {item}", versions_label(versions)),
                    format!(
                        "Soft-delete {} of {item}. Undelete brings {} back.",
                        versions_label(versions),
                        if versions.len() == 1 { "it" } else { "them" }
                    ),
                    "deleting a secret version",
                    Risk::Confirm,
                    "delete",
                ),
                KvVersion::V1 => spec(
                    format!("delete {item}"),
                    format!("Delete {item}. KV v1 keeps no versions: it cannot be undone."),
                    "deleting a secret",
                    Risk::Typed(phrase("delete", &p)),
                    "delete",
                ),
            },
            KvMutation::Undelete { versions, .. } => spec(
                format!("undelete {} of {item}", versions_label(versions)),
                format!("Bring back {} of {item}.", versions_label(versions)),
                "undeleting a secret version",
                Risk::Confirm,
                "undelete",
            ),
            KvMutation::Destroy { versions, .. } => spec(
                format!("destroy {} of {item}", versions_label(versions)),
                format!(
                    "Destroy {} of {item} for good: the data is removed and cannot be brought back.",
                    versions_label(versions)
                ),
                "destroying a secret version",
                Risk::Typed(phrase("destroy", &p)),
                "destroy",
            ),
            KvMutation::DeleteMetadata { .. } => spec(
                format!("delete all versions of {item}"),
                format!(
                    "Delete {item} with every version and its metadata. This cannot be undone."
                ),
                "deleting a secret's metadata",
                Risk::Typed(phrase("delete", &p)),
                "delete",
            ),
            KvMutation::WriteMetadata { update, .. } => {
                let mut what = Vec::new();
                if let Some(n) = update.max_versions {
                    what.push(format!("max versions {n}"));
                }
                if let Some(b) = update.cas_required {
                    what.push(format!("check-and-set required {b}"));
                }
                if let Some(d) = &update.delete_version_after {
                    what.push(format!(
                        "delete versions after {}",
                        crate::sanitize::sanitize(d)
                    ));
                }
                if let Some(c) = &update.custom_metadata {
                    what.push(format!("{} custom metadata key(s)", c.len()));
                }
                spec(
                    format!("change settings of {item}"),
                    format!("Set {} on {item}.", what.join(", ")),
                    "changing a secret's settings",
                    Risk::Confirm,
                    "change",
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vault::models::kv_secret::SecretField;

    fn addr() -> String {
        "http://127.0.0.1:8200".into()
    }

    #[test]
    fn losing_data_for_good_needs_the_path_typed() {
        let destroy = KvMutation::Destroy {
            addr: addr(),
            mount: "secret/".into(),
            path: "apps/x".into(),
            versions: vec![3],
        };
        assert_eq!(
            destroy.spec().risk,
            Risk::Typed("destroy secret/apps/x".into())
        );
        assert_eq!(destroy.spec().summary, "destroy v3 of secret/apps/x");
        let meta = KvMutation::DeleteMetadata {
            addr: addr(),
            mount: "secret/".into(),
            path: "apps/x".into(),
        };
        assert_eq!(meta.spec().risk, Risk::Typed("delete secret/apps/x".into()));
        let soft = KvMutation::Delete {
            addr: addr(),
            mount: "secret/".into(),
            kv: KvVersion::V2,
            path: "apps/x".into(),
            versions: vec![1, 2],
        };
        assert_eq!(soft.spec().risk, Risk::Confirm);
        let v1 = KvMutation::Delete {
            addr: addr(),
            mount: "kv1/".into(),
            kv: KvVersion::V1,
            path: "a".into(),
            versions: vec![],
        };
        assert!(matches!(v1.spec().risk, Risk::Typed(_)));
    }

    #[test]
    fn a_write_never_shows_its_values() {
        let mut fields = SecretFields::new();
        fields.insert("password".into(), SecretField::text("hunter2-canary"));
        let w = KvMutation::Write {
            addr: addr(),
            mount: "secret/".into(),
            kv: KvVersion::V2,
            path: "apps/\u{1b}[31mx".into(),
            fields,
            cas: Some(4),
        };
        let s = w.spec();
        let all = format!("{s:?} {w:?}");
        assert!(!all.contains("hunter2-canary"), "{all}");
        assert!(!all.contains('\u{1b}'), "{all}");
        assert!(s.description.contains("v4"));
    }
}
