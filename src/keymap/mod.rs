//! Keymap: chords ("ctrl-r", "g g", "?") → `Action` per context. The inverse map feeds help and
//! footer hints. Lookups are pure; the caller owns the pending-keys buffer of a sequence.

use std::collections::BTreeMap;
use std::path::Path;

use crossterm::event::KeyEvent;

use crate::action::Action;
use crate::toml_pos::{line_of, toml_error};

/// Where a key is pressed. Lookups fall back from a screen context to `global`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyContext {
    Global,
    Health,
    Help,
    /// The mounts screen and a mount's configuration.
    Mounts,
    /// The search screen.
    Search,
    /// The KV browser and the secret view.
    Secrets,
    /// The versions screen of a KV v2 secret.
    Versions,
    /// The write gate's dialog: printable keys type the phrase of a typed confirmation first.
    Confirm,
    /// The secret editor while typing: keys not bound here go to the text area.
    Editor,
    /// The secret editor's questions (discard? / conflict).
    EditorPrompt,
    /// The tools screen (wrapping, random, hash) and the share dialog.
    Tools,
    /// The tokens screen (inventory, filters, revoke).
    Tokens,
    /// The expiry radar.
    Radar,
    /// The re-login dialog: printable keys type into its focused field first.
    Login,
    /// The leases screen.
    Leases,
    /// The unseal ceremony screen.
    Unseal,
    /// The generate-root screen.
    GenerateRoot,
    /// The init screen.
    Init,
    /// The rekey screen.
    Rekey,
    /// The raft screen (peers, snapshots).
    Raft,
    /// The policies screen (list, viewer, capabilities, diff before saving).
    Policies,
    /// The access-history screen (audit logs).
    Audit,
    /// The runbooks screen (library, start form, a run).
    Runbook,
    /// The fleet view (every context).
    Fleet,
    /// The server log stream.
    Logs,
}

impl KeyContext {
    pub const ALL: [KeyContext; 25] = [
        KeyContext::Global,
        KeyContext::Health,
        KeyContext::Mounts,
        KeyContext::Search,
        KeyContext::Secrets,
        KeyContext::Versions,
        KeyContext::Help,
        KeyContext::Confirm,
        KeyContext::Editor,
        KeyContext::EditorPrompt,
        KeyContext::Tools,
        KeyContext::Tokens,
        KeyContext::Radar,
        KeyContext::Login,
        KeyContext::Leases,
        KeyContext::Unseal,
        KeyContext::GenerateRoot,
        KeyContext::Init,
        KeyContext::Rekey,
        KeyContext::Raft,
        KeyContext::Policies,
        KeyContext::Audit,
        KeyContext::Runbook,
        KeyContext::Fleet,
        KeyContext::Logs,
    ];

    /// Overlays take no global key but `force_quit`.
    pub fn is_overlay(self) -> bool {
        matches!(self, KeyContext::Help | KeyContext::Confirm)
            || matches!(self, KeyContext::Editor | KeyContext::EditorPrompt)
            || matches!(self, KeyContext::Login)
    }

    pub fn name(self) -> &'static str {
        match self {
            KeyContext::Global => "global",
            KeyContext::Health => "health",
            KeyContext::Help => "help",
            KeyContext::Mounts => "mounts",
            KeyContext::Search => "search",
            KeyContext::Secrets => "secrets",
            KeyContext::Versions => "versions",
            KeyContext::Confirm => "confirm",
            KeyContext::Editor => "editor",
            KeyContext::EditorPrompt => "editor_prompt",
            KeyContext::Tools => "tools",
            KeyContext::Tokens => "tokens",
            KeyContext::Radar => "radar",
            KeyContext::Login => "login",
            KeyContext::Leases => "leases",
            KeyContext::Unseal => "unseal",
            KeyContext::GenerateRoot => "generate_root",
            KeyContext::Init => "init",
            KeyContext::Rekey => "rekey",
            KeyContext::Raft => "raft",
            KeyContext::Policies => "policies",
            KeyContext::Audit => "audit",
            KeyContext::Runbook => "runbook",
            KeyContext::Fleet => "fleet",
            KeyContext::Logs => "logs",
        }
    }

    fn from_name(s: &str) -> Option<KeyContext> {
        Self::ALL.into_iter().find(|c| c.name() == s)
    }
}

/// The screen contexts: their bindings come before global ones.
const SCREENS: [KeyContext; 19] = [
    KeyContext::Health,
    KeyContext::Mounts,
    KeyContext::Search,
    KeyContext::Secrets,
    KeyContext::Tools,
    KeyContext::Versions,
    KeyContext::Tokens,
    KeyContext::Radar,
    KeyContext::Leases,
    KeyContext::Unseal,
    KeyContext::GenerateRoot,
    KeyContext::Init,
    KeyContext::Rekey,
    KeyContext::Raft,
    KeyContext::Policies,
    KeyContext::Audit,
    KeyContext::Runbook,
    KeyContext::Fleet,
    KeyContext::Logs,
];

mod chord;
#[cfg(test)]
mod tests;

pub use chord::{Key, format_chord, parse_chord};

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
    maps: BTreeMap<KeyContext, Vec<Binding>>,
}

/// One binding: keys, the chord as written, the action.
type Binding = (Vec<Key>, String, Action);

const DEFAULT_KEYMAP: &str = include_str!("../../assets/keymap.toml");

type Entries = Vec<(KeyContext, String, Vec<Key>, Action, usize)>;
/// One binding of a chord in a file: its text, action and line.
type Use = (String, Action, usize);

/// A keymap file: sections of `chord = "action"`, with the spans of the values for line numbers.
type KeymapFile = BTreeMap<String, toml::Spanned<BTreeMap<String, toml::Spanned<toml::Value>>>>;

/// Parse a keymap file into (context, chord text, keys, action, line); errors name file, line, value.
fn parse_entries(text: &str, origin: &str) -> (Entries, Vec<String>) {
    let mut out = Vec::new();
    let mut warnings: Vec<(usize, String)> = Vec::new();
    let doc: KeymapFile = match toml::from_str(text) {
        Ok(d) => d,
        Err(e) => {
            let (line, message) = toml_error(text, &e);
            return (out, vec![format!("{origin}, line {line}: {message}")]);
        }
    };
    for (section, table) in &doc {
        let Some(ctx) = KeyContext::from_name(section) else {
            let line = line_of(text, table.span().start);
            let known: Vec<&str> = KeyContext::ALL.iter().map(|c| c.name()).collect();
            warnings.push((
                line,
                format!(
                    "{origin}, line {line}: unknown section [{section}] (known: {})",
                    known.join(", ")
                ),
            ));
            continue;
        };
        for (chord, action) in table.get_ref() {
            let line = line_of(text, action.span().start);
            let warn = |m: String| (line, format!("{origin}, line {line}: {m}"));
            let Some(name) = action.get_ref().as_str() else {
                warnings.push(warn(format!("the action for \"{chord}\" must be a string")));
                continue;
            };
            let Some(keys) = parse_chord(chord) else {
                warnings.push(warn(format!("invalid key chord \"{chord}\"")));
                continue;
            };
            let Some(action) = Action::from_name(name) else {
                warnings.push(warn(format!("unknown action \"{name}\" for \"{chord}\"")));
                continue;
            };
            out.push((ctx, chord.clone(), keys, action, line));
        }
    }
    out.sort_by_key(|e| e.4);
    warnings.sort_by_key(|w| w.0);
    (out, warnings.into_iter().map(|w| w.1).collect())
}

impl Keymap {
    /// The built-in keymap, with a user file's entries over it.
    pub fn load(user_file: Option<&Path>) -> (Keymap, Vec<String>) {
        let (entries, mut warnings) = parse_entries(DEFAULT_KEYMAP, "assets/keymap.toml");
        let mut km = Keymap::default();
        for (ctx, text, keys, action, _) in entries {
            km.maps.entry(ctx).or_default().push((keys, text, action));
        }
        let Some(path) = user_file else {
            return (km, warnings);
        };
        let origin = path.display().to_string();
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return (km, warnings),
            Err(e) => {
                warnings.push(format!("{origin}: {e}; using the default keymap"));
                return (km, warnings);
            }
        };
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
        let mut applied: Vec<(usize, KeyContext, Vec<Key>, String, Action)> = Vec::new();
        for ((ctx, keys), uses) in count {
            if let [(chord, action, line)] = uses.as_slice() {
                applied.push((*line, ctx, keys, chord.clone(), *action));
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
        applied.sort_by_key(|a| a.0);
        for (line, ctx, keys, chord, action) in applied {
            let map = km.maps.entry(ctx).or_default();
            if let Some((_, other, other_action)) = prefix_conflict(map, &keys) {
                warnings.push(format!(
                    "{origin}, line {line}: \"{chord}\" conflicts with \"{other}\" ({}) in [{}]; keeping the default",
                    other_action.name(),
                    ctx.name()
                ));
                continue;
            }
            map.retain(|(k, _, _)| *k != keys);
            map.push((keys.clone(), chord.clone(), action));
            if let Some(w) = km.shadowing(ctx, &keys, &chord, action) {
                warnings.push(format!("{origin}, line {line}: {w}"));
            }
        }
        (km, warnings)
    }

    /// A binding that hides another across contexts: one in a screen section on the keys of a
    /// different global binding (that global action loses this key on that screen), or a global
    /// one that a screen binding hides. Help takes no global keys but `force_quit`, so it
    /// shadows nothing.
    fn shadowing(
        &self,
        ctx: KeyContext,
        keys: &[Key],
        chord: &str,
        action: Action,
    ) -> Option<String> {
        let on = |c: KeyContext| {
            self.maps
                .get(&c)?
                .iter()
                .find(|(k, _, a)| k.as_slice() == keys && *a != action)
        };
        match ctx {
            KeyContext::Help | KeyContext::Confirm => None,
            c if c.is_overlay() => None,
            KeyContext::Global => SCREENS.iter().find_map(|&screen| {
                let (_, other, other_action) = on(screen)?;
                Some(format!(
                    "\"{chord}\" ({}) in [global] is shadowed by \"{other}\" ({}) in [{}]",
                    action.name(),
                    other_action.name(),
                    screen.name()
                ))
            }),
            screen => {
                let (_, other, other_action) = on(KeyContext::Global)?;
                Some(format!(
                    "\"{chord}\" ({}) in [{}] shadows \"{other}\" ({}) in [global]",
                    action.name(),
                    screen.name(),
                    other_action.name()
                ))
            }
        }
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
                if c == KeyContext::Global && ctx.is_overlay() && *action != Action::ForceQuit {
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

    /// The first chord that really triggers an action in `ctx` (context first, then global),
    /// for footer hints: a global chord shadowed by the screen's own binding is skipped.
    pub fn hint(&self, ctx: KeyContext, action: Action) -> Option<String> {
        Self::contexts(ctx).into_iter().find_map(|c| {
            self.maps
                .get(&c)?
                .iter()
                .find(|(k, _, a)| {
                    *a == action && matches!(self.lookup(ctx, k), Lookup::Hit(hit) if hit == action)
                })
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
    let mut seen: BTreeMap<KeyContext, Vec<Binding>> = BTreeMap::new();
    let mut lines: BTreeMap<(KeyContext, Vec<Key>), usize> = BTreeMap::new();
    for (ctx, chord, keys, action, line) in entries.clone() {
        let map = seen.entry(ctx).or_default();
        if let Some((_, _, other_action)) = map.iter().find(|(k, _, _)| *k == keys) {
            let other_line = lines.get(&(ctx, keys.clone())).copied().unwrap_or(line);
            return Err(format!(
                "{origin}, line {line}: \"{chord}\" is bound twice in [{}] ({} on line {other_line}, {} on line {line})",
                ctx.name(),
                other_action.name(),
                action.name()
            ));
        }
        lines.insert((ctx, keys.clone()), line);
        if let Some((_, other, other_action)) = prefix_conflict(map, &keys) {
            return Err(format!(
                "{origin}, line {line}: \"{chord}\" conflicts with \"{other}\" ({}) in [{}]",
                other_action.name(),
                ctx.name()
            ));
        }
        map.push((keys, chord, action));
    }
    // Over the built-in keymap, as `Keymap::load` applies it: no binding may hide another.
    let mut km = Keymap::default();
    let (defaults, _) = parse_entries(DEFAULT_KEYMAP, "assets/keymap.toml");
    for (ctx, chord, keys, action, _) in defaults.into_iter().chain(entries.iter().cloned()) {
        let map = km.maps.entry(ctx).or_default();
        map.retain(|(k, _, _)| *k != keys);
        map.push((keys, chord, action));
    }
    for (ctx, chord, keys, action, line) in entries {
        if let Some(w) = km.shadowing(ctx, &keys, &chord, action) {
            return Err(format!("{origin}, line {line}: {w}"));
        }
    }
    Ok(())
}

/// A different binding of which `keys` is a prefix, or that is a prefix of `keys` ("g" and "g g"):
/// one of them could never be reached.
fn prefix_conflict<'a>(map: &'a [Binding], keys: &[Key]) -> Option<&'a Binding> {
    map.iter()
        .find(|(k, _, _)| k.as_slice() != keys && (k.starts_with(keys) || keys.starts_with(k)))
}
