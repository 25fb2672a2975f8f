//! The one owner of state. `App::update(msg) -> Vec<Command>` is synchronous and does no I/O:
//! every flow is testable without a terminal or a server.

mod actions;
mod command_line;
mod poll;

use std::time::Duration;

use chrono::{DateTime, Utc};
use crossterm::event::KeyEvent;

use crate::cluster::ClusterState;
use crate::command::Command;
use crate::config::ConnectionProfile;
use crate::event::Msg;
use crate::input::LineInput;
use crate::keymap::Keymap;
use crate::theme::{Theme, ThemeRegistry};
use crate::ui::screens::health::HealthScreen;
use crate::vault::worker::Reply;
use crate::write_gate::WriteGate;

pub use command_line::{COMMANDS, complete};
pub use poll::PollState;

/// How long a toast stays.
const TOAST_SECS: i64 = 6;

/// What is on top of the screen.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Mode {
    #[default]
    Normal,
    /// The `:` command line.
    Command(LineInput),
    /// The `/` filter line (applies live).
    Filter(LineInput),
    /// The help overlay, scrolled by this many lines.
    Help { scroll: u16 },
    /// The write gate is waiting for a confirmation (the dialog reads the gate).
    Confirm,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToastLevel {
    Info,
    Warn,
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Toast {
    pub text: String,
    pub level: ToastLevel,
    pub until: DateTime<Utc>,
}

/// The screens. One today; later issues add theirs (secrets, ceremonies, leases, audit…).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScreenId {
    Health,
}

/// Everything `App::new` needs, resolved by `main` before the terminal is taken.
pub struct AppInit {
    pub profile: ConnectionProfile,
    pub contexts: Vec<ConnectionProfile>,
    pub theme: String,
    pub themes: ThemeRegistry,
    pub keymap: Keymap,
    pub poll_interval: Duration,
    /// `--read-only` on the command line: stays on across context switches.
    pub force_read_only: bool,
    /// Warnings from loading config, themes and keymap, shown as toasts.
    pub warnings: Vec<String>,
    pub now: DateTime<Utc>,
}

pub struct App {
    pub profile: ConnectionProfile,
    pub contexts: Vec<ConnectionProfile>,
    pub cluster: ClusterState,
    pub screen: ScreenId,
    pub health: HealthScreen,
    pub themes: ThemeRegistry,
    pub theme_name: String,
    pub keymap: Keymap,
    pub pending_keys: Vec<KeyEvent>,
    pub gate: WriteGate,
    /// `--read-only` on the command line: on for the whole run.
    pub force_read_only: bool,
    /// `:readonly` in this session: on across context switches until `:readonly off`.
    pub session_read_only: bool,
    pub mode: Mode,
    pub toasts: Vec<Toast>,
    pub command_history: Vec<String>,
    pub now: DateTime<Utc>,
    pub poll: PollState,
    pub size: (u16, u16),
    pub quit: bool,
    /// Something changed since the last draw.
    pub dirty: bool,
    next_seq: u64,
}

impl App {
    pub fn new(init: AppInit) -> Self {
        let read_only = init.force_read_only || init.profile.read_only;
        let mut app = Self {
            cluster: ClusterState::new(&init.profile.addrs),
            profile: init.profile,
            contexts: init.contexts,
            screen: ScreenId::Health,
            health: HealthScreen::default(),
            themes: init.themes,
            theme_name: init.theme,
            keymap: init.keymap,
            pending_keys: Vec::new(),
            gate: WriteGate::new(read_only),
            force_read_only: init.force_read_only,
            session_read_only: false,
            mode: Mode::Normal,
            toasts: Vec::new(),
            command_history: Vec::new(),
            now: init.now,
            poll: PollState::new(init.poll_interval),
            size: (0, 0),
            quit: false,
            dirty: true,
            next_seq: 0,
        };
        if app.themes.get(&app.theme_name).is_none() {
            let wanted = std::mem::replace(&mut app.theme_name, "default".into());
            app.toast(
                format!("unknown theme \"{wanted}\"; using default"),
                ToastLevel::Warn,
            );
        }
        for w in init.warnings {
            app.toast(w, ToastLevel::Warn);
        }
        app
    }

    /// The commands to run at start: the first poll goes out at once.
    pub fn start(&mut self) -> Vec<Command> {
        self.poll_now()
    }

    pub fn theme(&self) -> &Theme {
        self.themes
            .get(&self.theme_name)
            .or_else(|| self.themes.get("default"))
            .unwrap_or(&FALLBACK_THEME)
    }

    pub fn read_only(&self) -> bool {
        self.gate.read_only()
    }

    /// `:readonly` (on, across context switches) and `:readonly off`. Off never overrides
    /// `--read-only` or the context's `read_only`.
    pub(crate) fn set_session_read_only(&mut self, arg: &str) -> Vec<Command> {
        match arg {
            "" | "on" => {
                self.session_read_only = true;
                self.gate.set_read_only(true);
                self.toast(
                    "read-only mode on (for this session, across contexts)",
                    ToastLevel::Info,
                );
            }
            "off" => {
                self.session_read_only = false;
                if self.force_read_only {
                    self.toast(
                        "still read-only: the console was started with --read-only",
                        ToastLevel::Warn,
                    );
                } else if self.profile.read_only {
                    let msg = format!(
                        "still read-only: context {} is read_only in the config",
                        crate::sanitize::sanitize(&self.profile.context)
                    );
                    self.toast(msg, ToastLevel::Warn);
                } else {
                    self.gate.set_read_only(false);
                    self.toast("read-only mode off", ToastLevel::Info);
                }
            }
            other => {
                let msg = format!(
                    "readonly takes on or off, not \"{}\"",
                    crate::sanitize::sanitize(other)
                );
                self.toast(msg, ToastLevel::Warn);
            }
        }
        Vec::new()
    }

    fn next_seq(&mut self) -> u64 {
        self.next_seq += 1;
        self.next_seq
    }

    pub fn toast(&mut self, text: impl Into<String>, level: ToastLevel) {
        let text = text.into();
        tracing::info!(?level, %text, "toast");
        self.toasts.push(Toast {
            text,
            level,
            until: self.now + chrono::Duration::seconds(TOAST_SECS),
        });
        if self.toasts.len() > 5 {
            self.toasts.remove(0);
        }
        self.dirty = true;
    }

    /// The single entry point: apply a message, return what to do outside.
    pub fn update(&mut self, msg: Msg) -> Vec<Command> {
        match msg {
            Msg::Tick(now) => self.on_tick(now),
            Msg::Key(key) => {
                self.dirty = true;
                self.on_key(key)
            }
            Msg::Mouse(m) => self.on_mouse(m),
            Msg::Paste(text) => {
                self.on_paste(&text);
                Vec::new()
            }
            Msg::Resize(w, h) => {
                self.size = (w, h);
                self.dirty = true;
                Vec::new()
            }
            Msg::Vault { seq, reply } => self.on_vault(seq, reply),
            Msg::Resumed => {
                self.dirty = true;
                Vec::new()
            }
        }
    }

    fn on_tick(&mut self, now: DateTime<Utc>) -> Vec<Command> {
        self.now = now;
        let before = self.toasts.len();
        self.toasts.retain(|t| t.until > now);
        if self.toasts.len() != before {
            self.dirty = true;
        }
        // Ages ("stale 12s", "seen 40s ago") change with time.
        if self.poll.last_sent.is_some() {
            self.dirty = true;
        }
        if self.poll.due(now) {
            return self.poll_now();
        }
        Vec::new()
    }

    /// Send a cluster poll now (unless one is in flight).
    pub(crate) fn poll_now(&mut self) -> Vec<Command> {
        if self.poll.in_flight(self.now) {
            return Vec::new();
        }
        let seq = self.next_seq();
        self.poll.sent(seq, self.now);
        self.cluster.start_poll();
        vec![Command::Fetch {
            seq,
            request: crate::command::Request::PollCluster {
                nodes: self.cluster.node_addrs(),
            },
        }]
    }

    fn on_vault(&mut self, seq: u64, reply: Reply) -> Vec<Command> {
        match reply {
            Reply::ClusterPoll(poll) => {
                if !self.poll.accept(seq) {
                    tracing::debug!(seq, "dropping an outdated poll reply");
                    return Vec::new();
                }
                self.cluster.apply(*poll);
                self.dirty = true;
                Vec::new()
            }
            Reply::Write(outcome) => {
                if seq < self.poll.min_seq {
                    return Vec::new();
                }
                match &outcome.result {
                    Ok(()) => self.toast(outcome.summary.clone(), ToastLevel::Info),
                    Err(e) => self.toast(
                        format!("{} failed: {e}", outcome.summary),
                        ToastLevel::Error,
                    ),
                }
                self.poll.force();
                self.poll_now()
            }
        }
    }

    /// Switch to another cluster context.
    pub(crate) fn switch_context(&mut self, profile: ConnectionProfile) -> Vec<Command> {
        let name = profile.context.clone();
        self.cluster = ClusterState::new(&profile.addrs);
        self.health = HealthScreen::default();
        self.gate =
            WriteGate::new(self.force_read_only || self.session_read_only || profile.read_only);
        if let Some(theme) = profile.theme.clone()
            && self.themes.get(&theme).is_some()
        {
            self.theme_name = theme;
        }
        self.profile = profile.clone();
        // Replies to requests sent before the switch belong to the old cluster.
        self.poll.reset(self.next_seq + 1);
        self.toast(format!("context {name}"), ToastLevel::Info);
        let mut cmds = vec![Command::Connect {
            profile: Box::new(profile),
        }];
        cmds.extend(self.poll_now());
        cmds
    }
}

static FALLBACK_THEME: std::sync::LazyLock<Theme> = std::sync::LazyLock::new(Theme::default);
