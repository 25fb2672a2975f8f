//! The screens, one folder each (state, view and actions of that screen). A screen owns its
//! behaviour: its actions, key context, footer hints and help section; it answers with
//! [`Effect`]s that `App` turns into commands. `App` keeps them on a navigation stack, so `esc`
//! comes back to a screen with its cursor and filter as they were.

pub mod audit;
pub mod copy;
pub mod editor;
pub mod fleet;
pub mod generate_root;
pub mod health;
pub mod init;
pub mod leases;
pub mod logs;
pub mod mounts;
pub mod policies;
pub mod radar;
pub mod raft;
pub mod rekey;
mod render;
pub mod runbook;
pub mod search;
pub mod secrets;
mod text;
pub mod tokens;
pub mod tools;
pub mod unseal;
pub mod versions;

use chrono::{DateTime, Utc};
use crossterm::event::MouseEvent;
use ratatui::layout::Rect;

use crate::action::Action;
use crate::app::ToastLevel;
use crate::cluster::ClusterState;
use crate::command::{Request, ScreenKind};
use crate::jobs::{JobEvent, JobSpec};
use crate::keymap::KeyContext;
use crate::reply::{Reply, WriteOutcome};
use crate::secret::CopyText;
use crate::write_gate::Write;

use copy::{CopyScreen, CopyView};
use health::HealthScreen;
use mounts::{MountDetail, MountsScreen, MountsView};
use search::{SearchScreen, SearchView};
use secrets::{BrowserView, SecretView, SecretViewWidget, SecretsScreen};
use tools::ToolsScreen;
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
    /// Put text on the clipboard (cleared after a while).
    Copy {
        label: String,
        text: CopyText,
    },
    /// Close this screen (back to where it was opened from).
    Close,
    /// Open the `:` line with this text (the user completes it).
    CommandLine(String),
    /// Run a `:` command (without the `:`), as if typed (a runbook's manual step opens `rekey`).
    Command(String),
    /// Switch to this context of the config file, keeping this screen below its health screen
    /// (the fleet view's `enter`; `esc` comes back).
    SwitchContext(String),
    /// Append entries to a run's journal (fsynced, before the commands after it).
    Journal {
        path: std::path::PathBuf,
        entries: Vec<crate::runbook::journal::Entry>,
    },
    /// Write a report file (0600).
    SaveReport {
        path: std::path::PathBuf,
        text: String,
    },
}

impl Effect {
    /// Copy text that is not a secret (a command line).
    pub fn copy(label: &str, text: String) -> Effect {
        Effect::Copy {
            label: label.to_string(),
            text: CopyText::plain(text),
        }
    }
}

/// What a screen may read of the app's state.
pub struct ScreenCtx<'a> {
    pub cluster: &'a ClusterState,
    pub now: DateTime<Utc>,
    /// The body area of the last draw, for mouse hit tests.
    pub body: Rect,
    /// The namespace requests go to (for the equivalent `bao` commands).
    pub namespace: Option<&'a str>,
}

/// The screens.
#[derive(Debug, Clone, PartialEq)]
pub enum Screen {
    Health(HealthScreen),
    Mounts(MountsScreen),
    MountDetail(MountDetail),
    Search(SearchScreen),
    Copy(CopyScreen),
    /// One folder of a KV mount.
    Secrets(SecretsScreen),
    Secret(Box<SecretView>),
    Editor(Box<editor::EditorScreen>),
    Tools(ToolsScreen),
    Versions(VersionsScreen),
    Tokens(Box<tokens::TokensScreen>),
    /// The expiry radar.
    Radar(Box<radar::RadarScreen>),
    Leases(Box<leases::LeasesScreen>),
    /// Every context of the config file (`:fleet`).
    Fleet(Box<fleet::FleetScreen>),
    /// A node's server log stream (`:logs`).
    Logs(Box<logs::LogsScreen>),
    /// The unseal ceremony.
    Unseal(Box<unseal::UnsealScreen>),
    /// `:generate-root`.
    GenerateRoot(Box<generate_root::GenerateRootScreen>),
    /// `:init`.
    Init(Box<init::InitScreen>),
    /// `:rekey`.
    Rekey(Box<rekey::RekeyScreen>),
    /// Raft peers and snapshots.
    Raft(Box<raft::RaftScreen>),
    /// `:policies`.
    Policies(Box<policies::PoliciesScreen>),
    /// Access history (`:audit`).
    Audit(Box<audit::AuditScreen>),
    /// Leak-response runbooks (`:runbook`).
    Runbook(Box<runbook::RunbookScreen>),
}

impl Screen {
    pub fn kind(&self) -> ScreenKind {
        match self {
            Screen::Health(_) => ScreenKind::Health,
            Screen::Mounts(_) => ScreenKind::Mounts,
            Screen::MountDetail(_) => ScreenKind::MountDetail,
            Screen::Search(_) => ScreenKind::Search,
            Screen::Copy(_) => ScreenKind::Copy,
            Screen::Secrets(_) => ScreenKind::Secrets,
            Screen::Secret(_) => ScreenKind::Secret,
            Screen::Editor(_) => ScreenKind::Editor,
            Screen::Tools(_) => ScreenKind::Tools,
            Screen::Versions(_) => ScreenKind::Versions,
            Screen::Tokens(_) => ScreenKind::Tokens,
            Screen::Radar(_) => ScreenKind::Radar,
            Screen::Leases(_) => ScreenKind::Leases,
            Screen::Unseal(_) => ScreenKind::Unseal,
            Screen::GenerateRoot(_) => ScreenKind::GenerateRoot,
            Screen::Init(_) => ScreenKind::Init,
            Screen::Rekey(_) => ScreenKind::Rekey,
            Screen::Raft(_) => ScreenKind::Raft,
            Screen::Policies(_) => ScreenKind::Policies,
            Screen::Audit(_) => ScreenKind::Audit,
            Screen::Runbook(_) => ScreenKind::Runbook,
            Screen::Fleet(_) => ScreenKind::Fleet,
            Screen::Logs(_) => ScreenKind::Logs,
        }
    }

    /// For `:` commands and the help title.
    pub fn title(&self) -> &'static str {
        match self {
            Screen::Health(_) => "Health screen",
            Screen::Mounts(_) => "Mounts screen",
            Screen::MountDetail(_) => "Mount configuration",
            Screen::Search(_) => "Search",
            Screen::Copy(c) if c.delete_source => "Move secrets",
            Screen::Copy(_) => "Copy secrets",
            Screen::Secrets(_) => "Secrets browser",
            Screen::Secret(_) => "Secret",
            Screen::Editor(_) => "Secret editor",
            Screen::Tools(_) => "Tools screen",
            Screen::Versions(_) => "Secret versions",
            Screen::Tokens(_) => "Tokens screen",
            Screen::Radar(_) => "Expiry radar",
            Screen::Leases(_) => "Leases",
            Screen::Unseal(_) => "Unseal ceremony",
            Screen::GenerateRoot(_) => "Generate root token",
            Screen::Init(_) => "Initialise",
            Screen::Rekey(_) => "Rekey",
            Screen::Raft(_) => "Raft screen",
            Screen::Policies(_) => "Policies",
            Screen::Audit(_) => "Access history",
            Screen::Runbook(_) => "Runbooks",
            Screen::Fleet(_) => "Fleet",
            Screen::Logs(_) => "Server log",
        }
    }

    pub fn key_context(&self) -> KeyContext {
        match self {
            Screen::Health(_) => KeyContext::Health,
            Screen::Mounts(_) | Screen::MountDetail(_) => KeyContext::Mounts,
            Screen::Search(_) | Screen::Copy(_) => KeyContext::Search,
            Screen::Secrets(_) | Screen::Secret(_) => KeyContext::Secrets,
            Screen::Editor(s) => s.key_context(),
            Screen::Tools(_) => KeyContext::Tools,
            Screen::Versions(_) => KeyContext::Versions,
            Screen::Tokens(_) => KeyContext::Tokens,
            Screen::Radar(_) => KeyContext::Radar,
            Screen::Leases(_) => KeyContext::Leases,
            Screen::Unseal(_) => KeyContext::Unseal,
            Screen::GenerateRoot(_) => KeyContext::GenerateRoot,
            Screen::Init(_) => KeyContext::Init,
            Screen::Rekey(_) => KeyContext::Rekey,
            Screen::Raft(_) => KeyContext::Raft,
            Screen::Policies(s) if s.editing() => KeyContext::Editor,
            Screen::Policies(_) => KeyContext::Policies,
            Screen::Audit(_) => KeyContext::Audit,
            Screen::Runbook(_) => KeyContext::Runbook,
            Screen::Fleet(_) => KeyContext::Fleet,
            Screen::Logs(_) => KeyContext::Logs,
        }
    }

    /// The actions the footer offers on this screen, in order.
    pub fn hints(&self) -> &'static [Action] {
        match self {
            Screen::Health(_) => health::HINTS,
            Screen::Mounts(_) => mounts::HINTS,
            Screen::MountDetail(_) => mounts::detail_hints(),
            Screen::Search(_) => search::HINTS,
            Screen::Copy(_) => copy::HINTS,
            Screen::Secrets(_) => secrets::BROWSER_HINTS,
            Screen::Secret(_) => secrets::SECRET_HINTS,
            Screen::Editor(s) => s.hints(),
            Screen::Tools(s) => tools::hints(s),
            Screen::Versions(s) => versions::hints(s),
            Screen::Tokens(_) => tokens::HINTS,
            Screen::Radar(_) => radar::HINTS,
            Screen::Leases(_) => leases::HINTS,
            Screen::Unseal(_) => unseal::HINTS,
            Screen::GenerateRoot(s) => generate_root::hints(s),
            Screen::Init(s) => init::hints(s),
            Screen::Rekey(s) => rekey::hints(s),
            Screen::Raft(_) => raft::HINTS,
            Screen::Policies(s) => policies::hints(s),
            Screen::Audit(_) => audit::HINTS,
            Screen::Runbook(s) => s.hints(),
            Screen::Fleet(s) => s.hints(),
            Screen::Logs(s) => s.hints(),
        }
    }

    /// Handle an action the app does not; `None` when the screen has no use for it.
    pub fn on_action(&mut self, a: Action, ctx: &ScreenCtx) -> Option<Vec<Effect>> {
        match self {
            Screen::Health(s) => s.on_action(a, ctx),
            Screen::Mounts(s) => s.on_action(a, ctx),
            Screen::MountDetail(s) => s.on_action(a).map(|()| Vec::new()),
            Screen::Search(s) => s.on_action(a, ctx),
            Screen::Copy(s) => s.on_action(a, ctx),
            Screen::Secrets(s) => s.on_action(a, ctx),
            Screen::Secret(s) => s.on_action(a, ctx),
            Screen::Editor(s) => s.on_action(a),
            Screen::Tools(s) => s.on_action(a, ctx),
            Screen::Versions(s) => s.on_action(a, ctx),
            Screen::Tokens(s) => s.on_action(a, ctx),
            Screen::Radar(s) => s.on_action(a, ctx),
            Screen::Leases(s) => s.on_action(a, ctx),
            Screen::Unseal(s) => s.on_action(a, ctx),
            Screen::GenerateRoot(s) => s.on_action(a, ctx),
            Screen::Init(s) => s.on_action(a, ctx),
            Screen::Rekey(s) => s.on_action(a, ctx),
            Screen::Raft(s) => s.on_action(a, ctx),
            Screen::Policies(s) => s.on_action(a, ctx),
            Screen::Audit(s) => s.on_action(a, ctx),
            Screen::Runbook(s) => s.on_action(a, ctx),
            Screen::Fleet(s) => s.on_action(a, ctx),
            Screen::Logs(s) => s.on_action(a, ctx),
        }
    }

    /// Where the user is, as a search scope (`secret/apps/`): `:search PATTERN` searches here;
    /// `None` searches every KV mount.
    pub fn location(&self) -> Option<String> {
        match self {
            Screen::MountDetail(d) if d.mount.kv_version.is_some() => Some(d.mount.path.clone()),
            Screen::Secrets(s) => Some(s.full_path()),
            // A secret: its folder.
            Screen::Secret(v) => Some(format!(
                "{}{}",
                v.mount,
                v.path
                    .rsplit_once('/')
                    .map_or(String::new(), |(d, _)| format!("{d}/"))
            )),
            _ => None,
        }
    }

    /// Just opened: what to ask for.
    pub fn on_open(&mut self, ctx: &ScreenCtx) -> Vec<Effect> {
        match self {
            Screen::Mounts(s) => s.on_open(ctx),
            Screen::Versions(s) => s.on_open(ctx),
            Screen::Search(s) => s.on_open(ctx),
            Screen::Copy(s) => s.on_open(ctx),
            Screen::Secrets(s) => s.on_open(ctx),
            Screen::Secret(s) => s.on_open(ctx),
            Screen::Editor(s) => s.on_open(),
            Screen::Tokens(s) => s.on_open(ctx),
            Screen::Radar(s) => s.on_open(ctx),
            Screen::Leases(s) => s.on_open(ctx),
            Screen::Unseal(s) => s.on_open(ctx),
            Screen::GenerateRoot(s) => s.on_open(ctx),
            Screen::Init(s) => s.on_open(ctx),
            Screen::Rekey(s) => s.on_open(ctx),
            Screen::Raft(s) => s.on_open(ctx),
            Screen::Policies(s) => s.on_open(ctx),
            Screen::Audit(s) => s.on_open(ctx),
            Screen::Runbook(s) => s.on_open(),
            Screen::Fleet(s) => s.on_open(ctx),
            Screen::Logs(s) => s.on_open(ctx),
            Screen::Health(_) | Screen::MountDetail(_) | Screen::Tools(_) => Vec::new(),
        }
    }

    /// An event of a job this screen started (under `what`).
    pub fn on_job(&mut self, what: &str, event: JobEvent, ctx: &ScreenCtx) -> Vec<Effect> {
        match self {
            Screen::Mounts(s) => s.on_job(what, event, ctx),
            Screen::Search(s) => s.on_job(what, event, ctx),
            Screen::Copy(s) => s.on_job(what, event, ctx),
            Screen::Tokens(s) => s.on_job(what, event, ctx),
            Screen::Radar(s) => s.on_job(what, event, ctx),
            Screen::Leases(s) => s.on_job(what, event, ctx),
            Screen::Raft(s) => s.on_job(what, event, ctx),
            Screen::Audit(s) => s.on_job(what, event, ctx),
            Screen::Runbook(s) => s.on_job(what, event, ctx),
            Screen::Fleet(s) => s.on_job(what, event, ctx),
            Screen::Logs(s) => s.on_job(what, event, ctx),
            Screen::Health(_)
            | Screen::MountDetail(_)
            | Screen::Secrets(_)
            | Screen::Secret(_)
            | Screen::Editor(_)
            | Screen::Tools(_)
            | Screen::Versions(_)
            | Screen::Unseal(_)
            | Screen::GenerateRoot(_)
            | Screen::Init(_)
            | Screen::Rekey(_)
            | Screen::Policies(_) => Vec::new(),
        }
    }

    /// A reply to a request this screen made.
    pub fn on_reply(&mut self, reply: Reply, ctx: &ScreenCtx) -> Vec<Effect> {
        match self {
            Screen::Mounts(s) => s.on_reply(reply, ctx),
            Screen::Versions(s) => s.on_reply(reply, ctx),
            Screen::Search(s) => s.on_reply(reply, ctx),
            Screen::Secrets(s) => s.on_reply(reply, ctx),
            Screen::Secret(s) => s.on_reply(reply, ctx),
            Screen::Editor(s) => s.on_reply(reply),
            Screen::Tools(s) => s.on_reply(reply),
            Screen::Unseal(s) => s.on_reply(reply, ctx),
            Screen::GenerateRoot(s) => s.on_reply(reply),
            Screen::Rekey(s) => s.on_reply(reply),
            Screen::Policies(s) => s.on_reply(reply, ctx),
            Screen::Audit(s) => s.on_reply(reply, ctx),
            Screen::Fleet(s) => s.on_reply(reply, ctx),
            Screen::Logs(s) => s.on_reply(reply, ctx),
            Screen::Init(_)
            | Screen::Raft(_)
            | Screen::Health(_)
            | Screen::MountDetail(_)
            | Screen::Copy(_)
            | Screen::Tokens(_)
            | Screen::Radar(_)
            | Screen::Runbook(_)
            | Screen::Leases(_) => {
                tracing::debug!(?reply, "a screen got a reply it did not ask for");
                Vec::new()
            }
        }
    }

    /// The outcome of a write this screen asked for (after the gate and the worker).
    pub fn on_write(&mut self, outcome: WriteOutcome, ctx: &ScreenCtx) -> Vec<Effect> {
        match self {
            Screen::Versions(s) => s.on_write(outcome, ctx),
            Screen::Copy(s) => s.on_write(outcome),
            Screen::Secret(s) => s.on_write(&outcome, ctx),
            Screen::Editor(s) => s.on_write(outcome),
            Screen::Tokens(s) => s.on_write(outcome, ctx),
            Screen::Leases(s) => s.on_write(outcome, ctx),
            Screen::Unseal(s) => s.on_write(outcome, ctx),
            Screen::GenerateRoot(s) => s.on_write_done(&outcome),
            Screen::Init(s) => s.on_write_done(&outcome),
            Screen::Rekey(s) => s.on_write_done(&outcome),
            Screen::Raft(s) => s.on_write(outcome, ctx),
            Screen::Policies(s) => s.on_write(outcome, ctx),
            Screen::Runbook(s) => s.on_write(&outcome, ctx),
            Screen::Fleet(s) => s.on_write(outcome, ctx),
            Screen::Logs(s) => s.on_write(outcome, ctx),
            Screen::Tools(s) => {
                s.on_write_done(&outcome);
                Vec::new()
            }
            Screen::Health(_)
            | Screen::Mounts(_)
            | Screen::MountDetail(_)
            | Screen::Secrets(_)
            | Screen::Search(_)
            | Screen::Radar(_)
            | Screen::Audit(_) => {
                tracing::debug!(summary = %outcome.summary, "write outcome for a screen that does not follow it");
                Vec::new()
            }
        }
    }

    pub fn on_mouse(&mut self, m: MouseEvent, ctx: &ScreenCtx) -> bool {
        match self {
            Screen::Health(s) => s.on_mouse(m, ctx),
            Screen::Mounts(_)
            | Screen::MountDetail(_)
            | Screen::Secrets(_)
            | Screen::Secret(_)
            | Screen::Editor(_)
            | Screen::Tools(_)
            | Screen::Search(_)
            | Screen::Copy(_)
            | Screen::Versions(_)
            | Screen::Tokens(_)
            | Screen::Radar(_)
            | Screen::Leases(_)
            | Screen::Unseal(_)
            | Screen::GenerateRoot(_)
            | Screen::Init(_)
            | Screen::Rekey(_) => false,
            Screen::Raft(_) | Screen::Policies(_) | Screen::Audit(_) | Screen::Runbook(_) => false,
            Screen::Fleet(_) | Screen::Logs(_) => false,
        }
    }
}
