//! `GET sys/metrics` (JSON form).

use super::client::VaultClient;
use super::error::VaultError;
use super::models::metrics::MetricsSummary;

impl VaultClient {
    /// The in-memory sink's last 10 s window. Needs a token on a real config.
    pub async fn metrics(&self) -> Result<MetricsSummary, VaultError> {
        self.get_json("sys/metrics").await
    }
}
