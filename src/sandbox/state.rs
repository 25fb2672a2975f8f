//! The sandbox's state directory: node configs, data and logs (see `hcl::NodePaths`), plus
//! `sandbox.json` (ports and PIDs), `credentials.json` (shares and root token, mode 0600 from the
//! moment it is created) and the `seeded` marker.

use std::fs::OpenOptions;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use zeroize::Zeroizing;

use super::cluster::{NodeProc, RunningCluster};
use super::error::SandboxError;
use super::hcl::NodePaths;
use super::init::{Credentials, into_secret};

/// Overrides the state directory (tests point it at a temporary directory).
pub const DIR_ENV: &str = "STRONGROOM_SANDBOX_DIR";
pub const STATE_FILE: &str = "sandbox.json";
pub const CREDENTIALS_FILE: &str = "credentials.json";
pub const SEEDED_MARKER: &str = "seeded";

const WARNING: &str = "strongroom sandbox: a local practice cluster. These keys and this token \
                       protect nothing real; never use this cluster for real secrets.";

/// `$STRONGROOM_SANDBOX_DIR`, else `<data dir>/strongroom/sandbox`.
pub fn state_dir() -> Result<PathBuf, SandboxError> {
    if let Some(d) = std::env::var_os(DIR_ENV).filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(d));
    }
    directories::ProjectDirs::from("", "", "strongroom")
        .map(|p| p.data_dir().join("sandbox"))
        .ok_or(SandboxError::NoStateDir)
}

/// What `sandbox.json` records about one node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeRecord {
    pub id: usize,
    pub api_addr: String,
    pub api_port: u16,
    pub cluster_port: u16,
    pub pid: Option<u32>,
}

/// `sandbox.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SandboxState {
    pub cluster_name: String,
    /// RFC 3339.
    pub created: String,
    pub nodes: Vec<NodeRecord>,
}

impl SandboxState {
    pub fn from_cluster(cluster: &RunningCluster, created: String) -> Self {
        Self {
            cluster_name: cluster.cluster_name.clone(),
            created,
            nodes: cluster
                .nodes
                .iter()
                .map(|n| NodeRecord {
                    id: n.id,
                    api_addr: n.api_addr.clone(),
                    api_port: n.api_port,
                    cluster_port: n.cluster_port,
                    pid: n.pid,
                })
                .collect(),
        }
    }

    /// The recorded nodes, as the cluster library tracks them.
    pub fn node_procs(&self, dir: &Path) -> Vec<NodeProc> {
        self.nodes
            .iter()
            .map(|r| {
                NodeProc::new(
                    r.id,
                    r.api_port,
                    r.cluster_port,
                    r.pid,
                    NodePaths::new(dir, r.id),
                )
            })
            .collect()
    }

    pub fn addrs(&self) -> Vec<String> {
        self.nodes.iter().map(|n| n.api_addr.clone()).collect()
    }

    /// `None` when there is no `sandbox.json`.
    pub fn load(dir: &Path) -> Result<Option<Self>, SandboxError> {
        let path = dir.join(STATE_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(SandboxError::io(
                    format!("cannot read {}", path.display()),
                    e,
                ));
            }
        };
        serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| SandboxError::State {
                dir: dir.to_path_buf(),
                reason: format!("{STATE_FILE} is not valid: {e}"),
            })
    }

    /// Write `sandbox.json` atomically (temporary file, then rename).
    pub fn save(&self, dir: &Path) -> Result<(), SandboxError> {
        let path = dir.join(STATE_FILE);
        let tmp = dir.join(format!("{STATE_FILE}.tmp"));
        let text = serde_json::to_vec_pretty(self)
            .map_err(|e| SandboxError::Unexpected(format!("cannot encode {STATE_FILE}: {e}")))?;
        write_private(&tmp, &text)?;
        std::fs::rename(&tmp, &path)
            .map_err(|e| SandboxError::io(format!("cannot write {}", path.display()), e))
    }
}

/// Create `path` with mode 0600 (replacing any earlier file) and write `bytes`. The mode is set
/// at creation, so the content is never readable by others, not even for a moment.
pub fn write_private(path: &Path, bytes: &[u8]) -> Result<(), SandboxError> {
    let ctx = || format!("cannot write {}", path.display());
    match std::fs::remove_file(path) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(SandboxError::io(ctx(), e)),
    }
    let mut f = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| SandboxError::io(ctx(), e))?;
    f.write_all(bytes).map_err(|e| SandboxError::io(ctx(), e))?;
    f.sync_all().map_err(|e| SandboxError::io(ctx(), e))
}

#[derive(Serialize)]
struct CredentialsFile<'a> {
    warning: &'a str,
    root_token: &'a str,
    unseal_threshold: usize,
    /// base64, as `bao operator unseal` and the console's unseal screen take them.
    unseal_keys_b64: Vec<&'a str>,
}

pub fn credentials_path(dir: &Path) -> PathBuf {
    dir.join(CREDENTIALS_FILE)
}

/// Write `credentials.json` (mode 0600).
pub fn write_credentials(dir: &Path, creds: &Credentials) -> Result<(), SandboxError> {
    let file = CredentialsFile {
        warning: WARNING,
        root_token: creds.root_token.expose_secret(),
        unseal_threshold: creds.threshold,
        unseal_keys_b64: creds
            .shares
            .iter()
            .map(ExposeSecret::expose_secret)
            .collect(),
    };
    let bytes =
        Zeroizing::new(serde_json::to_vec_pretty(&file).map_err(|e| {
            SandboxError::Unexpected(format!("cannot encode {CREDENTIALS_FILE}: {e}"))
        })?);
    write_private(&credentials_path(dir), &bytes)
}

/// Read `credentials.json`; `None` when it does not exist.
pub fn read_credentials(dir: &Path) -> Result<Option<Credentials>, SandboxError> {
    let path = credentials_path(dir);
    let bytes = match std::fs::read(&path) {
        Ok(b) => Zeroizing::new(b),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(SandboxError::io(
                format!("cannot read {}", path.display()),
                e,
            ));
        }
    };
    let bad = |reason: &str| SandboxError::State {
        dir: dir.to_path_buf(),
        reason: format!("{CREDENTIALS_FILE}: {reason}"),
    };
    let mut v: Value = serde_json::from_slice(&bytes).map_err(|_| bad("not valid JSON"))?;
    let root_token = v
        .get_mut("root_token")
        .map(Value::take)
        .and_then(into_secret)
        .ok_or_else(|| bad("no root_token"))?;
    let shares: Vec<SecretString> = match v.get_mut("unseal_keys_b64").map(Value::take) {
        Some(Value::Array(a)) => a
            .into_iter()
            .map(into_secret)
            .collect::<Option<_>>()
            .ok_or_else(|| bad("an unseal key that is not a string"))?,
        _ => return Err(bad("no unseal_keys_b64")),
    };
    let threshold = v
        .get("unseal_threshold")
        .and_then(Value::as_u64)
        .and_then(|t| usize::try_from(t).ok())
        .ok_or_else(|| bad("no unseal_threshold"))?;
    if shares.len() < threshold {
        return Err(bad("fewer unseal keys than the threshold"));
    }
    Ok(Some(Credentials {
        shares,
        threshold,
        root_token,
    }))
}

pub fn is_seeded(dir: &Path) -> bool {
    dir.join(SEEDED_MARKER).exists()
}

pub fn mark_seeded(dir: &Path) -> Result<(), SandboxError> {
    write_private(&dir.join(SEEDED_MARKER), b"demo data written\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn credentials_round_trip_with_mode_0600() {
        let dir = tempfile::tempdir().unwrap();
        let creds = Credentials {
            shares: (1..=5)
                .map(|i| SecretString::from(format!("share-{i}")))
                .collect(),
            threshold: 3,
            root_token: SecretString::from("s.practiceonlytoken000000".to_string()),
        };
        write_credentials(dir.path(), &creds).unwrap();
        let mode = std::fs::metadata(credentials_path(dir.path()))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        let back = read_credentials(dir.path()).unwrap().unwrap();
        assert_eq!(back.threshold, 3);
        assert_eq!(back.shares.len(), 5);
        assert_eq!(back.shares[4].expose_secret(), "share-5");
        assert_eq!(
            back.root_token.expose_secret(),
            creds.root_token.expose_secret()
        );
        assert!(
            read_credentials(&dir.path().join("nope"))
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn a_share_that_is_not_a_string_is_an_error_not_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let text = r#"{"root_token":"t","unseal_threshold":2,"unseal_keys_b64":["a",7,"c"]}"#;
        std::fs::write(credentials_path(dir.path()), text).unwrap();
        let e = read_credentials(dir.path()).expect_err("refused");
        assert!(e.to_string().contains("not a string"), "{e}");
    }

    #[test]
    fn state_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        assert!(SandboxState::load(dir.path()).unwrap().is_none());
        let s = SandboxState {
            cluster_name: "sandbox".into(),
            created: "2026-01-01T00:00:00Z".into(),
            nodes: vec![NodeRecord {
                id: 1,
                api_addr: "http://127.0.0.1:20000".into(),
                api_port: 20000,
                cluster_port: 20001,
                pid: Some(42),
            }],
        };
        s.save(dir.path()).unwrap();
        assert_eq!(SandboxState::load(dir.path()).unwrap(), Some(s.clone()));
        assert_eq!(
            s.node_procs(dir.path())[0].api_addr,
            "http://127.0.0.1:20000"
        );
    }
}
