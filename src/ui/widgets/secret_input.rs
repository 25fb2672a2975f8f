//! A masked one-line input for tokens, passwords and unseal shares. The value lives in a
//! zeroizing buffer (wiped on clear, on take, on drop and whenever it has to grow), `Debug` is
//! redacted, and nothing drawn depends on the value: `Masked` shows one `•` per character,
//! `Hidden` (for unseal shares) shows a fixed placeholder, so not even the length shows.
//! Typing is not a keymap concern (as in [`crate::input`]): the widget reads its own keys.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::Widget;
use zeroize::{Zeroize, Zeroizing};

use crate::input::InputOutcome;
use crate::secret::SecretString;
use crate::theme::Theme;

/// What the field shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SecretInputMode {
    /// One `•` per character (tokens, passwords).
    #[default]
    Masked,
    /// A fixed placeholder whatever was typed (unseal shares): not even the length shows.
    Hidden,
}

/// The mask drawn for each character in [`SecretInputMode::Masked`].
pub const MASK: char = '•';
/// What [`SecretInputMode::Hidden`] draws, whatever the value.
pub const HIDDEN_PLACEHOLDER: &str = "(hidden input)";
/// Starting capacity: most tokens and shares fit, so the buffer rarely has to move.
const INITIAL_CAPACITY: usize = 128;

/// State of a secret input. Not `Clone`: the value has one home.
pub struct SecretInput {
    value: Zeroizing<String>,
    /// Cursor position in chars.
    cursor: usize,
    mode: SecretInputMode,
}

impl Default for SecretInput {
    fn default() -> Self {
        Self::new(SecretInputMode::Masked)
    }
}

impl std::fmt::Debug for SecretInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecretInput")
            .field("mode", &self.mode)
            .field("value", &"[REDACTED]")
            .finish()
    }
}

impl SecretInput {
    pub fn new(mode: SecretInputMode) -> Self {
        Self {
            value: Zeroizing::new(String::with_capacity(INITIAL_CAPACITY)),
            cursor: 0,
            mode,
        }
    }

    pub fn mode(&self) -> SecretInputMode {
        self.mode
    }

    pub fn is_empty(&self) -> bool {
        self.value.is_empty()
    }

    /// Wipe the value (the whole allocation, not only its length).
    pub fn clear(&mut self) {
        self.value.zeroize();
        self.cursor = 0;
    }

    /// Hand the value out as a secret and wipe the buffer.
    pub fn take(&mut self) -> SecretString {
        // From `&str`: one exact-size copy, no reallocation of a buffer that would not be wiped.
        let secret = SecretString::from(self.value.as_str());
        self.clear();
        secret
    }

    /// Insert pasted text at the cursor. Control characters (a trailing newline, escapes) are
    /// dropped. The caller should zeroize its copy of the pasted text.
    pub fn paste(&mut self, text: &str) {
        for c in text.chars().filter(|c| !c.is_control()) {
            self.insert(c);
        }
    }

    fn char_count(&self) -> usize {
        self.value.chars().count()
    }

    fn byte_index(&self, char_idx: usize) -> usize {
        self.value
            .char_indices()
            .nth(char_idx)
            .map_or(self.value.len(), |(i, _)| i)
    }

    /// Make room for `extra` bytes without letting `String` reallocate: a reallocation would free
    /// the old buffer unwiped, so move to a bigger zeroizing buffer and wipe the old one here.
    fn reserve(&mut self, extra: usize) {
        let needed = self.value.len() + extra;
        if needed <= self.value.capacity() {
            return;
        }
        let mut bigger =
            Zeroizing::new(String::with_capacity(needed.max(2 * self.value.capacity())));
        bigger.push_str(&self.value);
        // The old buffer is zeroized when dropped.
        self.value = bigger;
    }

    fn insert(&mut self, c: char) {
        self.reserve(c.len_utf8());
        let at = self.byte_index(self.cursor);
        self.value.insert(at, c);
        self.cursor += 1;
    }

    /// Remove the chars in `start..end` (char indices) and put the cursor at `start`.
    fn remove_range(&mut self, start: usize, end: usize) {
        let (a, b) = (self.byte_index(start), self.byte_index(end));
        self.value.replace_range(a..b, "");
        self.cursor = start;
    }

    /// Start of the word before the cursor (spaces, then non-spaces).
    fn word_start(&self) -> usize {
        let chars: Vec<char> = self.value.chars().take(self.cursor).collect();
        let mut start = chars.len();
        while start > 0 && chars[start - 1] == ' ' {
            start -= 1;
        }
        while start > 0 && chars[start - 1] != ' ' {
            start -= 1;
        }
        start
    }

    /// Apply one key.
    pub fn on_key(&mut self, key: KeyEvent) -> InputOutcome {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let len = self.char_count();
        match key.code {
            KeyCode::Enter => return InputOutcome::Submit,
            KeyCode::Esc => return InputOutcome::Cancel,
            KeyCode::Char('c') if ctrl => return InputOutcome::Cancel,
            KeyCode::Char('u') if ctrl => self.remove_range(0, self.cursor),
            KeyCode::Char('w') if ctrl => self.remove_range(self.word_start(), self.cursor),
            KeyCode::Char('a') if ctrl => self.cursor = 0,
            KeyCode::Char('e') if ctrl => self.cursor = len,
            KeyCode::Char(c) if !ctrl && !c.is_control() => self.insert(c),
            KeyCode::Backspace if self.cursor > 0 => {
                self.remove_range(self.cursor - 1, self.cursor);
            }
            KeyCode::Delete if self.cursor < len => self.remove_range(self.cursor, self.cursor + 1),
            KeyCode::Backspace | KeyCode::Delete => {}
            KeyCode::Left => self.cursor = self.cursor.saturating_sub(1),
            KeyCode::Right => self.cursor = (self.cursor + 1).min(len),
            KeyCode::Home => self.cursor = 0,
            KeyCode::End => self.cursor = len,
            _ => return InputOutcome::Ignored,
        }
        InputOutcome::Changed
    }

    /// First char shown when the masked value is wider than `width`: keeps the cursor visible.
    fn scroll(&self, width: usize) -> usize {
        self.cursor.saturating_sub(width.saturating_sub(1))
    }

    /// Where the terminal cursor goes when the field is drawn in `area`. `Hidden` shows none,
    /// since its position would tell the length.
    pub fn cursor_position(&self, area: Rect) -> Option<(u16, u16)> {
        if self.mode == SecretInputMode::Hidden || area.width == 0 || area.height == 0 {
            return None;
        }
        let col = self.cursor - self.scroll(usize::from(area.width));
        let col = u16::try_from(col).unwrap_or(area.width - 1);
        Some((area.x + col, area.y))
    }
}

/// Draws a [`SecretInput`] on one line with the theme's `secret_masked` style.
pub struct SecretInputView<'a> {
    pub input: &'a SecretInput,
    pub theme: &'a Theme,
}

impl Widget for SecretInputView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        if area.width == 0 || area.height == 0 {
            return;
        }
        let area = Rect { height: 1, ..area };
        let style = self.theme.secret_masked;
        buf.set_style(area, style);
        let width = usize::from(area.width);
        let shown: String = match self.input.mode {
            SecretInputMode::Hidden => HIDDEN_PLACEHOLDER.to_string(),
            SecretInputMode::Masked => {
                let first = self.input.scroll(width);
                let count = self.input.char_count().saturating_sub(first).min(width);
                std::iter::repeat_n(MASK, count).collect()
            }
        };
        buf.set_stringn(area.x, area.y, &shown, width, style);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::ExposeSecret;
    use crate::theme::ThemeRegistry;
    use proptest::prelude::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn ctrl(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
    }

    fn typed(mode: SecretInputMode, text: &str) -> SecretInput {
        let mut s = SecretInput::new(mode);
        for c in text.chars() {
            s.on_key(key(KeyCode::Char(c)));
        }
        s
    }

    fn value(s: &mut SecretInput) -> String {
        s.take().expose_secret().to_string()
    }

    fn theme() -> Theme {
        let registry = ThemeRegistry::load(None, false);
        registry.get("default").cloned().expect("default theme")
    }

    fn render(s: &SecretInput, width: u16) -> Buffer {
        let area = Rect::new(0, 0, width, 1);
        let mut buf = Buffer::empty(area);
        let theme = theme();
        SecretInputView {
            input: s,
            theme: &theme,
        }
        .render(area, &mut buf);
        buf
    }

    fn text_of(buf: &Buffer) -> String {
        buf.content().iter().map(|c| c.symbol()).collect()
    }

    #[test]
    fn debug_shows_no_value() {
        let s = typed(SecretInputMode::Masked, "s.hunter2-token");
        let dbg = format!("{s:?} {s:#?}");
        assert!(!dbg.contains("hunter2"), "{dbg}");
        assert!(dbg.contains("REDACTED"), "{dbg}");
    }

    #[test]
    fn take_hands_out_the_value_and_clears() {
        let mut s = typed(SecretInputMode::Masked, "s.abc");
        assert_eq!(s.take().expose_secret(), "s.abc");
        assert!(s.is_empty());
        assert_eq!(s.take().expose_secret(), "");
        s.paste("x");
        s.clear();
        assert!(s.is_empty());
        assert_eq!(s.cursor_position(Rect::new(0, 0, 10, 1)), Some((0, 0)));
    }

    #[test]
    fn editing_keys() {
        let mut s = typed(SecretInputMode::Masked, "acd");
        s.on_key(key(KeyCode::Left));
        s.on_key(key(KeyCode::Left));
        s.on_key(key(KeyCode::Char('b')));
        s.on_key(key(KeyCode::End));
        s.on_key(key(KeyCode::Backspace));
        s.on_key(key(KeyCode::Home));
        s.on_key(key(KeyCode::Delete));
        s.on_key(key(KeyCode::Right));
        s.on_key(key(KeyCode::Char('X')));
        assert_eq!(value(&mut s), "bXc");

        let mut w = typed(SecretInputMode::Masked, "one two  ");
        w.on_key(ctrl('w'));
        assert_eq!(value(&mut w), "one ");

        let mut u = typed(SecretInputMode::Masked, "abcdef");
        u.on_key(key(KeyCode::Left));
        u.on_key(key(KeyCode::Left));
        assert_eq!(u.on_key(ctrl('u')), InputOutcome::Changed);
        assert_eq!(u.cursor_position(Rect::new(0, 0, 10, 1)), Some((0, 0)));
        assert_eq!(value(&mut u), "ef");

        let mut o = SecretInput::default();
        assert_eq!(o.on_key(key(KeyCode::Enter)), InputOutcome::Submit);
        assert_eq!(o.on_key(key(KeyCode::Esc)), InputOutcome::Cancel);
        assert_eq!(o.on_key(ctrl('c')), InputOutcome::Cancel);
        assert_eq!(o.on_key(key(KeyCode::Tab)), InputOutcome::Ignored);
        assert_eq!(o.on_key(key(KeyCode::Backspace)), InputOutcome::Changed);
        assert!(o.is_empty());
    }

    #[test]
    fn paste_inserts_at_the_cursor_without_control_characters() {
        let mut s = typed(SecretInputMode::Hidden, "ad");
        s.on_key(key(KeyCode::Left));
        s.paste("b\x1b[31mc\n");
        assert_eq!(value(&mut s), "ab[31mcd");
        let mut share = SecretInput::new(SecretInputMode::Hidden);
        share.paste("Zm9vYmFy+/é=\r\n");
        assert_eq!(value(&mut share), "Zm9vYmFy+/é=");
    }

    #[test]
    fn growing_past_the_initial_capacity_keeps_the_value() {
        let long: String = "0123456789".repeat(40);
        let mut s = SecretInput::default();
        s.paste(&long);
        s.on_key(key(KeyCode::Char('!')));
        assert_eq!(value(&mut s), format!("{long}!"));
    }

    #[test]
    fn masked_draws_one_mask_per_char_in_the_secret_style() {
        let s = typed(SecretInputMode::Masked, "héllo");
        let buf = render(&s, 8);
        assert_eq!(text_of(&buf), "•••••   ");
        assert_eq!(Some(buf[(0, 0)].fg), theme().secret_masked.fg);
        assert_eq!(s.cursor_position(Rect::new(2, 3, 8, 1)), Some((7, 3)));
        // Wider than the field: scrolled so that the cursor stays visible.
        let long = typed(SecretInputMode::Masked, "abcdefghij");
        assert_eq!(text_of(&render(&long, 4)), "••• ");
        assert_eq!(long.cursor_position(Rect::new(0, 0, 4, 1)), Some((3, 0)));
    }

    #[test]
    fn hidden_draws_a_fixed_placeholder_and_no_cursor() {
        let s = typed(SecretInputMode::Hidden, "share");
        let empty = SecretInput::new(SecretInputMode::Hidden);
        assert_eq!(render(&s, 20), render(&empty, 20));
        assert!(text_of(&render(&s, 20)).starts_with(HIDDEN_PLACEHOLDER));
        assert_eq!(s.cursor_position(Rect::new(0, 0, 20, 1)), None);
    }

    proptest! {
        #[test]
        fn masked_buffer_never_contains_the_value(v in "[A-Za-z0-9_.+/=-]{3,80}", w in 1u16..60) {
            let mut s = SecretInput::new(SecretInputMode::Masked);
            s.paste(&v);
            let shown = text_of(&render(&s, w));
            prop_assert!(!shown.contains(&v));
            prop_assert!(shown.chars().all(|c| c == MASK || c == ' '), "{}", shown);
        }

        #[test]
        fn hidden_buffer_does_not_depend_on_the_value(v in "\\PC{0,80}", w in 1u16..60) {
            let mut s = SecretInput::new(SecretInputMode::Hidden);
            s.paste(&v);
            let empty = SecretInput::new(SecretInputMode::Hidden);
            prop_assert_eq!(render(&s, w), render(&empty, w));
        }
    }
}
