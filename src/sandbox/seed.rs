//! Demo data for the sandbox, written once over HTTP with the root token: KV v2 and v1 trees,
//! transit, policies (here) and auth methods, leases, tokens and audit traffic (`seed_auth.rs`).
//! Every value is fake and says so.

use std::time::{Duration, Instant};

use reqwest::Method;
use secrecy::SecretString;
use serde_json::{Value, json};

use super::error::SandboxError;
use super::init;
use crate::vault::{VaultClient, VaultError};

/// Writes the demo data through one node (the active one).
#[derive(Debug, Clone)]
pub struct Seeder {
    pub(crate) root: VaultClient,
    /// Every node's address: reads of the audit traffic go to all of them.
    pub(crate) addrs: Vec<String>,
}

/// Field names and (fake) values of one secret.
type Fields = &'static [(&'static str, &'static str)];

/// The KV v2 tree: path, custom metadata owner and team, fields.
const KV2: &[(&str, &str, &str, Fields)] = &[
    (
        "apps/payments/api/staging",
        "team-payments",
        "payments",
        &[
            ("db_password", "FAKE-staging-db-password"),
            ("api_key", "FAKE-staging-api-key-0000"),
        ],
    ),
    (
        "apps/payments/worker/prod",
        "team-payments",
        "payments",
        &[("queue_password", "FAKE-queue-password-practice")],
    ),
    (
        "apps/identity/login/prod",
        "team-identity",
        "identity",
        &[
            ("oauth_client_secret", "FAKE-oauth-secret-practice-only"),
            ("session_key", "FAKE-session-key"),
        ],
    ),
    (
        "apps/identity/login/staging",
        "team-identity",
        "identity",
        &[("oauth_client_secret", "FAKE-oauth-secret-staging")],
    ),
    (
        "platform/ci/deploy-key",
        "team-platform",
        "platform",
        &[(
            "ssh_private_key",
            "FAKE KEY - practice only, not a real key",
        )],
    ),
    (
        "platform/ci/registry",
        "team-platform",
        "platform",
        &[
            ("username", "ci-bot"),
            ("password", "FAKE-registry-password"),
        ],
    ),
    (
        "platform/backup/prod",
        "team-platform",
        "platform",
        &[
            ("access_key", "FAKE-ACCESS-KEY-PRACTICE"),
            ("secret_key", "FAKE-SECRET-KEY-PRACTICE"),
        ],
    ),
];

/// The secret with a history: 5 versions, version 2 destroyed, version 4 deleted.
pub const HISTORY_PATH: &str = "apps/payments/api/prod";

const KV1: &[(&str, Fields)] = &[
    (
        "legacy/crm/db",
        &[("username", "crm"), ("password", "FAKE-crm-db-password")],
    ),
    ("legacy/crm/smtp", &[("password", "FAKE-smtp-password")]),
    (
        "shared/ldap-bind",
        &[
            ("bind_dn", "cn=practice,dc=example,dc=org"),
            ("password", "FAKE-ldap"),
        ],
    ),
];

const POLICIES: &[(&str, &str)] = &[
    (
        "payments-read",
        r#"path "secret/data/apps/payments/*" { capabilities = ["read"] }
path "secret/metadata/apps/payments/*" { capabilities = ["read", "list"] }
path "secret/metadata/apps/" { capabilities = ["list"] }
path "secret/metadata/" { capabilities = ["list"] }
"#,
    ),
    (
        "ci-deployer",
        r#"path "secret/data/platform/ci/*" { capabilities = ["read"] }
path "secret/metadata/platform/ci/*" { capabilities = ["read", "list"] }
path "transit/encrypt/payments-card" { capabilities = ["update"] }
path "auth/token/create" { capabilities = ["update"] }
"#,
    ),
    (
        "auditor",
        r#"path "sys/audit" { capabilities = ["read", "sudo"] }
path "sys/policies/acl" { capabilities = ["list"] }
path "sys/policies/acl/*" { capabilities = ["read"] }
path "sys/leases/lookup/*" { capabilities = ["list", "sudo"] }
path "sys/mounts" { capabilities = ["read"] }
path "secret/metadata/*" { capabilities = ["read", "list"] }
"#,
    ),
];

impl Seeder {
    pub fn new(
        active_addr: &str,
        addrs: Vec<String>,
        root_token: &SecretString,
    ) -> Result<Self, SandboxError> {
        Ok(Self {
            root: init::client(active_addr, Some(root_token))?,
            addrs,
        })
    }

    /// Write everything. Mounts and auth methods that exist already are kept.
    pub async fn run(&self) -> Result<(), SandboxError> {
        self.mount("sys/mounts", "secret", json!({"type": "kv", "options": {"version": "2"}, "description": "demo KV v2 (practice data)"})).await?;
        self.mount("sys/mounts", "kv1", json!({"type": "kv", "options": {"version": "1"}, "description": "demo KV v1 (practice data)"})).await?;
        self.mount(
            "sys/mounts",
            "transit",
            json!({"type": "transit", "description": "demo transit"}),
        )
        .await?;
        self.kv2().await?;
        for (path, fields) in KV1 {
            self.write(&format!("kv1/{path}"), fields_json(fields))
                .await?;
        }
        self.write("transit/keys/payments-card", json!({})).await?;
        self.write("transit/keys/payments-card/rotate", json!({}))
            .await?;
        for (name, policy) in POLICIES {
            self.write(
                &format!("sys/policies/acl/{name}"),
                json!({ "policy": policy }),
            )
            .await?;
        }
        self.pki().await?;
        self.auth_and_traffic().await
    }

    async fn kv2(&self) -> Result<(), SandboxError> {
        for v in 1..=5 {
            let data = json!({
                "db_password": format!("FAKE-prod-db-password-v{v}"),
                "api_key": format!("FAKE-prod-api-key-v{v}-practice-only"),
            });
            self.write(
                &format!("secret/data/{HISTORY_PATH}"),
                json!({ "data": data }),
            )
            .await?;
        }
        self.write(
            &format!("secret/destroy/{HISTORY_PATH}"),
            json!({"versions": [2]}),
        )
        .await?;
        self.write(
            &format!("secret/delete/{HISTORY_PATH}"),
            json!({"versions": [4]}),
        )
        .await?;
        self.metadata(HISTORY_PATH, "team-payments", "payments")
            .await?;
        for (path, owner, team, fields) in KV2 {
            self.write(
                &format!("secret/data/{path}"),
                json!({ "data": fields_json(fields) }),
            )
            .await?;
            self.metadata(path, owner, team).await?;
        }
        Ok(())
    }

    async fn metadata(&self, path: &str, owner: &str, team: &str) -> Result<(), SandboxError> {
        let env = path.rsplit('/').next().unwrap_or("");
        let body = json!({ "custom_metadata": { "owner": owner, "team": team, "env": env } });
        self.write(&format!("secret/metadata/{path}"), body)
            .await
            .map(|_| ())
    }

    /// Enable a secrets engine (`sys/mounts`) or auth method (`sys/auth`) unless it exists.
    pub(crate) async fn mount(
        &self,
        table: &str,
        path: &str,
        body: Value,
    ) -> Result<(), SandboxError> {
        let existing = self
            .root
            .request(Method::GET, table, &[], None)
            .await
            .map_err(|e| SandboxError::vault(format!("GET {table}"), e))?;
        let key = format!("{path}/");
        let present = existing.get("data").and_then(|d| d.get(&key)).is_some()
            || existing.get(&key).is_some();
        if present {
            return Ok(());
        }
        self.write(&format!("{table}/{path}"), body)
            .await
            .map(|_| ())
    }

    /// `POST v1/<path>` with the root token; a non-success status is an error naming the path.
    /// A KV v2 mount still upgrading its storage is waited out (see [`retry_after`]).
    pub(crate) async fn write(&self, path: &str, body: Value) -> Result<Value, SandboxError> {
        let started = Instant::now();
        loop {
            match self
                .root
                .request(Method::POST, path, &[], Some(&body))
                .await
            {
                Ok(v) => return Ok(v),
                Err(e) => match retry_after(&e, started.elapsed()) {
                    Some(pause) => tokio::time::sleep(pause).await,
                    None => return Err(SandboxError::vault(format!("seeding {path}"), e)),
                },
            }
        }
    }
}

/// How long seeding waits for a new KV v2 mount to finish upgrading (it takes a moment, longer
/// on a busy machine).
pub const UPGRADE_WAIT: Duration = Duration::from_secs(60);
const UPGRADE_POLL: Duration = Duration::from_millis(250);

/// A freshly enabled KV v2 mount answers 400 "Upgrading from non-versioned to versioned data.
/// This backend will be unavailable for a brief period and will resume service shortly" until
/// its storage is ready ("Waiting for the primary to upgrade from non-versioned to versioned
/// data…" where another node does the upgrade). That text is the only sign the server gives (no
/// distinct status), so it is matched here, and only here.
pub fn is_kv_upgrading(e: &VaultError) -> bool {
    matches!(e, VaultError::Http { status: 400, errors }
    if errors.iter().any(|m| m.to_ascii_lowercase().contains(UPGRADE_TEXT)))
}

/// Common to both upgrade answers, lowercased.
const UPGRADE_TEXT: &str = "from non-versioned to versioned data";

/// Whether (and after what pause) to send a seeding request again, `elapsed` after its first
/// attempt: only while a KV v2 mount is upgrading, and only within [`UPGRADE_WAIT`].
pub fn retry_after(e: &VaultError, elapsed: Duration) -> Option<Duration> {
    (is_kv_upgrading(e) && elapsed < UPGRADE_WAIT).then_some(UPGRADE_POLL)
}

fn fields_json(fields: &[(&str, &str)]) -> Value {
    Value::Object(
        fields
            .iter()
            .map(|(k, v)| ((*k).to_string(), json!(v)))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn upgrading() -> VaultError {
        // As a real OpenBao 2.7 answered a write right after `sys/mounts/secret` (kv v2).
        VaultError::from_status(
            400,
            vec![
                "Upgrading from non-versioned to versioned data. This backend will be unavailable \
                 for a brief period and will resume service shortly."
                    .into(),
            ],
        )
    }

    #[test]
    fn an_upgrading_kv_mount_is_retried_within_the_bound() {
        let e = upgrading();
        assert!(is_kv_upgrading(&e));
        // As OpenBao wraps it, and the variant of a node waiting for another one's upgrade.
        assert!(is_kv_upgrading(&VaultError::from_status(
            400,
            vec![
                "1 error occurred:\n\t* Upgrading from non-versioned to versioned data. This \
                 backend will be unavailable for a brief period and will resume service shortly.\n\n"
                    .into()
            ],
        )));
        assert!(is_kv_upgrading(&VaultError::from_status(
            400,
            vec![
                "Waiting for the primary to upgrade from non-versioned to versioned data. This \
                 backend will be unavailable for a brief period and will resume service when the \
                 primary is finished."
                    .into()
            ],
        )));
        assert_eq!(retry_after(&e, Duration::ZERO), Some(UPGRADE_POLL));
        assert_eq!(
            retry_after(&e, UPGRADE_WAIT - Duration::from_millis(1)),
            Some(UPGRADE_POLL)
        );
        assert_eq!(retry_after(&e, UPGRADE_WAIT), None, "bounded in time");
    }

    #[test]
    fn other_errors_are_not_retried() {
        for e in [
            VaultError::from_status(400, vec!["invalid request".into()]),
            VaultError::from_status(403, vec!["permission denied".into()]),
            // The same words with another status are not the upgrade answer.
            VaultError::from_status(
                500,
                vec!["Upgrading from non-versioned to versioned data.".into()],
            ),
            VaultError::Timeout { secs: 10.0 },
        ] {
            assert!(!is_kv_upgrading(&e), "{e}");
            assert_eq!(retry_after(&e, Duration::ZERO), None, "{e}");
        }
    }
}
