//! Node-level HTTP steps of bringing a cluster up: health, seal status, `sys/init` and unsealing.
//! Unseal shares and the root token only ever live in [`SecretString`]s.

use std::sync::Arc;
use std::time::Duration;

use reqwest::Method;
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Value, json};

use super::error::SandboxError;
use crate::vault::client::{ClientSettings, VaultClient, check};
use crate::vault::error::VaultError;
use crate::vault::models::sys::{HealthResponse, NodeRole, SealStatus};

/// What `sys/init` handed out: the unseal shares (base64) and the initial root token.
/// `Debug` shows neither (SecretString redacts).
#[derive(Debug, Clone)]
pub struct Credentials {
    pub shares: Vec<SecretString>,
    pub threshold: usize,
    pub root_token: SecretString,
}

impl Credentials {
    /// The root token as the profile and the clients want it.
    pub fn root_token_arc(&self) -> Arc<SecretString> {
        Arc::new(self.root_token.clone())
    }
}

/// Settings for talking to the local nodes: short timeouts (they are on this machine).
pub fn settings(token: Option<&SecretString>) -> ClientSettings {
    ClientSettings {
        token: token.map(|t| Arc::new(t.clone())),
        timeout: Duration::from_secs(10),
        connect_timeout: Duration::from_secs(1),
        ..ClientSettings::default()
    }
}

/// A client for one node.
pub fn client(addr: &str, token: Option<&SecretString>) -> Result<VaultClient, SandboxError> {
    VaultClient::connect(addr, settings(token))
        .map_err(|e| SandboxError::vault("cannot build HTTP client", e))
}

/// `GET sys/health`: the role from the status code (any code is an answer).
pub async fn health(c: &VaultClient) -> Result<(NodeRole, HealthResponse), VaultError> {
    let raw = c.raw(Method::GET, "sys/health", &[], None).await?;
    let body: HealthResponse = serde_json::from_value(raw.body).unwrap_or_default();
    let role = NodeRole::from_status(raw.status, &body).ok_or_else(|| {
        VaultError::from_status(raw.status, vec!["unexpected sys/health answer".into()])
    })?;
    Ok((role, body))
}

/// `GET sys/seal-status`.
pub async fn seal_status(c: &VaultClient) -> Result<SealStatus, VaultError> {
    c.get_json("sys/seal-status").await
}

/// `PUT sys/init` with `shares` shares and `threshold`.
pub async fn init(
    c: &VaultClient,
    shares: usize,
    threshold: usize,
) -> Result<Credentials, SandboxError> {
    let body = json!({ "secret_shares": shares, "secret_threshold": threshold });
    let mut v = c
        .request(Method::PUT, "sys/init", &[], Some(&body))
        .await
        .map_err(|e| SandboxError::vault(format!("sys/init on {}", c.addr()), e))?;
    let keys: Vec<SecretString> = match v.get_mut("keys_base64").map(Value::take) {
        Some(Value::Array(a)) => a.into_iter().filter_map(into_secret).collect(),
        _ => Vec::new(),
    };
    let root = v
        .get_mut("root_token")
        .map(Value::take)
        .and_then(into_secret);
    match root {
        Some(root_token) if keys.len() == shares => Ok(Credentials {
            shares: keys,
            threshold,
            root_token,
        }),
        _ => Err(SandboxError::Unexpected(
            "sys/init did not return the expected shares and root token".into(),
        )),
    }
}

/// Move a JSON string into a secret without copying it.
pub fn into_secret(v: Value) -> Option<SecretString> {
    match v {
        Value::String(s) => Some(SecretString::from(s)),
        _ => None,
    }
}

/// Reset any half-done unseal attempt, then submit shares until the node says unsealed or
/// `threshold` shares went in. Raft joiners may still say sealed right after the last share
/// (they finish joining first): the caller waits on health afterwards.
pub async fn submit_shares(
    c: &VaultClient,
    creds: &Credentials,
) -> Result<SealStatus, SandboxError> {
    let ctx = || format!("sys/unseal on {}", c.addr());
    let reset = json!({ "reset": true });
    c.request(Method::PUT, "sys/unseal", &[], Some(&reset))
        .await
        .map_err(|e| SandboxError::vault(ctx(), e))?;
    let mut last = SealStatus::default();
    for share in creds.shares.iter().take(creds.threshold) {
        let body = json!({ "key": share.expose_secret() });
        let raw = c
            .raw(Method::PUT, "sys/unseal", &[], Some(&body))
            .await
            .map_err(|e| SandboxError::vault(ctx(), e))?;
        drop(body);
        let v = check(raw).map_err(|e| SandboxError::vault(ctx(), e))?;
        last = serde_json::from_value(v)
            .map_err(|e| SandboxError::Unexpected(format!("{}: {e}", ctx())))?;
        if !last.sealed {
            break;
        }
    }
    Ok(last)
}

/// `PUT sys/seal` (needs a token; refused by standbys).
pub async fn seal(c: &VaultClient) -> Result<(), VaultError> {
    c.request(Method::PUT, "sys/seal", &[], None)
        .await
        .map(|_| ())
}

/// Number of servers in the raft configuration (token needed).
pub async fn raft_server_count(c: &VaultClient) -> Result<usize, VaultError> {
    let v = c
        .request(Method::GET, "sys/storage/raft/configuration", &[], None)
        .await?;
    Ok(v.pointer("/data/config/servers")
        .and_then(Value::as_array)
        .map(Vec::len)
        .unwrap_or(0))
}

/// Number of voters according to autopilot (token needed). The raft configuration already says
/// `voter:true` for joiners that autopilot has not promoted yet, and such a cluster cannot fail
/// over; autopilot's `voters` is the list that counts.
pub async fn autopilot_voter_count(c: &VaultClient) -> Result<usize, VaultError> {
    let v = c
        .request(Method::GET, "sys/storage/raft/autopilot/state", &[], None)
        .await?;
    Ok(v.pointer("/data/voters")
        .and_then(Value::as_array)
        .map(Vec::len)
        .unwrap_or(0))
}

/// Autopilot promotes a joiner after `server_stabilization_time` (10 s by default); the sandbox
/// and the test clusters want voters quickly.
pub async fn tune_autopilot(c: &VaultClient) -> Result<(), VaultError> {
    let body = json!({ "server_stabilization_time": STABILIZATION });
    c.request(
        Method::POST,
        "sys/storage/raft/autopilot/configuration",
        &[],
        Some(&body),
    )
    .await
    .map(|_| ())
}

/// The sandbox's autopilot `server_stabilization_time`.
pub const STABILIZATION: &str = "1s";
