//! Ages and durations for humans: `42s`, `3m`, `2h`, `5d`.

use chrono::Duration;

/// A short age such as `42s`, `3m12s`, `2h`, `5d`.
pub fn short(d: Duration) -> String {
    let s = d.num_seconds().max(0);
    match s {
        0..60 => format!("{s}s"),
        60..600 => format!("{}m{:02}s", s / 60, s % 60),
        600..3600 => format!("{}m", s / 60),
        3600..86_400 => format!("{}h", s / 3600),
        _ => format!("{}d", s / 86_400),
    }
}

/// A one-unit age for narrow cells: `42s`, `3m`, `2h`, `5d`.
pub fn coarse(d: Duration) -> String {
    let s = d.num_seconds().max(0);
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m", s / 60),
        3600..86_400 => format!("{}h", s / 3600),
        _ => format!("{}d", s / 86_400),
    }
}

/// A signed clock skew in at most four cells: `+0s`, `-42s`, `+3m`, `+2h`.
pub fn skew(secs: i64) -> String {
    let a = secs.unsigned_abs();
    let sign = if secs < 0 { '-' } else { '+' };
    match a {
        0..100 => format!("{sign}{a}s"),
        100..6000 => format!("{sign}{}m", a / 60),
        6000..360_000 => format!("{sign}{}h", a / 3600),
        _ => format!("{sign}{}d", a / 86_400),
    }
}

/// Parse a Go duration string such as `"1.5s"`, `"250ms"`, `"2m3s"`, `"0s"` into milliseconds.
pub fn go_duration_ms(s: &str) -> Option<f64> {
    let mut total = 0.0;
    let mut num = String::new();
    let mut chars = s.trim().chars().peekable();
    let mut any = false;
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() || c == '.' {
            num.push(c);
            continue;
        }
        let mut unit = c.to_string();
        while let Some(&n) = chars.peek() {
            if n.is_ascii_alphabetic() || n == 'µ' {
                unit.push(n);
                chars.next();
            } else {
                break;
            }
        }
        let v: f64 = num.parse().ok()?;
        num.clear();
        let factor = match unit.as_str() {
            "ns" => 1e-6,
            "us" | "µs" => 1e-3,
            "ms" => 1.0,
            "s" => 1e3,
            "m" => 60e3,
            "h" => 3600e3,
            _ => return None,
        };
        total += v * factor;
        any = true;
    }
    (any && num.is_empty()).then_some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_parses() {
        assert_eq!(short(Duration::seconds(42)), "42s");
        assert_eq!(short(Duration::seconds(192)), "3m12s");
        assert_eq!(short(Duration::seconds(7200)), "2h");
        assert_eq!(short(Duration::seconds(-3)), "0s");
        assert_eq!(coarse(Duration::seconds(192)), "3m");
        assert_eq!(coarse(Duration::seconds(42)), "42s");
        assert_eq!(coarse(Duration::seconds(90_000)), "1d");
        assert_eq!(skew(0), "+0s");
        assert_eq!(skew(-42), "-42s");
        assert_eq!(skew(150), "+2m");
        assert_eq!(skew(-7200), "-2h");
        assert_eq!(go_duration_ms("1.5s"), Some(1500.0));
        assert_eq!(go_duration_ms("2m3s"), Some(123_000.0));
        assert_eq!(go_duration_ms("250ms"), Some(250.0));
        assert_eq!(go_duration_ms("0s"), Some(0.0));
        assert_eq!(go_duration_ms("soon"), None);
    }
}
