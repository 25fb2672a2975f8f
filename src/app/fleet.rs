//! The fleet view in the app: `:fleet` (and `--fleet`) opens it, and its `enter` switches
//! context with the fleet kept at the bottom of the stack, so `esc` on the new context's
//! health screen comes back to it, rows and cursor as they were.

use super::{App, ToastLevel};
use crate::command::Command;
use crate::ui::screens::Screen;
use crate::ui::screens::fleet::FleetScreen;
use crate::ui::screens::health::HealthScreen;

impl App {
    /// `:fleet`: back to the fleet view if it is on the stack, else open it.
    pub fn open_fleet(&mut self) -> Vec<Command> {
        if let Some(i) = self
            .screens
            .iter()
            .rposition(|s| matches!(s, Screen::Fleet(_)))
        {
            self.screens.truncate(i + 1);
            self.dirty = true;
            return Vec::new();
        }
        let contexts = if self.contexts.is_empty() {
            vec![self.profile.clone()]
        } else {
            self.contexts.clone()
        };
        let screen = FleetScreen::new(contexts, self.poll.interval);
        self.open_screen(Screen::Fleet(Box::new(screen)))
    }

    /// The fleet's `enter`: this context's health screen, the fleet below it.
    pub(crate) fn enter_context(&mut self, name: &str) -> Vec<Command> {
        let Some(profile) = self.contexts.iter().find(|c| c.context == name).cloned() else {
            if name == self.profile.context {
                return self.keep_fleet_below_health(false, Vec::new());
            }
            self.toast(
                format!("unknown context \"{}\"", crate::sanitize::sanitize(name)),
                ToastLevel::Warn,
            );
            return Vec::new();
        };
        if profile.context == self.profile.context {
            return self.keep_fleet_below_health(false, Vec::new());
        }
        let fleet = self.take_fleet();
        let cmds = self.switch_context(profile);
        if let Some(f) = fleet {
            self.screens.insert(0, Screen::Fleet(f));
        }
        self.keep_fleet_below_health(true, cmds)
    }

    /// The stack becomes `[Fleet, Health]` (the health screen as it was, when there is one).
    fn keep_fleet_below_health(&mut self, switched: bool, cmds: Vec<Command>) -> Vec<Command> {
        let Some(mut fleet) = self.take_fleet() else {
            return cmds;
        };
        if switched {
            // Replies in flight were issued before the switch: they are dropped.
            fleet.forget_in_flight();
        }
        let health = self
            .screens
            .iter()
            .find_map(|s| match s {
                Screen::Health(h) => Some(h.clone()),
                _ => None,
            })
            .unwrap_or_else(HealthScreen::default);
        fleet.on_cover();
        self.screens = vec![Screen::Fleet(fleet), Screen::Health(health)];
        self.dirty = true;
        cmds
    }

    fn take_fleet(&mut self) -> Option<Box<FleetScreen>> {
        let i = self
            .screens
            .iter()
            .rposition(|s| matches!(s, Screen::Fleet(_)))?;
        match self.screens.remove(i) {
            Screen::Fleet(f) => Some(f),
            other => {
                self.screens.insert(i, other);
                None
            }
        }
    }
}
