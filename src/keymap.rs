//! Keymap: chords ("ctrl-r", "g g", "?") → `Action` per context. The inverse map feeds help and
//! footer hints. Lookups are pure; the caller owns the pending-keys buffer of a sequence.

use std::collections::BTreeMap;
use std::path::Path;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::action::Action;

/// Where a key is pressed. Lookups fall back from a screen context to `global`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyContext {
    Global,
    Health,
    Help,
}

impl KeyContext {
    pub const ALL: [KeyContext; 3] = [KeyContext::Global, KeyContext::Health, KeyContext::Help];

    pub fn name(self) -> &'static str {
        match self {
            KeyContext::Global => "global",
            KeyContext::Health => "health",
            KeyContext::Help => "help",
        }
    }

    fn from_name(s: &str) -> Option<KeyContext> {
        Self::ALL.into_iter().find(|c| c.name() == s)
    }
}

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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyResult {
    Action(Action),
    /// The key starts (or continues) a sequence; wait for the next one.
    Pending,
    Unbound,
}

#[derive(Debug, Clone, Default)]
pub struct Keymap {
    /// Per context: chord → action, with the chord's text for help.
    maps: BTreeMap<KeyContext, Vec<(Vec<Key>, String, Action)>>,
}

const DEFAULT_KEYMAP: &str = include_str!("../assets/keymap.toml");

type Entries = Vec<(KeyContext, String, Vec<Key>, Action, usize)>;
/// One binding of a chord in a file: its text, action and line.
type Use = (String, Action, usize);

/// Parse a keymap file into (context, chord text, keys, action, line); errors name file, line, value.
fn parse_entries(text: &str, origin: &str) -> (Entries, Vec<String>) {
    let mut out = Vec::new();
    let mut warnings = Vec::new();
    let doc: toml::Spanned<toml::Table> = match toml::from_str(text) {
        Ok(d) => d,
        Err(e) => {
            let (line, message) = crate::config::toml_error(text, &e);
            warnings.push(format!("{origin}, line {line}: {message}"));
            return (out, warnings);
        }
    };
    let line_for = |needle: &str| -> usize {
        text.lines()
            .position(|l| {
                let t = l.trim_start();
                t.starts_with(&format!("\"{needle}\""))
                    || t.starts_with(&format!("'{needle}'"))
                    || t.starts_with(&format!("{needle} "))
                    || t.starts_with(&format!("{needle}="))
            })
            .map_or(1, |i| i + 1)
    };
    for (section, value) in doc.get_ref() {
        let Some(ctx) = KeyContext::from_name(section) else {
            warnings.push(format!(
                "{origin}, line {}: unknown section [{section}] (known: global, health, help)",
                line_for(&format!("[{section}]")).max(section_line(text, section))
            ));
            continue;
        };
        let Some(table) = value.as_table() else {
            warnings.push(format!("{origin}: {section} must be a table"));
            continue;
        };
        for (chord, action) in table {
            let line = line_for(chord);
            let Some(name) = action.as_str() else {
                warnings.push(format!(
                    "{origin}, line {line}: the action for \"{chord}\" must be a string"
                ));
                continue;
            };
            let Some(keys) = parse_chord(chord) else {
                warnings.push(format!(
                    "{origin}, line {line}: invalid key chord \"{chord}\""
                ));
                continue;
            };
            let Some(action) = Action::from_name(name) else {
                warnings.push(format!(
                    "{origin}, line {line}: unknown action \"{name}\" for \"{chord}\""
                ));
                continue;
            };
            out.push((ctx, chord.clone(), keys, action, line));
        }
    }
    out.sort_by_key(|e| e.4);
    warnings.sort_by_key(|w| warning_line(w));
    (out, warnings)
}

fn warning_line(w: &str) -> usize {
    w.split(", line ")
        .nth(1)
        .and_then(|r| r.split(':').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

fn section_line(text: &str, section: &str) -> usize {
    text.lines()
        .position(|l| l.trim() == format!("[{section}]"))
        .map_or(1, |i| i + 1)
}

impl Keymap {
    /// The built-in keymap, with a user file's entries over it.
    pub fn load(user_file: Option<&Path>) -> (Keymap, Vec<String>) {
        let (entries, mut warnings) = parse_entries(DEFAULT_KEYMAP, "assets/keymap.toml");
        let mut km = Keymap::default();
        for (ctx, text, keys, action, _) in entries {
            km.maps.entry(ctx).or_default().push((keys, text, action));
        }
        if let Some(path) = user_file
            && let Ok(text) = std::fs::read_to_string(path)
        {
            let origin = path.display().to_string();
            let (entries, w) = parse_entries(&text, &origin);
            warnings.extend(w);
            // Two entries of the file on one chord (e.g. "ctrl-R" and "ctrl-r"): a clash; keep the default.
            let mut count: BTreeMap<(KeyContext, Vec<Key>), Vec<Use>> = BTreeMap::new();
            for (ctx, chord, keys, action, line) in entries {
                count
                    .entry((ctx, keys))
                    .or_default()
                    .push((chord, action, line));
            }
            for ((ctx, keys), uses) in count {
                if let [(chord, action, _)] = uses.as_slice() {
                    let map = km.maps.entry(ctx).or_default();
                    map.retain(|(k, _, _)| *k != keys);
                    map.push((keys, chord.clone(), *action));
                } else {
                    let (chord, a1, l1) = &uses[0];
                    let (_, a2, l2) = &uses[1];
                    warnings.push(format!(
                        "{origin}, line {l2}: \"{chord}\" is bound twice in [{}] ({} on line {l1}, {} on line {l2}); keeping the default",
                        ctx.name(),
                        a1.name(),
                        a2.name()
                    ));
                }
            }
        }
        (km, warnings)
    }

    /// Feed one key. Screen context first, then global (the help overlay only takes force_quit
    /// from global).
    pub fn feed(&self, ctx: KeyContext, pending: &mut Vec<KeyEvent>, key: KeyEvent) -> KeyResult {
        let Some(k) = Key::from_event(&key) else {
            pending.clear();
            return KeyResult::Unbound;
        };
        let mut seq: Vec<Key> = pending.iter().filter_map(Key::from_event).collect();
        seq.push(k);
        match self.lookup(ctx, &seq) {
            Lookup::Hit(a) => {
                pending.clear();
                KeyResult::Action(a)
            }
            Lookup::Prefix => {
                pending.push(key);
                KeyResult::Pending
            }
            Lookup::Miss if !pending.is_empty() => {
                pending.clear();
                self.feed(ctx, pending, key)
            }
            Lookup::Miss => KeyResult::Unbound,
        }
    }

    fn contexts(ctx: KeyContext) -> Vec<KeyContext> {
        if ctx == KeyContext::Global {
            vec![KeyContext::Global]
        } else {
            vec![ctx, KeyContext::Global]
        }
    }

    fn lookup(&self, ctx: KeyContext, seq: &[Key]) -> Lookup {
        let mut prefix = false;
        for c in Self::contexts(ctx) {
            for (keys, _, action) in self.maps.get(&c).into_iter().flatten() {
                if c == KeyContext::Global
                    && ctx == KeyContext::Help
                    && *action != Action::ForceQuit
                {
                    continue;
                }
                if keys.as_slice() == seq {
                    return Lookup::Hit(*action);
                }
                if keys.len() > seq.len() && keys.starts_with(seq) {
                    prefix = true;
                }
            }
        }
        if prefix { Lookup::Prefix } else { Lookup::Miss }
    }

    /// The bindings of one context, in file order, for generated help.
    pub fn bindings(&self, ctx: KeyContext) -> Vec<(String, Action)> {
        self.maps
            .get(&ctx)
            .into_iter()
            .flatten()
            .map(|(_, text, a)| (text.clone(), *a))
            .collect()
    }

    /// The first chord for an action (context first, then global), for footer hints.
    pub fn hint(&self, ctx: KeyContext, action: Action) -> Option<String> {
        Self::contexts(ctx).into_iter().find_map(|c| {
            self.maps
                .get(&c)?
                .iter()
                .find(|(_, _, a)| *a == action)
                .map(|(_, t, _)| t.clone())
        })
    }
}

enum Lookup {
    Hit(Action),
    Prefix,
    Miss,
}

/// Validate a keymap file's text; the first problem is the error.
pub fn validate_keymap(text: &str, origin: &str) -> Result<(), String> {
    let (entries, warnings) = parse_entries(text, origin);
    if let Some(w) = warnings.into_iter().next() {
        return Err(w);
    }
    let mut seen: BTreeMap<(KeyContext, Vec<Key>), (Action, usize)> = BTreeMap::new();
    for (ctx, chord, keys, action, line) in entries {
        if let Some((other, other_line)) = seen.get(&(ctx, keys.clone())) {
            return Err(format!(
                "{origin}, line {line}: \"{chord}\" is bound twice in [{}] ({} on line {other_line}, {} on line {line})",
                ctx.name(),
                other.name(),
                action.name()
            ));
        }
        seen.insert((ctx, keys), (action, line));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(code: KeyCode, m: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, m)
    }

    #[test]
    fn default_keymap_is_valid_and_complete() {
        validate_keymap(DEFAULT_KEYMAP, "assets/keymap.toml").expect("valid");
        let (km, warnings) = Keymap::load(None);
        assert!(warnings.is_empty(), "{warnings:?}");
        let mut p = Vec::new();
        let q = ev(KeyCode::Char('q'), KeyModifiers::NONE);
        assert_eq!(
            km.feed(KeyContext::Health, &mut p, q),
            KeyResult::Action(Action::Quit)
        );
        assert_eq!(
            km.feed(KeyContext::Help, &mut p, q),
            KeyResult::Action(Action::Back)
        );
        let cc = ev(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(
            km.feed(KeyContext::Help, &mut p, cc),
            KeyResult::Action(Action::ForceQuit)
        );
        let g = ev(KeyCode::Char('g'), KeyModifiers::NONE);
        assert_eq!(km.feed(KeyContext::Health, &mut p, g), KeyResult::Pending);
        assert_eq!(
            km.feed(KeyContext::Health, &mut p, g),
            KeyResult::Action(Action::Top)
        );
        // A broken sequence: the second key is looked up alone.
        assert_eq!(km.feed(KeyContext::Health, &mut p, g), KeyResult::Pending);
        assert_eq!(
            km.feed(KeyContext::Health, &mut p, q),
            KeyResult::Action(Action::Quit)
        );
        // Uppercase with or without SHIFT.
        let s1 = ev(KeyCode::Char('S'), KeyModifiers::SHIFT);
        let s2 = ev(KeyCode::Char('S'), KeyModifiers::NONE);
        assert_eq!(
            km.feed(KeyContext::Health, &mut p, s1),
            KeyResult::Action(Action::SealNode)
        );
        assert_eq!(
            km.feed(KeyContext::Health, &mut p, s2),
            KeyResult::Action(Action::SealNode)
        );
        let bt = ev(KeyCode::BackTab, KeyModifiers::SHIFT);
        assert_eq!(
            km.feed(KeyContext::Health, &mut p, bt),
            KeyResult::Action(Action::FocusPrev)
        );
        assert_eq!(
            km.hint(KeyContext::Health, Action::SealNode).as_deref(),
            Some("S")
        );
        assert_eq!(
            km.hint(KeyContext::Health, Action::Quit).as_deref(),
            Some("q")
        );
        assert_eq!(format_chord(&[g, g]), "g g");
    }

    #[test]
    fn user_entries_override_and_bad_ones_warn() {
        let dir = tempfile::tempdir().expect("tempdir");
        let f = dir.path().join("keymap.toml");
        std::fs::write(
            &f,
            "[global]\n\"x\" = \"quit\"\n\"y\" = \"fly\"\n\"ctrl-\" = \"help\"\n[health]\n\"S\" = \"step_down\"\n",
        )
        .expect("write");
        let (km, w) = Keymap::load(Some(&f));
        assert_eq!(w.len(), 2, "{w:?}");
        assert!(
            w[0].contains("line 3") && w[0].contains("unknown action \"fly\""),
            "{w:?}"
        );
        assert!(
            w[1].contains("line 4") && w[1].contains("invalid key chord \"ctrl-\""),
            "{w:?}"
        );
        let mut p = Vec::new();
        let x = ev(KeyCode::Char('x'), KeyModifiers::NONE);
        assert_eq!(
            km.feed(KeyContext::Health, &mut p, x),
            KeyResult::Action(Action::Quit)
        );
        let s = ev(KeyCode::Char('S'), KeyModifiers::NONE);
        assert_eq!(
            km.feed(KeyContext::Health, &mut p, s),
            KeyResult::Action(Action::StepDown)
        );
    }
}
