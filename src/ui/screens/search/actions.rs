//! What the search screen does: ask for the mount list, start the search job on the mounts in
//! scope, take results and counters as they arrive, cancel with `esc`, search again with
//! `ctrl-r`, open a result in the secrets browser with `enter`.

use super::{Phase, SearchScope, SearchScreen};
use crate::action::Action;
use crate::app::ToastLevel;
use crate::command::Request;
use crate::jobs::search::SearchProgress;
use crate::jobs::{JobEvent, JobReport, JobSpec};
use crate::reply::Reply;
use crate::sanitize::sanitize;
use crate::ui::screens::{Effect, ScreenCtx};
use crate::vault::VaultError;
use crate::vault::models::kv::KvVersion;
use crate::vault::models::mounts::{MountKind, MountList};
use crate::vault::mounts::{MountsReply, MountsRequest};

/// The footer's offer on this screen.
pub const HINTS: &[Action] = &[
    Action::Help,
    Action::CommandLine,
    Action::Filter,
    Action::Select,
    Action::Refresh,
    Action::Back,
    Action::Quit,
];

/// The key of the mount-list request.
const MOUNTS: &str = "mounts";
/// The key of the search job.
pub const JOB: &str = "search";

/// The mounts and folder a scope covers, from the mount list.
pub fn resolve(
    scope: &SearchScope,
    list: &MountList,
) -> Result<(Vec<(String, KvVersion)>, String), VaultError> {
    let kv = |m: &crate::vault::models::mounts::Mount| {
        m.kv_version
            .and_then(KvVersion::from_number)
            .map(|v| (m.path.clone(), v))
    };
    match scope {
        SearchScope::AllKv => {
            let mounts: Vec<_> = list
                .mounts
                .iter()
                .filter(|m| m.kind == MountKind::Secret)
                .filter_map(kv)
                .collect();
            if mounts.is_empty() {
                return Err(VaultError::NotFound {
                    errors: vec!["no KV mount visible to this token".into()],
                });
            }
            Ok((mounts, String::new()))
        }
        SearchScope::Path(p) => {
            let path = p.trim_start_matches('/');
            let Some(mount) = list.secret_mount_for(path) else {
                return Err(VaultError::NotFound {
                    errors: vec![format!(
                        "no secret engine is mounted at {}",
                        path.trim_end_matches('/')
                    )],
                });
            };
            let Some(entry) = kv(mount) else {
                return Err(VaultError::Decode(format!(
                    "{} is not a KV mount",
                    mount.path
                )));
            };
            let prefix = path
                .strip_prefix(mount.path.as_str())
                .or_else(|| path.strip_prefix(mount.path.trim_end_matches('/')))
                .unwrap_or_default()
                .trim_matches('/')
                .to_string();
            Ok((vec![entry], prefix))
        }
    }
}

impl SearchScreen {
    /// Opened (or searched again): ask for the mount list first.
    pub fn on_open(&mut self, ctx: &ScreenCtx) -> Vec<Effect> {
        let Some(addr) = ctx.cluster.api_addr() else {
            self.phase = Phase::Failed(VaultError::NotAsked("no node to ask"));
            return vec![Effect::Toast("no node to ask".into(), ToastLevel::Warn)];
        };
        self.restart();
        vec![Effect::Fetch {
            what: MOUNTS.into(),
            request: Request::Mounts(MountsRequest::List { addr }),
        }]
    }

    fn restart(&mut self) {
        let fresh = SearchScreen::new(self.scope.clone(), &self.pattern);
        let filter = std::mem::take(&mut self.filter);
        *self = fresh;
        self.filter = filter;
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
                let mut effects = self.cancel();
                effects.extend(self.on_open(ctx));
                return Some(effects);
            }
            Action::Select => return Some(self.open_selected()),
            Action::Mark => self.toggle_mark(),
            // `esc` stops a running search first; the app handles it otherwise.
            Action::Back if self.running() => return Some(self.cancel()),
            _ => return None,
        }
        Some(Vec::new())
    }

    /// Stop a running search (results so far stay).
    fn cancel(&mut self) -> Vec<Effect> {
        if !self.running() {
            return Vec::new();
        }
        let was_running = self.phase == Phase::Running;
        self.phase = Phase::Cancelled;
        for m in &mut self.progress.mounts {
            use crate::jobs::search::MountState;
            if matches!(m.state, MountState::Queued | MountState::Running) {
                m.state = MountState::Cancelled;
            }
        }
        let mut effects = Vec::new();
        if was_running {
            effects.push(Effect::CancelJob { what: JOB.into() });
        }
        effects.push(Effect::Toast("search cancelled".into(), ToastLevel::Info));
        effects
    }

    /// `enter`: open the selected result in the secrets browser (the secret view).
    fn open_selected(&self) -> Vec<Effect> {
        let Some(path) = self.selected_path() else {
            return Vec::new();
        };
        let Some((mount, version)) = self.mount_of(path) else {
            return Vec::new();
        };
        let rel = path.get(mount.len()..).unwrap_or_default();
        vec![Effect::Open(Box::new(
            crate::ui::screens::secrets::open_secret(&mount, version, rel),
        ))]
    }

    pub fn on_reply(&mut self, reply: Reply, ctx: &ScreenCtx) -> Vec<Effect> {
        match reply {
            Reply::Mounts(MountsReply::List(Ok(list))) if self.phase == Phase::Resolving => {
                let resolved = resolve(&self.scope, &list);
                self.mount_list = Some(list);
                match resolved {
                    Ok((mounts, prefix)) => self.start(mounts, prefix, ctx),
                    Err(e) => {
                        self.phase = Phase::Failed(e);
                        Vec::new()
                    }
                }
            }
            Reply::Mounts(MountsReply::List(Err(e))) if self.phase == Phase::Resolving => {
                self.phase = Phase::Failed(e);
                Vec::new()
            }
            other => {
                tracing::debug!(?other, "search screen: unexpected reply");
                Vec::new()
            }
        }
    }

    fn start(
        &mut self,
        mounts: Vec<(String, KvVersion)>,
        prefix: String,
        ctx: &ScreenCtx,
    ) -> Vec<Effect> {
        let Some(addr) = ctx.cluster.api_addr() else {
            self.phase = Phase::Failed(VaultError::NotAsked("no node to ask"));
            return Vec::new();
        };
        self.progress = SearchProgress {
            mounts: mounts
                .iter()
                .map(|(m, _)| crate::jobs::search::MountSearch::new(m))
                .collect(),
        };
        self.mounts = mounts.clone();
        self.phase = Phase::Running;
        vec![Effect::StartJob {
            what: JOB.into(),
            spec: JobSpec::SearchSecrets {
                addr,
                mounts,
                prefix,
                pattern: self.pattern.clone(),
            },
        }]
    }

    /// An event of the search job.
    pub fn on_job(&mut self, what: &str, event: JobEvent, _ctx: &ScreenCtx) -> Vec<Effect> {
        if what != JOB || self.phase != Phase::Running {
            return Vec::new();
        }
        match event {
            JobEvent::Partial(batch) => self.add_results(batch),
            JobEvent::Report(r) => {
                if let JobReport::Search(p) = *r {
                    self.progress = p;
                }
            }
            JobEvent::Progress(_) => {}
            JobEvent::Done(_) => self.phase = Phase::Done,
            JobEvent::Failed(e) => {
                let msg = format!("search failed: {}", sanitize(&e.to_string()));
                self.phase = Phase::Failed(e);
                return vec![Effect::Toast(msg, ToastLevel::Warn)];
            }
        }
        Vec::new()
    }
}
