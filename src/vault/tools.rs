//! `sys/tools` (random bytes, hashes) and the wrapping-token reads of the tools screen, as one
//! API area of requests and replies.

use base64::Engine;
use reqwest::Method;
use serde_json::{Value, json};

use super::client::VaultClient;
use super::error::VaultError;
use super::models::tools::RandomFormat;
use super::models::wrapping::{SecretText, Unwrapped, WrapLookup};

impl VaultClient {
    /// `POST sys/tools/random/<bytes> {"format"}` → the random bytes, encoded (a secret).
    pub async fn random_bytes(
        &self,
        bytes: u32,
        format: RandomFormat,
    ) -> Result<SecretText, VaultError> {
        let path = format!("sys/tools/random/{bytes}");
        let body = json!({ "format": format.name() });
        let mut v = self.request(Method::POST, &path, &[], Some(&body)).await?;
        match v
            .get_mut("data")
            .and_then(|d| d.get_mut("random_bytes"))
            .map(Value::take)
        {
            Some(Value::String(s)) => Ok(SecretText::from(s)),
            _ => Err(VaultError::Decode(format!("{path}: no random_bytes"))),
        }
    }

    /// `POST sys/tools/hash/<algorithm> {"input": base64, "format": "hex"}` → the hex sum.
    pub async fn hash(&self, algorithm: &str, input: &[u8]) -> Result<String, VaultError> {
        let path = format!("sys/tools/hash/{algorithm}");
        let b64 = zeroize::Zeroizing::new(base64::engine::general_purpose::STANDARD.encode(input));
        let body = json!({ "input": b64.as_str(), "format": "hex" });
        let v = self.request(Method::POST, &path, &[], Some(&body)).await?;
        v.get("data")
            .and_then(|d| d.get("sum"))
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| VaultError::Decode(format!("{path}: no sum")))
    }
}

/// What the tools area is asked (of one configured node).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ToolsRequest {
    /// Unwrap a wrapping token (it is used up).
    Unwrap { addr: String, token: SecretText },
    /// What a wrapping token wraps, without using it.
    Lookup { addr: String, token: SecretText },
    Random {
        addr: String,
        bytes: u32,
        format: RandomFormat,
    },
    Hash {
        addr: String,
        algorithm: String,
        input: SecretText,
    },
}

/// What it answers.
#[derive(Debug, Clone, PartialEq)]
pub enum ToolsReply {
    Unwrap(Result<Unwrapped, VaultError>),
    Lookup(Result<WrapLookup, VaultError>),
    Random(Result<SecretText, VaultError>),
    Hash(Result<String, VaultError>),
}

impl super::worker::Worker {
    /// Run one tools request. Wrapping tokens go only to configured addresses.
    pub async fn tools(&self, r: ToolsRequest) -> ToolsReply {
        match r {
            ToolsRequest::Unwrap { addr, token } => ToolsReply::Unwrap(match self.client(&addr) {
                // The anonymous client: the wrapping token is the only token sent.
                Ok(_) => self.anonymous_client(&addr).unwrap_token(&token).await,
                Err(e) => Err(e),
            }),
            ToolsRequest::Lookup { addr, token } => ToolsReply::Lookup(match self.client(&addr) {
                Ok(_) => self.anonymous_client(&addr).wrap_lookup(&token).await,
                Err(e) => Err(e),
            }),
            ToolsRequest::Random {
                addr,
                bytes,
                format,
            } => ToolsReply::Random(match self.client(&addr) {
                Ok(c) => c.random_bytes(bytes, format).await,
                Err(e) => Err(e),
            }),
            ToolsRequest::Hash {
                addr,
                algorithm,
                input,
            } => ToolsReply::Hash(match self.client(&addr) {
                Ok(c) => c.hash(&algorithm, input.expose().as_bytes()).await,
                Err(e) => Err(e),
            }),
        }
    }
}
