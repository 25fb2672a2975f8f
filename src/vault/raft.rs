//! `sys/storage/raft/configuration` and `sys/storage/raft/autopilot/state`.

use serde_json::Value;

use super::client::{VaultClient, decode};
use super::error::VaultError;
use super::models::raft::{AutopilotState, RaftConfiguration};

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
}

/// A server without raft storage (a dev server, another backend) refuses the raft endpoints.
/// OpenBao answers 404 (unsupported path), or an error that mentions raft.
pub fn is_raft_not_in_use(e: &VaultError) -> bool {
    match e {
        VaultError::NotFound { .. } => true,
        VaultError::Http { errors, .. } | VaultError::Server { errors, .. } => errors
            .iter()
            .any(|m| m.contains("raft") || m.contains("unsupported") || m.contains("not in use")),
        _ => e.to_string().contains("raft storage"),
    }
}

/// The message the UI shows for a failed raft read.
pub fn describe_raft_error(e: &str) -> String {
    if e.contains("not found") || e.contains("raft") || e.contains("unsupported") {
        "raft storage not in use".to_string()
    } else {
        e.to_string()
    }
}
