//! KV listing: LIST (one folder), SCAN (OpenBao: every leaf below a folder, one request, needs
//! the `scan` capability) and `sys/capabilities-self`.
//!
//! Answers of a LIST or SCAN can be large (100,000 keys is several MiB): callers use a client
//! from [`VaultClient::with_reply_limit`] with [`KV_REPLY_LIMIT`] (the walker does).

use reqwest::Method;
use serde_json::{Value, json};

use super::client::{VaultClient, check};
use super::error::VaultError;
use super::models::kv::{Capabilities, KvVersion, ListReply};

/// Reply bound for LIST and SCAN: room for far more than 100,000 keys.
pub const KV_REPLY_LIMIT: usize = 64 * 1024 * 1024;

/// The API path that lists `folder` of a KV mount: `secret/metadata/apps/` (v2), `kv1/apps/` (v1).
/// `mount` with or without its trailing `/`; `folder` relative to the mount ("" for the root).
pub fn list_path(mount: &str, version: KvVersion, folder: &str) -> String {
    let mount = mount.trim_matches('/');
    let folder = folder.trim_start_matches('/');
    match version {
        KvVersion::V1 => format!("{mount}/{folder}"),
        KvVersion::V2 => format!("{mount}/metadata/{folder}"),
    }
}

fn method(name: &'static [u8]) -> Method {
    // Both names are valid HTTP tokens, so this never fails; GET stands in for safety.
    Method::from_bytes(name).unwrap_or(Method::GET)
}

impl VaultClient {
    /// `LIST` one folder: its keys, folders ending in `/`. A missing or empty folder (404 with
    /// no error message) is an empty list; a 404 with a message (no such mount) is an error.
    pub async fn kv_list(
        &self,
        mount: &str,
        version: KvVersion,
        folder: &str,
    ) -> Result<Vec<String>, VaultError> {
        self.key_list(method(b"LIST"), &list_path(mount, version, folder))
            .await
    }

    /// `SCAN` a folder: every leaf below it, relative to it, unsorted. 403 without the `scan`
    /// capability, 405 where SCAN is not supported (HashiCorp Vault, other engines).
    pub async fn kv_scan(
        &self,
        mount: &str,
        version: KvVersion,
        folder: &str,
    ) -> Result<Vec<String>, VaultError> {
        self.key_list(method(b"SCAN"), &list_path(mount, version, folder))
            .await
    }

    /// The answer is decoded straight from its bytes into [`ListReply`] (no `serde_json::Value`
    /// in between): a walk makes thousands of these calls, and on two shared cores the client's
    /// CPU is taken from the server.
    async fn key_list(&self, method: Method, path: &str) -> Result<Vec<String>, VaultError> {
        let reply = self.send(method, path, &[], None).await?;
        if reply.status.is_success() {
            if reply.bytes.is_empty() {
                return Ok(Vec::new());
            }
            let list: ListReply = serde_json::from_slice(&reply.bytes)
                .map_err(|e| VaultError::Decode(format!("{path}: {e}")))?;
            return Ok(list.data.map(|d| d.keys).unwrap_or_default());
        }
        match check(reply.into_raw(path)?) {
            Ok(_) => Ok(Vec::new()),
            Err(VaultError::NotFound { errors }) if errors.is_empty() => Ok(Vec::new()),
            Err(e) => Err(e),
        }
    }

    /// `POST sys/capabilities-self {"paths":[…]}` → each path's capabilities (`["root"]` for a
    /// root token, `["deny"]` where nothing is allowed).
    pub async fn capabilities_self(&self, paths: &[&str]) -> Result<Capabilities, VaultError> {
        let body = json!({ "paths": paths });
        let mut v = self
            .request(Method::POST, "sys/capabilities-self", &[], Some(&body))
            .await?;
        let data = v
            .get_mut("data")
            .map(Value::take)
            .ok_or_else(|| VaultError::Decode("sys/capabilities-self: no data field".into()))?;
        let mut caps: Capabilities = match data {
            Value::Object(map) => map
                .into_iter()
                .filter_map(|(k, v)| {
                    let list: Vec<String> = serde_json::from_value(v).ok()?;
                    Some((k, list))
                })
                .collect(),
            _ => {
                return Err(VaultError::Decode(
                    "sys/capabilities-self: data is not an object".into(),
                ));
            }
        };
        // With one path the server adds a `capabilities` key beside the path itself.
        if !paths.contains(&"capabilities") {
            caps.remove("capabilities");
        }
        Ok(caps)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_paths() {
        assert_eq!(
            list_path("secret/", KvVersion::V2, "apps/"),
            "secret/metadata/apps/"
        );
        assert_eq!(list_path("secret", KvVersion::V2, ""), "secret/metadata/");
        assert_eq!(list_path("kv1/", KvVersion::V1, "a/b/"), "kv1/a/b/");
        assert_eq!(method(b"LIST").as_str(), "LIST");
    }
}
