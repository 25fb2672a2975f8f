//! Drawing the runbooks screen: the list (unfinished runs to resume, the library, the files that
//! did not load) and the start form; a run is drawn by `run_view`. Pure: the time is an input.

use chrono::{DateTime, Utc};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};

use super::{RunbookScreen, StartForm, View};
use crate::runbook::model::RunbookSource;
use crate::sanitize::sanitize;
use crate::theme::Theme;

pub struct RunbookView<'a> {
    pub screen: &'a RunbookScreen,
    pub theme: &'a Theme,
    pub now: DateTime<Utc>,
}

pub(super) fn clean(s: &str) -> String {
    sanitize(s).replace('\n', " ")
}

/// "2026-12-06 10:00 UTC" from an RFC 3339 text (as written when it does not parse).
pub(super) fn short_time(s: &str) -> String {
    DateTime::parse_from_rfc3339(s)
        .map(|t| {
            t.with_timezone(&Utc)
                .format("%Y-%m-%d %H:%M UTC")
                .to_string()
        })
        .unwrap_or_else(|_| clean(s))
}

impl Widget for RunbookView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        match &self.screen.view {
            View::List => self.list(area, buf),
            View::Start(f) => self.start(f, area, buf),
            View::Run(r) => super::run_view::RunPanel {
                state: r,
                theme: self.theme,
                now: self.now,
            }
            .render(area, buf),
        }
    }
}

impl RunbookView<'_> {
    fn list(&self, area: Rect, buf: &mut Buffer) {
        let t = self.theme;
        let s = self.screen;
        let mut lines: Vec<Line> = Vec::new();
        let mut selected_line = 0usize;
        let row_style = |i: usize| {
            if i == s.selected { t.selection } else { t.text }
        };
        if !s.env.unfinished.is_empty() {
            lines.push(Line::styled(
                format!(
                    "Unfinished runs ({}) · enter resumes",
                    s.env.unfinished.len()
                ),
                t.title,
            ));
            for (i, r) in s.env.unfinished.iter().enumerate() {
                if i == s.selected {
                    selected_line = lines.len();
                }
                let mode = if r.read_only { " · rehearsal" } else { "" };
                lines.push(Line::styled(
                    format!(
                        "  {} · detected {} · {} · last {}{mode} · {}",
                        clean(&r.title),
                        short_time(&r.detected_at),
                        clean(&r.context),
                        short_time(&r.last_at),
                        clean(&r.run_id),
                    ),
                    row_style(i),
                ));
            }
            lines.push(Line::raw(""));
        }
        let runs = s.env.unfinished.len();
        lines.push(Line::styled(
            format!(
                "Runbooks ({}) · enter starts one",
                s.env.library.runbooks.len()
            ),
            t.title,
        ));
        for (j, rb) in s.env.library.runbooks.iter().enumerate() {
            let i = runs + j;
            if i == s.selected {
                selected_line = lines.len();
            }
            let source = match &rb.source {
                RunbookSource::BuiltIn(_) => "built-in",
                RunbookSource::User(_) => "user",
            };
            lines.push(Line::from(vec![
                Span::styled(format!("  {:<32}", clean(&rb.title)), row_style(i)),
                Span::styled(
                    format!(
                        " {} · {} steps · {source} · contain in {} min",
                        clean(&rb.id),
                        rb.steps.len(),
                        rb.containment_minutes
                    ),
                    if i == s.selected {
                        t.selection
                    } else {
                        t.muted
                    },
                ),
            ]));
        }
        if !s.env.library.errors.is_empty() {
            lines.push(Line::raw(""));
            lines.push(Line::styled(
                format!(
                    "Runbook files that did not load ({})",
                    s.env.library.errors.len()
                ),
                t.status_warn,
            ));
            for e in &s.env.library.errors {
                lines.push(Line::styled(format!("  ! {}", clean(e)), t.status_warn));
            }
        }
        let height = usize::from(area.height);
        let scroll = selected_line.saturating_sub(height.saturating_sub(2));
        Paragraph::new(lines)
            .scroll((u16::try_from(scroll).unwrap_or(0), 0))
            .render(area, buf);
    }

    fn start(&self, f: &StartForm, area: Rect, buf: &mut Buffer) {
        let t = self.theme;
        let check = if f.rehearsal { "[x]" } else { "[ ]" };
        let forced = if f.forced {
            " (the console is read-only)"
        } else {
            ""
        };
        let mut lines = vec![
            Line::styled(format!("Start: {}", clean(&f.runbook.title)), t.title),
            Line::styled(clean(&f.runbook.summary), t.muted),
            Line::raw(""),
            Line::from(vec![
                Span::styled("Detected at: ", t.header),
                Span::styled(format!("{}▏", clean(&f.detected.text)), t.text),
            ]),
            Line::styled(
                "  RFC 3339 (2026-12-06T10:00:00Z), now, or back from now: -30m, -2h, -1d",
                t.muted,
            ),
            Line::from(vec![
                Span::styled("Read-only rehearsal: ", t.header),
                Span::styled(format!("{check}{forced}"), rehearsal_style(f, t)),
                Span::styled("  (tab switches)", t.muted),
            ]),
            Line::raw(""),
            Line::styled(
                format!(
                    "{} steps · containment target {} min from detection · enter starts the run",
                    f.runbook.steps.len(),
                    f.runbook.containment_minutes
                ),
                t.key_hint,
            ),
        ];
        if let Some(e) = &f.error {
            lines.push(Line::styled(clean(e), t.status_danger));
        }
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .render(area, buf);
    }
}

fn rehearsal_style(f: &StartForm, t: &Theme) -> Style {
    if f.rehearsal { t.status_warn } else { t.text }
}
