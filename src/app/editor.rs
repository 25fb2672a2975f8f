//! The app's side of a text-input screen (the secret editor): `:edit` / `:new`, and key
//! routing. While the screen's key context is [`KeyContext::Editor`], a key bound in the
//! `[editor]` section (or `force_quit`) is an action; every other key goes to the screen's text
//! area, the way the `:` line takes typed keys.

use crossterm::event::KeyEvent;

use super::{App, ToastLevel};
use crate::command::Command;
use crate::keymap::{KeyContext, KeyResult};
use crate::ui::screens::Screen;
use crate::ui::screens::editor::{EditorScreen, Intent};

impl App {
    /// `:edit MOUNT/PATH` / `:new MOUNT/PATH`.
    pub(crate) fn open_editor(&mut self, arg: &str, intent: Intent) -> Vec<Command> {
        let path = arg.trim().trim_matches('/');
        let verb = match intent {
            Intent::Edit => "edit",
            Intent::New => "new",
        };
        if path.is_empty() || !path.contains('/') {
            self.toast(
                format!("{verb} takes MOUNT/PATH, e.g. :{verb} secret/apps/db"),
                ToastLevel::Warn,
            );
            return Vec::new();
        }
        let Some(addr) = self.cluster.api_addr() else {
            self.toast("no node to ask", ToastLevel::Warn);
            return Vec::new();
        };
        let screen = EditorScreen::by_path(addr, path, intent);
        self.open_screen(Screen::Editor(Box::new(screen)))
    }

    /// A key while a text-input screen has the keyboard.
    pub(super) fn on_text_screen_key(&mut self, key: KeyEvent) -> Vec<Command> {
        let mut pending = std::mem::take(&mut self.pending_keys);
        let result = self.keymap.feed(KeyContext::Editor, &mut pending, key);
        self.pending_keys = pending;
        match result {
            KeyResult::Action(a) => self.on_action(a),
            KeyResult::Pending => Vec::new(),
            KeyResult::Unbound => {
                let effects = self.with_screen(|s, _| s.on_text_key(key));
                self.apply_effects(effects)
            }
        }
    }
}
