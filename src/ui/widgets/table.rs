//! A bordered table panel: title, header, rows, the selection when focused, a "more rows"
//! marker, an optional detail line, and a message instead of an empty box. Columns that do not
//! fit are dropped by priority (see [`fit_columns`]).

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Block, Borders, Cell, Paragraph, Row, StatefulWidget, Table, TableState, Widget, Wrap,
};

use crate::theme::Theme;

/// One column: header, width in cells, and priority (0 is kept first).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Col {
    pub header: &'static str,
    pub width: u16,
    pub priority: u8,
}

impl Col {
    pub const fn new(header: &'static str, width: u16, priority: u8) -> Col {
        Col {
            header,
            width,
            priority,
        }
    }
}

/// Which columns fit in `width` (one cell between columns): the most important first, each
/// one taken if it still fits, order kept.
pub fn fit_columns(cols: &[Col], width: u16) -> Vec<bool> {
    let mut order: Vec<usize> = (0..cols.len()).collect();
    order.sort_by_key(|&i| (cols[i].priority, i));
    let mut keep = vec![false; cols.len()];
    let mut used: u16 = 0;
    for i in order {
        let need = cols[i].width + u16::from(used > 0);
        if used + need <= width {
            used += need;
            keep[i] = true;
        }
    }
    keep
}

/// Headers and widths of the kept columns; the last one takes what is left.
pub fn kept_layout(cols: &[Col], keep: &[bool]) -> (Vec<&'static str>, Vec<Constraint>) {
    let kept: Vec<&Col> = cols
        .iter()
        .zip(keep)
        .filter(|(_, k)| **k)
        .map(|(c, _)| c)
        .collect();
    let last = kept.len().saturating_sub(1);
    let widths = kept
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if i == last {
                Constraint::Min(c.width)
            } else {
                Constraint::Length(c.width)
            }
        })
        .collect();
    (kept.iter().map(|c| c.header).collect(), widths)
}

/// A row of the kept cells only.
pub fn kept_row<'a>(cells: Vec<Cell<'a>>, keep: &[bool]) -> Row<'a> {
    Row::new(
        cells
            .into_iter()
            .zip(keep)
            .filter_map(|(c, k)| k.then_some(c)),
    )
}

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

/// Whether a footer is drawn in a panel of this height (same rule for render and hit tests).
pub fn footer_fits(height: u16) -> bool {
    height >= 5
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
        let has_footer = self.footer.is_some() && footer_fits(area.height);
        let visible = visible_rows(area.height, has_footer);
        let total = self.rows.len();
        let selected = self.selected.map(|s| s.min(total.saturating_sub(1)));
        let offset = offset_for(selected.unwrap_or(0), visible);
        let mut block = Block::default()
            .borders(Borders::ALL)
            .border_style(border)
            .title(self.title);
        if total > visible && visible > 0 {
            let last = (offset + visible).min(total);
            block = block.title_bottom(
                Line::styled(format!(" {}–{last} of {total} ", offset + 1), theme.muted)
                    .right_aligned(),
            );
        }
        let inner = block.inner(area);
        block.render(area, buf);
        let (table_area, footer_area) = if has_footer {
            (
                Rect {
                    height: inner.height - 1,
                    ..inner
                },
                Some(Rect {
                    y: inner.bottom() - 1,
                    height: 1,
                    ..inner
                }),
            )
        } else {
            (inner, None)
        };
        if self.rows.is_empty() {
            Paragraph::new(self.empty)
                .wrap(Wrap { trim: true })
                .style(theme.muted)
                .render(table_area, buf);
        } else {
            let mut state = TableState::default()
                .with_offset(offset)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_dropped_by_priority_and_keep_their_order() {
        let cols = [
            Col::new("A", 10, 0),
            Col::new("B", 10, 2),
            Col::new("C", 10, 1),
        ];
        assert_eq!(fit_columns(&cols, 32), vec![true, true, true]);
        assert_eq!(fit_columns(&cols, 31), vec![true, false, true]);
        assert_eq!(fit_columns(&cols, 10), vec![true, false, false]);
        assert_eq!(fit_columns(&cols, 9), vec![false, false, false]);
        let (h, w) = kept_layout(&cols, &[true, false, true]);
        assert_eq!(h, vec!["A", "C"]);
        assert_eq!(w, vec![Constraint::Length(10), Constraint::Min(10)]);
    }

    #[test]
    fn offsets_keep_the_selection_in_view() {
        assert_eq!(offset_for(0, 3), 0);
        assert_eq!(offset_for(2, 3), 0);
        assert_eq!(offset_for(5, 3), 3);
        assert_eq!(offset_for(5, 0), 0);
        assert_eq!(visible_rows(8, true), 4);
        assert_eq!(visible_rows(2, false), 0);
    }
}
