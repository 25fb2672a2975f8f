//! What the mounts screen does: load the list, count the secrets of each KV mount one job at a
//! time, cancel the running count with `esc`, open a mount's configuration with `enter`.

use super::{Count, MountDetail, MountsScreen};
use crate::action::Action;
use crate::app::ToastLevel;
use crate::command::Request;
use crate::jobs::{JobEvent, JobSpec};
use crate::reply::Reply;
use crate::sanitize::sanitize;
use crate::ui::screens::{Effect, Screen, ScreenCtx};
use crate::vault::VaultError;
use crate::vault::models::kv::KvVersion;
use crate::vault::models::mounts::MountKind;
use crate::vault::mounts::{MountsReply, MountsRequest};

/// The footer's offer on this screen.
pub const HINTS: &[Action] = &[
    Action::Help,
    Action::CommandLine,
    Action::Filter,
    Action::Select,
    Action::Describe,
    Action::Refresh,
    Action::Back,
    Action::Quit,
];

const LIST: &str = "list";

fn count_key(path: &str) -> String {
    format!("count {path}")
}

impl MountsScreen {
    /// Opened (or refreshed): ask for the list.
    pub fn on_open(&mut self, ctx: &ScreenCtx) -> Vec<Effect> {
        let Some(addr) = ctx.cluster.api_addr() else {
            return vec![Effect::Toast("no node to ask".into(), ToastLevel::Warn)];
        };
        self.mounts.start_loading();
        vec![Effect::Fetch {
            what: LIST.into(),
            request: Request::Mounts(MountsRequest::List { addr }),
        }]
    }

    pub fn on_action(&mut self, a: Action, ctx: &ScreenCtx) -> Option<Vec<Effect>> {
        match a {
            Action::Up => self.move_selection(-1),
            Action::Down => self.move_selection(1),
            Action::PageUp => self.move_selection(-10),
            Action::PageDown => self.move_selection(10),
            Action::Top => self.selected = 0,
            Action::Bottom => self.move_selection(isize::MAX),
            Action::Refresh => {
                let mut effects = self.cancel_count();
                self.counts.clear();
                effects.extend(self.on_open(ctx));
                return Some(effects);
            }
            Action::Select => {
                return Some(match self.selected_mount() {
                    Some(m) => match m.kv_version.and_then(KvVersion::from_number) {
                        Some(kv) if m.kind == MountKind::Secret => {
                            vec![Effect::Open(Box::new(Screen::Secrets(
                                crate::ui::screens::secrets::SecretsScreen::new(&m.path, kv, ""),
                            )))]
                        }
                        _ => vec![Effect::Open(Box::new(Screen::MountDetail(
                            MountDetail::new(m.clone()),
                        )))],
                    },
                    None => Vec::new(),
                });
            }
            Action::Describe => {
                return Some(match self.selected_mount() {
                    Some(m) => vec![Effect::Open(Box::new(Screen::MountDetail(
                        MountDetail::new(m.clone()),
                    )))],
                    None => Vec::new(),
                });
            }
            // `esc` stops a running count first; the app handles it otherwise.
            Action::Back if self.counting.is_some() => return Some(self.cancel_count()),
            _ => return None,
        }
        Some(Vec::new())
    }

    fn cancel_count(&mut self) -> Vec<Effect> {
        let Some(path) = self.counting.take() else {
            return Vec::new();
        };
        let p = match self.counts.get(&path) {
            Some(Count::Running(p)) => *p,
            _ => Default::default(),
        };
        self.counts.insert(path.clone(), Count::Cancelled(p));
        // The queue is dropped too: counting was stopped.
        self.counts.retain(|_, c| !matches!(c, Count::Queued));
        vec![
            Effect::CancelJob {
                what: count_key(&path),
            },
            Effect::Toast(
                format!("counting {} cancelled", sanitize(&path)),
                ToastLevel::Info,
            ),
        ]
    }

    pub fn on_reply(&mut self, reply: Reply, ctx: &ScreenCtx) -> Vec<Effect> {
        match reply {
            Reply::Mounts(MountsReply::List(Ok(list))) => {
                for m in &list.mounts {
                    if m.kind == MountKind::Secret && m.kv_version.is_some() {
                        self.counts.insert(m.path.clone(), Count::Queued);
                    }
                }
                self.mounts.succeed(list, ctx.now);
                self.next_count(ctx)
            }
            Reply::Mounts(MountsReply::List(Err(e))) => {
                self.mounts.fail(e, ctx.now);
                Vec::new()
            }
            other => {
                tracing::debug!(?other, "mounts screen: unexpected reply");
                Vec::new()
            }
        }
    }

    /// Start the next queued count, if none is running.
    fn next_count(&mut self, ctx: &ScreenCtx) -> Vec<Effect> {
        if self.counting.is_some() {
            return Vec::new();
        }
        let Some(addr) = ctx.cluster.api_addr() else {
            return Vec::new();
        };
        let next = self
            .counts
            .iter()
            .find(|(_, c)| matches!(c, Count::Queued))
            .map(|(p, _)| p.clone());
        let Some(path) = next else {
            return Vec::new();
        };
        let version = self
            .mounts
            .value()
            .and_then(|l| l.mounts.iter().find(|m| m.path == path))
            .and_then(|m| m.kv_version)
            .and_then(KvVersion::from_number);
        let Some(kv_version) = version else {
            self.counts.insert(
                path,
                Count::Failed(VaultError::Decode("not a KV mount".into())),
            );
            return self.next_count(ctx);
        };
        self.counts
            .insert(path.clone(), Count::Running(Default::default()));
        self.counting = Some(path.clone());
        vec![Effect::StartJob {
            what: count_key(&path),
            spec: JobSpec::CountSecrets {
                addr,
                mount: path,
                kv_version,
            },
        }]
    }

    /// An event of a count job.
    pub fn on_job(&mut self, what: &str, event: JobEvent, ctx: &ScreenCtx) -> Vec<Effect> {
        let Some(path) = what.strip_prefix("count ").map(str::to_string) else {
            return Vec::new();
        };
        if self.counting.as_deref() != Some(path.as_str()) {
            return Vec::new();
        }
        match event {
            JobEvent::Progress(p) => {
                self.counts.insert(path, Count::Running(p));
                Vec::new()
            }
            JobEvent::Partial(_) | JobEvent::Report(_) => Vec::new(),
            JobEvent::Done(p) => {
                self.counts.insert(path, Count::Done(p));
                self.counting = None;
                self.next_count(ctx)
            }
            JobEvent::Failed(e) => {
                self.counts.insert(path, Count::Failed(e));
                self.counting = None;
                self.next_count(ctx)
            }
        }
    }
}
