//! The anomaly panel (`a`): the signals of the loaded window (`crate::audit::signal::detect`),
//! most severe first, each with its severity, summary and evidence count; `enter` filters the
//! table to the signal's evidence.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Clear, Widget};

use crate::action::Action;
use crate::audit::{Severity, Signal};
use crate::sanitize::sanitize;
use crate::theme::Theme;
use crate::ui::widgets::table::{self, Col};

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SignalsState {
    pub selected: usize,
}

impl SignalsState {
    pub fn on_action(&mut self, a: Action, n: usize) {
        let max = n.saturating_sub(1);
        self.selected = match a {
            Action::Up => self.selected.saturating_sub(1),
            Action::Down => (self.selected + 1).min(max),
            Action::PageUp => self.selected.saturating_sub(10),
            Action::PageDown => (self.selected + 10).min(max),
            Action::Top => 0,
            Action::Bottom => max,
            _ => self.selected,
        };
    }
}

const COLS: [Col; 4] = [
    Col::new("SEVERITY", 8, 0),
    Col::new("SIGNAL", 24, 0),
    Col::new("EVIDENCE", 8, 1),
    Col::new("SUMMARY", 20, 0),
];

pub fn severity_text(s: Severity, t: &Theme) -> Span<'static> {
    match s {
        Severity::High => Span::styled("high", t.status_danger),
        Severity::Warn => Span::styled("warn", t.status_warn),
        Severity::Info => Span::styled("info", t.muted),
    }
}

pub fn render(
    s: &SignalsState,
    signals: &[Signal],
    rows_loaded: usize,
    t: &Theme,
    area: Rect,
    buf: &mut Buffer,
) {
    Clear.render(area, buf);
    let keep = table::fit_columns(&COLS, area.width.saturating_sub(2));
    let (header, widths): (Vec<&str>, Vec<Constraint>) = table::kept_layout(&COLS, &keep);
    let visible = table::visible_rows(area.height, true);
    let selected = s.selected.min(signals.len().saturating_sub(1));
    let offset = table::offset_for(selected, visible);
    let rows = signals
        .iter()
        .skip(offset)
        .take(visible.max(1))
        .map(|sig| {
            table::kept_row(
                vec![
                    Cell::from(severity_text(sig.severity, t)),
                    Cell::from(Span::styled(sig.kind.title(), t.text)),
                    Cell::from(Span::styled(sig.total.to_string(), t.text)),
                    Cell::from(Span::styled(sanitize(&sig.summary).into_owned(), t.text)),
                ],
                &keep,
            )
        })
        .collect();
    let suffix = vec![Span::styled(
        format!("· over {rows_loaded} loaded rows "),
        t.muted,
    )];
    table::Panel {
        title: table::title("Anomaly signals", t, suffix),
        header,
        widths,
        rows,
        focused: true,
        selected: Some(selected - offset.min(selected)),
        empty: Line::styled(
            "no signal in the loaded window (new addresses, volume spikes, off-hours, denials, failed logins, long TTLs)",
            t.muted,
        ),
        footer: Some(Line::styled(
            "enter shows the selected signal's evidence · esc closes",
            t.muted,
        )),
    }
    .render(area, buf, t);
}
