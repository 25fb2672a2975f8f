//! ACL policies reduced to their rules: `path "…" { capabilities = [...] }` (and the legacy
//! `policy = "read"`), each with its line and spans. Anything else is skipped: parameter
//! constraints, wrapping TTLs, unknown blocks. Broken text gives issues, never a panic; nesting
//! is tracked with counters, not recursion, so no input exhausts the stack.

use super::token::{Lines, Span, Token, TokenKind, tokenize};

/// The capabilities a rule may grant (OpenBao adds `scan`).
pub const CAPABILITIES: &[&str] = &[
    "create",
    "read",
    "update",
    "patch",
    "delete",
    "list",
    "scan",
    "sudo",
    "deny",
    "subscribe",
    "recover",
];

/// One `path` block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// The path pattern as written (unquoted).
    pub path: String,
    /// The 1-based line of `path`.
    pub line: usize,
    /// The pattern's string, quotes included.
    pub path_span: Span,
    /// Capabilities, in order, lower case (a legacy `policy` expanded).
    pub capabilities: Vec<String>,
    /// The spans of the capability strings (for the highlighter).
    pub capability_spans: Vec<Span>,
}

impl Rule {
    pub fn has(&self, cap: &str) -> bool {
        self.capabilities.iter().any(|c| c == cap)
    }

    pub fn denies(&self) -> bool {
        self.has("deny")
    }
}

/// Something the parser could not make sense of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    pub line: usize,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ParsedPolicy {
    pub rules: Vec<Rule>,
    pub issues: Vec<Issue>,
}

/// Parse a policy's HCL text.
pub fn parse(src: &str) -> ParsedPolicy {
    let tokens: Vec<Token> = tokenize(src)
        .into_iter()
        .filter(|t| !matches!(t.kind, TokenKind::Space | TokenKind::Comment))
        .collect();
    let mut p = Parser {
        src,
        tokens: &tokens,
        at: 0,
        lines: Lines::new(src),
        out: ParsedPolicy::default(),
    };
    p.top();
    p.out
}

struct Parser<'a> {
    src: &'a str,
    tokens: &'a [Token],
    at: usize,
    lines: Lines,
    out: ParsedPolicy,
}

/// The text of a string token without its quotes (escapes `\"` and `\\` undone).
pub fn unquote(s: &str) -> String {
    let inner = s.strip_prefix('"').unwrap_or(s);
    let inner = inner.strip_suffix('"').unwrap_or(inner);
    let mut out = String::with_capacity(inner.len());
    let mut escaped = false;
    for c in inner.chars() {
        if escaped {
            out.push(c);
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else {
            out.push(c);
        }
    }
    out
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<Token> {
        self.tokens.get(self.at).copied()
    }

    fn text(&self, t: Token) -> &'a str {
        t.text(self.src)
    }

    fn is(&self, t: Option<Token>, s: &str) -> bool {
        t.is_some_and(|t| self.text(t) == s)
    }

    fn issue(&mut self, t: Option<Token>, message: impl Into<String>) {
        let line = match t {
            Some(t) => self.lines.line_of(t.span.start),
            None => self.lines.line_of(self.src.len()),
        };
        if self.out.issues.len() < 100 {
            self.out.issues.push(Issue {
                line,
                message: message.into(),
            });
        }
    }

    /// Top level: `path "…" { … }` blocks; other attributes and blocks are skipped.
    fn top(&mut self) {
        while let Some(t) = self.peek() {
            if t.kind == TokenKind::Ident && self.text(t) == "path" {
                self.at += 1;
                self.path_block(t);
            } else if t.kind == TokenKind::Ident {
                self.at += 1;
                self.skip_attribute_or_block();
            } else {
                self.issue(Some(t), format!("unexpected {}", shown(self.text(t))));
                self.at += 1;
            }
        }
    }

    fn path_block(&mut self, kw: Token) {
        let line = self.lines.line_of(kw.span.start);
        let (path, path_span) = match self.peek() {
            Some(t) if t.kind == TokenKind::Str => {
                self.at += 1;
                if !self.text(t).ends_with('"') || self.text(t).len() < 2 {
                    self.issue(Some(t), "unterminated string");
                }
                (unquote(self.text(t)), t.span)
            }
            t => {
                self.issue(t, "path needs a quoted pattern: path \"secret/*\" { … }");
                return;
            }
        };
        // `path "x" = { … }` is accepted by HCL too.
        if self.is(self.peek(), "=") {
            self.at += 1;
        }
        if !self.is(self.peek(), "{") {
            let t = self.peek();
            self.issue(t, format!("path \"{}\": expected {{", shown(&path)));
            return;
        }
        let open = self.peek();
        self.at += 1;
        let mut rule = Rule {
            path,
            line,
            path_span,
            capabilities: Vec::new(),
            capability_spans: Vec::new(),
        };
        let mut closed = false;
        while let Some(t) = self.peek() {
            if self.text(t) == "}" {
                self.at += 1;
                closed = true;
                break;
            }
            self.at += 1;
            if t.kind != TokenKind::Ident && t.kind != TokenKind::Str {
                self.issue(Some(t), format!("unexpected {}", shown(self.text(t))));
                continue;
            }
            match self.text(t) {
                "capabilities" => self.capabilities(&mut rule),
                "policy" => self.legacy_policy(&mut rule),
                _ => self.skip_attribute_or_block(),
            }
        }
        if !closed {
            self.issue(open, format!("path \"{}\": missing }}", shown(&rule.path)));
        }
        self.out.rules.push(rule);
    }

    /// `= [ "read", … ]`.
    fn capabilities(&mut self, rule: &mut Rule) {
        if self.is(self.peek(), "=") {
            self.at += 1;
        }
        if !self.is(self.peek(), "[") {
            let t = self.peek();
            self.issue(t, "capabilities needs a list: [\"read\", \"list\"]");
            self.skip_value();
            return;
        }
        self.at += 1;
        while let Some(t) = self.peek() {
            match self.text(t) {
                "]" => {
                    self.at += 1;
                    return;
                }
                "," => self.at += 1,
                "}" => {
                    self.issue(Some(t), "capabilities: missing ]");
                    return;
                }
                s if t.kind == TokenKind::Str => {
                    self.at += 1;
                    let cap = unquote(s).to_ascii_lowercase();
                    if !CAPABILITIES.contains(&cap.as_str()) {
                        self.issue(Some(t), format!("invalid capability \"{}\"", shown(&cap)));
                    }
                    rule.capabilities.push(cap);
                    rule.capability_spans.push(t.span);
                }
                s => {
                    self.issue(Some(t), format!("capabilities: unexpected {}", shown(s)));
                    self.at += 1;
                }
            }
        }
        self.issue(None, "capabilities: missing ]");
    }

    /// The legacy `policy = "read"` (deny, read, write, sudo).
    fn legacy_policy(&mut self, rule: &mut Rule) {
        if self.is(self.peek(), "=") {
            self.at += 1;
        }
        let Some(t) = self.peek().filter(|t| t.kind == TokenKind::Str) else {
            let t = self.peek();
            self.issue(t, "policy needs a string: deny, read, write or sudo");
            self.skip_value();
            return;
        };
        self.at += 1;
        let caps: &[&str] = match unquote(self.text(t)).as_str() {
            "deny" => &["deny"],
            "read" => &["read", "list"],
            "write" => &["create", "read", "update", "delete", "list"],
            "sudo" => &["create", "read", "update", "delete", "list", "sudo"],
            other => {
                let m = format!("invalid policy \"{}\"", shown(other));
                self.issue(Some(t), m);
                &[]
            }
        };
        for c in caps {
            if !rule.has(c) {
                rule.capabilities.push((*c).to_string());
            }
        }
        rule.capability_spans.push(t.span);
    }

    /// After a name: `= value`, or `{ … }` (a block), or `"label" { … }`.
    fn skip_attribute_or_block(&mut self) {
        while self.peek().is_some_and(|t| t.kind == TokenKind::Str) {
            self.at += 1;
        }
        if self.is(self.peek(), "=") || self.is(self.peek(), ":") {
            self.at += 1;
        }
        self.skip_value();
    }

    /// One value: a token, or a balanced `[ … ]` / `{ … }`.
    fn skip_value(&mut self) {
        let Some(first) = self.peek() else { return };
        if !matches!(self.text(first), "[" | "{") {
            if self.text(first) != "}" {
                self.at += 1;
            }
            return;
        }
        let mut depth: usize = 0;
        while let Some(t) = self.peek() {
            self.at += 1;
            match self.text(t) {
                "[" | "{" => depth += 1,
                "]" | "}" => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return;
                    }
                }
                _ => {}
            }
        }
        self.issue(Some(first), "unbalanced brackets");
    }
}

/// A short, printable piece of the text for a message.
fn shown(s: &str) -> String {
    let s = crate::sanitize::sanitize(s);
    let mut out: String = s.chars().take(40).collect();
    if s.chars().count() > 40 {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_of_a_real_policy() {
        let src = r#"
# Read the apps
path "secret/data/apps/*" {
  capabilities = ["read", "list"]
}
path "sys/*" {
  capabilities = ["sudo", "create"]
  allowed_parameters = { "ttl" = ["1h"] }
}
path "auth/token/lookup-self" { policy = "read" }
"#;
        let p = parse(src);
        assert_eq!(p.issues, vec![]);
        assert_eq!(p.rules.len(), 3);
        assert_eq!(p.rules[0].path, "secret/data/apps/*");
        assert_eq!(p.rules[0].line, 3);
        assert_eq!(p.rules[0].capabilities, vec!["read", "list"]);
        assert_eq!(p.rules[1].capabilities, vec!["sudo", "create"]);
        assert_eq!(p.rules[2].capabilities, vec!["read", "list"]);
    }

    #[test]
    fn broken_text_gives_issues() {
        let p = parse("path \"a\" { capabilities = [\"reed\" }\npath { }\n}}}");
        assert_eq!(p.rules.len(), 1);
        assert!(p.issues.iter().any(|i| i.message.contains("reed")));
        assert!(
            p.issues
                .iter()
                .any(|i| i.message.contains("quoted pattern"))
        );
        assert!(!parse("[[[[[[[[[[").issues.is_empty());
    }
}
