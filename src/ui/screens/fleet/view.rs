//! The fleet table: one row per context (the current one marked), columns dropped by priority
//! when narrow, and a last line about the selected row (why it is unreachable, its cluster).
//! Every server string is sanitised in [`RowSummary`].

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Widget};

use super::FleetScreen;
use crate::cluster::alerts::Level;
use crate::fleet::summary::{TOKEN_LOW_SECS, token_left, token_text};
use crate::fleet::{RowState, RowSummary, TokenTtl};
use crate::theme::Theme;
use crate::ui::screens::ScreenCtx;
use crate::ui::widgets::age;
use crate::ui::widgets::table::{self, Col};

pub struct FleetView<'a> {
    pub screen: &'a FleetScreen,
    pub ctx: &'a ScreenCtx<'a>,
    pub theme: &'a Theme,
}

/// At 100 columns everything but the leader fits (the last line names it).
const COLS: [Col; 9] = [
    Col::new("CONTEXT", 14, 0),
    Col::new("STATE", 11, 0),
    Col::new("NODES", 13, 1),
    Col::new("TOKEN", 9, 2),
    Col::new("AGE", 9, 2),
    Col::new("VERSION", 11, 3),
    Col::new("RAFT", 10, 3),
    Col::new("ALERT", 14, 3),
    Col::new("LEADER", 15, 5),
];

fn state_style(s: RowState, t: &Theme) -> Style {
    match s {
        RowState::Ok => t.status_ok,
        RowState::Sealed => t.sealed,
        RowState::Degraded => t.status_warn,
        RowState::Unreachable => t.status_danger,
        RowState::Loading => t.muted,
    }
}

fn nodes_text(s: &RowSummary) -> String {
    if s.problem.is_some() {
        return "no answer".into();
    }
    if s.total == 0 {
        return "—".into();
    }
    if s.sealed == 0 && s.unreachable == 0 {
        return format!("{}/{} up", s.up, s.total);
    }
    let mut out = format!("{} up", s.up);
    if s.sealed > 0 {
        out += &format!(" {} sealed", s.sealed);
    }
    if s.unreachable > 0 {
        out += &format!(" {} down", s.unreachable);
    }
    out
}

fn token_cell(s: &RowSummary, now: chrono::DateTime<chrono::Utc>, t: &Theme) -> Span<'static> {
    let text = token_text(&s.token, now);
    let style = match &s.token {
        TokenTtl::NoToken | TokenTtl::Unknown => t.muted,
        TokenTtl::NoExpiry => t.text,
        TokenTtl::Failed(_) => t.status_danger,
        TokenTtl::Ttl { .. } => match token_left(&s.token, now) {
            Some(l) if l <= 0 => t.status_danger,
            Some(l) if l < TOKEN_LOW_SECS => t.status_warn,
            _ => t.text,
        },
    };
    Span::styled(text, style)
}

fn age_cell(s: &RowSummary, t: &Theme) -> Span<'static> {
    match (s.age_secs, s.stale) {
        (Some(a), true) => Span::styled(
            format!("stale {}", age::coarse(chrono::Duration::seconds(a))),
            t.stale,
        ),
        (Some(a), false) => Span::styled(age::coarse(chrono::Duration::seconds(a)), t.muted),
        (None, _) if s.polling => Span::styled("polling…", t.muted),
        (None, _) => Span::styled("—", t.muted),
    }
}

fn version_cell(s: &RowSummary, t: &Theme) -> Span<'static> {
    if s.versions.is_empty() {
        return Span::styled("—", t.muted);
    }
    let text = s.versions.join(",");
    if s.mixed_versions() {
        Span::styled(format!("mixed {text}"), t.status_warn)
    } else {
        Span::styled(text, t.text)
    }
}

fn raft_cell(s: &RowSummary, t: &Theme) -> Span<'static> {
    match s.raft {
        None => Span::styled("—", t.muted),
        Some(r) => {
            let style = if !r.healthy {
                t.status_danger
            } else if r.failure_tolerance < 1 {
                t.status_warn
            } else {
                t.status_ok
            };
            let word = if r.healthy { "ok" } else { "bad" };
            Span::styled(format!("{word}, tol {}", r.failure_tolerance), style)
        }
    }
}

fn alert_cell(s: &RowSummary, t: &Theme) -> Span<'static> {
    match &s.alert {
        // No node answered: nothing was measured.
        None if s.state == RowState::Loading || s.up + s.sealed == 0 => Span::styled("—", t.muted),
        None => Span::styled("ok", t.status_ok),
        Some((lvl, text)) => {
            let style = if *lvl == Level::Critical {
                t.status_danger
            } else {
                t.status_warn
            };
            Span::styled(format!("{} {text}", lvl.label()), style)
        }
    }
}

/// The last line: the selected row's problem, or its cluster's name.
fn detail(s: &RowSummary, t: &Theme) -> Line<'static> {
    let mut spans = vec![Span::styled(format!("{}: ", s.context), t.title)];
    match (&s.problem, s.state) {
        (Some(p), _) => spans.push(Span::styled(p.clone(), t.status_danger)),
        (None, RowState::Unreachable) => {
            spans.push(Span::styled("no node answered", t.status_danger));
        }
        (None, RowState::Loading) => spans.push(Span::styled("first poll…", t.muted)),
        (None, _) => {
            let name = s.cluster_name.clone().unwrap_or_else(|| s.context.clone());
            spans.push(Span::styled(format!("cluster {name}"), t.text));
            if let Some(l) = &s.leader {
                spans.push(Span::styled(format!(" · leader {l}"), t.muted));
            }
            if s.mixed_versions() {
                let v = s.versions.join(", ");
                spans.push(Span::styled(
                    format!(" · mixed versions {v}"),
                    t.status_warn,
                ));
            }
        }
    }
    spans.push(Span::styled(" · enter: its health screen", t.key_hint));
    Line::from(spans)
}

impl Widget for FleetView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let t = self.theme;
        let now = self.ctx.now;
        let s = self.screen;
        let visible = s.visible();
        let summaries: Vec<RowSummary> = visible
            .iter()
            .filter_map(|&i| s.state.rows.get(i))
            .map(|r| RowSummary::of(r, now, s.state.interval))
            .collect();
        let current = self.ctx.cluster.context.as_str();
        let keep = table::fit_columns(&COLS, area.width.saturating_sub(2));
        let (header, widths) = table::kept_layout(&COLS, &keep);
        let rows = visible
            .iter()
            .zip(&summaries)
            .map(|(&i, sm)| {
                let raw = s.state.rows.get(i).map_or("", |r| r.context.as_str());
                // The current context is marked.
                let (mark, style) = if raw == current {
                    ("● ", t.title)
                } else {
                    ("  ", t.text)
                };
                let name = match &sm.cluster_name {
                    Some(c) => format!("{mark}{} ({c})", sm.context),
                    None => format!("{mark}{}", sm.context),
                };
                let cells = vec![
                    Cell::from(Span::styled(table::fit(&name, 40), style)),
                    Cell::from(Span::styled(sm.state.label(), state_style(sm.state, t))),
                    Cell::from(Span::styled(nodes_text(sm), t.text)),
                    Cell::from(token_cell(sm, now, t)),
                    Cell::from(age_cell(sm, t)),
                    Cell::from(version_cell(sm, t)),
                    Cell::from(raft_cell(sm, t)),
                    Cell::from(alert_cell(sm, t)),
                    Cell::from(Span::styled(
                        sm.leader.clone().unwrap_or_else(|| "—".into()),
                        t.text,
                    )),
                ];
                table::kept_row(cells, &keep)
            })
            .collect();
        let polling = s.state.in_flight(now);
        let mut suffix = vec![Span::styled(
            format!("{} contexts ", s.state.rows.len()),
            t.muted,
        )];
        if polling > 0 {
            suffix.push(Span::styled(format!("· {polling} polling "), t.muted));
        }
        if s.sort != super::SortBy::Name {
            suffix.push(Span::styled(format!("· {} ", s.sort.label()), t.key_hint));
        }
        if !s.filter.is_empty() {
            suffix.push(Span::styled(
                format!("· /{} ", crate::sanitize::sanitize(&s.filter)),
                t.key_hint,
            ));
        }
        let empty = if s.state.rows.is_empty() {
            "no contexts: add [contexts.NAME] sections to the config file"
        } else {
            "no context matches the filter"
        };
        table::Panel {
            title: table::title("Fleet", t, suffix),
            header,
            widths,
            rows,
            focused: true,
            selected: Some(s.selected),
            empty: Line::from(empty),
            footer: summaries.get(s.selected).map(|sm| detail(sm, t)),
        }
        .render(area, buf, t);
    }
}
