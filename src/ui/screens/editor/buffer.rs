//! The editor's text: a `ratatui-textarea` that holds secret values, wiped when it is closed.
//!
//! `TextArea` keeps its lines as `Vec<String>`; on [`SecretBuffer::wipe`] (called on drop, on
//! replace and when the editor closes) the lines are taken out and zeroized. Copies the crate
//! keeps out of reach are dropped, not zeroized: the undo history (inserted and deleted text of
//! the last edits; it is dropped with `set_max_histories(0)`), the yank (cut/copy) buffer
//! (replaced by an empty one), and the old allocations left behind whenever a line `String`
//! grew (the allocator reuses them; nothing writes them anywhere). Nothing of the buffer is
//! logged: `Debug` says only how many lines there are.
//!
//! The text area sits in a `Mutex` only because it keeps draw caches in `Cell`s, and screens
//! must be `Sync` (the app has a static fallback screen); nothing locks it from two threads.

use crossterm::event::KeyEvent;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::widgets::Widget;
use ratatui_textarea::{TextArea, WrapMode};
use zeroize::Zeroize;

use std::sync::{Mutex, MutexGuard};

/// How many edits undo remembers.
const UNDO_DEPTH: usize = 50;

pub struct SecretBuffer {
    area: Mutex<TextArea<'static>>,
}

fn lock<'m>(m: &'m Mutex<TextArea<'static>>) -> MutexGuard<'m, TextArea<'static>> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl SecretBuffer {
    pub fn new(lines: Vec<String>) -> Self {
        let mut area = TextArea::new(lines);
        area.set_max_histories(UNDO_DEPTH);
        // No colours here: the view fills the area with the theme's style first.
        area.set_cursor_line_style(Style::default());
        area.set_line_number_style(Style::default().add_modifier(Modifier::DIM));
        area.set_selection_style(Style::default().add_modifier(Modifier::REVERSED));
        area.set_cursor_style(Style::default().add_modifier(Modifier::REVERSED));
        // Long values wrap: the widget then draws only the visible pieces of a huge line.
        area.set_wrap_mode(WrapMode::Glyph);
        Self {
            area: Mutex::new(area),
        }
    }

    /// Read the lines (they stay here).
    pub fn with_lines<R>(&self, f: impl FnOnce(&[String]) -> R) -> R {
        f(lock(&self.area).lines())
    }

    pub fn line_count(&self) -> usize {
        lock(&self.area).lines().len()
    }

    /// (row, column) of the cursor, 0-based.
    pub fn cursor(&self) -> (usize, usize) {
        let c = lock(&self.area).cursor();
        (c.0, c.1)
    }

    /// Put new text in, wiping the old.
    pub fn replace(&mut self, lines: Vec<String>) {
        self.wipe();
        *self = SecretBuffer::new(lines);
    }

    /// One key for the text area; true when the text changed.
    pub fn input(&mut self, key: KeyEvent) -> bool {
        lock(&self.area).input(key)
    }

    /// Pasted text at the cursor (control characters other than newlines and tabs dropped:
    /// they would be drawn as nothing and written as they are).
    pub fn paste(&mut self, text: &str) -> bool {
        let mut clean: String = text
            .chars()
            .filter(|c| *c == '\n' || *c == '\t' || !c.is_control())
            .collect();
        let clean_lf = clean.replace('\t', "    ");
        clean.zeroize();
        let mut clean_lf = clean_lf;
        let changed = lock(&self.area).insert_str(&clean_lf);
        clean_lf.zeroize();
        changed
    }

    /// Zeroize every line and drop the copies the text area keeps (see the module note).
    pub fn wipe(&mut self) {
        let area = self
            .area
            .get_mut()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut old = std::mem::take(area);
        old.set_max_histories(0);
        old.set_yank_text(String::new());
        let mut lines = old.into_lines();
        lines.zeroize();
    }

    /// Jump to a line (1-based), for parse errors.
    pub fn go_to_line(&mut self, line: usize) {
        let row = line.saturating_sub(1).min(u16::MAX as usize) as u16;
        lock(&self.area).move_cursor(ratatui_textarea::CursorMove::Jump(row, 0));
    }

    pub fn render(&self, area: Rect, buf: &mut Buffer) {
        (&*lock(&self.area)).render(area, buf);
    }
}

impl Drop for SecretBuffer {
    fn drop(&mut self) {
        self.wipe();
    }
}

impl Clone for SecretBuffer {
    fn clone(&self) -> Self {
        // A clone is a second home of the values; it is wiped on its own drop.
        Self {
            area: Mutex::new(lock(&self.area).clone()),
        }
    }
}

impl PartialEq for SecretBuffer {
    fn eq(&self, other: &Self) -> bool {
        if std::ptr::eq(self, other) {
            return true;
        }
        let a = lock(&self.area);
        let b = lock(&other.area);
        a.lines() == b.lines() && a.cursor() == b.cursor()
    }
}

impl std::fmt::Debug for SecretBuffer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SecretBuffer([REDACTED], {} lines)", self.line_count())
    }
}
