//! The KV area of the worker: what screens ask of KV mounts (LIST a folder, subkeys, metadata,
//! a read on reveal or copy, capabilities) and the KV writes that passed the gate.

use super::client::VaultClient;
use super::error::VaultError;
use super::kv::KV_REPLY_LIMIT;
use super::models::kv::{Capabilities, KvVersion};
use super::models::kv_secret::{KvMetadata, SecretData, Subkeys};
use super::worker::Worker;
use crate::reply::WriteResult;
use crate::write_gate::kv::KvMutation;

/// One KV request, always of a configured node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KvRequest {
    /// LIST one folder (`folder` relative to the mount, "" or ending in `/`).
    List {
        addr: String,
        mount: String,
        kv: KvVersion,
        folder: String,
    },
    /// The field names of a v2 secret, without values.
    Subkeys {
        addr: String,
        mount: String,
        path: String,
        version: Option<u64>,
    },
    /// The metadata of a v2 secret (versions, settings).
    Metadata {
        addr: String,
        mount: String,
        path: String,
    },
    /// Read the values: only when the user reveals, copies or edits. `tag` comes back with
    /// the answer (what the read was for).
    Read {
        addr: String,
        mount: String,
        kv: KvVersion,
        path: String,
        version: Option<u64>,
        tag: String,
    },
    /// `sys/capabilities-self` for API paths.
    Capabilities { addr: String, paths: Vec<String> },
    /// Where `secret/apps/x` lives: its KV mount and version, and whether it is a folder (a
    /// LIST of `x/` finds keys) or a secret. For `:cd` and the other path commands.
    Resolve {
        addr: String,
        path: String,
        then: OpenAs,
    },
}

/// What to open once a path is resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenAs {
    /// The browser at a folder, or the secret view.
    Browse,
    /// The versions and metadata of a secret.
    Versions,
    /// The editor on a secret.
    Edit,
    /// The editor on a new secret.
    New,
}

/// A resolved path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// `secret/`.
    pub mount: String,
    pub kv: KvVersion,
    /// Relative to the mount; a folder ends in `/` ("" for the mount itself).
    pub path: String,
}

/// What the KV area answers; each answer names what it was for.
#[derive(Debug, Clone, PartialEq)]
pub enum KvReply {
    List {
        mount: String,
        folder: String,
        result: Result<Vec<String>, VaultError>,
    },
    Subkeys {
        path: String,
        result: Result<Subkeys, VaultError>,
    },
    Metadata {
        path: String,
        result: Result<KvMetadata, VaultError>,
    },
    Read {
        path: String,
        version: Option<u64>,
        tag: String,
        result: Result<SecretData, VaultError>,
    },
    Capabilities {
        paths: Vec<String>,
        result: Result<Capabilities, VaultError>,
    },
    Resolved {
        then: OpenAs,
        result: Result<Resolved, VaultError>,
    },
}

impl Worker {
    /// Run one KV request.
    pub async fn kv(&self, r: KvRequest) -> KvReply {
        match r {
            KvRequest::List {
                addr,
                mount,
                kv,
                folder,
            } => {
                let result = match self.client(&addr) {
                    Ok(c) => {
                        c.with_reply_limit(KV_REPLY_LIMIT)
                            .kv_list(&mount, kv, &folder)
                            .await
                    }
                    Err(e) => Err(e),
                };
                KvReply::List {
                    mount,
                    folder,
                    result,
                }
            }
            KvRequest::Subkeys {
                addr,
                mount,
                path,
                version,
            } => {
                let result = match self.client(&addr) {
                    Ok(c) => c.kv_subkeys(&mount, &path, version).await,
                    Err(e) => Err(e),
                };
                KvReply::Subkeys { path, result }
            }
            KvRequest::Metadata { addr, mount, path } => {
                let result = match self.client(&addr) {
                    Ok(c) => c.kv_metadata(&mount, &path).await,
                    Err(e) => Err(e),
                };
                KvReply::Metadata { path, result }
            }
            KvRequest::Read {
                addr,
                mount,
                kv,
                path,
                version,
                tag,
            } => {
                let result = match self.client(&addr) {
                    Ok(c) => c.kv_read(&mount, kv, &path, version).await,
                    Err(e) => Err(e),
                };
                KvReply::Read {
                    path,
                    version,
                    tag,
                    result,
                }
            }
            KvRequest::Capabilities { addr, paths } => {
                let result = match self.client(&addr) {
                    Ok(c) => {
                        let refs: Vec<&str> = paths.iter().map(String::as_str).collect();
                        c.capabilities_self(&refs).await
                    }
                    Err(e) => Err(e),
                };
                KvReply::Capabilities { paths, result }
            }
            KvRequest::Resolve { addr, path, then } => {
                let result = match self.client(&addr) {
                    Ok(c) => resolve(&c, &path, then).await,
                    Err(e) => Err(e),
                };
                KvReply::Resolved { then, result }
            }
        }
    }

    /// Perform one KV mutation that passed the gate.
    pub async fn kv_write_one(&self, m: &KvMutation) -> Result<WriteResult, VaultError> {
        let c = self.client(m.addr())?;
        kv_write_with(&c, m).await
    }
}

/// Find the KV mount of `path` and whether the rest is a folder.
pub async fn resolve(c: &VaultClient, path: &str, then: OpenAs) -> Result<Resolved, VaultError> {
    let path = path.trim().trim_start_matches('/');
    let mount = super::mounts::find_secret_mount(c, path).await?;
    let kv = mount
        .kv_version
        .and_then(KvVersion::from_number)
        .ok_or_else(|| {
            VaultError::Config(format!(
                "{} is a {} engine, not KV",
                crate::sanitize::sanitize(&mount.path),
                crate::sanitize::sanitize(&mount.mount_type)
            ))
        })?;
    let rest = path
        .strip_prefix(mount.path.as_str())
        .or_else(|| path.strip_prefix(mount.path.trim_end_matches('/')))
        .unwrap_or("")
        .trim_start_matches('/')
        .to_string();
    // A name without a trailing `/` is a folder if listing it finds keys (browsing only).
    let rest = if then == OpenAs::Browse && !rest.is_empty() && !rest.ends_with('/') {
        match c
            .with_reply_limit(KV_REPLY_LIMIT)
            .kv_list(&mount.path, kv, &format!("{rest}/"))
            .await
        {
            Ok(keys) if !keys.is_empty() => format!("{rest}/"),
            _ => rest,
        }
    } else {
        rest
    };
    Ok(Resolved {
        mount: mount.path,
        kv,
        path: rest,
    })
}

/// Perform a KV mutation with this client.
pub async fn kv_write_with(c: &VaultClient, m: &KvMutation) -> Result<WriteResult, VaultError> {
    match m {
        KvMutation::Write {
            mount,
            kv,
            path,
            fields,
            cas,
            ..
        } => {
            let meta = c.kv_write(mount, *kv, path, fields, *cas).await?;
            Ok(meta.map_or(WriteResult::Done, |m| WriteResult::Version(m.version)))
        }
        KvMutation::Patch {
            mount,
            path,
            field,
            value,
            cas,
            ..
        } => {
            let meta = c.kv_patch(mount, path, field, value, *cas).await?;
            Ok(meta.map_or(WriteResult::Done, |m| WriteResult::Version(m.version)))
        }
        KvMutation::Rollback {
            mount,
            path,
            to_version,
            current,
            ..
        } => {
            let old = c
                .kv_read(mount, KvVersion::V2, path, Some(*to_version))
                .await?;
            if old.fields.is_empty()
                && old
                    .version
                    .as_ref()
                    .is_some_and(|v| !v.deletion_time.is_empty() || v.destroyed)
            {
                return Err(VaultError::Config(format!(
                    "version {to_version} is deleted or destroyed: undelete it first"
                )));
            }
            let meta = c
                .kv_write(mount, KvVersion::V2, path, &old.fields, Some(*current))
                .await?;
            Ok(meta.map_or(WriteResult::Done, |m| WriteResult::Version(m.version)))
        }
        KvMutation::Delete {
            mount,
            kv,
            path,
            versions,
            ..
        } => c
            .kv_delete(mount, *kv, path, versions)
            .await
            .map(|()| WriteResult::Done),
        KvMutation::Undelete {
            mount,
            path,
            versions,
            ..
        } => c
            .kv_undelete(mount, path, versions)
            .await
            .map(|()| WriteResult::Done),
        KvMutation::Destroy {
            mount,
            path,
            versions,
            ..
        } => c
            .kv_destroy(mount, path, versions)
            .await
            .map(|()| WriteResult::Done),
        KvMutation::DeleteMetadata { mount, path, .. } => c
            .kv_delete_metadata(mount, path)
            .await
            .map(|()| WriteResult::Done),
        KvMutation::WriteMetadata {
            mount,
            path,
            update,
            ..
        } => c
            .kv_write_metadata(mount, KvVersion::V2, path, update)
            .await
            .map(|()| WriteResult::Done),
    }
}
