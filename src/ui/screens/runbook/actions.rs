//! What the runbooks screen does: start or resume a run from the list, walk its steps (every
//! transition's journal entries leave first, as [`Effect::Journal`]), prepare a `vault` step as
//! soon as it is current, send its planned write to the gate (a rehearsal records it as not
//! executed instead), and take the outcome.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::{PREPARE_JOB, Prompt, RunState, RunbookScreen, SecretField, StartForm, View};
use crate::action::Action;
use crate::app::ToastLevel;
use crate::input::LineInput;
use crate::jobs::JobSpec;
use crate::runbook::journal::{self, Entry};
use crate::runbook::model::{InputKind, StepKind};
use crate::runbook::runner::{self, RunError};
use crate::runbook::{PlannedAction, PrepareSpec, Run, RunStart, StepStatus, report};
use crate::sanitize::sanitize;
use crate::secret::ExposeSecret;
use crate::ui::screens::{Effect, ScreenCtx};

/// The current step's write is out (its outcome must reach this run).
fn running(run: &Run) -> bool {
    run.current()
        .is_some_and(|i| matches!(run.steps[i].status, StepStatus::Running(_)))
}

pub(super) fn toast(text: impl Into<String>, level: ToastLevel) -> Vec<Effect> {
    vec![Effect::Toast(text.into(), level)]
}

impl RunbookScreen {
    /// Opened: `:runbook ID` goes to that runbook's start form.
    pub fn on_open(&mut self) -> Vec<Effect> {
        let Some(id) = self.start_with.take() else {
            return Vec::new();
        };
        match self.env.library.get(&id).cloned() {
            Some(rb) => {
                self.open_start(rb);
                Vec::new()
            }
            None => {
                let have: Vec<&str> = self
                    .env
                    .library
                    .runbooks
                    .iter()
                    .map(|r| r.id.as_str())
                    .collect();
                toast(
                    format!(
                        "no runbook \"{}\" (have: {})",
                        sanitize(&id),
                        sanitize(&have.join(", "))
                    ),
                    ToastLevel::Warn,
                )
            }
        }
    }

    fn open_start(&mut self, runbook: Arc<crate::runbook::Runbook>) {
        self.view = View::Start(Box::new(StartForm {
            runbook,
            detected: LineInput::with_text("now"),
            rehearsal: self.read_only,
            forced: self.read_only,
            error: None,
        }));
    }

    pub fn on_action(&mut self, a: Action, ctx: &ScreenCtx) -> Option<Vec<Effect>> {
        match &mut self.view {
            View::List => self.list_action(a, ctx),
            View::Start(f) => match a {
                Action::Select => Some(self.start(ctx)),
                Action::FocusNext if f.forced => Some(toast(
                    "the console is read-only: the run can only be a rehearsal",
                    ToastLevel::Info,
                )),
                Action::FocusNext => {
                    f.rehearsal = !f.rehearsal;
                    Some(Vec::new())
                }
                Action::Back => {
                    self.view = View::List;
                    Some(Vec::new())
                }
                Action::Quit | Action::ForceQuit | Action::Help => None,
                _ => Some(Vec::new()),
            },
            View::Run(_) => self.run_action(a, ctx),
        }
    }

    fn list_action(&mut self, a: Action, ctx: &ScreenCtx) -> Option<Vec<Effect>> {
        let n = self.rows();
        let last = n.saturating_sub(1);
        match a {
            Action::Up => self.selected = self.selected.saturating_sub(1),
            Action::Down => self.selected = (self.selected + 1).min(last),
            Action::PageUp => self.selected = self.selected.saturating_sub(10),
            Action::PageDown => self.selected = (self.selected + 10).min(last),
            Action::Top => self.selected = 0,
            Action::Bottom => self.selected = last,
            Action::Select => return Some(self.open_selected(ctx)),
            _ => return None,
        }
        Some(Vec::new())
    }

    /// Enter on the list: resume the selected run, or the selected runbook's start form.
    fn open_selected(&mut self, ctx: &ScreenCtx) -> Vec<Effect> {
        let runs = self.env.unfinished.len();
        if let Some(stored) = self.env.unfinished.get(self.selected).cloned() {
            let Some(rb) = self.env.library.get(&stored.runbook).cloned() else {
                return toast(
                    format!(
                        "cannot resume {}: the runbook \"{}\" is not in the library (its file \
                         was removed or does not load)",
                        sanitize(&stored.run_id),
                        sanitize(&stored.runbook)
                    ),
                    ToastLevel::Error,
                );
            };
            return match Run::resume(rb, &stored.entries) {
                Ok(mut run) => {
                    // A secret the restart lost is asked again before its step is prepared.
                    let entries = run.resumed(ctx.now);
                    self.view = View::Run(Box::new(RunState {
                        run,
                        path: stored.path.clone(),
                        prompt: None,
                        error: None,
                    }));
                    let mut out = toast(
                        format!("resumed {}", sanitize(&stored.run_id)),
                        ToastLevel::Info,
                    );
                    out.extend(self.after(entries, Some(ctx)));
                    out
                }
                Err(e) => toast(
                    format!(
                        "cannot resume {}: {}",
                        sanitize(&stored.run_id),
                        sanitize(&e)
                    ),
                    ToastLevel::Error,
                ),
            };
        }
        match self.env.library.runbooks.get(self.selected - runs).cloned() {
            Some(rb) => {
                self.open_start(rb);
                Vec::new()
            }
            None => Vec::new(),
        }
    }

    /// The start form's enter: the run begins.
    fn start(&mut self, ctx: &ScreenCtx) -> Vec<Effect> {
        let View::Start(f) = &mut self.view else {
            return Vec::new();
        };
        let detected_at = match runner::parse_time(&f.detected.text, ctx.now) {
            Ok(t) if t > ctx.now => {
                f.error = Some("the detection time is in the future".into());
                return Vec::new();
            }
            Ok(t) => t,
            Err(e) => {
                f.error = Some(e);
                return Vec::new();
            }
        };
        let rb = Arc::clone(&f.runbook);
        let stamp = ctx.now.format("%Y%m%d-%H%M%S").to_string();
        let run_id = self.env.new_run_id(&rb.id, &stamp);
        let start = RunStart {
            run_id: run_id.clone(),
            operator: self.env.operator.clone(),
            context: self.context.clone(),
            detected_at,
            read_only: f.rehearsal || f.forced,
        };
        let (run, entries) = Run::start(rb, start, ctx.now);
        let path = journal::path_for(&self.env.runs_dir, &run_id);
        self.view = View::Run(Box::new(RunState {
            run,
            path,
            prompt: None,
            error: None,
        }));
        self.after(entries, None)
    }

    fn run_action(&mut self, a: Action, ctx: &ScreenCtx) -> Option<Vec<Effect>> {
        let View::Run(r) = &mut self.view else {
            return None;
        };
        let now = ctx.now;
        if r.prompt.is_some() {
            return match a {
                Action::Select => Some(self.submit_prompt(ctx)),
                Action::Back => {
                    if let Some(Prompt::Secret(f)) = &mut r.prompt {
                        f.0.clear();
                    }
                    r.prompt = None;
                    Some(Vec::new())
                }
                Action::Quit | Action::ForceQuit | Action::Help => None,
                _ => Some(Vec::new()),
            };
        }
        r.error = None;
        let result: Result<Vec<Entry>, RunError> = match a {
            Action::Select => return Some(self.enter(ctx)),
            Action::SkipStep => {
                if r.run.current().is_none() {
                    Err(RunError::Finished)
                } else {
                    r.prompt = Some(Prompt::Skip(LineInput::default()));
                    Ok(Vec::new())
                }
            }
            Action::RetryStep => r.run.retry(now),
            Action::MarkStepDone => r.run.confirm_done(now),
            Action::OpenStepCommand => return Some(super::events::open_command(&r.run)),
            Action::CopyNotify => return Some(super::events::copy_notify(&r.run, now)),
            Action::ExportReport => return Some(self.export(now)),
            Action::Back if running(&r.run) => {
                return Some(toast(
                    "the action is running: wait for its result",
                    ToastLevel::Info,
                ));
            }
            Action::Back => {
                self.view = View::List;
                self.selected = 0;
                return Some(Vec::new());
            }
            _ => return None,
        };
        Some(self.settle(result, Some(ctx)))
    }

    /// A transition's result: its entries journaled (and what follows), or the refusal shown.
    pub(super) fn settle(
        &mut self,
        result: Result<Vec<Entry>, RunError>,
        ctx: Option<&ScreenCtx>,
    ) -> Vec<Effect> {
        match result {
            Ok(entries) => self.after(entries, ctx),
            Err(e) => {
                if let View::Run(r) = &mut self.view {
                    r.error = Some(e.to_string());
                }
                Vec::new()
            }
        }
    }

    /// Enter in a run: what the current step needs.
    fn enter(&mut self, ctx: &ScreenCtx) -> Vec<Effect> {
        let View::Run(r) = &mut self.view else {
            return Vec::new();
        };
        let now = ctx.now;
        let Some(i) = r.run.current() else {
            return toast(
                "the run is finished: e writes the incident report",
                ToastLevel::Info,
            );
        };
        let step = &r.run.runbook.steps[i];
        let result = match &step.kind {
            StepKind::Manual { .. } | StepKind::Notify { .. } => r.run.complete(now, None),
            StepKind::Input { .. } | StepKind::Confirm { .. } => {
                r.prompt = prompt_for(&r.run, i);
                Ok(Vec::new())
            }
            StepKind::Vault { .. } => return self.execute(ctx),
        };
        self.settle(result, Some(ctx))
    }

    /// Enter on a vault step: prepare it, or send its planned write (a rehearsal records it).
    fn execute(&mut self, ctx: &ScreenCtx) -> Vec<Effect> {
        let View::Run(r) = &mut self.view else {
            return Vec::new();
        };
        let Some(i) = r.run.current() else {
            return Vec::new();
        };
        match r.run.steps[i].status.clone() {
            StepStatus::Pending => self.prepare(ctx),
            StepStatus::Planning => toast("the plan is being made…", ToastLevel::Info),
            StepStatus::Planned(plan) => match plan.action {
                PlannedAction::Write(_) if r.run.read_only => {
                    let result = r.run.rehearse(ctx.now);
                    self.settle(result, Some(ctx))
                }
                PlannedAction::Write(w) => vec![Effect::Write(w)],
                // Settled when the plan came; nothing waits.
                PlannedAction::Nothing(_) | PlannedAction::Result(_) => Vec::new(),
            },
            StepStatus::Running(_) => toast("the action is running…", ToastLevel::Info),
            StepStatus::Failed(_) => toast(
                "the step failed: r plans it again, s skips it",
                ToastLevel::Info,
            ),
            StepStatus::Uncertain => toast(
                "check on the server whether the action happened: D marks it done, r plans it again",
                ToastLevel::Warn,
            ),
            _ => Vec::new(),
        }
    }

    /// Start the prepare job of the current (pending) vault step.
    fn prepare(&mut self, ctx: &ScreenCtx) -> Vec<Effect> {
        let View::Run(r) = &mut self.view else {
            return Vec::new();
        };
        let Some(addr) = ctx.cluster.api_addr() else {
            r.error = Some("no node to ask: the plan waits (enter tries again)".into());
            return Vec::new();
        };
        let op = match r.run.resolve() {
            Ok(op) => op,
            Err(e) => {
                let result = r.run.failed(ctx.now, &e.to_string());
                return self.settle(result, None);
            }
        };
        if r.run.preparing().is_err() {
            return Vec::new();
        }
        let what = r
            .run
            .current()
            .map(|i| prepare_key(&r.run.runbook.steps[i].id))
            .unwrap_or_default();
        let spec = PrepareSpec {
            addr,
            addrs: ctx.cluster.node_addrs(),
            op,
        };
        vec![Effect::StartJob {
            what,
            spec: JobSpec::RunbookPrepare(Box::new(spec)),
        }]
    }

    /// After a transition: its entries to the journal first, then a vault step that became
    /// current is prepared (when a context is at hand; otherwise enter prepares it).
    pub(super) fn after(&mut self, entries: Vec<Entry>, ctx: Option<&ScreenCtx>) -> Vec<Effect> {
        let View::Run(r) = &mut self.view else {
            return Vec::new();
        };
        let mut out = Vec::new();
        // Without a runs dir (a console started without one) the run lives in memory only.
        if !entries.is_empty() && !self.env.runs_dir.as_os_str().is_empty() {
            self.env.track(&r.path, &entries);
            out.push(Effect::Journal {
                path: r.path.clone(),
                entries,
            });
        }
        // An input or confirm step that became current takes typing at once: keys typed
        // as an answer must never act as commands (`s` would skip the step).
        if r.prompt.is_none()
            && let Some(i) = r.run.current()
            && r.run.steps[i].status == StepStatus::Pending
        {
            r.prompt = prompt_for(&r.run, i);
        }
        let waiting = r.run.current().is_some_and(|i| {
            matches!(r.run.runbook.steps[i].kind, StepKind::Vault { .. })
                && r.run.steps[i].status == StepStatus::Pending
        });
        if waiting && let Some(ctx) = ctx {
            out.extend(self.prepare(ctx));
        }
        out
    }

    /// Enter with a prompt open.
    fn submit_prompt(&mut self, ctx: &ScreenCtx) -> Vec<Effect> {
        let View::Run(r) = &mut self.view else {
            return Vec::new();
        };
        let now = ctx.now;
        let result = match &mut r.prompt {
            Some(Prompt::Answer(l)) => match input_default(&r.run) {
                Some(d) if l.text.trim().is_empty() => r.run.answer(now, &d),
                _ => r.run.answer(now, &l.text),
            },
            Some(Prompt::Secret(f)) => {
                let secret = f.0.take();
                r.run.answer(now, secret.expose_secret())
            }
            Some(Prompt::Phrase(l)) => r.run.confirm(now, &l.text),
            Some(Prompt::Skip(l)) => r.run.skip(now, &l.text),
            None => return Vec::new(),
        };
        if result.is_ok() {
            r.prompt = None;
        } else if let Some(Prompt::Secret(_)) = r.prompt {
            // The typed secret is gone (taken and wiped): type it again.
            r.prompt = Some(Prompt::Secret(SecretField::default()));
        }
        self.settle(result, Some(ctx))
    }

    /// The report to `<runs dir>/<run id>-report.md`, and `Reported` in the journal.
    fn export(&mut self, now: DateTime<Utc>) -> Vec<Effect> {
        if self.env.runs_dir.as_os_str().is_empty() {
            return toast(
                "no state dir: the report cannot be written",
                ToastLevel::Warn,
            );
        }
        let View::Run(r) = &mut self.view else {
            return Vec::new();
        };
        let text = report::incident_report(&r.run, now);
        let path = self
            .env
            .runs_dir
            .join(format!("{}-report.md", r.run.run_id));
        let entries = r.run.reported(now, &path.display().to_string());
        let mut out = vec![Effect::SaveReport { path, text }];
        out.extend(self.after(entries, None));
        out
    }
}

/// The prompt an input or confirm step asks with (an input's default pre-filled).
fn prompt_for(run: &Run, i: usize) -> Option<Prompt> {
    match &run.runbook.steps.get(i)?.kind {
        StepKind::Input {
            input: InputKind::Secret,
            ..
        } => Some(Prompt::Secret(SecretField::default())),
        // Empty, the default shown beside it: typing replaces it, enter on nothing keeps it.
        StepKind::Input { .. } => Some(Prompt::Answer(LineInput::default())),
        StepKind::Confirm { .. } => Some(Prompt::Phrase(LineInput::default())),
        _ => None,
    }
}

/// The current input step's default, expanded (what enter on an empty answer gives).
pub(super) fn input_default(run: &Run) -> Option<String> {
    let i = run.current()?;
    match &run.runbook.steps[i].kind {
        StepKind::Input {
            default: Some(d), ..
        } => Some(run.expand(d)),
        _ => None,
    }
}

/// The prepare job of one step, by its id: a finished job's last events (its `Done` after the
/// plan) never reach the next step's preparation.
pub(super) fn prepare_key(step: &str) -> String {
    format!("{PREPARE_JOB} {step}")
}
