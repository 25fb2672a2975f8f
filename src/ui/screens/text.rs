//! What a screen does with typed text, pastes and its filter, and how it reacts to being
//! covered, to a write the user abandoned at the gate and to the clock (live countdowns).

use crossterm::event::KeyEvent;

use super::{Effect, Screen, audit, versions};

impl Screen {
    /// A key for a screen that takes typed text (the editor; the tools screen's input).
    pub fn on_text_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        match self {
            Screen::Editor(s) => s.on_text_key(key),
            Screen::Tools(s) => s.on_text_key(key),
            Screen::Versions(s) => s.on_text_key(key),
            Screen::Tokens(s) => s.on_text_key(key),
            Screen::Leases(s) => s.on_text_key(key),
            Screen::Unseal(s) => s.on_text_key(key),
            Screen::GenerateRoot(s) => s.on_text_key(key),
            Screen::Init(s) => s.on_text_key(key),
            Screen::Rekey(s) => s.on_text_key(key),
            Screen::Raft(s) => s.on_text_key(key),
            Screen::Policies(s) => s.on_text_key(key),
            Screen::Audit(s) => s.on_text_key(key),
            Screen::Runbook(s) => s.on_text_key(key),
            Screen::Fleet(s) => s.on_text_key(key),
            Screen::Logs(s) => s.on_text_key(key),
            _ => Vec::new(),
        }
    }

    /// Pasted text while no line input is open; true when the screen took it.
    pub fn on_paste(&mut self, text: &str) -> bool {
        match self {
            Screen::Editor(s) => s.on_paste(text),
            Screen::Tools(s) if s.takes_text() => {
                s.on_paste(text);
                true
            }
            Screen::Versions(s) if s.takes_text() => {
                s.on_paste(text);
                true
            }
            Screen::Tokens(s) if s.takes_text() => {
                s.on_paste(text);
                true
            }
            Screen::Leases(s) if s.takes_text() => {
                s.on_paste(text);
                true
            }
            Screen::Unseal(s) if s.takes_text() => {
                s.on_paste(text);
                true
            }
            Screen::GenerateRoot(s) if s.takes_text() => {
                s.on_paste(text);
                true
            }
            Screen::Init(s) if s.takes_text() => {
                s.on_paste(text);
                true
            }
            Screen::Rekey(s) if s.takes_text() => {
                s.on_paste(text);
                true
            }
            Screen::Raft(s) if s.takes_text() => {
                s.on_paste(text);
                true
            }
            Screen::Policies(s) => s.on_paste(text),
            Screen::Audit(s) if s.takes_text() => {
                s.on_paste(text);
                true
            }
            Screen::Runbook(s) if s.takes_text() => {
                s.on_paste(text);
                true
            }
            Screen::Fleet(s) if s.takes_text() => {
                s.on_paste(text);
                true
            }
            Screen::Logs(s) if s.takes_text() => {
                s.on_paste(text);
                true
            }
            _ => false,
        }
    }

    pub fn filter(&self) -> &str {
        match self {
            Screen::Health(s) => s.filter(),
            Screen::Mounts(s) => s.filter(),
            Screen::Search(s) => s.filter(),
            Screen::Copy(_) => "",
            Screen::Secrets(s) => s.filter(),
            Screen::Secret(s) => s.filter(),
            Screen::MountDetail(_) | Screen::Editor(_) | Screen::Versions(_) => "",
            Screen::Radar(_) => "",
            Screen::GenerateRoot(_) | Screen::Init(_) | Screen::Rekey(_) => "",
            Screen::Tools(s) => s.filter(),
            Screen::Tokens(s) => s.filter(),
            Screen::Leases(s) => s.filter(),
            Screen::Unseal(_) => "",
            Screen::Raft(_) => "",
            Screen::Policies(s) => s.filter(),
            Screen::Audit(s) => s.filter_text(),
            Screen::Runbook(_) => "",
            Screen::Fleet(s) => s.filter(),
            Screen::Logs(s) => s.filter(),
        }
    }

    pub fn set_filter(&mut self, f: String) {
        match self {
            Screen::Health(s) => s.set_filter(f),
            Screen::Mounts(s) => s.set_filter(f),
            Screen::Search(s) => s.set_filter(f),
            Screen::Copy(_) => {}
            Screen::Secrets(s) => s.set_filter(f),
            Screen::Secret(s) => s.set_filter(f),
            Screen::Leases(s) => s.set_filter(f),
            Screen::MountDetail(_) | Screen::Editor(_) | Screen::Tools(_) | Screen::Versions(_) => {
            }
            Screen::Tokens(s) => s.set_filter(f),
            Screen::Radar(_) => {}
            Screen::Unseal(_) => {}
            Screen::GenerateRoot(_) | Screen::Init(_) | Screen::Rekey(_) => {}
            Screen::Raft(_) => {}
            Screen::Policies(s) => s.set_filter(f),
            Screen::Audit(s) => s.set_filter(f),
            Screen::Runbook(_) => {}
            Screen::Fleet(s) => s.set_filter(f),
            Screen::Logs(s) => s.set_filter(f),
        }
    }

    /// Typing goes to the screen's input (printable and editing keys, and pastes).
    pub fn takes_text(&self) -> bool {
        match self {
            Screen::Tools(s) => s.takes_text(),
            Screen::Versions(s) => s.takes_text(),
            Screen::Tokens(s) => s.takes_text(),
            Screen::Leases(s) => s.takes_text(),
            Screen::Unseal(s) => s.takes_text(),
            Screen::GenerateRoot(s) => s.takes_text(),
            Screen::Init(s) => s.takes_text(),
            Screen::Rekey(s) => s.takes_text(),
            Screen::Raft(s) => s.takes_text(),
            Screen::Policies(s) => s.takes_text(),
            Screen::Audit(s) => s.takes_text(),
            Screen::Runbook(s) => s.takes_text(),
            Screen::Fleet(s) => s.takes_text(),
            Screen::Logs(s) => s.takes_text(),
            _ => false,
        }
    }

    /// Another screen opens on top of this one (`enter`, or a `:` command): revealed values are
    /// dropped (masked again), as when the screen is left with `esc`.
    pub fn on_cover(&mut self) {
        match self {
            Screen::Secret(s) => {
                s.revealed.clear();
                s.pending = None;
            }
            Screen::Versions(s) => {
                if matches!(s.pane, versions::Pane::Version(_) | versions::Pane::Diff(_)) {
                    s.pane = versions::Pane::List;
                }
            }
            Screen::Tools(s) => s.revealed = false,
            Screen::GenerateRoot(s) => s.revealed = false,
            Screen::Init(s) => s.secrets.mask(),
            Screen::Rekey(s) => s.secrets.mask(),
            Screen::Tokens(s) => s.by_value = None,
            Screen::Policies(s) => s.on_cover(),
            Screen::Runbook(s) => s.on_cover(),
            Screen::Fleet(s) => s.on_cover(),
            Screen::Logs(s) => s.on_cover(),
            Screen::Audit(s) => {
                if let audit::Overlay::Hash(h) = &mut s.overlay {
                    h.input.0.clear();
                    s.overlay = audit::Overlay::None;
                }
            }
            _ => {}
        }
    }

    /// The gate refused or the user cancelled a write: screens waiting for one stop waiting.
    pub fn on_write_abandoned(&mut self) {
        match self {
            Screen::Tools(s) => s.write_abandoned(),
            Screen::Editor(s) => s.save_abandoned(),
            Screen::Tokens(s) => s.write_abandoned(),
            Screen::Leases(s) => s.write_abandoned(),
            Screen::Unseal(s) => s.write_abandoned(),
            Screen::GenerateRoot(s) => s.write_abandoned(),
            Screen::Init(s) => s.write_abandoned(),
            Screen::Rekey(s) => s.write_abandoned(),
            Screen::Raft(s) => s.write_abandoned(),
            Screen::Policies(s) => s.write_abandoned(),
            _ => {}
        }
    }

    /// The gate lets this screen's write go: what to do first (a runbook journals its action
    /// as started).
    pub fn on_write_sent(&mut self, ctx: &super::ScreenCtx) -> Vec<Effect> {
        match self {
            Screen::Runbook(s) => s.on_write_sent(ctx),
            _ => Vec::new(),
        }
    }

    /// A live countdown is on screen: the app redraws it each tick.
    pub fn wants_tick(&self) -> bool {
        match self {
            Screen::Leases(s) => s.wants_tick(),
            Screen::Unseal(_) => true,
            Screen::Raft(s) => s.wants_tick(),
            // The containment clock.
            Screen::Runbook(s) => s.wants_tick(),
            Screen::Fleet(s) => s.wants_tick(),
            Screen::Logs(s) => s.wants_tick(),
            _ => false,
        }
    }

    /// The clock, for screens that read on their own schedule (the unseal ceremony reads every
    /// node's seal status about once a second).
    pub fn on_tick(&mut self, ctx: &super::ScreenCtx) -> Vec<Effect> {
        match self {
            Screen::Unseal(s) => s.on_tick(ctx),
            Screen::Raft(s) => s.on_tick(ctx),
            Screen::Fleet(s) => s.on_tick(ctx),
            Screen::Logs(s) => s.on_tick(ctx),
            _ => Vec::new(),
        }
    }
}
