//! What the tools screen does: typing into its input, submitting (a read, or a write through
//! the gate), replies and write outcomes, reveal and copy.

use crossterm::event::KeyEvent;

use super::{Output, Tool, ToolsScreen};
use crate::action::Action;
use crate::app::ToastLevel;
use crate::command::Request;
use crate::reply::{Reply, WriteOutcome, WriteResult};
use crate::sanitize::sanitize;
use crate::ui::screens::{Effect, ScreenCtx};
use crate::vault::models::tools::{RANDOM_BYTES, RandomFormat, hash_algorithm};
use crate::vault::models::wrapping::{SecretText, parse_wrap_ttl};
use crate::vault::tools::{ToolsReply, ToolsRequest};
use crate::write_gate::{Mutation, Write};

const WHAT: &str = "tool";

/// The footer's offer: typing, or looking at an output.
pub fn hints(s: &ToolsScreen) -> &'static [Action] {
    if s.editing {
        &[Action::Select, Action::FocusNext, Action::Back]
    } else {
        &[
            Action::RevealOutput,
            Action::CopyOutput,
            Action::CopyAllOutput,
            Action::EditInput,
            Action::Back,
        ]
    }
}

fn toast(text: impl Into<String>) -> Vec<Effect> {
    vec![Effect::Toast(text.into(), ToastLevel::Warn)]
}

impl ToolsScreen {
    /// A typed key (the app sends text keys here while [`ToolsScreen::takes_text`]).
    pub fn on_text_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        if self.tool.takes_token() {
            self.token.0.on_key(key);
        } else {
            self.line.handle_key(key);
        }
        Vec::new()
    }

    /// Pasted text goes into the input (control characters dropped).
    pub fn on_paste(&mut self, text: &str) {
        if self.tool.takes_token() {
            self.token.0.paste(text);
        } else {
            self.line.insert_str(text);
        }
    }

    pub fn on_action(&mut self, a: Action, ctx: &ScreenCtx) -> Option<Vec<Effect>> {
        match a {
            Action::Select if self.editing => return Some(self.submit(ctx)),
            Action::Select | Action::EditInput => self.editing = true,
            Action::Back if self.editing && self.output != Output::None => self.editing = false,
            Action::FocusNext | Action::FocusPrev if self.tool != Tool::Share => {
                let tabs = Tool::TABS;
                let i = tabs.iter().position(|t| *t == self.tool).unwrap_or(0);
                let n = tabs.len();
                let next = if a == Action::FocusNext {
                    (i + 1) % n
                } else {
                    (i + n - 1) % n
                };
                self.switch(tabs[next]);
            }
            Action::Up if !self.editing => self.selected = self.selected.saturating_sub(1),
            Action::Down if !self.editing => {
                let n = match &self.output {
                    Output::Unwrapped(u) => u.fields.len(),
                    _ => 0,
                };
                self.selected = (self.selected + 1).min(n.saturating_sub(1));
            }
            Action::RevealOutput if !self.editing => self.revealed = !self.revealed,
            Action::CopyOutput if !self.editing => return Some(self.copy(false)),
            Action::CopyAllOutput if !self.editing => return Some(self.copy(true)),
            _ => return None,
        }
        Some(Vec::new())
    }

    fn addr(&self, ctx: &ScreenCtx) -> Option<String> {
        match &self.share {
            Some(t) => Some(t.addr.clone()),
            None => ctx.cluster.api_addr(),
        }
    }

    /// `enter` while typing: send what the tool asks for.
    pub fn submit(&mut self, ctx: &ScreenCtx) -> Vec<Effect> {
        let Some(addr) = self.addr(ctx) else {
            return toast("no node to ask");
        };
        let request = match self.tool {
            Tool::Unwrap | Tool::Lookup | Tool::Rewrap => {
                if self.token.0.is_empty() {
                    return toast("type or paste a wrapping token first");
                }
                let token = SecretText::new(self.token.0.take());
                match self.tool {
                    Tool::Unwrap => ToolsRequest::Unwrap { addr, token },
                    Tool::Lookup => {
                        // A lookup does not use the token up: keep it for an unwrap.
                        self.token.0.paste(token.expose());
                        ToolsRequest::Lookup { addr, token }
                    }
                    _ => return self.write(Mutation::Rewrap { addr, token }),
                }
            }
            Tool::Random => match parse_random(&self.line.text) {
                Ok((bytes, format)) => ToolsRequest::Random {
                    addr,
                    bytes,
                    format,
                },
                Err(e) => return toast(e),
            },
            Tool::Hash => ToolsRequest::Hash {
                addr,
                algorithm: self.hash_algorithm.clone(),
                input: SecretText::from(self.line.text.as_str()),
            },
            Tool::Share => {
                let ttl = match parse_wrap_ttl(&self.line.text) {
                    Ok(t) => t,
                    Err(e) => return toast(e),
                };
                let Some(t) = self.share.clone() else {
                    return toast("nothing to share");
                };
                return self.write(Mutation::WrapSecret {
                    addr: t.addr,
                    mount: t.mount,
                    kv_version: t.kv_version,
                    path: t.path,
                    version: t.version,
                    ttl,
                });
            }
        };
        self.editing = false;
        self.revealed = false;
        self.selected = 0;
        self.output = Output::Waiting(format!("{}…", self.tool.name()));
        vec![Effect::Fetch {
            what: WHAT.into(),
            request: Request::Tools(request),
        }]
    }

    fn write(&mut self, m: Mutation) -> Vec<Effect> {
        self.awaiting = Some(m.spec().summary);
        self.editing = false;
        self.revealed = false;
        self.output = Output::Waiting("waiting for confirmation and the server…".into());
        vec![Effect::Write(Write::One(m))]
    }

    /// A reply to a tools request.
    pub fn on_reply(&mut self, reply: Reply) -> Vec<Effect> {
        let Reply::Tools(r) = reply else {
            return Vec::new();
        };
        // An answer for another tab (the user switched while it was on its way) is dropped.
        let for_tool = match &r {
            ToolsReply::Unwrap(_) => Tool::Unwrap,
            ToolsReply::Lookup(_) => Tool::Lookup,
            ToolsReply::Random(_) => Tool::Random,
            ToolsReply::Hash(_) => Tool::Hash,
        };
        if for_tool != self.tool {
            return Vec::new();
        }
        self.revealed = false;
        self.selected = 0;
        // The output has the focus now (reveal, copy).
        self.editing = false;
        self.output = match r {
            ToolsReply::Unwrap(Ok(u)) => Output::Unwrapped(u),
            ToolsReply::Lookup(Ok(l)) => Output::Lookup(l),
            ToolsReply::Random(Ok(t)) => Output::Random(t),
            ToolsReply::Hash(Ok(h)) => Output::Hash(h),
            ToolsReply::Unwrap(Err(e))
            | ToolsReply::Lookup(Err(e))
            | ToolsReply::Random(Err(e))
            | ToolsReply::Hash(Err(e)) => Output::Failed(e.to_string()),
        };
        Vec::new()
    }

    /// The outcome of a write: taken when it is the one this screen waits for.
    pub fn on_write_done(&mut self, outcome: &WriteOutcome) -> bool {
        if self.awaiting.as_deref() != Some(outcome.summary.as_str()) {
            return false;
        }
        self.awaiting = None;
        self.revealed = false;
        self.editing = false;
        self.output = match outcome.items.first().map(|i| &i.result) {
            Some(Ok(WriteResult::Wrapped(info))) => {
                // A rewrap's old token is dead: nothing left to type.
                self.token.0.clear();
                Output::Token(info.clone())
            }
            Some(Err(e)) => Output::Failed(e.to_string()),
            Some(Ok(_)) | None => Output::None,
        };
        true
    }

    /// The gate refused or the user cancelled: stop waiting.
    pub fn write_abandoned(&mut self) {
        if self.awaiting.take().is_some() {
            self.output = Output::None;
            self.editing = true;
        }
    }

    fn copy(&self, all: bool) -> Vec<Effect> {
        let what = match &self.share {
            Some(t) => format!(
                "wrapping token of {}/{}",
                t.mount.trim_end_matches('/'),
                t.path.trim_start_matches('/')
            ),
            None => "wrapping token".into(),
        };
        let (label, text) = match &self.output {
            Output::Unwrapped(u) if all => match &u.json {
                Some(j) => ("unwrapped data as JSON".to_string(), j.clone()),
                None => return toast("nothing to copy"),
            },
            Output::Unwrapped(u) => match u.fields.get(self.selected) {
                Some((k, v)) => (format!("unwrapped {}", sanitize(k)), v.clone()),
                None => return toast("nothing to copy"),
            },
            Output::Token(info) => (what, info.token.clone()),
            Output::Random(t) => ("random bytes".into(), t.clone()),
            Output::Hash(h) => (
                format!("{} hash", self.hash_algorithm),
                SecretText::from(h.as_str()),
            ),
            _ => return toast("nothing to copy"),
        };
        vec![Effect::Copy {
            label,
            text: crate::clipboard::CopyText::new(text.secret().clone()),
        }]
    }
}

/// "32 base64", "16 hex", "hex", "": bytes and format.
pub fn parse_random(text: &str) -> Result<(u32, RandomFormat), String> {
    let mut bytes = crate::vault::models::tools::DEFAULT_RANDOM_BYTES;
    let mut format = RandomFormat::default();
    for word in text.split_whitespace() {
        if let Some(f) = RandomFormat::parse(word) {
            format = f;
        } else if let Ok(n) = word.parse::<u32>()
            && RANDOM_BYTES.contains(&n)
        {
            bytes = n;
        } else {
            return Err(format!(
                "random takes a byte count (1 to 1024) and hex or base64, not \"{}\"",
                sanitize(word)
            ));
        }
    }
    Ok((bytes, format))
}

/// `:hash ALG`: a known algorithm, or an error naming them.
pub fn parse_hash_algorithm(arg: &str) -> Result<&'static str, String> {
    if arg.is_empty() {
        return Ok(super::DEFAULT_HASH);
    }
    hash_algorithm(arg).ok_or_else(|| {
        format!(
            "unknown hash algorithm \"{}\" (have: {})",
            sanitize(arg),
            crate::vault::models::tools::HASH_ALGORITHMS.join(", ")
        )
    })
}
