//! The KV browser: breadcrumbs, the folder's keys (folders first in the server's order, as it
//! sends them sorted), and only the rows in view are drawn.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget, Wrap};

use super::{Folder, SecretsScreen, cli};
use crate::remote::Remote;
use crate::sanitize::sanitize;
use crate::theme::Theme;
use crate::ui::widgets::table::{fit, offset_for};

pub struct BrowserView<'a> {
    pub screen: &'a SecretsScreen,
    pub theme: &'a Theme,
    pub namespace: Option<&'a str>,
}

/// "secret/ › apps › payments" as spans, the last part highlighted.
pub fn breadcrumbs<'a>(mount: &str, folder: &str, t: &Theme) -> Vec<Span<'a>> {
    let mut spans = vec![Span::styled(format!(" {} ", sanitize(mount)), t.title)];
    for part in folder.split('/').filter(|p| !p.is_empty()) {
        spans.push(Span::styled("› ", t.muted));
        spans.push(Span::styled(format!("{} ", sanitize(part)), t.title));
    }
    spans
}

impl Widget for BrowserView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let (s, t) = (self.screen, self.theme);
        if area.height < 3 || area.width < 8 {
            return;
        }
        let mut title = breadcrumbs(&s.mount, &s.folder, t);
        if let Some(l) = s.listing() {
            let folders = l.folders();
            let mut text = format!(
                "· {} folder{} · {} secret{}",
                folders,
                plural(folders),
                l.len() - folders,
                plural(l.len() - folders)
            );
            if !s.filter().is_empty() {
                text += &format!(" · {} match", s.visible().len());
            }
            title.push(Span::styled(format!("{text} "), t.muted));
        }
        match &s.listing {
            Remote::Failed {
                error,
                last: Some(_),
                ..
            } => title.push(Span::styled(
                format!(
                    "· {} (showing the last listing) ",
                    sanitize(&error.to_string())
                ),
                t.status_danger,
            )),
            r if r.is_loading() => title.push(Span::styled("· loading… ", t.muted)),
            _ => {}
        }
        let total = s.visible().len();
        // Borders and the command line at the bottom.
        let rows = usize::from(area.height.saturating_sub(3));
        let selected = s.selected();
        let offset = offset_for(selected, rows);
        let mut block = Block::default()
            .borders(Borders::ALL)
            .border_style(t.border_focused)
            .title(Line::from(title));
        if total > rows && rows > 0 {
            let last = (offset + rows).min(total);
            block = block.title_bottom(
                Line::styled(format!(" {}–{last} of {total} ", offset + 1), t.muted)
                    .right_aligned(),
            );
        }
        let inner = block.inner(area);
        block.render(area, buf);
        let list_area = Rect {
            height: inner.height.saturating_sub(1),
            ..inner
        };
        let cmd_area = Rect {
            y: inner.bottom().saturating_sub(1),
            height: 1,
            ..inner
        };
        let message = match &s.listing {
            Remote::NotAsked | Remote::Loading { last: None } => {
                Some(("listing…".to_string(), t.muted))
            }
            Remote::Failed {
                last: None, error, ..
            } => Some((
                format!(
                    "cannot list {}: {}",
                    sanitize(&s.full_path()),
                    sanitize(&error.to_string())
                ),
                t.status_danger,
            )),
            _ => match s.listing.value() {
                Some(Folder::Denied) => Some((
                    format!(
                        "Your token may not list {}. Secrets below it can still be opened by path: :cd {}NAME",
                        sanitize(&s.full_path()),
                        sanitize(&s.full_path())
                    ),
                    t.status_warn,
                )),
                Some(Folder::Listed(l)) if l.is_empty() => {
                    Some(("this folder is empty".to_string(), t.muted))
                }
                Some(Folder::Listed(_)) if total == 0 => {
                    Some(("no key matches the filter".to_string(), t.muted))
                }
                _ => None,
            },
        };
        if let Some((text, style)) = message {
            Paragraph::new(Line::styled(text, style))
                .wrap(Wrap { trim: true })
                .render(list_area, buf);
        } else if let Some(l) = s.listing() {
            let width = usize::from(list_area.width);
            for (row, &i) in s.visible().iter().skip(offset).take(rows).enumerate() {
                let y = list_area.y + u16::try_from(row).unwrap_or(u16::MAX);
                if y >= list_area.bottom() {
                    break;
                }
                let name = l.shown.get(i).map(String::as_str).unwrap_or("");
                let is_folder = l.keys.get(i).is_some_and(|k| k.ends_with('/'));
                let (icon, style) = if is_folder {
                    ("▸ ", t.title)
                } else {
                    ("  ", t.text)
                };
                let line = Line::from(vec![
                    Span::styled(icon, t.muted),
                    Span::styled(fit(name, width.saturating_sub(2)), style),
                ]);
                let line_area = Rect {
                    y,
                    height: 1,
                    ..list_area
                };
                if offset + row == selected {
                    buf.set_style(line_area, t.selection);
                    line.style(t.selection).render(line_area, buf);
                } else {
                    line.render(line_area, buf);
                }
            }
        }
        Line::styled(
            fit(
                &cli::list(&s.mount, &s.folder, self.namespace),
                usize::from(cmd_area.width),
            ),
            t.muted,
        )
        .render(cmd_area, buf);
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
