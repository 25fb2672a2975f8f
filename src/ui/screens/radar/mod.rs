//! The expiry radar (`:radar [window]`): what expires in the next hour / day / week / a custom
//! window across leases, tokens, PKI certificates and KV v2 secrets due for rotation. The radar
//! job collects the four sources at once (each one's progress, or "denied", on the sources
//! line); a histogram over time buckets (overdue items in the first, marked), the items of the
//! selected bucket (or of the whole window) sorted by time, and counts per mount / role with
//! the lease-count alert. `1` `2` `3` switch windows, `←` `→` pick a bucket, `enter` jumps to
//! the item's screen (a certificate shows its details).

mod actions;
mod view;

pub use actions::{HINTS, JOB};
pub use view::RadarView;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use crate::radar::{ItemKind, Radar, RadarItem, RotationPolicy, Window};
use crate::vault::VaultError;
use crate::vault::radar::{SourceState, SourceStatus};

/// Where the radar is.
#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    Loading,
    Ready,
    Cancelled,
    Failed(VaultError),
}

#[derive(Debug, Clone, PartialEq)]
pub struct RadarScreen {
    pub window: Window,
    pub rotation: RotationPolicy,
    pub phase: Phase,
    pub radar: Radar,
    /// Each source's state and counters.
    pub sources: BTreeMap<ItemKind, SourceStatus>,
    /// The bucket drilled into; `None`: the whole window.
    pub bucket: Option<usize>,
    /// The selected row of the item list.
    pub selected: usize,
    /// The selected certificate's details are shown.
    pub detail: bool,
}

impl RadarScreen {
    pub fn new(window: Window, rotation: RotationPolicy) -> RadarScreen {
        RadarScreen {
            window,
            rotation,
            phase: Phase::Loading,
            radar: Radar::default(),
            sources: ItemKind::ALL
                .into_iter()
                .map(|k| (k, SourceStatus::default()))
                .collect(),
            bucket: None,
            selected: 0,
            detail: false,
        }
    }

    /// From `:radar [window]`: `1h`, `36h`, `7d`; empty: the next day.
    pub fn from_command(arg: &str, rotation: RotationPolicy) -> Result<RadarScreen, String> {
        Window::parse(arg).map(|w| RadarScreen::new(w, rotation))
    }

    /// Every source has ended (done, denied or failed).
    pub fn sources_done(&self) -> bool {
        self.sources.values().all(|s| {
            matches!(
                s.state,
                SourceState::Done | SourceState::Denied | SourceState::Failed(_)
            )
        })
    }

    /// The listed items: the selected bucket's, or the whole window's, sorted by time.
    pub fn listed(&self, now: DateTime<Utc>) -> Vec<&RadarItem> {
        match self.bucket {
            Some(b) => self.radar.bucket_items(now, self.window, b),
            None => self.radar.in_window(now, self.window),
        }
    }

    pub fn selected(&self, now: DateTime<Utc>) -> usize {
        self.selected.min(self.listed(now).len().saturating_sub(1))
    }

    pub fn selected_item(&self, now: DateTime<Utc>) -> Option<&RadarItem> {
        let i = self.selected(now);
        self.listed(now).get(i).copied()
    }

    pub fn set_window(&mut self, w: Window) {
        self.window = w;
        self.bucket = None;
        self.selected = 0;
        self.detail = false;
    }

    /// `→` from the whole window goes to the first bucket; `←` from it back to the window.
    pub fn move_bucket(&mut self, delta: isize) {
        let n = self.window.buckets();
        self.bucket = match (self.bucket, delta.signum()) {
            (None, 1) => Some(0),
            (None, _) => None,
            (Some(0), -1) => None,
            (Some(b), _) => Some(b.saturating_add_signed(delta).min(n.saturating_sub(1))),
        };
        self.selected = 0;
        self.detail = false;
    }

    fn move_selection(&mut self, delta: isize, now: DateTime<Utc>) {
        let n = self.listed(now).len();
        self.selected = if n == 0 {
            0
        } else {
            self.selected(now).saturating_add_signed(delta).min(n - 1)
        };
        self.detail = false;
    }
}
