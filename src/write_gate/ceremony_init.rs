//! Initialising a cluster (`PUT sys/init`): it makes the unseal (or recovery) shares and the
//! first root token, once. Confirmed: it cannot be undone, and the shares are shown only once.

use super::{MutationSpec, Risk, shown};
use crate::vault::models::ceremony::InitRequest;

/// `PUT sys/init` on a node (raft: the first node; the others join it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InitMutation {
    pub addr: String,
    pub request: InitRequest,
}

impl InitMutation {
    pub fn addr(&self) -> &str {
        &self.addr
    }

    pub fn spec(&self) -> MutationSpec {
        let at = shown(&self.addr);
        let r = &self.request;
        let (what, n, t) = match r.recovery_shares {
            Some(n) => ("recovery shares", n, r.recovery_threshold.unwrap_or(0)),
            None => ("unseal shares", r.secret_shares, r.secret_threshold),
        };
        let pgp = if r.pgp_keys.is_some() || r.recovery_pgp_keys.is_some() {
            " Each share is encrypted to its holder's PGP key."
        } else {
            ""
        };
        MutationSpec {
            summary: "initialise the cluster".into(),
            description: format!(
                "Initialise {at}: {n} {what}, {t} of them needed, and a root token.{pgp} \
                 They are shown once: every holder must take theirs before they are wiped."
            ),
            name: "initialising",
            risk: Risk::Confirm,
            item: at,
            batch_words: ("initialise", "cluster"),
        }
    }
}
