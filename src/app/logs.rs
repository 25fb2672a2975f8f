//! The log streams' app-level parts: `:logs [NODE] [LEVEL]` (one log screen at a time), the
//! hook that closes every open stream BEFORE a raft restore or a step-down is sent (an open
//! `sys/monitor` stream on the active node blocks both, and meanwhile every request but
//! `sys/health` hangs on that node), and the reaper that cancels a stream whose screen left
//! the stack some other way than `esc` (`:health`, a context switch already replaces the worker).

use super::{App, ToastLevel};
use crate::command::{Command, Origin, RequestKey, ScreenKind};
use crate::ui::screens::Screen;
use crate::ui::screens::logs::{JOB, LogsScreen};
use crate::vault::monitor::LogLevel;
use crate::write_gate::Mutation;
use crate::write_gate::raft::RaftMutation;

fn monitor_key() -> RequestKey {
    RequestKey::new(Origin::Screen(ScreenKind::Logs), JOB)
}

/// True for the writes an open log stream blocks.
fn blocked_by_streams(cmd: &Command) -> bool {
    let Command::Write { write, .. } = cmd else {
        return false;
    };
    write.mutations().iter().any(|m| {
        matches!(
            m,
            Mutation::StepDown { .. } | Mutation::Raft(RaftMutation::Restore { .. })
        )
    })
}

impl App {
    /// `:logs [NODE] [LEVEL]`: the words that name a level set it, the other one the node.
    pub(crate) fn open_logs(&mut self, arg: &str) -> Vec<Command> {
        let mut level = LogLevel::default();
        let mut node = None;
        for word in arg.split_whitespace() {
            match LogLevel::parse(word) {
                Some(l) => level = l,
                None => node = Some(word.to_string()),
            }
        }
        // One log screen at a time: an open one closes (and its stream with it) first.
        let mut cmds = Vec::new();
        if let Some(i) = self
            .screens
            .iter()
            .position(|s| s.kind() == ScreenKind::Logs)
        {
            self.screens.truncate(i);
            if let Some(id) = self.requests.cancel(&monitor_key()) {
                cmds.push(Command::CancelJob { id });
            }
        }
        let screen = LogsScreen::new(node, level, self.log_max_lines);
        cmds.extend(self.open_screen(Screen::Logs(Box::new(screen))));
        cmds
    }

    /// Commands to send BEFORE `cmd`: a restore or step-down first closes every log stream.
    pub(crate) fn before_write(&mut self, cmd: &Command) -> Vec<Command> {
        if !blocked_by_streams(cmd) {
            return Vec::new();
        }
        let mut effects = Vec::new();
        for s in &mut self.screens {
            if let Screen::Logs(l) = s {
                effects.extend(l.close_for_write());
            }
        }
        let mut out = self.apply_effects_for(ScreenKind::Logs, effects);
        // A stream whose screen is gone (never expected: the reaper) is closed all the same.
        if let Some(id) = self.requests.cancel(&monitor_key()) {
            out.push(Command::CancelJob { id });
        }
        if !out.is_empty() {
            self.toast(
                "log stream closed for the restore or step-down (r on the log screen reopens it)",
                ToastLevel::Info,
            );
        }
        out
    }

    /// A stream whose screen left the stack is cancelled.
    pub(crate) fn reap_log_streams(&mut self) -> Vec<Command> {
        if self.screens.iter().any(|s| s.kind() == ScreenKind::Logs) {
            return Vec::new();
        }
        self.requests
            .cancel(&monitor_key())
            .map(|id| vec![Command::CancelJob { id }])
            .unwrap_or_default()
    }
}
