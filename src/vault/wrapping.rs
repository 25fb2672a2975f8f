//! Response wrapping (`sys/wrapping/*`): wrap data with a TTL, unwrap, look up and rewrap a
//! token, and wrap a KV secret read by the worker (its value never passes through the app).
//!
//! The wrap TTL goes only in the `X-Vault-Wrap-TTL` header (OpenBao ignores it in the body).
//! Unwrap uses the header form: the wrapping token as `X-Vault-Token`, no body; the worker
//! sends it only to a configured address.

use reqwest::Method;
use reqwest::header::HeaderValue;
use serde_json::{Value, json};

use super::client::{TOKEN_HEADER, VaultClient, check, decode, token_header};
use super::error::VaultError;
use super::models::kv::KvVersion;
use super::models::wrapping::{SecretText, Unwrapped, WrapInfo, WrapLookup};

/// The header that asks for a wrapped answer.
pub const WRAP_TTL_HEADER: &str = "X-Vault-Wrap-TTL";

/// The API path that reads a secret: `secret/data/apps/x` (v2), `kv1/apps/x` (v1).
pub fn read_path(mount: &str, version: KvVersion, path: &str) -> String {
    let mount = mount.trim_matches('/');
    let path = path.trim_start_matches('/');
    match version {
        KvVersion::V1 => format!("{mount}/{path}"),
        KvVersion::V2 => format!("{mount}/data/{path}"),
    }
}

fn wrap_info_of(path: &str, mut body: Value) -> Result<WrapInfo, VaultError> {
    let info = body
        .get_mut("wrap_info")
        .map(Value::take)
        .filter(|v| !v.is_null())
        .ok_or_else(|| VaultError::Decode(format!("{path}: no wrap_info")))?;
    decode(path, info)
}

impl VaultClient {
    /// `POST sys/wrapping/wrap` with `data` as the body and `ttl` ("3600s") in the header.
    pub async fn wrap(&self, data: &Value, ttl: &str) -> Result<WrapInfo, VaultError> {
        let path = "sys/wrapping/wrap";
        let ttl = HeaderValue::from_str(ttl)
            .map_err(|_| VaultError::Config(format!("invalid wrap TTL {ttl:?}")))?;
        let reply = self
            .send_with_headers(
                Method::POST,
                path,
                &[],
                Some(data),
                &[(WRAP_TTL_HEADER, ttl)],
            )
            .await?;
        wrap_info_of(path, check(reply.into_raw(path)?)?)
    }

    /// Read a KV secret's data (one version of a v2 secret, or the current one) and wrap it.
    pub async fn wrap_kv_secret(
        &self,
        mount: &str,
        kv_version: KvVersion,
        path: &str,
        version: Option<u64>,
        ttl: &str,
    ) -> Result<WrapInfo, VaultError> {
        let api = read_path(mount, kv_version, path);
        let v = version.map(|v| v.to_string());
        let query: Vec<(&str, &str)> = match (&kv_version, &v) {
            (KvVersion::V2, Some(v)) => vec![("version", v.as_str())],
            _ => Vec::new(),
        };
        let mut body = self.request(Method::GET, &api, &query, None).await?;
        let mut data = body.get_mut("data").map(Value::take).unwrap_or(Value::Null);
        if kv_version == KvVersion::V2 {
            data = data.get_mut("data").map(Value::take).unwrap_or(Value::Null);
        }
        if !data.is_object() {
            // A deleted or destroyed version answers with `data: null`.
            return Err(VaultError::Decode(format!(
                "{api}: the secret has no data to wrap"
            )));
        }
        self.wrap(&data, ttl).await
    }

    /// `POST sys/wrapping/unwrap` in the header form: `token` as `X-Vault-Token`, no body.
    /// Callers send this only to a configured address.
    pub async fn unwrap_token(&self, token: &SecretText) -> Result<Unwrapped, VaultError> {
        let path = "sys/wrapping/unwrap";
        let header = token_header(token.secret())?;
        let reply = self
            .send_with_headers(Method::POST, path, &[], None, &[(TOKEN_HEADER, header)])
            .await?;
        let body = check(reply.into_raw(path)?)?;
        Ok(Unwrapped::from_answer(&body))
    }

    /// `POST sys/wrapping/lookup {"token"}`: creation path, time and TTL.
    pub async fn wrap_lookup(&self, token: &SecretText) -> Result<WrapLookup, VaultError> {
        let path = "sys/wrapping/lookup";
        let body = json!({ "token": token.expose() });
        let mut v = self.request(Method::POST, path, &[], Some(&body)).await?;
        let data = v
            .get_mut("data")
            .map(Value::take)
            .ok_or_else(|| VaultError::Decode(format!("{path}: no data field")))?;
        decode(path, data)
    }

    /// `POST sys/wrapping/rewrap {"token"}`: a new token for the same data; the old one dies.
    pub async fn rewrap(&self, token: &SecretText) -> Result<WrapInfo, VaultError> {
        let path = "sys/wrapping/rewrap";
        let body = json!({ "token": token.expose() });
        let v = self.request(Method::POST, path, &[], Some(&body)).await?;
        wrap_info_of(path, v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_paths() {
        assert_eq!(
            read_path("secret/", KvVersion::V2, "a/b"),
            "secret/data/a/b"
        );
        assert_eq!(read_path("kv1", KvVersion::V1, "/x"), "kv1/x");
    }
}
