//! Transit writes (runbook `vault` steps): rotate a key. Confirmed: older versions stay usable
//! for decryption (unless the key's minimum decryption version says otherwise), new data is
//! encrypted with the new version.

use super::{MutationSpec, Risk, shown};

/// A transit write, aimed at a configured node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransitMutation {
    /// `POST <mount>/keys/<key>/rotate`; `from_version` is the newest version seen when planned.
    RotateKey {
        addr: String,
        mount: String,
        key: String,
        from_version: u64,
    },
}

impl TransitMutation {
    pub fn addr(&self) -> &str {
        match self {
            TransitMutation::RotateKey { addr, .. } => addr,
        }
    }

    pub fn spec(&self) -> MutationSpec {
        match self {
            TransitMutation::RotateKey {
                mount,
                key,
                from_version,
                ..
            } => {
                let item = shown(&format!(
                    "{}/keys/{}",
                    mount.trim_matches('/'),
                    key.trim_matches('/')
                ));
                let next = from_version.saturating_add(1);
                MutationSpec {
                    summary: format!("rotate transit key {item}"),
                    description: format!(
                        "Rotate the transit key {item}: version {from_version} → {next}. New data \
                         is encrypted with version {next}; older versions still decrypt until \
                         the key's minimum decryption version is raised."
                    ),
                    name: "rotating a transit key",
                    risk: Risk::Confirm,
                    item,
                    batch_words: ("rotate", "key"),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rotation_is_confirmed_and_names_the_versions() {
        let m = TransitMutation::RotateKey {
            addr: "http://127.0.0.1:8200".into(),
            mount: "transit/".into(),
            key: "payments".into(),
            from_version: 3,
        };
        let s = m.spec();
        assert_eq!(s.risk, Risk::Confirm);
        assert!(s.description.contains("version 3 → 4"), "{}", s.description);
        assert_eq!(s.item, "transit/keys/payments");
    }
}
