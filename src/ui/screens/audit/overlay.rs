//! The two prompts of the screen: the hidden value input of the audit-hash match (`h`: the value
//! is never drawn, handed to the request as a secret and wiped) and the report's file name
//! (`R`: the format follows the extension, `.md`, `.csv` or `.json`).

use std::path::PathBuf;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget};

use crate::cli::ReportFormat;
use crate::input::LineInput;
use crate::sanitize::sanitize;
use crate::theme::Theme;
use crate::ui::widgets::secret_input::{SecretInput, SecretInputMode, SecretInputView};

/// The hidden input. A secret has one home: a clone starts empty, and two inputs are equal when
/// both are empty or both are not.
#[derive(Debug)]
pub struct HiddenValue(pub SecretInput);

impl Default for HiddenValue {
    fn default() -> Self {
        HiddenValue(SecretInput::new(SecretInputMode::Hidden))
    }
}

impl Clone for HiddenValue {
    fn clone(&self) -> Self {
        Self::default()
    }
}

impl PartialEq for HiddenValue {
    fn eq(&self, o: &Self) -> bool {
        self.0.is_empty() == o.0.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct HashPrompt {
    /// The device whose HMAC key hashes the value (`file`).
    pub device: String,
    pub input: HiddenValue,
    pub error: Option<String>,
}

impl HashPrompt {
    pub fn new(device: String) -> HashPrompt {
        HashPrompt {
            device,
            input: HiddenValue::default(),
            error: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportPrompt {
    pub input: LineInput,
    pub error: Option<String>,
}

impl Default for ReportPrompt {
    fn default() -> Self {
        ReportPrompt {
            input: LineInput::with_text("access-report.md"),
            error: None,
        }
    }
}

impl ReportPrompt {
    /// The file and its format (from the extension; none: Markdown).
    pub fn parse(&self) -> Result<(PathBuf, ReportFormat), String> {
        let name = self.input.text.trim();
        if name.is_empty() {
            return Err("a file name, e.g. access-report.md".into());
        }
        let path = PathBuf::from(name);
        let format = match path.extension().and_then(|e| e.to_str()) {
            None | Some("md") => ReportFormat::Md,
            Some("csv") => ReportFormat::Csv,
            Some("json") => ReportFormat::Json,
            Some(other) => {
                return Err(format!(
                    "report formats are .md, .csv and .json, not .{}",
                    sanitize(other)
                ));
            }
        };
        Ok((path, format))
    }

    pub fn format_name(&self) -> &'static str {
        match self.parse() {
            Ok((_, ReportFormat::Csv)) => "csv",
            Ok((_, ReportFormat::Json)) => "json",
            _ => "md",
        }
    }
}

fn boxed<'a>(title: &'a str, hint: &'a str, t: &Theme, area: Rect, buf: &mut Buffer) -> Rect {
    Clear.render(area, buf);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.border_focused)
        .title(Span::styled(format!(" {title} "), t.title))
        .title_bottom(Line::styled(format!(" {hint} "), t.muted));
    let inner = block.inner(area);
    block.render(area, buf);
    inner
}

pub fn render_hash(h: &HashPrompt, t: &Theme, area: Rect, buf: &mut Buffer) {
    let inner = boxed(
        "Find a value by its HMAC",
        "enter matches · esc cancels",
        t,
        area,
        buf,
    );
    let mut lines = vec![Line::styled(
        format!(
            "A token, an accessor or a secret value: hashed by sys/audit-hash/{}, never shown.",
            sanitize(&h.device)
        ),
        t.text,
    )];
    if let Some(e) = &h.error {
        lines.push(Line::styled(e.clone(), t.status_warn));
    }
    let text_h = u16::try_from(lines.len()).unwrap_or(1);
    Paragraph::new(lines).render(inner, buf);
    if inner.height > text_h {
        let field = Rect {
            y: inner.y + text_h,
            height: 1,
            ..inner
        };
        SecretInputView {
            input: &h.input.0,
            theme: t,
        }
        .render(field, buf);
    }
}

pub fn render_report(p: &ReportPrompt, t: &Theme, area: Rect, buf: &mut Buffer) {
    let inner = boxed(
        "Compliance report",
        "enter writes · esc cancels",
        t,
        area,
        buf,
    );
    let mut lines = vec![
        Line::from(vec![
            Span::styled("file: ", t.key_hint),
            Span::styled(format!("{}▏", sanitize(&p.input.text)), t.command_line),
        ]),
        Line::styled(
            format!(
                "format: {} (from the extension: .md, .csv or .json) · over the current filters",
                p.format_name()
            ),
            t.muted,
        ),
    ];
    if let Some(e) = &p.error {
        lines.push(Line::styled(e.clone(), t.status_warn));
    }
    Paragraph::new(lines).render(inner, buf);
}
