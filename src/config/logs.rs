//! `[logs]` of `config.toml`: the server log stream's settings. A bad value is an error naming
//! the file, the line, the key and what is accepted.
//!
//! ```toml
//! [logs]
//! max_lines = 5000   # lines a log screen keeps (100 to 100000); the oldest are dropped
//! ```

use serde::Deserialize;
use toml::Spanned;

use super::file::ConfigError;
use crate::toml_pos::line_of;
use crate::ui::screens::logs::MAX_LINES_RANGE;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogsConfig {
    pub max_lines: Option<Spanned<toml::Value>>,
}

/// Check `[logs]`: the `max_lines` it sets, if any.
pub fn check(c: &LogsConfig, text: &str, file: &str) -> Result<Option<usize>, ConfigError> {
    let Some(v) = &c.max_lines else {
        return Ok(None);
    };
    let n = v
        .get_ref()
        .as_integer()
        .and_then(|n| usize::try_from(n).ok())
        .filter(|n| MAX_LINES_RANGE.contains(n));
    match n {
        Some(n) => Ok(Some(n)),
        None => Err(ConfigError::Invalid {
            file: file.to_string(),
            line: line_of(text, v.span().start),
            message: format!(
                "logs.max_lines = {} is not a whole number from {} to {}",
                v.get_ref(),
                MAX_LINES_RANGE.start(),
                MAX_LINES_RANGE.end()
            ),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::super::parse_config;

    #[test]
    fn max_lines_in_range_is_taken_and_out_of_range_is_an_error() {
        let c = parse_config("[logs]\nmax_lines = 200\n", "c.toml").expect("valid");
        assert_eq!(c.log_max_lines, Some(200));
        let c = parse_config("theme = \"default\"\n", "c.toml").expect("valid");
        assert_eq!(c.log_max_lines, None);
        for bad in ["99", "100001", "\"many\"", "-5"] {
            let e = parse_config(&format!("[logs]\nmax_lines = {bad}\n"), "c.toml")
                .expect_err("out of range");
            assert_eq!(
                e.to_string(),
                format!(
                    "config file c.toml, line 2: logs.max_lines = {bad} is not a whole number from 100 to 100000"
                )
            );
        }
    }
}
