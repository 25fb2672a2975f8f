//! Logins that give the console a new token: `auth/<mount>/login/<username> {"password"}`
//! (userpass) and `auth/<mount>/login {"role_id","secret_id"}` (approle) → `auth.client_token`.
//! Passwords, secret ids and the token travel as [`SecretText`]; the JSON bodies that held them
//! are wiped once the request is done. A login is sent without the old token (it may be dead).

use reqwest::Method;
use serde_json::{Value, json};
use zeroize::Zeroize;

use super::client::VaultClient;
use super::error::{VaultError, clean_error};
use super::models::wrapping::SecretText;
use crate::secret::SecretString;

/// How the user logs in again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum LoginMethod {
    /// Paste a token.
    #[default]
    Token,
    Userpass,
    Approle,
}

impl LoginMethod {
    pub const ALL: [LoginMethod; 3] = [
        LoginMethod::Token,
        LoginMethod::Userpass,
        LoginMethod::Approle,
    ];

    pub fn name(self) -> &'static str {
        match self {
            LoginMethod::Token => "token",
            LoginMethod::Userpass => "userpass",
            LoginMethod::Approle => "approle",
        }
    }

    /// The mount path offered first (`auth/<mount>/login`).
    pub fn default_mount(self) -> &'static str {
        match self {
            LoginMethod::Token => "token",
            LoginMethod::Userpass => "userpass",
            LoginMethod::Approle => "approle",
        }
    }

    /// The next one (ctrl-t in the dialog).
    pub fn next(self) -> LoginMethod {
        match self {
            LoginMethod::Token => LoginMethod::Userpass,
            LoginMethod::Userpass => LoginMethod::Approle,
            LoginMethod::Approle => LoginMethod::Token,
        }
    }
}

/// A login to perform. `mount` is the auth mount's path without `auth/` and slashes.
#[derive(Debug, Clone, PartialEq)]
pub enum LoginRequest {
    Userpass {
        mount: String,
        username: String,
        password: SecretText,
    },
    Approle {
        mount: String,
        role_id: String,
        secret_id: SecretText,
    },
}

impl LoginRequest {
    pub fn method(&self) -> LoginMethod {
        match self {
            LoginRequest::Userpass { .. } => LoginMethod::Userpass,
            LoginRequest::Approle { .. } => LoginMethod::Approle,
        }
    }

    pub fn mount(&self) -> &str {
        match self {
            LoginRequest::Userpass { mount, .. } | LoginRequest::Approle { mount, .. } => mount,
        }
    }
}

/// Wipe every string of a JSON value in place (a body that held a password or a token).
pub fn wipe(v: &mut Value) {
    match v {
        Value::String(s) => s.zeroize(),
        Value::Array(a) => a.iter_mut().for_each(wipe),
        Value::Object(o) => o.values_mut().for_each(wipe),
        _ => {}
    }
}

/// The message of a failed login, plainly: the server's own words for a 400 ("invalid username
/// or password", "invalid role or secret ID"), else the error as the console says it.
pub fn login_error_text(e: &VaultError) -> String {
    match e {
        VaultError::Http {
            status: 400,
            errors,
        } if !errors.is_empty() => errors
            .iter()
            .map(|m| clean_error(m))
            .filter(|m| !m.is_empty())
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    }
}

fn mount_of(mount: &str) -> String {
    let m = mount.trim().trim_matches('/');
    m.strip_prefix("auth/").unwrap_or(m).to_string()
}

impl VaultClient {
    /// Log in; the new token comes back as a secret. Send this with a client without the old token.
    pub async fn login(&self, req: &LoginRequest) -> Result<SecretText, VaultError> {
        let (path, mut body) = match req {
            LoginRequest::Userpass {
                mount,
                username,
                password,
            } => (
                format!(
                    "auth/{}/login/{}",
                    mount_of(mount),
                    username.trim().trim_matches('/')
                ),
                json!({ "password": password.expose() }),
            ),
            LoginRequest::Approle {
                mount,
                role_id,
                secret_id,
            } => (
                format!("auth/{}/login", mount_of(mount)),
                json!({ "role_id": role_id.trim(), "secret_id": secret_id.expose() }),
            ),
        };
        let result = self.request(Method::POST, &path, &[], Some(&body)).await;
        wipe(&mut body);
        let mut v = result?;
        let token = v
            .pointer_mut("/auth/client_token")
            .and_then(|t| match t {
                Value::String(s) if !s.is_empty() => Some(SecretString::from(s.as_str())),
                _ => None,
            })
            .map(SecretText::new);
        wipe(&mut v);
        token.ok_or_else(|| VaultError::Decode(format!("{path}: no auth.client_token")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wipe_blanks_every_string() {
        let mut v = json!({"a": "secret", "b": ["x", {"c": "y"}], "n": 1});
        wipe(&mut v);
        assert_eq!(v, json!({"a": "", "b": ["", {"c": ""}], "n": 1}));
    }

    #[test]
    fn login_errors_are_plain() {
        let e = VaultError::from_status(400, vec!["invalid username or password".into()]);
        assert_eq!(login_error_text(&e), "invalid username or password");
        let e = VaultError::from_status(403, vec!["permission denied".into()]);
        assert_eq!(login_error_text(&e), "permission denied");
        assert_eq!(mount_of(" /auth/userpass/ "), "userpass");
        assert_eq!(LoginMethod::Approle.next(), LoginMethod::Token);
    }
}
