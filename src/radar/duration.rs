//! Durations as operators write them: `90d`, `36h`, `30m`, `1w`, `1h30m`, `45s` (a bare number
//! is seconds). Hand-written: the config file and the `:radar` line need only these units, and
//! the crates that parse them (humantime) bring formats the console does not want to accept.

use std::time::Duration;

/// The longest duration accepted (10 years): anything longer is a typo.
pub const MAX: Duration = Duration::from_secs(10 * 366 * 86_400);

/// Parse `90d`, `36h`, `1h30m`, `2w`, `45s` or `45`; `None` for anything else, zero or more
/// than [`MAX`].
pub fn parse_duration(text: &str) -> Option<Duration> {
    parse_secs(text)
        .map(Duration::from_secs)
        .filter(|d| !d.is_zero())
}

/// Seconds of a duration as operators type it (`90d`, `36h`, `1h30m`, `2w`, `45s`, `45`; zero
/// allowed); `None` for anything else (empty, negative, unknown units, a trailing number after
/// a unit, more than [`MAX`]). The one parser of the console: the radar, the config file, the
/// lease renew prompt, `leases ls --expiring` and the token filter's `ttl>` all use it.
pub fn parse_secs(text: &str) -> Option<u64> {
    let s = text.trim();
    if s.is_empty() {
        return None;
    }
    let total = match s.parse::<u64>() {
        Ok(n) => n,
        Err(_) => {
            let mut total: u64 = 0;
            let mut num = String::new();
            for c in s.chars() {
                if c.is_ascii_digit() {
                    num.push(c);
                    continue;
                }
                let unit: u64 = match c {
                    's' => 1,
                    'm' => 60,
                    'h' => 3_600,
                    'd' => 86_400,
                    'w' => 7 * 86_400,
                    _ => return None,
                };
                let n: u64 = num.parse().ok()?;
                num.clear();
                total = total.checked_add(n.checked_mul(unit)?)?;
            }
            if !num.is_empty() {
                return None;
            }
            total
        }
    };
    (total <= MAX.as_secs()).then_some(total)
}

/// `90d`, `36h`, `1h30m`, `45s`: the shortest exact form (for titles and messages).
pub fn format_duration(d: Duration) -> String {
    let mut s = d.as_secs();
    if s == 0 {
        return "0s".into();
    }
    let mut out = String::new();
    for (unit, len) in [("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)] {
        if s >= len {
            out += &format!("{}{unit}", s / len);
            s %= len;
        }
    }
    out
}

/// A compact signed distance from now: `in 29m`, `in 3d 4h`, `2h ago`.
pub fn relative(secs: i64) -> String {
    let a = secs.unsigned_abs();
    let body = if a < 60 {
        format!("{a}s")
    } else if a < 3_600 {
        format!("{}m", a / 60)
    } else if a < 86_400 {
        let (h, m) = (a / 3_600, (a % 3_600) / 60);
        if m == 0 {
            format!("{h}h")
        } else {
            format!("{h}h {m}m")
        }
    } else {
        let (d, h) = (a / 86_400, (a % 86_400) / 3_600);
        if h == 0 {
            format!("{d}d")
        } else {
            format!("{d}d {h}h")
        }
    };
    if secs < 0 {
        format!("{body} ago")
    } else {
        format!("in {body}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_and_format() {
        assert_eq!(
            parse_duration("90d"),
            Some(Duration::from_secs(90 * 86_400))
        );
        assert_eq!(
            parse_duration(" 36h "),
            Some(Duration::from_secs(36 * 3_600))
        );
        assert_eq!(parse_duration("1h30m"), Some(Duration::from_secs(5_400)));
        assert_eq!(parse_duration("2w"), Some(Duration::from_secs(14 * 86_400)));
        assert_eq!(parse_duration("45"), Some(Duration::from_secs(45)));
        for bad in ["", "0s", "h", "10x", "1.5h", "-1h", "5h3", "99999w"] {
            assert_eq!(parse_duration(bad), None, "{bad}");
        }
        assert_eq!(format_duration(Duration::from_secs(5_400)), "1h30m");
        assert_eq!(format_duration(Duration::from_secs(90 * 86_400)), "90d");
        assert_eq!(relative(29 * 60), "in 29m");
        assert_eq!(relative(-7_200), "2h ago");
        assert_eq!(relative(3 * 86_400 + 4 * 3_600), "in 3d 4h");
    }
}
