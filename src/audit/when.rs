//! Times given on the command line (`--since`, `--until`): RFC 3339
//! (`2026-12-01T10:00:00Z`), a date (`2026-12-01`, midnight UTC) or an age before now
//! (`90s`, `15m`, `1h`, `7d`, `2w`).

/// A time that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{0:?} is not a time: give RFC 3339 (2026-12-01T10:00:00Z), a date (2026-12-01) or an age (7d, 1h)"
)]
pub struct WhenError(pub String);

/// Unix nanoseconds of `s`, ages counted back from `now` (unix ns).
pub fn parse_when(s: &str, now: i64) -> Result<i64, WhenError> {
    let s = s.trim();
    let bad = || WhenError(crate::sanitize::sanitize(s).into_owned());
    if let Some(t) = super::entry::parse_time(s) {
        return Ok(t);
    }
    if let Ok(d) = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return d
            .and_hms_opt(0, 0, 0)
            .and_then(|t| t.and_utc().timestamp_nanos_opt())
            .ok_or_else(bad);
    }
    let unit = s.chars().last().ok_or_else(bad)?;
    let secs: i64 = match unit {
        's' => 1,
        'm' => 60,
        'h' => 3600,
        'd' => 86_400,
        'w' => 7 * 86_400,
        _ => return Err(bad()),
    };
    let n: i64 = s[..s.len() - 1].parse().map_err(|_| bad())?;
    if n < 0 {
        return Err(bad());
    }
    n.checked_mul(secs)
        .and_then(|x| x.checked_mul(1_000_000_000))
        .and_then(|x| now.checked_sub(x))
        .ok_or_else(bad)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        let now = 1_800_000_000_000_000_000;
        assert_eq!(parse_when("1h", now), Ok(now - 3_600_000_000_000));
        assert_eq!(parse_when("7d", now), Ok(now - 7 * 86_400_000_000_000));
        assert_eq!(
            parse_when("2026-12-01", now),
            parse_when("2026-12-01T00:00:00Z", now)
        );
        assert!(parse_when("soon", now).is_err());
        assert!(parse_when("-1h", now).is_err());
    }
}
