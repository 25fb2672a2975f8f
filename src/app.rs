//! The one owner of state. `App::update(msg) -> Vec<Command>` is synchronous and does no I/O:
//! every flow is testable without a terminal or a server.

mod actions;
mod command_line;
mod copy;
mod editor;
mod fleet;
mod logs;
pub mod own_token;
mod poll;
mod read_only;
pub mod requests;
mod runbooks;
mod screens;
pub mod token_renew;
mod tokens;
mod tools;

use std::time::Duration;

use chrono::{DateTime, Utc};
use crossterm::event::KeyEvent;

use crate::cluster::ClusterState;
use crate::command::{Command, Origin, Request, RequestKey, ScreenKind, Ticket};
use crate::config::ConnectionProfile;
use crate::event::Msg;
use crate::input::LineInput;
use crate::jobs::{JobEvent, JobProgress};
use crate::keymap::Keymap;
use crate::reply::Reply;
use crate::theme::{Theme, ThemeRegistry};
use crate::ui::screens::health::HealthScreen;
use crate::ui::screens::{Screen, ScreenCtx};
use crate::vault::cluster::{ClusterReply, ClusterRequest};
use crate::vault::kv_area::KvReply;
use crate::write_gate::WriteGate;

pub use command_line::{COMMANDS, complete};
pub use copy::CopyCountdown;
pub use poll::PollState;
pub use requests::Requests;

/// The job name under which a screen gets the progress of a write it asked for.
pub const WRITE_PROGRESS: &str = "write progress";

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
    /// The re-login dialog (its state is `App::login`).
    Login,
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

/// A job (a batch write) running in the background, shown in the status bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunningJob {
    pub ticket: Ticket,
    pub label: String,
    pub progress: JobProgress,
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
    /// The navigation stack; the last one is on screen. Never empty.
    pub screens: Vec<Screen>,
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
    /// Requests in flight, by key, with their origins.
    pub requests: Requests,
    /// Batch writes in progress.
    pub jobs: Vec<RunningJob>,
    /// The screen whose write waits in the gate; its outcome goes back there.
    pub write_origin: Option<ScreenKind>,
    /// Writes sent, by ticket `seq`: the screen that asked for each.
    pub write_owners: std::collections::BTreeMap<u64, ScreenKind>,
    pub size: (u16, u16),
    pub quit: bool,
    /// Something changed since the last draw.
    pub dirty: bool,
    /// Clipboard mode and clear time (the runtime sets them from the config).
    pub clipboard: crate::clipboard::ClipboardSettings,
    /// The last copy's countdown toast, while it runs.
    pub copy_countdown: Option<CopyCountdown>,
    /// The KV rotation ages of the expiry radar (`[rotation]` of the config file).
    pub rotation: crate::radar::RotationPolicy,
    /// The anomaly signals' thresholds and working hours (`[audit]` of the config file).
    pub anomaly: crate::audit::AnomalyConfig,
    /// The console's own token: TTL, renewal, refused.
    pub own_token: own_token::OwnToken,
    /// The re-login dialog, while open.
    pub login: Option<crate::ui::login::LoginDialog>,
    /// The runbook library, the runs dir and the unfinished runs (the runtime loads them).
    pub runbooks: crate::ui::screens::runbook::RunbookEnv,
    /// `[logs] max_lines`: the lines a log screen keeps.
    pub log_max_lines: usize,
}

impl App {
    pub fn new(init: AppInit) -> Self {
        let read_only = init.force_read_only || init.profile.read_only;
        let mut app = Self {
            cluster: ClusterState {
                context: init.profile.context.clone(),
                ..ClusterState::new(&init.profile.addrs)
            },
            profile: init.profile,
            contexts: init.contexts,
            screens: vec![Screen::Health(HealthScreen::default())],
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
            requests: Requests::default(),
            jobs: Vec::new(),
            write_origin: None,
            write_owners: std::collections::BTreeMap::new(),
            size: (0, 0),
            quit: false,
            dirty: true,
            clipboard: crate::clipboard::ClipboardSettings::default(),
            copy_countdown: None,
            rotation: crate::radar::RotationPolicy::default(),
            anomaly: crate::audit::AnomalyConfig::default(),
            own_token: own_token::OwnToken::default(),
            login: None,
            runbooks: Default::default(),
            log_max_lines: crate::ui::screens::logs::DEFAULT_MAX_LINES,
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
        self.own_token_reset();
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
            Msg::Paste(mut text) => {
                self.on_paste(&text);
                // Pasted text may be a token or a password: wiped once it is where it goes.
                zeroize::Zeroize::zeroize(&mut text);
                Vec::new()
            }
            Msg::Resize(w, h) => {
                self.size = (w, h);
                self.dirty = true;
                Vec::new()
            }
            Msg::Vault { ticket, reply } => self.on_vault(ticket, reply),
            Msg::Job { ticket, event } => self.on_job(ticket, event),
            Msg::Resumed => {
                self.dirty = true;
                Vec::new()
            }
            Msg::FileError(e) => self.on_file_result(Err(e)),
            Msg::FileSaved(path) => self.on_file_result(Ok(path)),
        }
    }

    fn on_tick(&mut self, now: DateTime<Utc>) -> Vec<Command> {
        self.now = now;
        let before = self.toasts.len();
        self.toasts.retain(|t| t.until > now);
        if self.toasts.len() != before {
            self.dirty = true;
        }
        self.tick_copy_countdown();
        // A live countdown on screen (lease TTLs).
        if self.screen().wants_tick() {
            self.dirty = true;
        }
        // Ages ("stale 12s", "seen 40s ago") change with time.
        if self.poll.last_sent.is_some() {
            self.dirty = true;
        }
        let mut cmds = self.own_token_due();
        cmds.extend(self.reap_log_streams());
        if self.poll.due(now) {
            cmds.extend(self.poll_now());
        }
        // Screens that read on their own schedule (the unseal ceremony).
        let effects = self.with_screen(|s, ctx| s.on_tick(ctx));
        cmds.extend(self.apply_effects(effects));
        cmds
    }

    /// Send a cluster poll now (unless one is in flight).
    pub(crate) fn poll_now(&mut self) -> Vec<Command> {
        let key = poll_key();
        if self.requests.in_flight(&key, self.now) {
            return Vec::new();
        }
        let ticket = self.requests.issue(key, self.now);
        self.poll.sent(self.now);
        self.cluster.start_poll();
        vec![Command::Fetch {
            ticket,
            request: Request::Cluster(ClusterRequest::Poll {
                nodes: self.cluster.node_addrs(),
            }),
        }]
    }

    /// A reply goes back to whoever asked; an outdated one (older than the latest applied for
    /// its key, or from before a context switch) is dropped.
    fn on_vault(&mut self, ticket: Ticket, reply: Reply) -> Vec<Command> {
        if !self.requests.accept(&ticket) {
            tracing::debug!(seq = ticket.seq, "dropping an outdated reply");
            return Vec::new();
        }
        self.dirty = true;
        match (ticket.key.origin, reply) {
            (Origin::Cluster, Reply::Cluster(ClusterReply::Poll(poll))) => {
                let denied = own_token::denied_reads(&poll.cluster);
                self.cluster.apply(*poll);
                self.on_poll_denied(denied)
            }
            (Origin::Gate, Reply::Write(outcome)) => {
                self.jobs.retain(|j| j.ticket != ticket);
                let level = if outcome.failed() > 0 {
                    ToastLevel::Error
                } else {
                    ToastLevel::Info
                };
                self.toast(outcome.message(), level);
                // A 403: is it the console's token? Look it up now.
                if outcome.first_error().is_some_and(own_token::token_refused) {
                    self.own_token.schedule.force_lookup();
                }
                self.poll.force();
                let mut out = self.poll_now();
                out.extend(self.own_token_due());
                // The outcome goes back to the screen that asked for the write.
                if let Some(kind) = self.write_owners.remove(&ticket.seq) {
                    let ctx = ScreenCtx {
                        cluster: &self.cluster,
                        now: self.now,
                        body: crate::ui::layout::body_area(self.size.0, self.size.1),
                        namespace: self.profile.namespace.as_deref(),
                    };
                    let mut effects = Vec::new();
                    if let Some(s) = self.screens.iter_mut().rev().find(|s| s.kind() == kind) {
                        effects = s.on_write(outcome, &ctx);
                    }
                    out.extend(self.apply_effects_for(kind, effects));
                }
                out
            }
            (Origin::OwnToken, Reply::OwnToken(r)) => self.on_own_token_reply(r),
            (Origin::CommandLine, Reply::Kv(KvReply::Resolved { then, result })) => {
                self.on_resolved(then, result)
            }
            (Origin::Screen(kind), reply) => {
                // To the screen that asked, wherever it is on the stack.
                let ctx = ScreenCtx {
                    cluster: &self.cluster,
                    now: self.now,
                    body: crate::ui::layout::body_area(self.size.0, self.size.1),
                    namespace: self.profile.namespace.as_deref(),
                };
                // Several screens of one kind can be on the stack (nested folders): each
                // takes what is its own (they check what the reply is for).
                let mut effects = Vec::new();
                let mut mine: Vec<&mut Screen> = self
                    .screens
                    .iter_mut()
                    .rev()
                    .filter(|s| s.kind() == kind)
                    .collect();
                let last = mine.pop();
                for s in mine {
                    effects.extend(s.on_reply(reply.clone(), &ctx));
                }
                if let Some(s) = last {
                    effects.extend(s.on_reply(reply, &ctx));
                }
                self.apply_effects_for(kind, effects)
            }
            (origin, reply) => {
                tracing::warn!(
                    ?origin,
                    ?reply,
                    "a reply for an origin that did not ask for it"
                );
                Vec::new()
            }
        }
    }

    /// A job's event: to the screen that started it, or (a batch write) shown until its
    /// reply arrives.
    fn on_job(&mut self, ticket: Ticket, event: JobEvent) -> Vec<Command> {
        if !self.requests.is_current(&ticket) {
            return Vec::new();
        }
        self.dirty = true;
        if let Origin::Screen(kind) = ticket.key.origin {
            if matches!(event, JobEvent::Done(_) | JobEvent::Failed(_)) {
                self.requests.accept(&ticket);
            }
            let ctx = ScreenCtx {
                cluster: &self.cluster,
                now: self.now,
                body: crate::ui::layout::body_area(self.size.0, self.size.1),
                namespace: self.profile.namespace.as_deref(),
            };
            let mut effects = Vec::new();
            if let Some(s) = self.screens.iter_mut().rev().find(|s| s.kind() == kind) {
                effects = s.on_job(&ticket.key.what, event, &ctx);
            }
            return self.apply_effects_for(kind, effects);
        }
        if let JobEvent::Progress(p) = event {
            // A write's progress also goes to the screen that asked for it (as the job
            // `WRITE_PROGRESS`), so it can show it (a copy of many secrets).
            if let Some(&kind) = self.write_owners.get(&ticket.seq) {
                let ctx = ScreenCtx {
                    cluster: &self.cluster,
                    now: self.now,
                    body: crate::ui::layout::body_area(self.size.0, self.size.1),
                    namespace: self.profile.namespace.as_deref(),
                };
                if let Some(s) = self.screens.iter_mut().rev().find(|s| s.kind() == kind) {
                    let _ = s.on_job(WRITE_PROGRESS, JobEvent::Progress(p), &ctx);
                }
            }
            match self.jobs.iter_mut().find(|j| j.ticket == ticket) {
                Some(j) => j.progress = p,
                None => self.jobs.push(RunningJob {
                    label: ticket.key.what.clone(),
                    ticket,
                    progress: p,
                }),
            }
        }
        Vec::new()
    }

    /// Switch to another cluster context.
    pub(crate) fn switch_context(&mut self, profile: ConnectionProfile) -> Vec<Command> {
        let name = profile.context.clone();
        self.cluster = ClusterState::new(&profile.addrs);
        self.cluster.context = name.clone();
        self.screens = vec![Screen::Health(HealthScreen::default())];
        self.jobs.clear();
        self.gate =
            WriteGate::new(self.force_read_only || self.session_read_only || profile.read_only);
        if let Some(theme) = profile.theme.clone()
            && self.themes.get(&theme).is_some()
        {
            self.theme_name = theme;
        }
        self.profile = profile.clone();
        // Replies to requests sent before the switch belong to the old cluster.
        self.requests.new_epoch();
        self.poll.reset();
        self.toast(format!("context {name}"), ToastLevel::Info);
        let mut cmds = vec![Command::Connect {
            profile: Box::new(profile),
        }];
        cmds.extend(self.poll_now());
        self.close_login();
        self.own_token_reset();
        cmds
    }
}

/// The key of the global cluster poll.
fn poll_key() -> RequestKey {
    RequestKey::new(Origin::Cluster, "poll")
}

static FALLBACK_SCREEN: std::sync::LazyLock<Screen> =
    std::sync::LazyLock::new(|| Screen::Health(HealthScreen::default()));

static FALLBACK_THEME: std::sync::LazyLock<Theme> = std::sync::LazyLock::new(Theme::default);
