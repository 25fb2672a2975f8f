//! The unseal ceremony's writes: one share to a node (`sys/unseal {"key"}`), safe (no dialog,
//! but read-only mode blocks it), and a reset of a node's round (`{"reset":true}`, confirmed).
//! The share travels as a [`SecretText`] (redacted `Debug`, zeroized on drop) and is dropped
//! with the mutation after the write.

use super::{MutationSpec, Risk, shown};
use crate::vault::models::wrapping::SecretText;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnsealMutation {
    /// Submit one share to a configured node.
    Submit { addr: String, share: SecretText },
    /// Forget the shares the node has so far (progress 0, a new nonce at the next share).
    Reset { addr: String },
}

impl UnsealMutation {
    pub fn addr(&self) -> &str {
        match self {
            UnsealMutation::Submit { addr, .. } | UnsealMutation::Reset { addr } => addr,
        }
    }

    pub fn spec(&self) -> MutationSpec {
        let node = shown(crate::addr::strip_scheme(self.addr()));
        match self {
            UnsealMutation::Submit { .. } => MutationSpec {
                summary: format!("unseal share to {node}"),
                description: format!("Submit one unseal share to {node}."),
                name: "unsealing",
                risk: Risk::Safe,
                item: node,
                batch_words: ("submit a share to", "node"),
            },
            UnsealMutation::Reset { .. } => MutationSpec {
                summary: format!("reset the unseal round of {node}"),
                description: format!(
                    "Reset the unseal round of {node}: the shares it has so far are forgotten \
                     and the key holders start again from 0."
                ),
                name: "resetting an unseal round",
                risk: Risk::Confirm,
                item: node,
                batch_words: ("reset", "node"),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::write_gate::{GateError, Mutation, Submitted, Write, WriteGate};

    fn submit() -> Mutation {
        Mutation::Unseal(UnsealMutation::Submit {
            addr: "http://127.0.0.1:8200".into(),
            share: SecretText::from("c2hhcmUtY2FuYXJ5"),
        })
    }

    #[test]
    fn a_share_goes_without_a_dialog_and_never_shows() {
        let mut gate = WriteGate::new(false);
        let w = Write::Batch(vec![submit(), submit()]);
        assert!(matches!(gate.submit(w.clone()), Ok(Submitted::Go(_))));
        let dbg = format!("{w:?} {:?}", w.spec());
        assert!(!dbg.contains("c2hhcmUtY2FuYXJ5"), "{dbg}");
        assert_eq!(w.spec().summary, "submit a share to 2 nodes");
    }

    #[test]
    fn read_only_mode_blocks_a_share_and_a_reset_asks() {
        let mut gate = WriteGate::new(true);
        assert_eq!(
            gate.submit(Write::One(submit())),
            Err(GateError::ReadOnly("unsealing".into()))
        );
        let mut gate = WriteGate::new(false);
        let reset = Mutation::Unseal(UnsealMutation::Reset {
            addr: "http://127.0.0.1:8200".into(),
        });
        assert_eq!(gate.submit(Write::One(reset)), Ok(Submitted::Pending));
    }
}
