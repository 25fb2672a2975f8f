//! The token table (columns dropped by priority on narrow terminals; the TTL counts down live
//! from `expire_time` at the `now` given to render), a detail pane for the selected token, and
//! the screen's overlays. Every server string is sanitised.

use chrono::{DateTime, Utc};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Widget, Wrap};

use super::{TokensScreen, dialog};
use crate::remote::Remote;
use crate::sanitize::sanitize;
use crate::theme::Theme;
use crate::ui::widgets::table::{self, Col};
use crate::vault::models::tokens::TokenInfo;

pub struct TokensView<'a> {
    pub screen: &'a TokensScreen,
    pub theme: &'a Theme,
    pub now: DateTime<Utc>,
}

const COLS: [Col; 12] = [
    Col::new(" ", 2, 0),
    Col::new("DISPLAY NAME", 20, 0),
    Col::new("POLICIES", 18, 0),
    Col::new("PATH / ROLE", 22, 1),
    Col::new("CREATED", 16, 3),
    Col::new("TTL", 8, 0),
    Col::new("MAX TTL", 7, 4),
    Col::new("ORPHAN", 6, 2),
    Col::new("RENEW", 5, 5),
    Col::new("USES", 4, 5),
    Col::new("ENTITY", 10, 6),
    Col::new("META", 12, 6),
];

/// Lines of the detail pane (with its border).
const DETAIL_HEIGHT: u16 = 6;

/// A TTL for a cell: `45s`, `12m30s`, `23h59m`, `6d4h`; `never` without expiry.
pub fn ttl_text(secs: Option<i64>) -> String {
    let Some(s) = secs else {
        return "never".into();
    };
    if s <= 0 {
        return "expired".into();
    }
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m{:02}s", s / 60, s % 60),
        3600..86_400 => format!("{}h{:02}m", s / 3600, (s % 3600) / 60),
        _ => format!("{}d{}h", s / 86_400, (s % 86_400) / 3600),
    }
}

/// An explicit max TTL (`-` for none).
fn max_ttl_text(secs: i64) -> String {
    if secs <= 0 {
        "-".into()
    } else {
        ttl_text(Some(secs))
    }
}

fn created_text(t: &TokenInfo) -> String {
    t.created()
        .map_or_else(|| "-".into(), |c| c.format("%Y-%m-%d %H:%M").to_string())
}

fn meta_text(t: &TokenInfo) -> String {
    t.meta
        .iter()
        .map(|(k, v)| format!("{}={}", sanitize(k), sanitize(v)))
        .collect::<Vec<_>>()
        .join(",")
}

fn yes(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

fn cells<'a>(tok: &TokenInfo, s: &TokensScreen, t: &Theme, now: DateTime<Utc>) -> Vec<Cell<'a>> {
    let own = s.is_own(tok);
    let marked = s.marked.contains(&tok.accessor);
    let mark = match (marked, own) {
        (true, true) => "●★",
        (true, false) => "● ",
        (false, true) => " ★",
        (false, false) => "  ",
    };
    let ttl = tok.ttl_at(now);
    let ttl_style = match ttl {
        None => t.status_warn,
        Some(x) if x <= 0 => t.muted,
        Some(x) if x > 86_400 => t.status_warn,
        Some(_) => t.text,
    };
    let name_style = if own { t.key_hint } else { t.text };
    vec![
        Cell::from(Span::styled(mark, t.key_hint)),
        Cell::from(Span::styled(
            sanitize(&tok.display_name).into_owned(),
            name_style,
        )),
        Cell::from(Span::styled(
            sanitize(&tok.policies.join(",")).into_owned(),
            t.text,
        )),
        Cell::from(Span::styled(
            sanitize(tok.path_or_role()).into_owned(),
            t.muted,
        )),
        Cell::from(Span::styled(created_text(tok), t.muted)),
        Cell::from(Span::styled(ttl_text(ttl), ttl_style)),
        Cell::from(Span::styled(max_ttl_text(tok.explicit_max_ttl), t.muted)),
        Cell::from(Span::styled(yes(tok.orphan), t.muted)),
        Cell::from(Span::styled(yes(tok.renewable), t.muted)),
        Cell::from(Span::styled(
            if tok.num_uses == 0 {
                "-".to_string()
            } else {
                tok.num_uses.to_string()
            },
            t.muted,
        )),
        Cell::from(Span::styled(
            table::fit(&sanitize(&tok.entity_id), 12),
            t.muted,
        )),
        Cell::from(Span::styled(meta_text(tok), t.muted)),
    ]
}

impl TokensView<'_> {
    fn title_suffix(&self) -> Vec<Span<'static>> {
        let (s, t) = (self.screen, self.theme);
        let mut suffix = vec![Span::styled(format!("· {} ", s.summary(self.now)), t.muted)];
        if let Some((batch, p)) = &s.revoking {
            suffix.push(Span::styled(
                format!("· revoking {} of {} ", p.done + p.failed, batch.len()),
                t.status_warn,
            ));
        }
        match &s.tokens {
            Remote::Loading { .. } => suffix.push(Span::styled(
                format!("· loading… {} ", s.progress.label()),
                t.key_hint,
            )),
            Remote::Failed { error, .. } => {
                let stale = s
                    .tokens
                    .age(self.now)
                    .map(|a| format!(" (showing data {} old)", crate::ui::widgets::age::short(a)))
                    .unwrap_or_default();
                suffix.push(Span::styled(
                    format!("· {}{stale} ", sanitize(&error.to_string())),
                    t.status_danger,
                ));
            }
            _ => {}
        }
        if let Some(e) = s.filter_error() {
            suffix.push(Span::styled(
                format!("· filter: {} ", sanitize(e)),
                t.status_danger,
            ));
        }
        suffix
    }

    fn render_detail(&self, tok: Option<&TokenInfo>, area: Rect, buf: &mut Buffer) {
        let t = self.theme;
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(t.border)
            .title(Span::styled(" Token ", t.title));
        let lines = match tok {
            None => vec![Line::styled("no token selected", t.muted)],
            Some(tok) => {
                let mut first = format!(
                    "accessor {} · {} · issued {}",
                    sanitize(&tok.accessor),
                    sanitize(&tok.token_type),
                    tok.issue_time
                        .map_or_else(|| "-".into(), |i| i.format("%Y-%m-%d %H:%M:%S").to_string()),
                );
                if self.screen.is_own(tok) {
                    first += " · ★ the console's own token";
                }
                vec![
                    Line::styled(first, t.text),
                    Line::styled(
                        format!(
                            "policies {} · path {} · expires {}",
                            sanitize(&tok.policies.join(", ")),
                            sanitize(&tok.path),
                            tok.expire_time.map_or_else(
                                || "never".into(),
                                |e| e.format("%Y-%m-%d %H:%M:%S").to_string()
                            ),
                        ),
                        t.muted,
                    ),
                    Line::styled(
                        format!(
                            "max ttl {} · renewable {} · uses {} · entity {} · meta {}",
                            max_ttl_text(tok.explicit_max_ttl),
                            yes(tok.renewable),
                            if tok.num_uses == 0 {
                                "unlimited".to_string()
                            } else {
                                tok.num_uses.to_string()
                            },
                            if tok.entity_id.is_empty() {
                                "-".into()
                            } else {
                                sanitize(&tok.entity_id).into_owned()
                            },
                            if tok.meta.is_empty() {
                                "-".into()
                            } else {
                                meta_text(tok)
                            },
                        ),
                        t.muted,
                    ),
                    Line::styled(
                        "space mark · a mark all · d revoke · X bulk revoke · V revoke by value",
                        t.key_hint,
                    ),
                ]
            }
        };
        Paragraph::new(lines)
            .wrap(Wrap { trim: true })
            .block(block)
            .render(area, buf);
    }
}

impl Widget for TokensView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let (s, t, now) = (self.screen, self.theme, self.now);
        if let Some(r) = &s.results {
            dialog::render_results(r, t, area, buf);
            return;
        }
        let with_detail = area.height >= 14;
        let (table_area, detail_area) = if with_detail {
            let h = area.height - DETAIL_HEIGHT;
            (
                Rect { height: h, ..area },
                Some(Rect {
                    y: area.y + h,
                    height: DETAIL_HEIGHT,
                    ..area
                }),
            )
        } else {
            (area, None)
        };
        let keep = table::fit_columns(&COLS, table_area.width.saturating_sub(2));
        let (header, widths) = table::kept_layout(&COLS, &keep);
        let visible = s.visible(now);
        let rows = visible
            .iter()
            .map(|tok| table::kept_row(cells(tok, s, t, now), &keep))
            .collect();
        let empty = match &s.tokens {
            Remote::NotAsked | Remote::Loading { last: None } => "loading tokens…".to_string(),
            Remote::Failed {
                last: None, error, ..
            } => format!("cannot list tokens: {}", sanitize(&error.to_string())),
            _ if !s.filter().is_empty() => "no token matches the filter".into(),
            _ => "no tokens".into(),
        };
        table::Panel {
            title: table::title("Tokens", t, self.title_suffix()),
            header,
            widths,
            rows,
            focused: true,
            selected: Some(s.selected(now)),
            empty: Line::styled(empty, t.muted),
            footer: None,
        }
        .render(table_area, buf, t);
        if let Some(d) = detail_area {
            self.render_detail(s.selected_token(now), d, buf);
        }
        if let Some(d) = &s.dialog {
            dialog::render_dialog(d, s.own_accessor.as_deref(), t, area, buf);
        }
        if let Some(f) = &s.by_value {
            dialog::render_form(f, t, area, buf);
        }
    }
}
