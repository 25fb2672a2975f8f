//! The database secrets engine (`<mount>/…`): configure a connection, write dynamic and static
//! roles, read dynamic credentials (a lease each) and static ones, rotate the root credential of
//! a connection and the password of a static role. Passwords only travel in [`SecretString`]s.
//! Facts from a real OpenBao 2.7: `creds/<role>` answers `lease_id "<mount>/creds/<role>/<id>"`,
//! `lease_duration`, `renewable` and `data:{username,password}`; `rotate-root/<conn>` and
//! `rotate-role/<static role>` answer 204; an unknown static role 400 `no static role found for
//! role name`.

use reqwest::Method;
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Value, json};

use super::client::VaultClient;
use super::error::VaultError;

/// The PostgreSQL plugin built into `bao`.
pub const POSTGRES_PLUGIN: &str = "postgresql-database-plugin";

/// `<mount>/config/<name>`: how Vault reaches the database.
#[derive(Debug, Clone)]
pub struct DbConnection {
    pub plugin_name: String,
    /// With `{{username}}` / `{{password}}` placeholders: no secret in it.
    pub connection_url: String,
    pub username: String,
    pub password: SecretString,
    pub allowed_roles: Vec<String>,
    /// A Go template for generated user names (`None`: the plugin's default).
    pub username_template: Option<String>,
}

/// `<mount>/roles/<name>`: a role issuing dynamic credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DynamicRole {
    pub db_name: String,
    pub creation_statements: Vec<String>,
    /// Empty: the plugin's default revocation.
    pub revocation_statements: Vec<String>,
    pub default_ttl: String,
    pub max_ttl: String,
}

impl DynamicRole {
    /// A login role valid until its lease ends, with read access to the public schema.
    pub fn postgres_readonly(db_name: &str, default_ttl: &str, max_ttl: &str) -> DynamicRole {
        DynamicRole {
            db_name: db_name.to_string(),
            creation_statements: vec![
                "CREATE ROLE \"{{name}}\" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';".into(),
                "GRANT SELECT ON ALL TABLES IN SCHEMA public TO \"{{name}}\";".into(),
            ],
            revocation_statements: Vec::new(),
            default_ttl: default_ttl.to_string(),
            max_ttl: max_ttl.to_string(),
        }
    }
}

/// `<mount>/static-roles/<name>`: an existing database user whose password Vault rotates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaticRole {
    pub db_name: String,
    pub username: String,
    pub rotation_period: String,
}

/// `<mount>/creds/<role>`: a generated user and its lease.
#[derive(Debug)]
pub struct DbCredentials {
    pub username: String,
    pub password: SecretString,
    pub lease_id: String,
    pub lease_duration: i64,
    pub renewable: bool,
}

/// `<mount>/static-creds/<role>`.
#[derive(Debug)]
pub struct StaticCredentials {
    pub username: String,
    pub password: SecretString,
    /// RFC 3339.
    pub last_vault_rotation: String,
    pub ttl: i64,
}

fn path(mount: &str, rest: &str) -> String {
    format!("{}/{rest}", mount.trim_matches('/'))
}

fn take_secret(v: &mut Value, pointer: &str, what: &str) -> Result<SecretString, VaultError> {
    match v.pointer_mut(pointer).map(Value::take) {
        Some(Value::String(s)) => Ok(SecretString::from(s)),
        _ => Err(VaultError::Decode(format!("{what}: no {pointer}"))),
    }
}

fn str_at(v: &Value, pointer: &str) -> String {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

impl VaultClient {
    /// `POST <mount>/config/<name>` (the server checks the connection before it answers).
    pub async fn database_configure(
        &self,
        mount: &str,
        name: &str,
        c: &DbConnection,
    ) -> Result<(), VaultError> {
        let mut body = json!({
            "plugin_name": c.plugin_name,
            "connection_url": c.connection_url,
            "username": c.username,
            "password": c.password.expose_secret(),
            "allowed_roles": c.allowed_roles,
        });
        if let Some(t) = &c.username_template {
            body["username_template"] = json!(t);
        }
        let p = path(mount, &format!("config/{name}"));
        self.request(Method::POST, &p, &[], Some(&body))
            .await
            .map(drop)
    }

    /// `POST <mount>/roles/<name>`.
    pub async fn database_role_write(
        &self,
        mount: &str,
        name: &str,
        r: &DynamicRole,
    ) -> Result<(), VaultError> {
        let mut body = json!({
            "db_name": r.db_name,
            "creation_statements": r.creation_statements,
            "default_ttl": r.default_ttl,
            "max_ttl": r.max_ttl,
        });
        if !r.revocation_statements.is_empty() {
            body["revocation_statements"] = json!(r.revocation_statements);
        }
        let p = path(mount, &format!("roles/{name}"));
        self.request(Method::POST, &p, &[], Some(&body))
            .await
            .map(drop)
    }

    /// `POST <mount>/static-roles/<name>` (Vault sets a new password at once).
    pub async fn database_static_role_write(
        &self,
        mount: &str,
        name: &str,
        r: &StaticRole,
    ) -> Result<(), VaultError> {
        let body = json!({
            "db_name": r.db_name,
            "username": r.username,
            "rotation_period": r.rotation_period,
        });
        let p = path(mount, &format!("static-roles/{name}"));
        self.request(Method::POST, &p, &[], Some(&body))
            .await
            .map(drop)
    }

    /// `GET <mount>/creds/<role>`: a new database user and its lease.
    pub async fn database_creds(
        &self,
        mount: &str,
        role: &str,
    ) -> Result<DbCredentials, VaultError> {
        let p = path(mount, &format!("creds/{role}"));
        let mut v = self.request(Method::GET, &p, &[], None).await?;
        Ok(DbCredentials {
            username: str_at(&v, "/data/username"),
            password: take_secret(&mut v, "/data/password", &p)?,
            lease_id: str_at(&v, "/lease_id"),
            lease_duration: v.get("lease_duration").and_then(Value::as_i64).unwrap_or(0),
            renewable: v.get("renewable").and_then(Value::as_bool).unwrap_or(false),
        })
    }

    /// `GET <mount>/static-creds/<role>`.
    pub async fn database_static_creds(
        &self,
        mount: &str,
        role: &str,
    ) -> Result<StaticCredentials, VaultError> {
        let p = path(mount, &format!("static-creds/{role}"));
        let mut v = self.request(Method::GET, &p, &[], None).await?;
        Ok(StaticCredentials {
            username: str_at(&v, "/data/username"),
            password: take_secret(&mut v, "/data/password", &p)?,
            last_vault_rotation: str_at(&v, "/data/last_vault_rotation"),
            ttl: v.pointer("/data/ttl").and_then(Value::as_i64).unwrap_or(0),
        })
    }

    /// `POST <mount>/rotate-root/<connection>`: Vault sets a new password for its own database
    /// user; only Vault knows it afterwards.
    pub async fn database_rotate_root(
        &self,
        mount: &str,
        connection: &str,
    ) -> Result<(), VaultError> {
        let p = path(mount, &format!("rotate-root/{connection}"));
        self.request(Method::POST, &p, &[], None).await.map(drop)
    }

    /// `POST <mount>/rotate-role/<static role>`: a new password for that database user now.
    pub async fn database_rotate_role(&self, mount: &str, role: &str) -> Result<(), VaultError> {
        let p = path(mount, &format!("rotate-role/{role}"));
        self.request(Method::POST, &p, &[], None).await.map(drop)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_join_the_mount_without_doubled_slashes() {
        assert_eq!(
            path("database/", "creds/readonly"),
            "database/creds/readonly"
        );
        assert_eq!(path("/db", "rotate-root/pg"), "db/rotate-root/pg");
    }

    #[test]
    fn the_readonly_role_templates_name_password_and_expiry() {
        let r = DynamicRole::postgres_readonly("pg", "1h", "24h");
        let all = r.creation_statements.join(" ");
        for t in [
            "{{name}}",
            "{{password}}",
            "VALID UNTIL '{{expiration}}'",
            "GRANT SELECT",
        ] {
            assert!(all.contains(t), "{t} in {all}");
        }
        assert_eq!((r.default_ttl.as_str(), r.max_ttl.as_str()), ("1h", "24h"));
    }

    #[test]
    fn credentials_never_show_their_password_in_debug() {
        let c = DbCredentials {
            username: "v-root-readonly-x".into(),
            password: SecretString::from("hunter2-very-secret".to_string()),
            lease_id: "database/creds/readonly/abc".into(),
            lease_duration: 3600,
            renewable: true,
        };
        let shown = format!("{c:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        let conn = DbConnection {
            plugin_name: POSTGRES_PLUGIN.into(),
            connection_url: "postgresql://{{username}}:{{password}}@127.0.0.1:5432/postgres".into(),
            username: "vault".into(),
            password: SecretString::from("hunter3-very-secret".to_string()),
            allowed_roles: vec!["*".into()],
            username_template: None,
        };
        assert!(!format!("{conn:?}").contains("hunter3"));
    }
}
