//! What the rekey screen does: status reads, the form, start/update/verify/cancel through the
//! gate, and the new shares shown once.

use crossterm::event::KeyEvent;

use super::{FIELDS, RekeyScreen, Step};
use crate::action::Action;
use crate::app::ToastLevel;
use crate::command::Request;
use crate::reply::{Reply, WriteOutcome, WriteResult};
use crate::ui::screens::{Effect, ScreenCtx};
use crate::ui::widgets::once_secrets::OnceSecrets;
use crate::vault::models::ceremony::check_shares;
use crate::vault::models::wrapping::SecretText;
use crate::vault::rekey::{RekeyReply, RekeyRequest, RekeyStart, RekeyStatus};
use crate::write_gate::rekey::RekeyMutation;
use crate::write_gate::{Mutation, Write};

const WHAT: &str = "rekey status";
const WHAT_VERIFY: &str = "rekey verification status";

/// The footer's offer for the step the screen is at.
pub fn hints(s: &RekeyScreen) -> &'static [Action] {
    if s.takes_text() {
        &[Action::Select, Action::Back]
    } else if s.secrets.holds_values() {
        &[
            Action::RevealOutput,
            Action::CopyOutput,
            Action::ConfirmReceipt,
            Action::Back,
        ]
    } else if s.started() || s.verify_nonce.is_some() {
        &[
            Action::EditInput,
            Action::CancelRekey,
            Action::Refresh,
            Action::Back,
        ]
    } else {
        &[
            Action::EditInput,
            Action::ToggleVerification,
            Action::StartRekey,
            Action::Refresh,
            Action::Back,
        ]
    }
}

fn toast(text: impl Into<String>) -> Vec<Effect> {
    vec![Effect::Toast(text.into(), ToastLevel::Warn)]
}

/// The start the form describes, checked as the server checks it.
pub fn start_of(s: &RekeyScreen) -> Result<RekeyStart, String> {
    let num = |i: usize| {
        s.fields[i]
            .text
            .trim()
            .parse::<usize>()
            .map_err(|_| format!("{}: a whole number", FIELDS[i]))
    };
    let (shares, threshold) = (num(0)?, num(1)?);
    let keys: Vec<String> = s.fields[2]
        .text
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|k| !k.is_empty())
        .map(str::to_string)
        .collect();
    let pgp_keys = (!keys.is_empty()).then_some(keys);
    check_shares(shares, threshold, pgp_keys.as_ref().map(Vec::len))?;
    Ok(RekeyStart {
        shares,
        threshold,
        pgp_keys,
        require_verification: s.require_verification,
    })
}

impl RekeyScreen {
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
        let mut e = vec![Effect::Fetch {
            what: WHAT.into(),
            request: Request::Rekey(RekeyRequest::Status { addr: addr.clone() }),
        }];
        if self.verify_nonce.is_some() {
            e.push(Effect::Fetch {
                what: WHAT_VERIFY.into(),
                request: Request::Rekey(RekeyRequest::VerifyStatus { addr }),
            });
        }
        e
    }

    pub fn on_text_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        if self.secrets.discard.is_some() {
            self.secrets.discard_key(key);
        } else if self.entering {
            self.share.0.on_key(key);
        } else if self.editing {
            self.fields[self.field].handle_key(key);
        }
        Vec::new()
    }

    pub fn on_paste(&mut self, text: &str) {
        if self.entering {
            self.share.0.paste(text);
        } else if self.editing {
            self.fields[self.field].insert_str(text.trim());
        }
    }

    pub fn on_action(&mut self, a: Action, _ctx: &ScreenCtx) -> Option<Vec<Effect>> {
        if self.secrets.discard.is_some() {
            if a == Action::Select {
                self.secrets.discard_submit();
            } else {
                self.secrets.discard = None;
            }
            return Some(Vec::new());
        }
        if self.entering {
            return match a {
                Action::Select => Some(self.submit_share()),
                Action::Back => {
                    self.entering = false;
                    self.share.0.clear();
                    Some(Vec::new())
                }
                _ => None,
            };
        }
        if self.editing {
            return match a {
                Action::Select | Action::Back => {
                    self.editing = false;
                    Some(Vec::new())
                }
                _ => None,
            };
        }
        let showing = self.secrets.holds_values();
        let effects = match a {
            Action::Up if showing => {
                self.secrets.up();
                Vec::new()
            }
            Action::Down if showing => {
                self.secrets.down();
                Vec::new()
            }
            Action::RevealOutput if showing => {
                self.secrets.toggle_reveal();
                Vec::new()
            }
            Action::CopyOutput if showing => self.secrets.copy(),
            Action::ConfirmReceipt | Action::Select if showing => {
                self.secrets.receive();
                if self.secrets.all_received() {
                    self.secrets.wipe();
                }
                Vec::new()
            }
            Action::Back if showing => {
                self.secrets.begin_discard();
                Vec::new()
            }
            Action::Back => return None,
            Action::Refresh => self.fetch(),
            Action::CancelRekey => self.cancel(),
            Action::Select | Action::EditInput if self.started() || self.verify_nonce.is_some() => {
                self.entering = true;
                Vec::new()
            }
            Action::Up => {
                self.field = self.field.saturating_sub(1);
                Vec::new()
            }
            Action::Down => {
                self.field = (self.field + 1).min(FIELDS.len() - 1);
                Vec::new()
            }
            Action::Select | Action::EditInput => {
                self.editing = true;
                Vec::new()
            }
            Action::ToggleVerification => {
                self.require_verification = !self.require_verification;
                Vec::new()
            }
            Action::StartRekey => self.start(),
            _ => return None,
        };
        Some(effects)
    }

    fn start(&mut self) -> Vec<Effect> {
        if self.awaiting.is_some() {
            return toast("waiting for the server");
        }
        if self.started() {
            return toast("a rekey is in progress: enter shares (e) or cancel it (X)");
        }
        let Some(addr) = self.addr.clone() else {
            return toast("no node to ask");
        };
        match start_of(self) {
            Err(e) => {
                self.error = Some(e);
                Vec::new()
            }
            Ok(start) => {
                self.finished = false;
                self.write(Step::Start, RekeyMutation::Start { addr, start })
            }
        }
    }

    fn cancel(&mut self) -> Vec<Effect> {
        if self.awaiting.is_some() {
            return toast("waiting for the server");
        }
        if !self.started() && self.verify_nonce.is_none() {
            return toast("no rekey in progress");
        }
        match self.addr.clone() {
            Some(addr) => self.write(Step::Cancel, RekeyMutation::Cancel { addr }),
            None => toast("no node to ask"),
        }
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
        let Some(addr) = self.addr.clone() else {
            return toast("no node to ask");
        };
        if let Some(nonce) = self.verify_nonce.clone() {
            return self.write(Step::Verify, RekeyMutation::Verify { addr, share, nonce });
        }
        let nonce = self
            .status
            .as_ref()
            .map(|s| s.nonce.clone())
            .unwrap_or_default();
        self.write(Step::Update, RekeyMutation::Update { addr, share, nonce })
    }

    fn write(&mut self, step: Step, m: RekeyMutation) -> Vec<Effect> {
        self.awaiting = Some((step, m.spec().summary));
        self.error = None;
        vec![Effect::Write(Write::One(Mutation::Rekey(m)))]
    }

    pub fn on_reply(&mut self, reply: Reply) -> Vec<Effect> {
        let Reply::Rekey(r) = reply else {
            return Vec::new();
        };
        self.loading = false;
        match r {
            RekeyReply::Status(Ok(mut st)) => {
                st.keys.clear();
                self.status = Some(st);
            }
            RekeyReply::VerifyStatus(Ok(st)) => {
                if self.verify_nonce.is_some() {
                    if st.started && !st.nonce.is_empty() {
                        self.verify_nonce = Some(st.nonce.clone());
                    }
                    self.verify_progress = (st.progress, st.t);
                }
            }
            RekeyReply::Status(Err(e)) | RekeyReply::VerifyStatus(Err(e)) => {
                self.error = Some(e.to_string());
            }
        }
        Vec::new()
    }

    /// The outcome of a write: taken when it is the one this screen waits for.
    pub fn on_write_done(&mut self, outcome: &WriteOutcome) -> Vec<Effect> {
        let Some((step, summary)) = self.awaiting.clone() else {
            return Vec::new();
        };
        if summary != outcome.summary {
            return Vec::new();
        }
        self.awaiting = None;
        match outcome.items.first().map(|i| &i.result) {
            Some(Ok(WriteResult::Rekey(st))) => self.advance(step, st.clone()),
            Some(Err(e)) => {
                self.error = Some(e.to_string());
                // A wrong share at the threshold resets progress; a failed verification gives a
                // new nonce: read the status again.
                self.fetch()
            }
            Some(Ok(_)) | None => Vec::new(),
        }
    }

    fn advance(&mut self, step: Step, mut st: RekeyStatus) -> Vec<Effect> {
        match step {
            Step::Start => {
                self.verify_nonce = None;
                self.status = Some(st);
                self.entering = true;
                Vec::new()
            }
            Step::Update if st.complete => {
                self.entering = false;
                let keys = std::mem::take(&mut st.keys);
                self.secrets = OnceSecrets::new(
                    keys.into_iter()
                        .enumerate()
                        .map(|(i, k)| (format!("new share {}", i + 1), k))
                        .collect(),
                );
                if st.verification_nonce.is_empty() {
                    self.finished = true;
                } else {
                    self.verify_nonce = Some(st.verification_nonce.clone());
                    self.verify_progress = (0, st.t);
                }
                self.status = Some(st);
                vec![Effect::RefreshCluster]
            }
            Step::Update => {
                self.status = Some(st);
                Vec::new()
            }
            Step::Verify if st.complete => {
                self.entering = false;
                self.verify_nonce = None;
                self.finished = true;
                self.fetch()
            }
            Step::Verify => {
                self.verify_progress.0 = st.progress;
                Vec::new()
            }
            Step::Cancel => {
                self.entering = false;
                self.share.0.clear();
                self.verify_nonce = None;
                self.fetch()
            }
        }
    }

    /// The gate refused or the user cancelled: stop waiting.
    pub fn write_abandoned(&mut self) {
        self.awaiting = None;
    }

    /// Which step this screen waits for (for the view).
    pub fn waiting_for(&self) -> Option<Step> {
        self.awaiting.as_ref().map(|(s, _)| *s)
    }
}
