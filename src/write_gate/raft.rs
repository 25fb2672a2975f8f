//! Cluster-wide writes: seal every node (typed: the cluster's name), remove a raft peer (typed:
//! its id), promote / demote a peer (confirmed; autopilot applies them seconds later), restore a
//! raft snapshot to the active node (typed: the file name; a forced restore has its own phrase
//! and warning). Read-only mode blocks every one of them (the gate).

use std::path::PathBuf;

use super::{MutationSpec, Risk, shown, typeable};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RaftMutation {
    /// `PUT sys/seal` on each of `addrs` (the configured unsealed nodes), one after the other.
    SealCluster { cluster: String, addrs: Vec<String> },
    /// `POST sys/storage/raft/remove-peer` on the active node.
    RemovePeer { addr: String, id: String },
    /// `POST sys/storage/raft/promote`.
    Promote { addr: String, id: String },
    /// `POST sys/storage/raft/demote`.
    Demote { addr: String, id: String },
    /// `POST sys/storage/raft/snapshot[-force]` on the active node, from `path`.
    Restore {
        addr: String,
        path: PathBuf,
        force: bool,
    },
}

/// The sentence every restore dialog carries.
pub const MONITOR_WARNING: &str = "An open log stream (sys/monitor) on the active node blocks \
                                   the restore until it closes: close log streams first.";

impl RaftMutation {
    /// The node the write goes to (the first node of a cluster seal).
    pub fn addr(&self) -> &str {
        match self {
            RaftMutation::SealCluster { addrs, .. } => addrs.first().map_or("", String::as_str),
            RaftMutation::RemovePeer { addr, .. }
            | RaftMutation::Promote { addr, .. }
            | RaftMutation::Demote { addr, .. }
            | RaftMutation::Restore { addr, .. } => addr,
        }
    }

    pub fn spec(&self) -> MutationSpec {
        match self {
            RaftMutation::SealCluster { cluster, addrs } => {
                let name = cluster_phrase_name(cluster);
                let n = addrs.len();
                let nodes: Vec<String> = addrs
                    .iter()
                    .map(|a| shown(crate::addr::strip_scheme(a)))
                    .collect();
                MutationSpec {
                    summary: format!("seal cluster {} ({n} nodes)", shown(cluster)),
                    description: format!(
                        "Seal every node of cluster {}: {}. The cluster stops serving requests \
                         until key holders unseal each node again.",
                        shown(cluster),
                        nodes.join(", ")
                    ),
                    name: "sealing the cluster",
                    risk: Risk::Typed(format!("seal cluster {name}")),
                    item: format!("cluster {}", shown(cluster)),
                    batch_words: ("seal", "cluster"),
                }
            }
            RaftMutation::RemovePeer { id, .. } => MutationSpec {
                summary: format!("remove raft peer {}", shown(id)),
                description: format!(
                    "Remove {} from the raft configuration. The node stops taking part in the \
                     cluster; to come back it must be wiped and joined again.",
                    shown(id)
                ),
                name: "removing a raft peer",
                risk: Risk::Typed(format!("remove peer {}", id_phrase(id))),
                item: shown(id),
                batch_words: ("remove", "peer"),
            },
            RaftMutation::Promote { id, .. } => MutationSpec {
                summary: format!("promote raft peer {}", shown(id)),
                description: format!(
                    "Promote {} to a voter. Autopilot applies it a few seconds later.",
                    shown(id)
                ),
                name: "promoting a raft peer",
                risk: Risk::Confirm,
                item: shown(id),
                batch_words: ("promote", "peer"),
            },
            RaftMutation::Demote { id, .. } => MutationSpec {
                summary: format!("demote raft peer {}", shown(id)),
                description: format!(
                    "Demote {} to a non-voter. Autopilot applies it a few seconds later.",
                    shown(id)
                ),
                name: "demoting a raft peer",
                risk: Risk::Confirm,
                item: shown(id),
                batch_words: ("demote", "peer"),
            },
            RaftMutation::Restore { addr, path, force } => {
                let file = file_name(path);
                let node = shown(crate::addr::strip_scheme(addr));
                let (summary, description, phrase) = if *force {
                    (
                        format!("force-restore snapshot {file}"),
                        format!(
                            "FORCED restore of {} to the active node {node}. Use it only for a \
                             snapshot of ANOTHER cluster: every node seals, and that cluster's \
                             unseal keys and root token apply from then on. Everything written \
                             here since is lost. {MONITOR_WARNING}",
                            shown(&path.display().to_string())
                        ),
                        format!("force-restore {}", typeable(&file)),
                    )
                } else {
                    (
                        format!("restore snapshot {file}"),
                        format!(
                            "Restore {} to the active node {node}: the cluster's data goes back \
                             to the time of the snapshot; everything written since is lost. \
                             The restore runs for a few seconds after the server accepts it. \
                             {MONITOR_WARNING}",
                            shown(&path.display().to_string())
                        ),
                        format!("restore {}", typeable(&file)),
                    )
                };
                MutationSpec {
                    summary,
                    description,
                    name: "restoring a snapshot",
                    risk: Risk::Typed(phrase),
                    item: file,
                    batch_words: ("restore", "snapshot"),
                }
            }
        }
    }
}

/// The cluster name as it is typed: printable ASCII, or "this cluster" when nothing is left.
fn cluster_phrase_name(cluster: &str) -> String {
    match typeable(cluster) {
        t if t.is_empty() => "this cluster".into(),
        t => t,
    }
}

fn id_phrase(id: &str) -> String {
    match typeable(id) {
        t if t.is_empty() => "this peer".into(),
        t => t,
    }
}

/// The file's name (sanitised), for phrases and summaries.
pub fn file_name(path: &std::path::Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    shown(&name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::write_gate::{Confirmation, GateError, Mutation, Submitted, Write, WriteGate};

    fn all() -> Vec<Mutation> {
        let addr = "http://127.0.0.1:8200".to_string();
        vec![
            RaftMutation::SealCluster {
                cluster: "vault-cluster-1".into(),
                addrs: vec![addr.clone(), "http://127.0.0.1:8210".into()],
            },
            RaftMutation::RemovePeer {
                addr: addr.clone(),
                id: "node3".into(),
            },
            RaftMutation::Promote {
                addr: addr.clone(),
                id: "node3".into(),
            },
            RaftMutation::Demote {
                addr: addr.clone(),
                id: "node3".into(),
            },
            RaftMutation::Restore {
                addr: addr.clone(),
                path: "/tmp/x/a.snap".into(),
                force: false,
            },
            RaftMutation::Restore {
                addr,
                path: "/tmp/x/a.snap".into(),
                force: true,
            },
        ]
        .into_iter()
        .map(Mutation::Raft)
        .collect()
    }

    #[test]
    fn read_only_mode_blocks_every_raft_write() {
        for m in all() {
            let mut gate = WriteGate::new(true);
            let name = m.spec().name;
            assert_eq!(
                gate.submit(Write::One(m)),
                Err(GateError::ReadOnly(name.into()))
            );
        }
    }

    #[test]
    fn phrases_and_confirmations() {
        let phrases: Vec<Option<String>> = all()
            .into_iter()
            .map(|m| {
                let mut gate = WriteGate::new(false);
                assert_eq!(gate.submit(Write::One(m)), Ok(Submitted::Pending));
                match &gate.pending().map(|p| p.confirmation.clone()) {
                    Some(Confirmation::Typed { phrase }) => Some(phrase.clone()),
                    _ => None,
                }
            })
            .collect();
        assert_eq!(
            phrases,
            vec![
                Some("seal cluster vault-cluster-1".into()),
                Some("remove peer node3".into()),
                None,
                None,
                Some("restore a.snap".into()),
                Some("force-restore a.snap".into()),
            ]
        );
    }

    #[test]
    fn a_forced_restore_warns_and_every_restore_names_the_monitor() {
        let specs: Vec<MutationSpec> = all().iter().map(Mutation::spec).collect();
        assert!(specs[5].description.contains("ANOTHER cluster"));
        assert!(specs[5].description.contains("every node seals"));
        assert!(!specs[4].description.contains("ANOTHER cluster"));
        assert!(specs[4].description.contains("sys/monitor"));
        assert!(specs[5].description.contains("sys/monitor"));
        assert!(specs[2].description.contains("Autopilot"));
    }

    #[test]
    fn a_cluster_name_from_the_server_is_typeable() {
        let m = RaftMutation::SealCluster {
            cluster: "\u{1b}[31m evil name".into(),
            addrs: vec![],
        };
        assert_eq!(
            m.spec().risk,
            Risk::Typed("seal cluster [31mevilname".into())
        );
        let m = RaftMutation::SealCluster {
            cluster: "\u{1b}".into(),
            addrs: vec![],
        };
        assert_eq!(
            m.spec().risk,
            Risk::Typed("seal cluster this cluster".into())
        );
    }
}
