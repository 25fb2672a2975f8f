//! `sys/init` and `sys/unseal`: requests and answers. Unseal shares and root tokens are secrets:
//! they are only ever held in [`SecretString`]s (redacted `Debug`, zeroized on drop).

use secrecy::SecretString;
use serde::{Deserialize, Serialize};

/// Body of `PUT sys/init` (Shamir seal: shares and threshold).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct InitRequest {
    pub secret_shares: usize,
    pub secret_threshold: usize,
}

/// What `PUT sys/init` hands out. `keys` (hex) are ignored: `keys_base64` holds the same shares
/// in the form `bao operator unseal` and the console take. `Debug` shows neither shares nor token.
#[derive(Debug, Clone, Deserialize)]
pub struct InitResponse {
    pub keys_base64: Vec<SecretString>,
    pub root_token: SecretString,
}
