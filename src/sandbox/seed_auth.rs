//! Demo auth data: an AppRole and a userpass user with a few logins (leases), child tokens of
//! several TTLs and display names, and audit traffic that includes denied requests.

use reqwest::Method;
use secrecy::SecretString;
use serde_json::{Value, json};

use super::error::SandboxError;
use super::init::{self, into_secret};
use super::seed::Seeder;

/// Obviously not a real password: the sandbox's userpass users log in with it.
pub const DEMO_PASSWORD: &str = "practice-only-password";

/// Child tokens: policy, TTL, display name.
const TOKENS: &[(&str, &str, Option<&str>)] = &[
    ("payments-read", "5m", Some("short-lived")),
    ("ci-deployer", "1h", Some("ci-job-4711")),
    ("auditor", "24h", Some("auditor-shift")),
    ("payments-read", "1h", None),
    ("ci-deployer", "24h", Some("nightly-release")),
];

impl Seeder {
    pub(crate) async fn auth_and_traffic(&self) -> Result<(), SandboxError> {
        self.approle().await?;
        self.userpass().await?;
        let mut limited = None;
        for (policy, ttl, name) in TOKENS {
            let mut body = json!({ "policies": [policy], "ttl": ttl });
            if let Some(n) = name {
                body["display_name"] = json!(n);
            }
            let token = self.token_of(self.write("auth/token/create", body).await?)?;
            if *ttl == "5m" {
                limited = Some(token);
            }
        }
        // One orphan token, as an operator's break-glass token would be.
        self.write(
            "auth/token/create-orphan",
            json!({ "policies": ["default"], "ttl": "24h", "display_name": "break-glass" }),
        )
        .await?;
        if let Some(t) = limited {
            self.traffic(&t).await?;
        }
        Ok(())
    }

    async fn approle(&self) -> Result<(), SandboxError> {
        self.mount("sys/auth", "approle", json!({ "type": "approle" }))
            .await?;
        let role = "auth/approle/role/ci-runner";
        self.write(
            role,
            json!({ "token_policies": ["ci-deployer"], "token_ttl": "1h", "token_max_ttl": "4h", "secret_id_ttl": "24h" }),
        )
        .await?;
        let role_id = self
            .root
            .request(Method::GET, &format!("{role}/role-id"), &[], None)
            .await
            .map_err(|e| SandboxError::vault("reading the demo role id", e))?
            .pointer("/data/role_id")
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| SandboxError::Unexpected("no role_id for the demo AppRole".into()))?;
        for _ in 0..3 {
            let mut v = self.write(&format!("{role}/secret-id"), json!({})).await?;
            let secret_id = v
                .pointer_mut("/data/secret_id")
                .map(Value::take)
                .and_then(into_secret)
                .ok_or_else(|| {
                    SandboxError::Unexpected("no secret_id for the demo AppRole".into())
                })?;
            let body = json!({ "role_id": role_id, "secret_id": secrecy::ExposeSecret::expose_secret(&secret_id) });
            self.login("auth/approle/login", body).await?;
        }
        Ok(())
    }

    async fn userpass(&self) -> Result<(), SandboxError> {
        self.mount("sys/auth", "userpass", json!({ "type": "userpass" }))
            .await?;
        for (user, policy, logins) in [("alice", "payments-read", 2), ("bob", "auditor", 1)] {
            self.write(
                &format!("auth/userpass/users/{user}"),
                json!({ "password": DEMO_PASSWORD, "token_policies": [policy], "token_ttl": "30m" }),
            )
            .await?;
            for _ in 0..logins {
                self.login(
                    &format!("auth/userpass/login/{user}"),
                    json!({ "password": DEMO_PASSWORD }),
                )
                .await?;
            }
        }
        Ok(())
    }

    /// Log in and drop the token: the lease stays on the server, which is the point.
    async fn login(&self, path: &str, body: Value) -> Result<(), SandboxError> {
        let v = self.write(path, body).await?;
        self.token_of(v).map(drop)
    }

    fn token_of(&self, mut v: Value) -> Result<SecretString, SandboxError> {
        v.pointer_mut("/auth/client_token")
            .map(Value::take)
            .and_then(into_secret)
            .ok_or_else(|| {
                SandboxError::Unexpected("a login or token creation returned no token".into())
            })
    }

    /// Reads by a limited token on every node (standbys audit their own reads): allowed ones and
    /// denied ones, plus one request with a token that does not exist.
    async fn traffic(&self, limited: &SecretString) -> Result<(), SandboxError> {
        let reads = [
            "secret/data/apps/payments/api/prod",
            "secret/data/apps/identity/login/prod",
            "secret/data/platform/ci/registry",
            "sys/mounts",
        ];
        let bogus = SecretString::from("s.FAKEFAKEFAKEFAKEFAKEFAKE".to_string());
        for addr in &self.addrs {
            let c = init::client(addr, Some(limited))?;
            for path in reads {
                c.raw(Method::GET, path, &[], None)
                    .await
                    .map_err(|e| SandboxError::vault(format!("demo traffic on {addr}"), e))?;
            }
            let b = init::client(addr, Some(&bogus))?;
            b.raw(Method::GET, "secret/data/apps/payments/api/prod", &[], None)
                .await
                .map_err(|e| SandboxError::vault(format!("demo traffic on {addr}"), e))?;
        }
        Ok(())
    }
}
