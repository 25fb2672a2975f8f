//! Database secrets engine writes (runbook `vault` steps): rotate the root credential of a
//! connection (typed: the old root password is gone for good, only Vault knows the new one) and
//! rotate the password of a static role (confirmed: Vault keeps serving the new one).

use super::{MutationSpec, Risk, shown, typeable};

/// A database write, aimed at a configured node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseMutation {
    /// `POST <mount>/rotate-root/<connection>`.
    RotateRoot {
        addr: String,
        mount: String,
        connection: String,
    },
    /// `POST <mount>/rotate-role/<role>` (a static role).
    RotateRole {
        addr: String,
        mount: String,
        role: String,
    },
}

/// "database/pg": the mount without its trailing `/`, then the name.
pub fn full_name(mount: &str, name: &str) -> String {
    format!("{}/{}", mount.trim_matches('/'), name.trim_matches('/'))
}

impl DatabaseMutation {
    pub fn addr(&self) -> &str {
        match self {
            DatabaseMutation::RotateRoot { addr, .. }
            | DatabaseMutation::RotateRole { addr, .. } => addr,
        }
    }

    pub fn spec(&self) -> MutationSpec {
        match self {
            DatabaseMutation::RotateRoot {
                mount, connection, ..
            } => {
                let full = full_name(mount, connection);
                let item = shown(&full);
                let typed = match typeable(&full) {
                    t if t.is_empty() => "this connection".to_string(),
                    t => t,
                };
                MutationSpec {
                    summary: format!("rotate root of {item}"),
                    description: format!(
                        "Rotate the root credential of the database connection {item}: Vault sets \
                         a new password for its own database user. The old root password stops \
                         working for good and only Vault knows the new one."
                    ),
                    name: "rotating a database root credential",
                    risk: Risk::Typed(format!("rotate root of {typed}")),
                    item,
                    batch_words: ("rotate", "connection"),
                }
            }
            DatabaseMutation::RotateRole { mount, role, .. } => {
                let item = shown(&full_name(mount, role));
                MutationSpec {
                    summary: format!("rotate static role {item}"),
                    description: format!(
                        "Set a new password for the database user of the static role {item} now; \
                         the old password stops working. Applications read the new one from Vault."
                    ),
                    name: "rotating a static role's password",
                    risk: Risk::Confirm,
                    item,
                    batch_words: ("rotate", "role"),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rotating_root_is_typed_a_role_confirmed() {
        let root = DatabaseMutation::RotateRoot {
            addr: "http://127.0.0.1:8200".into(),
            mount: "database/".into(),
            connection: "pg".into(),
        };
        assert_eq!(
            root.spec().risk,
            Risk::Typed("rotate root of database/pg".into())
        );
        let role = DatabaseMutation::RotateRole {
            addr: "http://127.0.0.1:8200".into(),
            mount: "database".into(),
            role: "app\u{1b}[31m".into(),
        };
        let s = role.spec();
        assert_eq!(s.risk, Risk::Confirm);
        assert!(!format!("{s:?}").contains('\u{1b}'));
    }
}
