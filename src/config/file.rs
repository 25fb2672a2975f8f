//! `config.toml`: its shape, parsing, and errors that name the file, the line and the value.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Deserialize;

use crate::clipboard::{ClipboardMode, ClipboardSettings, parse_clear_after};
use crate::toml_pos::{line_of, toml_error};

/// The bounds of `poll_interval_secs`.
pub const POLL_INTERVAL_SECS: std::ops::RangeInclusive<u64> = 1..=60;

/// `config.toml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    pub default_context: Option<String>,
    pub theme: Option<String>,
    pub poll_interval_secs: Option<u64>,
    #[serde(default)]
    pub contexts: BTreeMap<String, ContextConfig>,
    /// `[clipboard]`: checked by [`parse_config`] into `clipboard_settings` and `warnings`.
    pub clipboard: Option<ClipboardConfig>,
    /// The clipboard settings of this file (defaults where a value is bad).
    #[serde(skip)]
    pub clipboard_settings: ClipboardSettings,
    /// `[rotation]`: checked by [`parse_config`] into `rotation_policy`.
    pub rotation: Option<RotationConfig>,
    /// The KV rotation ages of this file (the built-in default without `[rotation]`).
    #[serde(skip)]
    pub rotation_policy: crate::radar::RotationPolicy,
    /// `[audit]`: checked by [`parse_config`] into `anomaly`.
    pub audit: Option<super::audit::AuditConfig>,
    /// The anomaly signals' thresholds of this file (defaults without `[audit]`).
    #[serde(skip)]
    pub anomaly: crate::audit::AnomalyConfig,
    /// `[logs]`: checked by [`parse_config`] into `log_max_lines`.
    pub logs: Option<super::logs::LogsConfig>,
    /// `[logs] max_lines` of this file, when set.
    #[serde(skip)]
    pub log_max_lines: Option<usize>,
    /// Bad values that were replaced by their defaults, each naming file, line and value.
    #[serde(skip)]
    pub warnings: Vec<String>,
}

/// `[clipboard]`: `mode = "auto" | "system" | "osc52" | "off"`, `clear_after = 30` (or "2m").
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClipboardConfig {
    pub mode: Option<toml::Spanned<toml::Value>>,
    pub clear_after: Option<toml::Spanned<toml::Value>>,
}

/// `[rotation]`: `default = "90d"` and `[rotation.paths]` `"secret/apps/" = "30d"` (the
/// expiry radar's rotation age of KV v2 secrets; the longest matching prefix wins).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RotationConfig {
    pub default: Option<toml::Spanned<String>>,
    #[serde(default)]
    pub paths: BTreeMap<String, toml::Spanned<String>>,
}

/// `[contexts.NAME]`: one cluster.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContextConfig {
    #[serde(default)]
    pub addrs: Vec<String>,
    pub token_file: Option<PathBuf>,
    pub token_env: Option<String>,
    pub namespace: Option<String>,
    pub ca_cert: Option<PathBuf>,
    pub client_cert: Option<PathBuf>,
    pub client_key: Option<PathBuf>,
    #[serde(default)]
    pub skip_verify: bool,
    #[serde(default)]
    pub read_only: bool,
    pub theme: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("config file {file}, line {line}: {message}")]
    Invalid {
        file: String,
        line: usize,
        message: String,
    },
    #[error("cannot read config file {file}: {message}")]
    Read { file: String, message: String },
    #[error("unknown context \"{name}\" (known: {known})")]
    UnknownContext { name: String, known: String },
    #[error("cannot read the token file {file}: {message}")]
    TokenFile { file: String, message: String },
    #[error("config file {file}: poll_interval_secs = {value} is out of range (1 to 60)")]
    PollInterval { file: String, value: u64 },
}

/// Only the spans needed for checks serde cannot express.
#[derive(Deserialize)]
struct Spans {
    poll_interval_secs: Option<toml::Spanned<u64>>,
}

/// Parse config text; errors name the file, the line and the value.
pub fn parse_config(text: &str, file: &str) -> Result<ConfigFile, ConfigError> {
    let invalid = |line, message| ConfigError::Invalid {
        file: file.to_string(),
        line,
        message,
    };
    let mut parsed: ConfigFile = toml::from_str(text).map_err(|e| {
        let (line, message) = toml_error(text, &e);
        invalid(line, message)
    })?;
    if let Ok(Spans {
        poll_interval_secs: Some(p),
    }) = toml::from_str::<Spans>(text)
        && !POLL_INTERVAL_SECS.contains(p.get_ref())
    {
        return Err(invalid(
            line_of(text, p.span().start),
            format!(
                "poll_interval_secs = {} is out of range (1 to 60)",
                p.get_ref()
            ),
        ));
    }
    check_clipboard(&mut parsed, text, file);
    check_rotation(&mut parsed, text, file)?;
    if let Some(a) = &parsed.audit {
        parsed.anomaly = super::audit::check(a, text, file)?;
    }
    if let Some(l) = &parsed.logs {
        parsed.log_max_lines = super::logs::check(l, text, file)?;
    }
    Ok(parsed)
}

/// `[rotation]` ages: a bad one is an error naming file, line and value.
fn check_rotation(parsed: &mut ConfigFile, text: &str, file: &str) -> Result<(), ConfigError> {
    let Some(r) = parsed.rotation.clone() else {
        return Ok(());
    };
    let age = |key: &str, v: &toml::Spanned<String>| {
        crate::radar::parse_duration(v.get_ref()).ok_or_else(|| ConfigError::Invalid {
            file: file.to_string(),
            line: line_of(text, v.span().start),
            message: format!(
                "{key} = \"{}\" is not a duration (e.g. \"90d\", \"36h\", \"30m\")",
                v.get_ref()
            ),
        })
    };
    let mut policy = crate::radar::RotationPolicy::default();
    if let Some(d) = &r.default {
        policy.default = age("rotation.default", d)?;
    }
    for (prefix, v) in &r.paths {
        let a = age(&format!("rotation.paths.\"{prefix}\""), v)?;
        policy
            .paths
            .push((prefix.trim_start_matches('/').to_string(), a));
    }
    parsed.rotation_policy = policy;
    Ok(())
}

/// `[clipboard]` values: a bad one is a warning naming file, line and value; its default stays.
fn check_clipboard(parsed: &mut ConfigFile, text: &str, file: &str) {
    let Some(c) = parsed.clipboard.clone() else {
        return;
    };
    let mut settings = ClipboardSettings::default();
    if let Some(m) = &c.mode {
        match m.get_ref().as_str().and_then(ClipboardMode::parse) {
            Some(mode) => settings.mode = mode,
            None => parsed.warnings.push(format!(
                "config file {file}, line {}: clipboard.mode = {} is not one of {}; using {}",
                line_of(text, m.span().start),
                m.get_ref(),
                ClipboardMode::NAMES,
                settings.mode.name()
            )),
        }
    }
    if let Some(v) = &c.clear_after {
        match parse_clear_after(v.get_ref()) {
            Ok(d) => settings.clear_after = d,
            Err(message) => parsed.warnings.push(format!(
                "config file {file}, line {}: {message}; using {} s",
                line_of(text, v.span().start),
                settings.clear_after.as_secs()
            )),
        }
    }
    parsed.clipboard_settings = settings;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clipboard_values_are_checked_and_bad_ones_keep_their_defaults() {
        let ok = parse_config(
            "[clipboard]\nmode = \"osc52\"\nclear_after = \"2m\"\n",
            "c.toml",
        )
        .expect("valid");
        assert_eq!(ok.clipboard_settings.mode, ClipboardMode::Osc52);
        assert_eq!(ok.clipboard_settings.clear_after.as_secs(), 120);
        assert!(ok.warnings.is_empty());
        let bad = parse_config("[clipboard]\nmode = \"clip\"\nclear_after = 0\n", "c.toml")
            .expect("bad values are warnings");
        assert_eq!(bad.clipboard_settings, ClipboardSettings::default());
        assert_eq!(
            bad.warnings,
            [
                "config file c.toml, line 2: clipboard.mode = \"clip\" is not one of auto, system, osc52, off; using auto",
                "config file c.toml, line 3: clipboard.clear_after = 0 is not a duration from 1 s to 1 h (e.g. 30 or \"2m\"); using 30 s",
            ]
        );
        let e = parse_config("[clipboard]\ncolour = 1\n", "c.toml").expect_err("unknown key");
        assert!(e.to_string().contains("line 2"), "{e}");
    }

    #[test]
    fn rotation_ages_are_parsed_and_bad_ones_are_errors() {
        let ok = parse_config(
            "[rotation]\ndefault = \"60d\"\n[rotation.paths]\n\"secret/apps/\" = \"30d\"\n",
            "c.toml",
        )
        .expect("valid");
        assert_eq!(ok.rotation_policy.default.as_secs(), 60 * 86_400);
        assert_eq!(
            ok.rotation_policy.age_for("secret/apps/x").0.as_secs(),
            30 * 86_400
        );
        let none = parse_config("", "c.toml").expect("valid");
        assert_eq!(
            none.rotation_policy,
            crate::radar::RotationPolicy::default()
        );
        let e = parse_config("[rotation.paths]\n\"secret/\" = \"soon\"\n", "c.toml")
            .expect_err("bad age");
        assert_eq!(
            e.to_string(),
            "config file c.toml, line 2: rotation.paths.\"secret/\" = \"soon\" is not a duration (e.g. \"90d\", \"36h\", \"30m\")"
        );
    }

    #[test]
    fn type_errors_name_the_key() {
        let e = parse_config("[contexts.a]\nread_only = \"yes\"\n", "c.toml").expect_err("bad");
        assert_eq!(
            e.to_string(),
            "config file c.toml, line 2: invalid value \"yes\" for read_only (expected true or false)"
        );
        let e = parse_config("poll_interval_secs = 0\n", "c.toml").expect_err("bad");
        assert_eq!(
            e.to_string(),
            "config file c.toml, line 1: poll_interval_secs = 0 is out of range (1 to 60)"
        );
        for (text, message) in [
            (
                "poll_interval_secs = -1\n",
                "line 1: invalid value -1 for poll_interval_secs (expected a whole number)",
            ),
            (
                "theme = 7\n",
                "line 1: invalid value 7 for theme (expected a quoted string)",
            ),
            (
                "[contexts.a]\naddrs = \"http://a:1\"\n",
                "line 2: invalid value \"http://a:1\" for addrs (expected a list, e.g. [\"…\"])",
            ),
        ] {
            let e = parse_config(text, "c.toml").expect_err(text);
            assert_eq!(e.to_string(), format!("config file c.toml, {message}"));
        }
    }
}
