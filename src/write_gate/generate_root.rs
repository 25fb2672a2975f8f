//! Generate-root writes: starting an attempt (with the console's one-time password or a PGP
//! key) and cancelling it are confirmed; submitting a share is safe (the share was typed for
//! it, and a share alone cannot finish anything). The OTP and shares are secrets: they never
//! appear in a summary or a description.

use super::{MutationSpec, Risk, shown};
use crate::vault::models::wrapping::SecretText;

/// A generate-root write, aimed at a configured node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GenerateRootMutation {
    /// `PUT …/attempt`: with the console's OTP, or (when `pgp_key` is set) a base64 PGP
    /// public key that the new token is encrypted to.
    Start {
        addr: String,
        otp: Option<SecretText>,
        pgp_key: Option<String>,
    },
    /// `PUT …/update {"key","nonce"}`: one unseal share.
    Update {
        addr: String,
        share: SecretText,
        nonce: String,
    },
    /// `DELETE …/attempt`.
    Cancel { addr: String },
}

impl GenerateRootMutation {
    pub fn addr(&self) -> &str {
        match self {
            GenerateRootMutation::Start { addr, .. }
            | GenerateRootMutation::Update { addr, .. }
            | GenerateRootMutation::Cancel { addr } => addr,
        }
    }

    pub fn spec(&self) -> MutationSpec {
        let at = shown(self.addr());
        match self {
            GenerateRootMutation::Start { pgp_key, .. } => {
                let how = if pgp_key.is_some() {
                    "encrypted to the PGP key given: only its holder can decrypt it"
                } else {
                    "decoded here with a one-time password the console made"
                };
                MutationSpec {
                    summary: "start root token generation".into(),
                    description: format!(
                        "Start generating a new root token on {at}. Key holders then enter a \
                         quorum of unseal shares; the new token is {how}. A root token can do \
                         anything: revoke it when the work is done."
                    ),
                    name: "generating a root token",
                    risk: Risk::Confirm,
                    item: at,
                    batch_words: ("start", "root generation"),
                }
            }
            GenerateRootMutation::Update { .. } => MutationSpec {
                summary: "submit a root generation share".into(),
                description: format!("Submit one unseal share to the root generation on {at}."),
                name: "submitting a root generation share",
                risk: Risk::Safe,
                item: at,
                batch_words: ("submit", "share"),
            },
            GenerateRootMutation::Cancel { .. } => MutationSpec {
                summary: "cancel root token generation".into(),
                description: format!(
                    "Cancel the root token generation on {at}: the shares entered so far are \
                     forgotten and key holders start again."
                ),
                name: "cancelling root generation",
                risk: Risk::Confirm,
                item: at,
                batch_words: ("cancel", "root generation"),
            },
        }
    }
}
