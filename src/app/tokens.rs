//! `:tokens [FILTER]` (the tokens screen, filtered) and `:revoke-token` (its revoke-by-value
//! form): back to the tokens screen if it is on the stack, else open it.

use super::App;
use crate::command::Command;
use crate::ui::screens::Screen;
use crate::ui::screens::tokens::TokensScreen;

impl App {
    /// `:tokens FILTER`: the filter is applied (a parse error is shown on the screen).
    pub(crate) fn go_to_tokens(&mut self, filter: &str, by_value: bool) -> Vec<Command> {
        if let Some(i) = self
            .screens
            .iter()
            .rposition(|s| matches!(s, Screen::Tokens(_)))
        {
            self.screens.truncate(i + 1);
            self.dirty = true;
            if let Some(Screen::Tokens(s)) = self.screens.last_mut() {
                if !filter.is_empty() {
                    s.set_filter(filter.to_string());
                }
                if by_value {
                    s.open_by_value();
                }
            }
            return Vec::new();
        }
        let mut s = TokensScreen::with_filter(filter);
        if by_value {
            s.open_by_value();
        }
        self.open_screen(Screen::Tokens(Box::new(s)))
    }
}
