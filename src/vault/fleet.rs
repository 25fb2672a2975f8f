//! The fleet area: one poll of one context (any context of the config file, not only the
//! current one) and the runtime's fleet poller, which keeps one [`Worker`] per context and runs
//! each poll as its own task, at most [`crate::fleet::MAX_IN_FLIGHT`] at once, each within
//! [`POLL_TIMEOUT`]: a slow or dead cluster never holds up the others.
//!
//! The token of a context only goes to that context's configured addresses (the [`Worker`]
//! rule); a context without a token is polled on the unauthenticated endpoints only.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use tokio::sync::{Semaphore, mpsc};
use tokio_util::sync::CancellationToken;

use super::worker::Worker;
use crate::cluster::ClusterState;
use crate::command::Ticket;
use crate::config::ConnectionProfile;
use crate::event::Msg;
use crate::fleet::{FleetPoll, MAX_IN_FLIGHT, PollOutcome, TokenTtl};
use crate::reply::Reply;

/// The longest one context's poll may take.
pub const POLL_TIMEOUT: Duration = Duration::from_secs(10);

/// What the fleet area is asked.
#[derive(Debug, Clone)]
pub enum FleetRequest {
    /// Poll this context: every node, the cluster-wide reads, and `lookup-self` with its token.
    Poll { profile: Box<ConnectionProfile> },
}

impl PartialEq for FleetRequest {
    fn eq(&self, other: &Self) -> bool {
        let (FleetRequest::Poll { profile: a }, FleetRequest::Poll { profile: b }) = (self, other);
        a.context == b.context && a.addrs == b.addrs && a.namespace == b.namespace
    }
}

impl FleetRequest {
    pub fn context(&self) -> &str {
        let FleetRequest::Poll { profile } = self;
        &profile.context
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum FleetReply {
    Polled {
        context: String,
        outcome: PollOutcome,
    },
}

/// Poll one context with a worker of its own: the cluster (twice when nodes are discovered, as
/// `strongroom status` does), then the token's TTL from a configured node that answered.
pub async fn poll_context(worker: &Worker, profile: &ConnectionProfile) -> FleetPoll {
    let mut cluster = ClusterState::new(&profile.addrs);
    cluster.context = profile.context.clone();
    cluster.apply(worker.poll_cluster(&cluster.node_addrs()).await);
    if cluster.nodes.iter().any(|n| n.discovered) {
        cluster.apply(worker.poll_cluster(&cluster.node_addrs()).await);
    }
    let answered = cluster
        .nodes
        .iter()
        .filter(|n| !n.discovered)
        .any(|n| n.last_error.is_none() && n.health.value().is_some());
    let token = match (&profile.token, cluster.api_addr()) {
        (None, _) => TokenTtl::NoToken,
        (Some(_), Some(addr)) if answered => match worker.client(&addr) {
            Ok(c) => match c.token_lookup_self().await {
                Ok(info) if info.ttl == 0 => TokenTtl::NoExpiry,
                Ok(info) => TokenTtl::Ttl {
                    secs: info.ttl,
                    at: Utc::now(),
                },
                Err(e) => TokenTtl::Failed(e),
            },
            Err(e) => TokenTtl::Failed(e),
        },
        (Some(_), _) => TokenTtl::Unknown,
    };
    FleetPoll {
        cluster,
        token,
        at: Utc::now(),
    }
}

/// [`poll_context`] within `limit`.
pub async fn poll_within(
    worker: &Worker,
    profile: &ConnectionProfile,
    limit: Duration,
) -> PollOutcome {
    match tokio::time::timeout(limit, poll_context(worker, profile)).await {
        Ok(p) => PollOutcome::Done(Box::new(p)),
        Err(_) => PollOutcome::TimedOut {
            secs: limit.as_secs(),
        },
    }
}

/// One poll with a new worker (a fleet request that reached a connection's worker).
pub async fn poll_once(r: FleetRequest) -> FleetReply {
    let FleetRequest::Poll { profile } = r;
    let outcome = match Worker::new(&profile) {
        Ok(w) => poll_within(&w, &profile, POLL_TIMEOUT).await,
        Err(e) => PollOutcome::Failed(e),
    };
    FleetReply::Polled {
        context: profile.context.clone(),
        outcome,
    }
}

/// What a cached worker was built from: a changed profile gets a new one.
#[derive(Debug, Clone, PartialEq)]
struct ProfileKey {
    addrs: Vec<String>,
    namespace: Option<String>,
    token: Option<usize>,
    ca_cert: Option<std::path::PathBuf>,
    client_cert: Option<std::path::PathBuf>,
    client_key: Option<std::path::PathBuf>,
    skip_verify: bool,
}

impl ProfileKey {
    fn of(p: &ConnectionProfile) -> Self {
        Self {
            addrs: p.addrs.clone(),
            namespace: p.namespace.clone(),
            // The same token is the same allocation (profiles are cloned, never re-read).
            token: p.token.as_ref().map(|t| Arc::as_ptr(t) as usize),
            ca_cert: p.ca_cert.clone(),
            client_cert: p.client_cert.clone(),
            client_key: p.client_key.clone(),
            skip_verify: p.skip_verify,
        }
    }
}

/// The runtime's fleet poller: one worker per context, bounded concurrency, a time limit per
/// poll. Answers with `Msg::Vault { ticket, reply: Reply::Fleet(..) }`.
pub struct FleetPoller {
    workers: HashMap<String, (ProfileKey, Worker)>,
    limit: Arc<Semaphore>,
    tx: mpsc::UnboundedSender<Msg>,
    cancel: CancellationToken,
    timeout: Duration,
}

impl FleetPoller {
    pub fn new(tx: mpsc::UnboundedSender<Msg>, cancel: CancellationToken) -> Self {
        Self {
            workers: HashMap::new(),
            limit: Arc::new(Semaphore::new(MAX_IN_FLIGHT)),
            tx,
            cancel,
            timeout: POLL_TIMEOUT,
        }
    }

    /// The same poller with another time limit per poll (tests of the timeout).
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The worker of this context, built once (again when its profile changed).
    fn worker(&mut self, profile: &ConnectionProfile) -> Result<Worker, super::VaultError> {
        let key = ProfileKey::of(profile);
        if let Some((k, w)) = self.workers.get(&profile.context)
            && *k == key
        {
            return Ok(w.clone());
        }
        let w = Worker::new(profile)?;
        self.workers
            .insert(profile.context.clone(), (key, w.clone()));
        Ok(w)
    }

    /// Run one fleet request as its own task.
    pub fn send(&mut self, ticket: Ticket, r: FleetRequest) {
        let FleetRequest::Poll { profile } = r;
        let context = profile.context.clone();
        let tx = self.tx.clone();
        let worker = match self.worker(&profile) {
            Ok(w) => w,
            Err(e) => {
                let reply = Reply::Fleet(FleetReply::Polled {
                    context,
                    outcome: PollOutcome::Failed(e),
                });
                let _ = tx.send(Msg::Vault { ticket, reply });
                return;
            }
        };
        let (limit, cancel, timeout) = (self.limit.clone(), self.cancel.clone(), self.timeout);
        tokio::spawn(async move {
            let outcome = tokio::select! {
                _ = cancel.cancelled() => return,
                o = async {
                    // Waiting for a slot does not count against the poll's own time limit.
                    let _permit = limit.acquire_owned().await;
                    poll_within(&worker, &profile, timeout).await
                } => o,
            };
            let reply = Reply::Fleet(FleetReply::Polled { context, outcome });
            let _ = tx.send(Msg::Vault { ticket, reply });
        });
    }
}
