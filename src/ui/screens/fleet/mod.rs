//! The fleet view (`:fleet`, `strongroom --fleet`): one row per context of the config file. SEAM: filled in by the fleet capability.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::Widget;

use super::{Effect, ScreenCtx};
use crate::action::Action;
use crate::jobs::JobEvent;
use crate::reply::{Reply, WriteOutcome};
use crate::theme::Theme;

pub const HINTS: &[Action] = &[Action::Back];

#[derive(Debug, Clone, PartialEq, Default)]
pub struct FleetScreen {}

impl FleetScreen {
    pub fn on_open(&mut self, _ctx: &ScreenCtx) -> Vec<Effect> {
        Vec::new()
    }

    pub fn on_action(&mut self, _a: Action, _ctx: &ScreenCtx) -> Option<Vec<Effect>> {
        None
    }

    pub fn on_job(&mut self, _what: &str, _event: JobEvent, _ctx: &ScreenCtx) -> Vec<Effect> {
        Vec::new()
    }

    pub fn on_reply(&mut self, _reply: Reply, _ctx: &ScreenCtx) -> Vec<Effect> {
        Vec::new()
    }

    pub fn on_write(&mut self, _outcome: WriteOutcome, _ctx: &ScreenCtx) -> Vec<Effect> {
        Vec::new()
    }

    pub fn on_tick(&mut self, _ctx: &ScreenCtx) -> Vec<Effect> {
        Vec::new()
    }

    pub fn wants_tick(&self) -> bool {
        false
    }

    pub fn takes_text(&self) -> bool {
        false
    }

    pub fn on_text_key(&mut self, _key: crossterm::event::KeyEvent) -> Vec<Effect> {
        Vec::new()
    }

    pub fn on_paste(&mut self, _text: &str) {}

    pub fn filter(&self) -> &str {
        ""
    }

    pub fn set_filter(&mut self, _f: String) {}

    pub fn on_cover(&mut self) {}

    pub fn hints(&self) -> &'static [Action] {
        HINTS
    }
}

pub struct FleetView<'a> {
    pub screen: &'a FleetScreen,
    pub ctx: &'a ScreenCtx<'a>,
    pub theme: &'a Theme,
}

impl Widget for FleetView<'_> {
    fn render(self, _area: Rect, _buf: &mut Buffer) {}
}
