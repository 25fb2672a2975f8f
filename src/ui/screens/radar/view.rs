//! The radar screen: the sources line (each source's progress, "denied" or "failed"), the
//! lease-count alerts, the histogram (a bar per time bucket; the selected bucket in the
//! selection style, a bucket with overdue items in the danger style), then the items of the
//! bucket (or the window) sorted by time beside the counts per mount / role (or a
//! certificate's details). Only the visible rows of the item list are drawn.

use chrono::{DateTime, Utc};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Block, Borders, Paragraph, Widget};

use super::{Phase, RadarScreen};
use crate::radar::{GroupCount, ItemKind, RadarItem, relative};
use crate::sanitize::sanitize;
use crate::theme::Theme;
use crate::ui::widgets::table;
use crate::vault::radar::{SourceState, SourceStatus};

pub struct RadarView<'a> {
    pub screen: &'a RadarScreen,
    pub theme: &'a Theme,
    pub now: DateTime<Utc>,
}

/// Width of the counts panel beside the list (when the screen is wide enough).
const COUNTS_W: u16 = 38;

/// `12345` → `12,345`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn source_span(kind: ItemKind, s: &SourceStatus, t: &Theme) -> Span<'static> {
    let name = match kind {
        ItemKind::Lease => "leases",
        ItemKind::Token => "tokens",
        ItemKind::Certificate => "certs",
        ItemKind::KvRotation => "KV",
    };
    let (loaded, found) = (thousands(s.loaded), thousands(s.found));
    let (text, style) = match &s.state {
        SourceState::Waiting => (format!("{name} waiting"), t.muted),
        SourceState::Loading if s.found > s.loaded => {
            (format!("{name} {loaded} of {found}…"), t.key_hint)
        }
        SourceState::Loading => (format!("{name} {loaded}…"), t.key_hint),
        SourceState::Done => (format!("{name} {loaded} ✓"), t.status_ok),
        SourceState::Denied => (format!("{name} denied"), t.status_warn),
        SourceState::Failed(_) => (format!("{name} failed"), t.status_danger),
    };
    Span::styled(text, style)
}

fn sources_line(s: &RadarScreen, t: &Theme) -> Line<'static> {
    let mut spans = Vec::new();
    for (i, (k, st)) in s.sources.iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(" · ", t.muted));
        }
        spans.push(source_span(*k, st, t));
    }
    Line::from(spans)
}

/// A note or failure of a source, for the line under the sources (the first one).
fn source_note(s: &RadarScreen) -> Option<String> {
    s.sources.iter().find_map(|(k, st)| match &st.state {
        SourceState::Failed(e) => Some(format!("{}: {}", k.source_label(), sanitize(e))),
        _ if !st.note.is_empty() => Some(format!("{}: {}", k.source_label(), sanitize(&st.note))),
        _ => None,
    })
}

fn item_line(
    it: &RadarItem,
    now: DateTime<Utc>,
    width: usize,
    selected: bool,
    t: &Theme,
) -> Line<'static> {
    let left = it.left(now).unwrap_or(0);
    let when = if left < 0 {
        let what = if it.kind == ItemKind::KvRotation {
            "overdue"
        } else {
            "expired"
        };
        format!("{what} {}", relative(left).trim_end_matches(" ago"))
    } else {
        relative(left)
    };
    let text = format!(
        "{when:<12} {:<11} {:<14} {}",
        it.kind.name(),
        table::fit(&sanitize(&it.mount), 14),
        sanitize(if it.name.is_empty() { &it.id } else { &it.name })
    );
    let style = if selected {
        t.selection
    } else if left < 0 {
        t.status_danger
    } else {
        t.text
    };
    Line::styled(format!("{:<width$}", table::fit(&text, width)), style)
}

fn count_line(c: &GroupCount, width: usize, t: &Theme) -> Line<'static> {
    let text = format!(
        "{:<6} {:<w$} {:>6} {:>7}",
        match c.kind {
            ItemKind::Lease => "lease",
            ItemKind::Token => "token",
            ItemKind::Certificate => "cert",
            ItemKind::KvRotation => "kv",
        },
        table::fit(&sanitize(&c.group), width.saturating_sub(22)),
        thousands(c.in_window),
        thousands(c.total),
        w = width.saturating_sub(22),
    );
    let style = if c.alert { t.status_danger } else { t.text };
    Line::styled(text, style)
}

fn detail_lines(it: &RadarItem, now: DateTime<Utc>, t: &Theme) -> Vec<Line<'static>> {
    let Some(c) = &it.cert else {
        return Vec::new();
    };
    let at = |d: Option<DateTime<Utc>>| {
        d.map_or("—".to_string(), |d| {
            format!(
                "{} ({})",
                d.format("%Y-%m-%d %H:%M"),
                relative((d - now).num_seconds())
            )
        })
    };
    let row = |k: &str, v: String| {
        Line::from(vec![
            Span::styled(format!("{k:<11}"), t.muted),
            Span::styled(v, t.text),
        ])
    };
    vec![
        row("serial", sanitize(&c.serial).into_owned()),
        row("subject", format!("CN={}", sanitize(&c.subject))),
        row("issuer", sanitize(&c.issuer).into_owned()),
        row("not before", at(c.not_before)),
        row("not after", at(it.expires_at)),
        row("mount", sanitize(&it.mount).into_owned()),
    ]
}

impl RadarView<'_> {
    fn histogram(&self, area: Rect, buf: &mut Buffer) {
        let (s, t, now) = (self.screen, self.theme, self.now);
        let buckets = s.radar.buckets(now, s.window);
        let n = buckets.len().max(1) as u16;
        let gap = u16::from(area.width >= 2 * n);
        let bar_w = ((area.width.saturating_sub(gap * (n - 1))) / n).max(1);
        let bars: Vec<Bar> = buckets
            .iter()
            .enumerate()
            .map(|(i, b)| {
                let style: Style = if s.bucket == Some(i) {
                    t.selection
                } else if b.overdue > 0 {
                    t.status_danger
                } else {
                    t.key_hint
                };
                let text = if b.count == 0 {
                    String::new()
                } else {
                    b.count.to_string()
                };
                Bar::default()
                    .value(b.count as u64)
                    .text_value(text)
                    .style(style)
                    .value_style(t.selection)
            })
            .collect();
        let max = buckets
            .iter()
            .map(|b| b.count as u64)
            .max()
            .unwrap_or(0)
            .max(1);
        BarChart::default()
            .data(BarGroup::default().bars(&bars))
            .bar_width(bar_w)
            .bar_gap(gap)
            .max(max)
            .render(area, buf);
    }

    fn axis(&self) -> Line<'static> {
        let s = self.screen;
        let t = self.theme;
        let span = s.window.duration().as_secs();
        let end = crate::radar::format_duration(std::time::Duration::from_secs(span));
        let mut spans = vec![Span::styled(format!("now → +{end}"), t.muted)];
        if let Some(b) = s.bucket {
            let w = crate::radar::Radar::bucket_secs(s.window);
            let from = i64::try_from(b).unwrap_or(0) * w;
            spans.push(Span::styled(
                format!(
                    " · bucket {}/{}: {} to +{}",
                    b + 1,
                    s.window.buckets(),
                    if from == 0 {
                        "now".to_string()
                    } else {
                        format!(
                            "+{}",
                            crate::radar::format_duration(std::time::Duration::from_secs(
                                from.unsigned_abs()
                            ))
                        )
                    },
                    crate::radar::format_duration(std::time::Duration::from_secs(
                        (from + w).unsigned_abs()
                    )),
                ),
                t.key_hint,
            ));
        } else {
            spans.push(Span::styled(" · whole window (→ picks a bucket)", t.muted));
        }
        Line::from(spans)
    }
}

impl Widget for RadarView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let (s, t, now) = (self.screen, self.theme, self.now);
        if area.height < 4 || area.width < 10 {
            return;
        }
        let listed = s.listed(now);
        let overdue = listed
            .iter()
            .filter(|i| i.left(now).is_some_and(|l| l < 0))
            .count();
        let mut title = vec![Span::styled(
            format!("· {} · {} items ", s.window.label(), listed.len()),
            t.muted,
        )];
        if overdue > 0 {
            title.push(Span::styled(
                format!("· {overdue} overdue "),
                t.status_danger,
            ));
        }
        match &s.phase {
            Phase::Loading => title.push(Span::styled("· loading… ", t.key_hint)),
            Phase::Cancelled => title.push(Span::styled("· cancelled ", t.status_warn)),
            Phase::Failed(e) => title.push(Span::styled(
                format!("· failed: {} ", sanitize(&e.to_string())),
                t.status_danger,
            )),
            Phase::Ready => {}
        }
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(t.border_focused)
            .title(table::title("Expiry radar", t, title));
        let inner = block.inner(area);
        block.render(area, buf);

        let counts = s.radar.group_counts(now, s.window);
        let mut head = vec![sources_line(s, t)];
        if let Some(note) = source_note(s) {
            head.push(Line::styled(note, t.muted));
        }
        for c in counts.iter().filter(|c| c.alert).take(2) {
            head.push(Line::styled(
                format!(
                    "⚠ {}: {} leases (over {})",
                    sanitize(&c.group),
                    thousands(c.total),
                    thousands(crate::radar::LEASE_ALERT)
                ),
                t.status_danger,
            ));
        }
        let head_h = (head.len() as u16).min(inner.height);
        Paragraph::new(head).render(
            Rect {
                height: head_h,
                ..inner
            },
            buf,
        );

        let rest = inner.height - head_h;
        let chart_h = if rest >= 20 { 8 } else { (rest / 3).max(2) }.min(rest);
        let chart = Rect {
            y: inner.y + head_h,
            height: chart_h.saturating_sub(1),
            ..inner
        };
        self.histogram(chart, buf);
        let axis = Rect {
            y: chart.y + chart.height,
            height: 1.min(rest),
            ..inner
        };
        Paragraph::new(self.axis()).render(axis, buf);

        let body_y = inner.y + head_h + chart_h;
        let body_h = (inner.y + inner.height).saturating_sub(body_y);
        if body_h == 0 {
            return;
        }
        let wide = inner.width >= 80;
        let list_w = if wide {
            inner.width - COUNTS_W - 1
        } else {
            inner.width
        };
        let list_area = Rect {
            y: body_y,
            height: body_h,
            width: list_w,
            ..inner
        };
        let side = Rect {
            x: inner.x + list_w + 1,
            y: body_y,
            height: body_h,
            width: COUNTS_W,
        };
        let selected_item = s.selected_item(now);
        let detail = selected_item
            .filter(|_| s.detail)
            .map(|it| detail_lines(it, now, t))
            .unwrap_or_default();

        if !detail.is_empty() && !wide {
            Paragraph::new(detail).render(list_area, buf);
            return;
        }
        if listed.is_empty() {
            let empty = match (&s.phase, s.radar.is_empty()) {
                (Phase::Loading, _) => "nothing expiring found yet…",
                (Phase::Failed(_), true) => "nothing loaded (ctrl-r tries again)",
                (_, true) => "nothing to watch: no lease, token, certificate or secret",
                (_, false) if s.bucket.is_some() => "nothing expires in this bucket",
                (_, false) => "nothing expires in this window",
            };
            Paragraph::new(Line::styled(empty, t.muted)).render(list_area, buf);
        } else {
            let visible = usize::from(body_h);
            let selected = s.selected(now);
            let offset = table::offset_for(selected, visible);
            let width = usize::from(list_w);
            let lines: Vec<Line> = listed
                .iter()
                .enumerate()
                .skip(offset)
                .take(visible)
                .map(|(i, it)| item_line(it, now, width, i == selected, t))
                .collect();
            Paragraph::new(lines).render(list_area, buf);
        }
        if !wide {
            return;
        }
        if !detail.is_empty() {
            Paragraph::new(detail).render(side, buf);
            return;
        }
        let w = usize::from(COUNTS_W);
        let mut lines = vec![Line::styled(
            format!(
                "{:<6} {:<w2$} {:>6} {:>7}",
                "kind",
                "mount / role",
                "window",
                "total",
                w2 = w - 22
            ),
            t.header,
        )];
        lines.extend(
            counts
                .iter()
                .take(usize::from(body_h).saturating_sub(1))
                .map(|c| count_line(c, w, t)),
        );
        Paragraph::new(lines).render(side, buf);
    }
}
