//! The demo `pki/` mount: a root CA, the role `sandbox-example` for `*.sandbox.example`, and
//! certificates of several lifetimes (30 minutes to 90 days) for the expiry views.

use serde_json::json;

use super::error::SandboxError;
use super::seed::Seeder;

pub const PKI_MOUNT: &str = "pki";
pub const PKI_ROLE: &str = "sandbox-example";
pub const PKI_DOMAIN: &str = "sandbox.example";
/// Issued certificates: (common name's first label, TTL).
pub const CERTS: &[(&str, &str)] = &[
    ("deploy-preview", "30m"),
    ("batch-job", "5h"),
    ("staging-api", "72h"),
    ("internal-dashboard", "720h"),
    ("payments-gateway", "2160h"),
];

impl Seeder {
    pub async fn pki(&self) -> Result<(), SandboxError> {
        self.mount(
            "sys/mounts",
            PKI_MOUNT,
            json!({"type": "pki", "description": "demo PKI (practice CA)", "config": {"max_lease_ttl": "87600h"}}),
        )
        .await?;
        self.write(
            &format!("{PKI_MOUNT}/root/generate/internal"),
            json!({"common_name": "strongroom sandbox root CA (practice only)", "ttl": "87600h", "key_type": "ec", "key_bits": 256}),
        )
        .await?;
        self.write(
            &format!("{PKI_MOUNT}/roles/{PKI_ROLE}"),
            json!({"allowed_domains": [PKI_DOMAIN], "allow_subdomains": true, "max_ttl": "2160h", "key_type": "ec", "key_bits": 256}),
        )
        .await?;
        for (name, ttl) in CERTS {
            self.write(
                &format!("{PKI_MOUNT}/issue/{PKI_ROLE}"),
                json!({"common_name": format!("{name}.{PKI_DOMAIN}"), "ttl": ttl}),
            )
            .await?;
        }
        Ok(())
    }
}
