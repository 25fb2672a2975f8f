//! The unseal ceremony (`:unseal`, `:ceremony`): one panel per node (sealed or not, progress p
//! of t, the short nonce, the seal type, the HA role once unsealed), a hidden share input
//! (nothing of the value or its length drawn) submitted through the write gate to the selected
//! node or to every sealed configured node, a reset per node, plain words when a node's round
//! was reset or restarted elsewhere or a wrong key set reached the threshold, a holder mode for
//! several key holders at one keyboard, and a ceremony log (never a share) that can be saved.
//!
//! Every node's seal status is read about once a second while the screen is open (one request
//! per node at a time); an answer that a submission overtook is dropped (each node counts
//! generations), so a stale read never looks like a reset.

mod actions;
mod answers;
mod log;
mod view;

pub use log::{CeremonyLog, LogEntry};
pub use view::UnsealView;

use chrono::{DateTime, Utc};

use crate::action::Action;
use crate::input::LineInput;
use crate::ui::widgets::secret_input::{SecretInput, SecretInputMode};
use crate::vault::models::sys::SealStatus;

/// How often each node's seal status is read while the screen is open.
pub const STATUS_EVERY_MS: i64 = 1000;
/// How often the cluster poll (HA roles) is forced while the screen is open.
pub const CLUSTER_EVERY_MS: i64 = 2000;
/// A status read unanswered for this long is asked again (the client times out before).
pub const STATUS_STUCK_MS: i64 = 15_000;
/// The notices kept on screen.
pub const MAX_NOTICES: usize = 4;
/// The file a save offers.
pub const DEFAULT_LOG_PATH: &str = "unseal-ceremony.log";

pub const HINTS: &[Action] = &[
    Action::Select,
    Action::EditInput,
    Action::UnsealTarget,
    Action::UnsealReset,
    Action::HolderMode,
    Action::SaveCeremonyLog,
    Action::Back,
];

/// The hidden share input. A share has one home: a clone starts empty, and two inputs are equal
/// when both are empty or both are not.
#[derive(Debug)]
pub struct ShareInput(pub SecretInput);

impl Default for ShareInput {
    fn default() -> Self {
        Self(SecretInput::new(SecretInputMode::Hidden))
    }
}

impl Clone for ShareInput {
    fn clone(&self) -> Self {
        Self::default()
    }
}

impl PartialEq for ShareInput {
    fn eq(&self, o: &Self) -> bool {
        self.0.is_empty() == o.0.is_empty()
    }
}

/// Where a share goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Target {
    /// Every sealed configured node.
    #[default]
    AllSealed,
    /// The selected node.
    Selected,
}

/// What has the keyboard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Focus {
    /// The share input: typing goes to it.
    Share,
    /// The node panels (select with up/down).
    Nodes,
    /// Holder mode, between two key holders: the screen is cleared until enter.
    NextHolder,
    /// The path prompt of a log save.
    LogPath(LineInput),
}

/// One node, as the ceremony sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct NodePanel {
    /// API address, as the cluster state has it.
    pub addr: String,
    /// Raft node id when known, else host:port (sanitised).
    pub name: String,
    /// Found through the cluster, not configured: shown, never submitted to.
    pub discovered: bool,
    /// The latest seal status (a read, or a `sys/unseal` answer).
    pub seal: Option<SealStatus>,
    pub seal_at: Option<DateTime<Utc>>,
    /// The latest read or submission failed: what happened (sanitised).
    pub error: Option<String>,
    /// The node could not be reached (connect refused, timeout).
    pub unreachable: bool,
    /// Bumped at each submission sent and answered: a status read issued under an older
    /// generation is dropped.
    pub generation: u64,
    /// A share or reset to this node is on its way.
    pub in_flight: bool,
    /// A status read is on its way, since then.
    pub reading_since: Option<DateTime<Utc>>,
}

impl NodePanel {
    pub fn new(addr: &str, name: &str, discovered: bool) -> Self {
        Self {
            addr: addr.to_string(),
            name: name.to_string(),
            discovered,
            seal: None,
            seal_at: None,
            error: None,
            unreachable: false,
            generation: 0,
            in_flight: false,
            reading_since: None,
        }
    }

    /// Sealed, as far as the latest answer says (unknown counts as sealed for a submission).
    pub fn is_sealed(&self) -> bool {
        self.seal.as_ref().is_none_or(|s| s.sealed)
    }

    /// Progress (p, t) while sealed.
    pub fn progress(&self) -> Option<(u32, u32)> {
        self.seal
            .as_ref()
            .filter(|s| s.sealed)
            .map(|s| (s.progress, s.t))
    }

    /// Auto-unseal: recovery keys, unsealing needs no shares.
    pub fn auto_unseal(&self) -> bool {
        self.seal.as_ref().is_some_and(|s| {
            s.recovery_seal || (!s.seal_type.is_empty() && s.seal_type != "shamir")
        })
    }
}

/// The unseal ceremony screen.
#[derive(Debug, Clone, PartialEq)]
pub struct UnsealScreen {
    pub nodes: Vec<NodePanel>,
    pub selected: usize,
    pub target: Target,
    pub focus: Focus,
    pub input: ShareInput,
    pub holder_mode: bool,
    /// Shares accepted in this ceremony (by at least one node) — a count, never which.
    pub accepted: u32,
    /// Plain sentences about what happened (nonce changes, a wrong key set, unreachable nodes).
    pub notices: Vec<String>,
    pub log: CeremonyLog,
    /// The write on its way: what it was and the nodes it went to, in order.
    pub awaiting: Option<(Pending, Vec<String>)>,
    pub last_status_read: Option<DateTime<Utc>>,
    pub last_cluster_poll: Option<DateTime<Utc>>,
}

/// What the write on its way does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pending {
    Share,
    Reset,
}

impl Default for UnsealScreen {
    fn default() -> Self {
        Self {
            nodes: Vec::new(),
            selected: 0,
            target: Target::AllSealed,
            focus: Focus::Share,
            input: ShareInput::default(),
            holder_mode: false,
            accepted: 0,
            notices: Vec::new(),
            log: CeremonyLog::default(),
            awaiting: None,
            last_status_read: None,
            last_cluster_poll: None,
        }
    }
}

impl UnsealScreen {
    /// Typing goes to the share input or the log path prompt.
    pub fn takes_text(&self) -> bool {
        matches!(self.focus, Focus::Share | Focus::LogPath(_))
    }

    pub fn selected_node(&self) -> Option<&NodePanel> {
        self.nodes.get(self.selected)
    }

    /// The configured sealed nodes a share for every node goes to.
    pub fn sealed_targets(&self) -> Vec<&NodePanel> {
        self.nodes
            .iter()
            .filter(|n| !n.discovered && n.is_sealed() && !n.unreachable && !n.auto_unseal())
            .filter(|n| n.seal.as_ref().is_none_or(|s| s.initialized))
            .collect()
    }

    /// Every node known says it is not initialised.
    pub fn uninitialised(&self) -> bool {
        let known: Vec<&SealStatus> = self.nodes.iter().filter_map(|n| n.seal.as_ref()).collect();
        !known.is_empty() && known.iter().all(|s| !s.initialized)
    }

    fn notice(&mut self, text: String) {
        self.notices.push(text);
        if self.notices.len() > MAX_NOTICES {
            self.notices.remove(0);
        }
    }
}
