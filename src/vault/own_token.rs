//! The console's own token as an API area: `auth/token/lookup-self` (TTL, renewable, policies),
//! `auth/token/renew-self` and the re-logins of [`super::login`].
//!
//! Renewing the console's own token does not go through the write gate and is not blocked by
//! read-only mode: it changes no data, only extends the session of the token the console
//! already uses. A login likewise only makes the console a new token.

use super::error::VaultError;
use super::login::{LoginMethod, LoginRequest};
use super::models::tokens::TokenInfo;
use super::models::wrapping::SecretText;
use super::worker::Worker;

/// A request about the console's own token, to a configured address.
#[derive(Debug, Clone, PartialEq)]
pub enum OwnTokenRequest {
    LookupSelf {
        addr: String,
    },
    /// `renew-self` with this increment (the token's creation TTL: without one the TTL resets
    /// to the role's default).
    RenewSelf {
        addr: String,
        increment_secs: u64,
    },
    Login {
        addr: String,
        login: LoginRequest,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum OwnTokenReply {
    LookupSelf(Result<TokenInfo, VaultError>),
    /// The new TTL in seconds, and the increment that was asked.
    Renewed {
        asked_secs: u64,
        result: Result<i64, VaultError>,
    },
    LoggedIn {
        method: LoginMethod,
        mount: String,
        result: Result<SecretText, VaultError>,
    },
}

impl Worker {
    pub async fn own_token(&self, r: OwnTokenRequest) -> OwnTokenReply {
        match r {
            OwnTokenRequest::LookupSelf { addr } => {
                OwnTokenReply::LookupSelf(match self.client(&addr) {
                    Ok(c) => c.token_lookup_self().await,
                    Err(e) => Err(e),
                })
            }
            OwnTokenRequest::RenewSelf {
                addr,
                increment_secs,
            } => OwnTokenReply::Renewed {
                asked_secs: increment_secs,
                result: match self.client(&addr) {
                    Ok(c) => c.token_renew_self(Some(increment_secs)).await,
                    Err(e) => Err(e),
                },
            },
            OwnTokenRequest::Login { addr, login } => {
                let method = login.method();
                let mount = login.mount().to_string();
                // The password goes only to a configured address, and without the old token.
                let result = match self.client(&addr) {
                    Ok(_) => self.anonymous_client(&addr).login(&login).await,
                    Err(e) => Err(e),
                };
                OwnTokenReply::LoggedIn {
                    method,
                    mount,
                    result,
                }
            }
        }
    }
}
