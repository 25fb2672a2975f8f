//! What the init screen does: the form, the init through the gate, the secrets shown once.

use crossterm::event::KeyEvent;

use super::{FIELDS, InitScreen};
use crate::action::Action;
use crate::app::ToastLevel;
use crate::reply::{WriteOutcome, WriteResult};
use crate::ui::screens::{Effect, ScreenCtx};
use crate::ui::widgets::once_secrets::{DiscardOutcome, OnceSecrets};
use crate::vault::ceremony::InitSecrets;
use crate::vault::models::ceremony::InitRequest;
use crate::write_gate::ceremony_init::InitMutation;
use crate::write_gate::{Mutation, Write};

/// The footer's offer for the step the screen is at.
pub fn hints(s: &InitScreen) -> &'static [Action] {
    if s.takes_text() {
        &[Action::Select, Action::Back]
    } else if s.secrets.holds_values() {
        &[
            Action::RevealOutput,
            Action::CopyOutput,
            Action::ConfirmReceipt,
            Action::Back,
        ]
    } else if s.done {
        &[Action::OpenUnseal, Action::Back]
    } else {
        &[Action::EditInput, Action::StartInit, Action::Back]
    }
}

fn toast(text: impl Into<String>) -> Vec<Effect> {
    vec![Effect::Toast(text.into(), ToastLevel::Warn)]
}

/// Base64 keys from a field: separated by commas or white space.
fn keys(text: &str) -> Option<Vec<String>> {
    let k: Vec<String> = text
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|k| !k.is_empty())
        .map(str::to_string)
        .collect();
    (!k.is_empty()).then_some(k)
}

/// The request the form describes, checked as the server checks it.
pub fn request_of(s: &InitScreen) -> Result<InitRequest, String> {
    let num = |i: usize| {
        s.fields[i]
            .text
            .trim()
            .parse::<usize>()
            .map_err(|_| format!("{}: a whole number", FIELDS[i]))
    };
    let (n, t) = (num(0)?, num(1)?);
    let pgp = keys(&s.fields[2].text);
    let mut r = if s.recovery {
        InitRequest {
            recovery_pgp_keys: pgp,
            ..InitRequest::recovery(n, t)
        }
    } else {
        InitRequest {
            pgp_keys: pgp,
            ..InitRequest::shamir(n, t)
        }
    };
    r.root_token_pgp_key = keys(&s.fields[3].text).and_then(|k| k.into_iter().next());
    r.validate()?;
    Ok(r)
}

impl InitScreen {
    /// Just opened: the node and seal type from the cluster poller.
    pub fn on_open(&mut self, ctx: &ScreenCtx) -> Vec<Effect> {
        if self.addr.is_none() {
            self.addr = ctx.cluster.api_addr();
        }
        self.observe(ctx);
        Vec::new()
    }

    /// What the poller says of the node (initialised, seal type).
    pub fn observe(&mut self, ctx: &ScreenCtx) {
        let seal = ctx
            .cluster
            .nodes
            .iter()
            .find(|n| Some(&n.addr) == self.addr.as_ref())
            .and_then(|n| n.seal.value());
        if let Some(seal) = seal {
            self.initialized = seal.initialized;
            self.recovery =
                seal.recovery_seal || (seal.seal_type != "shamir" && !seal.seal_type.is_empty());
        }
    }

    pub fn on_text_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        if self.secrets.discard.is_some() {
            if self.secrets.discard_key(key) == DiscardOutcome::Discarded {
                self.done = true;
            }
        } else if self.editing {
            self.fields[self.field].handle_key(key);
        }
        Vec::new()
    }

    pub fn on_paste(&mut self, text: &str) {
        if self.editing {
            self.fields[self.field].insert_str(text.trim());
        }
    }

    pub fn on_action(&mut self, a: Action, ctx: &ScreenCtx) -> Option<Vec<Effect>> {
        if self.secrets.discard.is_some() {
            return Some(match a {
                Action::Select => {
                    if self.secrets.discard_submit() == DiscardOutcome::Discarded {
                        self.done = true;
                    }
                    Vec::new()
                }
                _ => {
                    self.secrets.discard = None;
                    Vec::new()
                }
            });
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
        let showing = !self.secrets.is_empty();
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
            Action::ConfirmReceipt | Action::Select if self.secrets.holds_values() => {
                self.secrets.receive();
                if self.secrets.all_received() {
                    self.secrets.wipe();
                    vec![Effect::Toast(
                        "every share and the root token taken and wiped: u opens :unseal".into(),
                        ToastLevel::Info,
                    )]
                } else {
                    Vec::new()
                }
            }
            Action::Back if self.secrets.holds_values() => {
                self.secrets.begin_discard();
                Vec::new()
            }
            Action::Back => return None,
            Action::OpenUnseal => vec![Effect::CommandLine("unseal".into())],
            _ if showing => return None,
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
            Action::StartInit => self.start(ctx),
            _ => return None,
        };
        Some(effects)
    }

    fn start(&mut self, ctx: &ScreenCtx) -> Vec<Effect> {
        self.observe(ctx);
        if self.awaiting.is_some() {
            return toast("waiting for the server");
        }
        if self.initialized {
            return toast("the cluster is initialised already");
        }
        let Some(addr) = self.addr.clone() else {
            return toast("no node to ask");
        };
        match request_of(self) {
            Err(e) => {
                self.error = Some(e);
                Vec::new()
            }
            Ok(request) => {
                let m = InitMutation { addr, request };
                self.awaiting = Some(m.spec().summary);
                self.error = None;
                vec![Effect::Write(Write::One(Mutation::Init(m)))]
            }
        }
    }

    /// The outcome of a write: the secrets, or the server's refusal.
    pub fn on_write_done(&mut self, outcome: &WriteOutcome) -> Vec<Effect> {
        if self.awaiting.as_deref() != Some(outcome.summary.as_str()) {
            return Vec::new();
        }
        self.awaiting = None;
        match outcome.items.first().map(|i| &i.result) {
            Some(Ok(WriteResult::Init(secrets))) => {
                self.show(secrets.clone());
                vec![Effect::RefreshCluster]
            }
            Some(Err(e)) => {
                self.error = Some(e.to_string());
                Vec::new()
            }
            Some(Ok(_)) | None => Vec::new(),
        }
    }

    /// Hand the secrets to the widget (their one home on this screen).
    pub fn show(&mut self, s: InitSecrets) {
        let word = if s.recovery {
            "recovery share"
        } else {
            "share"
        };
        let mut items: Vec<_> = s
            .shares
            .into_iter()
            .enumerate()
            .map(|(i, v)| (format!("{word} {}", i + 1), v))
            .collect();
        items.push(("root token".into(), s.root_token));
        self.secrets = OnceSecrets::new(items);
        self.initialized = true;
        self.done = true;
    }

    /// The gate refused or the user cancelled.
    pub fn write_abandoned(&mut self) {
        self.awaiting = None;
    }
}
