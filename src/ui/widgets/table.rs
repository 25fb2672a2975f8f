//! A bordered table panel: title, header, rows, the selection when focused, and a message
//! instead of an empty box.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Block, Borders, Paragraph, Row, StatefulWidget, Table, TableState, Widget, Wrap,
};

use crate::theme::Theme;

pub struct Panel<'a> {
    pub title: Line<'a>,
    pub header: Vec<&'a str>,
    pub widths: Vec<Constraint>,
    pub rows: Vec<Row<'a>>,
    pub focused: bool,
    pub selected: Option<usize>,
    /// Shown instead of the rows when there are none.
    pub empty: Line<'a>,
    /// A last line inside the border (details of the selection), if any.
    pub footer: Option<Line<'a>>,
}

/// How many data rows fit in a panel of this height (borders, header, optional footer).
pub fn visible_rows(height: u16, has_footer: bool) -> usize {
    usize::from(height.saturating_sub(3 + u16::from(has_footer)))
}

/// The first visible row so that `selected` is in view (same rule for render and hit tests).
pub fn offset_for(selected: usize, visible: usize) -> usize {
    if visible == 0 || selected < visible {
        0
    } else {
        selected + 1 - visible
    }
}

impl Panel<'_> {
    pub fn render(self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        if area.height < 2 || area.width < 4 {
            return;
        }
        let border = if self.focused {
            theme.border_focused
        } else {
            theme.border
        };
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(border)
            .title(self.title);
        let inner = block.inner(area);
        block.render(area, buf);
        let (table_area, footer_area) = match &self.footer {
            Some(_) if inner.height >= 3 => (
                Rect {
                    height: inner.height - 1,
                    ..inner
                },
                Some(Rect {
                    y: inner.bottom() - 1,
                    height: 1,
                    ..inner
                }),
            ),
            _ => (inner, None),
        };
        if self.rows.is_empty() {
            Paragraph::new(self.empty)
                .wrap(Wrap { trim: true })
                .style(theme.muted)
                .render(table_area, buf);
        } else {
            let visible = visible_rows(area.height, footer_area.is_some());
            let selected = self.selected.map(|s| s.min(self.rows.len() - 1));
            let mut state = TableState::default()
                .with_offset(offset_for(selected.unwrap_or(0), visible))
                .with_selected(if self.focused { selected } else { None });
            let header = Row::new(self.header.iter().map(|h| Span::styled(*h, theme.header)));
            StatefulWidget::render(
                Table::new(self.rows, self.widths)
                    .header(header)
                    .column_spacing(1)
                    .row_highlight_style(theme.selection),
                table_area,
                buf,
                &mut state,
            );
        }
        if let (Some(f), Some(a)) = (self.footer, footer_area) {
            Paragraph::new(f).render(a, buf);
        }
    }
}

/// A title with an optional styled suffix.
pub fn title<'a>(text: &'a str, theme: &Theme, suffix: Vec<Span<'a>>) -> Line<'a> {
    let mut spans = vec![Span::styled(format!(" {text} "), theme.title)];
    spans.extend(suffix);
    Line::from(spans)
}

/// A cell text cut to `max` characters with an ellipsis.
pub fn fit(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
        out.push('…');
        out
    }
}

pub fn styled(s: impl Into<String>, style: Style) -> Span<'static> {
    Span::styled(s.into(), style)
}
