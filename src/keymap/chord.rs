//! Key chords: "q", "ctrl-r", "shift-tab", "g g" ↔ key events.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// One key of a chord, normalised: `(code, ctrl, alt)`. Shift is folded into the character.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key {
    code: KeyCodeKey,
    ctrl: bool,
    alt: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum KeyCodeKey {
    Char(char),
    Named(&'static str),
    F(u8),
}

const NAMED: &[(&str, KeyCode)] = &[
    ("enter", KeyCode::Enter),
    ("esc", KeyCode::Esc),
    ("tab", KeyCode::Tab),
    ("shift-tab", KeyCode::BackTab),
    ("backspace", KeyCode::Backspace),
    ("delete", KeyCode::Delete),
    ("up", KeyCode::Up),
    ("down", KeyCode::Down),
    ("left", KeyCode::Left),
    ("right", KeyCode::Right),
    ("pgup", KeyCode::PageUp),
    ("pgdown", KeyCode::PageDown),
    ("home", KeyCode::Home),
    ("end", KeyCode::End),
    ("insert", KeyCode::Insert),
];

impl Key {
    pub fn from_event(e: &KeyEvent) -> Option<Key> {
        let ctrl = e.modifiers.contains(KeyModifiers::CONTROL);
        let alt = e.modifiers.contains(KeyModifiers::ALT);
        let code = match e.code {
            KeyCode::Char(' ') => KeyCodeKey::Named("space"),
            KeyCode::Char(c) if ctrl => KeyCodeKey::Char(c.to_ascii_lowercase()),
            KeyCode::Char(c) => KeyCodeKey::Char(c),
            KeyCode::F(n) => KeyCodeKey::F(n),
            other => KeyCodeKey::Named(NAMED.iter().find(|(_, c)| *c == other)?.0),
        };
        Some(Key { code, ctrl, alt })
    }

    fn parse(s: &str) -> Option<Key> {
        let mut ctrl = false;
        let mut alt = false;
        let mut rest = s;
        loop {
            if let Some(r) = rest.strip_prefix("ctrl-") {
                ctrl = true;
                rest = r;
            } else if let Some(r) = rest.strip_prefix("alt-") {
                alt = true;
                rest = r;
            } else {
                break;
            }
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) => KeyCodeKey::Char(if ctrl { c.to_ascii_lowercase() } else { c }),
            _ if rest == "space" => KeyCodeKey::Named("space"),
            _ if rest.len() > 1 && rest.starts_with('f') && rest[1..].parse::<u8>().is_ok() => {
                KeyCodeKey::F(rest[1..].parse().ok()?)
            }
            _ => KeyCodeKey::Named(NAMED.iter().find(|(n, _)| *n == rest)?.0),
        };
        Some(Key { code, ctrl, alt })
    }

    fn format(&self) -> String {
        let mut s = String::new();
        if self.ctrl {
            s.push_str("ctrl-");
        }
        if self.alt {
            s.push_str("alt-");
        }
        match self.code {
            KeyCodeKey::Char(c) => s.push(c),
            KeyCodeKey::Named(n) => s.push_str(n),
            KeyCodeKey::F(n) => s.push_str(&format!("f{n}")),
        }
        s
    }
}

/// Parse "g g" / "ctrl-r" into keys.
pub fn parse_chord(s: &str) -> Option<Vec<Key>> {
    let keys: Option<Vec<Key>> = s.split_whitespace().map(Key::parse).collect();
    keys.filter(|k| !k.is_empty() && k.len() <= 3)
}

/// "g g" from key events.
pub fn format_chord(keys: &[KeyEvent]) -> String {
    keys.iter()
        .filter_map(Key::from_event)
        .map(|k| k.format())
        .collect::<Vec<_>>()
        .join(" ")
}
