//! `:generate-root`: a new root token from a quorum of unseal shares. The screen reads where
//! the attempt stands (started, progress p of t, nonce, PGP fingerprint, OTP length); `s` starts
//! an attempt with a one-time password the console makes (held in memory, never drawn), `p`
//! with a PGP public key instead; key holders paste their shares into a hidden input (nothing of
//! the value or its length is drawn; the input is wiped once submitted); `x` cancels. On
//! completion the token is decoded here and shown once, masked, with reveal and copy; `esc`
//! wipes it and the OTP. Every step is a write through the gate (read-only mode blocks them).

mod actions;
mod view;

pub use actions::hints;
pub use view::GenerateRootView;

use crate::input::LineInput;
use crate::ui::widgets::secret_input::{SecretInput, SecretInputMode};
use crate::vault::generate_root::GenerateRootStatus;
use crate::vault::models::wrapping::SecretText;

/// What typing goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Entry {
    /// Nothing: keys are actions.
    #[default]
    None,
    /// An unseal share (hidden input).
    Share,
    /// A base64 PGP public key, to start an attempt with.
    PgpKey,
}

/// The outcome of a completed generation, shown once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The new root token, decoded here with the console's OTP.
    Token(SecretText),
    /// The encoded token, for its holder to decode or decrypt elsewhere: PGP-encrypted (with
    /// the key's fingerprint), or XORed with an OTP this console does not hold.
    Encoded {
        encoded: SecretText,
        pgp_fingerprint: String,
    },
}

/// The hidden share input. A secret has one home: a clone starts empty, and two inputs are
/// equal when both are empty or both are not.
#[derive(Debug)]
pub struct ShareInput(pub SecretInput);

impl Default for ShareInput {
    fn default() -> Self {
        Self(SecretInput::new(SecretInputMode::Hidden))
    }
}

impl Clone for ShareInput {
    fn clone(&self) -> Self {
        Self::default()
    }
}

impl PartialEq for ShareInput {
    fn eq(&self, o: &Self) -> bool {
        self.0.is_empty() == o.0.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct GenerateRootScreen {
    /// The node asked (the active one when the screen opened).
    pub addr: Option<String>,
    /// The last status the server gave.
    pub status: Option<GenerateRootStatus>,
    /// A status read is on its way.
    pub loading: bool,
    /// The last error, as the server said it (sanitised when drawn).
    pub error: Option<String>,
    /// The OTP of the attempt this console started: from start to completion or cancel.
    pub otp: Option<SecretText>,
    pub entry: Entry,
    pub share: ShareInput,
    pub pgp_key: LineInput,
    /// Shares this console submitted to the current attempt.
    pub submitted: u32,
    pub outcome: Option<Outcome>,
    pub revealed: bool,
    /// The summary of the write whose outcome this screen waits for.
    pub awaiting: Option<String>,
}

/// The OTP length when the server does not say (OpenBao's is 26 for `s.` tokens).
pub const DEFAULT_OTP_LENGTH: usize = 26;

impl GenerateRootScreen {
    pub fn new() -> Self {
        Self::default()
    }

    /// Is typing going to an input?
    pub fn takes_text(&self) -> bool {
        self.entry != Entry::None
    }

    /// An attempt is in progress on the server.
    pub fn started(&self) -> bool {
        self.status
            .as_ref()
            .is_some_and(|s| s.started && !s.complete)
    }

    /// Drop every secret this screen holds (OTP, typed share, outcome).
    pub fn wipe(&mut self) {
        self.otp = None;
        self.share.0.clear();
        self.outcome = None;
        self.revealed = false;
    }
}
