//! Keys → actions (through the keymap) → state changes and commands. `App` handles the global
//! actions; the screen on top of the stack gets the rest.

use crossterm::event::{KeyEvent, MouseEvent};

use super::{App, Mode, ToastLevel};
use crate::action::Action;
use crate::command::Command;
use crate::input::{InputOutcome, LineInput};
use crate::keymap::{KeyContext, KeyResult};
use crate::write_gate::Confirmation;

impl App {
    pub(super) fn on_key(&mut self, key: KeyEvent) -> Vec<Command> {
        // Key releases/repeats from terminals with the kitty protocol: act on presses only.
        if key.kind == crossterm::event::KeyEventKind::Release {
            return Vec::new();
        }
        match std::mem::take(&mut self.mode) {
            Mode::Command(mut line) => self.on_command_key(&mut line, key),
            Mode::Filter(mut line) => {
                match line.handle_key(key) {
                    InputOutcome::Submit => self.mode = Mode::Normal,
                    InputOutcome::Cancel => {
                        self.screen_mut().set_filter(String::new());
                        self.mode = Mode::Normal;
                    }
                    _ => {
                        self.screen_mut().set_filter(line.text.clone());
                        self.mode = Mode::Filter(line);
                    }
                }
                Vec::new()
            }
            Mode::Confirm => {
                self.mode = Mode::Confirm;
                self.on_confirm_key(key)
            }
            Mode::Help { scroll } => {
                self.mode = Mode::Help { scroll };
                self.on_mapped_key(KeyContext::Help, key)
            }
            Mode::Login => {
                self.mode = Mode::Login;
                self.on_login_key(key)
            }
            Mode::Normal if self.screen().key_context() == KeyContext::Editor => {
                self.on_text_screen_key(key)
            }
            Mode::Normal if self.screen().takes_text() && crate::input::is_text_key(&key) => {
                let effects = self.with_screen(|s, _| s.on_text_key(key));
                self.apply_effects(effects)
            }
            Mode::Normal => self.on_mapped_key(self.screen().key_context(), key),
        }
    }

    pub(super) fn on_mapped_key(&mut self, ctx: KeyContext, key: KeyEvent) -> Vec<Command> {
        let mut pending = std::mem::take(&mut self.pending_keys);
        let result = self.keymap.feed(ctx, &mut pending, key);
        self.pending_keys = pending;
        match result {
            KeyResult::Action(a) => self.on_action(a),
            KeyResult::Pending | KeyResult::Unbound => Vec::new(),
        }
    }

    /// Apply an action (from a key, or from a test).
    pub fn on_action(&mut self, action: Action) -> Vec<Command> {
        self.dirty = true;
        if let Mode::Help { scroll } = self.mode {
            return self.on_help_action(action, scroll);
        }
        if self.mode == Mode::Confirm {
            return self.on_confirm_action(action);
        }
        if self.mode == Mode::Login {
            return self.on_login_action(action);
        }
        match action {
            Action::Quit | Action::ForceQuit => {
                self.quit = true;
                vec![Command::Quit]
            }
            Action::Help => {
                self.mode = Mode::Help { scroll: 0 };
                Vec::new()
            }
            Action::CommandLine => {
                self.mode = Mode::Command(LineInput::default());
                Vec::new()
            }
            Action::Filter => {
                self.mode = Mode::Filter(LineInput::with_text(self.screen().filter()));
                Vec::new()
            }
            Action::Back => {
                // The screen first (a running count stops), then the filter, then back.
                if let Some(effects) = self.with_screen(|s, ctx| s.on_action(Action::Back, ctx)) {
                    return self.apply_effects(effects);
                }
                if !self.screen().filter().is_empty() {
                    self.screen_mut().set_filter(String::new());
                } else {
                    self.pop_screen();
                }
                Vec::new()
            }
            Action::Refresh => {
                self.poll.force();
                let mut cmds = self.poll_now();
                // The console's own token is looked up again too.
                self.own_token.schedule.force_lookup();
                cmds.extend(self.own_token_due());
                let effects = self
                    .with_screen(|s, ctx| s.on_action(Action::Refresh, ctx))
                    .unwrap_or_default();
                cmds.extend(self.apply_effects(effects));
                cmds
            }
            Action::Suspend => vec![Command::Suspend],
            Action::NextTheme => {
                let names = self.themes.names();
                let i = names
                    .iter()
                    .position(|n| *n == self.theme_name)
                    .unwrap_or(0);
                if let Some(next) = names.get((i + 1) % names.len().max(1)) {
                    self.theme_name = next.clone();
                    self.toast(format!("theme {next}"), ToastLevel::Info);
                }
                Vec::new()
            }
            Action::Confirm | Action::Cancel => Vec::new(),
            other => match self.with_screen(|s, ctx| s.on_action(other, ctx)) {
                Some(effects) => self.apply_effects(effects),
                None => Vec::new(),
            },
        }
    }

    fn on_help_action(&mut self, action: Action, scroll: u16) -> Vec<Command> {
        let scroll = match action {
            Action::Help | Action::Back | Action::Quit => {
                self.mode = Mode::Normal;
                return Vec::new();
            }
            Action::ForceQuit => {
                self.quit = true;
                return vec![Command::Quit];
            }
            Action::Down => scroll.saturating_add(1),
            Action::Up => scroll.saturating_sub(1),
            Action::PageDown => scroll.saturating_add(10),
            Action::PageUp => scroll.saturating_sub(10),
            Action::Top => 0,
            _ => scroll,
        };
        self.mode = Mode::Help { scroll };
        Vec::new()
    }

    /// The dialog's keys: a typed confirmation's input takes printable characters and its
    /// editing keys first; everything else goes through the keymap's `[confirm]` section.
    fn on_confirm_key(&mut self, key: KeyEvent) -> Vec<Command> {
        let Some(pending) = self.gate.pending() else {
            self.mode = Mode::Normal;
            return Vec::new();
        };
        if matches!(pending.confirmation, Confirmation::Typed { .. })
            && crate::input::is_text_key(&key)
        {
            if let Some(input) = self.gate.typed_input() {
                input.handle_key(key);
            }
            self.dirty = true;
            return Vec::new();
        }
        self.on_mapped_key(KeyContext::Confirm, key)
    }

    fn on_confirm_action(&mut self, action: Action) -> Vec<Command> {
        match action {
            Action::ForceQuit => {
                self.quit = true;
                vec![Command::Quit]
            }
            Action::Cancel => {
                self.gate.cancel();
                self.screen_mut().on_write_abandoned();
                self.write_origin = None;
                self.toast("cancelled", ToastLevel::Info);
                self.mode = Mode::Normal;
                Vec::new()
            }
            Action::Confirm => {
                let summary = self
                    .gate
                    .pending()
                    .map(|p| p.spec.summary.clone())
                    .unwrap_or_default();
                let ticket = self.write_ticket(&summary);
                let seq = ticket.seq;
                match self.gate.confirm(ticket) {
                    Ok(cmd) => {
                        self.mode = Mode::Normal;
                        let mut out = Vec::new();
                        if let Some(kind) = self.write_origin.take() {
                            self.write_owners.insert(seq, kind);
                            // Journaled before the write goes (a runbook action).
                            out = self.write_sent(kind);
                        }
                        // Log streams close first (they block a restore or step-down).
                        out.extend(self.before_write(&cmd));
                        out.push(cmd);
                        out
                    }
                    Err(e) => {
                        self.toast(e.to_string(), ToastLevel::Warn);
                        if self.gate.pending().is_none() {
                            self.mode = Mode::Normal;
                        }
                        Vec::new()
                    }
                }
            }
            _ => Vec::new(),
        }
    }

    pub(super) fn on_paste(&mut self, text: &str) {
        self.dirty = true;
        if self.mode == Mode::Normal {
            self.screen_mut().on_paste(text);
            return;
        }
        match &mut self.mode {
            Mode::Command(line) => line.insert_str(text),
            Mode::Filter(line) => {
                line.insert_str(text);
                let f = line.text.clone();
                self.screen_mut().set_filter(f);
            }
            Mode::Confirm => {
                if let Some(input) = self.gate.typed_input() {
                    input.insert_str(text);
                }
            }
            Mode::Login => {
                if let Some(d) = self.login.as_mut() {
                    d.paste(text);
                }
            }
            Mode::Normal => {
                if let Some(s) = self.screens.last_mut().filter(|s| s.takes_text()) {
                    s.on_paste(text);
                }
            }
            _ => {}
        }
    }

    pub(super) fn on_mouse(&mut self, m: MouseEvent) -> Vec<Command> {
        if self.mode != Mode::Normal {
            return Vec::new();
        }
        if self.with_screen(|s, ctx| s.on_mouse(m, ctx)) {
            self.dirty = true;
        }
        Vec::new()
    }
}
