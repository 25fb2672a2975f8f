//! The copy screen: a status line (phase, counts, what `enter` does), then the plan's items
//! (source → target, versions, notes, existing targets) or, once done, the per-item report.
//! Only the visible window is drawn.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget};

use super::{CopyPhase, CopyScreen};
use crate::jobs::copy::{CopyItem, CopyPlan};
use crate::reply::{ItemResult, WriteResult};
use crate::sanitize::sanitize;
use crate::theme::Theme;
use crate::ui::widgets::table;

pub struct CopyView<'a> {
    pub screen: &'a CopyScreen,
    pub theme: &'a Theme,
}

fn plan_summary(p: &CopyPlan) -> String {
    let mut parts = vec![format!(
        "{} secrets ({} versions) to copy",
        p.copy_count(),
        p.version_count()
    )];
    if p.conflicts() > 0 {
        parts.push(format!("{} targets exist (skipped)", p.conflicts()));
    }
    if p.empty_items() > 0 {
        parts.push(format!("{} without a live version", p.empty_items()));
    }
    if !p.errors.is_empty() {
        parts.push(format!("{} unreadable", p.errors.len()));
    }
    if p.denied > 0 {
        parts.push(format!("{} denied folders", p.denied));
    }
    if p.truncated {
        parts.push("cut at the plan's bound".into());
    }
    parts.join(" · ")
}

fn status(s: &CopyScreen, t: &Theme) -> Vec<Line<'static>> {
    let verb = if s.delete_source { "move" } else { "copy" };
    match (&s.phase, &s.plan) {
        (CopyPhase::Planning(p), _) => vec![Line::styled(
            format!("dry run… {} · esc cancels", p.label()),
            t.key_hint,
        )],
        (CopyPhase::Planned, Some(p)) => {
            let mut lines = vec![Line::styled(
                format!("dry run: {}", plan_summary(p)),
                t.text,
            )];
            let next = match (s.delete_source, p.movable()) {
                (true, Err(why)) => Line::styled(why, t.status_warn),
                _ if p.copy_count() == 0 => Line::styled("nothing to copy", t.status_warn),
                (true, Ok(())) => Line::styled(
                    "enter: move (typed confirmation; sources deleted only after every copy is verified)",
                    t.key_hint,
                ),
                (false, _) => Line::styled(format!("enter: {verb} (confirmation)"), t.key_hint),
            };
            lines.push(next);
            lines
        }
        (CopyPhase::Submitted, _) => vec![Line::styled(
            match &s.progress {
                Some(p) => format!(
                    "{} {} secrets",
                    if s.delete_source {
                        "moving…"
                    } else {
                        "copying…"
                    },
                    p.label()
                ),
                None => format!("{verb}: waiting for the confirmation"),
            },
            t.key_hint,
        )],
        (CopyPhase::Finished, _) => {
            let o = s.outcome.as_ref();
            let n = o.map_or(0, |o| o.items.len());
            let failed = o.map_or(0, |o| o.failed());
            let deleted = o.is_some_and(|o| {
                o.items.iter().any(|i| {
                    matches!(
                        i.result,
                        Ok(WriteResult::Copied {
                            source_deleted: true,
                            ..
                        })
                    )
                })
            });
            let tail = match (s.delete_source, deleted) {
                (true, true) => " · sources deleted",
                (true, false) => " · nothing deleted",
                _ => "",
            };
            let style = if failed > 0 {
                t.status_danger
            } else {
                t.status_ok
            };
            vec![Line::styled(
                format!(
                    "done: {} of {n} copied and verified · {failed} failed{tail}",
                    n - failed
                ),
                style,
            )]
        }
        (CopyPhase::Failed(e), _) => vec![Line::styled(
            format!("failed: {}", sanitize(&e.to_string())),
            t.status_danger,
        )],
        (CopyPhase::Planned, None) => Vec::new(),
    }
}

fn item_line(p: &CopyPlan, i: &CopyItem, t: &Theme) -> Line<'static> {
    let mut spans = vec![Span::styled(
        format!(
            "{} → {}",
            sanitize(&p.src_full(i)),
            sanitize(&p.dst_full(i))
        ),
        t.text,
    )];
    let n = i.versions.len();
    spans.push(Span::styled(
        format!("  {n} version{}", if n == 1 { "" } else { "s" }),
        t.muted,
    ));
    if !i.notes.is_empty() {
        spans.push(Span::styled(
            format!(" · not carried: {}", i.notes.join(", ")),
            t.muted,
        ));
    }
    if let Some(v) = i.conflict {
        spans.push(Span::styled(
            format!(" · target exists (v{v}): skipped"),
            t.status_warn,
        ));
    }
    Line::from(spans)
}

fn result_line(r: &ItemResult, t: &Theme) -> Line<'static> {
    match &r.result {
        Ok(WriteResult::Copied {
            versions,
            source_deleted,
        }) => Line::from(vec![
            Span::styled("✓ ", t.status_ok),
            Span::styled(sanitize(&r.item).into_owned(), t.text),
            Span::styled(
                format!(
                    "  {versions} version(s) verified{}",
                    if *source_deleted {
                        " · source deleted"
                    } else {
                        ""
                    }
                ),
                t.muted,
            ),
        ]),
        Ok(_) => Line::styled(format!("✓ {}", sanitize(&r.item)), t.text),
        Err(e) => Line::from(vec![
            Span::styled("✗ ", t.status_danger),
            Span::styled(sanitize(&r.item).into_owned(), t.text),
            Span::styled(format!("  {}", sanitize(&e.to_string())), t.status_danger),
        ]),
    }
}

impl Widget for CopyView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let (s, t) = (self.screen, self.theme);
        if area.height < 3 || area.width < 8 {
            return;
        }
        let title = if s.delete_source { "Move" } else { "Copy" };
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(t.border_focused)
            .title(table::title(
                title,
                t,
                vec![Span::styled(
                    format!("· {} ", sanitize(&s.label())),
                    t.muted,
                )],
            ));
        let inner = block.inner(area);
        let head = status(s, t);
        let head_h = (head.len() as u16).min(inner.height);
        let visible = usize::from(inner.height - head_h);
        let total = s.rows();
        let offset = s.scroll().min(total.saturating_sub(visible.max(1)));
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
        let range = offset..(offset + visible).min(total);
        let lines: Vec<Line> = match (&s.outcome, &s.plan) {
            (Some(o), _) => o
                .items
                .get(range)
                .unwrap_or(&[])
                .iter()
                .map(|r| result_line(r, t))
                .collect(),
            (None, Some(p)) => range
                .filter_map(|i| match p.items.get(i) {
                    Some(item) => Some(item_line(p, item, t)),
                    None => p
                        .errors
                        .get(i - p.items.len())
                        .map(|(path, e)| Line::styled(format!("✗ {path}: {e}"), t.status_danger)),
                })
                .collect(),
            _ => Vec::new(),
        };
        Paragraph::new(lines).render(
            Rect {
                y: inner.y + head_h,
                height: inner.height - head_h,
                ..inner
            },
            buf,
        );
    }
}
