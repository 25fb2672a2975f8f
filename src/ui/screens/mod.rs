//! The screens, one folder each (state, view and actions of that screen). A screen owns its
//! behaviour: its actions, key context, footer hints and help section; it answers with
//! [`Effect`]s that `App` turns into commands. `App` keeps them on a navigation stack, so `esc`
//! comes back to a screen with its cursor and filter as they were.

pub mod health;
pub mod mounts;
pub mod versions;

use chrono::{DateTime, Utc};
use crossterm::event::MouseEvent;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use crate::action::Action;
use crate::app::ToastLevel;
use crate::cluster::ClusterState;
use crate::command::{Request, ScreenKind};
use crate::jobs::{JobEvent, JobSpec};
use crate::keymap::KeyContext;
use crate::reply::{Reply, WriteOutcome};
use crate::theme::Theme;
use crate::write_gate::Write;

use health::HealthScreen;
use mounts::{MountDetail, MountsScreen, MountsView};
use versions::VersionsScreen;

/// What a screen asks of the app.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// A read, keyed by `what` under this screen's origin; the reply comes back to the screen.
    Fetch {
        what: String,
        request: Request,
    },
    /// A write, through the gate.
    Write(Write),
    Toast(String, ToastLevel),
    /// Poll the cluster now.
    RefreshCluster,
    /// Start a job, keyed by `what` under this screen's origin; its events come back here.
    StartJob {
        what: String,
        spec: JobSpec,
    },
    /// Stop the job started under `what`.
    CancelJob {
        what: String,
    },
    /// Open another screen on top of this one.
    Open(Box<Screen>),
}

/// What a screen may read of the app's state.
pub struct ScreenCtx<'a> {
    pub cluster: &'a ClusterState,
    pub now: DateTime<Utc>,
    /// The body area of the last draw, for mouse hit tests.
    pub body: Rect,
}

/// The screens.
#[derive(Debug, Clone, PartialEq)]
pub enum Screen {
    Health(HealthScreen),
    Mounts(MountsScreen),
    MountDetail(MountDetail),
    Versions(VersionsScreen),
}

impl Screen {
    pub fn kind(&self) -> ScreenKind {
        match self {
            Screen::Health(_) => ScreenKind::Health,
            Screen::Mounts(_) => ScreenKind::Mounts,
            Screen::MountDetail(_) => ScreenKind::MountDetail,
            Screen::Versions(_) => ScreenKind::Versions,
        }
    }

    /// For `:` commands and the help title.
    pub fn title(&self) -> &'static str {
        match self {
            Screen::Health(_) => "Health screen",
            Screen::Mounts(_) => "Mounts screen",
            Screen::MountDetail(_) => "Mount configuration",
            Screen::Versions(_) => "Secret versions",
        }
    }

    pub fn key_context(&self) -> KeyContext {
        match self {
            Screen::Health(_) => KeyContext::Health,
            Screen::Mounts(_) | Screen::MountDetail(_) => KeyContext::Mounts,
            Screen::Versions(_) => KeyContext::Versions,
        }
    }

    /// The actions the footer offers on this screen, in order.
    pub fn hints(&self) -> &'static [Action] {
        match self {
            Screen::Health(_) => health::HINTS,
            Screen::Mounts(_) => mounts::HINTS,
            Screen::MountDetail(_) => mounts::detail_hints(),
            Screen::Versions(s) => versions::hints(s),
        }
    }

    /// Handle an action the app does not; `None` when the screen has no use for it.
    pub fn on_action(&mut self, a: Action, ctx: &ScreenCtx) -> Option<Vec<Effect>> {
        match self {
            Screen::Health(s) => s.on_action(a, ctx),
            Screen::Mounts(s) => s.on_action(a, ctx),
            Screen::MountDetail(s) => s.on_action(a).map(|()| Vec::new()),
            Screen::Versions(s) => s.on_action(a, ctx),
        }
    }

    /// Just opened: what to ask for.
    pub fn on_open(&mut self, ctx: &ScreenCtx) -> Vec<Effect> {
        match self {
            Screen::Mounts(s) => s.on_open(ctx),
            Screen::Versions(s) => s.on_open(ctx),
            Screen::Health(_) | Screen::MountDetail(_) => Vec::new(),
        }
    }

    /// An event of a job this screen started (under `what`).
    pub fn on_job(&mut self, what: &str, event: JobEvent, ctx: &ScreenCtx) -> Vec<Effect> {
        match self {
            Screen::Mounts(s) => s.on_job(what, event, ctx),
            Screen::Health(_) | Screen::MountDetail(_) | Screen::Versions(_) => Vec::new(),
        }
    }

    /// A reply to a request this screen made.
    pub fn on_reply(&mut self, reply: Reply, ctx: &ScreenCtx) -> Vec<Effect> {
        match self {
            Screen::Mounts(s) => s.on_reply(reply, ctx),
            Screen::Versions(s) => s.on_reply(reply, ctx),
            Screen::Health(_) | Screen::MountDetail(_) => {
                tracing::debug!(?reply, "a screen got a reply it did not ask for");
                Vec::new()
            }
        }
    }

    /// The outcome of a write this screen asked for (after the gate and the worker).
    pub fn on_write(&mut self, outcome: WriteOutcome, ctx: &ScreenCtx) -> Vec<Effect> {
        match self {
            Screen::Versions(s) => s.on_write(outcome, ctx),
            Screen::Health(_) | Screen::Mounts(_) | Screen::MountDetail(_) => {
                tracing::debug!(summary = %outcome.summary, "write outcome for a screen that does not follow it");
                Vec::new()
            }
        }
    }

    pub fn on_mouse(&mut self, m: MouseEvent, ctx: &ScreenCtx) -> bool {
        match self {
            Screen::Health(s) => s.on_mouse(m, ctx),
            Screen::Mounts(_) | Screen::MountDetail(_) | Screen::Versions(_) => false,
        }
    }

    pub fn filter(&self) -> &str {
        match self {
            Screen::Health(s) => s.filter(),
            Screen::Mounts(s) => s.filter(),
            Screen::MountDetail(_) | Screen::Versions(_) => "",
        }
    }

    pub fn set_filter(&mut self, f: String) {
        match self {
            Screen::Health(s) => s.set_filter(f),
            Screen::Mounts(s) => s.set_filter(f),
            Screen::MountDetail(_) | Screen::Versions(_) => {}
        }
    }

    pub fn render(&self, ctx: &ScreenCtx, theme: &Theme, area: Rect, buf: &mut Buffer) {
        use ratatui::widgets::Widget;
        match self {
            Screen::Health(s) => health::HealthView {
                cluster: ctx.cluster,
                screen: s,
                theme,
                now: ctx.now,
            }
            .render(area, buf),
            Screen::Mounts(s) => MountsView {
                screen: s,
                theme,
                now: ctx.now,
            }
            .render(area, buf),
            Screen::MountDetail(s) => s.render(theme, area, buf),
            Screen::Versions(s) => versions::VersionsView {
                screen: s,
                theme,
                now: ctx.now,
            }
            .render(area, buf),
        }
    }

    /// Typing goes to the screen's input (printable and editing keys, and pastes).
    pub fn takes_text(&self) -> bool {
        match self {
            Screen::Versions(s) => s.takes_text(),
            _ => false,
        }
    }

    /// A text key while [`Screen::takes_text`].
    pub fn on_text_key(&mut self, key: crossterm::event::KeyEvent) -> Vec<Effect> {
        match self {
            Screen::Versions(s) => s.on_text_key(key),
            _ => Vec::new(),
        }
    }

    /// Pasted text while [`Screen::takes_text`].
    pub fn on_paste(&mut self, text: &str) {
        if let Screen::Versions(s) = self {
            s.on_paste(text);
        }
    }
}
