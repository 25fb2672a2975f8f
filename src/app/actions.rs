//! Keys → actions (through the keymap) → state changes and commands.

use crossterm::event::{KeyEvent, MouseButton, MouseEvent, MouseEventKind};

use super::{App, Mode, ScreenId, ToastLevel};
use crate::action::Action;
use crate::command::Command;
use crate::input::{InputOutcome, LineInput};
use crate::keymap::{KeyContext, KeyResult};
use crate::write_gate::{Confirmation, Mutation};

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
                        self.health.set_filter(String::new());
                        self.mode = Mode::Normal;
                    }
                    _ => {
                        self.health.set_filter(line.text.clone());
                        self.mode = Mode::Filter(line);
                    }
                }
                Vec::new()
            }
            Mode::Confirm => self.on_confirm_key(key),
            Mode::Help { scroll } => {
                self.mode = Mode::Help { scroll };
                self.on_mapped_key(KeyContext::Help, key)
            }
            Mode::Normal => self.on_mapped_key(self.key_context(), key),
        }
    }

    fn key_context(&self) -> KeyContext {
        match self.screen {
            ScreenId::Health => KeyContext::Health,
        }
    }

    fn on_mapped_key(&mut self, ctx: KeyContext, key: KeyEvent) -> Vec<Command> {
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
                self.mode = Mode::Filter(LineInput::with_text(self.health.filter()));
                Vec::new()
            }
            Action::Back => {
                if !self.health.filter().is_empty() {
                    self.health.set_filter(String::new());
                }
                Vec::new()
            }
            Action::Up => self.moved(-1),
            Action::Down => self.moved(1),
            Action::PageUp => self.moved(-10),
            Action::PageDown => self.moved(10),
            Action::Top => {
                self.health.select_first();
                Vec::new()
            }
            Action::Bottom => {
                self.health.select_last(&self.cluster);
                Vec::new()
            }
            Action::Select => Vec::new(),
            Action::Refresh => {
                self.poll.force();
                self.poll_now()
            }
            Action::FocusNext => {
                self.health.focus_next();
                Vec::new()
            }
            Action::FocusPrev => {
                self.health.focus_prev();
                Vec::new()
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
            Action::SealNode => match self.health.selected_node(&self.cluster) {
                Some(n) if n.discovered => {
                    let msg = format!(
                        "{} was discovered, not configured: the token is only sent to \
                         configured addresses (add it with --addr to seal it)",
                        crate::sanitize::sanitize(n.short_addr())
                    );
                    self.toast(msg, ToastLevel::Warn);
                    Vec::new()
                }
                Some(n) => {
                    let addr = n.addr.clone();
                    self.submit_write(Mutation::SealNode { addr })
                }
                None => {
                    self.toast("select a node to seal", ToastLevel::Warn);
                    Vec::new()
                }
            },
            Action::StepDown => match self.cluster.active() {
                Some(n) if n.discovered => {
                    let msg = format!(
                        "the active node {} was discovered, not configured: the token is only \
                         sent to configured addresses (add it with --addr to step it down)",
                        crate::sanitize::sanitize(n.short_addr())
                    );
                    self.toast(msg, ToastLevel::Warn);
                    Vec::new()
                }
                Some(n) => {
                    let addr = n.addr.clone();
                    self.submit_write(Mutation::StepDown { addr })
                }
                None => {
                    self.toast("no active node to step down", ToastLevel::Warn);
                    Vec::new()
                }
            },
        }
    }

    fn moved(&mut self, delta: isize) -> Vec<Command> {
        self.health.move_selection(delta, &self.cluster);
        Vec::new()
    }

    fn on_help_action(&mut self, action: Action, scroll: u16) -> Vec<Command> {
        match action {
            Action::Help | Action::Back | Action::Quit => self.mode = Mode::Normal,
            Action::ForceQuit => {
                self.quit = true;
                return vec![Command::Quit];
            }
            Action::Down => {
                self.mode = Mode::Help {
                    scroll: scroll.saturating_add(1),
                }
            }
            Action::Up => {
                self.mode = Mode::Help {
                    scroll: scroll.saturating_sub(1),
                }
            }
            Action::PageDown => {
                self.mode = Mode::Help {
                    scroll: scroll.saturating_add(10),
                }
            }
            Action::PageUp => {
                self.mode = Mode::Help {
                    scroll: scroll.saturating_sub(10),
                }
            }
            Action::Top => self.mode = Mode::Help { scroll: 0 },
            _ => {}
        }
        Vec::new()
    }

    /// Every write goes through the gate.
    pub(crate) fn submit_write(&mut self, m: Mutation) -> Vec<Command> {
        match self.gate.submit(m) {
            Ok(_) => self.mode = Mode::Confirm,
            Err(e) => self.toast(e.to_string(), ToastLevel::Warn),
        }
        Vec::new()
    }

    fn on_confirm_key(&mut self, key: KeyEvent) -> Vec<Command> {
        let Some(pending) = self.gate.pending() else {
            self.mode = Mode::Normal;
            return Vec::new();
        };
        let typed = matches!(pending.confirmation, Confirmation::Typed { .. });
        let mut line = LineInput::with_text(&pending.typed);
        let outcome = if typed {
            line.handle_key(key)
        } else {
            crate::input::yes_no(key)
        };
        match outcome {
            InputOutcome::Cancel => {
                self.gate.cancel();
                self.toast("cancelled", ToastLevel::Info);
                self.mode = Mode::Normal;
                Vec::new()
            }
            InputOutcome::Submit => {
                let seq = self.next_seq();
                match self.gate.confirm(seq) {
                    Ok(cmd) => {
                        self.mode = Mode::Normal;
                        vec![cmd]
                    }
                    Err(e) => {
                        self.toast(e.to_string(), ToastLevel::Warn);
                        self.mode = if self.gate.pending().is_some() {
                            Mode::Confirm
                        } else {
                            Mode::Normal
                        };
                        Vec::new()
                    }
                }
            }
            _ => {
                if typed {
                    while self.gate.pending().is_some_and(|p| !p.typed.is_empty()) {
                        self.gate.backspace();
                    }
                    for c in line.text.chars() {
                        self.gate.type_char(c);
                    }
                }
                self.mode = Mode::Confirm;
                Vec::new()
            }
        }
    }

    pub(super) fn on_paste(&mut self, text: &str) {
        self.dirty = true;
        match &mut self.mode {
            Mode::Command(line) => line.insert_str(text),
            Mode::Filter(line) => {
                line.insert_str(text);
                let f = line.text.clone();
                self.health.set_filter(f);
            }
            Mode::Confirm => {
                for c in text.chars().filter(|c| !c.is_control()) {
                    self.gate.type_char(c);
                }
            }
            _ => {}
        }
    }

    pub(super) fn on_mouse(&mut self, m: MouseEvent) -> Vec<Command> {
        if self.mode != Mode::Normal {
            return Vec::new();
        }
        match m.kind {
            MouseEventKind::ScrollDown => {
                self.health.scroll(3, &self.cluster);
                self.dirty = true;
            }
            MouseEventKind::ScrollUp => {
                self.health.scroll(-3, &self.cluster);
                self.dirty = true;
            }
            MouseEventKind::Down(MouseButton::Left) => {
                let area = crate::ui::layout::body_area(self.size.0, self.size.1);
                if let Some((panel, row)) =
                    self.health.hit_test(area, &self.cluster, m.column, m.row)
                {
                    self.health.click(panel, row);
                    self.dirty = true;
                }
            }
            _ => {}
        }
        Vec::new()
    }
}
