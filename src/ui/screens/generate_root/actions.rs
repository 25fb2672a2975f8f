//! What the generate-root screen does: reading the status, starting (OTP or PGP), taking
//! shares, cancelling, the outcome of each write, and the token shown once (reveal, copy, wipe).

use crossterm::event::KeyEvent;

use super::{DEFAULT_OTP_LENGTH, Entry, GenerateRootScreen, Outcome};
use crate::action::Action;
use crate::app::ToastLevel;
use crate::command::Request;
use crate::reply::{Reply, WriteOutcome, WriteResult};
use crate::secret::CopyText;
use crate::ui::screens::{Effect, ScreenCtx};
use crate::vault::generate_root::{
    GenerateRootReply, GenerateRootRequest, GenerateRootStatus, decode_root_token, generate_otp,
};
use crate::vault::models::wrapping::SecretText;
use crate::write_gate::generate_root::GenerateRootMutation;
use crate::write_gate::{Mutation, Write};

const WHAT: &str = "generate-root status";

/// The footer's offer for the step the screen is at.
pub fn hints(s: &GenerateRootScreen) -> &'static [Action] {
    if s.entry != Entry::None {
        &[Action::Select, Action::Back]
    } else if s.outcome.is_some() {
        &[Action::RevealOutput, Action::CopyOutput, Action::Back]
    } else if s.started() {
        &[
            Action::EditInput,
            Action::CancelRootGeneration,
            Action::Refresh,
            Action::Back,
        ]
    } else {
        &[
            Action::StartRootGeneration,
            Action::StartRootGenerationPgp,
            Action::Refresh,
            Action::Back,
        ]
    }
}

fn toast(text: impl Into<String>) -> Vec<Effect> {
    vec![Effect::Toast(text.into(), ToastLevel::Warn)]
}

/// Which write the screen waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Start,
    Update,
    Cancel,
}

fn step_of(m: &GenerateRootMutation) -> Step {
    match m {
        GenerateRootMutation::Start { .. } => Step::Start,
        GenerateRootMutation::Update { .. } => Step::Update,
        GenerateRootMutation::Cancel { .. } => Step::Cancel,
    }
}

fn step_of_summary(summary: &str) -> Option<Step> {
    let addr = String::new();
    [
        GenerateRootMutation::Cancel { addr: addr.clone() },
        GenerateRootMutation::Start {
            addr: addr.clone(),
            otp: None,
            pgp_key: None,
        },
        GenerateRootMutation::Update {
            addr,
            share: SecretText::from(""),
            nonce: String::new(),
        },
    ]
    .iter()
    .find(|m| m.spec().summary == summary)
    .map(step_of)
}

impl GenerateRootScreen {
    /// Just opened: ask where the attempt stands (on the active node).
    pub fn on_open(&mut self, ctx: &ScreenCtx) -> Vec<Effect> {
        if self.addr.is_none() {
            self.addr = ctx.cluster.api_addr();
        }
        self.fetch()
    }

    fn fetch(&mut self) -> Vec<Effect> {
        let Some(addr) = self.addr.clone() else {
            self.error = Some("no node to ask".into());
            return Vec::new();
        };
        self.loading = true;
        vec![Effect::Fetch {
            what: WHAT.into(),
            request: Request::GenerateRoot(GenerateRootRequest::Status { addr }),
        }]
    }

    /// A typed key (the app sends text keys here while [`GenerateRootScreen::takes_text`]).
    pub fn on_text_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        match self.entry {
            Entry::Share => {
                self.share.0.on_key(key);
            }
            Entry::PgpKey => {
                self.pgp_key.handle_key(key);
            }
            Entry::None => {}
        }
        Vec::new()
    }

    /// Pasted text goes into the open input (control characters dropped).
    pub fn on_paste(&mut self, text: &str) {
        match self.entry {
            Entry::Share => self.share.0.paste(text),
            Entry::PgpKey => self.pgp_key.insert_str(text.trim()),
            Entry::None => {}
        }
    }

    pub fn on_action(&mut self, a: Action, _ctx: &ScreenCtx) -> Option<Vec<Effect>> {
        let effects = match a {
            Action::Select if self.entry == Entry::Share => self.submit_share(),
            Action::Select if self.entry == Entry::PgpKey => self.start_pgp(),
            Action::Back if self.entry != Entry::None => {
                self.entry = Entry::None;
                self.share.0.clear();
                Vec::new()
            }
            // Confirmed: the token was taken; it and the OTP are wiped.
            Action::Back if self.outcome.is_some() => {
                self.wipe();
                Vec::new()
            }
            Action::Back => return None,
            Action::Select | Action::EditInput if self.outcome.is_none() => {
                if self.started() {
                    self.entry = Entry::Share;
                    Vec::new()
                } else {
                    toast("no attempt in progress: start one first (s, or p with a PGP key)")
                }
            }
            Action::StartRootGeneration => self.start_otp(),
            Action::StartRootGenerationPgp => match self.can_start() {
                Err(e) => e,
                Ok(()) => {
                    self.pgp_key = crate::input::LineInput::default();
                    self.entry = Entry::PgpKey;
                    Vec::new()
                }
            },
            Action::CancelRootGeneration => {
                if self.awaiting.is_some() {
                    return Some(toast("waiting for the server"));
                }
                if !self.started() {
                    return Some(toast("no attempt in progress"));
                }
                match self.addr.clone() {
                    Some(addr) => self.write(GenerateRootMutation::Cancel { addr }),
                    None => toast("no node to ask"),
                }
            }
            Action::RevealOutput if self.outcome.is_some() => {
                self.revealed = !self.revealed;
                Vec::new()
            }
            Action::CopyOutput => self.copy(),
            Action::Refresh => self.fetch(),
            _ => return None,
        };
        Some(effects)
    }

    fn can_start(&self) -> Result<(), Vec<Effect>> {
        if self.awaiting.is_some() {
            return Err(toast("waiting for the server"));
        }
        if self.outcome.is_some() {
            return Err(toast("take the new token first (esc wipes it)"));
        }
        match &self.status {
            None => Err(toast("the attempt's status has not arrived yet (ctrl-r)")),
            Some(s) if s.started && !s.complete => Err(toast(
                "an attempt is in progress: enter shares (e) or cancel it (X)",
            )),
            Some(_) if self.addr.is_none() => Err(toast("no node to ask")),
            Some(_) => Ok(()),
        }
    }

    /// `s`: a fresh OTP of the length the server asks for, then the start through the gate.
    fn start_otp(&mut self) -> Vec<Effect> {
        if let Err(e) = self.can_start() {
            return e;
        }
        let len = match self.status.as_ref().map_or(0, |s| s.otp_length) {
            0 => DEFAULT_OTP_LENGTH,
            n => n,
        };
        let otp = match generate_otp(len) {
            Ok(o) => o,
            Err(e) => {
                self.error = Some(e.to_string());
                return Vec::new();
            }
        };
        let Some(addr) = self.addr.clone() else {
            return toast("no node to ask");
        };
        self.otp = Some(otp.clone());
        self.write(GenerateRootMutation::Start {
            addr,
            otp: Some(otp),
            pgp_key: None,
        })
    }

    /// `enter` in the PGP key input: start with that key.
    fn start_pgp(&mut self) -> Vec<Effect> {
        if let Err(e) = self.can_start() {
            return e;
        }
        let key: String = self.pgp_key.text.split_whitespace().collect();
        if key.is_empty() {
            return toast("paste a base64 PGP public key first");
        }
        let Some(addr) = self.addr.clone() else {
            return toast("no node to ask");
        };
        self.entry = Entry::None;
        self.otp = None;
        self.write(GenerateRootMutation::Start {
            addr,
            otp: None,
            pgp_key: Some(key),
        })
    }

    /// `enter` in the share input: the share goes (and the input is wiped at once).
    fn submit_share(&mut self) -> Vec<Effect> {
        if self.awaiting.is_some() {
            return toast("waiting for the server");
        }
        if self.share.0.is_empty() {
            return toast("paste or type an unseal share first");
        }
        let share = SecretText::new(self.share.0.take());
        let (Some(addr), Some(st)) = (self.addr.clone(), self.status.as_ref()) else {
            return toast("no attempt in progress");
        };
        let nonce = st.nonce.clone();
        self.write(GenerateRootMutation::Update { addr, share, nonce })
    }

    fn write(&mut self, m: GenerateRootMutation) -> Vec<Effect> {
        self.awaiting = Some(m.spec().summary);
        self.error = None;
        vec![Effect::Write(Write::One(Mutation::GenerateRoot(m)))]
    }

    fn copy(&self) -> Vec<Effect> {
        let (label, text) = match &self.outcome {
            Some(Outcome::Token(t)) => ("new root token", t),
            Some(Outcome::Encoded { encoded, .. }) => ("encoded root token", encoded),
            None => return toast("nothing to copy"),
        };
        vec![Effect::Copy {
            label: label.into(),
            text: CopyText::new(text.secret().clone()),
        }]
    }

    /// A status read came back.
    pub fn on_reply(&mut self, reply: Reply) -> Vec<Effect> {
        let Reply::GenerateRoot(GenerateRootReply::Status(r)) = reply else {
            return Vec::new();
        };
        self.loading = false;
        match r {
            Ok(mut st) => {
                st.encoded_token = None;
                if !st.started && self.awaiting.is_none() {
                    // Cancelled or finished elsewhere: the OTP is of no use any more.
                    self.otp = None;
                    self.submitted = 0;
                    if self.entry == Entry::Share {
                        self.entry = Entry::None;
                        self.share.0.clear();
                    }
                }
                self.status = Some(st);
            }
            Err(e) => self.error = Some(e.to_string()),
        }
        Vec::new()
    }

    /// The outcome of a write: taken when it is the one this screen waits for.
    pub fn on_write_done(&mut self, outcome: &WriteOutcome) -> Vec<Effect> {
        if self.awaiting.as_deref() != Some(outcome.summary.as_str()) {
            return Vec::new();
        }
        self.awaiting = None;
        let Some(step) = step_of_summary(&outcome.summary) else {
            return Vec::new();
        };
        match outcome.items.first().map(|i| &i.result) {
            Some(Ok(WriteResult::GenerateRoot(st))) => match step {
                Step::Start => {
                    self.submitted = 0;
                    self.status = Some(GenerateRootStatus {
                        encoded_token: None,
                        ..st.clone()
                    });
                    self.entry = Entry::Share;
                    Vec::new()
                }
                Step::Update if st.complete => {
                    self.submitted += 1;
                    self.finish(st.clone());
                    Vec::new()
                }
                Step::Update => {
                    self.submitted += 1;
                    self.status = Some(st.clone());
                    Vec::new()
                }
                Step::Cancel => {
                    self.otp = None;
                    self.submitted = 0;
                    self.entry = Entry::None;
                    self.share.0.clear();
                    self.fetch()
                }
            },
            Some(Err(e)) => {
                self.error = Some(e.to_string());
                match step {
                    Step::Start => {
                        self.otp = None;
                        self.fetch()
                    }
                    // A wrong share at the threshold resets progress to 0; a wrong nonce says
                    // which one is current: read the status again.
                    Step::Update | Step::Cancel => self.fetch(),
                }
            }
            Some(Ok(_)) | None => Vec::new(),
        }
    }

    /// The last share went in: decode the token (or keep the encoded one) and wipe the OTP.
    fn finish(&mut self, mut st: GenerateRootStatus) {
        let encoded = st.encoded_token.take();
        let otp = self.otp.take();
        self.entry = Entry::None;
        self.share.0.clear();
        self.revealed = false;
        self.outcome = match (encoded, otp) {
            (None, _) => {
                self.error = Some("the server said complete but gave no encoded token".into());
                None
            }
            (Some(encoded), Some(otp)) if !st.is_pgp() => {
                match decode_root_token(encoded.expose(), otp.expose()) {
                    Ok(t) => Some(Outcome::Token(t)),
                    Err(e) => {
                        self.error = Some(e.to_string());
                        Some(Outcome::Encoded {
                            encoded,
                            pgp_fingerprint: String::new(),
                        })
                    }
                }
            }
            (Some(encoded), _) => Some(Outcome::Encoded {
                encoded,
                pgp_fingerprint: st.pgp_fingerprint.clone(),
            }),
        };
        self.status = Some(st);
    }

    /// The gate refused or the user cancelled: stop waiting (an OTP never sent is wiped).
    pub fn write_abandoned(&mut self) {
        if let Some(summary) = self.awaiting.take()
            && step_of_summary(&summary) == Some(Step::Start)
        {
            self.otp = None;
        }
    }
}
