//! `--since` / `--until` of `audit report`: RFC 3339 (`2026-12-01T08:00:00Z`), a date
//! (`2026-12-01`, midnight UTC) or an age before now (`7d`, `36h`, `1h30m`).

/// Unix ns of a time as typed, or a message naming what is accepted.
pub fn parse_when(text: &str, now_ns: i64) -> Result<i64, String> {
    let s = text.trim();
    if let Some(t) = super::entry::parse_time(s) {
        return Ok(t);
    }
    if let Ok(d) = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        && let Some(t) = d
            .and_hms_opt(0, 0, 0)
            .and_then(|t| t.and_utc().timestamp_nanos_opt())
    {
        return Ok(t);
    }
    if let Some(secs) = crate::radar::parse_secs(s)
        && let Ok(secs) = i64::try_from(secs)
    {
        return Ok(now_ns.saturating_sub(secs.saturating_mul(1_000_000_000)));
    }
    Err(format!(
        "\"{}\" is not a time: use RFC 3339 (2026-12-01T08:00:00Z), a date (2026-12-01) or an age (7d, 36h)",
        crate::sanitize::sanitize(s)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        assert_eq!(parse_when("1970-01-02", 0), Ok(86_400_000_000_000));
        assert_eq!(parse_when("1970-01-01T00:00:01Z", 0), Ok(1_000_000_000));
        assert_eq!(
            parse_when("7d", 8 * 86_400_000_000_000),
            Ok(86_400_000_000_000)
        );
        assert!(
            parse_when("yesterday", 0)
                .unwrap_err()
                .contains("\"yesterday\"")
        );
    }
}
