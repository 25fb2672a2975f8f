//! What the access-history screen does: locate the logs (every node's devices, or the files
//! named), run the scan job and take its batches, cancel and follow, the quick filters, and
//! the overlays' keys (drill-down, signals, filter form, hash and report prompts).

use crate::action::Action;
use crate::app::ToastLevel;
use crate::command::Request;
use crate::jobs::JobSpec;
use crate::ui::screens::{Effect, ScreenCtx};
use crate::vault::audit_area::AuditRequest;

use super::{AuditScreen, DrillState, NodeDevices, Overlay, Phase, ReportRun, SignalsState};

/// The footer's offer on this screen.
pub const HINTS: &[Action] = &[
    Action::Help,
    Action::Select,
    Action::AuditFilters,
    Action::DeniedOnly,
    Action::AuditHash,
    Action::AnomalySignals,
    Action::ToggleFollow,
    Action::ErrorsOnly,
    Action::AuditReport,
    Action::Filter,
    Action::Back,
];

/// The key of the scan job.
pub const JOB: &str = "audit scan";
/// The key of the report job.
pub const REPORT_JOB: &str = "audit report";
const FILES: &str = "files";
const LINES: &str = "lines";
const HASH: &str = "hash";

pub(super) fn toast(text: impl Into<String>, level: ToastLevel) -> Vec<Effect> {
    vec![Effect::Toast(text.into(), level)]
}

impl AuditScreen {
    /// Opened: ask every configured node for its devices, and expand the files named.
    pub fn on_open(&mut self, ctx: &ScreenCtx) -> Vec<Effect> {
        let mut effects = Vec::new();
        self.devices = ctx
            .cluster
            .nodes
            .iter()
            .filter(|n| !n.discovered)
            .map(|n| NodeDevices {
                addr: n.addr.clone(),
                result: None,
            })
            .collect();
        for d in &self.devices {
            effects.push(Effect::Fetch {
                what: format!("devices {}", d.addr),
                request: Request::Audit(AuditRequest::Devices {
                    addr: d.addr.clone(),
                }),
            });
        }
        self.phase = Phase::Locating;
        if !self.patterns.is_empty() {
            effects.push(Effect::Fetch {
                what: FILES.into(),
                request: Request::Audit(AuditRequest::Files {
                    patterns: self.patterns.clone(),
                }),
            });
        } else if self.devices.is_empty() {
            self.phase = Phase::NoFiles;
        }
        effects
    }

    /// Start (or restart) the scan with the current spec; the rows so far go (kept aside for
    /// a failure).
    pub(crate) fn start_scan(&mut self) -> Vec<Effect> {
        let mut effects = self.cancel_quietly();
        if self.logs.is_empty() {
            self.phase = Phase::NoFiles;
            return effects;
        }
        self.keep_previous();
        self.phase = Phase::Loading;
        self.progress = Default::default();
        effects.push(Effect::StartJob {
            what: JOB.into(),
            spec: JobSpec::AuditScan(self.spec()),
        });
        effects
    }

    fn cancel_quietly(&mut self) -> Vec<Effect> {
        if !self.loading() {
            return Vec::new();
        }
        self.phase = Phase::Cancelled;
        self.drop_previous();
        vec![Effect::CancelJob { what: JOB.into() }]
    }

    pub fn on_action(&mut self, a: Action, ctx: &ScreenCtx) -> Option<Vec<Effect>> {
        if !matches!(self.overlay, Overlay::None) {
            return self.on_overlay_action(a, ctx);
        }
        match a {
            Action::Up => self.move_by(-1),
            Action::Down => self.move_by(1),
            Action::PageUp => self.move_by(-10),
            Action::PageDown => self.move_by(10),
            Action::Top => self.move_by(isize::MIN),
            Action::Bottom => self.move_by(isize::MAX),
            Action::Select => return Some(self.drill()),
            Action::Back if self.loading() => {
                let following = self.following();
                let mut effects = self.cancel_quietly();
                let what = if following {
                    "stopped following"
                } else {
                    "scan cancelled"
                };
                effects.push(Effect::Toast(
                    format!("{what} · {} rows kept", self.records().len()),
                    ToastLevel::Info,
                ));
                return Some(effects);
            }
            Action::Back if self.evidence_title().is_some() => self.set_evidence(None),
            Action::Back if self.hash_label.is_some() => {
                self.hash_label = None;
                self.filter.hmacs.clear();
                return Some(self.start_scan());
            }
            Action::Refresh => return Some(self.start_scan()),
            Action::ToggleFollow => {
                self.follow = !self.follow;
                let mut effects = self.start_scan();
                let msg = if self.follow {
                    "following: new entries appear as the server writes them (f stops)"
                } else {
                    "not following: the files are read once"
                };
                effects.push(Effect::Toast(msg.into(), ToastLevel::Info));
                return Some(effects);
            }
            Action::DeniedOnly => {
                self.filter.denied_only = !self.filter.denied_only;
                self.form_text.denied = self.filter.denied_only;
                return Some(self.start_scan());
            }
            Action::ErrorsOnly => {
                self.filter.errors_only = !self.filter.errors_only;
                self.form_text.errors = self.filter.errors_only;
                return Some(self.start_scan());
            }
            Action::AuditFilters => {
                self.overlay = Overlay::Form(Box::new(super::FilterForm::new(&self.form_text)));
            }
            Action::AnomalySignals => {
                self.refresh_signals();
                self.overlay = Overlay::Signals(SignalsState::default());
            }
            Action::AuditHash => return Some(self.open_hash()),
            Action::AuditReport => {
                if self.logs.is_empty() {
                    return Some(toast("no audit log to report on yet", ToastLevel::Warn));
                }
                self.overlay = Overlay::Report(super::ReportPrompt::default());
            }
            _ => return None,
        }
        Some(Vec::new())
    }

    fn on_overlay_action(&mut self, a: Action, ctx: &ScreenCtx) -> Option<Vec<Effect>> {
        if matches!(a, Action::Quit | Action::ForceQuit | Action::Help) {
            return None;
        }
        if a == Action::Back {
            if let Overlay::Hash(h) = &mut self.overlay {
                h.input.0.clear();
            }
            self.overlay = Overlay::None;
            return Some(Vec::new());
        }
        let effects = match &mut self.overlay {
            Overlay::None => Vec::new(),
            Overlay::Drill(d) => {
                d.on_action(a);
                Vec::new()
            }
            Overlay::Signals(s) => {
                if a == Action::Select {
                    return Some(self.pick_signal());
                }
                s.on_action(a, self.signals.len());
                Vec::new()
            }
            Overlay::Form(f) => {
                if a == Action::Select {
                    return Some(self.apply_form(ctx));
                }
                f.on_action(a);
                Vec::new()
            }
            Overlay::Hash(_) if a == Action::Select => return Some(self.submit_hash(ctx)),
            Overlay::Report(_) if a == Action::Select => return Some(self.submit_report()),
            Overlay::Hash(_) | Overlay::Report(_) => Vec::new(),
        };
        Some(effects)
    }

    /// `enter`: the full lines of the selected record (read off the UI thread).
    fn drill(&mut self) -> Vec<Effect> {
        let Some(r) = self.selected() else {
            return Vec::new();
        };
        let sources: Vec<_> = r.lines().map(|l| l.source).collect();
        let kinds: Vec<_> = r.lines().map(|l| l.kind).collect();
        let title = DrillState::title_of(r);
        // A line's `source.file` indexes the files of its own node's log.
        let files = self
            .logs
            .get(r.node as usize)
            .map(|l| l.files.clone())
            .unwrap_or_default();
        self.overlay = Overlay::Drill(Box::new(DrillState::loading(title, sources.clone(), kinds)));
        vec![Effect::Fetch {
            what: LINES.into(),
            request: Request::Audit(AuditRequest::Lines { files, sources }),
        }]
    }

    fn pick_signal(&mut self) -> Vec<Effect> {
        let Overlay::Signals(s) = &self.overlay else {
            return Vec::new();
        };
        let Some(sig) = self.signals.get(s.selected) else {
            return Vec::new();
        };
        let ids = sig.evidence_ids.iter().cloned().collect();
        let title = sig.kind.title().to_string();
        self.overlay = Overlay::None;
        self.set_evidence(Some((title, ids)));
        Vec::new()
    }

    fn apply_form(&mut self, ctx: &ScreenCtx) -> Vec<Effect> {
        let Overlay::Form(f) = &mut self.overlay else {
            return Vec::new();
        };
        match f.to_filter(ctx.now) {
            Ok(mut filter) => {
                filter.hmacs = std::mem::take(&mut self.filter.hmacs);
                self.form_text = f.text();
                self.filter = filter;
                self.overlay = Overlay::None;
                self.start_scan()
            }
            Err(e) => {
                f.error = Some(e);
                Vec::new()
            }
        }
    }

    /// The device `sys/audit-hash` asks: the first file device the nodes list.
    fn hash_device(&self) -> Option<String> {
        let devices = self
            .devices
            .iter()
            .filter_map(|n| n.result.as_ref()?.as_ref().ok())
            .flatten();
        let mut first = None;
        for d in devices {
            if d.device.kind == "file" {
                return Some(d.device.name().to_string());
            }
            first.get_or_insert_with(|| d.device.name().to_string());
        }
        first
    }

    fn open_hash(&mut self) -> Vec<Effect> {
        let Some(device) = self.hash_device() else {
            return toast(
                "no audit device known: the server lists none, or sys/audit is not readable",
                ToastLevel::Warn,
            );
        };
        self.overlay = Overlay::Hash(super::HashPrompt::new(device));
        Vec::new()
    }

    fn submit_hash(&mut self, ctx: &ScreenCtx) -> Vec<Effect> {
        let Overlay::Hash(h) = &mut self.overlay else {
            return Vec::new();
        };
        if h.input.0.is_empty() {
            h.error = Some("type or paste the value first".into());
            return Vec::new();
        }
        let Some(addr) = ctx.cluster.api_addr() else {
            return toast("no node to ask", ToastLevel::Warn);
        };
        let value = crate::vault::models::wrapping::SecretText::new(h.input.0.take());
        let device = h.device.clone();
        self.overlay = Overlay::None;
        vec![Effect::Fetch {
            what: HASH.into(),
            request: Request::Audit(AuditRequest::Hash {
                addr,
                device,
                value,
            }),
        }]
    }

    fn submit_report(&mut self) -> Vec<Effect> {
        let Overlay::Report(p) = &mut self.overlay else {
            return Vec::new();
        };
        let (path, format) = match p.parse() {
            Ok(v) => v,
            Err(e) => {
                p.error = Some(e);
                return Vec::new();
            }
        };
        self.overlay = Overlay::None;
        self.report = Some(ReportRun {
            path: path.display().to_string(),
            progress: Default::default(),
        });
        let mut scan = self.spec();
        scan.follow = false;
        vec![Effect::StartJob {
            what: REPORT_JOB.into(),
            spec: JobSpec::AuditReport {
                scan,
                path,
                format,
                unused_days: 30,
                rotation_days: 90,
            },
        }]
    }

    /// A key for the open form or prompt.
    pub fn on_text_key(&mut self, key: crossterm::event::KeyEvent) -> Vec<Effect> {
        match &mut self.overlay {
            Overlay::Form(f) => f.on_key(key),
            Overlay::Hash(h) => {
                h.input.0.on_key(key);
                h.error = None;
            }
            Overlay::Report(p) => {
                p.input.handle_key(key);
                p.error = None;
            }
            _ => {}
        }
        Vec::new()
    }

    pub fn on_paste(&mut self, text: &str) {
        match &mut self.overlay {
            Overlay::Form(f) => f.paste(text),
            Overlay::Hash(h) => h.input.0.paste(text),
            Overlay::Report(p) => p.input.insert_str(text),
            _ => {}
        }
    }
}
