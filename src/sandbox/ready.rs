//! From started processes to a ready cluster: wait until every node answers, init the first one,
//! unseal all of them, and wait for one active node, the others standbys and a full raft
//! configuration. Every wait is a bounded poll on the nodes' state.

use std::time::{Duration, Instant};

use futures::future::join_all;

use super::cluster::RunningCluster;
use super::error::SandboxError;
use super::init::{self, Credentials};
use super::process;
use crate::vault::VaultClient;
use crate::vault::models::sys::NodeRole;

/// Pause between two polls of a wait loop.
const POLL: Duration = Duration::from_millis(150);
/// How long unsealing and electing a leader may take.
pub const READY_TIMEOUT: Duration = Duration::from_secs(90);
/// A sealed node that got the shares and still says sealed gets them again after this long.
const RESUBMIT_AFTER: Duration = Duration::from_secs(10);

impl RunningCluster {
    /// Unauthenticated clients, one per node, in node order.
    pub fn clients(&self) -> Result<Vec<VaultClient>, SandboxError> {
        self.nodes
            .iter()
            .map(|n| init::client(&n.api_addr, None))
            .collect()
    }

    /// A client for node `i` (0-based) carrying the root token.
    pub fn root_client(&self, i: usize) -> Result<VaultClient, SandboxError> {
        let n = self
            .nodes
            .get(i)
            .ok_or_else(|| SandboxError::Unexpected(format!("no node at index {i}")))?;
        init::client(&n.api_addr, self.root_token())
    }

    /// Fail with the node's log tail if its process is gone.
    fn check_alive(&mut self, i: usize) -> Result<(), SandboxError> {
        let n = self.node_mut(i)?;
        if n.is_running() {
            Ok(())
        } else {
            Err(SandboxError::NodeExited {
                node: n.id,
                log: n.paths.log.clone(),
                tail: process::log_tail(&n.paths.log, 1500),
            })
        }
    }

    /// Health of every node, concurrently (`None` = no answer; an answer that does not decode is
    /// an error).
    pub async fn roles(&self) -> Result<Vec<Option<NodeRole>>, SandboxError> {
        let clients = self.clients()?;
        join_all(clients.iter().map(role_of))
            .await
            .into_iter()
            .collect()
    }

    /// Index of the node that says it is active (`None`: no node does).
    pub async fn active_index(&self) -> Result<Option<usize>, SandboxError> {
        let roles = self.roles().await?;
        Ok(roles.iter().position(|r| *r == Some(NodeRole::Active)))
    }

    /// Wait until node `i` answers `sys/health` (with any status).
    pub async fn wait_node_answering(
        &mut self,
        i: usize,
        within: Duration,
    ) -> Result<(), SandboxError> {
        let c = init::client(&self.node_mut(i)?.api_addr, None)?;
        let deadline = Instant::now() + within;
        loop {
            let answered = role_of(&c).await;
            // Checked after the answer too: a node that lost its port to another server exits,
            // and the answer then came from that other server.
            self.check_alive(i)?;
            if answered?.is_some() {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(timeout(format!("node{} to answer", i + 1), within));
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Wait until every node answers `sys/health`.
    pub async fn wait_answering(&mut self, within: Duration) -> Result<(), SandboxError> {
        for i in 0..self.nodes.len() {
            self.wait_node_answering(i, within).await?;
        }
        Ok(())
    }

    /// `sys/init` on the first node; the credentials are kept (and returned for persisting).
    pub async fn init(
        &mut self,
        shares: usize,
        threshold: usize,
    ) -> Result<Credentials, SandboxError> {
        let c = init::client(&self.node_mut(0)?.api_addr, None)?;
        let creds = init::init(&c, shares, threshold).await?;
        self.credentials = Some(creds.clone());
        Ok(creds)
    }

    /// Init, unseal every node and wait until the cluster is ready.
    pub async fn init_and_unseal(
        &mut self,
        shares: usize,
        threshold: usize,
    ) -> Result<(), SandboxError> {
        self.init(shares, threshold).await?;
        self.form(READY_TIMEOUT).await
    }

    /// After `init`: unseal the first node, wait until it is active, shorten autopilot's server
    /// stabilization time (joiners stay non-voters for 10 s by default, and a cluster of one voter
    /// cannot fail over), then unseal the others and wait until all are voters of a ready cluster.
    pub async fn form(&mut self, within: Duration) -> Result<(), SandboxError> {
        let deadline = Instant::now() + within;
        let creds = self.require_credentials()?;
        let first = init::client(&self.node_mut(0)?.api_addr, None)?;
        init::submit_shares(&first, &creds).await?;
        loop {
            if role_of(&first).await? == Some(NodeRole::Active) {
                break;
            }
            self.check_alive(0)?;
            if Instant::now() >= deadline {
                return Err(timeout("node1 to become active".into(), within));
            }
            tokio::time::sleep(POLL).await;
        }
        let root = self.root_client(0)?;
        init::tune_autopilot(&root)
            .await
            .map_err(|e| SandboxError::vault("autopilot configuration", e))?;
        self.unseal_all(deadline.saturating_duration_since(Instant::now()))
            .await?;
        self.wait_ready(deadline.saturating_duration_since(Instant::now()))
            .await
    }

    fn require_credentials(&self) -> Result<Credentials, SandboxError> {
        self.credentials.clone().ok_or_else(|| {
            SandboxError::Unexpected("no unseal shares known for this cluster".into())
        })
    }

    /// Give the shares to every sealed node until all are unsealed. Raft joiners say
    /// `initialized:false` until an unsealed node let them join; they are asked again each round.
    pub async fn unseal_all(&mut self, within: Duration) -> Result<(), SandboxError> {
        let creds = self.require_credentials()?;
        let clients = self.clients()?;
        let mut submitted: Vec<Option<Instant>> = vec![None; clients.len()];
        let deadline = Instant::now() + within;
        loop {
            let roles = join_all(clients.iter().map(role_of)).await;
            let mut done = true;
            let mut to_unseal = Vec::new();
            for (i, r) in roles.into_iter().enumerate() {
                match r? {
                    Some(role) if role.is_unsealed() => {}
                    Some(NodeRole::Sealed) => {
                        done = false;
                        if submitted[i].is_none_or(|t| t.elapsed() >= RESUBMIT_AFTER) {
                            to_unseal.push(i);
                        }
                    }
                    _ => done = false,
                }
            }
            if done {
                return Ok(());
            }
            let results = join_all(
                to_unseal
                    .iter()
                    .map(|&i| init::submit_shares(&clients[i], &creds)),
            )
            .await;
            for (&i, r) in to_unseal.iter().zip(results) {
                r?;
                submitted[i] = Some(Instant::now());
            }
            for i in 0..self.nodes.len() {
                self.check_alive(i)?;
            }
            if Instant::now() >= deadline {
                return Err(timeout("every node to unseal".into(), within));
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Wait for one active node, the others standbys, every node in the raft configuration and
    /// promoted to voter by autopilot (so that the cluster can lose a node and fail over).
    pub async fn wait_ready(&mut self, within: Duration) -> Result<(), SandboxError> {
        let n = self.nodes.len();
        let deadline = Instant::now() + within;
        loop {
            let roles = self.roles().await?;
            let active: Vec<usize> = (0..n)
                .filter(|&i| roles[i] == Some(NodeRole::Active))
                .collect();
            let standbys = roles
                .iter()
                .filter(|r| **r == Some(NodeRole::Standby))
                .count();
            if let [a] = active[..]
                && standbys + 1 == n
                && self.root_token().is_some()
            {
                let c = self.root_client(a)?;
                let servers = init::answer(c.raft_configuration().await, c.addr())?;
                let voters = init::answer(c.autopilot_state().await, c.addr())?;
                if servers.is_some_and(|s| s.servers.len() == n)
                    && voters.is_some_and(|a| a.voters.len() == n)
                {
                    return Ok(());
                }
            }
            for i in 0..n {
                self.check_alive(i)?;
            }
            if Instant::now() >= deadline {
                return Err(timeout(
                    format!("one active node, {} standbys and {n} voters", n - 1),
                    within,
                ));
            }
            tokio::time::sleep(POLL).await;
        }
    }
}

/// The role `sys/health` gives for a node (`None` = no answer yet, see [`init::answer`]).
pub async fn role_of(c: &VaultClient) -> Result<Option<NodeRole>, SandboxError> {
    Ok(init::answer(c.health().await, c.addr())?.map(|h| h.role))
}

fn timeout(what: String, within: Duration) -> SandboxError {
    SandboxError::Timeout {
        what,
        secs: within.as_secs(),
    }
}
