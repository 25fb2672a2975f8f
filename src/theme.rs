//! Themes: semantic style slots. Colours come from here only.

use ratatui::style::Style;

/// Every slot the UI draws with.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Theme {
    pub name: String,
    /// Base text and background.
    pub text: Style,
    pub title: Style,
    pub border: Style,
    pub border_focused: Style,
    pub header: Style,
    pub selection: Style,
    pub muted: Style,
    pub key_hint: Style,
    pub status_ok: Style,
    pub status_warn: Style,
    pub status_danger: Style,
    pub sealed: Style,
    pub stale: Style,
    pub secret_masked: Style,
    pub secret_revealed: Style,
    pub status_bar: Style,
    pub badge_sandbox: Style,
    pub badge_read_only: Style,
    pub warning_banner: Style,
    pub command_line: Style,
    pub dialog: Style,
}
