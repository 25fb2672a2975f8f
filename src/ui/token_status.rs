//! The console's own token in the status bar: a live countdown from its expire time (drawn
//! from `app.now`, so a pure function of state), "never expires" for a root or period-less
//! token, the warning style under 10 % of its TTL or 5 minutes, and the danger style when it
//! has expired or was refused.

use chrono::{DateTime, Utc};
use ratatui::text::Span;

use crate::action::Action;
use crate::app::App;
use crate::app::own_token::OwnToken;
use crate::sanitize::sanitize;

/// The footer's offer while the login dialog is open.
pub const LOGIN_HINTS: &[Action] = &[Action::Confirm, Action::LoginMethod, Action::Cancel];

/// Under this many seconds left, the TTL is a warning.
const WARN_SECS: i64 = 300;

/// How the TTL is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TtlLevel {
    Normal,
    Warn,
    Danger,
}

/// `42s`, `4m12s`, `3h05m`, `2d03h`.
pub fn format_ttl(secs: i64) -> String {
    let s = secs.max(0);
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m{:02}s", s / 60, s % 60),
        3600..86400 => format!("{}h{:02}m", s / 3600, (s % 3600) / 60),
        _ => format!("{}d{:02}h", s / 86400, (s % 86400) / 3600),
    }
}

/// The TTL text and its level, or nothing (no token followed, not looked up yet).
pub fn ttl_status(own: &OwnToken, now: DateTime<Utc>) -> Option<(String, TtlLevel)> {
    if !own.tracking {
        return None;
    }
    if own.dead.is_some() {
        let expired = own.ttl_at(now).is_some_and(|s| s <= 0);
        let what = if expired {
            "TOKEN EXPIRED"
        } else {
            "TOKEN REFUSED"
        };
        return Some((format!("{what} · :login"), TtlLevel::Danger));
    }
    let info = own.info.value()?;
    let Some(left) = info.ttl_at(now) else {
        return Some(("never expires".into(), TtlLevel::Normal));
    };
    if left <= 0 {
        return Some(("token expired".into(), TtlLevel::Danger));
    }
    let tenth = info.creation_ttl.max(info.ttl) / 10;
    let level = if left < WARN_SECS || left < tenth {
        TtlLevel::Warn
    } else {
        TtlLevel::Normal
    };
    Some((format!("ttl {}", format_ttl(left)), level))
}

/// What replaces the profile's token source after a `:login`.
pub fn source_label(app: &App) -> Option<String> {
    let (method, mount) = app.own_token.logged_in.as_ref()?;
    Some(match method {
        crate::vault::login::LoginMethod::Token => "token: :login".to_string(),
        m => format!("token: {} login ({})", m.name(), sanitize(mount)),
    })
}

/// The spans after the token source.
pub fn spans(app: &App) -> Vec<Span<'static>> {
    let Some((text, level)) = ttl_status(&app.own_token, app.now) else {
        return Vec::new();
    };
    let t = app.theme();
    let style = match level {
        TtlLevel::Normal => t.muted,
        TtlLevel::Warn => t.status_warn,
        TtlLevel::Danger => t.status_danger,
    };
    vec![Span::styled(" · ", t.muted), Span::styled(text, style)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ttls_read_coarse_to_fine() {
        assert_eq!(format_ttl(-3), "0s");
        assert_eq!(format_ttl(42), "42s");
        assert_eq!(format_ttl(252), "4m12s");
        assert_eq!(format_ttl(3 * 3600 + 5 * 60 + 9), "3h05m");
        assert_eq!(format_ttl(2 * 86400 + 3 * 3600), "2d03h");
    }
}
