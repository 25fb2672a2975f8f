//! Token revocations. By accessor OpenBao ALWAYS revokes the token's whole tree (its children
//! too): `auth/token/revoke-accessor` has no orphan mode (checked in OpenBao's source and live).
//! Keeping the children alive as orphans needs the token's value (`revoke-orphan`).
//! One revoke is confirmed with `y`; a bulk revoke is one batch with the count typed; the
//! console's own token needs its own typed confirmation.

use super::{MutationSpec, Risk, shown, typeable};
use crate::vault::models::wrapping::SecretText;

/// Revocations in flight in a bulk revoke: the server's sweet spot (16-way concurrent curl is
/// the benchmark's baseline).
pub const REVOKE_CONCURRENCY: usize = 16;

/// What the tokens screen's revoke dialog says about tree and orphan.
pub const TREE_NOTE: &str = "By accessor OpenBao always revokes each token's whole tree (its \
    child tokens too): it has no orphan mode for revoke-accessor. To keep the children alive as \
    orphans, revoke by the token's value (o, or :revoke-token).";

/// A token write, aimed at a configured node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenMutation {
    /// `auth/token/revoke-accessor`: the token and all its children.
    RevokeAccessor {
        addr: String,
        accessor: String,
        /// The display name, for the dialog and the result table.
        name: String,
        /// The console's own token: the console stops working afterwards.
        own: bool,
        /// Part of a bulk revoke (the batch's phrase names the count).
        bulk: bool,
    },
    /// `auth/token/revoke` (the tree) or `revoke-orphan` (the children live on as orphans), by
    /// the token's value; the value is dropped with the mutation after the write.
    RevokeToken {
        addr: String,
        token: SecretText,
        orphan_children: bool,
    },
}

impl TokenMutation {
    pub fn spec(&self) -> MutationSpec {
        match self {
            TokenMutation::RevokeAccessor {
                accessor,
                name,
                own,
                bulk,
                ..
            } => {
                // A bulk revoke's dialog lists names (short); one revoke names the accessor.
                let item = if *bulk && !*own {
                    shown(name)
                } else {
                    format!("{} ({})", shown(name), shown(accessor))
                };
                let mut description = format!(
                    "Revoke the token {item} and every token it created: by accessor OpenBao \
                     always revokes the whole tree."
                );
                if *own {
                    description += " This is the console's OWN token: the console stops working \
                                    until you log in again.";
                }
                let risk = if *own {
                    Risk::Typed("revoke my own token".into())
                } else if *bulk {
                    Risk::Typed(format!("revoke {}", typeable(accessor)))
                } else {
                    Risk::Confirm
                };
                MutationSpec {
                    summary: format!("revoke token {item}"),
                    description,
                    name: "revoking tokens",
                    risk,
                    item,
                    batch_words: ("revoke", "token"),
                }
            }
            TokenMutation::RevokeToken {
                orphan_children, ..
            } => {
                let (what, how) = if *orphan_children {
                    (
                        "revoke a token (children orphaned)",
                        "Revoke the token you pasted; its child tokens stay alive as orphans \
                         (revoke-orphan).",
                    )
                } else {
                    (
                        "revoke a token and its tree",
                        "Revoke the token you pasted and every token it created (its whole tree).",
                    )
                };
                MutationSpec {
                    summary: what.into(),
                    description: how.into(),
                    name: "revoking tokens",
                    risk: Risk::Confirm,
                    item: "token (by value)".into(),
                    batch_words: ("revoke", "token"),
                }
            }
        }
    }

    /// Revocations run 16 at a time in a batch.
    pub fn concurrency(&self) -> usize {
        REVOKE_CONCURRENCY
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::write_gate::{Mutation, Write};

    fn revoke(acc: &str, own: bool, bulk: bool) -> Mutation {
        Mutation::Token(TokenMutation::RevokeAccessor {
            addr: "http://127.0.0.1:8200".into(),
            accessor: acc.into(),
            name: format!("token-{acc}"),
            own,
            bulk,
        })
    }

    #[test]
    fn one_is_confirmed_a_bulk_revoke_types_the_count() {
        assert_eq!(revoke("a1", false, false).spec().risk, Risk::Confirm);
        let w = Write::Batch(vec![revoke("a1", false, true), revoke("a2", false, true)]);
        let s = w.spec();
        assert_eq!(s.risk, Risk::Typed("revoke 2 tokens".into()));
        assert_eq!(s.description, "Revoke 2 tokens: token-a1, token-a2.");
        assert_eq!(w.concurrency(), Some(REVOKE_CONCURRENCY));
        assert_eq!(
            revoke("me", true, false).spec().risk,
            Risk::Typed("revoke my own token".into())
        );
    }
}
