//! Everything that came from a server is passed through [`sanitize`] before it is drawn: control
//! characters (C0, DEL, C1) would let a hostile server move the cursor, change the title or inject
//! escape sequences into the operator's terminal.

use std::borrow::Cow;

/// Replace every control character with a visible placeholder. Tabs become a space, newlines
/// become `⏎` so a single-line cell stays single-line.
pub fn sanitize(input: &str) -> Cow<'_, str> {
    if !input.chars().any(needs_replacing) {
        return Cow::Borrowed(input);
    }
    let mut out = String::with_capacity(input.len());
    for c in input.chars() {
        match c {
            '\t' => out.push(' '),
            '\n' => out.push('⏎'),
            c if needs_replacing(c) => out.push('�'),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

fn needs_replacing(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn strips_escape_sequences() {
        assert_eq!(sanitize("a\x1b[31mred\x07"), "a�[31mred�");
        assert_eq!(sanitize("plain"), Cow::Borrowed("plain"));
        assert_eq!(sanitize("two\nlines\ttab"), "two⏎lines tab");
        assert_eq!(sanitize("c1\u{9b}x"), "c1�x");
    }

    proptest! {
        #[test]
        fn output_never_contains_control_chars(s in any::<String>()) {
            let out = sanitize(&s);
            prop_assert!(!out.chars().any(|c| c.is_control()));
        }

        #[test]
        fn printable_input_is_unchanged(s in "[a-zA-Z0-9 ./:_-]{0,64}") {
            prop_assert_eq!(sanitize(&s), Cow::Borrowed(s.as_str()));
        }
    }
}
