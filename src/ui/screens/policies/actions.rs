//! What the policies screen does with actions and typed keys: moving, opening, the prompts
//! (capabilities path and masked token, a new policy's name), editing, the diff and the save
//! or delete through the gate.

use crossterm::event::KeyEvent;

use super::{
    CapQuestion, CapState, EditState, MaskedToken, NEW_POLICY_TEXT, Pane, PoliciesScreen, Prompt,
    PromptKind, UNDELETABLE,
};
use crate::action::Action;
use crate::app::ToastLevel;
use crate::command::Request;
use crate::input::LineInput;
use crate::policy::diff::{counts, diff_lines};
use crate::sanitize::sanitize;
use crate::ui::screens::{Effect, ScreenCtx};
use crate::vault::models::wrapping::SecretText;
use crate::vault::policies::PoliciesRequest;
use crate::write_gate::policy::PolicyMutation;
use crate::write_gate::{Mutation, Write};

/// Request keys.
pub const ALL: &str = "all";
pub const READ: &str = "read";
pub const CAPS: &str = "capabilities";

const LIST_HINTS: &[Action] = &[
    Action::Select,
    Action::Capabilities,
    Action::Edit,
    Action::NewPolicy,
    Action::DeletePolicy,
    Action::Filter,
    Action::Back,
];
const VIEW_HINTS: &[Action] = &[
    Action::Capabilities,
    Action::Edit,
    Action::DeletePolicy,
    Action::Back,
];
const EDIT_HINTS: &[Action] = &[Action::Save, Action::Revert, Action::Back];
const DIFF_HINTS: &[Action] = &[Action::Save, Action::Back];
const PROMPT_HINTS: &[Action] = &[Action::Select, Action::Back];
const CAP_HINTS: &[Action] = &[Action::Capabilities, Action::Back];

/// The footer's offer in the current pane.
pub fn hints(s: &PoliciesScreen) -> &'static [Action] {
    if s.prompt.is_some() {
        return PROMPT_HINTS;
    }
    match s.pane {
        Pane::List => LIST_HINTS,
        Pane::View { .. } => VIEW_HINTS,
        Pane::Edit(_) => EDIT_HINTS,
        Pane::Diff(_) => DIFF_HINTS,
        Pane::Capabilities(_) => CAP_HINTS,
    }
}

fn warn(text: impl Into<String>) -> Vec<Effect> {
    vec![Effect::Toast(text.into(), ToastLevel::Warn)]
}

fn fetch(what: &str, request: PoliciesRequest) -> Effect {
    Effect::Fetch {
        what: what.into(),
        request: Request::Policies(request),
    }
}

/// Move a cursor by an action within `n` items; `None` when it is not a move.
fn moved(a: Action, at: usize, n: usize, page: usize) -> Option<usize> {
    let last = n.saturating_sub(1);
    Some(match a {
        Action::Up => at.saturating_sub(1),
        Action::Down => (at + 1).min(last),
        Action::PageUp => at.saturating_sub(page),
        Action::PageDown => (at + page).min(last),
        Action::Top => 0,
        Action::Bottom => last,
        _ => return None,
    })
}

impl PoliciesScreen {
    pub fn on_open(&mut self, ctx: &ScreenCtx) -> Vec<Effect> {
        self.reload(ctx)
    }

    /// Read every policy again.
    pub fn reload(&mut self, ctx: &ScreenCtx) -> Vec<Effect> {
        let Some(addr) = ctx.cluster.api_addr() else {
            return warn("no node to ask");
        };
        self.load = super::Load::Loading;
        vec![fetch(ALL, PoliciesRequest::All { addr })]
    }

    pub fn on_action(&mut self, a: Action, ctx: &ScreenCtx) -> Option<Vec<Effect>> {
        if self.prompt.is_some() {
            return Some(self.on_prompt_action(a, ctx));
        }
        let page = usize::from(ctx.body.height.saturating_sub(4)).max(1);
        match &mut self.pane {
            Pane::Edit(_) => return Some(self.on_edit_action(a)),
            Pane::Diff(e) => {
                if let Some(at) = moved(a, e.scroll, e.diff.len(), page) {
                    e.scroll = at;
                    return Some(Vec::new());
                }
            }
            Pane::View { name, scroll } => {
                let n = self
                    .entries
                    .iter()
                    .find(|x| x.name() == name)
                    .map_or(0, |x| x.policy.policy.lines().count() + x.findings.len());
                if let Some(at) = moved(a, *scroll, n, page) {
                    *scroll = at;
                    return Some(Vec::new());
                }
            }
            Pane::Capabilities(q) => {
                if let Some(at) = moved(a, q.scroll, 200, page) {
                    q.scroll = at;
                    return Some(Vec::new());
                }
            }
            Pane::List => {
                if let Some(at) = moved(a, self.selected, self.rows().len(), page) {
                    self.selected = at;
                    return Some(Vec::new());
                }
            }
        }
        Some(match a {
            Action::Back => return self.back(),
            Action::Refresh => self.reload(ctx),
            Action::Select => match &self.pane {
                Pane::List => match self.selected_entry() {
                    Some(e) => {
                        self.pane = Pane::View {
                            name: e.name().to_string(),
                            scroll: 0,
                        };
                        Vec::new()
                    }
                    None => Vec::new(),
                },
                Pane::Diff(_) => self.save(ctx),
                _ => Vec::new(),
            },
            Action::Save if matches!(self.pane, Pane::Diff(_)) => self.save(ctx),
            Action::Capabilities => {
                self.open_prompt(PromptKind::CapPath, "");
                Vec::new()
            }
            Action::Edit => self.edit(),
            Action::NewPolicy => {
                self.open_prompt(PromptKind::NewName, "");
                Vec::new()
            }
            Action::DeletePolicy => self.delete(ctx),
            _ => return None,
        })
    }

    /// An action while the editor has the keyboard: save (to the diff), revert, leave.
    fn on_edit_action(&mut self, a: Action) -> Vec<Effect> {
        let Pane::Edit(e) = &mut self.pane else {
            return Vec::new();
        };
        match a {
            Action::Save => {
                if !e.changed() {
                    e.error = Some("no changes to save".into());
                    return Vec::new();
                }
                e.diff = diff_lines(&e.original, &e.text());
                e.scroll = 0;
                e.confirm_discard = false;
                e.error = None;
                e.saving = false;
                if let Pane::Edit(e) = std::mem::replace(&mut self.pane, Pane::List) {
                    self.pane = Pane::Diff(e);
                }
            }
            Action::Revert => {
                let lines = e.original.lines().map(str::to_string).collect();
                e.buffer.replace(lines);
                e.error = None;
                e.confirm_discard = false;
            }
            Action::Back if e.changed() && !e.confirm_discard => {
                e.confirm_discard = true;
                e.error = Some("esc again discards your changes (ctrl-s reviews them)".into());
            }
            Action::Back => {
                self.pane = if e.new {
                    Pane::List
                } else {
                    Pane::View {
                        name: e.name.clone(),
                        scroll: 0,
                    }
                };
            }
            _ => {}
        }
        Vec::new()
    }

    /// `esc`: the diff back to the editor, a pane back to the list; on the list, the app's
    /// turn (filter, then back).
    fn back(&mut self) -> Option<Vec<Effect>> {
        match std::mem::replace(&mut self.pane, Pane::List) {
            Pane::List => return None,
            Pane::Diff(mut e) => {
                if e.saving {
                    self.pane = Pane::Diff(e);
                    return Some(Vec::new());
                }
                e.scroll = 0;
                self.pane = Pane::Edit(e);
            }
            _ => {}
        }
        Some(Vec::new())
    }

    fn open_prompt(&mut self, kind: PromptKind, path: &str) {
        self.prompt = Some(Prompt {
            kind,
            line: LineInput::default(),
            token: MaskedToken::default(),
            path: path.to_string(),
        });
    }

    fn on_prompt_action(&mut self, a: Action, ctx: &ScreenCtx) -> Vec<Effect> {
        match a {
            Action::Back => {
                if let Some(mut p) = self.prompt.take() {
                    p.token.0.clear();
                }
                Vec::new()
            }
            Action::Select => self.submit_prompt(ctx),
            _ => Vec::new(),
        }
    }

    fn submit_prompt(&mut self, ctx: &ScreenCtx) -> Vec<Effect> {
        let Some(mut p) = self.prompt.take() else {
            return Vec::new();
        };
        match p.kind {
            PromptKind::CapPath => {
                let path = p.line.text.trim().trim_start_matches('/').to_string();
                if path.is_empty() {
                    self.prompt = Some(p);
                    return warn("type a path, e.g. secret/data/apps/db");
                }
                self.open_prompt(PromptKind::CapToken, &path);
                Vec::new()
            }
            PromptKind::CapToken => {
                let Some(addr) = ctx.cluster.api_addr() else {
                    return warn("no node to ask");
                };
                let token = if p.token.0.is_empty() {
                    None
                } else {
                    Some(SecretText::new(p.token.0.take()))
                };
                self.pane = Pane::Capabilities(Box::new(CapQuestion {
                    path: p.path.clone(),
                    other_token: token.is_some(),
                    state: CapState::Waiting,
                    scroll: 0,
                }));
                vec![fetch(
                    CAPS,
                    PoliciesRequest::Capabilities {
                        addr,
                        path: p.path,
                        token,
                    },
                )]
            }
            PromptKind::NewName => {
                let name = p.line.text.trim().to_lowercase();
                let ok = !name.is_empty()
                    && name
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
                if !ok {
                    self.prompt = Some(p);
                    return warn("a policy name: letters, digits, - _ . (e.g. ci-deployer)");
                }
                if self.entry(&name).is_some() {
                    return warn(format!("policy {name} exists: e edits it"));
                }
                let cas = self.versioned().then_some(-1);
                self.pane = Pane::Edit(Box::new(EditState::new(
                    &name,
                    NEW_POLICY_TEXT,
                    "",
                    true,
                    cas,
                )));
                Vec::new()
            }
        }
    }

    /// `e`: edit the policy open or selected.
    fn edit(&mut self) -> Vec<Effect> {
        let Some(name) = self.current_name() else {
            return Vec::new();
        };
        if name == "root" {
            return warn("the root policy has no rules to edit: it allows everything");
        }
        let Some(e) = self.entry(&name) else {
            return warn(format!("policy {} is not loaded", sanitize(&name)));
        };
        let text = e.policy.policy.clone();
        let cas = e.policy.cas();
        self.pane = Pane::Edit(Box::new(EditState::new(&name, &text, &text, false, cas)));
        Vec::new()
    }

    /// `d`: delete the policy open or selected (typed confirmation at the gate).
    fn delete(&mut self, ctx: &ScreenCtx) -> Vec<Effect> {
        let Some(name) = self.current_name() else {
            return Vec::new();
        };
        if UNDELETABLE.contains(&name.as_str()) {
            return warn(format!(
                "the {name} policy cannot be deleted: the server refuses it"
            ));
        }
        let Some(addr) = ctx.cluster.api_addr() else {
            return warn("no node to ask");
        };
        self.deleting = Some(name.clone());
        vec![Effect::Write(Write::One(Mutation::Policy(
            PolicyMutation::Delete { addr, name },
        )))]
    }

    /// Save the reviewed edit through the gate.
    fn save(&mut self, ctx: &ScreenCtx) -> Vec<Effect> {
        let Pane::Diff(e) = &mut self.pane else {
            return Vec::new();
        };
        if e.saving {
            return Vec::new();
        }
        let Some(addr) = ctx.cluster.api_addr() else {
            return warn("no node to ask");
        };
        let (added, removed) = counts(&e.diff);
        e.saving = true;
        vec![Effect::Write(Write::One(Mutation::Policy(
            PolicyMutation::Write {
                addr,
                name: e.name.clone(),
                policy: e.text(),
                cas: e.cas,
                added,
                removed,
            },
        )))]
    }

    /// A typed key: the prompt's input, or the editor's text.
    pub fn on_text_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        if let Some(p) = &mut self.prompt {
            if p.kind == PromptKind::CapToken {
                p.token.0.on_key(key);
            } else {
                p.line.handle_key(key);
            }
        } else if let Pane::Edit(e) = &mut self.pane
            && e.buffer.input(key)
        {
            e.confirm_discard = false;
            e.error = None;
        }
        Vec::new()
    }

    pub fn on_paste(&mut self, text: &str) -> bool {
        if let Some(p) = &mut self.prompt {
            if p.kind == PromptKind::CapToken {
                p.token.0.paste(text);
            } else {
                p.line.insert_str(text);
            }
            return true;
        }
        if let Pane::Edit(e) = &mut self.pane {
            e.buffer.paste(text);
            return true;
        }
        false
    }

    /// The gate refused the write, or the user cancelled it.
    pub fn write_abandoned(&mut self) {
        self.deleting = None;
        if let Pane::Diff(e) = &mut self.pane {
            e.saving = false;
        }
    }

    /// Covered by another screen: a token being typed is wiped.
    pub fn on_cover(&mut self) {
        if let Some(p) = &mut self.prompt {
            p.token.0.clear();
        }
    }
}
