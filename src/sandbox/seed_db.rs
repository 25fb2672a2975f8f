//! The `database/` mount against our own PostgreSQL: connection `pg` (as the `vault` superuser),
//! the dynamic role `readonly` (1 h, at most 24 h) and a few issued credentials (their leases are
//! the demo data). One implementation for the sandbox and the live tests.

use secrecy::SecretString;
use serde_json::json;

use super::error::SandboxError;
use super::postgres::{Postgres, VAULT_ROLE};
use super::seed::Seeder;
use crate::vault::database::{DbConnection, DynamicRole, POSTGRES_PLUGIN};
use crate::vault::{VaultClient, VaultError};

pub const DB_MOUNT: &str = "database";
pub const DB_CONNECTION: &str = "pg";
pub const DB_ROLE: &str = "readonly";
/// How many credentials (leases) the sandbox issues.
pub const DEMO_CREDENTIALS: usize = 3;

/// How a mount reaches the server: placeholders in the URL, the user and its password apart.
#[derive(Debug, Clone)]
pub struct DbTarget {
    pub url_template: String,
    pub username: String,
    pub password: SecretString,
    /// Generated user names (`None`: the plugin's default `v-<display>-<role>-…`).
    pub username_template: Option<String>,
}

impl DbTarget {
    /// Our server, as its `vault` role; `None` when this run does not know the password (a
    /// resumed server: the mount configured earlier still has it).
    pub fn of(pg: &Postgres) -> Option<DbTarget> {
        pg.vault_password().map(|p| DbTarget {
            url_template: pg.template_url(),
            username: VAULT_ROLE.to_string(),
            password: p.clone(),
            username_template: None,
        })
    }
}

/// Enable `<mount>/` (database engine) unless it exists, then write connection
/// [`DB_CONNECTION`] and the role [`DB_ROLE`].
pub async fn configure_database(
    client: &VaultClient,
    mount: &str,
    target: &DbTarget,
) -> Result<(), VaultError> {
    let mount = mount.trim_matches('/');
    let present = client
        .sys_mounts()
        .await?
        .iter()
        .any(|m| m.path == format!("{mount}/"));
    if !present {
        client
            .request(
                reqwest::Method::POST,
                &format!("sys/mounts/{mount}"),
                &[],
                Some(&json!({"type": "database", "description": "PostgreSQL dynamic credentials (practice)"})),
            )
            .await?;
    }
    let conn = DbConnection {
        plugin_name: POSTGRES_PLUGIN.into(),
        connection_url: target.url_template.clone(),
        username: target.username.clone(),
        password: target.password.clone(),
        allowed_roles: vec!["*".into()],
        username_template: target.username_template.clone(),
    };
    client
        .database_configure(mount, DB_CONNECTION, &conn)
        .await?;
    let role = DynamicRole::postgres_readonly(DB_CONNECTION, "1h", "24h");
    client.database_role_write(mount, DB_ROLE, &role).await
}

impl Seeder {
    /// The database mount and [`DEMO_CREDENTIALS`] credentials (dropped: their leases stay).
    pub async fn database(&self, target: &DbTarget) -> Result<(), SandboxError> {
        configure_database(&self.root, DB_MOUNT, target)
            .await
            .map_err(|e| SandboxError::vault("seeding the database/ mount", e))?;
        for _ in 0..DEMO_CREDENTIALS {
            self.root
                .database_creds(DB_MOUNT, DB_ROLE)
                .await
                .map_err(|e| SandboxError::vault("issuing demo database credentials", e))?;
        }
        Ok(())
    }
}
