//! The HTTP client: one reqwest client per connection settings, shared by every node of a cluster.
//! Token, namespace, TLS options and timeouts come from [`ClientSettings`]. No automatic retries:
//! the poller asks again on its next tick, which is the right retry policy for polling.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderValue;
use reqwest::{Method, StatusCode};
use secrecy::ExposeSecret;
use serde::de::DeserializeOwned;
use serde_json::Value;

mod stream;

use super::error::VaultError;
use crate::secret::Token;

/// Everything needed to talk to one cluster.
#[derive(Debug, Clone)]
pub struct ClientSettings {
    pub token: Option<Arc<Token>>,
    pub namespace: Option<String>,
    pub ca_cert: Option<PathBuf>,
    pub client_cert: Option<PathBuf>,
    pub client_key: Option<PathBuf>,
    pub skip_verify: bool,
    pub timeout: Duration,
    pub connect_timeout: Duration,
    /// The most a reply body may hold; a larger one is an error of that node, read no further.
    pub max_reply_bytes: usize,
}

/// The header that carries the token.
pub const TOKEN_HEADER: &str = "X-Vault-Token";

/// The token as a header value marked sensitive: reqwest and hyper then never show it in
/// `Debug` output or logs (and HTTP/2 keeps it out of the header compression table).
pub fn token_header(token: &Token) -> Result<HeaderValue, VaultError> {
    let mut value = HeaderValue::from_str(token.expose_secret()).map_err(|_| {
        VaultError::Config("the token has characters not allowed in an HTTP header".into())
    })?;
    value.set_sensitive(true);
    Ok(value)
}

/// Default bound on a reply: far above any health, status or metrics answer.
pub const DEFAULT_MAX_REPLY_BYTES: usize = 4 * 1024 * 1024;

impl ClientSettings {
    /// A connection profile's token, namespace and TLS options, with the default timeouts and
    /// reply bound.
    pub fn from_profile(profile: &crate::config::ConnectionProfile) -> ClientSettings {
        ClientSettings {
            token: profile.token.clone(),
            namespace: profile.namespace.clone(),
            ca_cert: profile.ca_cert.clone(),
            client_cert: profile.client_cert.clone(),
            client_key: profile.client_key.clone(),
            skip_verify: profile.skip_verify,
            ..ClientSettings::default()
        }
    }
}

impl Default for ClientSettings {
    fn default() -> Self {
        Self {
            token: None,
            namespace: None,
            ca_cert: None,
            client_cert: None,
            client_key: None,
            skip_verify: false,
            timeout: Duration::from_secs(5),
            connect_timeout: Duration::from_secs(2),
            max_reply_bytes: DEFAULT_MAX_REPLY_BYTES,
        }
    }
}

/// A client bound to one node address. Cheap to clone.
#[derive(Debug, Clone)]
pub struct VaultClient {
    http: reqwest::Client,
    addr: String,
    settings: Arc<ClientSettings>,
}

/// A raw answer: status and parsed JSON body (`Value::Null` when empty).
#[derive(Debug, Clone)]
pub struct RawResponse {
    pub status: u16,
    pub body: Value,
    /// `Location` header of a redirect, if any.
    pub location: Option<String>,
}

/// An answer before its body is parsed: see [`VaultClient::send`].
#[derive(Debug, Clone)]
pub struct BytesReply {
    pub status: StatusCode,
    pub location: Option<String>,
    pub bytes: Vec<u8>,
}

impl BytesReply {
    /// Parse the body as JSON (`Value::Null` when empty). A body that is not JSON is a decode
    /// error on success, and keeps its status otherwise (an error page of a proxy).
    pub fn into_raw(self, path: &str) -> Result<RawResponse, VaultError> {
        let status = self.status;
        let body = if self.bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&self.bytes).map_err(|e| {
                if status.is_success() {
                    VaultError::Decode(format!("{path}: {e}"))
                } else {
                    VaultError::from_status(
                        status.as_u16(),
                        vec![format!("non-JSON reply from {path}")],
                    )
                }
            })?
        };
        Ok(RawResponse {
            status: status.as_u16(),
            body,
            location: self.location,
        })
    }
}

impl VaultClient {
    /// Build the shared HTTP client for these settings.
    pub fn build_http(settings: &ClientSettings) -> Result<reqwest::Client, VaultError> {
        install_crypto_provider();
        let mut b = reqwest::Client::builder()
            .timeout(settings.timeout)
            .connect_timeout(settings.connect_timeout)
            .pool_idle_timeout(Duration::from_secs(30))
            // Standbys may redirect; we report that instead of following it blindly.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("strongroom/", env!("CARGO_PKG_VERSION")));
        if let Some(ca) = &settings.ca_cert {
            let pem = std::fs::read(ca).map_err(|e| {
                VaultError::Config(format!("cannot read CA certificate {}: {e}", ca.display()))
            })?;
            let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
                VaultError::Config(format!("invalid CA certificate {}: {e}", ca.display()))
            })?;
            // A file without any PEM certificate would silently leave only the system roots;
            // `bao` refuses it, and so do we.
            if certs.is_empty() {
                return Err(VaultError::Config(format!(
                    "invalid CA certificate {}: no PEM certificate in the file",
                    ca.display()
                )));
            }
            for c in certs {
                b = b.add_root_certificate(c);
            }
        }
        match (&settings.client_cert, &settings.client_key) {
            (Some(cert), Some(key)) => {
                let mut pem = std::fs::read(cert).map_err(|e| {
                    VaultError::Config(format!(
                        "cannot read client certificate {}: {e}",
                        cert.display()
                    ))
                })?;
                let key_pem = std::fs::read(key).map_err(|e| {
                    VaultError::Config(format!("cannot read client key {}: {e}", key.display()))
                })?;
                pem.push(b'\n');
                pem.extend_from_slice(&key_pem);
                let id = reqwest::Identity::from_pem(&pem).map_err(|e| {
                    VaultError::Config(format!("invalid client certificate or key: {e}"))
                })?;
                b = b.identity(id);
            }
            (None, None) => {}
            _ => {
                return Err(VaultError::Config(
                    "a client certificate needs both the certificate and the key".into(),
                ));
            }
        }
        if settings.skip_verify {
            b = b.danger_accept_invalid_certs(true);
        }
        b.build()
            .map_err(|e| VaultError::Config(format!("cannot build HTTP client: {e}")))
    }

    pub fn new(http: reqwest::Client, addr: &str, settings: Arc<ClientSettings>) -> Self {
        Self {
            http,
            addr: addr.trim_end_matches('/').to_string(),
            settings,
        }
    }

    /// Convenience: a client with its own HTTP client.
    pub fn connect(addr: &str, settings: ClientSettings) -> Result<Self, VaultError> {
        let http = Self::build_http(&settings)?;
        Ok(Self::new(http, addr, Arc::new(settings)))
    }

    /// The same client with another bound on reply size, for calls whose answers are large by
    /// nature (a LIST of 100,000 keys).
    pub fn with_reply_limit(&self, max_reply_bytes: usize) -> Self {
        Self {
            http: self.http.clone(),
            addr: self.addr.clone(),
            settings: Arc::new(ClientSettings {
                max_reply_bytes,
                ..(*self.settings).clone()
            }),
        }
    }

    pub fn addr(&self) -> &str {
        &self.addr
    }

    /// Send a request to `v1/<path>` and return status + JSON body, whatever the status.
    pub async fn raw(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        body: Option<&Value>,
    ) -> Result<RawResponse, VaultError> {
        let reply = self.send(method, path, query, body).await?;
        reply.into_raw(path)
    }

    /// Send a request to `v1/<path>` and return status, `Location` and the body as bytes
    /// (bounded by `max_reply_bytes`), for callers that decode the body themselves.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        body: Option<&Value>,
    ) -> Result<BytesReply, VaultError> {
        self.send_with_headers(method, path, query, body, &[]).await
    }

    /// As [`VaultClient::send`], with extra headers (`X-Vault-Wrap-TTL`). An extra
    /// `X-Vault-Token` (a wrapping token to unwrap) replaces the settings' token.
    pub async fn send_with_headers(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        body: Option<&Value>,
        headers: &[(&'static str, HeaderValue)],
    ) -> Result<BytesReply, VaultError> {
        let url = format!(
            "{}/v1/{}",
            self.addr,
            encode_path(path.trim_start_matches('/'))
        );
        let mut req = self.http.request(method, &url);
        if !query.is_empty() {
            req = req.query(query);
        }
        let own_token = headers
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case(TOKEN_HEADER));
        if let Some(token) = self.settings.token.as_ref().filter(|_| !own_token) {
            req = req.header(TOKEN_HEADER, token_header(token)?);
        }
        for (k, v) in headers {
            req = req.header(*k, v.clone());
        }
        if let Some(ns) = &self.settings.namespace {
            req = req.header("X-Vault-Namespace", ns);
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        let resp = req.send().await.map_err(|e| self.transport_error(e))?;
        let status = resp.status();
        let location = resp
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let bytes = self.read_body(resp, path).await?;
        Ok(BytesReply {
            status,
            location,
            bytes,
        })
    }

    /// Send a request and turn non-success statuses into typed errors.
    pub async fn request(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        body: Option<&Value>,
    ) -> Result<Value, VaultError> {
        let raw = self.raw(method, path, query, body).await?;
        check(raw)
    }

    /// `GET v1/<path>` and decode the whole body.
    pub async fn get_json<T: DeserializeOwned>(&self, path: &str) -> Result<T, VaultError> {
        let v = self.request(Method::GET, path, &[], None).await?;
        decode(path, v)
    }

    /// `GET v1/<path>` and decode the `data` field of the envelope.
    pub async fn get_data<T: DeserializeOwned>(&self, path: &str) -> Result<T, VaultError> {
        let mut v = self.request(Method::GET, path, &[], None).await?;
        let data = v
            .get_mut("data")
            .map(Value::take)
            .ok_or_else(|| VaultError::Decode(format!("{path}: no data field")))?;
        decode(path, data)
    }

    /// Read a reply body, refusing one larger than `max_reply_bytes`: first by its
    /// `Content-Length`, then while reading (a chunked reply says nothing in advance).
    async fn read_body(
        &self,
        mut resp: reqwest::Response,
        path: &str,
    ) -> Result<Vec<u8>, VaultError> {
        let limit = self.settings.max_reply_bytes;
        let too_large = || VaultError::ReplyTooLarge {
            path: path.to_string(),
            limit,
        };
        if resp
            .content_length()
            .is_some_and(|n| usize::try_from(n).map_or(true, |n| n > limit))
        {
            return Err(too_large());
        }
        let mut body = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(|e| self.transport_error(e))? {
            if body.len().saturating_add(chunk.len()) > limit {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }

    fn transport_error(&self, e: reqwest::Error) -> VaultError {
        tracing::debug!(addr = %self.addr, error = ?e, "transport error");
        if e.is_timeout() {
            VaultError::Timeout {
                secs: self.settings.timeout.as_secs_f64(),
            }
        } else if e.is_connect() {
            VaultError::Connect {
                addr: self.addr.clone(),
                reason: root_cause(&e),
            }
        } else {
            VaultError::Transport(root_cause(&e))
        }
    }
}

/// A path as it goes into the URL: every byte but `A-Z a-z 0-9 - . _ ~ /` percent-encoded, so a
/// secret named `a?b#c` or `a b` reaches the server as that name (the server decodes the path).
pub fn encode_path(path: &str) -> std::borrow::Cow<'_, str> {
    let plain = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/');
    if path.bytes().all(plain) {
        return std::borrow::Cow::Borrowed(path);
    }
    let mut out = String::with_capacity(path.len() * 3);
    for b in path.bytes() {
        if plain(b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Turn a raw answer into its body or a typed error.
pub fn check(raw: RawResponse) -> Result<Value, VaultError> {
    let status = StatusCode::from_u16(raw.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if status.is_success() {
        return Ok(raw.body);
    }
    if status.is_redirection() {
        return Err(VaultError::StandbyRedirect {
            location: raw.location.unwrap_or_else(|| "an unknown address".into()),
        });
    }
    Err(VaultError::from_status(raw.status, errors_of(&raw.body)))
}

/// The server's `errors[]`.
pub fn errors_of(body: &Value) -> Vec<String> {
    body.get("errors")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|e| e.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

pub fn decode<T: DeserializeOwned>(path: &str, v: Value) -> Result<T, VaultError> {
    serde_json::from_value(v).map_err(|e| VaultError::Decode(format!("{path}: {e}")))
}

fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur: &dyn std::error::Error = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

/// rustls needs one process-wide crypto provider; we use ring (lighter to build than aws-lc).
fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::token_from;

    #[test]
    fn paths_are_percent_encoded_but_slashes_kept() {
        assert_eq!(encode_path("secret/data/apps/x"), "secret/data/apps/x");
        assert_eq!(
            encode_path("secret/data/a b?c#d%"),
            "secret/data/a%20b%3Fc%23d%25"
        );
        assert_eq!(encode_path("kv/é"), "kv/%C3%A9");
    }

    #[test]
    fn token_header_is_sensitive_and_hidden_from_debug() {
        let token = token_from("s.CanaryHeaderToken");
        let http = VaultClient::build_http(&ClientSettings::default()).expect("client");
        let req = http
            .get("http://127.0.0.1:8200/v1/sys/health")
            .header(TOKEN_HEADER, token_header(&token).expect("valid token"))
            .build()
            .expect("request builds");
        let value = req.headers().get(TOKEN_HEADER).expect("token header");
        assert!(value.is_sensitive());
        assert_eq!(value.as_bytes(), b"s.CanaryHeaderToken");
        let dbg = format!("{req:?} {:?}", req.headers());
        assert!(!dbg.contains("CanaryHeaderToken"), "{dbg}");
    }

    #[test]
    fn a_token_that_cannot_be_a_header_is_a_config_error_without_the_token() {
        let err = token_header(&token_from("s.bad\ntoken")).expect_err("newline in a header");
        assert!(matches!(err, VaultError::Config(_)));
        assert!(!err.to_string().contains("s.bad"), "{err}");
    }
}
