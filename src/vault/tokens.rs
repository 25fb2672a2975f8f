//! `auth/token/*`: the accessor list (sudo; not paginated), a token's properties by accessor,
//! revoke by accessor (always the token's whole tree: OpenBao's `revoke-accessor` has no orphan
//! mode), revoke by token value (tree, or orphaning the children with `revoke-orphan`), and the
//! console's own token (`lookup-self`, `renew-self`); plus the token inventory.
//! Facts from a real OpenBao 2.7: an unknown or revoked accessor answers 400 `invalid accessor`.

use reqwest::Method;
use secrecy::ExposeSecret;
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;

use super::client::VaultClient;
use super::error::VaultError;
use super::inventory::{InventoryEvent, InventorySummary, Outcome, Task, run_inventory};
use super::models::tokens::TokenInfo;
use crate::secret::SecretString;

/// Reply bound for the accessor list: 100,000 accessors of 24 characters fit many times over.
pub const ACCESSOR_LIST_LIMIT: usize = 64 * 1024 * 1024;

/// True for the server's answer about an accessor (or token) that does not exist (any more).
pub fn is_gone(e: &VaultError) -> bool {
    matches!(e, VaultError::Http { status: 400, errors }
        if errors.iter().any(|m| m.contains("invalid accessor") || m.contains("invalid token")
            || m.contains("token not found")))
}

fn data_of(mut v: Value, path: &str) -> Result<Value, VaultError> {
    v.get_mut("data")
        .map(Value::take)
        .filter(|d| !d.is_null())
        .ok_or_else(|| VaultError::Decode(format!("{path}: no data")))
}

impl VaultClient {
    /// `LIST auth/token/accessors` (sudo): every token's accessor.
    pub async fn token_accessors(&self) -> Result<Vec<String>, VaultError> {
        let method = Method::from_bytes(b"LIST").unwrap_or(Method::GET);
        let v = self
            .with_reply_limit(ACCESSOR_LIST_LIMIT)
            .request(method, "auth/token/accessors", &[], None)
            .await?;
        Ok(v.pointer("/data/keys")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|k| k.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default())
    }

    /// `POST auth/token/lookup-accessor {"accessor"}`; a token that is gone → `Ok(None)`.
    pub async fn token_lookup_accessor(
        &self,
        accessor: &str,
    ) -> Result<Option<TokenInfo>, VaultError> {
        let path = "auth/token/lookup-accessor";
        let body = json!({ "accessor": accessor });
        match self.request(Method::POST, path, &[], Some(&body)).await {
            Ok(v) => serde_json::from_value(data_of(v, path)?)
                .map(Some)
                .map_err(|e| VaultError::Decode(format!("{path}: {e}"))),
            Err(e) if is_gone(&e) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// `POST auth/token/revoke-accessor {"accessor"}`: the token and all its children.
    pub async fn token_revoke_accessor(&self, accessor: &str) -> Result<(), VaultError> {
        let body = json!({ "accessor": accessor });
        self.request(Method::POST, "auth/token/revoke-accessor", &[], Some(&body))
            .await
            .map(drop)
    }

    /// `POST auth/token/revoke {"token"}` (the tree) or `auth/token/revoke-orphan {"token"}`
    /// (sudo; the children live on as orphans): by the token's value, which the responder holds
    /// (a leaked token).
    pub async fn token_revoke(
        &self,
        token: &SecretString,
        orphan_children: bool,
    ) -> Result<(), VaultError> {
        let path = if orphan_children {
            "auth/token/revoke-orphan"
        } else {
            "auth/token/revoke"
        };
        let body = json!({ "token": token.expose_secret() });
        let r = self.request(Method::POST, path, &[], Some(&body)).await;
        drop(body);
        r.map(drop)
    }

    /// `GET auth/token/lookup-self`: the console's own token (its `id` never kept).
    pub async fn token_lookup_self(&self) -> Result<TokenInfo, VaultError> {
        let path = "auth/token/lookup-self";
        let v = self.request(Method::GET, path, &[], None).await?;
        let mut data = data_of(v, path)?;
        if let Some(o) = data.as_object_mut() {
            o.remove("id");
        }
        serde_json::from_value(data).map_err(|e| VaultError::Decode(format!("{path}: {e}")))
    }

    /// `POST auth/token/renew-self {"increment"}` → the new TTL in seconds. Without an
    /// increment the TTL resets to the role's `token_ttl`, so callers pass the current one.
    pub async fn token_renew_self(&self, increment_secs: Option<u64>) -> Result<i64, VaultError> {
        let body = match increment_secs {
            Some(i) => json!({ "increment": format!("{i}s") }),
            None => json!({}),
        };
        let v = self
            .request(Method::POST, "auth/token/renew-self", &[], Some(&body))
            .await?;
        Ok(v.pointer("/auth/lease_duration")
            .and_then(Value::as_i64)
            .unwrap_or(0))
    }
}

/// Every token by accessor: one LIST, then a lookup per accessor with at most `concurrency` in
/// flight; tokens come out in batches. Accessors gone before their lookup are counted as gone.
pub async fn token_inventory(
    client: &VaultClient,
    concurrency: usize,
    cancel: &CancellationToken,
    out: &mut (dyn FnMut(InventoryEvent<TokenInfo>) + Send),
) -> Result<InventorySummary, VaultError> {
    let start = vec![Task::List(String::new())];
    let run = |task: Task| {
        let client = client.clone();
        async move {
            match task {
                Task::List(_) => Outcome::Listed(
                    client
                        .token_accessors()
                        .await
                        .map(|a| a.into_iter().map(Task::Lookup).collect()),
                ),
                Task::Lookup(acc) => Outcome::Looked(client.token_lookup_accessor(&acc).await),
            }
        }
    };
    run_inventory(start, concurrency, cancel, run, out).await
}

impl VaultClient {
    /// `revoke-accessor`, telling whether there was a token to revoke: `Ok(true)` revoked (204),
    /// `Ok(false)` already gone. OpenBao 2.7 answers a revoked or unknown accessor with 200 and
    /// the warning `No token found with this accessor` (checked live); a 400 `invalid accessor`
    /// (other versions) counts as gone too.
    pub async fn token_revoke_accessor_checked(&self, accessor: &str) -> Result<bool, VaultError> {
        let body = json!({ "accessor": accessor });
        match self
            .request(Method::POST, "auth/token/revoke-accessor", &[], Some(&body))
            .await
        {
            Ok(v) => Ok(!v
                .get("warnings")
                .and_then(Value::as_array)
                .is_some_and(|w| {
                    w.iter()
                        .filter_map(Value::as_str)
                        .any(|m| m.contains("No token found"))
                })),
            Err(e) if is_gone(&e) => Ok(false),
            Err(e) => Err(e),
        }
    }
}
