//! Ceremonies on the seal: `sys/init` and `sys/unseal` (unauthenticated endpoints). Shares and the
//! root token travel in [`SecretString`]s; the one request body that carries a share is wiped once
//! it is sent.

use reqwest::Method;
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Value, json};
use zeroize::Zeroize;

use super::client::{VaultClient, decode};
use super::error::VaultError;
use super::models::ceremony::{InitRequest, InitResponse};
use super::models::sys::SealStatus;
use super::models::wrapping::SecretText;
use super::worker::Worker;
use crate::reply::WriteResult;
use crate::write_gate::ceremony_init::InitMutation;

impl VaultClient {
    /// `PUT sys/init`: the unseal (or recovery) shares and the initial root token. An answer without as many
    /// shares as asked for is a [`VaultError::Decode`].
    pub async fn init(&self, req: InitRequest) -> Result<InitResponse, VaultError> {
        let body = serde_json::to_value(&req)
            .map_err(|e| VaultError::Decode(format!("sys/init request: {e}")))?;
        let v = self
            .request(Method::PUT, "sys/init", &[], Some(&body))
            .await?;
        let resp: InitResponse = decode("sys/init", v)?;
        let got = match &resp.recovery_keys_base64 {
            Some(r) if req.recovery_shares.is_some() => r.len(),
            _ => resp.keys_base64.len(),
        };
        if got != req.shares_asked() {
            return Err(VaultError::Decode(format!(
                "sys/init: {got} shares returned, {} asked for",
                req.shares_asked()
            )));
        }
        Ok(resp)
    }

    /// `PUT sys/unseal {"key"}`: submit one share; the answer is the seal status after it. A
    /// wrong share is only rejected when the threshold is reached (progress goes back to 0).
    pub async fn unseal(&self, share: &SecretString) -> Result<SealStatus, VaultError> {
        let mut body = json!({ "key": share.expose_secret() });
        let res = self
            .request(Method::PUT, "sys/unseal", &[], Some(&body))
            .await;
        wipe_strings(&mut body);
        decode("sys/unseal", res?)
    }

    /// `PUT sys/unseal {"reset":true}`: forget the shares submitted so far.
    pub async fn unseal_reset(&self) -> Result<SealStatus, VaultError> {
        let body = json!({ "reset": true });
        let v = self
            .request(Method::PUT, "sys/unseal", &[], Some(&body))
            .await?;
        decode("sys/unseal", v)
    }
}

/// What an init handed out, for the screen to show once: the shares (unseal, or recovery for
/// auto-unseal) and the root token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InitSecrets {
    pub shares: Vec<SecretText>,
    pub recovery: bool,
    pub root_token: SecretText,
}

impl InitSecrets {
    fn from_response(r: InitResponse, recovery: bool) -> Self {
        let shares = match (recovery, r.recovery_keys_base64) {
            (true, Some(k)) => k,
            _ => r.keys_base64,
        };
        Self {
            shares: shares.into_iter().map(SecretText::new).collect(),
            recovery,
            root_token: SecretText::new(r.root_token),
        }
    }
}

/// Initialise through this client (the worker's, or a test's).
pub async fn init_write_with(c: &VaultClient, m: &InitMutation) -> Result<WriteResult, VaultError> {
    let recovery = m.request.recovery_shares.is_some();
    let r = c.init(m.request.clone()).await?;
    Ok(WriteResult::Init(InitSecrets::from_response(r, recovery)))
}

impl Worker {
    /// Perform an init that passed the gate.
    pub async fn init_write_one(&self, m: &InitMutation) -> Result<WriteResult, VaultError> {
        let c = self.client(m.addr())?;
        init_write_with(&c, m).await
    }
}

/// The current endpoint is not there (404) or turned off (405): the legacy one may be.
fn missing(e: &VaultError) -> bool {
    matches!(
        e,
        VaultError::NotFound { .. } | VaultError::Http { status: 405, .. }
    )
}

impl VaultClient {
    /// A quorum-ceremony call (generate-root, rekey): `<current>/<leaf>` first, then
    /// `<legacy>/<leaf>` when the current endpoint is missing or turned off. The body is wiped
    /// after both tries. Returns the answer and whether the legacy endpoint gave it.
    pub(crate) async fn ceremony_call(
        &self,
        method: Method,
        (current, legacy): (&str, &str),
        leaf: &str,
        mut body: Option<Value>,
    ) -> Result<(Value, bool), VaultError> {
        let mut used_legacy = false;
        let mut res = self
            .request(
                method.clone(),
                &format!("{current}/{leaf}"),
                &[],
                body.as_ref(),
            )
            .await;
        if let Err(e) = &res
            && missing(e)
        {
            used_legacy = true;
            res = self
                .request(method, &format!("{legacy}/{leaf}"), &[], body.as_ref())
                .await;
        }
        if let Some(b) = body.as_mut() {
            wipe_strings(b);
        }
        res.map(|v| (v, used_legacy))
    }
}

/// Overwrite every string of a request body (or an answer) that carried a secret.
pub(crate) fn wipe_strings(v: &mut Value) {
    match v {
        Value::String(s) => s.zeroize(),
        Value::Array(a) => a.iter_mut().for_each(wipe_strings),
        Value::Object(o) => o.values_mut().for_each(wipe_strings),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_share_body_is_wiped() {
        let mut body = json!({ "key": "c2hhcmU=", "nested": ["x"] });
        wipe_strings(&mut body);
        assert_eq!(body, json!({ "key": "", "nested": [""] }));
    }

    #[test]
    fn init_answer_decodes_into_secrets_with_redacted_debug() {
        // As a real OpenBao 2.7 answered `PUT sys/init` (values replaced).
        let v = json!({
            "keys": ["aa", "bb"],
            "keys_base64": ["qg==", "uw=="],
            "recovery_keys": null,
            "recovery_keys_base64": null,
            "root_token": "s.PRACTICEONLYTOKEN0000000"
        });
        let r: InitResponse = decode("sys/init", v).expect("decodes");
        assert_eq!(r.keys_base64.len(), 2);
        assert_eq!(r.keys_base64[1].expose_secret(), "uw==");
        let dbg = format!("{r:?}");
        assert!(
            !dbg.contains("PRACTICEONLY") && !dbg.contains("qg=="),
            "{dbg}"
        );
    }

    #[test]
    fn an_init_answer_without_a_token_is_a_decode_error() {
        let e = decode::<InitResponse>("sys/init", json!({ "keys_base64": [] }));
        assert!(matches!(e, Err(VaultError::Decode(_))), "{e:?}");
    }
}
