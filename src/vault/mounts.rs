//! `sys/mounts`, `sys/auth` and the fallback `sys/internal/ui/mounts` (filtered by the token's
//! ACL, readable by tokens that cannot read `sys/mounts`). The namespace goes in the
//! `X-Vault-Namespace` header the client always sends.

use std::collections::BTreeMap;

use super::client::VaultClient;
use super::error::VaultError;
use super::models::mounts::{
    Mount, MountEntry, MountKind, MountList, MountSource, UiMounts, mounts_of,
};

impl VaultClient {
    /// `GET sys/mounts` → every secret engine.
    pub async fn sys_mounts(&self) -> Result<Vec<Mount>, VaultError> {
        let map: BTreeMap<String, MountEntry> = self.get_data("sys/mounts").await?;
        Ok(mounts_of(MountKind::Secret, map))
    }

    /// `GET sys/auth` → every auth method.
    pub async fn sys_auth(&self) -> Result<Vec<Mount>, VaultError> {
        let map: BTreeMap<String, MountEntry> = self.get_data("sys/auth").await?;
        Ok(mounts_of(MountKind::Auth, map))
    }

    /// `GET sys/internal/ui/mounts` → the mounts the token's policies touch.
    pub async fn ui_mounts(&self) -> Result<Vec<Mount>, VaultError> {
        let ui: UiMounts = self.get_data("sys/internal/ui/mounts").await?;
        let mut all = mounts_of(MountKind::Secret, ui.secret);
        all.extend(mounts_of(MountKind::Auth, ui.auth));
        Ok(all)
    }

    /// `GET sys/internal/ui/mounts/<path>` → the secret engine that holds `path` (how `bao kv`
    /// finds a mount). A path the token cannot touch → 403 (a "preflight capability check").
    pub async fn ui_mount_for(&self, path: &str) -> Result<Mount, VaultError> {
        let api = format!("sys/internal/ui/mounts/{}", path.trim_matches('/'));
        let entry: MountEntry = self.get_data(&api).await?;
        let mount_path = entry
            .path
            .clone()
            .filter(|p| !p.is_empty())
            .ok_or_else(|| VaultError::Decode(format!("{api}: no mount path")))?;
        Ok(entry.into_mount(MountKind::Secret, &mount_path))
    }
}

/// Every mount: `sys/mounts` + `sys/auth`, or, when the token may not read them (403),
/// `sys/internal/ui/mounts`. The list says which source was used.
pub async fn list_mounts(client: &VaultClient) -> Result<MountList, VaultError> {
    let (secret, auth) = tokio::join!(client.sys_mounts(), client.sys_auth());
    match (secret, auth) {
        (Ok(mut mounts), Ok(auth)) => {
            mounts.extend(auth);
            Ok(MountList {
                mounts,
                source: MountSource::SysMounts,
            })
        }
        (Err(VaultError::PermissionDenied { .. }), _)
        | (_, Err(VaultError::PermissionDenied { .. })) => Ok(MountList {
            mounts: client.ui_mounts().await?,
            source: MountSource::UiMounts,
        }),
        (Err(e), _) | (_, Err(e)) => Err(e),
    }
}

/// The secret engine holding `path` (`secret/apps/x` → `secret/`): first the per-path UI
/// endpoint (any token that can touch the path may call it), then the mount list.
pub async fn find_secret_mount(client: &VaultClient, path: &str) -> Result<Mount, VaultError> {
    let first = match client.ui_mount_for(path).await {
        Ok(m) => return Ok(m),
        Err(e) => e,
    };
    let list = match list_mounts(client).await {
        Ok(l) => l,
        Err(_) => return Err(first),
    };
    if let Some(m) = list.secret_mount_for(path) {
        return Ok(m.clone());
    }
    if list.source == MountSource::SysMounts {
        // The whole list, and nothing holds the path: say so rather than "preflight 403".
        return Err(VaultError::NotFound {
            errors: vec![format!(
                "no secret engine is mounted at {}",
                path.trim_matches('/')
            )],
        });
    }
    Err(first)
}

/// What the mounts area is asked (of one configured node).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MountsRequest {
    /// Every secret engine and auth method (falling back to the UI endpoint on 403).
    List { addr: String },
}

/// What it answers.
#[derive(Debug, Clone, PartialEq)]
pub enum MountsReply {
    List(Result<MountList, VaultError>),
}

impl super::worker::Worker {
    /// Run one mounts request.
    pub async fn mounts(&self, r: MountsRequest) -> MountsReply {
        match r {
            MountsRequest::List { addr } => MountsReply::List(match self.client(&addr) {
                Ok(c) => list_mounts(&c).await,
                Err(e) => Err(e),
            }),
        }
    }
}
