//! The editor's two text forms of a secret, and their parsers (errors name the line):
//!
//! - **JSON**: one object, one field per line. Strings are escaped so that no control
//!   character, DEL, C1 or bidi/zero-width character is ever in the buffer (they are written
//!   `\u001b`); non-string values are written as JSON and kept as JSON (`SecretField.json`).
//! - **key=value**: one field per line, split at the first `=`. A value that needs it
//!   (newlines, control characters, surrounding spaces, a leading `"`) is written as a quoted
//!   JSON string; `key:=<json>` holds a non-string JSON value. A key that needs it (empty, `=`,
//!   a trailing `:`, a leading `"` or `#`, spaces around it, control characters) is quoted the
//!   same way. Blank lines and lines starting with `#` are skipped.

use std::collections::BTreeMap;
use std::fmt;

use secrecy::{ExposeSecret, SecretString};
use serde::de::{Deserializer, MapAccess, Visitor};
use serde_json::Value;
use zeroize::Zeroize;

use crate::sanitize::sanitize;
use crate::vault::models::kv_secret::{SecretField, SecretFields};

/// Which text form the buffer holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    #[default]
    Json,
    KeyValue,
}

impl Format {
    pub fn label(self) -> &'static str {
        match self {
            Format::Json => "JSON",
            Format::KeyValue => "key=value",
        }
    }

    pub fn other(self) -> Format {
        match self {
            Format::Json => Format::KeyValue,
            Format::KeyValue => Format::Json,
        }
    }
}

/// Why the text is not a secret, at which line (1-based). The message never holds a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

fn err(line: usize, message: impl Into<String>) -> ParseError {
    ParseError {
        line,
        message: message.into(),
    }
}

/// Characters never put in the buffer as they are.
fn must_escape(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `s` as a JSON string literal, with every character of [`must_escape`] escaped.
fn quote_into(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if must_escape(c) => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// A JSON value's text with DEL, C1 and bidi characters escaped (serde_json escapes only C0;
/// in valid JSON these can only be inside strings, where `\uXXXX` means the same).
fn escape_json_text(s: &str, out: &mut String) {
    for c in s.chars() {
        if must_escape(c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
}

/// The text of one value: a JSON field as JSON (a `json` field that no longer parses is
/// written as a string), a string quoted.
fn json_value_into(f: &SecretField, out: &mut String) {
    let s = f.value.expose_secret();
    if f.json && serde_json::from_str::<serde::de::IgnoredAny>(s).is_ok() {
        escape_json_text(s, out);
    } else {
        quote_into(s, out);
    }
}

/// The buffer's lines for `fields` in `format`.
pub fn to_lines(fields: &SecretFields, format: Format) -> Vec<String> {
    match format {
        Format::Json => json_lines(fields),
        Format::KeyValue => kv_lines(fields),
    }
}

fn json_lines(fields: &SecretFields) -> Vec<String> {
    let mut lines = Vec::with_capacity(fields.len() + 2);
    lines.push("{".to_string());
    let n = fields.len();
    for (i, (k, f)) in fields.iter().enumerate() {
        let mut line = String::from("  ");
        quote_into(k, &mut line);
        line.push_str(": ");
        json_value_into(f, &mut line);
        if i + 1 < n {
            line.push(',');
        }
        lines.push(line);
    }
    lines.push("}".to_string());
    lines
}

fn key_needs_quotes(k: &str) -> bool {
    k.is_empty()
        || k.contains('=')
        || k.ends_with(':')
        || k.starts_with('"')
        || k.starts_with('#')
        || k.trim() != k
        || k.chars().any(must_escape)
}

fn value_needs_quotes(v: &str) -> bool {
    v.starts_with('"') || v.trim() != v || v.chars().any(must_escape)
}

fn kv_lines(fields: &SecretFields) -> Vec<String> {
    let mut lines = Vec::with_capacity(fields.len().max(1));
    for (k, f) in fields {
        let mut line = String::new();
        if key_needs_quotes(k) {
            quote_into(k, &mut line);
        } else {
            line.push_str(k);
        }
        let v = f.value.expose_secret();
        if f.json && serde_json::from_str::<serde::de::IgnoredAny>(v).is_ok() {
            line.push_str(":=");
            escape_json_text(v, &mut line);
        } else {
            line.push('=');
            if value_needs_quotes(v) {
                quote_into(v, &mut line);
            } else {
                line.push_str(v);
            }
        }
        lines.push(line);
    }
    if lines.is_empty() {
        lines.push(String::new());
    }
    lines
}

/// Parse the buffer's lines in `format`.
pub fn parse(lines: &[String], format: Format) -> Result<SecretFields, ParseError> {
    match format {
        Format::Json => parse_json(lines),
        Format::KeyValue => parse_kv(lines),
    }
}

/// Strip serde_json's " at line L column C" (we say the line ourselves).
fn json_message(e: &serde_json::Error) -> String {
    let s = e.to_string();
    match s.rsplit_once(" at line ") {
        Some((m, _)) => m.to_string(),
        None => s,
    }
}

/// The fields of a JSON object, in order, refusing duplicate names.
struct Entries(Vec<(String, Value)>);

impl<'de> serde::Deserialize<'de> for Entries {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Entries;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object of fields")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entries, A::Error> {
                let mut out: Vec<(String, Value)> = Vec::new();
                while let Some(k) = map.next_key::<String>()? {
                    if out.iter().any(|(seen, _)| *seen == k) {
                        return Err(serde::de::Error::custom(format!(
                            "duplicate field \"{}\"",
                            sanitize(&k)
                        )));
                    }
                    let v: Value = map.next_value()?;
                    out.push((k, v));
                }
                Ok(Entries(out))
            }
        }
        d.deserialize_map(V)
    }
}

fn field_of(v: Value) -> SecretField {
    match v {
        Value::String(s) => SecretField {
            value: SecretString::from(s),
            json: false,
        },
        other => {
            let text = other.to_string();
            SecretField {
                value: SecretString::from(text),
                json: true,
            }
        }
    }
}

fn parse_json(lines: &[String]) -> Result<SecretFields, ParseError> {
    let mut text = lines.join("\n");
    let parsed = serde_json::from_str::<Entries>(&text);
    text.zeroize();
    let entries = parsed.map_err(|e| {
        let message = if e.classify() == serde_json::error::Category::Data
            && !e.to_string().contains("duplicate field")
        {
            "the text must be one JSON object ({\"field\": \"value\", …})".to_string()
        } else {
            json_message(&e)
        };
        err(e.line().max(1), message)
    })?;
    let mut fields = BTreeMap::new();
    for (k, v) in entries.0 {
        if k.is_empty() {
            return Err(err(line_of_key(lines, ""), "empty field name"));
        }
        fields.insert(k, field_of(v));
    }
    Ok(fields)
}

/// The line where `"key"` is first written (for errors found after parsing).
fn line_of_key(lines: &[String], key: &str) -> usize {
    let mut quoted = String::new();
    quote_into(key, &mut quoted);
    lines
        .iter()
        .position(|l| l.trim_start().starts_with(&quoted))
        .map_or(1, |i| i + 1)
}

/// A JSON string literal at the start of `s`: its value and the rest after it.
fn leading_string(s: &str) -> Option<(String, &str)> {
    let bytes = s.as_bytes();
    let mut i = 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => {
                let v = serde_json::from_str::<String>(&s[..=i]).ok()?;
                return Some((v, &s[i + 1..]));
            }
            _ => i += 1,
        }
    }
    None
}

fn parse_kv(lines: &[String]) -> Result<SecretFields, ParseError> {
    let mut fields: SecretFields = BTreeMap::new();
    let mut first_line: BTreeMap<String, usize> = BTreeMap::new();
    for (i, raw) in lines.iter().enumerate() {
        let n = i + 1;
        let line = raw.trim_start();
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        // The key, and what follows it ("=value" or ":=json").
        let (key, rest) = if line.starts_with('"') {
            leading_string(line)
                .ok_or_else(|| err(n, "a quoted field name must end with its closing quote"))?
        } else {
            let Some(eq) = line.find('=') else {
                return Err(err(n, "expected key=value (no \"=\" on this line)"));
            };
            let (k, r) = line.split_at(eq);
            match k.strip_suffix(':') {
                Some(k) => (k.trim_end().to_string(), &line[k.len()..]),
                None => (k.trim_end().to_string(), r),
            }
        };
        let (json, value) = if let Some(v) = rest.strip_prefix(":=") {
            (true, v)
        } else if let Some(v) = rest.strip_prefix('=') {
            (false, v)
        } else {
            return Err(err(n, "expected = after the field name"));
        };
        if key.is_empty() {
            return Err(err(n, "empty field name"));
        }
        if let Some(first) = first_line.get(&key) {
            return Err(err(
                n,
                format!(
                    "duplicate field \"{}\" (first on line {first})",
                    sanitize(&key)
                ),
            ));
        }
        let field = if json {
            let v: Value = serde_json::from_str(value)
                .map_err(|e| err(n, format!("invalid JSON after :=: {}", json_message(&e))))?;
            field_of(v)
        } else if value.starts_with('"') {
            match leading_string(value) {
                Some((s, after)) if after.trim().is_empty() => SecretField {
                    value: SecretString::from(s),
                    json: false,
                },
                Some(_) => return Err(err(n, "text after the closing quote of the value")),
                None => return Err(err(n, "a quoted value must end with its closing quote")),
            }
        } else {
            SecretField::text(value)
        };
        first_line.insert(key.clone(), n);
        fields.insert(key, field);
    }
    Ok(fields)
}

#[cfg(test)]
#[path = "format_tests.rs"]
mod tests;
