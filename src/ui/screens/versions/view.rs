//! The versions screen drawn: the secret's settings over the version list (newest first, the
//! current one marked, marks for a diff or a write on several), or the open pane.

use chrono::{DateTime, Utc};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Widget, Wrap};

use super::{Pane, VersionsScreen, time_label};
use crate::remote::Remote;
use crate::sanitize::sanitize;
use crate::theme::Theme;
use crate::ui::widgets::table::{self, Col};
use crate::vault::models::kv_secret::{KvMetadata, VersionMeta, VersionState};

pub struct VersionsView<'a> {
    pub screen: &'a VersionsScreen,
    pub theme: &'a Theme,
    pub now: DateTime<Utc>,
    pub namespace: Option<&'a str>,
}

const COLS: [Col; 5] = [
    Col::new(" ", 3, 0),
    Col::new("VERSION", 8, 0),
    Col::new("STATE", 9, 0),
    Col::new("CREATED", 19, 1),
    Col::new("DELETED", 20, 2),
];

/// "max versions: 10 · check-and-set: required · delete after: 1h0m0s" (shorter when narrow).
fn settings_line(m: &KvMetadata, narrow: bool) -> String {
    let max = match (m.max_versions, narrow) {
        (0, false) => "max versions: mount default".to_string(),
        (0, true) => "max: default".to_string(),
        (n, false) => format!("max versions: {n}"),
        (n, true) => format!("max {n}"),
    };
    let cas = match (m.cas_required, narrow) {
        (true, false) => "check-and-set: required",
        (false, false) => "check-and-set: off",
        (true, true) => "cas required",
        (false, true) => "cas off",
    };
    let after = match m.delete_version_after.as_str() {
        "" | "0s" => "delete after: off".to_string(),
        d => format!("delete after: {}", sanitize(d)),
    };
    format!("{max} · {cas} · {after}")
}

fn custom_line(m: &KvMetadata) -> String {
    if m.custom_metadata.is_empty() {
        return "custom metadata: none".into();
    }
    let parts: Vec<String> = m
        .custom_metadata
        .iter()
        .map(|(k, v)| format!("{}={}", sanitize(k), sanitize(v)))
        .collect();
    format!("custom metadata: {}", parts.join(", "))
}

fn row<'a>(
    v: &VersionMeta,
    s: &VersionsScreen,
    cur: u64,
    t: &Theme,
    now: DateTime<Utc>,
) -> Vec<Cell<'a>> {
    let mut mark = String::new();
    mark.push(if s.marked.contains(&v.version) {
        '✓'
    } else {
        ' '
    });
    mark.push(if v.version == cur { '●' } else { ' ' });
    let (state, style) = match v.state(now) {
        VersionState::Live if v.version == cur => ("current", t.status_ok),
        VersionState::Live => ("live", t.text),
        VersionState::Deleted => ("deleted", t.status_warn),
        VersionState::Destroyed => ("destroyed", t.status_danger),
    };
    vec![
        Cell::from(Span::styled(mark, t.key_hint)),
        Cell::from(Span::styled(format!("v{}", v.version), t.text)),
        Cell::from(Span::styled(state, style)),
        Cell::from(Span::styled(time_label(&v.created_time), t.muted)),
        Cell::from(Span::styled(
            VersionsScreen::deletion_label(v, now),
            t.muted,
        )),
    ]
}

impl VersionsView<'_> {
    fn render_list(&self, area: Rect, buf: &mut Buffer) {
        let (s, t) = (self.screen, self.theme);
        let meta = s.meta.value();
        let head_h = if meta.is_some() && area.height >= 10 {
            2
        } else {
            0
        };
        if let Some(m) = meta.filter(|_| head_h > 0) {
            let lines = vec![
                Line::styled(settings_line(m, area.width < 90), t.muted),
                Line::styled(custom_line(m), t.muted),
            ];
            Paragraph::new(lines).render(
                Rect {
                    height: head_h,
                    ..area
                },
                buf,
            );
        }
        let area = Rect {
            y: area.y + head_h,
            height: area.height - head_h,
            ..area
        };
        let keep = table::fit_columns(&COLS, area.width.saturating_sub(2));
        let (header, widths) = table::kept_layout(&COLS, &keep);
        let cur = meta.map_or(0, |m| m.current_version);
        let rows = s
            .rows()
            .into_iter()
            .map(|v| table::kept_row(row(v, s, cur, t, self.now), &keep))
            .collect();
        let mut suffix = Vec::new();
        if let Some(m) = meta {
            suffix.push(Span::styled(
                format!(
                    "· {} version{} · current v{} · oldest v{} ",
                    m.versions.len(),
                    if m.versions.len() == 1 { "" } else { "s" },
                    m.current_version,
                    m.oldest_version
                ),
                t.muted,
            ));
        }
        if let Remote::Failed { error, .. } = &s.meta {
            let stale = s
                .meta
                .age(self.now)
                .filter(|_| meta.is_some())
                .map(|a| format!(" (showing data {} old)", crate::ui::widgets::age::short(a)))
                .unwrap_or_default();
            suffix.push(Span::styled(
                format!("· {}{stale} ", sanitize(&error.to_string())),
                t.status_danger,
            ));
        } else if s.meta.is_loading() {
            suffix.push(Span::styled("· loading… ", t.muted));
        }
        let empty = match &s.meta {
            Remote::NotAsked | Remote::Loading { last: None } => "loading versions…".to_string(),
            Remote::Failed {
                last: None, error, ..
            } => format!("cannot read the metadata: {}", sanitize(&error.to_string())),
            _ => "no versions".into(),
        };
        let denied = s.denied();
        let footer = if !denied.is_empty() {
            Some(Line::styled(
                format!("this token may not: {}", denied.join(", ")),
                t.status_warn,
            ))
        } else if s.marked.is_empty() {
            s.selected_version().map(|v| {
                Line::styled(
                    format!(
                        "▸ v{v} · enter: fields (masked) · {}",
                        crate::ui::screens::secrets::cli::get_version(
                            &s.mount,
                            &s.path,
                            v,
                            self.namespace
                        )
                    ),
                    t.muted,
                )
            })
        } else {
            let m: Vec<String> = s.marked.iter().map(|v| format!("v{v}")).collect();
            Some(Line::styled(
                format!("marked: {}", m.join(", ")),
                t.key_hint,
            ))
        };
        let title = format!("Versions of {}", sanitize(&s.full_path()));
        table::Panel {
            title: table::title(&title, t, suffix),
            header,
            widths,
            rows,
            focused: true,
            selected: Some(s.selected()),
            empty: Line::styled(empty, t.muted),
            footer,
        }
        .render(area, buf, t);
    }
}

impl Widget for VersionsView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        match &self.screen.pane {
            Pane::List => self.render_list(area, buf),
            Pane::Version(d) => {
                super::detail_view::render_version(self.screen, d, self.theme, area, buf)
            }
            Pane::Diff(d) => super::detail_view::render_diff(self.screen, d, self.theme, area, buf),
            Pane::Settings(f) => render_form(self.screen, f, self.theme, area, buf),
        }
    }
}

fn render_form(
    s: &VersionsScreen,
    f: &super::SettingsForm,
    t: &Theme,
    area: Rect,
    buf: &mut Buffer,
) {
    use ratatui::widgets::{Block, Borders};
    let title = format!("Settings of {}", sanitize(&s.full_path()));
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.border_focused)
        .title(table::title(&title, t, Vec::new()));
    let inner = block.inner(area);
    block.render(area, buf);
    let style = |i: usize| if f.focus == i { t.selection } else { t.text };
    // The focused line shows where typing goes.
    let shown = |i: usize, input: &crate::input::LineInput| {
        let text = sanitize(&input.text).into_owned();
        if f.focus != i {
            return format!("{text} ");
        }
        let at = text
            .char_indices()
            .nth(input.cursor)
            .map_or(text.len(), |(b, _)| b);
        format!("{}▏{}", &text[..at], &text[at..])
    };
    let mut lines = vec![
        Line::from(vec![
            Span::styled("max versions      ", t.header),
            Span::styled(shown(0, &f.max_versions), style(0)),
            Span::styled(" 0: the mount's default", t.muted),
        ]),
        Line::from(vec![
            Span::styled("check-and-set     ", t.header),
            Span::styled(
                if f.cas_required {
                    "[x] required "
                } else {
                    "[ ] required "
                },
                style(1),
            ),
            Span::styled(" space toggles", t.muted),
        ]),
        Line::from(vec![
            Span::styled("delete after      ", t.header),
            Span::styled(shown(2, &f.delete_after), style(2)),
            Span::styled(" 30m, 1h, 0s (off)", t.muted),
        ]),
        Line::styled("custom metadata   key=value, one per line", t.header),
    ];
    for (i, l) in f.custom.iter().enumerate() {
        lines.push(Line::from(vec![
            Span::raw("  "),
            Span::styled(
                shown(super::form::FIXED_ROWS + i, l),
                style(super::form::FIXED_ROWS + i),
            ),
        ]));
    }
    lines.push(Line::raw(""));
    match &f.error {
        Some(e) => lines.push(Line::styled(e.clone(), t.status_danger)),
        None => lines.push(Line::styled(
            "enter saves (through the write gate) · esc cancels",
            t.muted,
        )),
    }
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .render(inner, buf);
}
