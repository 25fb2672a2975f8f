//! `:rekey`: replace the unseal keys. The screen reads where a rekey stands (started, progress
//! p of t, nonce, the new n/t, verification required); `s` starts one with the form's new shares
//! and threshold (optional PGP keys; `v` asks for verification) after a typed confirmation; key
//! holders paste their current shares into a hidden input (wiped once submitted); the new shares
//! are shown once with [`OnceSecrets`]; when verification was asked, holders then enter new
//! shares against the verification nonce (each failure gives a new one: it is read again); `X`
//! cancels. Every step is a write through the gate.

mod actions;
mod view;

pub use actions::hints;
pub use view::RekeyView;

use crate::input::LineInput;
use crate::ui::screens::generate_root::ShareInput;
use crate::ui::widgets::once_secrets::OnceSecrets;
use crate::vault::rekey::RekeyStatus;

/// The form's fields, in order.
pub const FIELDS: [&str; 3] = ["new shares", "new threshold", "PGP keys (shares)"];

/// Which write the screen waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Start,
    Update,
    Verify,
    Cancel,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct RekeyScreen {
    /// The node asked (the active one when the screen opened).
    pub addr: Option<String>,
    /// The last rekey status the server gave.
    pub status: Option<RekeyStatus>,
    /// A status read is on its way.
    pub loading: bool,
    /// The form: new shares, new threshold, PGP keys.
    pub fields: [LineInput; 3],
    pub field: usize,
    pub editing: bool,
    pub require_verification: bool,
    /// The hidden share input is open (current shares, or new ones while verifying).
    pub entering: bool,
    pub share: ShareInput,
    /// The current verification nonce (after completion with verification asked).
    pub verify_nonce: Option<String>,
    /// Verification progress (p of t).
    pub verify_progress: (u32, u32),
    /// The rekey finished (and was verified when asked).
    pub finished: bool,
    pub error: Option<String>,
    pub awaiting: Option<(Step, String)>,
    /// The new shares, shown once.
    pub secrets: OnceSecrets,
}

impl RekeyScreen {
    pub fn new() -> Self {
        let mut s = Self::default();
        s.fields[0] = LineInput::with_text("5");
        s.fields[1] = LineInput::with_text("3");
        s
    }

    pub fn takes_text(&self) -> bool {
        self.editing || self.entering || self.secrets.discard.is_some()
    }

    /// A rekey is in progress on the server (taking current shares).
    pub fn started(&self) -> bool {
        self.status
            .as_ref()
            .is_some_and(|s| s.started && !s.complete)
            && self.verify_nonce.is_none()
    }

    /// Drop every secret this screen holds.
    pub fn wipe(&mut self) {
        self.share.0.clear();
        self.secrets.wipe();
    }
}
