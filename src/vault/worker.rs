//! The background Vault worker: a dispatcher. It owns the clients of one connection profile and
//! runs each `Command` as its own task: reads by API area (each `vault/<area>.rs` owns its calls),
//! writes that passed the gate (a batch with bounded concurrency and per-item progress) and jobs;
//! it answers with `Msg::Vault { ticket, reply }` and `Msg::Job { ticket, event }`. Nothing here
//! touches `App`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use futures::StreamExt;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::client::{ClientSettings, VaultClient};
use super::error::VaultError;
use crate::cluster::normalize_addr;
use crate::command::{Command, Request, Ticket};
use crate::config::ConnectionProfile;
use crate::event::Msg;
use crate::jobs::{JobEvent, JobProgress, Throttle};
use crate::reply::{ItemResult, Reply, WriteOutcome, WriteResult};
use crate::sanitize::sanitize;
use crate::write_gate::{Mutation, Write};

/// Writes of one batch in flight at once.
const BATCH_CONCURRENCY: usize = 4;

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
        let settings = ClientSettings::from_profile(profile);
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

    /// The same connection with another token (a re-login): new clients, the same HTTP pool,
    /// addresses and TLS settings. Tasks already running keep the old token.
    pub fn with_token(&self, token: Option<Arc<crate::secret::Token>>) -> Worker {
        Worker {
            settings: Arc::new(ClientSettings {
                token,
                ..(*self.settings).clone()
            }),
            clients: Arc::new(Mutex::new(HashMap::new())),
            ..self.clone()
        }
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

    /// Perform one mutation that passed the write gate.
    pub async fn write_one(&self, m: &Mutation) -> ItemResult {
        let spec = m.spec();
        let result = match m {
            Mutation::SealNode { addr } => match self.client(addr) {
                Ok(c) => c.seal().await.map(|()| WriteResult::Done),
                Err(e) => Err(e),
            },
            Mutation::StepDown { addr } => match self.client(addr) {
                Ok(c) => c.step_down().await.map(|()| WriteResult::Done),
                Err(e) => Err(e),
            },
            Mutation::WrapSecret {
                addr,
                mount,
                kv_version,
                path,
                version,
                ttl,
            } => match self.client(addr) {
                Ok(c) => c
                    .wrap_kv_secret(mount, *kv_version, path, *version, ttl)
                    .await
                    .map(WriteResult::Wrapped),
                Err(e) => Err(e),
            },
            Mutation::Rewrap { addr, token } => match self.client(addr) {
                Ok(c) => c.rewrap(token).await.map(WriteResult::Wrapped),
                Err(e) => Err(e),
            },
            Mutation::Kv(k) => self.kv_write_one(k).await,
            Mutation::Lease(l) => self.lease_write_one(l).await,
            Mutation::CopySecrets {
                plan,
                delete_source,
            } => self
                .copy_secrets(plan, *delete_source, &mut |_| {})
                .await
                .into_iter()
                .find_map(|i| i.result.err())
                .map_or(Ok(WriteResult::Done), Err),
            Mutation::Token(t) => self.token_write_one(t).await,
            Mutation::Unseal(u) => self.unseal_write_one(u).await,
            Mutation::GenerateRoot(g) => self.generate_root_write_one(g).await,
            Mutation::Init(i) => self.init_write_one(i).await,
            Mutation::Rekey(r) => self.rekey_write_one(r).await,
            Mutation::Raft(r) => self.raft_write_one(r).await,
            Mutation::Policy(p) => self.policy_write_one(p).await,
            Mutation::Database(d) => self.database_write_one(d).await,
            Mutation::Transit(t) => self.transit_write_one(t).await,
        };
        match &result {
            Ok(_) => tracing::info!(summary = %spec.summary, "write done"),
            Err(e) => tracing::warn!(summary = %spec.summary, error = %e, "write failed"),
        }
        ItemResult {
            item: spec.item,
            result,
        }
    }

    /// Perform a write: one mutation, or a batch with at most [`BATCH_CONCURRENCY`] in flight
    /// (or the batch's own [`Write::concurrency`]),
    /// reporting throttled progress through `progress`. Results keep the batch's order.
    pub async fn write(
        &self,
        w: &Write,
        progress: &mut (dyn FnMut(JobProgress) + Send),
    ) -> WriteOutcome {
        let spec = w.spec();
        // A copy reports one result per secret, with its own progress.
        if let Write::One(Mutation::CopySecrets {
            plan,
            delete_source,
        }) = w
        {
            let items = self.copy_secrets(plan, *delete_source, progress).await;
            return WriteOutcome {
                summary: spec.summary,
                items,
            };
        }
        // A cluster seal reports one result per node.
        if let Write::One(Mutation::Raft(crate::write_gate::raft::RaftMutation::SealCluster {
            addrs,
            ..
        })) = w
        {
            return WriteOutcome {
                summary: spec.summary,
                items: self.seal_cluster(addrs, progress).await,
            };
        }
        let ms = w.mutations();
        let total = ms.len() as u64;
        let mut p = JobProgress {
            total: Some(total),
            ..JobProgress::default()
        };
        let mut throttle = Throttle::default();
        let mut items: Vec<Option<ItemResult>> = vec![None; ms.len()];
        // Owned futures: the task that runs this is spawned, so nothing may borrow across it.
        let owned: Vec<(usize, Mutation)> = ms.iter().cloned().enumerate().collect();
        let mut running = futures::stream::iter(owned)
            .map(|(i, m)| {
                let w = self.clone();
                async move { (i, w.write_one(&m).await) }
            })
            .buffer_unordered(w.concurrency().unwrap_or(BATCH_CONCURRENCY));
        while let Some((i, r)) = running.next().await {
            if r.result.is_ok() {
                p.done += 1;
            } else {
                p.failed += 1;
            }
            if let Some(slot) = items.get_mut(i) {
                *slot = Some(r);
            }
            if let Some(v) = throttle.offer(p, Instant::now()) {
                progress(v);
            }
        }
        if let Some(v) = throttle.flush() {
            progress(v);
        }
        WriteOutcome {
            summary: spec.summary,
            items: items.into_iter().flatten().collect(),
        }
    }
}

/// The UI side's handle: runs every command as its own task; replies come back as messages.
#[derive(Debug)]
pub struct WorkerHandle {
    worker: Worker,
    tx: mpsc::UnboundedSender<Msg>,
    cancel: CancellationToken,
    /// Each job's own cancellation token, by job id.
    jobs: Arc<Mutex<HashMap<u64, CancellationToken>>>,
}

impl WorkerHandle {
    pub fn spawn(
        worker: Worker,
        tx: mpsc::UnboundedSender<Msg>,
        cancel: CancellationToken,
    ) -> WorkerHandle {
        WorkerHandle {
            worker,
            tx,
            cancel,
            jobs: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    /// Run a `Fetch`, `Write`, `StartJob` or `CancelJob`; other commands are not the worker's.
    pub fn send(&self, cmd: &Command) {
        match cmd {
            Command::Fetch { ticket, request } => {
                let (worker, tx) = (self.worker.clone(), self.tx.clone());
                let (ticket, request) = (ticket.clone(), request.clone());
                let cancel = self.cancel.clone();
                tokio::spawn(async move {
                    let reply = tokio::select! {
                        _ = cancel.cancelled() => return,
                        r = read(&worker, request) => r,
                    };
                    let _ = tx.send(Msg::Vault { ticket, reply });
                });
            }
            Command::Write { ticket, write } => {
                let (worker, tx) = (self.worker.clone(), self.tx.clone());
                let (ticket, write) = (ticket.clone(), write.clone());
                let cancel = self.job_token(ticket.seq);
                let jobs = self.jobs.clone();
                tokio::spawn(async move {
                    let mut emit = emitter(&tx, &ticket);
                    let mut progress = |p: JobProgress| emit(JobEvent::Progress(p));
                    let outcome = tokio::select! {
                        _ = cancel.cancelled() => None,
                        o = worker.write(&write, &mut progress) => Some(o),
                    };
                    forget(&jobs, ticket.seq);
                    if let Some(outcome) = outcome {
                        let _ = tx.send(Msg::Vault {
                            ticket,
                            reply: Reply::Write(outcome),
                        });
                    }
                });
            }
            Command::StartJob { ticket, spec } => {
                let (worker, tx) = (self.worker.clone(), self.tx.clone());
                let (ticket, spec) = (ticket.clone(), spec.clone());
                let cancel = self.job_token(ticket.seq);
                let jobs = self.jobs.clone();
                tokio::spawn(async move {
                    let mut emit = emitter(&tx, &ticket);
                    // The job stops at its next await once cancelled; nothing more is sent.
                    let last = super::jobs::run(&worker, spec, &cancel, &mut emit).await;
                    forget(&jobs, ticket.seq);
                    if !cancel.is_cancelled() {
                        emit(last);
                    }
                });
            }
            Command::CancelJob { id } => {
                if let Some(t) = self.jobs_map().remove(id) {
                    t.cancel();
                }
            }
            Command::Quit | Command::Suspend | Command::Connect { .. } | Command::Copy { .. } => {}
            Command::SetToken { .. } => {}
            Command::AppendJournal { .. } | Command::SaveReport { .. } => {}
        }
    }

    fn jobs_map(&self) -> std::sync::MutexGuard<'_, HashMap<u64, CancellationToken>> {
        self.jobs.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A child token of the worker's, kept under the job's id for `CancelJob`.
    fn job_token(&self, id: u64) -> CancellationToken {
        let t = self.cancel.child_token();
        self.jobs_map().insert(id, t.clone());
        t
    }

    /// Use another token from now on (a re-login), keeping jobs and their cancellation: no
    /// context switch. Requests in flight finish with the old token.
    pub fn set_token(&mut self, token: &crate::vault::models::wrapping::SecretText) {
        let token = Arc::new(crate::secret::token_from(token.expose()));
        self.worker = self.worker.with_token(Some(token));
    }

    /// Stop every job in flight (a context switch); their replies are never sent.
    pub fn cancel(&self) {
        self.cancel.cancel();
    }
}

/// Sends a job's events, each with the job's ticket.
fn emitter(
    tx: &mpsc::UnboundedSender<Msg>,
    ticket: &Ticket,
) -> impl FnMut(JobEvent) + Send + use<> {
    let (tx, ticket) = (tx.clone(), ticket.clone());
    move |event| {
        let _ = tx.send(Msg::Job {
            ticket: ticket.clone(),
            event,
        });
    }
}

fn forget(jobs: &Mutex<HashMap<u64, CancellationToken>>, id: u64) {
    jobs.lock().unwrap_or_else(|p| p.into_inner()).remove(&id);
}

/// Dispatch a read to its API area.
async fn read(worker: &Worker, request: Request) -> Reply {
    match request {
        Request::Cluster(r) => Reply::Cluster(worker.cluster(r).await),
        Request::Mounts(r) => Reply::Mounts(worker.mounts(r).await),
        Request::Tools(r) => Reply::Tools(worker.tools(r).await),
        Request::GenerateRoot(r) => Reply::GenerateRoot(worker.generate_root(r).await),
        Request::Rekey(r) => Reply::Rekey(worker.rekey(r).await),
        Request::Kv(r) => Reply::Kv(worker.kv(r).await),
        Request::OwnToken(r) => Reply::OwnToken(worker.own_token(r).await),
        Request::Unseal(r) => Reply::Unseal(worker.unseal_area(r).await),
        Request::Policies(r) => Reply::Policies(worker.policies(r).await),
        Request::Audit(r) => Reply::Audit(worker.audit_area(r).await),
        // The runtime sends these to its fleet poller; one that gets here is polled alone.
        Request::Fleet(r) => Reply::Fleet(super::fleet::poll_once(r).await),
    }
}
