//! The search screen: a status line (phase and totals), one line per mount (up to a few) with
//! its counters, then the results. Only the visible window of results is drawn, so a list of
//! 100,000 paths costs the same per frame as a list of 20.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget};

use super::{Phase, SearchScreen};
use crate::jobs::search::{MAX_RESULTS, MountSearch, MountState};
use crate::jobs::walk::WalkMode;
use crate::sanitize::sanitize;
use crate::theme::Theme;
use crate::ui::widgets::table;

pub struct SearchView<'a> {
    pub screen: &'a SearchScreen,
    pub theme: &'a Theme,
}

/// Mount lines shown above the results at most.
const MOUNT_LINES: usize = 4;

fn status_line(s: &SearchScreen, t: &Theme) -> Line<'static> {
    let p = &s.progress;
    let counts = format!(
        "{} found · {} listed · {} denied",
        p.found(),
        p.listed(),
        p.denied()
    );
    let (text, style) = match &s.phase {
        Phase::Resolving => ("resolving mounts…".to_string(), t.key_hint),
        Phase::Running => (format!("searching… {counts} · esc cancels"), t.key_hint),
        Phase::Done => (format!("done · {counts}"), t.status_ok),
        Phase::Cancelled => (format!("cancelled · {counts}"), t.status_warn),
        Phase::Failed(e) => (
            format!("failed: {}", sanitize(&e.to_string())),
            t.status_danger,
        ),
    };
    Line::styled(text, style)
}

fn mount_line(m: &MountSearch, t: &Theme) -> Line<'static> {
    let (state, style): (&str, Style) = match &m.state {
        MountState::Queued => ("queued", t.muted),
        MountState::Running => ("running", t.key_hint),
        MountState::Done => ("done", t.text),
        MountState::Denied => ("denied", t.status_warn),
        MountState::Cancelled => ("cancelled", t.status_warn),
        MountState::Failed(_) => ("failed", t.status_danger),
    };
    let way = match m.used {
        Some(WalkMode::Scan) => "SCAN",
        Some(WalkMode::List) => "LIST",
        _ => "",
    };
    let mut rest = format!(
        " {} found · {} listed · {} denied",
        m.found, m.listed, m.denied
    );
    if m.truncated {
        rest += " · walk cut at its LIST bound";
    }
    if let MountState::Failed(e) = &m.state {
        rest += &format!(" · {}", sanitize(&e.to_string()));
    }
    Line::from(vec![
        Span::styled(
            format!("  {:<20} ", table::fit(&sanitize(&m.mount), 20)),
            t.text,
        ),
        Span::styled(format!("{state:<9} "), style),
        Span::styled(format!("{way:<4}"), t.muted),
        Span::styled(rest, t.muted),
    ])
}

impl Widget for SearchView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let (s, t) = (self.screen, self.theme);
        if area.height < 3 || area.width < 8 {
            return;
        }
        let mut title = vec![Span::styled(
            format!(
                "· /{}/ in {} ",
                sanitize(&s.pattern),
                sanitize(&s.scope.label())
            ),
            t.muted,
        )];
        if s.marked_count() > 0 {
            title.push(Span::styled(
                format!("· {} marked (:cp DST copies them) ", s.marked_count()),
                t.key_hint,
            ));
        }
        if !s.filter().is_empty() {
            title.push(Span::styled(
                format!("· filter \"{}\" ", sanitize(s.filter())),
                t.key_hint,
            ));
        }
        let total = s.shown_len();
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(t.border_focused)
            .title(table::title("Search", t, title));
        let inner = block.inner(area);
        // Header lines: status, mounts, truncation.
        let mut head = vec![status_line(s, t)];
        let mounts = &s.progress.mounts;
        let room_for_mounts = usize::from(inner.height).saturating_sub(3).min(MOUNT_LINES);
        let mount_lines = if mounts.len() > room_for_mounts {
            room_for_mounts.saturating_sub(1)
        } else {
            mounts.len()
        };
        head.extend(mounts.iter().take(mount_lines).map(|m| mount_line(m, t)));
        if mounts.len() > mount_lines {
            head.push(Line::styled(
                format!("  … and {} more mounts", mounts.len() - mount_lines),
                t.muted,
            ));
        }
        if s.truncated {
            head.push(Line::styled(
                format!("showing the first {MAX_RESULTS} results; the search found more"),
                t.status_warn,
            ));
        }
        let head_h = (head.len() as u16).min(inner.height);
        let list_h = inner.height - head_h;
        let visible = usize::from(list_h);
        let selected = s.selected();
        let offset = table::offset_for(selected, visible);
        let block = if total > visible && visible > 0 {
            let last = (offset + visible).min(total);
            block.title_bottom(
                Line::styled(format!(" {}–{last} of {total} ", offset + 1), t.muted)
                    .right_aligned(),
            )
        } else {
            block
        };
        block.render(area, buf);
        Paragraph::new(head).render(
            Rect {
                height: head_h,
                ..inner
            },
            buf,
        );
        let list_area = Rect {
            y: inner.y + head_h,
            height: list_h,
            ..inner
        };
        if total == 0 {
            let empty = match (&s.phase, s.results().is_empty()) {
                (Phase::Resolving | Phase::Running, _) => "no match yet…",
                (_, false) => "no result matches the filter",
                (Phase::Failed(_), true) => "",
                (_, true) => "no secret path matches",
            };
            Paragraph::new(Line::styled(empty, t.muted)).render(list_area, buf);
            return;
        }
        let width = usize::from(inner.width);
        let lines: Vec<Line> = (offset..(offset + visible).min(total))
            .filter_map(|i| {
                let path = s.shown(i)?;
                let mark = if s.is_marked(i) { "● " } else { "  " };
                let text = format!(
                    "{mark}{}",
                    table::fit(&sanitize(path), width.saturating_sub(2))
                );
                let style = if i == selected { t.selection } else { t.text };
                Some(Line::styled(format!("{text:<width$}"), style))
            })
            .collect();
        Paragraph::new(lines).render(list_area, buf);
    }
}
