//! `:runbook [ID]`: the runbooks screen, opened with the library and runs the runtime loaded;
//! and what comes back from the files the runtime writes for a run (journal, report).

use super::{App, ToastLevel};
use crate::command::Command;
use crate::ui::screens::Screen;
use crate::ui::screens::runbook::RunbookScreen;

impl App {
    /// `:runbook` lists the runbooks and the unfinished runs; `:runbook ID` starts that one.
    pub(crate) fn open_runbooks(&mut self, arg: &str) -> Vec<Command> {
        let mut env = self.runbooks.clone();
        // The responder: the login name, and the token's display name when known.
        if let Some(t) = self.own_token.info.value()
            && !t.display_name.is_empty()
        {
            env.operator = format!(
                "{} ({})",
                env.operator,
                crate::sanitize::sanitize(&t.display_name)
            );
        }
        let mut s = RunbookScreen::new(env, &self.profile.context, self.read_only());
        let id = arg.trim();
        if !id.is_empty() {
            s.start_with = Some(id.to_string());
        }
        self.open_screen(Screen::Runbook(Box::new(s)))
    }

    /// A file written (a report: its path), or not written (a journal: the run goes on in
    /// memory).
    pub(crate) fn on_file_result(&mut self, r: Result<String, String>) -> Vec<Command> {
        match r {
            Ok(path) => self.toast(
                format!("saved {}", crate::sanitize::sanitize(&path)),
                ToastLevel::Info,
            ),
            Err(e) => self.toast(
                crate::sanitize::sanitize(&e).into_owned(),
                ToastLevel::Error,
            ),
        }
        Vec::new()
    }
}
