//! `sys/init` and `sys/unseal`: requests and answers. Unseal shares and root tokens are secrets:
//! they are only ever held in [`SecretString`]s (redacted `Debug`, zeroized on drop).

use secrecy::SecretString;
use serde::{Deserialize, Serialize};

/// Body of `PUT sys/init`: shares and threshold (Shamir seal) or recovery shares and threshold
/// (auto-unseal), optional PGP public keys (base64, one per share) and one for the root token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct InitRequest {
    pub secret_shares: usize,
    pub secret_threshold: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pgp_keys: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub root_token_pgp_key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recovery_shares: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recovery_threshold: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recovery_pgp_keys: Option<Vec<String>>,
}

impl InitRequest {
    /// A Shamir seal: `shares` shares, `threshold` of them unseal.
    pub fn shamir(shares: usize, threshold: usize) -> Self {
        Self {
            secret_shares: shares,
            secret_threshold: threshold,
            ..Self::default()
        }
    }

    /// An auto-unseal seal: `shares` recovery shares, `threshold` of them needed.
    pub fn recovery(shares: usize, threshold: usize) -> Self {
        Self {
            recovery_shares: Some(shares),
            recovery_threshold: Some(threshold),
            ..Self::default()
        }
    }

    /// The number of shares (unseal or recovery) the answer must hold.
    pub fn shares_asked(&self) -> usize {
        self.recovery_shares.unwrap_or(self.secret_shares)
    }

    /// Check the request as the server does (threshold ≤ shares, threshold > 1 when there are
    /// several shares, one PGP key per share).
    pub fn validate(&self) -> Result<(), String> {
        let (n, t, keys) = match self.recovery_shares {
            Some(n) => (
                n,
                self.recovery_threshold.unwrap_or(0),
                &self.recovery_pgp_keys,
            ),
            None => (self.secret_shares, self.secret_threshold, &self.pgp_keys),
        };
        check_shares(n, t, keys.as_ref().map(Vec::len))
    }
}

/// The server's rules for shares and thresholds (init and rekey alike).
pub fn check_shares(
    shares: usize,
    threshold: usize,
    pgp_keys: Option<usize>,
) -> Result<(), String> {
    if shares == 0 {
        return Err("shares must be at least 1".into());
    }
    if shares > 255 {
        return Err("shares cannot be more than 255".into());
    }
    if threshold == 0 {
        return Err("threshold must be at least 1".into());
    }
    if threshold > shares {
        return Err("threshold cannot be larger than shares".into());
    }
    if shares > 1 && threshold < 2 {
        return Err("threshold must be greater than one for multiple shares".into());
    }
    if let Some(k) = pgp_keys
        && k != shares
    {
        return Err(format!(
            "{k} PGP keys given for {shares} shares: one per share"
        ));
    }
    Ok(())
}

/// What `PUT sys/init` hands out. `keys` (hex) are ignored: `keys_base64` holds the same shares
/// in the form `bao operator unseal` and the console take. `Debug` shows neither shares nor token.
#[derive(Debug, Clone, Deserialize)]
pub struct InitResponse {
    #[serde(default)]
    pub keys_base64: Vec<SecretString>,
    /// Auto-unseal: the recovery shares (`null` on a Shamir seal).
    #[serde(default)]
    pub recovery_keys_base64: Option<Vec<SecretString>>,
    pub root_token: SecretString,
}
