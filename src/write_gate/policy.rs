//! ACL policy writes: saving a policy (new or changed, with check-and-set on the version that
//! was loaded when the server carries one) is confirmed with `y`; deleting one needs the typed
//! phrase `delete policy <name>`. The screen refuses `root` and `default` before asking.

use super::{MutationSpec, Risk, shown, typeable};

/// A policy write, aimed at a configured node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PolicyMutation {
    /// `PUT sys/policies/acl/<name> {"policy", "cas"?}`; `cas: Some(-1)` creates only.
    Write {
        addr: String,
        name: String,
        policy: String,
        cas: Option<i64>,
        /// Lines added and removed (for the description).
        added: usize,
        removed: usize,
    },
    /// `DELETE sys/policies/acl/<name>`.
    Delete { addr: String, name: String },
}

impl PolicyMutation {
    pub fn addr(&self) -> &str {
        match self {
            PolicyMutation::Write { addr, .. } | PolicyMutation::Delete { addr, .. } => addr,
        }
    }

    pub fn name(&self) -> &str {
        match self {
            PolicyMutation::Write { name, .. } | PolicyMutation::Delete { name, .. } => name,
        }
    }

    pub fn spec(&self) -> MutationSpec {
        match self {
            PolicyMutation::Write {
                name,
                cas,
                added,
                removed,
                ..
            } => {
                let n = shown(name);
                let (summary, what) = if *cas == Some(-1) {
                    (format!("create policy {n}"), "Create".to_string())
                } else {
                    (format!("save policy {n}"), "Save".to_string())
                };
                let check = match cas {
                    Some(-1) => " (only if no policy has that name yet)".to_string(),
                    Some(v) => format!(" (check-and-set on version {v})"),
                    None => String::new(),
                };
                MutationSpec {
                    summary,
                    description: format!(
                        "{what} the ACL policy {n}: +{added} −{removed} lines{check}. Tokens \
                         with this policy get the new rules at once."
                    ),
                    name: "writing a policy",
                    risk: Risk::Confirm,
                    item: n,
                    batch_words: ("save", "policy"),
                }
            }
            PolicyMutation::Delete { name, .. } => {
                let n = shown(name);
                MutationSpec {
                    summary: format!("delete policy {n}"),
                    description: format!(
                        "Delete the ACL policy {n}. Tokens that carry it lose its rules at once \
                         (they keep the name, which then grants nothing)."
                    ),
                    name: "deleting a policy",
                    risk: Risk::Typed(format!("delete policy {}", typeable(name))),
                    item: n,
                    batch_words: ("delete", "policy"),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn risks_and_phrases() {
        let w = PolicyMutation::Write {
            addr: "http://127.0.0.1:8200".into(),
            name: "ci".into(),
            policy: String::new(),
            cas: Some(3),
            added: 2,
            removed: 1,
        };
        let s = w.spec();
        assert_eq!(s.risk, Risk::Confirm);
        assert_eq!(s.summary, "save policy ci");
        assert!(s.description.contains("version 3"));
        let d = PolicyMutation::Delete {
            addr: "a".into(),
            name: "ci\x1b".into(),
        };
        assert_eq!(d.spec().risk, Risk::Typed("delete policy ci".into()));
        assert!(!d.spec().description.contains('\x1b'));
    }
}
