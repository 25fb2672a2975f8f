//! The access-history screen's requests: every node's audit devices (`sys/audit`, with the log
//! file located on this machine when it is there), the HMAC of a plain value
//! (`sys/audit-hash/<device>`), the files a `:audit FILE…` names (globs expanded here, off the UI
//! thread) and one full log line for the drill-down. File work runs on a blocking thread.

use std::path::{Path, PathBuf};

use super::error::VaultError;
use super::models::audit::AuditDevice;
use super::models::wrapping::SecretText;
use super::worker::Worker;
use crate::audit::reader::{group_logs, read_line};
use crate::audit::{EntrySource, NodeLog};

/// At most this many files from one `:audit` command.
const MAX_FILES: usize = 4096;
/// At most this many directory entries looked at for one glob.
const MAX_DIR_ENTRIES: usize = 100_000;

/// A read of the access-history screen.
#[derive(Debug, Clone, PartialEq)]
pub enum AuditRequest {
    /// `GET sys/audit` of one node; each file device's log is looked for on this machine.
    Devices { addr: String },
    /// `POST sys/audit-hash/<device>`: the value goes in the body only and is wiped after.
    Hash {
        addr: String,
        device: String,
        value: SecretText,
    },
    /// The files of `:audit FILE…`: globs (`*`, `?` in the last component) expanded, missing
    /// ones named back, rotated siblings grouped per node.
    Files { patterns: Vec<String> },
    /// Full lines of one record again (request and response) from the scan's file list.
    Lines {
        files: Vec<PathBuf>,
        sources: Vec<EntrySource>,
    },
}

/// A device as the screen shows it: what the server says, and the log file found here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocatedDevice {
    pub device: AuditDevice,
    /// The log on this machine (the `file_path` when absolute and present, or the sandbox's
    /// `node<i>-audit.log` link for a sandbox node).
    pub local_file: Option<PathBuf>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum AuditReply {
    Devices {
        addr: String,
        result: Result<Vec<LocatedDevice>, VaultError>,
    },
    Hash {
        device: String,
        result: Result<String, VaultError>,
    },
    Files {
        logs: Vec<NodeLog>,
        /// Patterns that named nothing (sanitised when drawn).
        missing: Vec<String>,
    },
    Lines {
        sources: Vec<EntrySource>,
        /// One per source: the line, or what went wrong (in words).
        result: Vec<Result<String, String>>,
    },
}

impl Worker {
    pub async fn audit_area(&self, r: AuditRequest) -> AuditReply {
        match r {
            AuditRequest::Devices { addr } => {
                let result = match self.client(&addr) {
                    Ok(c) => c.audit_devices().await,
                    Err(e) => Err(e),
                };
                let result = match result {
                    Ok(devices) => {
                        let a = addr.clone();
                        blocking(move || locate_devices(&a, devices))
                            .await
                            .map_err(VaultError::Decode)
                    }
                    Err(e) => Err(e),
                };
                AuditReply::Devices { addr, result }
            }
            AuditRequest::Hash {
                addr,
                device,
                value,
            } => {
                let result = match self.client(&addr) {
                    Ok(c) => c.audit_hash(&device, &value).await,
                    Err(e) => Err(e),
                };
                drop(value);
                AuditReply::Hash { device, result }
            }
            AuditRequest::Files { patterns } => {
                let r = blocking(move || Ok(expand(&patterns))).await;
                let (logs, missing) = r.unwrap_or_else(|e| (Vec::new(), vec![e]));
                AuditReply::Files { logs, missing }
            }
            AuditRequest::Lines { files, sources } => {
                let s = sources.clone();
                let result = blocking(move || {
                    Ok(s.iter()
                        .map(|src| read_line(&files, *src).map_err(|e| e.to_string()))
                        .collect::<Vec<_>>())
                })
                .await
                .unwrap_or_else(|e| vec![Err(e)]);
                AuditReply::Lines { sources, result }
            }
        }
    }
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, String> + Send + 'static,
) -> Result<T, String> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| format!("the file work did not finish: {e}"))?
}

/// Find each file device's log here: an absolute `file_path` that exists, else (a sandbox
/// node, whose path is relative to its own directory) `<sandbox dir>/node<i>-audit.log`.
fn locate_devices(addr: &str, devices: Vec<AuditDevice>) -> Result<Vec<LocatedDevice>, String> {
    let sandbox = sandbox_audit_log(addr);
    Ok(devices
        .into_iter()
        .map(|device| {
            let local_file = device.file_path().and_then(|p| {
                let p = Path::new(p);
                if p.is_absolute() {
                    p.exists().then(|| p.to_path_buf())
                } else {
                    sandbox.clone()
                }
            });
            LocatedDevice { device, local_file }
        })
        .collect())
}

/// The sandbox's link to the audit log of the node at `addr`, when this is a sandbox node.
fn sandbox_audit_log(addr: &str) -> Option<PathBuf> {
    sandbox_audit_log_in(&crate::sandbox::state::state_dir().ok()?, addr)
}

fn sandbox_audit_log_in(dir: &Path, addr: &str) -> Option<PathBuf> {
    let state = crate::sandbox::state::SandboxState::load(dir).ok()??;
    let want = crate::cluster::normalize_addr(addr);
    let node = state
        .nodes
        .iter()
        .find(|n| crate::cluster::normalize_addr(&n.api_addr) == want)?;
    let link = crate::sandbox::hcl::NodePaths::new(dir, node.id).audit_log;
    link.exists().then_some(link)
}

/// Expand `:audit` patterns: a path as is, or a glob in its last component.
pub fn expand(patterns: &[String]) -> (Vec<NodeLog>, Vec<String>) {
    let mut files = Vec::new();
    let mut missing = Vec::new();
    for p in patterns {
        let found = expand_one(p);
        if found.is_empty() {
            missing.push(p.clone());
        }
        for f in found {
            if files.len() < MAX_FILES && !files.contains(&f) {
                files.push(f);
            }
        }
    }
    (group_logs(&files), missing)
}

fn expand_one(pattern: &str) -> Vec<PathBuf> {
    let path = PathBuf::from(pattern);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if !name.contains(['*', '?']) {
        return if path.is_file() {
            vec![path]
        } else {
            Vec::new()
        };
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let glob = crate::audit::filter::PathMatch::parse(&name);
    let mut out: Vec<PathBuf> = entries
        .take(MAX_DIR_ENTRIES)
        .filter_map(Result::ok)
        .filter(|e| glob.matches(&e.file_name().to_string_lossy()))
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sandbox_nodes_log_is_its_link_in_the_sandbox_dir() {
        use crate::sandbox::state::{NodeRecord, SandboxState};
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let nodes = (1..=2)
            .map(|id| NodeRecord {
                id,
                api_addr: format!("http://127.0.0.1:{}", 8200 + id),
                api_port: 8200 + id as u16,
                cluster_port: 8300 + id as u16,
                pid: None,
            })
            .collect();
        let state = SandboxState {
            cluster_name: "sb".into(),
            created: "2026-12-06T00:00:00Z".into(),
            nodes,
        };
        state.save(dir.path()).unwrap_or_else(|e| panic!("{e}"));
        let link = dir.path().join("node2-audit.log");
        std::fs::write(&link, "").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            sandbox_audit_log_in(dir.path(), "http://127.0.0.1:8202/"),
            Some(link)
        );
        assert_eq!(
            sandbox_audit_log_in(dir.path(), "http://127.0.0.1:8201"),
            None,
            "no link"
        );
        assert_eq!(
            sandbox_audit_log_in(dir.path(), "http://127.0.0.1:9999"),
            None
        );
    }

    #[test]
    fn globs_and_lines() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let a = dir.path().join("a-audit.log");
        std::fs::write(&a, "{\"x\":1}\n{\"y\":2}\n").unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(dir.path().join("b.txt"), "").unwrap_or_else(|e| panic!("{e}"));
        let pat = format!("{}/*-audit.log", dir.path().display());
        let (logs, missing) = expand(&[pat, "/nonexistent/x.log".into()]);
        assert_eq!(logs.len(), 1);
        assert_eq!(missing, vec!["/nonexistent/x.log".to_string()]);
        let line = read_line(
            &logs[0].files,
            EntrySource {
                file: 0,
                offset: 8,
                // Without the newline, as the scanner records it.
                len: 7,
            },
        );
        assert_eq!(line.ok(), Some("{\"y\":2}".to_string()));
    }
}
