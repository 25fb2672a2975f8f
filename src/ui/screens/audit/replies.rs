//! What comes back to the access-history screen: the nodes' devices and the files named (then
//! the scan starts), the HMAC of a value (a new scan matching it), the drill-down's lines, and
//! the events of the scan and report jobs.

use crate::app::ToastLevel;
use crate::audit::NodeLog;
use crate::jobs::{JobEvent, JobReport};
use crate::reply::Reply;
use crate::sanitize::sanitize;
use crate::ui::screens::{Effect, ScreenCtx};
use crate::vault::audit_area::AuditReply;

use super::actions::{JOB, REPORT_JOB, toast};
use super::{AuditScreen, Overlay, Phase};

impl AuditScreen {
    /// A reply to one of this screen's requests.
    pub fn on_reply(&mut self, reply: Reply, _ctx: &ScreenCtx) -> Vec<Effect> {
        let Reply::Audit(r) = reply else {
            return Vec::new();
        };
        match r {
            AuditReply::Devices { addr, result } => {
                if let Some(n) = self.devices.iter_mut().find(|n| n.addr == addr) {
                    n.result = Some(result);
                }
                if self.patterns.is_empty()
                    && self.phase == Phase::Locating
                    && self.devices.iter().all(|n| n.result.is_some())
                {
                    self.logs = self.device_logs();
                    return self.start_scan();
                }
                Vec::new()
            }
            AuditReply::Files { logs, missing } => {
                self.missing = missing;
                self.logs = logs;
                let mut effects = self.start_scan();
                if !self.missing.is_empty() {
                    let list: Vec<String> = self
                        .missing
                        .iter()
                        .map(|m| sanitize(m).into_owned())
                        .collect();
                    effects.push(Effect::Toast(
                        format!("no such file: {}", list.join(", ")),
                        ToastLevel::Warn,
                    ));
                }
                effects
            }
            AuditReply::Hash { device, result } => match result {
                Ok(hash) => {
                    self.hash_label = Some(super::short_hmac(&hash));
                    self.filter.hmacs = vec![hash];
                    self.start_scan()
                }
                Err(e) => {
                    let hint = match &e {
                        crate::vault::VaultError::PermissionDenied { .. } => {
                            " (the token may not use sys/audit-hash)"
                        }
                        crate::vault::VaultError::Http { status: 400, .. } => {
                            " (is that device enabled?)"
                        }
                        _ => "",
                    };
                    toast(
                        format!(
                            "audit-hash on device {} failed: {}{hint}",
                            sanitize(&device),
                            sanitize(&e.to_string())
                        ),
                        ToastLevel::Warn,
                    )
                }
            },
            AuditReply::Lines { sources, result } => {
                if let Overlay::Drill(d) = &mut self.overlay
                    && d.sources == sources
                {
                    d.fill(result);
                }
                Vec::new()
            }
        }
    }

    /// Each node's device log found on this machine (once per file), labelled by node.
    fn device_logs(&self) -> Vec<NodeLog> {
        let mut logs: Vec<NodeLog> = Vec::new();
        for n in &self.devices {
            let Some(Ok(devs)) = &n.result else { continue };
            for d in devs {
                let Some(f) = &d.local_file else { continue };
                if logs.iter().any(|l| l.files.contains(f)) {
                    continue;
                }
                logs.push(NodeLog {
                    label: crate::addr::strip_scheme(&n.addr).to_string(),
                    files: vec![f.clone()],
                });
            }
        }
        logs
    }

    /// An event of the scan or the report job.
    pub fn on_job(&mut self, what: &str, event: JobEvent, ctx: &ScreenCtx) -> Vec<Effect> {
        if what == REPORT_JOB {
            return self.on_report_job(event);
        }
        if what != JOB || !self.loading() {
            return Vec::new();
        }
        match event {
            JobEvent::Report(r) => {
                if let JobReport::Audit(b) = *r {
                    let was_following = self.progress.following;
                    self.progress = b.progress;
                    if !b.records.is_empty() {
                        self.drop_previous();
                        self.add_records(b.records);
                    }
                    if self.progress.following && !was_following {
                        self.loaded_at = Some(ctx.now);
                        self.drop_previous();
                    }
                    if matches!(self.overlay, Overlay::Signals(_)) {
                        self.refresh_signals();
                    }
                }
            }
            JobEvent::Done(_) => {
                self.phase = Phase::Ready;
                self.loaded_at = Some(ctx.now);
                self.drop_previous();
                self.refresh_signals();
            }
            JobEvent::Failed(e) => {
                let msg = format!("audit scan failed: {}", sanitize(&e.to_string()));
                self.restore_previous();
                self.phase = Phase::Failed(e);
                return toast(msg, ToastLevel::Warn);
            }
            JobEvent::Progress(_) | JobEvent::Partial(_) => {}
        }
        Vec::new()
    }

    fn on_report_job(&mut self, event: JobEvent) -> Vec<Effect> {
        let Some(run) = &mut self.report else {
            return Vec::new();
        };
        match event {
            JobEvent::Report(r) => {
                if let JobReport::Audit(b) = *r {
                    run.progress = b.progress;
                }
                Vec::new()
            }
            JobEvent::Done(_) => {
                let msg = format!("report written to {}", sanitize(&run.path));
                self.report = None;
                toast(msg, ToastLevel::Info)
            }
            JobEvent::Failed(e) => {
                let msg = format!("report failed: {}", sanitize(&e.to_string()));
                self.report = None;
                toast(msg, ToastLevel::Warn)
            }
            JobEvent::Progress(_) | JobEvent::Partial(_) => Vec::new(),
        }
    }
}
