//! The safe clipboard. A screen asks for a copy with `Effect::Copy`; the app turns it into
//! `Command::Copy` with the configured `clear_after`; the runtime owns the [`Clipboard`] service
//! and performs it between draws. Backends: the system clipboard through arboard (kept alive on
//! its own thread, the copy marked excluded from clipboard history) or OSC 52 written to the
//! terminal (over SSH, without a display, or when arboard fails). After `clear_after` the
//! clipboard is cleared only if it still holds what we copied; our copy of the text is then
//! zeroized.

mod osc52;
mod service;
mod settings;
mod system;

pub use osc52::{Osc52, osc52_clear, osc52_set};
pub use service::{Backend, ClearOutcome, Clipboard, ClipboardError, Copied, ReadBack};
pub use settings::{
    CLEAR_AFTER_SECS, ClipboardMode, ClipboardSettings, DEFAULT_CLEAR_AFTER, ENV_MODE,
    parse_clear_after,
};
pub use system::SystemClipboard;

use secrecy::ExposeSecret;

use crate::secret::SecretString;

/// Text to copy: a secret (redacted `Debug`, zeroized on drop); see [`crate::secret::CopyText`].
pub use crate::secret::CopyText;

impl CopyText {
    pub fn new(text: SecretString) -> Self {
        Self(text)
    }

    pub fn secret(&self) -> &SecretString {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.expose_secret().is_empty()
    }
}

impl From<String> for CopyText {
    fn from(s: String) -> Self {
        Self(SecretString::from(s))
    }
}

/// Constant-time comparison of two texts (the time depends on the lengths only).
pub fn same_text(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_text_is_redacted_and_compared_by_value() {
        let a = CopyText::from("s3cr3t-canary".to_string());
        let b = CopyText::from(SecretString::from("s3cr3t-canary"));
        assert_eq!(a, b);
        assert_ne!(a, CopyText::from("other".to_string()));
        let dbg = format!("{a:?} {a:#?}");
        assert!(!dbg.contains("canary"), "{dbg}");
        assert!(same_text("", ""));
        assert!(!same_text("ab", "abc"));
    }
}
