//! `[audit]` of `config.toml`: the anomaly signals' thresholds. Every key is optional; a bad
//! value is an error naming the file, the line, the key and what is accepted.
//!
//! ```toml
//! [audit]
//! working_hours = "08:00-18:00"   # local time in utc_offset; "22:00-06:00" spans midnight
//! working_days = "mon-fri"        # a range, a list ("mon,wed,fri") or both ("mon-thu,sat")
//! utc_offset = "+00:00"           # "+02:00", "-05:30", "Z"
//! volume_factor = 3               # a path's busiest window above 3× its baseline signals
//! failed_logins = 3               # failed logins from one address within failed_login_window
//! failed_login_window = "10m"
//! long_ttl = "7d"                 # created tokens with a longer TTL signal
//! ```

use serde::Deserialize;
use toml::Spanned;

use super::file::ConfigError;
use crate::audit::AnomalyConfig;
use crate::toml_pos::line_of;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditConfig {
    pub working_hours: Option<Spanned<toml::Value>>,
    pub working_days: Option<Spanned<toml::Value>>,
    pub utc_offset: Option<Spanned<toml::Value>>,
    pub volume_factor: Option<Spanned<toml::Value>>,
    pub failed_logins: Option<Spanned<toml::Value>>,
    pub failed_login_window: Option<Spanned<toml::Value>>,
    pub long_ttl: Option<Spanned<toml::Value>>,
}

/// `"08:00"` → minutes after midnight (`24:00` allowed as an end).
fn hhmm(s: &str) -> Option<u32> {
    let (h, m) = s.trim().split_once(':')?;
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (m < 60 && (h < 24 || (h == 24 && m == 0))).then_some(h * 60 + m)
}

pub fn parse_hours(s: &str) -> Option<(u32, u32)> {
    let (a, b) = s.split_once('-')?;
    let (a, b) = (hhmm(a)?, hhmm(b)?);
    (a != b).then_some((a, b))
}

const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

fn day(s: &str) -> Option<u32> {
    let s = s.trim().to_ascii_lowercase();
    DAYS.iter()
        .position(|d| s.get(..3) == Some(*d) && d.len() <= s.len())
        .map(|i| i as u32)
}

/// `"mon-fri"`, `"mon,wed,fri"`, `"mon-thu,sat"`, `"fri-mon"` → bit 0 = Monday.
pub fn parse_days(s: &str) -> Option<u8> {
    let mut bits = 0u8;
    for part in s.split(',') {
        match part.split_once('-') {
            Some((a, b)) => {
                let (mut d, b) = (day(a)?, day(b)?);
                loop {
                    bits |= 1 << d;
                    if d == b {
                        break;
                    }
                    d = (d + 1) % 7;
                }
            }
            None => bits |= 1 << day(part)?,
        }
    }
    (bits != 0).then_some(bits)
}

/// `"+02:00"`, `"-05:30"`, `"Z"`, `"UTC"` → seconds east of UTC (at most 14 h).
pub fn parse_offset(s: &str) -> Option<i32> {
    let s = s.trim();
    if s.eq_ignore_ascii_case("z") || s.eq_ignore_ascii_case("utc") {
        return Some(0);
    }
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => return None,
    };
    let (h, m) = rest.split_once(':').unwrap_or((rest, "0"));
    let (h, m): (i32, i32) = (h.parse().ok()?, m.parse().ok()?);
    (h <= 14 && (0..60).contains(&m)).then_some(sign * (h * 3600 + m * 60))
}

/// Check `[audit]` into an [`AnomalyConfig`] (defaults for keys not given).
pub fn check(c: &AuditConfig, text: &str, file: &str) -> Result<AnomalyConfig, ConfigError> {
    let mut cfg = AnomalyConfig::default();
    let bad = |key: &str, v: &Spanned<toml::Value>, expected: &str| ConfigError::Invalid {
        file: file.to_string(),
        line: line_of(text, v.span().start),
        message: format!("audit.{key} = {} is not {expected}", v.get_ref()),
    };
    let string = |v: &Spanned<toml::Value>| v.get_ref().as_str().map(str::to_string);
    if let Some(v) = &c.working_hours {
        let (a, b) = string(v)
            .and_then(|s| parse_hours(&s))
            .ok_or_else(|| bad("working_hours", v, "a range of times like \"08:00-18:00\""))?;
        (cfg.work_start_min, cfg.work_end_min) = (a, b);
    }
    if let Some(v) = &c.working_days {
        cfg.work_days = string(v).and_then(|s| parse_days(&s)).ok_or_else(|| {
            bad(
                "working_days",
                v,
                "days like \"mon-fri\" or \"mon,wed,fri\"",
            )
        })?;
    }
    if let Some(v) = &c.utc_offset {
        cfg.utc_offset_secs = string(v).and_then(|s| parse_offset(&s)).ok_or_else(|| {
            bad(
                "utc_offset",
                v,
                "an offset like \"+02:00\", \"-05:30\" or \"Z\"",
            )
        })?;
    }
    let int = |key: &str, v: &Spanned<toml::Value>, lo: i64, hi: i64| {
        v.get_ref()
            .as_integer()
            .filter(|n| (lo..=hi).contains(n))
            .and_then(|n| u32::try_from(n).ok())
            .ok_or_else(|| bad(key, v, &format!("a whole number from {lo} to {hi}")))
    };
    if let Some(v) = &c.volume_factor {
        cfg.volume_factor = int("volume_factor", v, 2, 1000)?;
    }
    if let Some(v) = &c.failed_logins {
        cfg.failed_logins = int("failed_logins", v, 1, 10_000)?;
    }
    let duration = |key: &str, v: &Spanned<toml::Value>| {
        string(v)
            .and_then(|s| crate::radar::parse_duration(&s))
            .map(|d| d.as_secs())
            .ok_or_else(|| bad(key, v, "a duration (e.g. \"10m\", \"7d\", \"36h\")"))
    };
    if let Some(v) = &c.failed_login_window {
        cfg.failed_login_window_secs = u32::try_from(duration("failed_login_window", v)?)
            .map_err(|_| bad("failed_login_window", v, "a duration under 136 years"))?;
    }
    if let Some(v) = &c.long_ttl {
        cfg.long_ttl_secs = i64::try_from(duration("long_ttl", v)?).unwrap_or(i64::MAX);
    }
    Ok(cfg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values() {
        assert_eq!(parse_hours("08:00-18:00"), Some((480, 1080)));
        assert_eq!(parse_hours("22:00-06:30"), Some((1320, 390)));
        assert_eq!(parse_hours("8-18"), None);
        assert_eq!(parse_days("mon-fri"), Some(0b001_1111));
        assert_eq!(parse_days("sat,sun"), Some(0b110_0000));
        assert_eq!(parse_days("fri-mon"), Some(0b111_0001));
        assert_eq!(parse_days("weekdays"), None);
        assert_eq!(parse_offset("+02:00"), Some(7200));
        assert_eq!(parse_offset("-05:30"), Some(-19_800));
        assert_eq!(parse_offset("Z"), Some(0));
        assert_eq!(parse_offset("+15:00"), None);
        assert_eq!(parse_offset("2"), None);
    }

    #[test]
    fn the_documented_defaults_are_the_defaults() {
        let text = include_str!("../../assets/config.toml");
        let parsed = crate::config::parse_config(text, "config.toml").expect("parses");
        assert!(
            parsed.audit.is_some(),
            "assets/config.toml documents [audit]"
        );
        assert_eq!(parsed.anomaly, AnomalyConfig::default());
        let e = crate::config::parse_config("[audit]\nlong_ttl = \"forever\"\n", "c.toml")
            .expect_err("bad");
        assert_eq!(
            e.to_string(),
            "config file c.toml, line 2: audit.long_ttl = \"forever\" is not a duration (e.g. \"10m\", \"7d\", \"36h\")"
        );
        let ok = crate::config::parse_config(
            "[audit]\nworking_hours = \"22:00-06:00\"\nworking_days = \"sat,sun\"\nutc_offset = \"+02:00\"\nfailed_logins = 5\n",
            "c.toml",
        )
        .expect("valid");
        assert_eq!(
            (ok.anomaly.work_start_min, ok.anomaly.work_end_min),
            (1320, 360)
        );
        assert_eq!(ok.anomaly.work_days, 0b110_0000);
        assert_eq!(ok.anomaly.utc_offset_secs, 7200);
        assert_eq!(ok.anomaly.failed_logins, 5);
    }
}
