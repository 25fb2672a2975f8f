//! The worker's token writes: revoke by accessor (an accessor already gone — OpenBao 2.7: 200
//! with the warning `No token found with this accessor`; others: 400 `invalid accessor` — is
//! reported as [`WriteResult::AlreadyGone`], not as a failure) and revoke by the token's value
//! (tree or orphan).

use super::error::VaultError;
use super::worker::Worker;
use crate::reply::WriteResult;
use crate::write_gate::token::TokenMutation;

impl Worker {
    /// Perform one token mutation.
    pub async fn token_write_one(&self, m: &TokenMutation) -> Result<WriteResult, VaultError> {
        match m {
            TokenMutation::RevokeAccessor { addr, accessor, .. } => {
                let c = self.client(addr)?;
                match c.token_revoke_accessor_checked(accessor).await {
                    Ok(true) => Ok(WriteResult::Done),
                    Ok(false) => Ok(WriteResult::AlreadyGone),
                    Err(e) => Err(e),
                }
            }
            TokenMutation::RevokeToken {
                addr,
                token,
                orphan_children,
            } => {
                let c = self.client(addr)?;
                c.token_revoke(token.secret(), *orphan_children)
                    .await
                    .map(|()| WriteResult::Done)
            }
        }
    }
}
