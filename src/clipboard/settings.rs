//! Clipboard settings: `[clipboard]` in config.toml (`mode`, `clear_after`) and the
//! `STRONGROOM_CLIPBOARD` environment override of the mode.

use std::time::Duration;

/// Environment variable that overrides `clipboard.mode` (tests use `osc52` or `off`).
pub const ENV_MODE: &str = "STRONGROOM_CLIPBOARD";
/// Default time after which a copy is cleared.
pub const DEFAULT_CLEAR_AFTER: Duration = Duration::from_secs(30);
/// The bounds of `clear_after`, in seconds.
pub const CLEAR_AFTER_SECS: std::ops::RangeInclusive<u64> = 1..=3600;

/// Which clipboard a copy goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ClipboardMode {
    /// The system clipboard when there is one (a display, not over SSH), else OSC 52; OSC 52
    /// also when the system clipboard fails.
    #[default]
    Auto,
    /// The system clipboard (arboard); OSC 52 only when it fails.
    System,
    /// OSC 52 escape sequences to the terminal, always.
    Osc52,
    /// Copying is off.
    Off,
}

impl ClipboardMode {
    pub const NAMES: &'static str = "auto, system, osc52, off";

    pub fn name(self) -> &'static str {
        match self {
            ClipboardMode::Auto => "auto",
            ClipboardMode::System => "system",
            ClipboardMode::Osc52 => "osc52",
            ClipboardMode::Off => "off",
        }
    }

    pub fn parse(s: &str) -> Option<ClipboardMode> {
        match s.trim().to_ascii_lowercase().as_str() {
            "auto" => Some(ClipboardMode::Auto),
            "system" => Some(ClipboardMode::System),
            "osc52" | "osc-52" => Some(ClipboardMode::Osc52),
            "off" | "none" => Some(ClipboardMode::Off),
            _ => None,
        }
    }
}

/// The clipboard's settings, after config file and environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClipboardSettings {
    pub mode: ClipboardMode,
    pub clear_after: Duration,
}

impl Default for ClipboardSettings {
    fn default() -> Self {
        Self {
            mode: ClipboardMode::Auto,
            clear_after: DEFAULT_CLEAR_AFTER,
        }
    }
}

/// `clear_after` as written in the config file: whole seconds (`30`) or a duration with a unit
/// (`"45s"`, `"2m"`). Out of [`CLEAR_AFTER_SECS`] → an error message naming the bounds.
pub fn parse_clear_after(value: &toml::Value) -> Result<Duration, String> {
    let secs = match value {
        toml::Value::Integer(n) => u64::try_from(*n).ok(),
        toml::Value::String(s) => {
            let s = s.trim();
            let (num, mult) = if let Some(n) = s.strip_suffix('m') {
                (n, 60)
            } else if let Some(n) = s.strip_suffix('s') {
                (n, 1)
            } else {
                (s, 1)
            };
            num.trim()
                .parse::<u64>()
                .ok()
                .and_then(|n| n.checked_mul(mult))
        }
        _ => None,
    };
    match secs {
        Some(s) if CLEAR_AFTER_SECS.contains(&s) => Ok(Duration::from_secs(s)),
        _ => Err(format!(
            "clipboard.clear_after = {value} is not a duration from 1 s to 1 h (e.g. 30 or \"2m\")"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_and_durations() {
        assert_eq!(ClipboardMode::parse("OSC52"), Some(ClipboardMode::Osc52));
        assert_eq!(ClipboardMode::parse("off"), Some(ClipboardMode::Off));
        assert_eq!(ClipboardMode::parse("clip"), None);
        let d = |v: toml::Value| parse_clear_after(&v);
        assert_eq!(d(toml::Value::Integer(30)), Ok(Duration::from_secs(30)));
        assert_eq!(
            d(toml::Value::String("2m".into())),
            Ok(Duration::from_secs(120))
        );
        assert_eq!(
            d(toml::Value::String("45s".into())),
            Ok(Duration::from_secs(45))
        );
        assert!(d(toml::Value::Integer(0)).is_err());
        assert!(d(toml::Value::Integer(-5)).is_err());
        assert_eq!(
            d(toml::Value::String("soon".into())).expect_err("bad"),
            "clipboard.clear_after = \"soon\" is not a duration from 1 s to 1 h (e.g. 30 or \"2m\")"
        );
    }
}
