//! Replies and write outcomes of the policies screen, and the explanation of a capabilities
//! answer from the loaded policies.

use super::actions::{ALL, READ};
use super::{CapState, Load, Pane, PoliciesScreen, PolicyEntry};
use crate::app::ToastLevel;
use crate::command::Request;
use crate::policy::matching::{Explanation, explain};
use crate::reply::{Reply, WriteOutcome};
use crate::sanitize::sanitize;
use crate::ui::screens::{Effect, ScreenCtx};
use crate::vault::models::policies::CapabilityAnswer;
use crate::vault::policies::{PoliciesReply, PoliciesRequest};

/// What the screen can say about a capabilities answer from the policies it has.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CapExplanation {
    pub explanation: Explanation,
    /// The token's policies that are not loaded here (not readable, or not listed).
    pub unknown: Vec<String>,
    /// The token carries the root policy.
    pub root: bool,
}

impl PoliciesScreen {
    pub fn on_reply(&mut self, reply: Reply, ctx: &ScreenCtx) -> Vec<Effect> {
        let Reply::Policies(r) = reply else {
            return Vec::new();
        };
        match r {
            PoliciesReply::All(Ok(list)) => {
                let current = self.selected_entry().map(|e| e.name().to_string());
                self.set_policies(list.policies);
                self.unreadable = list
                    .unreadable
                    .into_iter()
                    .map(|(n, e)| (n, e.to_string()))
                    .collect();
                if let Some(i) =
                    current.and_then(|c| self.rows().iter().position(|e| e.name() == c))
                {
                    self.selected = i;
                }
                self.load = Load::Ready(ctx.now);
            }
            PoliciesReply::All(Err(e)) => self.load = Load::Failed(e),
            PoliciesReply::Read(Ok(p)) => {
                let entry = PolicyEntry::new(p);
                match self.entries.iter_mut().find(|e| e.name() == entry.name()) {
                    Some(slot) => *slot = entry,
                    None => {
                        self.entries.push(entry);
                        self.entries.sort_by(|a, b| a.name().cmp(b.name()));
                    }
                }
            }
            PoliciesReply::Read(Err(e)) => {
                return vec![Effect::Toast(
                    format!("reading the policy failed: {e}"),
                    ToastLevel::Warn,
                )];
            }
            PoliciesReply::Capabilities(r) => {
                if let Pane::Capabilities(q) = &mut self.pane {
                    q.state = match r {
                        Ok(a) => CapState::Ready(a),
                        Err(e) => CapState::Failed(e),
                    };
                }
            }
        }
        Vec::new()
    }

    /// A save or delete finished.
    pub fn on_write(&mut self, outcome: WriteOutcome, ctx: &ScreenCtx) -> Vec<Effect> {
        let Some(addr) = ctx.cluster.api_addr() else {
            return Vec::new();
        };
        if let Some(name) = self.deleting.take() {
            if outcome.failed() == 0 {
                self.pane = Pane::List;
                self.entries.retain(|e| e.name() != name);
                self.clamp();
                return vec![
                    Effect::Toast(outcome.message(), ToastLevel::Info),
                    self.fetch(ALL, PoliciesRequest::All { addr }),
                ];
            }
            return vec![Effect::Toast(outcome.message(), ToastLevel::Error)];
        }
        let Pane::Diff(e) = &mut self.pane else {
            return vec![Effect::Toast(outcome.message(), ToastLevel::Info)];
        };
        e.saving = false;
        match outcome.first_error() {
            Some(err) => {
                // Back to the text with the server's message (a parse error, a CAS mismatch).
                e.error = Some(sanitize(&err.to_string()).into_owned());
                if let Pane::Diff(e) = std::mem::replace(&mut self.pane, Pane::List) {
                    self.pane = Pane::Edit(e);
                }
                vec![Effect::Toast(outcome.message(), ToastLevel::Error)]
            }
            None => {
                let name = e.name.clone();
                self.pane = Pane::View {
                    name: name.clone(),
                    scroll: 0,
                };
                vec![
                    Effect::Toast(outcome.message(), ToastLevel::Info),
                    self.fetch(READ, PoliciesRequest::Read { addr, name }),
                ]
            }
        }
    }

    fn fetch(&self, what: &str, request: PoliciesRequest) -> Effect {
        Effect::Fetch {
            what: what.into(),
            request: Request::Policies(request),
        }
    }

    /// Which rules of the answer's token policies match its path.
    pub fn explain(&self, a: &CapabilityAnswer) -> CapExplanation {
        let names = a.policies.as_ref().map(Vec::as_slice).unwrap_or(&[]);
        let mut known = Vec::new();
        let mut unknown = Vec::new();
        for n in names {
            match self.entry(n) {
                Some(e) if n != "root" => known.push((n.clone(), &e.parsed)),
                _ if n == "root" => {}
                _ => unknown.push(n.clone()),
            }
        }
        CapExplanation {
            explanation: explain(&known, &a.path),
            unknown,
            root: names.iter().any(|n| n == "root"),
        }
    }
}
