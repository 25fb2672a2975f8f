//! A one-line text input (the `:` command line, the `/` filter, typed confirmations). Typing is
//! not a keymap concern: printable keys edit the line; only the editing keys are interpreted here.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LineInput {
    pub text: String,
    /// Cursor position in chars.
    pub cursor: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputOutcome {
    Submit,
    Cancel,
    Changed,
    /// Tab: the owner completes.
    Complete,
    /// Up/down: the owner walks history.
    HistoryPrev,
    HistoryNext,
    Ignored,
}

impl LineInput {
    pub fn with_text(text: &str) -> Self {
        Self {
            text: text.to_string(),
            cursor: text.chars().count(),
        }
    }

    pub fn set(&mut self, text: &str) {
        *self = Self::with_text(text);
    }

    fn byte_index(&self, char_idx: usize) -> usize {
        self.text
            .char_indices()
            .nth(char_idx)
            .map_or(self.text.len(), |(i, _)| i)
    }

    pub fn insert_str(&mut self, s: &str) {
        for c in s.chars().filter(|c| !c.is_control()) {
            let at = self.byte_index(self.cursor);
            self.text.insert(at, c);
            self.cursor += 1;
        }
    }

    /// Apply one key.
    pub fn handle_key(&mut self, key: KeyEvent) -> InputOutcome {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Enter => InputOutcome::Submit,
            KeyCode::Esc => InputOutcome::Cancel,
            KeyCode::Char('c') if ctrl => InputOutcome::Cancel,
            KeyCode::Tab => InputOutcome::Complete,
            KeyCode::Up => InputOutcome::HistoryPrev,
            KeyCode::Down => InputOutcome::HistoryNext,
            KeyCode::Char('u') if ctrl => {
                let at = self.byte_index(self.cursor);
                self.text.replace_range(..at, "");
                self.cursor = 0;
                InputOutcome::Changed
            }
            KeyCode::Char('w') if ctrl => {
                let chars: Vec<char> = self.text.chars().collect();
                let mut start = self.cursor;
                while start > 0 && chars[start - 1] == ' ' {
                    start -= 1;
                }
                while start > 0 && chars[start - 1] != ' ' {
                    start -= 1;
                }
                let (a, b) = (self.byte_index(start), self.byte_index(self.cursor));
                self.text.replace_range(a..b, "");
                self.cursor = start;
                InputOutcome::Changed
            }
            KeyCode::Char('a') if ctrl => {
                self.cursor = 0;
                InputOutcome::Changed
            }
            KeyCode::Char('e') if ctrl => {
                self.cursor = self.text.chars().count();
                InputOutcome::Changed
            }
            KeyCode::Char(c) if !ctrl => {
                self.insert_str(&c.to_string());
                InputOutcome::Changed
            }
            KeyCode::Backspace => {
                if self.cursor > 0 {
                    let at = self.byte_index(self.cursor - 1);
                    self.text.remove(at);
                    self.cursor -= 1;
                }
                InputOutcome::Changed
            }
            KeyCode::Delete => {
                if self.cursor < self.text.chars().count() {
                    let at = self.byte_index(self.cursor);
                    self.text.remove(at);
                }
                InputOutcome::Changed
            }
            KeyCode::Left => {
                self.cursor = self.cursor.saturating_sub(1);
                InputOutcome::Changed
            }
            KeyCode::Right => {
                self.cursor = (self.cursor + 1).min(self.text.chars().count());
                InputOutcome::Changed
            }
            KeyCode::Home => {
                self.cursor = 0;
                InputOutcome::Changed
            }
            KeyCode::End => {
                self.cursor = self.text.chars().count();
                InputOutcome::Changed
            }
            _ => InputOutcome::Ignored,
        }
    }
}

/// A yes/no question: y / enter confirm, n / esc / q cancel.
pub fn yes_no(key: KeyEvent) -> InputOutcome {
    match key.code {
        KeyCode::Enter | KeyCode::Char('y' | 'Y') => InputOutcome::Submit,
        KeyCode::Esc | KeyCode::Char('n' | 'N' | 'q') => InputOutcome::Cancel,
        _ => InputOutcome::Ignored,
    }
}

/// A key that flips a checkbox of a form: space or `x` (no modifiers but shift).
pub fn is_toggle(key: &KeyEvent) -> bool {
    !key.modifiers
        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
        && matches!(key.code, KeyCode::Char(' ' | 'x'))
}

/// Keys a text input takes: printable characters (no ctrl/alt) and its editing keys.
pub fn is_text_key(key: &KeyEvent) -> bool {
    let plain = !key
        .modifiers
        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
    match key.code {
        KeyCode::Char(c) => {
            plain || (key.modifiers == KeyModifiers::CONTROL && matches!(c, 'u' | 'w' | 'a' | 'e'))
        }
        KeyCode::Backspace | KeyCode::Delete | KeyCode::Left | KeyCode::Right => true,
        KeyCode::Home | KeyCode::End => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn edits_and_submits() {
        let mut l = LineInput::default();
        for c in "thme".chars() {
            l.handle_key(key(KeyCode::Char(c)));
        }
        l.handle_key(key(KeyCode::Left));
        l.handle_key(key(KeyCode::Left));
        l.handle_key(key(KeyCode::Char('e')));
        assert_eq!(l.text, "theme");
        l.handle_key(key(KeyCode::End));
        l.handle_key(key(KeyCode::Backspace));
        assert_eq!(l.text, "them");
        assert_eq!(l.handle_key(key(KeyCode::Enter)), InputOutcome::Submit);
        let mut w = LineInput::with_text("ctx prod");
        w.handle_key(KeyEvent::new(KeyCode::Char('w'), KeyModifiers::CONTROL));
        assert_eq!(w.text, "ctx ");
        w.insert_str("a\x1bb");
        assert_eq!(w.text, "ctx ab");
    }
}
