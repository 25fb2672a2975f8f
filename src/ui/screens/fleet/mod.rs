//! The fleet view (`:fleet`, `strongroom --fleet`): one row per context of the config file,
//! polled in the background (see [`crate::fleet`] for the schedule and
//! [`crate::vault::fleet`] for the polls). `enter` switches to that context's health screen
//! with the fleet kept below it, so `esc` comes back; `/` filters by name; ctrl-r polls every
//! context now.

mod view;

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};

pub use view::FleetView;

use super::{Effect, ScreenCtx};
use crate::action::Action;
use crate::command::Request;
use crate::config::ConnectionProfile;
use crate::fleet::FleetState;
use crate::jobs::JobEvent;
use crate::reply::{Reply, WriteOutcome};
use crate::vault::fleet::{FleetReply, FleetRequest};

pub const HINTS: &[Action] = &[
    Action::Select,
    Action::Filter,
    Action::FleetSort,
    Action::Refresh,
    Action::Back,
];

/// The contexts' profiles (tokens inside): compared and shown by name only.
#[derive(Clone, Default)]
pub struct Profiles(pub Arc<Vec<ConnectionProfile>>);

impl PartialEq for Profiles {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
            || self
                .0
                .iter()
                .map(|p| &p.context)
                .eq(other.0.iter().map(|p| &p.context))
    }
}

impl std::fmt::Debug for Profiles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.0.iter().map(|p| &p.context))
            .finish()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct FleetScreen {
    pub state: FleetState,
    pub profiles: Profiles,
    /// Index into the visible (filtered) rows.
    pub selected: usize,
    pub filter: String,
    pub sort: SortBy,
}

/// The order of the rows (`s` cycles).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortBy {
    /// As given: the config file's contexts sorted by name.
    #[default]
    Name,
    /// Worst state first (unreachable, sealed, degraded, loading, ok), then by name.
    State,
    /// Oldest data first (never answered first), then by name.
    Age,
}

impl SortBy {
    pub fn label(self) -> &'static str {
        match self {
            SortBy::Name => "by name",
            SortBy::State => "by state",
            SortBy::Age => "by age",
        }
    }

    fn next(self) -> Self {
        match self {
            SortBy::Name => SortBy::State,
            SortBy::State => SortBy::Age,
            SortBy::Age => SortBy::Name,
        }
    }
}

impl Default for FleetScreen {
    fn default() -> Self {
        Self::new(Vec::new(), Duration::from_secs(5))
    }
}

impl FleetScreen {
    /// One row per context, in the order given (the config file's contexts come sorted by name),
    /// polled every `interval`.
    pub fn new(contexts: Vec<ConnectionProfile>, interval: Duration) -> Self {
        Self {
            state: FleetState::new(contexts.iter().map(|p| p.context.clone()), interval),
            profiles: Profiles(Arc::new(contexts)),
            selected: 0,
            filter: String::new(),
            sort: SortBy::Name,
        }
    }

    /// The rows shown (the filter applied): indices into `state.rows`.
    pub fn visible(&self) -> Vec<usize> {
        let f = self.filter.to_lowercase();
        let mut out: Vec<usize> = self
            .state
            .rows
            .iter()
            .enumerate()
            .filter(|(_, r)| f.is_empty() || r.context.to_lowercase().contains(&f))
            .map(|(i, _)| i)
            .collect();
        let rows = &self.state.rows;
        match self.sort {
            SortBy::Name => {}
            SortBy::State => {
                out.sort_by_key(|&i| crate::fleet::summary::state_of(&rows[i]).severity());
            }
            // Stable sorts: equal keys keep the name order.
            SortBy::Age => out.sort_by_key(|&i| rows[i].last_ok),
        }
        out
    }

    /// The selected row's context name.
    pub fn selected_context(&self) -> Option<&str> {
        let i = *self.visible().get(self.selected)?;
        self.state.rows.get(i).map(|r| r.context.as_str())
    }

    /// Send the polls that are due.
    fn poll_due(&mut self, now: DateTime<Utc>) -> Vec<Effect> {
        let mut out = Vec::new();
        for i in self.state.due(now) {
            let Some(row) = self.state.rows.get(i) else {
                continue;
            };
            let Some(profile) = self.profiles.0.iter().find(|p| p.context == row.context) else {
                continue;
            };
            out.push(Effect::Fetch {
                what: format!("fleet {}", row.context),
                request: Request::Fleet(FleetRequest::Poll {
                    profile: Box::new(profile.clone()),
                }),
            });
            self.state.sent(i, now);
        }
        out
    }

    /// A context switch dropped the replies in flight: poll those again when next due.
    pub fn forget_in_flight(&mut self) {
        self.state.forget_in_flight();
    }

    pub fn on_open(&mut self, ctx: &ScreenCtx) -> Vec<Effect> {
        self.poll_due(ctx.now)
    }

    fn move_by(&mut self, delta: isize) {
        let n = self.visible().len();
        if n == 0 {
            self.selected = 0;
            return;
        }
        let cur = isize::try_from(self.selected).unwrap_or(0);
        let next = cur
            .saturating_add(delta)
            .clamp(0, isize::try_from(n - 1).unwrap_or(0));
        self.selected = usize::try_from(next).unwrap_or(0);
    }

    pub fn on_action(&mut self, a: Action, ctx: &ScreenCtx) -> Option<Vec<Effect>> {
        match a {
            Action::Down => self.move_by(1),
            Action::Up => self.move_by(-1),
            Action::PageDown => self.move_by(10),
            Action::PageUp => self.move_by(-10),
            Action::Top => self.move_by(isize::MIN),
            Action::Bottom => self.move_by(isize::MAX),
            Action::Select => {
                let name = self.selected_context()?.to_string();
                return Some(vec![Effect::SwitchContext(name)]);
            }
            Action::FleetSort => {
                // The cursor stays on its context.
                let keep = self.selected_context().map(str::to_string);
                self.sort = self.sort.next();
                if let Some(name) = keep {
                    let rows = &self.state.rows;
                    self.selected = self
                        .visible()
                        .iter()
                        .position(|&i| rows[i].context == name)
                        .unwrap_or(0);
                }
            }
            Action::Refresh => {
                self.state.force();
                return Some(self.poll_due(ctx.now));
            }
            _ => return None,
        }
        Some(Vec::new())
    }

    pub fn on_job(&mut self, _what: &str, _event: JobEvent, _ctx: &ScreenCtx) -> Vec<Effect> {
        Vec::new()
    }

    pub fn on_reply(&mut self, reply: Reply, ctx: &ScreenCtx) -> Vec<Effect> {
        if let Reply::Fleet(FleetReply::Polled { context, outcome }) = reply {
            self.state.apply(&context, outcome);
            // A slot is free: the next due context goes at once.
            return self.poll_due(ctx.now);
        }
        Vec::new()
    }

    pub fn on_write(&mut self, _outcome: WriteOutcome, _ctx: &ScreenCtx) -> Vec<Effect> {
        Vec::new()
    }

    pub fn on_tick(&mut self, ctx: &ScreenCtx) -> Vec<Effect> {
        self.poll_due(ctx.now)
    }

    /// Ages and TTLs change with time.
    pub fn wants_tick(&self) -> bool {
        true
    }

    pub fn takes_text(&self) -> bool {
        false
    }

    pub fn on_text_key(&mut self, _key: crossterm::event::KeyEvent) -> Vec<Effect> {
        Vec::new()
    }

    pub fn on_paste(&mut self, _text: &str) {}

    pub fn filter(&self) -> &str {
        &self.filter
    }

    pub fn set_filter(&mut self, f: String) {
        self.filter = f;
        self.selected = 0;
    }

    pub fn on_cover(&mut self) {}

    pub fn hints(&self) -> &'static [Action] {
        HINTS
    }
}
