//! The unseal ceremony as an API area: each node's `sys/seal-status` (unauthenticated, asked of
//! every node the screen shows), the gated `sys/unseal` writes (a share, or a reset, to a
//! configured node) and saving the ceremony log to a file (mode 0600, appended). The share
//! calls themselves are [`VaultClient::unseal`](super::client::VaultClient) — the same the
//! sandbox uses.

use std::path::PathBuf;

use super::error::VaultError;
use super::models::sys::SealStatus;
use super::worker::Worker;
use crate::reply::WriteResult;
use crate::write_gate::unseal::UnsealMutation;

/// A read of the unseal screen.
#[derive(Debug, Clone, PartialEq)]
pub enum UnsealRequest {
    /// `GET sys/seal-status` of one node; `generation` comes back with the answer, so the screen can
    /// drop an answer that a submission overtook.
    SealStatus { addr: String, generation: u64 },
    /// Append the ceremony log (no share in it) to a file, created with mode 0600.
    SaveLog { path: PathBuf, text: String },
}

#[derive(Debug, Clone, PartialEq)]
pub enum UnsealReply {
    SealStatus {
        addr: String,
        generation: u64,
        result: Result<SealStatus, VaultError>,
    },
    /// The bytes appended, or what went wrong (in words).
    LogSaved {
        path: PathBuf,
        result: Result<usize, String>,
    },
}

/// The seal status a `sys/unseal` answered with, carried by a write's outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct SealAnswer(pub Box<SealStatus>);

// Every field of `SealStatus` is a string, a number or a bool: equality is total.
impl Eq for SealAnswer {}

impl Worker {
    pub async fn unseal_area(&self, r: UnsealRequest) -> UnsealReply {
        match r {
            UnsealRequest::SealStatus { addr, generation } => {
                let result = self.anonymous_client(&addr).seal_status().await;
                UnsealReply::SealStatus {
                    addr,
                    generation,
                    result,
                }
            }
            UnsealRequest::SaveLog { path, text } => {
                let result = append_private(&path, text.as_bytes()).await;
                UnsealReply::LogSaved { path, result }
            }
        }
    }

    /// One gated unseal write, to a configured node only.
    pub async fn unseal_write_one(&self, m: &UnsealMutation) -> Result<WriteResult, VaultError> {
        let c = self.client(m.addr())?;
        let status = match m {
            UnsealMutation::Submit { share, .. } => c.unseal(share.secret()).await?,
            UnsealMutation::Reset { .. } => c.unseal_reset().await?,
        };
        Ok(WriteResult::Seal(SealAnswer(Box::new(status))))
    }
}

/// Append `bytes` to `path` in one write (O_APPEND: safe beside other appenders), creating it
/// with mode 0600; an existing file is set to 0600 too. Runs on a blocking thread.
pub async fn append_private(path: &std::path::Path, bytes: &[u8]) -> Result<usize, String> {
    let (path, bytes) = (path.to_path_buf(), bytes.to_vec());
    tokio::task::spawn_blocking(move || append_private_blocking(&path, &bytes))
        .await
        .map_err(|e| format!("the save did not finish: {e}"))?
}

fn append_private_blocking(path: &std::path::Path, bytes: &[u8]) -> Result<usize, String> {
    use std::io::Write as _;
    let shown = crate::sanitize::sanitize(&path.display().to_string()).into_owned();
    let mut opts = std::fs::OpenOptions::new();
    opts.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts
        .open(path)
        .map_err(|e| format!("cannot open {shown}: {e}"))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        f.set_permissions(std::fs::Permissions::from_mode(0o600))
            .map_err(|e| format!("cannot set mode 0600 on {shown}: {e}"))?;
    }
    f.write_all(bytes)
        .and_then(|()| f.sync_data())
        .map_err(|e| format!("cannot write {shown}: {e}"))?;
    Ok(bytes.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_log_is_appended_with_mode_0600() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("ceremony.log");
        assert_eq!(append_private(&path, b"one\n").await, Ok(4));
        assert_eq!(append_private(&path, b"two\n").await, Ok(4));
        let text = std::fs::read_to_string(&path).expect("read back");
        assert_eq!(text, "one\ntwo\n");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let bad = dir.path().join("no-such-dir").join("x.log");
        assert!(append_private(&bad, b"x").await.is_err());
    }
}
