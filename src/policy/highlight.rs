//! Syntax classes for the policy viewer: the text split into lines of classed pieces that
//! cover it exactly (the view maps each class to a theme slot and sanitises the text).

use super::parse::parse;
use super::token::{TokenKind, tokenize};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    Keyword,
    String,
    /// A capability in a `capabilities` list (or a legacy `policy` value).
    Capability,
    Comment,
    Plain,
}

/// Words drawn as keywords.
const KEYWORDS: &[&str] = &[
    "path",
    "capabilities",
    "policy",
    "allowed_parameters",
    "denied_parameters",
    "required_parameters",
    "min_wrapping_ttl",
    "max_wrapping_ttl",
];

/// One line: (class, text) pieces.
pub type Line = Vec<(Class, String)>;

/// The text as lines of classed pieces (newlines removed).
pub fn highlight(src: &str) -> Vec<Line> {
    let parsed = parse(src);
    let caps: Vec<usize> = parsed
        .rules
        .iter()
        .flat_map(|r| r.capability_spans.iter().map(|s| s.start))
        .collect();
    let mut lines: Vec<Line> = vec![Vec::new()];
    for t in tokenize(src) {
        let class = match t.kind {
            TokenKind::Comment => Class::Comment,
            TokenKind::Str if caps.contains(&t.span.start) => Class::Capability,
            TokenKind::Str | TokenKind::Heredoc => Class::String,
            TokenKind::Ident if KEYWORDS.contains(&t.text(src)) => Class::Keyword,
            _ => Class::Plain,
        };
        let mut first = true;
        for piece in t.text(src).split('\n') {
            if !first {
                lines.push(Vec::new());
            }
            first = false;
            if piece.is_empty() {
                continue;
            }
            if let Some(line) = lines.last_mut() {
                match line.last_mut() {
                    Some((c, text)) if *c == class => text.push_str(piece),
                    _ => line.push((class, piece.to_string())),
                }
            }
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes() {
        let l = highlight("# hi\npath \"a\" {\n  capabilities = [\"read\"]\n}");
        assert_eq!(l.len(), 4);
        assert_eq!(l[0], vec![(Class::Comment, "# hi".to_string())]);
        assert_eq!(l[1][0], (Class::Keyword, "path".to_string()));
        assert_eq!(l[1][2], (Class::String, "\"a\"".to_string()));
        assert!(l[2].contains(&(Class::Capability, "\"read\"".to_string())));
        let text: Vec<String> = l
            .iter()
            .map(|p| p.iter().map(|(_, t)| t.as_str()).collect())
            .collect();
        assert_eq!(
            text.join("\n"),
            "# hi\npath \"a\" {\n  capabilities = [\"read\"]\n}"
        );
    }
}
