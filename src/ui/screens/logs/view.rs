//! The log screen: a header (node, level, state, kept/dropped counts, filter), a second line
//! when the view is paused or scrolled (with the count of new lines), then the lines, newest at
//! the bottom. Only the visible window is built, so a full buffer costs the same per frame as
//! a short one. Levels are coloured through theme slots; every text was sanitised when it
//! arrived.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::{Entry, LogsScreen, StreamState};
use crate::sanitize::sanitize;
use crate::theme::Theme;
use crate::ui::screens::ScreenCtx;
use crate::vault::monitor::{LogLevel, LogLine, LossKind};

pub struct LogsView<'a> {
    pub screen: &'a LogsScreen,
    pub ctx: &'a ScreenCtx<'a>,
    pub theme: &'a Theme,
}

/// The style of a level.
pub fn level_style(l: Option<LogLevel>, t: &Theme) -> Style {
    match l {
        Some(LogLevel::Trace | LogLevel::Debug) => t.muted,
        Some(LogLevel::Info) => t.status_ok,
        Some(LogLevel::Warn) => t.status_warn,
        Some(LogLevel::Error) => t.status_danger,
        None => t.text,
    }
}

fn state_span(s: &LogsScreen, t: &Theme) -> Span<'static> {
    match &s.state {
        StreamState::Idle => Span::styled("stopped", t.muted),
        StreamState::Connecting => Span::styled("connecting…", t.muted),
        StreamState::Streaming { since } => Span::styled(
            format!("● streaming since {}", since.format("%H:%M:%S")),
            t.status_ok,
        ),
        StreamState::Lost {
            kind,
            reason,
            retry_in_ms,
        } => {
            let (text, style) = match kind {
                LossKind::Sealed => ("sealed (503)".to_string(), t.sealed),
                LossKind::Denied => (format!("denied (403): {reason}"), t.status_danger),
                LossKind::Error => (format!("reconnecting: {reason}"), t.status_warn),
            };
            let secs = *retry_in_ms as f64 / 1000.0;
            Span::styled(format!("{text} · retry in {secs:.1} s"), style)
        }
        StreamState::ClosedForWrite => Span::styled(
            "closed for a restore or step-down — r to reopen",
            t.status_warn,
        ),
        StreamState::Failed(e) => Span::styled(format!("failed: {e}"), t.status_danger),
    }
}

fn header(s: &LogsScreen, t: &Theme) -> Line<'static> {
    let node = s
        .node
        .as_deref()
        .map_or("-".into(), |n| sanitize(n).into_owned());
    Line::from(vec![
        state_span(s, t),
        Span::styled(" · level ", t.muted),
        Span::styled(s.level.as_str(), level_style(Some(s.level), t)),
        Span::styled(" · node ", t.muted),
        Span::styled(node, t.title),
    ])
}

fn second_line(s: &LogsScreen, shown: usize, t: &Theme) -> Line<'static> {
    let mut spans = Vec::new();
    if s.paused {
        spans.push(Span::styled(
            format!("paused · {} new lines · p resumes", s.new_lines()),
            t.status_warn,
        ));
    } else if !s.following() {
        spans.push(Span::styled(
            format!("not following · {} new lines · f follows", s.new_lines()),
            t.status_warn,
        ));
    } else {
        spans.push(Span::styled("following", t.muted));
    }
    spans.push(Span::styled(
        format!(" · {}/{} lines", s.buffer.len(), s.buffer.cap()),
        t.muted,
    ));
    if s.buffer.dropped > 0 {
        spans.push(Span::styled(
            format!(" · {} dropped", s.buffer.dropped),
            t.status_warn,
        ));
    }
    if !s.filter.is_empty() {
        spans.push(Span::styled(
            format!(" · filter \"{}\" ({shown} shown)", sanitize(&s.filter)),
            t.key_hint,
        ));
    }
    Line::from(spans)
}

fn line_of(l: &LogLine, t: &Theme) -> Line<'static> {
    let mut spans = Vec::with_capacity(6);
    if let Some(time) = l.time {
        spans.push(Span::styled(
            format!("{} ", time.format("%H:%M:%S%.3f")),
            t.muted,
        ));
    }
    if let Some(level) = l.level {
        spans.push(Span::styled(
            format!("{:<5} ", level.as_str().to_uppercase()),
            level_style(Some(level), t),
        ));
    }
    if !l.module.is_empty() {
        spans.push(Span::styled(format!("{}: ", l.module), t.header));
    }
    // Before the message, so that it shows however narrow the screen is.
    if l.cut_bytes > 0 {
        spans.push(Span::styled(
            format!("[line cut: {} more bytes] ", l.cut_bytes),
            t.status_warn,
        ));
    }
    spans.push(Span::styled(l.message.clone(), t.text));
    Line::from(spans)
}

fn entry_line(e: &Entry, t: &Theme) -> Line<'static> {
    match e {
        Entry::Line(l) => line_of(l, t),
        Entry::Marker { text, gap } => Line::from(Span::styled(
            format!("— {text} —"),
            if *gap { t.status_warn } else { t.key_hint },
        )),
    }
}

impl Widget for LogsView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let (s, t) = (self.screen, self.theme);
        if area.height == 0 {
            return;
        }
        let body_h = area.height.saturating_sub(2) as usize;
        let needle = s.needle();
        let upto = s.anchor.unwrap_or(u64::MAX);
        let window = s.buffer.window(&needle, upto, body_h);
        let shown = if s.filter.is_empty() {
            s.buffer.len()
        } else {
            s.buffer.matching(&needle).count()
        };
        let mut lines = vec![header(s, t), second_line(s, shown, t)];
        if window.is_empty() {
            let empty = match (&s.state, s.filter.is_empty()) {
                (_, false) => "no kept line matches the filter",
                (StreamState::Streaming { .. }, true) => {
                    "no lines yet (the server sends nothing while idle)"
                }
                _ => "no lines yet",
            };
            lines.push(Line::from(Span::styled(empty, t.muted)));
        }
        lines.extend(window.iter().map(|(_, e)| entry_line(e, t)));
        let _ = self.ctx;
        Paragraph::new(lines).render(area, buf);
    }
}
