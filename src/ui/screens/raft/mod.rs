//! The raft screen (`:raft`): the peers (raft configuration joined with autopilot's state: id,
//! address, leader, voter, status, healthy, last contact), remove / promote / demote a peer,
//! save a snapshot of the active node to a file (a job: progress in bytes, then size and
//! SHA-256; esc cancels and the partial file is removed) and restore one to the active node
//! (typed confirmation; a forced restore with its own warning and phrase). Every write goes
//! through the gate: read-only mode blocks them all.
//!
//! The peers come from the cluster poller (`ctx.cluster.raft`, `ctx.cluster.autopilot`); the
//! screen forces a poll when it opens and after each write.

mod actions;
mod view;

pub use view::RaftView;

use std::path::PathBuf;

use chrono::{DateTime, Utc};

use crate::action::Action;
use crate::cluster::ClusterState;
use crate::input::LineInput;
use crate::sanitize::sanitize;
use crate::vault::snapshot::SnapshotSaved;

/// The job key of a snapshot save.
pub const SAVE_JOB: &str = "snapshot save";
/// How long "restoring…" is shown after the server accepted a restore (it restores after its
/// 204, ~5 s); the cluster is polled again then.
pub const RESTORE_SETTLE_MS: i64 = 6000;
/// The notices kept on screen.
pub const MAX_NOTICES: usize = 4;

pub const HINTS: &[Action] = &[
    Action::SaveSnapshot,
    Action::RestoreSnapshot,
    Action::ForceRestoreSnapshot,
    Action::RemovePeer,
    Action::PromotePeer,
    Action::DemotePeer,
    Action::Back,
];

/// What the path prompt is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptKind {
    Save,
    Restore,
    ForceRestore,
}

impl PromptKind {
    pub fn label(self) -> &'static str {
        match self {
            PromptKind::Save => "save the snapshot to",
            PromptKind::Restore => "restore the snapshot from",
            PromptKind::ForceRestore => "FORCE-restore (another cluster's snapshot) from",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    pub kind: PromptKind,
    pub line: LineInput,
}

/// A snapshot save on its way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaveJob {
    pub path: PathBuf,
    pub bytes: u64,
}

/// One peer, as the screen shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerRow {
    /// The id as shown (sanitised).
    pub id: String,
    /// The id as the server has it: what a remove / promote / demote sends.
    pub server_id: String,
    pub address: String,
    pub leader: bool,
    pub voter: bool,
    /// Autopilot's `status` (leader, voter, non-voter) or "—".
    pub status: String,
    pub healthy: Option<bool>,
    pub last_contact: String,
}

/// The write on its way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Awaiting {
    Peer(String),
    Restore(String),
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct RaftScreen {
    pub selected: usize,
    pub prompt: Option<Prompt>,
    pub job: Option<SaveJob>,
    pub last_saved: Option<SnapshotSaved>,
    /// The server accepted a restore at this time: "restoring…" until it settles.
    pub restoring_since: Option<DateTime<Utc>>,
    pub awaiting: Option<Awaiting>,
    /// The last restore file, offered again by the restore prompt.
    pub last_path: Option<String>,
    pub notices: Vec<String>,
}

/// The peers: the raft configuration's servers, with autopilot's view of each (by id); ids
/// autopilot knows that the configuration does not list are added after.
pub fn peers(c: &ClusterState) -> Vec<PeerRow> {
    let servers = c
        .raft
        .value()
        .map(|r| r.servers.clone())
        .unwrap_or_default();
    let auto = c.autopilot.value();
    let of = |id: &str| auto.and_then(|a| a.servers.get(id));
    let mut rows: Vec<PeerRow> = servers
        .iter()
        .map(|s| {
            let a = of(&s.node_id);
            PeerRow {
                id: sanitize(&s.node_id).into_owned(),
                server_id: s.node_id.clone(),
                address: sanitize(&s.address).into_owned(),
                leader: s.leader,
                voter: s.voter,
                status: a.map_or("—".into(), |a| sanitize(&a.status).into_owned()),
                healthy: a.map(|a| a.healthy),
                last_contact: a.map_or("—".into(), |a| sanitize(&a.last_contact).into_owned()),
            }
        })
        .collect();
    if let Some(a) = auto {
        for (id, s) in &a.servers {
            if !servers.iter().any(|r| &r.node_id == id) {
                rows.push(PeerRow {
                    id: sanitize(id).into_owned(),
                    server_id: id.clone(),
                    address: sanitize(&s.address).into_owned(),
                    leader: s.status == "leader",
                    voter: s.status != "non-voter",
                    status: sanitize(&s.status).into_owned(),
                    healthy: Some(s.healthy),
                    last_contact: sanitize(&s.last_contact).into_owned(),
                });
            }
        }
    }
    rows
}

impl RaftScreen {
    /// Typing goes to the path prompt while it is open.
    pub fn takes_text(&self) -> bool {
        self.prompt.is_some()
    }

    /// A countdown or a job is on screen.
    pub fn wants_tick(&self) -> bool {
        self.restoring_since.is_some() || self.job.is_some()
    }

    fn notice(&mut self, text: String) {
        self.notices.push(text);
        if self.notices.len() > MAX_NOTICES {
            self.notices.remove(0);
        }
    }
}

/// "1.5 MiB", "812 B".
pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if n < 1024 {
        return format!("{n} B");
    }
    let mut v = n as f64 / 1024.0;
    let mut unit = UNITS[0];
    for u in UNITS.iter().skip(1) {
        if v < 1024.0 {
            break;
        }
        v /= 1024.0;
        unit = u;
    }
    format!("{v:.1} {unit}")
}
