//! The drill-down of one record: its request and response lines read again from the log (off
//! the UI thread), pretty-printed, HMAC'd values (`hmac-sha256:…`) marked, scrollable.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget};

use crate::action::Action;
use crate::audit::{AuditRecord, EntryKind, EntrySource};
use crate::sanitize::sanitize;
use crate::theme::Theme;

/// Lines kept of one record (a huge response is cut).
const MAX_LINES: usize = 5000;
/// The marker of a line holding an HMAC'd value.
pub const HMAC_MARK: &str = "#";
const HMAC_PREFIX: &str = "hmac-sha256:";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrillState {
    /// "read secret/data/x · 2026-12-06 06:20:43".
    pub title: String,
    pub sources: Vec<EntrySource>,
    kinds: Vec<Option<EntryKind>>,
    /// `None` while the lines are read.
    pub lines: Option<Vec<String>>,
    pub scroll: usize,
}

impl DrillState {
    pub fn loading(
        title: String,
        sources: Vec<EntrySource>,
        kinds: Vec<Option<EntryKind>>,
    ) -> Self {
        DrillState {
            title,
            sources,
            kinds,
            lines: None,
            scroll: 0,
        }
    }

    pub fn title_of(r: &AuditRecord) -> String {
        let Some(e) = r.main() else {
            return "record".into();
        };
        let time = super::view::time_text(e.time);
        sanitize(&format!("{} {} · {time}", e.operation, e.path)).into_owned()
    }

    /// The lines arrived: each pretty-printed under its heading (sanitised).
    pub fn fill(&mut self, result: Vec<Result<String, String>>) {
        let mut out = Vec::new();
        for (i, r) in result.into_iter().enumerate() {
            let kind = self
                .kinds
                .get(i)
                .copied()
                .flatten()
                .map_or("entry", EntryKind::name);
            out.push(format!("── {kind} ──"));
            match r {
                Ok(line) => {
                    let pretty = serde_json::from_str::<serde_json::Value>(&line)
                        .ok()
                        .and_then(|v| serde_json::to_string_pretty(&v).ok())
                        .unwrap_or(line);
                    out.extend(pretty.lines().map(|l| sanitize(l).into_owned()));
                }
                Err(e) => out.push(format!("(could not read the line: {})", sanitize(&e))),
            }
            out.push(String::new());
            if out.len() > MAX_LINES {
                out.truncate(MAX_LINES);
                out.push("(cut: the record is too long to show whole)".into());
                break;
            }
        }
        self.lines = Some(out);
    }

    pub fn on_action(&mut self, a: Action) {
        let n = self.lines.as_ref().map_or(0, Vec::len);
        let max = n.saturating_sub(1);
        self.scroll = match a {
            Action::Up => self.scroll.saturating_sub(1),
            Action::Down => (self.scroll + 1).min(max),
            Action::PageUp => self.scroll.saturating_sub(10),
            Action::PageDown => (self.scroll + 10).min(max),
            Action::Top => 0,
            Action::Bottom => max,
            _ => self.scroll,
        };
    }
}

/// One pretty line: HMAC'd values in the muted style, with the marker in the margin.
fn styled_line<'a>(l: &'a str, t: &Theme) -> Line<'a> {
    if !l.contains(HMAC_PREFIX) {
        return Line::from(vec![Span::raw("  "), Span::styled(l, t.text)]);
    }
    let mut spans = vec![Span::styled(format!("{HMAC_MARK} "), t.key_hint)];
    let mut rest = l;
    while let Some(i) = rest.find(HMAC_PREFIX) {
        let (before, from) = rest.split_at(i);
        spans.push(Span::styled(before, t.text));
        let end = from
            .find(|c: char| c == '"' || c == ',' || c.is_whitespace())
            .unwrap_or(from.len());
        let (hmac, after) = from.split_at(end);
        spans.push(Span::styled(hmac, t.muted));
        rest = after;
    }
    spans.push(Span::styled(rest, t.text));
    Line::from(spans)
}

pub fn render(d: &DrillState, t: &Theme, area: Rect, buf: &mut Buffer) {
    Clear.render(area, buf);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.border_focused)
        .title(Span::styled(format!(" {} ", d.title), t.title))
        .title_bottom(Line::styled(
            format!(" {HMAC_MARK} HMAC'd value · esc back "),
            t.muted,
        ));
    let inner = block.inner(area);
    block.render(area, buf);
    let lines: Vec<Line> = match &d.lines {
        None => vec![Line::styled("reading the record from the log…", t.muted)],
        Some(ls) => ls
            .iter()
            .skip(d.scroll)
            .take(usize::from(inner.height))
            .map(|l| styled_line(l, t))
            .collect(),
    };
    Paragraph::new(lines).render(inner, buf);
}
