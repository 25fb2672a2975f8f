//! The background Vault worker: executes `Request`s and `Mutation`s off the UI thread and sends
//! back `Msg::Vault { seq, reply }`. Owns the clients; nothing here touches `App`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use chrono::{DateTime, Utc};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::client::{ClientSettings, VaultClient};
use super::error::VaultError;
use super::models::metrics::MetricsSummary;
use super::models::raft::{AutopilotState, RaftConfiguration};
use super::models::sys::{HaStatus, Health, HostMemory, LeaderStatus, NodeRole, SealStatus};
use crate::cluster::normalize_addr;
use crate::command::{Command, Request};
use crate::config::ConnectionProfile;
use crate::event::Msg;
use crate::sanitize::sanitize;
use crate::write_gate::Mutation;

/// What one node said during a poll.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeReport {
    pub addr: String,
    pub health: Result<Health, VaultError>,
    /// `None` when not asked (the node was unreachable).
    pub seal: Option<Result<SealStatus, VaultError>>,
    pub leader: Option<Result<LeaderStatus, VaultError>>,
    /// Round trip of the health request.
    pub latency_ms: Option<u64>,
}

/// Cluster-wide reads, asked of one node (the active one when there is one). Each is `None` when
/// it was not asked (no unsealed node reachable).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ClusterReport {
    /// The node that answered these.
    pub source: Option<String>,
    pub raft: Option<Result<RaftConfiguration, VaultError>>,
    pub autopilot: Option<Result<AutopilotState, VaultError>>,
    pub ha: Option<Result<HaStatus, VaultError>>,
    pub metrics: Option<Result<MetricsSummary, VaultError>>,
    pub host_memory: Option<Result<HostMemory, VaultError>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ClusterPoll {
    /// When the poll started.
    pub at: DateTime<Utc>,
    pub nodes: Vec<NodeReport>,
    pub cluster: ClusterReport,
}

/// The outcome of a write.
#[derive(Debug, Clone, PartialEq)]
pub struct WriteOutcome {
    /// What was done, for the toast and the log ("sealed http://127.0.0.1:8200").
    pub summary: String,
    pub result: Result<(), VaultError>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    ClusterPoll(Box<ClusterPoll>),
    Write(WriteOutcome),
}

/// Owns the HTTP client of one connection profile and performs reads and writes.
///
/// The token only goes to the addresses the user configured. Nodes discovered through
/// `sys/ha-status` are polled on the unauthenticated endpoints (health, seal-status, leader)
/// without it, never asked the cluster-wide reads, and never written to.
#[derive(Debug, Clone)]
pub struct Worker {
    http: reqwest::Client,
    /// The profile's settings, token included: for configured addresses only.
    settings: Arc<ClientSettings>,
    /// The same settings without the token: unauthenticated endpoints and discovered nodes.
    anonymous: Arc<ClientSettings>,
    /// The configured addresses, normalised.
    configured: Arc<Vec<String>>,
    /// One client per node address and kind, created on demand (clones share the HTTP pool).
    clients: Arc<Mutex<HashMap<(String, bool), VaultClient>>>,
}

impl Worker {
    pub fn new(profile: &ConnectionProfile) -> Result<Worker, VaultError> {
        let settings = ClientSettings {
            token: profile.token.clone(),
            namespace: profile.namespace.clone(),
            ca_cert: profile.ca_cert.clone(),
            client_cert: profile.client_cert.clone(),
            client_key: profile.client_key.clone(),
            skip_verify: profile.skip_verify,
            ..ClientSettings::default()
        };
        let http = VaultClient::build_http(&settings)?;
        let anonymous = ClientSettings {
            token: None,
            ..settings.clone()
        };
        Ok(Worker {
            http,
            settings: Arc::new(settings),
            anonymous: Arc::new(anonymous),
            configured: Arc::new(profile.addrs.iter().map(|a| normalize_addr(a)).collect()),
            clients: Arc::new(Mutex::new(HashMap::new())),
        })
    }

    /// True when the user configured this address (flag, environment or config file).
    pub fn is_configured(&self, addr: &str) -> bool {
        let addr = normalize_addr(addr);
        self.configured.contains(&addr)
    }

    /// The client with the token, for a configured address only.
    pub fn client(&self, addr: &str) -> Result<VaultClient, VaultError> {
        if !self.is_configured(addr) {
            return Err(VaultError::NotConfigured {
                addr: sanitize(addr).into_owned(),
            });
        }
        Ok(self.client_of(addr, true))
    }

    /// A client that never sends the token, for unauthenticated endpoints of any node.
    pub fn anonymous_client(&self, addr: &str) -> VaultClient {
        self.client_of(addr, false)
    }

    fn client_of(&self, addr: &str, with_token: bool) -> VaultClient {
        let settings = if with_token {
            self.settings.clone()
        } else {
            self.anonymous.clone()
        };
        let mut map = self.clients.lock().unwrap_or_else(|p| p.into_inner());
        map.entry((addr.to_string(), with_token))
            .or_insert_with(|| VaultClient::new(self.http.clone(), addr, settings))
            .clone()
    }

    /// One poll of the whole cluster. Never fails as a whole: every part carries its own result.
    pub async fn poll_cluster(&self, nodes: &[String]) -> ClusterPoll {
        let at = Utc::now();
        let reports =
            futures::future::join_all(nodes.iter().map(|addr| self.poll_node(addr.clone()))).await;
        // Cluster-wide reads need the token: only a configured node is asked.
        let configured: Vec<&NodeReport> = reports
            .iter()
            .filter(|r| self.is_configured(&r.addr))
            .collect();
        let source = configured
            .iter()
            .find(|r| matches!(&r.health, Ok(h) if h.role == NodeRole::Active))
            .or_else(|| {
                configured
                    .iter()
                    .find(|r| matches!(&r.health, Ok(h) if is_unsealed(h.role)))
            })
            .map(|r| r.addr.clone());
        let cluster = match source {
            Some(src) => self.poll_cluster_wide(src).await,
            None => ClusterReport::default(),
        };
        ClusterPoll {
            at,
            nodes: reports,
            cluster,
        }
    }

    async fn poll_node(&self, addr: String) -> NodeReport {
        // health, seal-status and leader are unauthenticated: no node is sent the token here.
        let c = self.anonymous_client(&addr);
        let started = Instant::now();
        let health = c.health().await;
        let latency_ms = Some(u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX));
        if let Err(e) = &health {
            if e.is_unreachable() {
                tracing::debug!(%addr, error = %e, "health poll: node unreachable");
            } else {
                tracing::warn!(%addr, error = %e, "health poll: unexpected answer");
            }
        }
        let (seal, leader) = match &health {
            Ok(h) => {
                // A sealed node's leader is not asked: a sealed raft node answers 503 "Vault is
                // sealed", a sealed dev server 200 `{"ha_enabled":false}`, which would read as
                // "no HA". Both are reported the same way, as `Sealed`.
                let unsealed = is_unsealed(h.role);
                let (seal, leader) = futures::join!(c.seal_status(), async {
                    if unsealed {
                        c.leader().await
                    } else {
                        Err(VaultError::Sealed)
                    }
                });
                for (what, r) in [
                    ("seal-status", seal.as_ref().err()),
                    ("leader", leader.as_ref().err()),
                ] {
                    if let Some(e) = r.filter(|e| **e != VaultError::Sealed) {
                        tracing::debug!(%addr, what, error = %e, "node read failed");
                    }
                }
                (Some(seal), Some(leader))
            }
            Err(_) => (None, None),
        };
        NodeReport {
            addr,
            health,
            seal,
            leader,
            latency_ms,
        }
    }

    async fn poll_cluster_wide(&self, src: String) -> ClusterReport {
        let c = match self.client(&src) {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!(addr = %sanitize(&src), error = %e, "cluster reads skipped");
                return ClusterReport::default();
            }
        };
        let (raft, autopilot, ha, metrics, host_memory) = futures::join!(
            c.raft_configuration(),
            c.autopilot_state(),
            c.ha_status(),
            c.metrics(),
            c.host_memory()
        );
        for (what, err) in [
            ("raft configuration", raft.as_ref().err()),
            ("autopilot", autopilot.as_ref().err()),
            ("ha-status", ha.as_ref().err()),
            ("metrics", metrics.as_ref().err()),
            ("host-info", host_memory.as_ref().err()),
        ] {
            if let Some(e) = err {
                tracing::debug!(addr = %src, what, error = %e, "cluster read failed");
            }
        }
        ClusterReport {
            source: Some(src),
            raft: Some(raft),
            autopilot: Some(autopilot),
            ha: Some(ha),
            metrics: Some(metrics),
            host_memory: Some(host_memory),
        }
    }

    /// Perform a write that passed the write gate.
    pub async fn write(&self, m: &Mutation) -> WriteOutcome {
        let (summary, result) = match m {
            Mutation::SealNode { addr } => (
                format!("sealed {}", sanitize(addr)),
                match self.client(addr) {
                    Ok(c) => c.seal().await,
                    Err(e) => Err(e),
                },
            ),
            Mutation::StepDown { addr } => (
                format!("{} stepped down", sanitize(addr)),
                match self.client(addr) {
                    Ok(c) => c.step_down().await,
                    Err(e) => Err(e),
                },
            ),
        };
        match &result {
            Ok(()) => tracing::info!(%summary, "write done"),
            Err(e) => tracing::warn!(%summary, error = %e, "write failed"),
        }
        WriteOutcome { summary, result }
    }
}

/// The UI side's handle: sends jobs to the worker; every job runs as its own task and replies
/// with `Msg::Vault { seq, reply }`.
#[derive(Debug)]
pub struct WorkerHandle {
    worker: Worker,
    tx: mpsc::UnboundedSender<Msg>,
    cancel: CancellationToken,
}

impl WorkerHandle {
    pub fn spawn(
        worker: Worker,
        tx: mpsc::UnboundedSender<Msg>,
        cancel: CancellationToken,
    ) -> WorkerHandle {
        WorkerHandle { worker, tx, cancel }
    }

    /// Run a `Fetch` or `Write` command; other commands are not the worker's.
    pub fn send(&self, cmd: &Command) {
        let (seq, job) = match cmd {
            Command::Fetch { seq, request } => (*seq, Job::Read(request.clone())),
            Command::Write { seq, mutation } => (*seq, Job::Write(mutation.clone())),
            _ => return,
        };
        let worker = self.worker.clone();
        let tx = self.tx.clone();
        let cancel = self.cancel.clone();
        tokio::spawn(async move {
            let reply = tokio::select! {
                _ = cancel.cancelled() => return,
                r = run(&worker, job) => r,
            };
            let _ = tx.send(Msg::Vault { seq, reply });
        });
    }

    /// Stop every job in flight (a context switch); their replies are never sent.
    pub fn cancel(&self) {
        self.cancel.cancel();
    }
}

/// Active, standby, performance standby or DR secondary: the node serves reads.
fn is_unsealed(role: NodeRole) -> bool {
    !matches!(role, NodeRole::Sealed | NodeRole::Uninitialized)
}

enum Job {
    Read(Request),
    Write(Mutation),
}

async fn run(worker: &Worker, job: Job) -> Reply {
    match job {
        Job::Read(Request::PollCluster { nodes }) => {
            Reply::ClusterPoll(Box::new(worker.poll_cluster(&nodes).await))
        }
        Job::Write(m) => Reply::Write(worker.write(&m).await),
    }
}
