//! `:readonly` for this session.

use super::{App, ToastLevel};
use crate::command::Command;

impl App {
    /// `:readonly` (on, across context switches) and `:readonly off`. Off never overrides
    /// `--read-only` or the context's `read_only`.
    pub(crate) fn set_session_read_only(&mut self, arg: &str) -> Vec<Command> {
        match arg {
            "" | "on" => {
                self.session_read_only = true;
                self.gate.set_read_only(true);
                self.toast(
                    "read-only mode on (for this session, across contexts)",
                    ToastLevel::Info,
                );
            }
            "off" => {
                self.session_read_only = false;
                if self.force_read_only {
                    self.toast(
                        "still read-only: the console was started with --read-only",
                        ToastLevel::Warn,
                    );
                } else if self.profile.read_only {
                    let msg = format!(
                        "still read-only: context {} is read_only in the config",
                        crate::sanitize::sanitize(&self.profile.context)
                    );
                    self.toast(msg, ToastLevel::Warn);
                } else {
                    self.gate.set_read_only(false);
                    self.toast("read-only mode off", ToastLevel::Info);
                }
            }
            other => {
                let msg = format!(
                    "readonly takes on or off, not \"{}\"",
                    crate::sanitize::sanitize(other)
                );
                self.toast(msg, ToastLevel::Warn);
            }
        }
        Vec::new()
    }
}
