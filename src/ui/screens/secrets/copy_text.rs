//! What a copy puts on the clipboard: the whole secret as JSON, or as `KEY=value` lines for a
//! shell or an `.env` file. Built straight into secret strings.

use secrecy::{ExposeSecret, SecretString};

use super::cli::shell_quote;
use crate::vault::models::kv_secret::{SecretFields, json_of};

/// The secret as pretty JSON (non-string values as JSON).
pub fn json_text(fields: &SecretFields) -> SecretString {
    let text = serde_json::to_string_pretty(&json_of(fields)).unwrap_or_default();
    SecretString::from(text)
}

/// `KEY=value` lines: names upper-cased with every other character than A-Z, 0-9 and `_` made
/// `_`; values shell-quoted where needed.
pub fn env_lines(fields: &SecretFields) -> SecretString {
    let mut out = String::new();
    for (k, v) in fields {
        let mut name: String = k
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_uppercase()
                } else {
                    '_'
                }
            })
            .collect();
        if name.starts_with(|c: char| c.is_ascii_digit()) || name.is_empty() {
            name.insert(0, '_');
        }
        out.push_str(&name);
        out.push('=');
        out.push_str(&shell_quote(v.value.expose_secret()));
        out.push('\n');
    }
    SecretString::from(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vault::models::kv_secret::SecretField;

    #[test]
    fn env_and_json() {
        let mut f = SecretFields::new();
        f.insert("db-user".into(), SecretField::text("app"));
        f.insert("pass".into(), SecretField::text("a b'c"));
        f.insert("1x".into(), SecretField::text(""));
        assert_eq!(
            env_lines(&f).expose_secret(),
            "_1X=''\nDB_USER=app\nPASS='a b'\\''c'\n"
        );
        let j: serde_json::Value = serde_json::from_str(json_text(&f).expose_secret()).unwrap();
        assert_eq!(j["pass"], "a b'c");
    }
}
