//! Rekey writes. Starting one is a typed confirmation (it replaces the unseal keys); cancelling
//! is confirmed; a share (current or new, for verification) is safe: it was typed for it. Shares
//! never appear in a summary or a description.

use super::{MutationSpec, Risk, shown};
use crate::vault::models::wrapping::SecretText;
use crate::vault::rekey::RekeyStart;

/// The phrase typed to start a rekey.
pub const REKEY_PHRASE: &str = "rekey";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RekeyMutation {
    /// `PUT …/init`.
    Start { addr: String, start: RekeyStart },
    /// `PUT …/update {"key","nonce"}`: one current share.
    Update {
        addr: String,
        share: SecretText,
        nonce: String,
    },
    /// `PUT …/verify {"key","nonce"}`: one new share.
    Verify {
        addr: String,
        share: SecretText,
        nonce: String,
    },
    /// `DELETE …/init`.
    Cancel { addr: String },
}

impl RekeyMutation {
    pub fn addr(&self) -> &str {
        match self {
            RekeyMutation::Start { addr, .. }
            | RekeyMutation::Update { addr, .. }
            | RekeyMutation::Verify { addr, .. }
            | RekeyMutation::Cancel { addr } => addr,
        }
    }

    pub fn spec(&self) -> MutationSpec {
        let at = shown(self.addr());
        match self {
            RekeyMutation::Start { start, .. } => {
                let verify = if start.require_verification {
                    " The new shares must then be verified before they replace the old ones."
                } else {
                    " Once the quorum of current shares is in, the old shares stop working."
                };
                MutationSpec {
                    summary: "start a rekey".into(),
                    description: format!(
                        "Start replacing the unseal keys of {at} with {} new shares, {} needed.{verify}",
                        start.shares, start.threshold
                    ),
                    name: "rekeying",
                    risk: Risk::Typed(REKEY_PHRASE.into()),
                    item: at,
                    batch_words: ("start", "rekey"),
                }
            }
            RekeyMutation::Update { .. } => MutationSpec {
                summary: "submit a rekey share".into(),
                description: format!("Submit one current unseal share to the rekey on {at}."),
                name: "submitting a rekey share",
                risk: Risk::Safe,
                item: at,
                batch_words: ("submit", "share"),
            },
            RekeyMutation::Verify { .. } => MutationSpec {
                summary: "submit a verification share".into(),
                description: format!("Submit one new unseal share to verify the rekey on {at}."),
                name: "verifying a rekey",
                risk: Risk::Safe,
                item: at,
                batch_words: ("submit", "share"),
            },
            RekeyMutation::Cancel { .. } => MutationSpec {
                summary: "cancel the rekey".into(),
                description: format!(
                    "Cancel the rekey on {at}: the shares entered so far are forgotten; the \
                     current unseal keys stay."
                ),
                name: "cancelling a rekey",
                risk: Risk::Confirm,
                item: at,
                batch_words: ("cancel", "rekey"),
            },
        }
    }
}
