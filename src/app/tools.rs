//! `:tools`, `:unwrap`, `:wrap-lookup`, `:rewrap`, `:random [N] [hex|base64]`, `:hash [ALG]`:
//! the tools screen on the right tab (the one on top is reused, else a new one is opened).

use super::{App, ToastLevel};
use crate::command::Command;
use crate::ui::screens::Screen;
use crate::ui::screens::tools::{Tool, ToolsScreen};

impl App {
    pub(crate) fn open_tool(&mut self, cmd: &str, arg: &str) -> Vec<Command> {
        let tool = match cmd {
            "unwrap" => Tool::Unwrap,
            "wrap-lookup" => Tool::Lookup,
            "rewrap" => Tool::Rewrap,
            "random" => Tool::Random,
            "hash" => Tool::Hash,
            _ => match self.screen() {
                Screen::Tools(s) if s.tool != Tool::Share => s.tool,
                _ => Tool::Unwrap,
            },
        };
        let algorithm = if tool == Tool::Hash {
            match crate::ui::screens::tools::parse_hash_algorithm(arg) {
                Ok(a) => Some(a),
                Err(e) => {
                    self.toast(e, ToastLevel::Warn);
                    return Vec::new();
                }
            }
        } else {
            None
        };
        if tool == Tool::Random
            && let Err(e) = crate::ui::screens::tools::parse_random(arg)
        {
            self.toast(e, ToastLevel::Warn);
            return Vec::new();
        }
        let mut cmds = Vec::new();
        if !matches!(self.screen(), Screen::Tools(s) if s.tool != Tool::Share) {
            cmds.extend(self.open_screen(Screen::Tools(ToolsScreen::new(tool))));
        }
        let mut submit = false;
        if let Screen::Tools(s) = self.screen_mut() {
            s.switch(tool);
            if let Some(a) = algorithm {
                s.hash_algorithm = a.to_string();
            }
            // `:random 16 hex` asks at once.
            if tool == Tool::Random && !arg.is_empty() {
                s.line.set(arg);
                submit = true;
            }
        }
        self.dirty = true;
        if submit {
            let effects = self.with_screen(|s, ctx| match s {
                Screen::Tools(t) => t.submit(ctx),
                _ => Vec::new(),
            });
            cmds.extend(self.apply_effects(effects));
        }
        cmds
    }
}
