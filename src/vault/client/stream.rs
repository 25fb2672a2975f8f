//! Requests whose body the caller streams itself (raft snapshots): the request builder with the
//! token and namespace headers, and errors typed as for the other requests.

use reqwest::Method;

use super::{BytesReply, TOKEN_HEADER, VaultClient, check, encode_path, token_header};
use crate::vault::error::VaultError;

impl VaultClient {
    /// A request to `v1/<path>` with the token and namespace headers, for callers that stream
    /// the body themselves (raft snapshots).
    pub(crate) fn builder(
        &self,
        method: Method,
        path: &str,
    ) -> Result<reqwest::RequestBuilder, VaultError> {
        let url = format!(
            "{}/v1/{}",
            self.addr,
            encode_path(path.trim_start_matches('/'))
        );
        let mut req = self.http.request(method, &url);
        if let Some(token) = self.settings.token.as_ref() {
            req = req.header(TOKEN_HEADER, token_header(token)?);
        }
        if let Some(ns) = &self.settings.namespace {
            req = req.header("X-Vault-Namespace", ns);
        }
        Ok(req)
    }

    /// A transport error of a streamed request, typed as the others.
    pub(crate) fn stream_error(&self, e: reqwest::Error) -> VaultError {
        self.transport_error(e)
    }

    /// A non-success answer of a streamed request, typed as the others (its body is small JSON).
    pub(crate) async fn stream_failure(&self, resp: reqwest::Response, path: &str) -> VaultError {
        let status = resp.status();
        let bytes = match self.read_body(resp, path).await {
            Ok(b) => b,
            Err(e) => return e,
        };
        let reply = BytesReply {
            status,
            location: None,
            bytes,
        };
        match reply.into_raw(path).and_then(check) {
            Err(e) => e,
            Ok(_) => VaultError::from_status(status.as_u16(), vec![format!("{path} failed")]),
        }
    }
}

/// How long a log stream may stay open before it is asked again (the server sends nothing
/// while idle, so only a very long bound fits; the job reconnects when it is reached).
pub const MONITOR_STREAM_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(24 * 3600);

impl VaultClient {
    /// `GET sys/monitor?log_level=<level>` with the token: the open response on 200 (its body
    /// is the stream), a typed error otherwise (503 sealed, 403 denied). The connect timeout of
    /// the client applies; the overall one is [`MONITOR_STREAM_TIMEOUT`].
    pub async fn monitor_stream(&self, level: &str) -> Result<reqwest::Response, VaultError> {
        const PATH: &str = "sys/monitor";
        let resp = self
            .builder(Method::GET, PATH)?
            .query(&[("log_level", level)])
            .timeout(MONITOR_STREAM_TIMEOUT)
            .send()
            .await
            .map_err(|e| self.stream_error(e))?;
        if !resp.status().is_success() {
            return Err(self.stream_failure(resp, PATH).await);
        }
        Ok(resp)
    }
}
