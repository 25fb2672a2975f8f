//! `Effect::Copy` → `Command::Copy` with the configured clear time, and the countdown toast
//! ("copied password of secret/x · clears in 27 s"), redrawn each tick only while it shows.

use chrono::{DateTime, Utc};

use super::{App, ToastLevel};
use crate::clipboard::{ClipboardMode, CopyText};
use crate::command::Command;
use crate::sanitize::sanitize;

/// The countdown of the last copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyCountdown {
    /// What was copied, sanitised ("password of secret/x"); never the value.
    pub label: String,
    pub clears_at: DateTime<Utc>,
}

impl CopyCountdown {
    /// The toast's text at `now`.
    pub fn text(&self, now: DateTime<Utc>) -> String {
        let left = (self.clears_at - now).num_milliseconds().max(0);
        // Rounded up: "clears in 1 s" until it is cleared.
        let secs = (left + 999) / 1000;
        format!("copied {} · clears in {secs} s", self.label)
    }

    pub fn visible(&self, now: DateTime<Utc>) -> bool {
        self.clears_at > now
    }
}

impl App {
    /// A screen asked for a copy.
    pub(crate) fn copy(&mut self, label: String, text: CopyText) -> Vec<Command> {
        if self.clipboard.mode == ClipboardMode::Off {
            self.toast(
                "copying is off (clipboard.mode = off in the config, or STRONGROOM_CLIPBOARD=off)",
                ToastLevel::Warn,
            );
            return Vec::new();
        }
        if text.is_empty() {
            self.toast(
                format!("{}: nothing to copy", sanitize(&label)),
                ToastLevel::Warn,
            );
            return Vec::new();
        }
        let clear_after = self.clipboard.clear_after;
        let span = chrono::Duration::from_std(clear_after).unwrap_or(chrono::Duration::seconds(30));
        self.copy_countdown = Some(CopyCountdown {
            label: sanitize(&label).into_owned(),
            clears_at: self.now + span,
        });
        tracing::info!(label = %sanitize(&label), secs = clear_after.as_secs(), "copy");
        self.dirty = true;
        vec![Command::Copy {
            label,
            text,
            clear_after,
        }]
    }

    /// Each tick: the countdown changes (redraw) while it shows, and goes when it ends.
    pub(crate) fn tick_copy_countdown(&mut self) {
        if let Some(c) = &self.copy_countdown {
            self.dirty = true;
            if !c.visible(self.now) {
                self.copy_countdown = None;
            }
        }
    }

    /// The runtime could not copy: the countdown goes, a toast says why.
    pub fn copy_failed(&mut self, message: String) {
        self.copy_countdown = None;
        self.toast(message, ToastLevel::Error);
    }
}
