//! The leases screen (`:leases [prefix]`): the lease inventory below a prefix (a job: bounded
//! concurrency, progress, cancel with `esc`), drawn as a tree of prefixes, each with its lease
//! count and soonest expiry (`space` folds a prefix, `enter` drills into its leases), and the
//! leases of the selected prefix: id, issue time, expire time, a live TTL countdown and whether
//! it is renewable. `/` filters the leases by id. Writes go through the gate: renew (with an
//! increment typed in a prompt), revoke, revoke-prefix (typed phrase with the count), force
//! revoke-prefix, tidy; `s` toggles `sync` for revocations. After a write the inventory of the
//! prefix it touched is taken again.

mod actions;
mod tree;
mod view;

pub use actions::{HINTS, JOB};
pub use tree::{LeaseTree, PrefixStats, TreeRow};
pub use view::{LeasesView, ttl_text};

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};

use crate::input::LineInput;
use crate::vault::VaultError;
use crate::vault::inventory::InventoryProgress;
use crate::vault::leases::normalize_prefix;
use crate::vault::models::leases::LeaseInfo;
use crate::write_gate::lease::LeaseMutation;

/// Where the inventory is.
#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    Loading,
    Ready,
    Cancelled,
    /// The inventory failed; the tree holds the last good one (stale), if any.
    Failed(VaultError),
}

/// Which pane has the keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Tree,
    Leases,
}

/// The renew prompt: the increment for one lease.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenewPrompt {
    pub lease_id: String,
    pub input: LineInput,
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LeasesScreen {
    /// The inventory's root prefix (`""`: every lease).
    pub root: String,
    pub phase: Phase,
    pub progress: InventoryProgress,
    pub tree: LeaseTree,
    /// When the inventory shown was complete.
    pub loaded_at: Option<DateTime<Utc>>,
    /// The first lookup or list that failed in the last inventory (others are counted).
    pub first_error: Option<VaultError>,
    /// The previous inventory while a full reload runs (back if the reload fails).
    previous: Option<(LeaseTree, Option<DateTime<Utc>>)>,
    /// The prefix the running job covers (the root, or a prefix after a write).
    running: Option<String>,
    pub collapsed: BTreeSet<String>,
    selected_prefix: String,
    pub focus: Focus,
    filter: String,
    /// Leases of the selected prefix that pass the filter (indices into the tree).
    shown: Vec<u32>,
    selected_lease: usize,
    /// `sync` for revocations (off: the server answers 202 and revokes in the background).
    pub sync: bool,
    pub prompt: Option<RenewPrompt>,
    /// The write waiting in the gate or the worker (its prefix is refreshed after it).
    pub pending_write: Option<LeaseMutation>,
}

impl LeasesScreen {
    pub fn new(prefix: &str) -> LeasesScreen {
        let root = normalize_prefix(prefix);
        LeasesScreen {
            tree: LeaseTree::new(&root),
            selected_prefix: root.clone(),
            root,
            phase: Phase::Loading,
            progress: InventoryProgress::default(),
            loaded_at: None,
            first_error: None,
            previous: None,
            running: None,
            collapsed: BTreeSet::new(),
            focus: Focus::Tree,
            filter: String::new(),
            shown: Vec::new(),
            selected_lease: 0,
            sync: true,
            prompt: None,
            pending_write: None,
        }
    }

    /// A screen with this inventory, loaded at `at` (tests, benches, snapshots).
    pub fn with_leases(prefix: &str, leases: Vec<LeaseInfo>, at: DateTime<Utc>) -> LeasesScreen {
        let mut s = LeasesScreen::new(prefix);
        s.add_leases(leases);
        s.reshow();
        s.phase = Phase::Ready;
        s.loaded_at = Some(at);
        s
    }

    pub fn loading(&self) -> bool {
        self.phase == Phase::Loading
    }

    /// Add a batch (from the job): the tree and, incrementally, the filtered lease list.
    pub fn add_leases(&mut self, batch: Vec<LeaseInfo>) {
        let sel = self.selected_prefix.clone();
        let f = self.filter.to_lowercase();
        let shown = &mut self.shown;
        self.tree.add(batch, |i, l| {
            if l.id.starts_with(&sel) && matches(l, &f) {
                shown.push(i);
            }
        });
    }

    pub fn selected_prefix(&self) -> &str {
        &self.selected_prefix
    }

    /// The visible tree rows and the selected one's index.
    pub fn tree_rows(&self) -> (Vec<TreeRow<'_>>, usize) {
        let rows = self.tree.rows(&self.collapsed);
        let i = rows
            .iter()
            .position(|r| r.prefix == self.selected_prefix)
            .unwrap_or(0);
        (rows, i)
    }

    /// Select the prefix at row `i` of the tree (clamped).
    fn select_row(&mut self, i: usize) {
        let prefix = {
            let (rows, _) = self.tree_rows();
            rows.get(i.min(rows.len().saturating_sub(1)))
                .map(|r| r.prefix.to_string())
        };
        if let Some(p) = prefix
            && p != self.selected_prefix
        {
            self.selected_prefix = p;
            self.selected_lease = 0;
            self.reshow();
        }
    }

    pub(crate) fn move_tree(&mut self, delta: isize) {
        let (rows, i) = self.tree_rows();
        let n = rows.len();
        drop(rows);
        if n > 0 {
            self.select_row(i.saturating_add_signed(delta).min(n - 1));
        }
    }

    pub(crate) fn move_lease(&mut self, delta: isize) {
        let n = self.shown.len();
        self.selected_lease = if n == 0 {
            0
        } else {
            self.selected_lease()
                .saturating_add_signed(delta)
                .min(n - 1)
        };
    }

    /// After an inventory: a selected prefix that is gone (revoked) gives way to its nearest
    /// ancestor still in the tree.
    pub(crate) fn keep_selection_in_tree(&mut self) {
        let mut p = self.selected_prefix.clone();
        while self.tree.stats(&p).is_none() && p.len() > self.root.len() {
            let trimmed = p.trim_end_matches('/');
            p = trimmed
                .rfind('/')
                .map_or(String::new(), |i| trimmed[..=i].to_string());
        }
        if self.tree.stats(&p).is_none() {
            p = self.root.clone();
        }
        if p != self.selected_prefix {
            self.selected_prefix = p;
            self.selected_lease = 0;
            self.reshow();
        }
    }

    /// Recompute the filtered lease list of the selected prefix, soonest expiry first (leases
    /// that never expire last, then by id), as operators read it: what goes first. While an
    /// inventory loads, batches are appended instead (see `add_leases`); it ends with this.
    pub(crate) fn reshow(&mut self) {
        let f = self.filter.to_lowercase();
        let mut shown: Vec<u32> = self
            .tree
            .stats(&self.selected_prefix)
            .map(|s| {
                s.leases
                    .iter()
                    .copied()
                    .filter(|&i| self.tree.lease(i).is_some_and(|l| matches(l, &f)))
                    .collect()
            })
            .unwrap_or_default();
        shown.sort_by_cached_key(|&i| {
            self.tree
                .lease(i)
                .map(|l| (l.expire_time.is_none(), l.expire_time, l.id.clone()))
        });
        self.shown = shown;
    }

    pub fn shown_len(&self) -> usize {
        self.shown.len()
    }

    /// The `i`-th lease of the list.
    pub fn shown(&self, i: usize) -> Option<&LeaseInfo> {
        self.shown.get(i).and_then(|&x| self.tree.lease(x))
    }

    pub fn selected_lease(&self) -> usize {
        self.selected_lease.min(self.shown.len().saturating_sub(1))
    }

    pub fn selected(&self) -> Option<&LeaseInfo> {
        self.shown(self.selected_lease())
    }

    pub fn filter(&self) -> &str {
        &self.filter
    }

    /// The filter: a plain case-insensitive substring of the lease id.
    pub fn set_filter(&mut self, f: String) {
        if f != self.filter {
            self.filter = f;
            self.selected_lease = 0;
            self.reshow();
        }
    }

    /// Typing goes to the renew prompt while it is open.
    pub fn takes_text(&self) -> bool {
        self.prompt.is_some()
    }

    /// A countdown is on screen: redraw each tick.
    pub fn wants_tick(&self) -> bool {
        !self.shown.is_empty()
    }
}

fn matches(l: &LeaseInfo, lower_filter: &str) -> bool {
    lower_filter.is_empty() || l.id.to_lowercase().contains(lower_filter)
}
