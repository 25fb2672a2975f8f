//! Lease writes (`sys/leases/*`): each says once what it does and how much confirmation it
//! needs. A renewal is safe (the increment prompt is the question); revoking one lease and tidy
//! are confirmed with `y`; revoking a prefix needs a typed phrase naming how many leases it
//! revokes (counted by the inventory), and the forced form warns that it ignores the secret
//! engine's errors, so credentials may stay valid at their source.

use super::{MutationSpec, Risk, shown, typeable};

/// A lease write, aimed at a configured node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LeaseMutation {
    /// `sys/leases/renew`, `increment` in seconds (`None`: the mount's default).
    Renew {
        addr: String,
        lease_id: String,
        increment: Option<u64>,
    },
    /// `sys/leases/revoke` of one lease (`sync: false` answers 202, revoked in the background).
    Revoke {
        addr: String,
        lease_id: String,
        sync: bool,
    },
    /// `sys/leases/revoke-prefix/<prefix>`: `count` is what the inventory saw below it.
    RevokePrefix {
        addr: String,
        prefix: String,
        count: u64,
        sync: bool,
    },
    /// `sys/leases/revoke-force/<prefix>`: removes the leases even where the backend fails.
    ForceRevokePrefix {
        addr: String,
        prefix: String,
        count: u64,
    },
    /// `sys/leases/tidy` (runs in the background on the server).
    Tidy { addr: String },
}

/// "2h", "30m", "90s" for an increment.
pub fn increment_label(secs: u64) -> String {
    match secs {
        s if s > 0 && s % 3600 == 0 => format!("{}h", s / 3600),
        s if s > 0 && s % 60 == 0 => format!("{}m", s / 60),
        s => format!("{s}s"),
    }
}

fn leases_word(n: u64) -> &'static str {
    if n == 1 { "lease" } else { "leases" }
}

fn sync_word(sync: bool) -> &'static str {
    if sync {
        "sync: waits until the backend revoked it"
    } else {
        "sync off: the server answers at once (202) and revokes in the background"
    }
}

/// "revoke 42 leases at auth/approle/login/", typeable whatever the server put in the prefix.
fn phrase(verb: &str, count: u64, prefix: &str) -> String {
    let p = typeable(prefix);
    let at = if p.is_empty() {
        "every lease".to_string()
    } else {
        p
    };
    format!("{verb} {count} {} at {at}", leases_word(count))
}

impl LeaseMutation {
    pub fn addr(&self) -> &str {
        match self {
            LeaseMutation::Renew { addr, .. }
            | LeaseMutation::Revoke { addr, .. }
            | LeaseMutation::RevokePrefix { addr, .. }
            | LeaseMutation::ForceRevokePrefix { addr, .. }
            | LeaseMutation::Tidy { addr } => addr,
        }
    }

    /// The prefix whose inventory a finished write changes (a lease's own prefix).
    pub fn affected_prefix(&self) -> Option<String> {
        match self {
            LeaseMutation::Renew { lease_id, .. } | LeaseMutation::Revoke { lease_id, .. } => Some(
                lease_id
                    .rfind('/')
                    .map_or(String::new(), |i| lease_id[..=i].to_string()),
            ),
            LeaseMutation::RevokePrefix { prefix, .. }
            | LeaseMutation::ForceRevokePrefix { prefix, .. } => Some(prefix.clone()),
            LeaseMutation::Tidy { .. } => None,
        }
    }

    pub fn spec(&self) -> MutationSpec {
        match self {
            LeaseMutation::Renew {
                lease_id,
                increment,
                ..
            } => {
                let id = shown(lease_id);
                let by = increment.map_or("the mount's default TTL".to_string(), increment_label);
                MutationSpec {
                    summary: format!("renew {id} by {by}"),
                    description: format!(
                        "Renew the lease {id} by {by} (capped at the mount's max TTL)."
                    ),
                    name: "renewing a lease",
                    risk: Risk::Safe,
                    item: id,
                    batch_words: ("renew", "lease"),
                }
            }
            LeaseMutation::Revoke { lease_id, sync, .. } => {
                let id = shown(lease_id);
                MutationSpec {
                    summary: format!("revoke {id}{}", if *sync { "" } else { " (async)" }),
                    description: format!(
                        "Revoke the lease {id}: the secret engine revokes its credentials \
                         ({}).",
                        sync_word(*sync)
                    ),
                    name: "revoking a lease",
                    risk: Risk::Confirm,
                    item: id,
                    batch_words: ("revoke", "lease"),
                }
            }
            LeaseMutation::RevokePrefix {
                prefix,
                count,
                sync,
                ..
            } => {
                let p = shown(prefix);
                MutationSpec {
                    summary: format!(
                        "revoke {count} {} at {p}{}",
                        leases_word(*count),
                        if *sync { "" } else { " (async)" }
                    ),
                    description: format!(
                        "Revoke every lease below {p}: {count} {} in the inventory (leases \
                         issued since are revoked too) ({}).",
                        leases_word(*count),
                        sync_word(*sync)
                    ),
                    name: "revoking a lease prefix",
                    risk: Risk::Typed(phrase("revoke", *count, prefix)),
                    item: p,
                    batch_words: ("revoke", "prefix"),
                }
            }
            LeaseMutation::ForceRevokePrefix { prefix, count, .. } => {
                let p = shown(prefix);
                MutationSpec {
                    summary: format!("force-revoke {count} {} at {p}", leases_word(*count)),
                    description: format!(
                        "FORCE: remove every lease below {p} ({count} in the inventory) even \
                         where the secret engine fails to revoke them. Backend errors are \
                         ignored: the credentials may stay valid at their source (database \
                         users, cloud keys) with nothing left in OpenBao to revoke them."
                    ),
                    name: "force-revoking a lease prefix",
                    risk: Risk::Typed(phrase("force-revoke", *count, prefix)),
                    item: p,
                    batch_words: ("force-revoke", "prefix"),
                }
            }
            LeaseMutation::Tidy { addr } => MutationSpec {
                summary: "tidy leases".into(),
                description: format!(
                    "Clean up dangling lease entries on {} (sys/leases/tidy; runs in the \
                     background).",
                    shown(addr)
                ),
                name: "tidying leases",
                risk: Risk::Confirm,
                item: "leases".into(),
                batch_words: ("tidy", "lease store"),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn risks_and_phrases() {
        let a = "http://127.0.0.1:8200".to_string();
        let renew = LeaseMutation::Renew {
            addr: a.clone(),
            lease_id: "auth/approle/login/h1".into(),
            increment: Some(3600),
        };
        assert_eq!(renew.spec().risk, Risk::Safe);
        assert_eq!(renew.spec().summary, "renew auth/approle/login/h1 by 1h");
        assert_eq!(
            renew.affected_prefix().as_deref(),
            Some("auth/approle/login/")
        );
        let p = LeaseMutation::RevokePrefix {
            addr: a.clone(),
            prefix: "auth/approle/login/".into(),
            count: 5,
            sync: false,
        };
        assert_eq!(
            p.spec().risk,
            Risk::Typed("revoke 5 leases at auth/approle/login/".into())
        );
        assert!(p.spec().description.contains("202"));
        let f = LeaseMutation::ForceRevokePrefix {
            addr: a.clone(),
            prefix: "db/creds/ro/\x1b[31m".into(),
            count: 1,
        };
        let s = f.spec();
        assert_eq!(
            s.risk,
            Risk::Typed("force-revoke 1 lease at db/creds/ro/[31m".into())
        );
        assert!(s.description.contains("may stay valid"));
        assert!(!s.description.contains('\x1b'));
        assert_eq!(LeaseMutation::Tidy { addr: a }.spec().risk, Risk::Confirm);
    }
}
