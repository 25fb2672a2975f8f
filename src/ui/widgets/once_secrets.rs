//! Secrets shown once (init's shares and root token, a rekey's new shares): a list of labelled
//! values, masked by default; one at a time can be revealed, any can be copied; each holder
//! confirms receipt, which wipes that value at once, leaving only "share 3: received". Leaving
//! before every value was taken needs the typed word `discard`, which wipes the rest. Generic:
//! one secret or many.

use crossterm::event::KeyEvent;
use ratatui::text::{Line, Span};

use crate::input::{InputOutcome, LineInput};
use crate::sanitize::sanitize;
use crate::secret::CopyText;
use crate::theme::Theme;
use crate::ui::screens::Effect;
use crate::vault::models::wrapping::SecretText;

/// What a masked value shows, whatever its length.
pub const MASKED: &str = "••••••••••••••••";
/// The word typed to wipe values not yet taken.
pub const DISCARD_WORD: &str = "discard";

/// One labelled secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OnceSecret {
    pub label: String,
    /// `None` once received or discarded (the value was wiped).
    value: Option<SecretText>,
    pub received: bool,
}

impl OnceSecret {
    pub fn holds_value(&self) -> bool {
        self.value.is_some()
    }
}

/// What a key in the discard prompt did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiscardOutcome {
    /// Still typing.
    Pending,
    /// The word was typed: every value is wiped.
    Discarded,
    /// The prompt was closed; nothing wiped.
    Cancelled,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OnceSecrets {
    items: Vec<OnceSecret>,
    pub selected: usize,
    /// The index revealed (only the selected one can be).
    revealed: Option<usize>,
    /// The typed `discard` confirmation, while open.
    pub discard: Option<LineInput>,
}

impl OnceSecrets {
    pub fn new(items: Vec<(String, SecretText)>) -> Self {
        Self {
            items: items
                .into_iter()
                .map(|(label, v)| OnceSecret {
                    label,
                    value: Some(v),
                    received: false,
                })
                .collect(),
            ..Self::default()
        }
    }

    pub fn items(&self) -> &[OnceSecret] {
        &self.items
    }

    /// The value of item `i`, while it is held (for a holder's own copy; tests).
    pub fn value(&self, i: usize) -> Option<&SecretText> {
        self.items.get(i).and_then(|it| it.value.as_ref())
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Some value is still in memory.
    pub fn holds_values(&self) -> bool {
        self.items.iter().any(OnceSecret::holds_value)
    }

    pub fn all_received(&self) -> bool {
        !self.items.is_empty() && self.items.iter().all(|i| i.received)
    }

    pub fn received_count(&self) -> usize {
        self.items.iter().filter(|i| i.received).count()
    }

    pub fn up(&mut self) {
        self.selected = self.selected.saturating_sub(1);
        self.revealed = None;
    }

    pub fn down(&mut self) {
        if self.selected + 1 < self.items.len() {
            self.selected += 1;
        }
        self.revealed = None;
    }

    /// Reveal (or mask again) the selected value.
    pub fn toggle_reveal(&mut self) {
        let held = self
            .items
            .get(self.selected)
            .is_some_and(OnceSecret::holds_value);
        self.revealed = match self.revealed {
            Some(i) if i == self.selected => None,
            _ if held => Some(self.selected),
            _ => None,
        };
    }

    /// Mask the revealed value again (the screen was covered).
    pub fn mask(&mut self) {
        self.revealed = None;
    }

    pub fn is_revealed(&self, i: usize) -> bool {
        self.revealed == Some(i)
    }

    /// Copy the selected value (without showing it).
    pub fn copy(&self) -> Vec<Effect> {
        match self.items.get(self.selected) {
            Some(OnceSecret {
                label,
                value: Some(v),
                ..
            }) => vec![Effect::Copy {
                label: label.clone(),
                text: CopyText::new(v.secret().clone()),
            }],
            _ => Vec::new(),
        }
    }

    /// The selected holder took their value: it is wiped now; the next one not yet taken is
    /// selected.
    pub fn receive(&mut self) {
        let n = self.items.len();
        if let Some(it) = self.items.get_mut(self.selected) {
            it.value = None;
            it.received = true;
        }
        self.revealed = None;
        if let Some(next) = (0..n)
            .map(|k| (self.selected + k) % n)
            .find(|&i| !self.items[i].received)
        {
            self.selected = next;
        }
    }

    /// Wipe every value still held (received or not).
    pub fn wipe(&mut self) {
        for it in &mut self.items {
            it.value = None;
        }
        self.revealed = None;
        self.discard = None;
    }

    /// Open the typed `discard` prompt (only when something is still held).
    pub fn begin_discard(&mut self) -> bool {
        if self.holds_values() {
            self.discard = Some(LineInput::default());
            true
        } else {
            false
        }
    }

    /// A key for the open discard prompt.
    pub fn discard_key(&mut self, key: KeyEvent) -> DiscardOutcome {
        let Some(input) = self.discard.as_mut() else {
            return DiscardOutcome::Cancelled;
        };
        match input.handle_key(key) {
            InputOutcome::Submit if input.text.trim() == DISCARD_WORD => {
                self.wipe();
                DiscardOutcome::Discarded
            }
            InputOutcome::Submit | InputOutcome::Cancel => {
                self.discard = None;
                DiscardOutcome::Cancelled
            }
            _ => DiscardOutcome::Pending,
        }
    }

    /// `enter` in the discard prompt: wipe when the word was typed, else close the prompt.
    pub fn discard_submit(&mut self) -> DiscardOutcome {
        match self.discard.take() {
            Some(d) if d.text.trim() == DISCARD_WORD => {
                self.wipe();
                DiscardOutcome::Discarded
            }
            _ => DiscardOutcome::Cancelled,
        }
    }

    /// The list, one line each, for a screen to draw (values masked unless revealed).
    pub fn lines(&self, theme: &Theme) -> Vec<Line<'static>> {
        let width = self
            .items
            .iter()
            .map(|i| i.label.chars().count())
            .max()
            .unwrap_or(0);
        let mut lines: Vec<Line<'static>> = self
            .items
            .iter()
            .enumerate()
            .map(|(i, it)| {
                let mark = if i == self.selected { "›" } else { " " };
                let label = format!(" {mark} {:<width$}  ", sanitize(&it.label));
                let label_style = if i == self.selected {
                    theme.selection
                } else {
                    theme.text
                };
                let value = match (&it.value, it.received) {
                    (_, true) => Span::styled("received", theme.status_ok),
                    (None, false) => Span::styled("discarded", theme.status_danger),
                    (Some(v), false) if self.is_revealed(i) => {
                        Span::styled(sanitize(v.expose()).into_owned(), theme.secret_revealed)
                    }
                    (Some(_), false) => Span::styled(MASKED, theme.secret_masked),
                };
                Line::from(vec![Span::styled(label, label_style), value])
            })
            .collect();
        lines.push(Line::styled(
            format!(
                " {} of {} received",
                self.received_count(),
                self.items.len()
            ),
            theme.muted,
        ));
        if let Some(d) = &self.discard {
            lines.push(Line::styled(
                format!(
                    " type {DISCARD_WORD} and enter to wipe the values not taken (esc keeps them): {}",
                    sanitize(&d.text)
                ),
                theme.status_danger,
            ));
        } else if self.holds_values() {
            lines.push(Line::styled(
                " shown once: r reveals, c copies, enter/y marks received (and wipes it)",
                theme.status_warn,
            ));
        }
        lines
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::expect_used)]
    use super::*;
    use crossterm::event::{KeyCode, KeyModifiers};

    fn three() -> OnceSecrets {
        OnceSecrets::new(
            (1..=3)
                .map(|i| {
                    (
                        format!("share {i}"),
                        SecretText::from(format!("SECRETVALUE{i}")),
                    )
                })
                .collect(),
        )
    }

    fn key(c: KeyCode) -> KeyEvent {
        KeyEvent::new(c, KeyModifiers::NONE)
    }

    #[test]
    fn receipt_wipes_each_value_and_all_received_holds_none() {
        let mut s = three();
        assert!(s.holds_values() && !s.all_received());
        s.receive();
        assert!(!s.items()[0].holds_value() && s.items()[0].received);
        assert_eq!(s.selected, 1);
        s.receive();
        s.receive();
        assert!(s.all_received() && !s.holds_values());
        assert!(!format!("{s:?}").contains("SECRETVALUE"));
        assert!(s.copy().is_empty());
    }

    #[test]
    fn reveal_is_one_at_a_time_and_moving_masks() {
        let mut s = three();
        s.toggle_reveal();
        assert!(s.is_revealed(0));
        s.down();
        assert!(!s.is_revealed(0) && !s.is_revealed(1));
        s.toggle_reveal();
        assert!(s.is_revealed(1));
        s.toggle_reveal();
        assert!(!s.is_revealed(1));
    }

    #[test]
    fn copy_hands_the_selected_value_over() {
        let mut s = three();
        s.down();
        let e = s.copy();
        assert!(matches!(&e[..], [Effect::Copy { label, text }]
            if label == "share 2" && *text == CopyText::plain("SECRETVALUE2".into())));
    }

    #[test]
    fn discard_needs_the_word() {
        let mut s = three();
        assert!(s.begin_discard());
        for c in "nope".chars() {
            assert_eq!(
                s.discard_key(key(KeyCode::Char(c))),
                DiscardOutcome::Pending
            );
        }
        assert_eq!(
            s.discard_key(key(KeyCode::Enter)),
            DiscardOutcome::Cancelled
        );
        assert!(s.holds_values());
        assert!(s.begin_discard());
        for c in DISCARD_WORD.chars() {
            s.discard_key(key(KeyCode::Char(c)));
        }
        assert_eq!(
            s.discard_key(key(KeyCode::Enter)),
            DiscardOutcome::Discarded
        );
        assert!(!s.holds_values() && !s.all_received());
        assert!(!s.begin_discard());
    }
}
