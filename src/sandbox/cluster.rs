//! A cluster of `bao server` processes on 127.0.0.1: [`ClusterSpec`] writes the configs and starts
//! them, [`RunningCluster`] tracks them by PID and stops, kills or restarts single nodes.
//! Bringing the started nodes to a ready cluster (init, unseal, wait) lives in `ready.rs`.

use std::path::{Path, PathBuf};
use std::process::Child;
use std::time::Duration;

use nix::sys::signal::Signal;
use secrecy::SecretString;

use super::error::SandboxError;
use super::hcl::{self, NodeHcl, NodePaths};
use super::init::Credentials;
use super::{ports, process};

/// How long a node gets to answer after its process was started.
pub const START_TIMEOUT: Duration = Duration::from_secs(30);
/// How long SIGTERM gets before SIGKILL.
const TERM_GRACE: Duration = Duration::from_secs(10);
const PORT_ATTEMPTS: usize = 3;

/// What to start: `nodes` raft nodes whose files live in `dir`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterSpec {
    pub dir: PathBuf,
    pub nodes: usize,
    pub cluster_name: String,
}

impl ClusterSpec {
    pub fn new(dir: impl Into<PathBuf>, nodes: usize) -> Self {
        Self {
            dir: dir.into(),
            nodes,
            cluster_name: "sandbox".into(),
        }
    }

    /// Write one config per node and start every node, returning once each answers `sys/health`
    /// (uninitialised). Retries with fresh ports when a port was taken meanwhile.
    pub async fn start(&self) -> Result<RunningCluster, SandboxError> {
        let bao = process::find_bao()?;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let api_ports = ports::pick_pairs(self.nodes)?;
            let mut cluster = self.spawn_all(&bao, &api_ports)?;
            match cluster.wait_answering(START_TIMEOUT).await {
                Ok(()) => return Ok(cluster),
                Err(e) if e.is_port_clash() && attempt < PORT_ATTEMPTS => {
                    cluster.stop();
                    let _ = std::fs::remove_dir_all(self.dir.join("data"));
                    for n in &cluster.nodes {
                        let _ = std::fs::remove_file(&n.paths.log);
                    }
                }
                Err(e) => return Err(e), // dropping `cluster` stops what was started
            }
        }
    }

    /// [`start`](Self::start), then init (5 shares, threshold 3), unseal every node and wait for
    /// one active node, the others standbys and all of them in the raft configuration.
    pub async fn launch(&self) -> Result<RunningCluster, SandboxError> {
        let mut cluster = self.start().await?;
        cluster.init_and_unseal(5, 3).await?;
        Ok(cluster)
    }

    fn spawn_all(&self, bao: &Path, api_ports: &[u16]) -> Result<RunningCluster, SandboxError> {
        mkdir_private(&self.dir)?;
        let mut nodes = Vec::with_capacity(self.nodes);
        for (idx, &api_port) in api_ports.iter().enumerate() {
            let id = idx + 1;
            let paths = NodePaths::new(&self.dir, id);
            mkdir_private(&paths.data)?;
            mkdir_private(&paths.run_dir)?;
            link_audit_log(&paths)?;
            // The first node is initialised; the others join it (or each other).
            let joins: Vec<u16> = if id == 1 {
                Vec::new()
            } else {
                api_ports
                    .iter()
                    .copied()
                    .filter(|p| *p != api_port)
                    .collect()
            };
            let text = hcl::render(&NodeHcl {
                id,
                cluster_name: &self.cluster_name,
                api_port,
                cluster_port: api_port + 1,
                paths: &paths,
                join_api_ports: &joins,
            });
            std::fs::write(&paths.config, text).map_err(|e| {
                SandboxError::io(format!("cannot write {}", paths.config.display()), e)
            })?;
            nodes.push(NodeProc::new(id, api_port, api_port + 1, None, paths));
        }
        let mut cluster = RunningCluster {
            dir: self.dir.clone(),
            cluster_name: self.cluster_name.clone(),
            nodes,
            bao: Some(bao.to_path_buf()),
            credentials: None,
            stop_on_drop: true,
        };
        for i in 0..cluster.nodes.len() {
            cluster.start_node(i)?;
        }
        Ok(cluster)
    }
}

/// Create a directory (and parents) readable by the owner only.
pub fn mkdir_private(dir: &Path) -> Result<(), SandboxError> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|e| SandboxError::io(format!("cannot create {}", dir.display()), e))
}

/// `<dir>/node<i>-audit.log` → `node<i>/audit.log` (see [`hcl::AUDIT_FILE`]).
fn link_audit_log(paths: &NodePaths) -> Result<(), SandboxError> {
    let target = paths.audit_target();
    let relative = target
        .strip_prefix(paths.audit_log.parent().unwrap_or(Path::new("")))
        .unwrap_or(&target);
    if std::fs::symlink_metadata(&paths.audit_log).is_ok() {
        return Ok(());
    }
    std::os::unix::fs::symlink(relative, &paths.audit_log)
        .map_err(|e| SandboxError::io(format!("cannot create {}", paths.audit_log.display()), e))
}

/// One node: its addresses, files and process.
#[derive(Debug)]
pub struct NodeProc {
    /// 1-based, as in `node1`.
    pub id: usize,
    pub node_id: String,
    /// `http://127.0.0.1:P`
    pub api_addr: String,
    /// `https://127.0.0.1:P+1`
    pub cluster_addr: String,
    pub api_port: u16,
    pub cluster_port: u16,
    /// The PID of the `bao server` process, when one was started or recorded.
    pub pid: Option<u32>,
    pub paths: NodePaths,
    /// Present when this process started the node (so it can be reaped).
    child: Option<Child>,
}

impl NodeProc {
    pub fn new(
        id: usize,
        api_port: u16,
        cluster_port: u16,
        pid: Option<u32>,
        paths: NodePaths,
    ) -> Self {
        Self {
            id,
            node_id: format!("node{id}"),
            api_addr: format!("http://127.0.0.1:{api_port}"),
            cluster_addr: format!("https://127.0.0.1:{cluster_port}"),
            api_port,
            cluster_port,
            pid,
            paths,
            child: None,
        }
    }

    /// Is the recorded process still this node (reaping it when it is our child and exited)?
    pub fn is_running(&mut self) -> bool {
        if let Some(child) = &mut self.child {
            return match child.try_wait() {
                Ok(None) => true,
                _ => {
                    self.child = None;
                    false
                }
            };
        }
        self.pid
            .is_some_and(|pid| process::is_node_process(pid, &self.paths.config))
    }

    fn send(&mut self, sig: Signal) {
        if self.is_running()
            && let Some(pid) = self.pid
        {
            process::signal(pid, sig);
        }
    }

    /// SIGTERM, a bounded wait, then SIGKILL. True when the process is gone.
    fn stop(&mut self) -> bool {
        self.send(Signal::SIGTERM);
        if !process::wait_until_gone(|| self.is_running(), TERM_GRACE) {
            self.send(Signal::SIGKILL);
            if !process::wait_until_gone(|| self.is_running(), TERM_GRACE) {
                return false;
            }
        }
        self.pid = None;
        true
    }
}

/// Started nodes, tracked by PID. Dropping it stops them unless [`detach`](Self::detach)ed.
#[derive(Debug)]
pub struct RunningCluster {
    pub dir: PathBuf,
    pub cluster_name: String,
    pub nodes: Vec<NodeProc>,
    /// The `bao` binary, looked up when a node is first started.
    pub(crate) bao: Option<PathBuf>,
    pub(crate) credentials: Option<Credentials>,
    stop_on_drop: bool,
}

impl RunningCluster {
    /// Take over nodes recorded earlier (by `sandbox.json`); they keep running when this is dropped.
    pub fn adopt(dir: &Path, cluster_name: &str, nodes: Vec<NodeProc>) -> Self {
        Self {
            dir: dir.to_path_buf(),
            cluster_name: cluster_name.to_string(),
            nodes,
            bao: None,
            credentials: None,
            stop_on_drop: false,
        }
    }

    /// API addresses, in node order.
    pub fn addrs(&self) -> Vec<String> {
        self.nodes.iter().map(|n| n.api_addr.clone()).collect()
    }

    pub fn credentials(&self) -> Option<&Credentials> {
        self.credentials.as_ref()
    }

    pub fn set_credentials(&mut self, creds: Credentials) {
        self.credentials = Some(creds);
    }

    pub fn root_token(&self) -> Option<&SecretString> {
        self.credentials.as_ref().map(|c| &c.root_token)
    }

    /// Leave the nodes running when this value is dropped (and this process exits).
    pub fn detach(&mut self) {
        self.stop_on_drop = false;
        for n in &mut self.nodes {
            n.child = None;
        }
    }

    /// Is node `i` (0-based index into `nodes`) running?
    pub fn is_running(&mut self, i: usize) -> bool {
        self.nodes.get_mut(i).is_some_and(NodeProc::is_running)
    }

    /// Start node `i` (0-based) if it is not running; does not wait for it to answer.
    pub fn start_node(&mut self, i: usize) -> Result<(), SandboxError> {
        if self.node_mut(i)?.is_running() {
            return Ok(());
        }
        let bao = match &self.bao {
            Some(b) => b.clone(),
            None => {
                let b = process::find_bao()?;
                self.bao = Some(b.clone());
                b
            }
        };
        let n = self.node_mut(i)?;
        let child = process::spawn_node(&bao, &n.paths.config, &n.paths.log, &n.paths.run_dir)?;
        n.pid = Some(child.id());
        n.child = Some(child);
        Ok(())
    }

    /// SIGKILL node `i` (0-based) and wait until the process is gone.
    pub fn kill_node(&mut self, i: usize) -> Result<(), SandboxError> {
        let n = self.node_mut(i)?;
        n.send(Signal::SIGKILL);
        if process::wait_until_gone(|| n.is_running(), TERM_GRACE) {
            n.pid = None;
            Ok(())
        } else {
            Err(SandboxError::Timeout {
                what: format!("node{} to die after SIGKILL", n.id),
                secs: TERM_GRACE.as_secs(),
            })
        }
    }

    /// Stop node `i` (0-based): SIGTERM, bounded wait, SIGKILL.
    pub fn stop_node(&mut self, i: usize) -> Result<(), SandboxError> {
        let n = self.node_mut(i)?;
        if n.stop() {
            Ok(())
        } else {
            Err(SandboxError::Timeout {
                what: format!("node{} to stop", n.id),
                secs: 2 * TERM_GRACE.as_secs(),
            })
        }
    }

    /// Stop node `i` (0-based), start it again and wait until it answers (sealed).
    pub async fn restart_node(&mut self, i: usize) -> Result<(), SandboxError> {
        self.stop_node(i)?;
        self.start_node(i)?;
        self.wait_node_answering(i, START_TIMEOUT).await
    }

    /// Stop every node (all get SIGTERM first, then each a bounded wait and SIGKILL).
    pub fn stop(&mut self) {
        for n in &mut self.nodes {
            n.send(Signal::SIGTERM);
        }
        for n in &mut self.nodes {
            let _ = n.stop();
        }
    }

    pub(crate) fn node_mut(&mut self, i: usize) -> Result<&mut NodeProc, SandboxError> {
        let count = self.nodes.len();
        self.nodes.get_mut(i).ok_or_else(|| {
            SandboxError::Unexpected(format!("no node at index {i} (cluster has {count})"))
        })
    }
}

impl Drop for RunningCluster {
    fn drop(&mut self) {
        if self.stop_on_drop {
            self.stop();
        }
    }
}
