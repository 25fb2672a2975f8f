//! `sys/health`, `sys/seal-status`, `sys/leader`, `sys/ha-status`, `sys/host-info`, `sys/seal`,
//! `sys/step-down`.

use reqwest::Method;
use serde_json::Value;

use super::client::{VaultClient, check, decode, errors_of};
use super::error::VaultError;
use super::models::sys::{
    HaStatus, Health, HealthResponse, HostMemory, LeaderStatus, NodeRole, SealStatus,
};

impl VaultClient {
    /// `GET sys/health` with the default status codes: 200 active, 429 standby, 472 DR secondary,
    /// 473 performance standby, 501 uninitialised, 503 sealed — all of them are answers, not errors.
    pub async fn health(&self) -> Result<Health, VaultError> {
        let raw = self.raw(Method::GET, "sys/health", &[], None).await?;
        if matches!(raw.status, 200 | 429 | 472 | 473 | 501 | 503) {
            let body: HealthResponse = decode("sys/health", raw.body)?;
            let role = NodeRole::from_status(raw.status, &body)
                .ok_or_else(|| VaultError::Decode(format!("sys/health: status {}", raw.status)))?;
            return Ok(Health {
                status: raw.status,
                role,
                body,
            });
        }
        let status = raw.status;
        let errors = errors_of(&raw.body);
        check(raw)?;
        Err(VaultError::Http { status, errors })
    }

    /// `GET sys/seal-status` (answers 200 even while sealed).
    pub async fn seal_status(&self) -> Result<SealStatus, VaultError> {
        self.get_json("sys/seal-status").await
    }

    /// `GET sys/leader`. A sealed raft node answers 503 "Vault is sealed" (→ [`VaultError::Sealed`]);
    /// a sealed dev server (no HA) still answers 200 `{"ha_enabled":false}`.
    pub async fn leader(&self) -> Result<LeaderStatus, VaultError> {
        self.get_json("sys/leader").await
    }

    /// `GET sys/ha-status` → `data`.
    pub async fn ha_status(&self) -> Result<HaStatus, VaultError> {
        self.get_data("sys/ha-status").await
    }

    /// `GET sys/host-info` → `data.memory` (needs sudo; 403 [`VaultError::PermissionDenied`] is
    /// an ordinary answer for most tokens).
    pub async fn host_memory(&self) -> Result<HostMemory, VaultError> {
        let mut data: Value = self.get_data("sys/host-info").await?;
        let mem = data
            .get_mut("memory")
            .map(Value::take)
            .ok_or_else(|| VaultError::Decode("sys/host-info: no memory field".into()))?;
        decode("sys/host-info", mem)
    }

    /// `PUT sys/seal` (204; needs a token with `sudo` on `sys/seal`).
    pub async fn seal(&self) -> Result<(), VaultError> {
        self.request(Method::PUT, "sys/seal", &[], None)
            .await
            .map(|_| ())
    }

    /// `PUT sys/step-down` (204; the active node hands over to a standby).
    pub async fn step_down(&self) -> Result<(), VaultError> {
        self.request(Method::PUT, "sys/step-down", &[], None)
            .await
            .map(|_| ())
    }
}
