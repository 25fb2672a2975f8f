//! The UI: chrome (status bar, footer, overlays) around the active screen.

pub mod screens;
pub mod widgets;
