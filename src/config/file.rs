//! `config.toml`: its shape, parsing, and errors that name the file, the line and the value.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Deserialize;

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

fn line_of(text: &str, byte: usize) -> usize {
    text[..byte.min(text.len())].matches('\n').count() + 1
}

/// The key written just before `start` on its line (`read_only = "yes"`, `{ fg = 1 }`).
fn key_before(text: &str, start: usize) -> Option<String> {
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let before = text[line_start..start].trim_end().strip_suffix('=')?;
    let key = before
        .trim_end()
        .rsplit(|c: char| c.is_whitespace() || c == '{' || c == ',')
        .next()?
        .trim_matches(|c| c == '"' || c == '\'');
    (!key.is_empty()).then(|| key.to_string())
}

/// The first line of the source text at `start..end`, trimmed and shortened for a message.
fn snippet(text: &str, start: usize, end: usize) -> String {
    let first = text[start..end].lines().next().unwrap_or_default().trim();
    let mut s: String = first.chars().take(40).collect();
    if first.chars().count() > 40 {
        s.push('…');
    }
    s
}

/// serde's "expected …" in words a user of the file knows.
fn expected_in_words(e: &str) -> String {
    match e.trim() {
        "a boolean" => "true or false".to_string(),
        "a sequence" => "a list, e.g. [\"…\"]".to_string(),
        "a string" => "a quoted string".to_string(),
        "u8" | "u16" | "u32" | "u64" | "usize" | "i8" | "i16" | "i32" | "i64" | "an integer" => {
            "a whole number".to_string()
        }
        "a map" | "struct ContextConfig" | "struct StyleSpec" => "a table".to_string(),
        other => other.to_string(),
    }
}

/// The line and a readable message of a TOML error: when the message does not quote the
/// offending text itself, the text at the error's span is added; a value of the wrong type is
/// quoted as written, with its key and what was expected
/// (`invalid value "yes" for read_only (expected true or false)`).
pub fn toml_error(text: &str, e: &toml::de::Error) -> (usize, String) {
    let msg = e.message().trim().to_string();
    let Some(span) = e.span() else {
        return (1, msg);
    };
    let start = span.start.min(text.len());
    let end = span.end.clamp(start, text.len());
    let line = line_of(text, start);
    let snippet = snippet(text, start, end);
    if (msg.starts_with("invalid type") || msg.starts_with("invalid value")) && !snippet.is_empty()
    {
        let mut out = format!("invalid value {snippet}");
        if let Some(key) = key_before(text, start) {
            out.push_str(&format!(" for {key}"));
        }
        if let Some((_, expected)) = msg.split_once(", expected ") {
            out.push_str(&format!(" (expected {})", expected_in_words(expected)));
        }
        return (line, out);
    }
    if msg.contains('`') || msg.contains('"') || snippet.is_empty() {
        (line, msg)
    } else {
        (line, format!("{msg} at `{snippet}`"))
    }
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
        assert_eq!(key_before("x = { fg = 1 }", 11).as_deref(), Some("fg"));
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
