//! The mounts screen: secret engines and auth methods (from `sys/mounts` + `sys/auth`, or the UI
//! endpoint when the token cannot read those), with a secret count per KV mount filled in by a
//! walk job, one mount at a time, with visible progress; `esc` cancels a running count. `enter`
//! opens a mount's configuration.

mod actions;
mod detail;
mod view;

pub use actions::HINTS;
pub use detail::MountDetail;

/// The footer's offer on a mount's configuration.
pub fn detail_hints() -> &'static [crate::action::Action] {
    detail::HINTS
}
pub use view::MountsView;

use std::collections::BTreeMap;

use crate::jobs::JobProgress;
use crate::remote::Remote;
use crate::sanitize::sanitize;
use crate::vault::VaultError;
use crate::vault::models::mounts::{Mount, MountKind, MountList};

/// The secret count of one KV mount.
#[derive(Debug, Clone, PartialEq)]
pub enum Count {
    /// Waiting for its turn.
    Queued,
    Running(JobProgress),
    Done(JobProgress),
    Cancelled(JobProgress),
    Failed(VaultError),
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct MountsScreen {
    pub mounts: Remote<MountList>,
    selected: usize,
    filter: String,
    /// By mount path.
    pub counts: BTreeMap<String, Count>,
    /// The mount whose count is running.
    pub counting: Option<String>,
}

impl MountsScreen {
    /// The mounts the filter lets through, in list order (secret engines first).
    pub fn visible(&self) -> Vec<&Mount> {
        let f = self.filter.to_lowercase();
        self.mounts
            .value()
            .map(|l| {
                l.mounts
                    .iter()
                    .filter(|m| {
                        f.is_empty()
                            || sanitize(&m.path).to_lowercase().contains(&f)
                            || sanitize(&m.mount_type).to_lowercase().contains(&f)
                            || sanitize(&m.description).to_lowercase().contains(&f)
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn selected(&self) -> usize {
        self.selected.min(self.visible().len().saturating_sub(1))
    }

    pub fn selected_mount(&self) -> Option<&Mount> {
        self.visible().get(self.selected()).copied()
    }

    pub fn filter(&self) -> &str {
        &self.filter
    }

    pub fn set_filter(&mut self, f: String) {
        if f != self.filter {
            self.filter = f;
            self.selected = 0;
        }
    }

    fn move_selection(&mut self, delta: isize) {
        let n = self.visible().len();
        self.selected = if n == 0 {
            0
        } else {
            self.selected().saturating_add_signed(delta).min(n - 1)
        };
    }

    /// "12 secret engines, 3 auth methods".
    pub fn summary(&self) -> String {
        let Some(l) = self.mounts.value() else {
            return String::new();
        };
        let secret = l
            .mounts
            .iter()
            .filter(|m| m.kind == MountKind::Secret)
            .count();
        let auth = l.mounts.len() - secret;
        format!(
            "{secret} secret engine{} · {auth} auth method{} · from {}",
            if secret == 1 { "" } else { "s" },
            if auth == 1 { "" } else { "s" },
            l.source.label()
        )
    }
}
