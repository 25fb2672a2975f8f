//! What the radar screen does: start the radar job when opened (and on `ctrl-r`), take each
//! source's updates, switch windows, pick buckets, move in the list, and jump to an item's
//! screen with `enter` (the `:` line opens with `leases PREFIX`, `tokens accessor=ACCESSOR` or
//! `cd MOUNT/PATH`; a certificate shows its details instead).

use super::{Phase, RadarScreen};
use crate::action::Action;
use crate::app::ToastLevel;
use crate::jobs::{JobEvent, JobReport, JobSpec};
use crate::radar::{ItemKind, Radar, RadarItem, Window};
use crate::sanitize::sanitize;
use crate::ui::screens::{Effect, ScreenCtx};
use crate::vault::VaultError;
use crate::vault::radar::{SourceState, SourceStatus};

/// The footer's offer on this screen.
pub const HINTS: &[Action] = &[
    Action::Help,
    Action::Select,
    Action::NextBucket,
    Action::PrevBucket,
    Action::WindowHour,
    Action::WindowDay,
    Action::WindowWeek,
    Action::Refresh,
    Action::Back,
];

/// The key of the radar job.
pub const JOB: &str = "radar";

/// The `:` line that jumps to an item's screen (`None` for a certificate: shown here).
pub fn jump_line(item: &RadarItem) -> Option<String> {
    // Server text goes into the `:` line the user sees and edits: sanitised like any drawn text.
    let clean = |s: &str| crate::sanitize::sanitize(s).into_owned();
    match item.kind {
        ItemKind::Lease => Some(format!("leases {}", clean(&item.role))),
        ItemKind::Token => Some(format!("tokens accessor={}", clean(&item.id))),
        ItemKind::KvRotation => Some(format!("cd {}", clean(&item.id))),
        ItemKind::Certificate => None,
    }
}

impl RadarScreen {
    /// Opened (or reloaded): start collecting.
    pub fn on_open(&mut self, ctx: &ScreenCtx) -> Vec<Effect> {
        let Some(addr) = ctx.cluster.api_addr() else {
            self.phase = Phase::Failed(VaultError::NotAsked("no node to ask"));
            return vec![Effect::Toast("no node to ask".into(), ToastLevel::Warn)];
        };
        self.phase = Phase::Loading;
        self.radar = Radar::default();
        for s in self.sources.values_mut() {
            *s = SourceStatus::default();
        }
        self.selected = 0;
        self.detail = false;
        vec![Effect::StartJob {
            what: JOB.into(),
            spec: JobSpec::Radar {
                addr,
                rotation: self.rotation.clone(),
            },
        }]
    }

    pub fn on_action(&mut self, a: Action, ctx: &ScreenCtx) -> Option<Vec<Effect>> {
        let now = ctx.now;
        match a {
            Action::WindowHour => self.set_window(Window::Hour),
            Action::WindowDay => self.set_window(Window::Day),
            Action::WindowWeek => self.set_window(Window::Week),
            Action::PrevBucket => self.move_bucket(-1),
            Action::NextBucket => self.move_bucket(1),
            Action::Up => self.move_selection(-1, now),
            Action::Down => self.move_selection(1, now),
            Action::PageUp => self.move_selection(-10, now),
            Action::PageDown => self.move_selection(10, now),
            Action::Top => self.move_selection(isize::MIN, now),
            Action::Bottom => self.move_selection(isize::MAX, now),
            Action::Select => return Some(self.jump(now)),
            Action::Refresh => {
                let mut effects = self.cancel();
                effects.extend(self.on_open(ctx));
                return Some(effects);
            }
            // `esc`: close the details, then leave the bucket, then stop a running load;
            // the app goes back otherwise.
            Action::Back if self.detail => self.detail = false,
            Action::Back if self.bucket.is_some() => self.move_bucket(-isize::MAX),
            Action::Back if self.phase == Phase::Loading => return Some(self.cancel()),
            _ => return None,
        }
        Some(Vec::new())
    }

    fn jump(&mut self, now: chrono::DateTime<chrono::Utc>) -> Vec<Effect> {
        let Some(item) = self.selected_item(now) else {
            return Vec::new();
        };
        match jump_line(item) {
            Some(line) => vec![Effect::CommandLine(line)],
            None => {
                self.detail = !self.detail;
                Vec::new()
            }
        }
    }

    /// Stop a running load (what came so far stays).
    fn cancel(&mut self) -> Vec<Effect> {
        if self.phase != Phase::Loading {
            return Vec::new();
        }
        self.phase = Phase::Cancelled;
        vec![
            Effect::CancelJob { what: JOB.into() },
            Effect::Toast("radar cancelled".into(), ToastLevel::Info),
        ]
    }

    /// An event of the radar job.
    pub fn on_job(&mut self, what: &str, event: JobEvent, _ctx: &ScreenCtx) -> Vec<Effect> {
        if what != JOB || self.phase != Phase::Loading {
            return Vec::new();
        }
        match event {
            JobEvent::Report(r) => {
                if let JobReport::Radar(u) = *r {
                    self.radar.add(u.items);
                    self.sources.insert(u.kind, u.status);
                }
            }
            JobEvent::Done(_) => {
                self.phase = Phase::Ready;
                let denied: Vec<&str> = self
                    .sources
                    .iter()
                    .filter(|(_, s)| s.state == SourceState::Denied)
                    .map(|(k, _)| k.source_label())
                    .collect();
                if !denied.is_empty() {
                    return vec![Effect::Toast(
                        format!("radar: permission denied for {}", denied.join(", ")),
                        ToastLevel::Warn,
                    )];
                }
            }
            JobEvent::Failed(e) => {
                let msg = format!("radar failed: {}", sanitize(&e.to_string()));
                self.phase = Phase::Failed(e);
                return vec![Effect::Toast(msg, ToastLevel::Warn)];
            }
            JobEvent::Progress(_) | JobEvent::Partial(_) => {}
        }
        Vec::new()
    }
}
