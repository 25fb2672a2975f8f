//! Where a TOML value or error is, in words a user of the file understands: the line of a byte
//! offset, and a readable message for a parse error (the value as written, its key, what was
//! expected). Shared by the config, keymap and theme loaders.

/// The 1-based line of byte offset `byte` (clamped to the text) — for a `Spanned` value or an
/// error span.
pub fn line_of(text: &str, byte: usize) -> usize {
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
    fn lines_are_counted_from_one_and_clamped() {
        let text = "a = 1\nb = 2\n";
        assert_eq!(line_of(text, 0), 1);
        assert_eq!(line_of(text, 6), 2);
        assert_eq!(line_of(text, 10_000), 3);
    }

    #[test]
    fn the_key_before_a_value_is_found_in_inline_tables() {
        assert_eq!(key_before("x = { fg = 1 }", 11).as_deref(), Some("fg"));
        assert_eq!(key_before("\"quoted\" = 1", 11).as_deref(), Some("quoted"));
        assert_eq!(key_before("= 1", 2), None);
    }
}
