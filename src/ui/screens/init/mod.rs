//! `:init`: initialise an uninitialised cluster. A form (shares and threshold — recovery shares
//! for an auto-unseal seal —, optional PGP public keys, one per share, and one for the root
//! token) checked as the server checks it; `s` initialises through the gate (confirmed). The
//! shares and root token are then shown once with [`OnceSecrets`]: masked, one revealed at a
//! time, copied, each holder confirms receipt (which wipes that value); leaving earlier needs the
//! typed word `discard`. Afterwards `u` opens `:unseal`.

mod actions;
mod view;

pub use actions::hints;
pub use view::InitView;

use crate::input::LineInput;
use crate::ui::widgets::once_secrets::OnceSecrets;

/// The form's fields, in order.
pub const FIELDS: [&str; 4] = [
    "shares",
    "threshold",
    "PGP keys (shares)",
    "PGP key (root token)",
];

#[derive(Debug, Clone, PartialEq, Default)]
pub struct InitScreen {
    /// The node initialised (the first configured one).
    pub addr: Option<String>,
    /// The seal is an auto-unseal one: the shares are recovery shares.
    pub recovery: bool,
    /// The cluster says it is initialised already.
    pub initialized: bool,
    /// The form: shares, threshold, PGP keys (comma or space separated), root token PGP key.
    pub fields: [LineInput; 4],
    pub field: usize,
    /// Typing goes to the selected field.
    pub editing: bool,
    /// The last error (a form check or the server's answer).
    pub error: Option<String>,
    /// The summary of the write this screen waits for.
    pub awaiting: Option<String>,
    /// The shares and root token, shown once.
    pub secrets: OnceSecrets,
    /// Init went through.
    pub done: bool,
}

impl InitScreen {
    pub fn new() -> Self {
        let mut s = Self::default();
        s.fields[0] = LineInput::with_text("5");
        s.fields[1] = LineInput::with_text("3");
        s
    }

    pub fn takes_text(&self) -> bool {
        self.editing || self.secrets.discard.is_some()
    }

    /// Drop every secret this screen holds.
    pub fn wipe(&mut self) {
        self.secrets.wipe();
    }
}
