//! `config.toml`: its shape, parsing, and errors that name the file, the line and the value.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Deserialize;

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
    let parsed: ConfigFile = toml::from_str(text).map_err(|e| {
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
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

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
