//! `sys/storage/raft/configuration`, `sys/storage/raft/autopilot/state` and
//! `sys/storage/raft/autopilot/configuration`.

use reqwest::Method;
use serde_json::Value;

use super::client::{VaultClient, decode};
use super::error::VaultError;
use super::models::raft::{AutopilotConfigUpdate, AutopilotState, RaftConfiguration};

impl VaultClient {
    /// `GET sys/storage/raft/configuration` → `data.config`.
    pub async fn raft_configuration(&self) -> Result<RaftConfiguration, VaultError> {
        let mut data: Value = self.get_data("sys/storage/raft/configuration").await?;
        let config = data.get_mut("config").map(Value::take).ok_or_else(|| {
            VaultError::Decode("sys/storage/raft/configuration: no config".into())
        })?;
        decode("sys/storage/raft/configuration", config)
    }

    /// `GET sys/storage/raft/autopilot/state` → `data`.
    pub async fn autopilot_state(&self) -> Result<AutopilotState, VaultError> {
        self.get_data("sys/storage/raft/autopilot/state").await
    }

    /// `POST sys/storage/raft/autopilot/configuration` (204; only the fields that are set change).
    pub async fn set_autopilot_configuration(
        &self,
        update: &AutopilotConfigUpdate,
    ) -> Result<(), VaultError> {
        let body = serde_json::to_value(update).map_err(|e| {
            VaultError::Decode(format!("sys/storage/raft/autopilot/configuration: {e}"))
        })?;
        self.request(
            Method::POST,
            "sys/storage/raft/autopilot/configuration",
            &[],
            Some(&body),
        )
        .await
        .map(|_| ())
    }
}

/// What a server without raft storage (a dev server's `inmem`, Consul, file...) answers on the
/// raft endpoints: they are not mounted, so OpenBao says 404 `{"errors":["1 error occurred:\n\t*
/// unsupported path\n\n"]}` (checked against a dev server, with a valid token; a bad token
/// gets 403 first). Some raft-only endpoints of Vault say "raft storage is not in use" instead.
const NOT_IN_USE_MARKERS: [&str; 3] = [
    "unsupported path",
    "raft storage is not in use",
    "raft backend not in use",
];

/// True when the error means "this cluster does not use raft storage" rather than a failure:
/// the UI then says "raft storage not in use" instead of showing an error.
pub fn is_raft_not_in_use(e: &VaultError) -> bool {
    match e {
        // The raft paths only exist with raft storage: any 404 there means "not in use".
        VaultError::NotFound { .. } => true,
        VaultError::Http { errors, .. } | VaultError::Server { errors, .. } => {
            errors.iter().any(|m| says_not_in_use(m))
        }
        _ => false,
    }
}

fn says_not_in_use(message: &str) -> bool {
    NOT_IN_USE_MARKERS.iter().any(|m| message.contains(m))
}

/// The message the UI shows for a failed raft read.
pub fn describe_raft_error(e: &VaultError) -> String {
    if is_raft_not_in_use(e) {
        "raft storage not in use".to_string()
    } else {
        e.to_string()
    }
}

impl VaultClient {
    /// `POST sys/storage/raft/remove-peer {"server_id"}` (204): the node leaves the raft
    /// configuration.
    pub async fn raft_remove_peer(&self, server_id: &str) -> Result<(), VaultError> {
        self.raft_server_op("sys/storage/raft/remove-peer", server_id)
            .await
    }

    /// `POST sys/storage/raft/promote {"server_id"}`: autopilot makes the node a voter a few
    /// seconds later.
    pub async fn raft_promote(&self, server_id: &str) -> Result<(), VaultError> {
        self.raft_server_op("sys/storage/raft/promote", server_id)
            .await
    }

    /// `POST sys/storage/raft/demote {"server_id"}`: autopilot makes the node a non-voter a few
    /// seconds later.
    pub async fn raft_demote(&self, server_id: &str) -> Result<(), VaultError> {
        self.raft_server_op("sys/storage/raft/demote", server_id)
            .await
    }

    async fn raft_server_op(&self, path: &str, server_id: &str) -> Result<(), VaultError> {
        let body = serde_json::json!({ "server_id": server_id });
        self.request(Method::POST, path, &[], Some(&body))
            .await
            .map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The exact answer of a dev server (`storage "inmem"`), recorded with a valid token.
    fn dev_server_answer() -> VaultError {
        VaultError::from_status(
            404,
            vec!["1 error occurred:\n\t* unsupported path\n\n".into()],
        )
    }

    #[test]
    fn a_dev_server_answer_means_not_in_use() {
        let e = dev_server_answer();
        assert!(is_raft_not_in_use(&e));
        assert_eq!(e.to_string(), "not found: unsupported path");
        assert_eq!(describe_raft_error(&e), "raft storage not in use");
        let vault = VaultError::from_status(400, vec!["raft storage is not in use".into()]);
        assert!(is_raft_not_in_use(&vault));
    }

    #[test]
    fn other_failures_stay_errors() {
        for e in [
            VaultError::Sealed,
            VaultError::from_status(403, vec!["permission denied".into()]),
            VaultError::from_status(500, vec!["internal error".into()]),
            VaultError::Timeout { secs: 5.0 },
        ] {
            assert!(!is_raft_not_in_use(&e), "{e:?}");
            assert_eq!(describe_raft_error(&e), e.to_string());
        }
    }
}
