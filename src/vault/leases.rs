//! `sys/leases/*`: list lease ids below a prefix (not paginated; sudo), look one up, renew,
//! revoke (one, a prefix, forced), tidy; and the lease inventory below a prefix.
//! Facts from a real OpenBao 2.7: an empty prefix answers 404 `{"errors":[]}`; an unknown lease
//! on lookup 400 `invalid lease`; `revoke` answers 204 even for unknown ids (202 with
//! `sync:false`); token leases cannot be renewed here (400).

use reqwest::Method;
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;

use super::client::{VaultClient, check};
use super::error::VaultError;
use super::inventory::{InventoryEvent, InventorySummary, Outcome, Task, run_inventory};
use super::models::kv::ListReply;
use super::models::leases::{LeaseInfo, LeaseRenewal};

/// Reply bound for a lease list: 100,000 ids of ~60 bytes fit many times over.
pub const LEASE_LIST_LIMIT: usize = 64 * 1024 * 1024;

fn list_method() -> Method {
    // A valid HTTP token, so this never fails; GET stands in for safety.
    Method::from_bytes(b"LIST").unwrap_or(Method::GET)
}

/// A prefix as the API wants it: no leading `/`, a trailing `/` unless empty.
pub fn normalize_prefix(prefix: &str) -> String {
    let p = prefix.trim().trim_start_matches('/');
    if p.is_empty() || p.ends_with('/') {
        p.to_string()
    } else {
        format!("{p}/")
    }
}

impl VaultClient {
    /// `LIST sys/leases/lookup/<prefix>`: the keys below it (sub-prefixes end in `/`, the rest
    /// are lease id suffixes). A prefix with nothing below (404 without a message) is empty.
    pub async fn lease_list(&self, prefix: &str) -> Result<Vec<String>, VaultError> {
        let path = format!("sys/leases/lookup/{}", normalize_prefix(prefix));
        let reply = self
            .with_reply_limit(LEASE_LIST_LIMIT)
            .send(list_method(), &path, &[], None)
            .await?;
        if reply.status.is_success() {
            if reply.bytes.is_empty() {
                return Ok(Vec::new());
            }
            let list: ListReply = serde_json::from_slice(&reply.bytes)
                .map_err(|e| VaultError::Decode(format!("{path}: {e}")))?;
            return Ok(list.data.map(|d| d.keys).unwrap_or_default());
        }
        match check(reply.into_raw(&path)?) {
            Ok(_) => Ok(Vec::new()),
            Err(VaultError::NotFound { errors }) if errors.is_empty() => Ok(Vec::new()),
            Err(e) => Err(e),
        }
    }

    /// `PUT sys/leases/lookup {"lease_id"}`. An unknown (revoked, expired) lease → `Ok(None)`.
    pub async fn lease_lookup(&self, lease_id: &str) -> Result<Option<LeaseInfo>, VaultError> {
        let body = json!({ "lease_id": lease_id });
        match self
            .request(Method::PUT, "sys/leases/lookup", &[], Some(&body))
            .await
        {
            Ok(mut v) => {
                let data = v
                    .get_mut("data")
                    .map(Value::take)
                    .ok_or_else(|| VaultError::Decode("sys/leases/lookup: no data".into()))?;
                serde_json::from_value(data)
                    .map(Some)
                    .map_err(|e| VaultError::Decode(format!("sys/leases/lookup: {e}")))
            }
            Err(VaultError::Http {
                status: 400,
                errors,
            }) if errors.iter().any(|e| e.contains("invalid lease")) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// `PUT sys/leases/renew {"lease_id","increment"}` (`increment` in seconds; `None` asks
    /// for the mount's default). Above the max TTL the server caps it and warns.
    pub async fn lease_renew(
        &self,
        lease_id: &str,
        increment: Option<u64>,
    ) -> Result<LeaseRenewal, VaultError> {
        let mut body = json!({ "lease_id": lease_id });
        if let Some(i) = increment {
            body["increment"] = json!(i);
        }
        let v = self
            .request(Method::PUT, "sys/leases/renew", &[], Some(&body))
            .await?;
        let warnings = v
            .get("warnings")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|w| w.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        Ok(LeaseRenewal {
            lease_id: v
                .get("lease_id")
                .and_then(Value::as_str)
                .unwrap_or(lease_id)
                .to_string(),
            lease_duration: v.get("lease_duration").and_then(Value::as_i64).unwrap_or(0),
            renewable: v.get("renewable").and_then(Value::as_bool).unwrap_or(false),
            warnings,
        })
    }

    /// `PUT sys/leases/revoke {"lease_id","sync"}`: 204 (even for an unknown id), or 202 when
    /// `sync` is false (revoked in the background).
    pub async fn lease_revoke(&self, lease_id: &str, sync: bool) -> Result<(), VaultError> {
        let body = json!({ "lease_id": lease_id, "sync": sync });
        self.request(Method::PUT, "sys/leases/revoke", &[], Some(&body))
            .await
            .map(drop)
    }

    /// `PUT sys/leases/revoke-prefix/<prefix> {"sync"}` (sudo): every lease below it.
    pub async fn lease_revoke_prefix(&self, prefix: &str, sync: bool) -> Result<(), VaultError> {
        // No trailing `/`: OpenBao answers 400 "cannot write to a path ending in '/'".
        let path = format!(
            "sys/leases/revoke-prefix/{}",
            normalize_prefix(prefix).trim_end_matches('/')
        );
        let body = json!({ "sync": sync });
        self.request(Method::PUT, &path, &[], Some(&body))
            .await
            .map(drop)
    }

    /// `PUT sys/leases/revoke-force/<prefix>` (sudo): removes the leases even where the secret
    /// engine fails to revoke them (the credentials may stay valid at their source).
    pub async fn lease_revoke_force(&self, prefix: &str) -> Result<(), VaultError> {
        let path = format!(
            "sys/leases/revoke-force/{}",
            normalize_prefix(prefix).trim_end_matches('/')
        );
        self.request(Method::PUT, &path, &[], None).await.map(drop)
    }

    /// `PUT sys/leases/tidy`: clean up dangling lease entries (202, runs in the background).
    pub async fn lease_tidy(&self) -> Result<(), VaultError> {
        self.request(Method::PUT, "sys/leases/tidy", &[], None)
            .await
            .map(drop)
    }
}

/// Every lease below `prefix` (`""` for all): LIST each sub-prefix, look each id up, at most
/// `concurrency` requests in flight; leases come out in batches. A lease gone between the list
/// and its lookup is counted as gone. Lists need `sudo` on `sys/leases/lookup/*`.
pub async fn lease_inventory(
    client: &VaultClient,
    prefix: &str,
    concurrency: usize,
    cancel: &CancellationToken,
    out: &mut (dyn FnMut(InventoryEvent<LeaseInfo>) + Send),
) -> Result<InventorySummary, VaultError> {
    let start = vec![Task::List(normalize_prefix(prefix))];
    let run = |task: Task| {
        let client = client.clone();
        async move {
            match task {
                Task::List(p) => Outcome::Listed(client.lease_list(&p).await.map(|keys| {
                    keys.into_iter()
                        .map(|k| {
                            if k.ends_with('/') {
                                Task::List(format!("{p}{k}"))
                            } else {
                                Task::Lookup(format!("{p}{k}"))
                            }
                        })
                        .collect()
                })),
                Task::Lookup(id) => Outcome::Looked(client.lease_lookup(&id).await),
            }
        }
    };
    run_inventory(start, concurrency, cancel, run, out).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_are_normalised() {
        assert_eq!(normalize_prefix(""), "");
        assert_eq!(normalize_prefix("/database/creds"), "database/creds/");
        assert_eq!(normalize_prefix("auth/"), "auth/");
    }
}
