//! The filter form (`F`): time window (RFC 3339, a date, or an age such as `1h`), path prefix
//! or `*` pattern, operations, identity, client address, errors only, denied only. `enter`
//! applies it (a new scan: the filter runs in the scanner), `esc` leaves it as it was.

use chrono::{DateTime, NaiveDate, Utc};
use crossterm::event::KeyEvent;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget};

use crate::action::Action;
use crate::audit::AuditFilter;
use crate::audit::filter::PathMatch;
use crate::input::LineInput;
use crate::sanitize::sanitize;
use crate::theme::Theme;

/// The form's texts as typed (and the two switches).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FormText {
    pub since: String,
    pub until: String,
    pub path: String,
    /// Comma- or space-separated.
    pub operations: String,
    pub identity: String,
    pub remote: String,
    pub errors: bool,
    pub denied: bool,
}

/// A filled form (snapshots, help examples).
pub fn form_text_example() -> FormText {
    FormText {
        since: "24h".into(),
        until: String::new(),
        path: "secret/data/apps/".into(),
        operations: "read, list".into(),
        identity: "alice".into(),
        remote: "127.0.0.".into(),
        errors: false,
        denied: false,
    }
}

const LABELS: [&str; 8] = [
    "since",
    "until",
    "path",
    "operations",
    "identity",
    "client address",
    "errors only",
    "denied only",
];
const HELP: [&str; 8] = [
    "RFC 3339, a date (2026-12-01) or an age (1h, 7d)",
    "same forms; exclusive",
    "a prefix (secret/data/apps/) or a pattern with *",
    "read, list, create, update, delete… (comma-separated)",
    "part of the display name or entity id",
    "a prefix of the client address",
    "space toggles",
    "space toggles",
];
const TEXT_FIELDS: usize = 6;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterForm {
    pub inputs: [LineInput; TEXT_FIELDS],
    pub errors: bool,
    pub denied: bool,
    pub focus: usize,
    pub error: Option<String>,
}

impl FilterForm {
    pub fn new(t: &FormText) -> FilterForm {
        let l = LineInput::with_text;
        FilterForm {
            inputs: [
                l(&t.since),
                l(&t.until),
                l(&t.path),
                l(&t.operations),
                l(&t.identity),
                l(&t.remote),
            ],
            errors: t.errors,
            denied: t.denied,
            focus: 0,
            error: None,
        }
    }

    pub fn text(&self) -> FormText {
        let v = |i: usize| self.inputs[i].text.trim().to_string();
        FormText {
            since: v(0),
            until: v(1),
            path: v(2),
            operations: v(3),
            identity: v(4),
            remote: v(5),
            errors: self.errors,
            denied: self.denied,
        }
    }

    /// The scanner's filter, or what is wrong (in words).
    pub fn to_filter(&self, now: DateTime<Utc>) -> Result<AuditFilter, String> {
        let t = self.text();
        let opt = |s: &str| (!s.is_empty()).then(|| s.to_string());
        let when = |s: &str, name: &str| -> Result<Option<i64>, String> {
            if s.is_empty() {
                return Ok(None);
            }
            parse_when(s, now)
                .map(Some)
                .map_err(|e| format!("{name}: {e}"))
        };
        let since = when(&t.since, "since")?;
        let until = when(&t.until, "until")?;
        if let (Some(a), Some(b)) = (since, until)
            && a >= b
        {
            return Err("since must come before until".into());
        }
        Ok(AuditFilter {
            since,
            until,
            path: opt(&t.path).map(|p| PathMatch::parse(&p)),
            operations: t
                .operations
                .split([',', ' '])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_lowercase)
                .collect(),
            identity: opt(&t.identity),
            remote: opt(&t.remote),
            errors_only: t.errors,
            denied_only: t.denied,
            text: None,
            hmacs: Vec::new(),
        })
    }

    pub fn on_action(&mut self, a: Action) {
        let n = LABELS.len();
        self.focus = match a {
            Action::Down | Action::FocusNext => (self.focus + 1) % n,
            Action::Up | Action::FocusPrev => (self.focus + n - 1) % n,
            Action::Top => 0,
            Action::Bottom => n - 1,
            _ => self.focus,
        };
    }

    pub fn on_key(&mut self, key: KeyEvent) {
        self.error = None;
        match self.focus {
            i if i < TEXT_FIELDS => {
                self.inputs[i].handle_key(key);
            }
            i => {
                if crate::input::is_toggle(&key) {
                    let v = if i == TEXT_FIELDS {
                        &mut self.errors
                    } else {
                        &mut self.denied
                    };
                    *v = !*v;
                }
            }
        }
    }

    pub fn paste(&mut self, text: &str) {
        if let Some(i) = self.inputs.get_mut(self.focus) {
            i.insert_str(text);
        }
    }
}

/// A time as the form and the CLI take it: RFC 3339, a date (midnight UTC) or an age before
/// `now` (`90s`, `30m`, `1h`, `7d`). Unix nanoseconds.
pub fn parse_when(s: &str, now: DateTime<Utc>) -> Result<i64, String> {
    let s = s.trim();
    let ns = |t: DateTime<Utc>| {
        t.timestamp_nanos_opt()
            .ok_or_else(|| "out of range".to_string())
    };
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return ns(t.with_timezone(&Utc));
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return d
            .and_hms_opt(0, 0, 0)
            .map(|t| t.and_utc())
            .ok_or_else(|| "out of range".to_string())
            .and_then(ns);
    }
    if let Some(secs) = crate::radar::parse_secs(s) {
        let age = chrono::Duration::try_seconds(i64::try_from(secs).unwrap_or(i64::MAX))
            .ok_or_else(|| "out of range".to_string())?;
        return now
            .checked_sub_signed(age)
            .ok_or_else(|| "out of range".to_string())
            .and_then(ns);
    }
    Err(format!(
        "\"{}\" is not a time (2026-12-01T08:00:00Z, 2026-12-01 or an age like 1h)",
        sanitize(s)
    ))
}

pub fn render(f: &FilterForm, t: &Theme, area: Rect, buf: &mut Buffer) {
    Clear.render(area, buf);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.border_focused)
        .title(Span::styled(" Filters ", t.title))
        .title_bottom(Line::styled(
            " enter applies (a new scan) · esc leaves · tab next ",
            t.muted,
        ));
    let inner = block.inner(area);
    block.render(area, buf);
    let mut lines = Vec::new();
    for (i, label) in LABELS.iter().enumerate() {
        let focused = i == f.focus;
        let label_style = if focused { t.key_hint } else { t.text };
        let mut spans = vec![Span::styled(format!("{label:>15}: "), label_style)];
        if i < TEXT_FIELDS {
            let text = sanitize(&f.inputs[i].text).into_owned();
            let cursor = if focused { "▏" } else { "" };
            spans.push(Span::styled(format!("{text}{cursor}"), t.command_line));
        } else {
            let on = if i == TEXT_FIELDS { f.errors } else { f.denied };
            spans.push(Span::styled(if on { "[x]" } else { "[ ]" }, t.command_line));
        }
        if focused {
            spans.push(Span::styled(format!("  {}", HELP[i]), t.muted));
        }
        lines.push(Line::from(spans));
    }
    if let Some(e) = &f.error {
        lines.push(Line::styled(e.clone(), t.status_warn));
    }
    Paragraph::new(lines).render(inner, buf);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_as_typed() {
        let now = DateTime::parse_from_rfc3339("2026-12-06T12:00:00Z")
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default();
        let h = 3_600_000_000_000_i64;
        let base = now.timestamp_nanos_opt().unwrap_or(0);
        assert_eq!(parse_when("1h", now), Ok(base - h));
        assert_eq!(parse_when("2026-12-06", now), Ok(base - 12 * h));
        assert_eq!(parse_when("2026-12-06T11:00:00Z", now), Ok(base - h));
        assert!(parse_when("yesterday", now).is_err());
    }
}
