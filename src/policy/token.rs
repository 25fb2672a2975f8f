//! A tolerant tokenizer for ACL policies in HCL: every byte of the input ends up in exactly one
//! token (so the highlighter can draw the text back as it is), and no input makes it panic or
//! loop: each step consumes at least one character.
//!
//! Hand-written rather than `hcl-rs`: the highlighter needs spans for every byte (comments and
//! broken text included), and a half-typed policy in the editor must still tokenize.

/// A byte range of the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// Spaces, tabs, newlines.
    Space,
    /// `# …`, `// …` or `/* … */`.
    Comment,
    /// A word: `path`, `capabilities`, `true`.
    Ident,
    /// A quoted string, quotes included (possibly unterminated at the end of the line).
    Str,
    /// `<<EOF … EOF` (or `<<-EOF`).
    Heredoc,
    Number,
    /// One of `{ } [ ] = , :`.
    Punct,
    /// Anything else (one character).
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    pub span: Span,
}

impl Token {
    pub fn text<'a>(&self, src: &'a str) -> &'a str {
        src.get(self.span.start..self.span.end).unwrap_or("")
    }
}

/// Split `src` into tokens covering it entirely.
pub fn tokenize(src: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < src.len() {
        let rest = &src[i..];
        let (kind, len) = next_token(rest);
        // Never an empty token: at least the next character.
        let len = if len == 0 {
            rest.chars().next().map_or(1, char::len_utf8)
        } else {
            len
        };
        let end = (i + len).min(src.len());
        out.push(Token {
            kind,
            span: Span { start: i, end },
        });
        i = end;
    }
    out
}

/// The kind and byte length of the token at the start of `rest` (not empty).
fn next_token(rest: &str) -> (TokenKind, usize) {
    let Some(c) = rest.chars().next() else {
        return (TokenKind::Other, 0);
    };
    if c.is_whitespace() {
        return (TokenKind::Space, prefix_len(rest, char::is_whitespace));
    }
    if c == '#' || rest.starts_with("//") {
        return (TokenKind::Comment, rest.find('\n').unwrap_or(rest.len()));
    }
    if rest.starts_with("/*") {
        let len = rest
            .strip_prefix("/*")
            .and_then(|r| r.find("*/"))
            .map_or(rest.len(), |j| j + 4);
        return (TokenKind::Comment, len);
    }
    if c == '"' {
        return (TokenKind::Str, string_len(rest));
    }
    if rest.starts_with("<<")
        && let Some(len) = heredoc_len(rest)
    {
        return (TokenKind::Heredoc, len);
    }
    if c.is_alphabetic() || c == '_' {
        return (
            TokenKind::Ident,
            prefix_len(rest, |c| {
                c.is_alphanumeric() || c == '_' || c == '-' || c == '.'
            }),
        );
    }
    if c.is_ascii_digit() || (c == '-' && rest[1..].starts_with(|d: char| d.is_ascii_digit())) {
        let tail = prefix_len(&rest[1..], |c| c.is_ascii_alphanumeric() || c == '.');
        return (TokenKind::Number, 1 + tail);
    }
    if matches!(c, '{' | '}' | '[' | ']' | '=' | ',' | ':') {
        return (TokenKind::Punct, 1);
    }
    (TokenKind::Other, c.len_utf8())
}

fn prefix_len(s: &str, f: impl Fn(char) -> bool) -> usize {
    s.char_indices()
        .find(|(_, c)| !f(*c))
        .map_or(s.len(), |(i, _)| i)
}

/// A quoted string: up to the closing quote (escapes skipped), or the end of the line when it
/// is not closed.
fn string_len(s: &str) -> usize {
    let mut escaped = false;
    for (i, c) in s.char_indices().skip(1) {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => return i + 1,
            '\n' => return i,
            _ => {}
        }
    }
    s.len()
}

/// `<<EOF\n…\nEOF` or `<<-EOF` (indented end marker): up to the end of the marker line, or the
/// end of the text when the marker never comes. `None` when no marker follows `<<`.
fn heredoc_len(s: &str) -> Option<usize> {
    let head = s[2..].strip_prefix('-').unwrap_or(&s[2..]);
    let marker_len = prefix_len(head, |c| c.is_alphanumeric() || c == '_');
    if marker_len == 0 {
        return None;
    }
    let marker = &head[..marker_len];
    let body_start = s.find('\n')? + 1;
    let mut pos = body_start;
    for line in s[body_start..].split_inclusive('\n') {
        pos += line.len();
        if line.trim() == marker {
            return Some(pos - usize::from(line.ends_with('\n')));
        }
    }
    Some(s.len())
}

/// Where each line starts (byte offsets), for line numbers.
#[derive(Debug, Clone)]
pub struct Lines {
    starts: Vec<usize>,
}

impl Lines {
    pub fn new(src: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(src.match_indices('\n').map(|(i, _)| i + 1));
        Self { starts }
    }

    /// The 1-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|s| *s <= offset).max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<(TokenKind, &str)> {
        tokenize(src)
            .into_iter()
            .filter(|t| t.kind != TokenKind::Space)
            .map(|t| (t.kind, t.text(src)))
            .collect()
    }

    #[test]
    fn a_rule_with_comments() {
        let src = "# c\npath \"a/*\" { // x\n capabilities = [\"read\"] /* y */ }";
        let k = kinds(src);
        assert_eq!(k[0], (TokenKind::Comment, "# c"));
        assert_eq!(k[1], (TokenKind::Ident, "path"));
        assert_eq!(k[2], (TokenKind::Str, "\"a/*\""));
        assert_eq!(k[4], (TokenKind::Comment, "// x"));
        assert!(k.contains(&(TokenKind::Comment, "/* y */")));
        let joined: String = tokenize(src).iter().map(|t| t.text(src)).collect();
        assert_eq!(joined, src);
    }

    #[test]
    fn heredoc_and_broken_text() {
        let src = "x = <<EOT\nhello\n  EOT\ny = \"open";
        let k = kinds(src);
        assert_eq!(k[2], (TokenKind::Heredoc, "<<EOT\nhello\n  EOT"));
        assert_eq!(k[5], (TokenKind::Str, "\"open"));
        assert_eq!(Lines::new(src).line_of(0), 1);
        assert_eq!(Lines::new(src).line_of(src.len()), 4);
    }
}
