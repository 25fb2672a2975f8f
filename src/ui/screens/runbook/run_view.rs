//! Drawing a run: the header (runbook, run id, rehearsal badge, the containment clock: ok, warn
//! within five minutes of the target, danger past it, the containment time once contained), the
//! steps with their state beside (or, when narrow, instead of) the current step: its guidance,
//! its question, or its plan (summary, details, the equivalent CLI), and the open prompt.

use chrono::{DateTime, Utc};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};

use super::list_view::{clean, short_time};
use super::{Prompt, RunState};
use crate::runbook::model::{InputKind, StepKind};
use crate::runbook::report::duration_words;
use crate::runbook::runner::{Clock, ClockLevel};
use crate::runbook::{ActionPlan, PlannedAction, StepStatus};
use crate::theme::Theme;
use crate::ui::widgets::secret_input::SecretInputView;

/// Wider than this, the steps list sits beside the current step.
const SIDE_BY_SIDE: u16 = 70;

pub struct RunPanel<'a> {
    pub state: &'a RunState,
    pub theme: &'a Theme,
    pub now: DateTime<Utc>,
}

/// "04:12 / 15:00".
fn mm_ss(secs: i64) -> String {
    let s = secs.max(0);
    format!("{:02}:{:02}", s / 60, s % 60)
}

/// The clock's text and style.
pub fn clock_text(c: &Clock, t: &Theme) -> (String, Style) {
    match c.level {
        ClockLevel::Ok => (
            format!("clock {} / {}", mm_ss(c.elapsed_secs), mm_ss(c.target_secs)),
            t.status_ok,
        ),
        ClockLevel::Warn => (
            format!(
                "clock {} / {} · target near",
                mm_ss(c.elapsed_secs),
                mm_ss(c.target_secs)
            ),
            t.status_warn,
        ),
        ClockLevel::Over => (
            format!(
                "clock {} / {} · OVER TARGET",
                mm_ss(c.elapsed_secs),
                mm_ss(c.target_secs)
            ),
            t.status_danger,
        ),
        ClockLevel::Contained { in_time } => (
            format!(
                "contained in {} (target {} min{})",
                duration_words(c.elapsed_secs),
                c.target_secs / 60,
                if in_time { ": met" } else { ": missed" }
            ),
            if in_time {
                t.status_ok
            } else {
                t.status_danger
            },
        ),
    }
}

/// The symbol and style of a step's state.
fn status_mark(s: &StepStatus, t: &Theme) -> (&'static str, Style) {
    match s {
        StepStatus::Pending => ("·", t.muted),
        StepStatus::Planning => ("…", t.key_hint),
        StepStatus::Planned(_) => ("▶", t.key_hint),
        StepStatus::Running(_) => ("⟳", t.key_hint),
        StepStatus::Done => ("✓", t.status_ok),
        StepStatus::Skipped(_) => ("–", t.muted),
        StepStatus::Failed(_) => ("✗", t.status_danger),
        StepStatus::NotExecuted => ("○", t.status_warn),
        StepStatus::Uncertain => ("?", t.status_warn),
    }
}

impl Widget for RunPanel<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        if area.height < 3 || area.width < 10 {
            return;
        }
        let t = self.theme;
        let run = &self.state.run;
        let clock = run.clock(self.now);
        let (ctext, cstyle) = clock_text(&clock, t);
        let mut head = vec![Span::styled(clean(&run.runbook.title), t.title)];
        if run.read_only {
            head.push(Span::styled(" · READ-ONLY REHEARSAL", t.status_warn));
        }
        head.push(Span::styled(" · ", t.muted));
        head.push(Span::styled(ctext, cstyle));
        Paragraph::new(vec![
            Line::from(head),
            Line::styled(
                format!(
                    "run {} · detected {} · {} · {}",
                    clean(&run.run_id),
                    short_time(&run.detected_at.to_rfc3339()),
                    clean(&run.context),
                    clean(&run.operator)
                ),
                t.muted,
            ),
        ])
        .render(Rect { height: 2, ..area }, buf);
        let body = Rect {
            y: area.y + 2,
            height: area.height - 2,
            ..area
        };
        if body.width > SIDE_BY_SIDE {
            let left_w = (body.width * 2 / 5).min(40);
            let left = Rect {
                width: left_w,
                ..body
            };
            let right = Rect {
                x: body.x + left_w + 1,
                width: body.width - left_w - 1,
                ..body
            };
            self.steps(left, buf);
            self.current(right, buf);
        } else {
            self.current(body, buf);
        }
    }
}

impl RunPanel<'_> {
    fn steps(&self, area: Rect, buf: &mut Buffer) {
        let t = self.theme;
        let run = &self.state.run;
        let cur = run.current();
        let mut lines: Vec<Line> = Vec::new();
        let mut cur_line = 0usize;
        for (i, (step, state)) in run.runbook.steps.iter().zip(&run.steps).enumerate() {
            let (mark, style) = status_mark(&state.status, t);
            let title_style = if Some(i) == cur {
                cur_line = lines.len();
                t.selection
            } else {
                t.text
            };
            lines.push(Line::from(vec![
                Span::styled(format!("{mark} "), style),
                Span::styled(format!("{}. {}", i + 1, clean(&step.title)), title_style),
            ]));
            // What settled it otherwise than done, under it.
            let note = match &state.status {
                StepStatus::Skipped(reason) => format!("skipped: {}", clean(reason)),
                StepStatus::NotExecuted => "not executed (rehearsal)".into(),
                StepStatus::Failed(_) => "failed".into(),
                StepStatus::Uncertain => "uncertain: check the server".into(),
                _ => continue,
            };
            lines.push(Line::styled(format!("     {note}"), style));
        }
        let scroll = cur_line.saturating_sub(usize::from(area.height).saturating_sub(2));
        Paragraph::new(lines)
            .scroll((u16::try_from(scroll).unwrap_or(0), 0))
            .render(area, buf);
    }

    fn current(&self, area: Rect, buf: &mut Buffer) {
        let t = self.theme;
        let st = self.state;
        let run = &st.run;
        let mut lines: Vec<Line> = Vec::new();
        let Some(i) = run.current() else {
            lines.push(Line::styled(
                format!(
                    "Run finished: {}",
                    clean(run.finished.as_deref().unwrap_or("every step settled"))
                ),
                t.title,
            ));
            lines.push(Line::styled(
                "e writes the incident report · n copies the notify message",
                t.key_hint,
            ));
            self.tail(lines, area, buf);
            return;
        };
        let step = &run.runbook.steps[i];
        let state = &run.steps[i];
        lines.push(Line::styled(
            format!(
                "Step {} of {} · {} · {}",
                i + 1,
                run.steps.len(),
                step.kind.name(),
                clean(&step.title)
            ),
            t.title,
        ));
        lines.push(Line::styled(clean(&run.expand(&step.guidance)), t.text));
        lines.push(Line::raw(""));
        match &step.kind {
            StepKind::Manual { open } => {
                let mut hint = "enter marks it done".to_string();
                if let Some(o) = open {
                    hint += &format!(" · o opens :{}", clean(o));
                }
                lines.push(Line::styled(hint, t.key_hint));
            }
            StepKind::Notify { audience, .. } => {
                lines.push(Line::styled(format!("For: {}", clean(audience)), t.text));
                lines.push(Line::styled(
                    "n copies the prepared message · enter marks it sent",
                    t.key_hint,
                ));
            }
            StepKind::Input { prompt, input, .. } => {
                lines.push(Line::styled(clean(prompt), t.header));
                if st.prompt.is_none() {
                    let what = if *input == InputKind::Secret {
                        "enter types it (hidden, never journaled)"
                    } else {
                        "enter answers"
                    };
                    lines.push(Line::styled(what, t.key_hint));
                }
            }
            StepKind::Confirm { .. } => {
                let phrase = run.confirm_phrase().unwrap_or_default();
                lines.push(Line::styled(
                    format!("Type \"{}\" to go on (enter)", clean(&phrase)),
                    t.header,
                ));
            }
            StepKind::Vault { op, .. } => self.vault(*op, &state.status, &mut lines),
        }
        self.tail(lines, area, buf);
    }

    fn vault(&self, op: crate::runbook::Op, status: &StepStatus, lines: &mut Vec<Line<'static>>) {
        let t = self.theme;
        let run = &self.state.run;
        match status {
            StepStatus::Pending => lines.push(Line::styled(
                format!("{} · enter prepares the plan", op.name()),
                t.key_hint,
            )),
            StepStatus::Planning => lines.push(Line::styled(
                format!("{} · preparing the plan…", op.name()),
                t.key_hint,
            )),
            StepStatus::Planned(plan) | StepStatus::Running(plan) => {
                plan_lines(plan, t, lines);
                let running = matches!(status, StepStatus::Running(_));
                if running {
                    lines.push(Line::styled("running…", t.key_hint));
                } else if run.read_only {
                    lines.push(Line::styled(
                        "read-only rehearsal: will not be executed (enter records it)",
                        t.status_warn,
                    ));
                } else if matches!(plan.action, PlannedAction::Write(_)) {
                    lines.push(Line::styled(
                        "enter executes it (through the write gate)",
                        t.key_hint,
                    ));
                }
            }
            StepStatus::Failed(e) => {
                lines.push(Line::styled(
                    format!("failed: {}", clean(e)),
                    t.status_danger,
                ));
                lines.push(Line::styled("r plans it again · s skips it", t.key_hint));
            }
            StepStatus::Uncertain => {
                lines.push(Line::styled(
                    "uncertain: the action was started before the console stopped and its \
                     result is not in the journal",
                    t.status_warn,
                ));
                lines.push(Line::styled(
                    "check on the server · D marks it done · r plans it again (nothing repeats by itself)",
                    t.key_hint,
                ));
            }
            StepStatus::Done | StepStatus::Skipped(_) | StepStatus::NotExecuted => {}
        }
    }

    /// Draw the step's lines, with the prompt and the error on the last rows (always visible).
    fn tail(&self, lines: Vec<Line<'static>>, area: Rect, buf: &mut Buffer) {
        let t = self.theme;
        let st = self.state;
        let mut bottom: Vec<Line<'static>> = Vec::new();
        match &st.prompt {
            Some(Prompt::Answer(l)) => {
                let mut line = prompt_line("answer", &l.text, t);
                if l.text.is_empty()
                    && let Some(d) = super::actions::input_default(&st.run)
                {
                    line.push_span(Span::styled(
                        format!(" enter keeps: {}", clean(&d)),
                        t.muted,
                    ));
                }
                bottom.push(line);
            }
            Some(Prompt::Phrase(l)) => bottom.push(prompt_line("phrase", &l.text, t)),
            Some(Prompt::Skip(l)) => bottom.push(prompt_line("skip because", &l.text, t)),
            Some(Prompt::Secret(_)) => bottom.push(Line::styled("secret> ", t.header)),
            None => {}
        }
        if let Some(e) = &st.error {
            bottom.push(Line::styled(clean(e), t.status_danger));
        }
        let n = u16::try_from(bottom.len()).unwrap_or(0).min(area.height);
        let top = Rect {
            height: area.height - n,
            ..area
        };
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .render(top, buf);
        let low = Rect {
            y: area.y + area.height - n,
            height: n,
            ..area
        };
        Paragraph::new(bottom).render(low, buf);
        if let Some(Prompt::Secret(f)) = &st.prompt {
            let x = area.x + 8;
            if x < area.right() && n > 0 {
                let field = Rect::new(x, low.y, area.right() - x, 1);
                SecretInputView {
                    input: &f.0,
                    theme: t,
                }
                .render(field, buf);
            }
        }
    }
}

fn prompt_line(label: &str, text: &str, t: &Theme) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!("{label}> "), t.header),
        Span::styled(format!("{}▏", clean(text)), t.text),
    ])
}

fn plan_lines(plan: &ActionPlan, t: &Theme, lines: &mut Vec<Line<'static>>) {
    lines.push(Line::styled(
        format!("Plan: {}", clean(&plan.summary)),
        t.header,
    ));
    for d in &plan.details {
        lines.push(Line::styled(format!("  · {}", clean(d)), t.text));
    }
    if !plan.cli.is_empty() {
        lines.push(Line::styled("Equivalent CLI:", t.muted));
        for c in &plan.cli {
            lines.push(Line::styled(format!("  $ {}", clean(c)), t.muted));
        }
    }
}
