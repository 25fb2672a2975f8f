//! The sandbox's side of bringing nodes up: clients for the local nodes, the credentials `sys/init`
//! handed out, and submitting the shares. Every API call goes through [`crate::vault`]. Unseal
//! shares and the root token only ever live in [`SecretString`]s.

use std::sync::Arc;
use std::time::Duration;

use secrecy::SecretString;
use serde_json::Value;

use super::error::SandboxError;
use crate::vault::client::{ClientSettings, VaultClient};
use crate::vault::error::VaultError;
use crate::vault::models::ceremony::InitRequest;
use crate::vault::models::raft::AutopilotConfigUpdate;
use crate::vault::models::sys::SealStatus;

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

/// A node's answer while the cluster forms: `None` when it gave none yet (not reachable, or an
/// error status while it starts, elects or joins), an error when it answered something that does
/// not decode — that is a bug or a foreign server, never something to wait out.
pub fn answer<T>(r: Result<T, VaultError>, addr: &str) -> Result<Option<T>, SandboxError> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(e @ VaultError::Decode(_)) => Err(SandboxError::vault(addr.to_string(), e)),
        Err(_) => Ok(None),
    }
}

/// `PUT sys/init` with `shares` shares and `threshold`.
pub async fn init(
    c: &VaultClient,
    shares: usize,
    threshold: usize,
) -> Result<Credentials, SandboxError> {
    let req = InitRequest::shamir(shares, threshold);
    let resp = c
        .init(req)
        .await
        .map_err(|e| SandboxError::vault(format!("sys/init on {}", c.addr()), e))?;
    Ok(Credentials {
        shares: resp.keys_base64,
        threshold,
        root_token: resp.root_token,
    })
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
    let ctx = |e| SandboxError::vault(format!("sys/unseal on {}", c.addr()), e);
    let mut last = c.unseal_reset().await.map_err(ctx)?;
    for share in creds.shares.iter().take(creds.threshold) {
        last = c.unseal(share).await.map_err(ctx)?;
        if !last.sealed {
            break;
        }
    }
    Ok(last)
}

/// Autopilot promotes a joiner after `server_stabilization_time` (10 s by default); the sandbox
/// and the test clusters want voters quickly.
pub async fn tune_autopilot(c: &VaultClient) -> Result<(), VaultError> {
    c.set_autopilot_configuration(&AutopilotConfigUpdate {
        server_stabilization_time: Some(STABILIZATION.to_string()),
    })
    .await
}

/// The sandbox's autopilot `server_stabilization_time`.
pub const STABILIZATION: &str = "1s";

#[cfg(test)]
mod tests {
    use std::io::{Read, Write};
    use std::net::TcpListener;

    use super::*;
    use crate::sandbox::ready::role_of;
    use crate::vault::models::sys::NodeRole;

    /// A one-connection HTTP server on 127.0.0.1 answering `status` with `body`.
    fn serve_once(status: u16, body: &'static str) -> String {
        let l = TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = format!("http://{}", l.local_addr().expect("addr"));
        std::thread::spawn(move || {
            if let Ok((mut s, _)) = l.accept() {
                let mut buf = [0u8; 4096];
                let _ = s.read(&mut buf);
                let reply = format!(
                    "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = s.write_all(reply.as_bytes());
            }
        });
        addr
    }

    #[test]
    fn no_answer_is_none_and_a_bad_answer_is_an_error() {
        let unreachable = VaultError::Connect {
            addr: "http://127.0.0.1:1".into(),
            reason: "refused".into(),
        };
        assert!(matches!(answer::<()>(Err(unreachable), "a"), Ok(None)));
        let starting = VaultError::from_status(500, vec!["not ready".into()]);
        assert!(matches!(answer::<()>(Err(starting), "a"), Ok(None)));
        let garbled = VaultError::Decode("sys/health: invalid type".into());
        let e = answer::<()>(Err(garbled), "http://127.0.0.1:9").expect_err("an error");
        assert!(e.to_string().contains("invalid type"), "{e}");
        assert!(matches!(answer(Ok(3), "a"), Ok(Some(3))));
    }

    #[tokio::test]
    async fn a_health_answer_that_does_not_decode_is_not_taken_for_a_role() {
        // Before, the body fell back to its default and the status alone made a role.
        let addr = serve_once(503, r#"{"initialized":"yes","sealed":1}"#);
        let c = client(&addr, None).expect("client");
        let e = role_of(&c).await.expect_err("a decode error");
        assert!(e.to_string().contains("sys/health"), "{e}");

        let addr = serve_once(503, r#"{"initialized":true,"sealed":true}"#);
        let c = client(&addr, None).expect("client");
        assert_eq!(role_of(&c).await.expect("decodes"), Some(NodeRole::Sealed));
    }
}
