//! ACL policies (`sys/policies/acl`) and capabilities (`sys/capabilities-self`,
//! `sys/capabilities`) as one API area of requests and replies. A token asked about travels in
//! a [`SecretText`] and only in request bodies, wiped after sending.

use futures::StreamExt;
use reqwest::Method;
use serde_json::{Value, json};

use super::ceremony::wipe_strings;
use super::client::{VaultClient, decode};
use super::error::VaultError;
use super::models::policies::{AclPolicy, CapabilityAnswer, PolicyList};
use super::models::wrapping::SecretText;

/// At most this many policies are read for the list.
pub const MAX_POLICIES: usize = 2000;
/// Policy reads in flight at once.
const READS_IN_FLIGHT: usize = 8;

fn acl_path(name: &str) -> String {
    format!("sys/policies/acl/{name}")
}

impl VaultClient {
    /// `LIST sys/policies/acl` → the names, sorted.
    pub async fn policy_names(&self) -> Result<Vec<String>, VaultError> {
        let list = Method::from_bytes(b"LIST").unwrap_or(Method::GET);
        let v = self.request(list, "sys/policies/acl", &[], None).await?;
        let mut names: Vec<String> = v
            .get("data")
            .and_then(|d| d.get("keys"))
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        Ok(names)
    }

    /// `GET sys/policies/acl/<name>`; missing → 404.
    pub async fn read_policy(&self, name: &str) -> Result<AclPolicy, VaultError> {
        let mut p: AclPolicy = self.get_data(&acl_path(name)).await?;
        if p.name.is_empty() {
            p.name = name.to_string();
        }
        Ok(p)
    }

    /// Every policy: the list, then each read (bounded); unreadable ones are reported apart.
    pub async fn all_policies(&self) -> Result<PolicyList, VaultError> {
        let names = self.policy_names().await?;
        let reads = futures::stream::iter(names.into_iter().take(MAX_POLICIES))
            .map(|n| async move {
                let r = self.read_policy(&n).await;
                (n, r)
            })
            .buffered(READS_IN_FLIGHT)
            .collect::<Vec<_>>()
            .await;
        let mut out = PolicyList::default();
        for (name, r) in reads {
            match r {
                Ok(p) => out.policies.push(p),
                Err(e) => out.unreadable.push((name, e)),
            }
        }
        Ok(out)
    }

    /// `PUT sys/policies/acl/<name> {"policy", "cas"?}` (`cas: -1` = must not exist yet).
    pub async fn write_policy(
        &self,
        name: &str,
        policy: &str,
        cas: Option<i64>,
    ) -> Result<(), VaultError> {
        let mut body = json!({ "policy": policy });
        if let Some(c) = cas {
            body["cas"] = json!(c);
        }
        self.request(Method::PUT, &acl_path(name), &[], Some(&body))
            .await
            .map(|_| ())
    }

    /// `DELETE sys/policies/acl/<name>` (the server refuses root and default).
    pub async fn delete_policy(&self, name: &str) -> Result<(), VaultError> {
        self.request(Method::DELETE, &acl_path(name), &[], None)
            .await
            .map(|_| ())
    }

    /// `sys/capabilities-self` for one path (the KV area's call), sorted.
    pub async fn capabilities_self_on(&self, path: &str) -> Result<Vec<String>, VaultError> {
        let mut caps = self.capabilities_self(&[path]).await?;
        let mut found = caps
            .remove(path)
            .ok_or_else(|| VaultError::Decode(format!("no capabilities for {path}")))?;
        found.sort();
        Ok(found)
    }

    /// `POST sys/capabilities {"token","paths"}` for another token (the body is wiped after).
    pub async fn capabilities_of(
        &self,
        token: &SecretText,
        path: &str,
    ) -> Result<Vec<String>, VaultError> {
        let mut body = json!({ "token": token.expose(), "paths": [path] });
        let v = self
            .request(Method::POST, "sys/capabilities", &[], Some(&body))
            .await;
        wipe_strings(&mut body);
        caps_of(&v?, path)
    }

    /// The policies of the console's token (`lookup-self`) or of a given one (`lookup`, body
    /// wiped): token and identity policies.
    pub async fn token_policies(
        &self,
        token: Option<&SecretText>,
    ) -> Result<Vec<String>, VaultError> {
        let v = match token {
            None => {
                self.request(Method::GET, "auth/token/lookup-self", &[], None)
                    .await?
            }
            Some(t) => {
                let mut body = json!({ "token": t.expose() });
                let v = self
                    .request(Method::POST, "auth/token/lookup", &[], Some(&body))
                    .await;
                wipe_strings(&mut body);
                v?
            }
        };
        let data = v.get("data").cloned().unwrap_or(Value::Null);
        let mut out: Vec<String> = Vec::new();
        for key in ["policies", "identity_policies"] {
            let list: Vec<String> =
                decode(key, data.get(key).cloned().unwrap_or(json!([]))).unwrap_or_default();
            for p in list {
                if !out.contains(&p) {
                    out.push(p);
                }
            }
        }
        Ok(out)
    }
}

/// The capabilities of `path` in a capabilities answer (`data.<path>`, or the top level).
fn caps_of(v: &Value, path: &str) -> Result<Vec<String>, VaultError> {
    let found = v
        .get("data")
        .and_then(|d| d.get(path).or_else(|| d.get("capabilities")))
        .or_else(|| v.get(path))
        .and_then(Value::as_array)
        .ok_or_else(|| VaultError::Decode(format!("no capabilities for {path}")))?;
    let mut caps: Vec<String> = found
        .iter()
        .filter_map(Value::as_str)
        .map(str::to_string)
        .collect();
    caps.sort();
    Ok(caps)
}

/// What the policies area is asked (of one configured node).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PoliciesRequest {
    /// List and read every policy.
    All {
        addr: String,
    },
    Read {
        addr: String,
        name: String,
    },
    /// The capabilities on `path` of the console's token (`token: None`) or of a given token,
    /// and that token's policies.
    Capabilities {
        addr: String,
        path: String,
        token: Option<SecretText>,
    },
}

/// What it answers.
#[derive(Debug, Clone, PartialEq)]
pub enum PoliciesReply {
    All(Result<PolicyList, VaultError>),
    Read(Result<AclPolicy, VaultError>),
    Capabilities(Result<CapabilityAnswer, VaultError>),
}

impl super::worker::Worker {
    /// Run one policies request.
    pub async fn policies(&self, r: PoliciesRequest) -> PoliciesReply {
        match r {
            PoliciesRequest::All { addr } => PoliciesReply::All(match self.client(&addr) {
                Ok(c) => c.all_policies().await,
                Err(e) => Err(e),
            }),
            PoliciesRequest::Read { addr, name } => PoliciesReply::Read(match self.client(&addr) {
                Ok(c) => c.read_policy(&name).await,
                Err(e) => Err(e),
            }),
            PoliciesRequest::Capabilities { addr, path, token } => {
                PoliciesReply::Capabilities(match self.client(&addr) {
                    Ok(c) => {
                        let caps = match &token {
                            None => c.capabilities_self_on(&path).await,
                            Some(t) => c.capabilities_of(t, &path).await,
                        };
                        match caps {
                            Ok(capabilities) => Ok(CapabilityAnswer {
                                capabilities,
                                own_token: token.is_none(),
                                policies: c.token_policies(token.as_ref()).await,
                                path,
                            }),
                            Err(e) => Err(e),
                        }
                    }
                    Err(e) => Err(e),
                })
            }
        }
    }

    /// Perform a policy write that passed the gate.
    pub async fn policy_write_one(
        &self,
        m: &crate::write_gate::policy::PolicyMutation,
    ) -> Result<crate::reply::WriteResult, VaultError> {
        use crate::write_gate::policy::PolicyMutation;
        let c = self.client(m.addr())?;
        match m {
            PolicyMutation::Write {
                name, policy, cas, ..
            } => c.write_policy(name, policy, *cas).await,
            PolicyMutation::Delete { name, .. } => c.delete_policy(name).await,
        }
        .map(|()| crate::reply::WriteResult::Done)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capabilities_from_real_answers() {
        let v = json!({"a/x":["root"],"capabilities":["root"],"data":{"a/x":["root"],"capabilities":["root"]}});
        assert_eq!(caps_of(&v, "a/x"), Ok(vec!["root".to_string()]));
        let v = json!({"data":{"s/p":["read","list"]}});
        assert_eq!(
            caps_of(&v, "s/p"),
            Ok(vec!["list".to_string(), "read".to_string()])
        );
        assert!(caps_of(&json!({}), "x").is_err());
    }
}
