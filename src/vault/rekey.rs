//! Rekey (rotate the unseal keys) from a quorum of the current shares: the token-authenticated
//! `sys/rotate/root/{init,update,verify}` (answers in the `data` envelope), falling back to the
//! legacy unauthenticated `sys/rekey/*` where the current ones answer 404/405. The new shares
//! come back in [`SecretText`]s; request bodies that carried a share are wiped once sent.

use reqwest::Method;
use serde_json::{Value, json};

use super::ceremony::wipe_strings;
use super::client::VaultClient;
use super::error::VaultError;
use super::models::wrapping::SecretText;
use super::worker::Worker;
use crate::reply::WriteResult;
use crate::write_gate::rekey::RekeyMutation;

/// The current (token-authenticated) endpoints.
const CURRENT: &str = "sys/rotate/root";
/// The legacy endpoints, off by default on OpenBao 2.5+.
const LEGACY: &str = "sys/rekey";

/// Where a rekey (or its verification) stands.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RekeyStatus {
    pub started: bool,
    pub nonce: String,
    pub progress: u32,
    /// Current shares needed (the current threshold).
    pub required: u32,
    /// The new number of shares and threshold.
    pub n: u32,
    pub t: u32,
    pub verification_required: bool,
    pub verification_nonce: String,
    pub complete: bool,
    /// On completion: the new shares (base64; PGP-encrypted when keys were given).
    pub keys: Vec<SecretText>,
    pub pgp_fingerprints: Vec<String>,
    /// Answered by the legacy endpoints.
    pub legacy: bool,
}

/// The first 8 characters of a nonce, for display.
pub fn short(nonce: &str) -> &str {
    match nonce.char_indices().nth(8) {
        Some((i, _)) => &nonce[..i],
        None => nonce,
    }
}

impl RekeyStatus {
    pub fn short_nonce(&self) -> &str {
        short(&self.nonce)
    }

    /// The new shares are out, the old ones still unseal until they are verified.
    pub fn awaiting_verification(&self) -> bool {
        self.complete && !self.verification_nonce.is_empty()
    }
}

/// What starting a rekey asks for.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RekeyStart {
    pub shares: usize,
    pub threshold: usize,
    pub pgp_keys: Option<Vec<String>>,
    pub require_verification: bool,
}

/// A status from an answer (the `data` envelope or the bare object). New shares are moved into
/// secrets; the rest of the answer is wiped.
pub fn parse_status(mut v: Value, legacy: bool) -> Result<RekeyStatus, VaultError> {
    let mut d = match v.get_mut("data") {
        Some(d) if d.is_object() => d.take(),
        _ => v.take(),
    };
    if !d.is_object() {
        return Err(VaultError::Decode("rekey: no status in the answer".into()));
    }
    let num =
        |k: &str| u32::try_from(d.get(k).and_then(Value::as_u64).unwrap_or(0)).unwrap_or(u32::MAX);
    let text = |k: &str| d.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    let flag = |k: &str| d.get(k).and_then(Value::as_bool).unwrap_or(false);
    let mut s = RekeyStatus {
        started: flag("started"),
        nonce: text("nonce"),
        progress: num("progress"),
        required: num("required"),
        n: num("n"),
        t: num("t"),
        verification_required: flag("verification_required"),
        verification_nonce: text("verification_nonce"),
        complete: flag("complete"),
        keys: Vec::new(),
        pgp_fingerprints: d
            .get("pgp_fingerprints")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default(),
        legacy,
    };
    if let Some(Value::Array(keys)) = d.get_mut("keys_base64").map(Value::take) {
        for k in keys {
            if let Value::String(k) = k {
                s.keys.push(SecretText::from(k));
            }
        }
    }
    wipe_strings(&mut d);
    Ok(s)
}

impl VaultClient {
    /// One call to `<base>/<leaf>`, the current endpoint first, then the legacy one. The body is
    /// wiped after both tries.
    async fn rekey_call(
        &self,
        method: Method,
        leaf: &str,
        body: Option<Value>,
    ) -> Result<RekeyStatus, VaultError> {
        let (v, legacy) = self
            .ceremony_call(method.clone(), (CURRENT, LEGACY), leaf, body)
            .await?;
        if method == Method::DELETE || v.is_null() {
            return Ok(RekeyStatus {
                legacy,
                ..RekeyStatus::default()
            });
        }
        parse_status(v, legacy)
    }

    /// `GET …/init`: where the rekey stands.
    pub async fn rekey_status(&self) -> Result<RekeyStatus, VaultError> {
        self.rekey_call(Method::GET, "init", None).await
    }

    /// `GET …/verify`: where the verification stands.
    pub async fn rekey_verify_status(&self) -> Result<RekeyStatus, VaultError> {
        self.rekey_call(Method::GET, "verify", None).await
    }

    /// `PUT …/init {"secret_shares","secret_threshold",…}`: start a rekey.
    pub async fn rekey_start(&self, s: &RekeyStart) -> Result<RekeyStatus, VaultError> {
        let mut body = json!({
            "secret_shares": s.shares,
            "secret_threshold": s.threshold,
            "require_verification": s.require_verification,
        });
        if let (Some(keys), Some(o)) = (&s.pgp_keys, body.as_object_mut()) {
            o.insert("pgp_keys".into(), json!(keys));
        }
        self.rekey_call(Method::PUT, "init", Some(body)).await
    }

    /// `PUT …/update {"key","nonce"}`: submit one current share.
    pub async fn rekey_update(
        &self,
        share: &SecretText,
        nonce: &str,
    ) -> Result<RekeyStatus, VaultError> {
        let body = json!({ "key": share.expose(), "nonce": nonce });
        self.rekey_call(Method::PUT, "update", Some(body)).await
    }

    /// `PUT …/verify {"key","nonce"}`: submit one NEW share to verify the rekey.
    pub async fn rekey_verify(
        &self,
        share: &SecretText,
        nonce: &str,
    ) -> Result<RekeyStatus, VaultError> {
        let body = json!({ "key": share.expose(), "nonce": nonce });
        self.rekey_call(Method::PUT, "verify", Some(body)).await
    }

    /// `DELETE …/init`: cancel the rekey (the shares entered so far are forgotten).
    pub async fn rekey_cancel(&self) -> Result<(), VaultError> {
        self.rekey_call(Method::DELETE, "init", None)
            .await
            .map(|_| ())
    }
}

/// What the rekey area is asked (reads).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RekeyRequest {
    Status { addr: String },
    VerifyStatus { addr: String },
}

/// What it answers.
#[derive(Debug, Clone, PartialEq)]
pub enum RekeyReply {
    Status(Result<RekeyStatus, VaultError>),
    VerifyStatus(Result<RekeyStatus, VaultError>),
}

impl Worker {
    pub async fn rekey(&self, r: RekeyRequest) -> RekeyReply {
        match r {
            RekeyRequest::Status { addr } => RekeyReply::Status(match self.client(&addr) {
                Ok(c) => c.rekey_status().await,
                Err(e) => Err(e),
            }),
            RekeyRequest::VerifyStatus { addr } => {
                RekeyReply::VerifyStatus(match self.client(&addr) {
                    Ok(c) => c.rekey_verify_status().await,
                    Err(e) => Err(e),
                })
            }
        }
    }

    /// Perform one rekey write that passed the gate.
    pub async fn rekey_write_one(&self, m: &RekeyMutation) -> Result<WriteResult, VaultError> {
        let c = self.client(m.addr())?;
        rekey_write_with(&c, m).await
    }
}

/// One rekey write with this client (the worker's, or a test's).
pub async fn rekey_write_with(
    c: &VaultClient,
    m: &RekeyMutation,
) -> Result<WriteResult, VaultError> {
    let st = match m {
        RekeyMutation::Start { start, .. } => c.rekey_start(start).await?,
        RekeyMutation::Update { share, nonce, .. } => c.rekey_update(share, nonce).await?,
        RekeyMutation::Verify { share, nonce, .. } => c.rekey_verify(share, nonce).await?,
        RekeyMutation::Cancel { .. } => {
            c.rekey_cancel().await?;
            RekeyStatus::default()
        }
    };
    Ok(WriteResult::Rekey(st))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_parse_and_keys_are_secrets() {
        let v = json!({"data": {"n": 5, "t": 3, "nonce": "5e0e1234-aa", "progress": 0, "required": 3,
            "started": true, "verification_nonce": "", "verification_required": false}});
        let s = parse_status(v, false).expect("parses");
        assert!(s.started && !s.complete);
        assert_eq!((s.n, s.t, s.required), (5, 3, 3));
        assert_eq!(s.short_nonce(), "5e0e1234");
        let done = json!({"data": {"complete": true, "keys": ["aa"], "keys_base64": ["UFJBQ1RJQ0U="],
            "verification_nonce": "v-1", "verification_required": true, "pgp_fingerprints": null}});
        let s = parse_status(done, true).expect("parses");
        assert!(s.complete && s.legacy && s.awaiting_verification());
        assert_eq!(s.keys.len(), 1);
        assert!(!format!("{s:?}").contains("UFJBQ1RJQ0U"));
    }
}
