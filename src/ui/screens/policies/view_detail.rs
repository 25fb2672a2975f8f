//! The panes of one policy: the viewer (highlighted HCL with line numbers, findings beside or
//! below), the editor, the diff before a save, and a capabilities answer with the rules that
//! explain it. Everything from the server is sanitised before it is drawn.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Widget, Wrap};

use super::{CapQuestion, CapState, EditState, PoliciesScreen};
use crate::policy::diff::{DiffKind, counts};
use crate::policy::highlight::{Class, highlight};
use crate::policy::{Finding, Severity};
use crate::sanitize::sanitize;
use crate::theme::Theme;

fn class_style(c: Class, t: &Theme) -> Style {
    match c {
        Class::Keyword => t.syntax_keyword,
        Class::String => t.syntax_string,
        Class::Capability => t.syntax_capability,
        Class::Comment => t.syntax_comment,
        Class::Plain => t.text,
    }
}

fn severity_style(s: Severity, t: &Theme) -> Style {
    match s {
        Severity::High => t.status_danger,
        Severity::Medium => t.status_warn,
        Severity::Low => t.muted,
    }
}

/// The text with line numbers, from line `scroll`.
fn code_lines(text: &str, scroll: usize, t: &Theme) -> Vec<Line<'static>> {
    let lines = highlight(text);
    let w = lines.len().to_string().len();
    lines
        .into_iter()
        .enumerate()
        .skip(scroll)
        .map(|(i, pieces)| {
            let mut spans = vec![Span::styled(format!("{:>w$} ", i + 1), t.muted)];
            let last = pieces.len().saturating_sub(1);
            // A CRLF text: the carriage return at the end of a line is not drawn.
            spans.extend(pieces.into_iter().enumerate().map(|(j, (c, s))| {
                let s = if j == last {
                    s.trim_end_matches('\r')
                } else {
                    &s
                };
                Span::styled(sanitize(s).into_owned(), class_style(c, t))
            }));
            Line::from(spans)
        })
        .collect()
}

fn finding_lines(
    findings: &[Finding],
    issues: &[crate::policy::parse::Issue],
    t: &Theme,
) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    if findings.is_empty() && issues.is_empty() {
        out.push(Line::styled("no least-privilege findings", t.status_ok));
    }
    for f in findings {
        out.push(Line::from(vec![
            Span::styled(
                format!("{:<6} ", f.severity.label()),
                severity_style(f.severity, t),
            ),
            Span::styled(format!("L{} ", f.line), t.muted),
            Span::styled(format!("\"{}\" ", sanitize(&f.rule_path)), t.syntax_string),
            Span::styled(format!("{}: ", f.kind), t.text),
            Span::styled(sanitize(&f.why).into_owned(), t.text),
        ]));
    }
    for i in issues.iter().take(5) {
        out.push(Line::from(vec![
            Span::styled("parse  ", t.status_warn),
            Span::styled(format!("L{} ", i.line), t.muted),
            Span::styled(sanitize(&i.message).into_owned(), t.text),
        ]));
    }
    out
}

/// One policy: its text and its findings (beside it when wide, below otherwise).
pub fn viewer(
    s: &PoliciesScreen,
    name: &str,
    scroll: usize,
    t: &Theme,
    area: Rect,
    buf: &mut Buffer,
) {
    let Some(e) = s.entry(name) else {
        Paragraph::new(Line::styled(
            format!("policy {} is not loaded", sanitize(name)),
            t.muted,
        ))
        .block(Block::bordered().border_style(t.border))
        .render(area, buf);
        return;
    };
    let version = e
        .policy
        .version
        .map_or(String::new(), |v| format!(" · version {v}"));
    let n = e.parsed.rules.len();
    let title = format!(
        "policy {}{version} · {n} rule{}",
        sanitize(name),
        if n == 1 { "" } else { "s" }
    );
    let findings = finding_lines(&e.findings, &e.parsed.issues, t);
    let (code, side) = if area.width >= 100 {
        let [a, b] = Layout::horizontal([Constraint::Min(40), Constraint::Length(44)]).areas(area);
        (a, b)
    } else {
        let h = u16::try_from(findings.len() + 2)
            .unwrap_or(u16::MAX)
            .min(area.height / 2)
            .max(3);
        let [a, b] = Layout::vertical([Constraint::Min(3), Constraint::Length(h)]).areas(area);
        (a, b)
    };
    let text = if name == "root" && e.policy.policy.is_empty() {
        vec![Line::styled(
            "the root policy has no rules: it allows everything",
            t.muted,
        )]
    } else {
        code_lines(&e.policy.policy, scroll, t)
    };
    Paragraph::new(text)
        .block(
            Block::bordered()
                .title(title)
                .border_style(t.border_focused),
        )
        .render(code, buf);
    let (h, m, l) = crate::policy::lint::counts(&e.findings);
    Paragraph::new(findings)
        .wrap(Wrap { trim: true })
        .block(
            Block::bordered()
                .title(format!("findings: {h} high · {m} medium · {l} low"))
                .border_style(t.border),
        )
        .render(side, buf);
}

/// The in-memory editor.
pub fn editor(e: &EditState, t: &Theme, area: Rect, buf: &mut Buffer) {
    let title = format!(
        "{} policy {}",
        if e.new { "new" } else { "edit" },
        sanitize(&e.name)
    );
    let block = Block::bordered()
        .title(title)
        .border_style(t.border_focused);
    let inner = block.inner(area);
    block.render(area, buf);
    let [text, status] = Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(inner);
    buf.set_style(text, t.text);
    e.buffer.render(text, buf);
    let (row, col) = e.buffer.cursor();
    let line = match &e.error {
        Some(err) => Line::styled(sanitize(err).into_owned(), t.status_warn),
        None => Line::styled(
            format!(
                "line {}, col {} · ctrl-s reviews the diff · ctrl-o reverts · esc leaves",
                row + 1,
                col + 1
            ),
            t.muted,
        ),
    };
    Paragraph::new(line).render(status, buf);
}

/// The diff of an edit, before it is saved.
pub fn diff(e: &EditState, t: &Theme, area: Rect, buf: &mut Buffer) {
    let (added, removed) = counts(&e.diff);
    let title = format!(
        "save policy {}? +{added} −{removed} lines (old → new)",
        sanitize(&e.name)
    );
    let mut lines = vec![Line::styled(
        if e.saving {
            "saving (confirm in the dialog)…".to_string()
        } else {
            "enter or ctrl-s saves (confirmed at the gate) · esc goes back to the text".to_string()
        },
        if e.saving { t.status_warn } else { t.key_hint },
    )];
    let parsed = crate::policy::parse(&e.text());
    for i in parsed.issues.iter().take(2) {
        lines.push(Line::styled(
            format!("L{}: {} (the server decides)", i.line, sanitize(&i.message)),
            t.status_warn,
        ));
    }
    for d in e.diff.iter().skip(e.scroll) {
        let (mark, style) = match d.kind {
            DiffKind::Added => ("+ ", t.status_ok),
            DiffKind::Removed => ("- ", t.status_danger),
            DiffKind::Same => ("  ", t.muted),
        };
        lines.push(Line::styled(format!("{mark}{}", sanitize(&d.text)), style));
    }
    Paragraph::new(lines)
        .block(
            Block::bordered()
                .title(title)
                .border_style(t.border_focused),
        )
        .render(area, buf);
}

fn caps_style(caps: &[String], t: &Theme) -> Style {
    if caps.iter().any(|c| c == "deny") || caps.is_empty() {
        t.status_danger
    } else if caps.iter().any(|c| c == "root" || c == "sudo") {
        t.status_warn
    } else {
        t.status_ok
    }
}

/// A capabilities answer and the rules that explain it.
pub fn capabilities(s: &PoliciesScreen, q: &CapQuestion, t: &Theme, area: Rect, buf: &mut Buffer) {
    let title = format!("capabilities on {}", sanitize(&q.path));
    let who = if q.other_token {
        "the token you gave"
    } else {
        "the console's token"
    };
    let mut lines: Vec<Line<'static>> = Vec::new();
    match &q.state {
        CapState::Waiting => lines.push(Line::styled("asking the server…", t.muted)),
        CapState::Failed(e) => {
            lines.push(Line::styled(
                format!("the server refused: {}", sanitize(&e.to_string())),
                t.status_danger,
            ));
            let hint = match e.status() {
                Some(403) if q.other_token => {
                    "asking about another token needs update on sys/capabilities (the default policy cannot)"
                }
                Some(403) => "the console's token may not call sys/capabilities-self",
                Some(400) => "the token is not valid (expired, revoked or mistyped)",
                _ => "",
            };
            if !hint.is_empty() {
                lines.push(Line::styled(hint, t.muted));
            }
        }
        CapState::Ready(a) => {
            lines.push(Line::from(vec![
                Span::styled(format!("{who}: "), t.text),
                Span::styled(
                    sanitize(&a.capabilities.join(", ")).into_owned(),
                    caps_style(&a.capabilities, t),
                ),
            ]));
            match &a.policies {
                Ok(p) => lines.push(Line::styled(
                    format!("its policies: {}", sanitize(&p.join(", "))),
                    t.text,
                )),
                Err(e) => lines.push(Line::styled(
                    format!("its policies are not known: {}", sanitize(&e.to_string())),
                    t.status_warn,
                )),
            }
            explanation_lines(s, a, t, &mut lines);
        }
    }
    lines.push(Line::styled(
        "matching: exact path, * at the end (prefix), + one segment; the most specific pattern decides, deny wins in it",
        t.muted,
    ));
    let lines: Vec<Line<'static>> = lines.into_iter().skip(q.scroll).collect();
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .block(
            Block::bordered()
                .title(title)
                .border_style(t.border_focused),
        )
        .render(area, buf);
}

fn explanation_lines(
    s: &PoliciesScreen,
    a: &crate::vault::models::policies::CapabilityAnswer,
    t: &Theme,
    lines: &mut Vec<Line<'static>>,
) {
    let x = s.explain(a);
    if x.root {
        lines.push(Line::styled(
            "the root policy allows everything",
            t.status_warn,
        ));
    }
    if x.explanation.matches.is_empty() && !x.root && a.policies.is_ok() && x.unknown.is_empty() {
        lines.push(Line::styled(
            "no rule of these policies matches the path: denied by default",
            t.status_danger,
        ));
    }
    if !x.explanation.matches.is_empty() {
        lines.push(Line::styled("rules that match (▶ decides):", t.header));
    }
    for m in x.explanation.matches.iter().take(20) {
        lines.push(Line::from(vec![
            Span::styled(if m.decides { "▶ " } else { "  " }, t.key_hint),
            Span::styled(format!("{} ", sanitize(&m.policy)), t.text),
            Span::styled(format!("L{} ", m.line), t.muted),
            Span::styled(
                format!("path \"{}\" ", sanitize(&m.pattern)),
                t.syntax_string,
            ),
            Span::styled(
                sanitize(&m.capabilities.join(", ")).into_owned(),
                caps_style(&m.capabilities, t),
            ),
        ]));
    }
    if let Some((pattern, caps)) = &x.explanation.decided {
        lines.push(Line::styled(
            format!(
                "decided by \"{}\": {}",
                sanitize(pattern),
                sanitize(&caps.join(", "))
            ),
            caps_style(caps, t),
        ));
    }
    if !x.unknown.is_empty() {
        lines.push(Line::styled(
            format!(
                "not readable here, so their rules are not shown: {}",
                sanitize(&x.unknown.join(", "))
            ),
            t.status_warn,
        ));
    }
}
