//! The transit secrets engine: read a key's properties (never key material: transit does not
//! export it unless the key says so, and this reads only the version numbers) and rotate it.
//! `GET <mount>/keys/<key>` → `data:{name,type,latest_version,min_decryption_version,…}`;
//! `POST <mount>/keys/<key>/rotate` → 200 with the key's new properties (or 204).

use reqwest::Method;
use serde::Deserialize;

use super::client::VaultClient;
use super::error::VaultError;
use super::worker::Worker;
use crate::reply::WriteResult;
use crate::write_gate::transit::TransitMutation;

/// What the console reads of a transit key.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct TransitKey {
    #[serde(default)]
    pub name: String,
    /// `aes256-gcm96`, `ed25519`, …
    #[serde(default, rename = "type")]
    pub key_type: String,
    #[serde(default)]
    pub latest_version: u64,
    #[serde(default)]
    pub min_decryption_version: u64,
    #[serde(default)]
    pub deletion_allowed: bool,
}

fn key_path(mount: &str, key: &str, rest: &str) -> String {
    format!(
        "{}/keys/{}{rest}",
        mount.trim_matches('/'),
        key.trim_matches('/')
    )
}

impl VaultClient {
    /// `GET <mount>/keys/<key>`.
    pub async fn transit_key(&self, mount: &str, key: &str) -> Result<TransitKey, VaultError> {
        self.get_data(&key_path(mount, key, "")).await
    }

    /// `POST <mount>/keys/<key>/rotate`.
    pub async fn transit_rotate(&self, mount: &str, key: &str) -> Result<(), VaultError> {
        self.request(Method::POST, &key_path(mount, key, "/rotate"), &[], None)
            .await
            .map(drop)
    }
}

impl Worker {
    /// One gated transit write.
    pub async fn transit_write_one(&self, m: &TransitMutation) -> Result<WriteResult, VaultError> {
        match m {
            TransitMutation::RotateKey {
                addr, mount, key, ..
            } => {
                let c = self.client(addr)?;
                c.transit_rotate(mount, key).await?;
                // The new version, when it can be read back (a rotate-only policy may not).
                match c.transit_key(mount, key).await {
                    Ok(k) => Ok(WriteResult::Version(k.latest_version)),
                    Err(_) => Ok(WriteResult::Done),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_paths() {
        assert_eq!(key_path("transit/", "k", ""), "transit/keys/k");
        assert_eq!(key_path("/t", "k", "/rotate"), "t/keys/k/rotate");
        let k: TransitKey = serde_json::from_value(serde_json::json!({
            "name": "k", "type": "aes256-gcm96", "latest_version": 2,
            "min_decryption_version": 1, "keys": {"1": 1, "2": 2}
        }))
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(k.latest_version, 2);
    }
}
