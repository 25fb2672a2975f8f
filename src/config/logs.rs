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
