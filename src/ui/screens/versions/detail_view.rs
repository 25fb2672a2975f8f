//! One version's fields (values masked until revealed) and the diff of two versions (names from
//! `subkeys`; changed or same only once both versions were read on request).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Cell;
use secrecy::ExposeSecret;

use super::{DiffDetail, VersionDetail, VersionsScreen};
use crate::remote::Remote;
use crate::sanitize::sanitize;
use crate::theme::Theme;
use crate::ui::widgets::table::{self, Col};
use crate::vault::models::kv_diff::{self, Change};
use crate::vault::models::kv_secret::{SecretFields, Subkeys};

/// What a masked value shows: the same whatever the value (its length is not told).
pub const MASK: &str = "••••••••";

const FIELD_COLS: [Col; 2] = [Col::new("FIELD", 24, 0), Col::new("VALUE", 12, 0)];
const DIFF_COLS: [Col; 4] = [
    Col::new("CHANGE", 10, 0),
    Col::new("FIELD", 18, 0),
    Col::new("OLD", 14, 1),
    Col::new("NEW", 14, 1),
];

/// A value cell: the mask, the value (sanitised), or why there is none.
fn value_cell(
    values: &Remote<SecretFields>,
    name: &str,
    shown: bool,
    t: &Theme,
) -> (String, Style) {
    if !shown {
        return (MASK.into(), t.secret_masked);
    }
    match values {
        Remote::Ready(v) => match v.value.get(name) {
            Some(f) => (
                table::fit(&sanitize(f.value.expose_secret()), 200),
                t.secret_revealed,
            ),
            None => ("—".into(), t.muted),
        },
        Remote::Failed { .. } => ("read failed".into(), t.status_danger),
        _ => ("reading…".into(), t.muted),
    }
}

/// "deleted" / "destroyed" when a version's names came back empty because it is gone.
fn gone(names: &Remote<Subkeys>) -> Option<&'static str> {
    let n = names.value()?;
    let m = n.version.as_ref()?;
    if !n.keys.is_empty() {
        return None;
    }
    if m.destroyed {
        Some("destroyed")
    } else if !m.deletion_time.is_empty() {
        Some("deleted")
    } else {
        None
    }
}

fn remote_error<T>(r: &Remote<T>) -> Option<String> {
    r.error().map(|e| sanitize(&e.to_string()).into_owned())
}

pub fn render_version(
    s: &VersionsScreen,
    d: &VersionDetail,
    t: &Theme,
    area: Rect,
    buf: &mut Buffer,
) {
    let names = d.field_names();
    let keep = table::fit_columns(&FIELD_COLS, area.width.saturating_sub(2));
    let (header, widths) = table::kept_layout(&FIELD_COLS, &keep);
    let rows = names
        .iter()
        .map(|n| {
            let (v, style) = value_cell(&d.values, n, d.shown.shows(n), t);
            table::kept_row(
                vec![
                    Cell::from(Span::styled(sanitize(n).into_owned(), t.text)),
                    Cell::from(Span::styled(v, style)),
                ],
                &keep,
            )
        })
        .collect();
    let state = d
        .names
        .value()
        .and_then(|n| n.version.as_ref())
        .map(|m| {
            if m.destroyed {
                "destroyed: no fields"
            } else if !m.deletion_time.is_empty()
                && d.names.value().is_some_and(|n| n.keys.is_empty())
            {
                "deleted: no fields (undelete brings them back)"
            } else {
                ""
            }
        })
        .unwrap_or_default();
    let mut suffix = Vec::new();
    if let Some(e) = remote_error(&d.names).or_else(|| remote_error(&d.values)) {
        suffix.push(Span::styled(format!("· {e} "), t.status_danger));
    } else if d.names.is_loading() || d.values.is_loading() {
        suffix.push(Span::styled("· loading… ", t.muted));
    }
    let empty = match (&d.names, state) {
        (Remote::Loading { .. } | Remote::NotAsked, _) => "loading field names…".to_string(),
        (Remote::Failed { error, .. }, _) => {
            format!("cannot list the fields: {}", sanitize(&error.to_string()))
        }
        (_, s) if !s.is_empty() => format!("this version is {s}"),
        _ => "no fields".into(),
    };
    let footer = if d.values.value().is_some() {
        "values read from the server for this view; dropped when you leave this version"
    } else {
        "values masked: revealing reads this version from the server"
    };
    let title = format!("v{} of {}", d.version, sanitize(&s.full_path()));
    table::Panel {
        title: table::title(&title, t, suffix),
        header,
        widths,
        rows,
        focused: true,
        selected: Some(d.selected),
        empty: Line::styled(empty, t.muted),
        footer: Some(Line::styled(footer, t.muted)),
    }
    .render(area, buf, t);
}

fn change_cell(c: Change, compared: bool, t: &Theme) -> (&'static str, Style) {
    match (c, compared) {
        (Change::Added, _) => ("added", t.status_ok),
        (Change::Removed, _) => ("removed", t.status_danger),
        (Change::Changed, _) => ("changed", t.status_warn),
        (Change::Same, true) => ("same", t.muted),
        (Change::Same, false) => ("in both", t.muted),
    }
}

pub fn render_diff(s: &VersionsScreen, d: &DiffDetail, t: &Theme, area: Rect, buf: &mut Buffer) {
    let diff_rows = d.rows();
    let keep = table::fit_columns(&DIFF_COLS, area.width.saturating_sub(2));
    let (header, widths) = table::kept_layout(&DIFF_COLS, &keep);
    let rows = diff_rows
        .iter()
        .map(|r| {
            let name = &r.field.name;
            let (change, style) = change_cell(r.field.change, r.compared, t);
            let shown = d.shown.shows(name);
            let side = |values: &Remote<SecretFields>, present: bool| {
                if !present {
                    ("".to_string(), t.muted)
                } else {
                    value_cell(values, name, shown, t)
                }
            };
            let (o, os) = side(&d.old_values, r.field.change != Change::Added);
            let (n, ns) = side(&d.new_values, r.field.change != Change::Removed);
            table::kept_row(
                vec![
                    Cell::from(Span::styled(change, style)),
                    Cell::from(Span::styled(sanitize(name).into_owned(), t.text)),
                    Cell::from(Span::styled(o, os)),
                    Cell::from(Span::styled(n, ns)),
                ],
                &keep,
            )
        })
        .collect();
    let mut suffix = Vec::new();
    let errors = [
        remote_error(&d.old_names),
        remote_error(&d.new_names),
        remote_error(&d.old_values),
        remote_error(&d.new_values),
    ];
    for (v, names) in [(d.old, &d.old_names), (d.new, &d.new_names)] {
        if let Some(why) = gone(names) {
            suffix.push(Span::styled(
                format!("· v{v} is {why}: no fields "),
                t.status_warn,
            ));
        }
    }
    if let Some(e) = errors.into_iter().flatten().next() {
        suffix.push(Span::styled(format!("· {e} "), t.status_danger));
    } else if d.compared() {
        let fields: Vec<_> = diff_rows.iter().map(|r| r.field.clone()).collect();
        suffix.push(Span::styled(
            format!("· {} ", kv_diff::summary(&fields)),
            t.muted,
        ));
    } else if [&d.old_names, &d.new_names].iter().any(|r| r.is_loading())
        || d.old_values.is_loading()
        || d.new_values.is_loading()
    {
        suffix.push(Span::styled("· loading… ", t.muted));
    }
    let empty = if d.old_names.value().is_some() && d.new_names.value().is_some() {
        "neither version has fields (deleted or destroyed)".to_string()
    } else if let Some(e) = remote_error(&d.old_names).or_else(|| remote_error(&d.new_names)) {
        format!("cannot list the fields: {e}")
    } else {
        "loading field names…".to_string()
    };
    let footer = if d.compared() {
        "values of both versions read for this diff; dropped when you leave it"
    } else {
        "names only: comparing values reads both versions from the server"
    };
    let title = format!("v{} → v{} of {}", d.old, d.new, sanitize(&s.full_path()));
    table::Panel {
        title: table::title(&title, t, suffix),
        header,
        widths,
        rows,
        focused: true,
        selected: Some(d.selected),
        empty: Line::styled(empty, t.muted),
        footer: Some(Line::styled(footer, t.muted)),
    }
    .render(area, buf, t);
}
