//! Raft snapshots: `GET sys/storage/raft/snapshot` streamed to a file, and
//! `POST sys/storage/raft/snapshot[-force]` from one.
//!
//! A save goes to a temporary name in the target's directory (mode 0600 from the start) and is
//! renamed when complete; a failed or cancelled save removes it. The size is bounded
//! ([`MAX_SNAPSHOT_BYTES`]) and the SHA-256 of what was written is computed on the way.
//! OpenBao facts (OPENBAO.md "More traps"): take snapshots from the ACTIVE node (a standby
//! answers from its own raft state, or 500 "nothing new to snapshot" after a restart); restore
//! only to the active node (a restore POSTed to a standby answers 204, then fails and seals
//! that standby); an open `sys/monitor` stream on the active node blocks a restore.

use std::path::{Path, PathBuf};
use std::time::Duration;

use reqwest::Method;
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;
use tokio_util::sync::CancellationToken;

use super::client::VaultClient;
use super::error::VaultError;

/// The largest snapshot saved or restored.
pub const MAX_SNAPSHOT_BYTES: u64 = 4 * 1024 * 1024 * 1024;
/// How long a snapshot transfer may take in all.
pub const TRANSFER_TIMEOUT: Duration = Duration::from_secs(30 * 60);
const SNAPSHOT_PATH: &str = "sys/storage/raft/snapshot";
const FORCE_PATH: &str = "sys/storage/raft/snapshot-force";

/// A saved snapshot: where, how large, its SHA-256 (hex).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotSaved {
    pub path: PathBuf,
    pub bytes: u64,
    pub sha256: String,
}

/// Why a save or a restore failed.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error(transparent)]
    Vault(#[from] VaultError),
    #[error("{path}: {source}")]
    File {
        path: String,
        source: std::io::Error,
    },
    #[error("the snapshot is larger than {} MiB", MAX_SNAPSHOT_BYTES / (1024 * 1024))]
    TooLarge,
    #[error("cancelled")]
    Cancelled,
    #[error("the snapshot file is empty")]
    Empty,
}

impl SnapshotError {
    fn file(path: &Path, source: std::io::Error) -> Self {
        SnapshotError::File {
            path: crate::sanitize::sanitize(&path.display().to_string()).into_owned(),
            source,
        }
    }

    /// As a [`VaultError`], for job events.
    pub fn into_vault(self) -> VaultError {
        match self {
            SnapshotError::Vault(e) => e,
            other => VaultError::Transport(other.to_string()),
        }
    }
}

/// The temporary name a save writes to before the rename: `.<name>.partial` beside it.
pub fn partial_path(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "snapshot".into());
    target.with_file_name(format!(".{name}.partial"))
}

/// Hex of a SHA-256 digest.
pub fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Stream a snapshot of the node behind `client` (the active node) into `target`, reporting
/// the bytes written so far through `progress`.
pub async fn save_snapshot(
    client: &VaultClient,
    target: &Path,
    cancel: &CancellationToken,
    progress: &mut (dyn FnMut(u64) + Send),
) -> Result<SnapshotSaved, SnapshotError> {
    let partial = partial_path(target);
    // The partial file never stays behind: removed when the save ends, however it ends (an
    // error, a cancel, or the task dropped at shutdown). After the rename it is gone already.
    let _guard = PartialGuard(partial.clone());
    save_into(client, target, &partial, cancel, progress).await
}

/// Removes the partial file when dropped.
struct PartialGuard(PathBuf);

impl Drop for PartialGuard {
    fn drop(&mut self) {
        // Missing is the normal case after a rename: nothing to report.
        let _ = std::fs::remove_file(&self.0);
    }
}

async fn save_into(
    client: &VaultClient,
    target: &Path,
    partial: &Path,
    cancel: &CancellationToken,
    progress: &mut (dyn FnMut(u64) + Send),
) -> Result<SnapshotSaved, SnapshotError> {
    let req = client
        .builder(Method::GET, SNAPSHOT_PATH)?
        .timeout(TRANSFER_TIMEOUT);
    let mut resp = tokio::select! {
        r = req.send() => r.map_err(|e| client.stream_error(e))?,
        () = cancel.cancelled() => return Err(SnapshotError::Cancelled),
    };
    if !resp.status().is_success() {
        return Err(client.stream_failure(resp, SNAPSHOT_PATH).await.into());
    }
    if resp
        .content_length()
        .is_some_and(|n| n > MAX_SNAPSHOT_BYTES)
    {
        return Err(SnapshotError::TooLarge);
    }
    let mut file = create_private(partial).await?;
    let mut hasher = Sha256::new();
    let mut bytes: u64 = 0;
    loop {
        let chunk = tokio::select! {
            c = resp.chunk() => c.map_err(|e| client.stream_error(e))?,
            () = cancel.cancelled() => return Err(SnapshotError::Cancelled),
        };
        let Some(chunk) = chunk else { break };
        bytes = bytes.saturating_add(chunk.len() as u64);
        if bytes > MAX_SNAPSHOT_BYTES {
            return Err(SnapshotError::TooLarge);
        }
        hasher.update(&chunk);
        file.write_all(&chunk)
            .await
            .map_err(|e| SnapshotError::file(partial, e))?;
        progress(bytes);
    }
    if bytes == 0 {
        return Err(SnapshotError::Empty);
    }
    file.sync_all()
        .await
        .map_err(|e| SnapshotError::file(partial, e))?;
    drop(file);
    if cancel.is_cancelled() {
        return Err(SnapshotError::Cancelled);
    }
    tokio::fs::rename(partial, target)
        .await
        .map_err(|e| SnapshotError::file(target, e))?;
    Ok(SnapshotSaved {
        path: target.to_path_buf(),
        bytes,
        sha256: hex(&hasher.finalize()),
    })
}

/// A new file only its owner may read (0600 from creation; an existing partial is replaced).
async fn create_private(path: &Path) -> Result<tokio::fs::File, SnapshotError> {
    let mut opts = tokio::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    opts.mode(0o600);
    let file = opts
        .open(path)
        .await
        .map_err(|e| SnapshotError::file(path, e))?;
    // An existing file keeps its mode through `open`: set it again.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tokio::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
            .await
            .map_err(|e| SnapshotError::file(path, e))?;
    }
    Ok(file)
}

/// Read a snapshot file (at most [`MAX_SNAPSHOT_BYTES`]).
pub async fn read_snapshot_file(path: &Path) -> Result<Vec<u8>, SnapshotError> {
    let meta = tokio::fs::metadata(path)
        .await
        .map_err(|e| SnapshotError::file(path, e))?;
    if meta.len() > MAX_SNAPSHOT_BYTES {
        return Err(SnapshotError::TooLarge);
    }
    if meta.len() == 0 {
        return Err(SnapshotError::Empty);
    }
    tokio::fs::read(path)
        .await
        .map_err(|e| SnapshotError::file(path, e))
}

/// `POST sys/storage/raft/snapshot` (or `snapshot-force`: a snapshot of another cluster) with
/// the file as the raw body, to the node behind `client` — the ACTIVE node. The server answers
/// 204 and restores afterwards (a few seconds).
pub async fn restore_snapshot(
    client: &VaultClient,
    path: &Path,
    force: bool,
) -> Result<(), SnapshotError> {
    let body = read_snapshot_file(path).await?;
    let api_path = if force { FORCE_PATH } else { SNAPSHOT_PATH };
    let resp = client
        .builder(Method::POST, api_path)?
        .timeout(TRANSFER_TIMEOUT)
        .header(reqwest::header::CONTENT_TYPE, "application/octet-stream")
        .body(body)
        .send()
        .await
        .map_err(|e| client.stream_error(e))?;
    if !resp.status().is_success() {
        return Err(client.stream_failure(resp, api_path).await.into());
    }
    Ok(())
}

/// `strongroom-<cluster>-<YYYYmmdd-HHMMSS>.snap`, with only `[A-Za-z0-9._-]` of the cluster
/// name (a server value; never anything secret).
pub fn default_file_name(cluster: &str, now: chrono::DateTime<chrono::Utc>) -> String {
    let name: String = cluster
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        .take(40)
        .collect();
    let name = if name.is_empty() {
        "cluster".into()
    } else {
        name
    };
    format!("strongroom-{name}-{}.snap", now.format("%Y%m%d-%H%M%S"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn default_names_are_plain() {
        let t = chrono::Utc
            .with_ymd_and_hms(2026, 11, 23, 22, 30, 5)
            .single();
        let t = t.unwrap_or_default();
        assert_eq!(
            default_file_name("vault-cluster-1", t),
            "strongroom-vault-cluster-1-20261123-223005.snap"
        );
        assert_eq!(
            default_file_name("../\u{1b}[31m x/y", t),
            "strongroom-..31mxy-20261123-223005.snap"
        );
        assert_eq!(
            default_file_name("", t),
            "strongroom-cluster-20261123-223005.snap"
        );
    }

    #[test]
    fn the_partial_file_sits_beside_the_target() {
        assert_eq!(
            partial_path(Path::new("/tmp/a/s.snap")),
            PathBuf::from("/tmp/a/.s.snap.partial")
        );
    }
}
