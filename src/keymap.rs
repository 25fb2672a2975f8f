//! Keymap: chords ("ctrl-r", "g g", "?") → `Action` per context. The inverse map feeds help and
//! footer hints.

use crate::action::Action;

/// Where a key is pressed. Lookups fall back from a screen context to `global`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyContext {
    Global,
    Health,
    Help,
}
