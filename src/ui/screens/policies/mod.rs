//! The policies screen (`:policies`): every ACL policy with its rule count and least-privilege
//! findings by severity (`/` filters by name); `enter` opens one (highlighted HCL with line
//! numbers, its findings beside or below); `c` asks "why can't I read this?" (a path, then
//! optionally another token in a masked input: the capabilities the server gives, and which
//! rules of which of the token's policies match, the deciding one marked); `e` edits a policy
//! in memory and `n` creates one, then a line diff (old → new) before the save goes through the
//! write gate (check-and-set on the loaded version); `d` deletes one (typed confirmation; root
//! and default are refused before asking).

mod actions;
mod replies;
mod view;
mod view_detail;

pub use actions::hints;
pub use view::PoliciesView;

use chrono::{DateTime, Utc};

use crate::input::LineInput;
use crate::policy::diff::DiffLine;
use crate::policy::{Finding, ParsedPolicy};
use crate::ui::screens::editor::SecretBuffer;
use crate::ui::widgets::secret_input::SecretInput;
use crate::vault::VaultError;
use crate::vault::models::policies::{AclPolicy, CapabilityAnswer};

/// The policies the server refuses to delete.
pub const UNDELETABLE: &[&str] = &["root", "default"];

/// The text a new policy starts from.
pub const NEW_POLICY_TEXT: &str =
    "# What this policy is for\npath \"secret/data/app/*\" {\n  capabilities = [\"read\"]\n}\n";

/// One policy with what the console made of it.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyEntry {
    pub policy: AclPolicy,
    pub parsed: ParsedPolicy,
    pub findings: Vec<Finding>,
}

impl PolicyEntry {
    pub fn new(policy: AclPolicy) -> Self {
        let parsed = crate::policy::parse(&policy.policy);
        let findings = crate::policy::lint(&parsed);
        Self {
            policy,
            parsed,
            findings,
        }
    }

    pub fn name(&self) -> &str {
        &self.policy.name
    }
}

/// Where the list stands.
#[derive(Debug, Clone, PartialEq)]
pub enum Load {
    Loading,
    Ready(DateTime<Utc>),
    /// The last good list stays (shown as stale).
    Failed(VaultError),
}

/// An edit of one policy (or a new one), in memory.
#[derive(Debug, Clone, PartialEq)]
pub struct EditState {
    pub name: String,
    pub new: bool,
    /// The text loaded (empty for a new policy).
    pub original: String,
    /// Check-and-set for the save: the loaded version, `-1` for a new policy (versioned
    /// servers), none otherwise.
    pub cas: Option<i64>,
    pub buffer: SecretBuffer,
    /// The server's refusal of the last save, or what the parser found, shown under the text.
    pub error: Option<String>,
    /// `esc` once with changes: the next `esc` discards them.
    pub confirm_discard: bool,
    /// The diff of the save being reviewed (the diff pane).
    pub diff: Vec<DiffLine>,
    pub scroll: usize,
    /// The save is at the gate or on its way.
    pub saving: bool,
}

impl EditState {
    pub fn new(name: &str, text: &str, original: &str, new: bool, cas: Option<i64>) -> Self {
        Self {
            name: name.to_string(),
            new,
            original: original.to_string(),
            cas,
            buffer: SecretBuffer::new(text.lines().map(str::to_string).collect()),
            error: None,
            confirm_discard: false,
            diff: Vec::new(),
            scroll: 0,
            saving: false,
        }
    }

    /// The text in the editor (a final newline added).
    pub fn text(&self) -> String {
        self.buffer.with_lines(|l| {
            let mut s = l.join("\n");
            if !s.is_empty() && !s.ends_with('\n') {
                s.push('\n');
            }
            s
        })
    }

    pub fn changed(&self) -> bool {
        self.text().trim_end() != self.original.trim_end()
    }
}

/// The answer of a capabilities question.
#[derive(Debug, Clone, PartialEq)]
pub enum CapState {
    Waiting,
    Ready(CapabilityAnswer),
    Failed(VaultError),
}

/// "Why can't I read this?": the path asked about and the answer.
#[derive(Debug, Clone, PartialEq)]
pub struct CapQuestion {
    pub path: String,
    /// Asked about another token (never kept: it went with the request).
    pub other_token: bool,
    pub state: CapState,
    pub scroll: usize,
}

/// What the body shows.
#[derive(Debug, Clone, PartialEq)]
pub enum Pane {
    List,
    /// One policy, scrolled by this many lines.
    View {
        name: String,
        scroll: usize,
    },
    Edit(Box<EditState>),
    /// The diff of an edit, before it is saved.
    Diff(Box<EditState>),
    Capabilities(Box<CapQuestion>),
}

/// What the prompt asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptKind {
    /// The path of a capabilities question.
    CapPath,
    /// The token (masked; empty: the console's own).
    CapToken,
    /// The name of a new policy.
    NewName,
}

impl PromptKind {
    pub fn label(self) -> &'static str {
        match self {
            PromptKind::CapPath => "capabilities on path",
            PromptKind::CapToken => "token (empty: your own)",
            PromptKind::NewName => "name of the new policy",
        }
    }
}

/// The masked token of a capabilities question. A secret has one home: a clone starts empty.
#[derive(Debug, Default)]
pub struct MaskedToken(pub SecretInput);

impl Clone for MaskedToken {
    fn clone(&self) -> Self {
        Self::default()
    }
}

impl PartialEq for MaskedToken {
    fn eq(&self, o: &Self) -> bool {
        self.0.is_empty() == o.0.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Prompt {
    pub kind: PromptKind,
    pub line: LineInput,
    pub token: MaskedToken,
    /// The path typed in the first step (for the token step).
    pub path: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PoliciesScreen {
    pub load: Load,
    /// Sorted by name.
    pub entries: Vec<PolicyEntry>,
    /// Listed but not readable: (name, why).
    pub unreadable: Vec<(String, String)>,
    /// The selection, an index into the filtered rows.
    pub selected: usize,
    pub filter: String,
    pub pane: Pane,
    pub prompt: Option<Prompt>,
    /// The policy of the delete waiting at the gate or on its way.
    pub deleting: Option<String>,
}

impl Default for PoliciesScreen {
    fn default() -> Self {
        Self::new()
    }
}

impl PoliciesScreen {
    pub fn new() -> Self {
        Self {
            load: Load::Loading,
            entries: Vec::new(),
            unreadable: Vec::new(),
            selected: 0,
            filter: String::new(),
            pane: Pane::List,
            prompt: None,
            deleting: None,
        }
    }

    /// A screen with these policies loaded at `at` (for tests and snapshots).
    pub fn with_policies(policies: Vec<AclPolicy>, at: DateTime<Utc>) -> Self {
        let mut s = Self::new();
        s.set_policies(policies);
        s.load = Load::Ready(at);
        s
    }

    pub fn set_policies(&mut self, policies: Vec<AclPolicy>) {
        self.entries = policies.into_iter().map(PolicyEntry::new).collect();
        self.entries.sort_by(|a, b| a.name().cmp(b.name()));
        self.clamp();
    }

    /// The rows the filter lets through (a case-insensitive substring of the name).
    pub fn rows(&self) -> Vec<&PolicyEntry> {
        let f = self.filter.to_lowercase();
        self.entries
            .iter()
            .filter(|e| f.is_empty() || e.name().to_lowercase().contains(&f))
            .collect()
    }

    pub fn selected_entry(&self) -> Option<&PolicyEntry> {
        self.rows().get(self.selected).copied()
    }

    pub fn entry(&self, name: &str) -> Option<&PolicyEntry> {
        self.entries.iter().find(|e| e.name() == name)
    }

    /// The policy the user is on: the one open, or the selected row.
    pub fn current_name(&self) -> Option<String> {
        match &self.pane {
            Pane::View { name, .. } => Some(name.clone()),
            Pane::Edit(e) | Pane::Diff(e) => Some(e.name.clone()),
            _ => self.selected_entry().map(|e| e.name().to_string()),
        }
    }

    /// The server versions its policies (OpenBao): saves use check-and-set.
    pub fn versioned(&self) -> bool {
        self.entries.iter().any(|e| e.policy.version.is_some())
    }

    pub(super) fn clamp(&mut self) {
        let n = self.rows().len();
        self.selected = self.selected.min(n.saturating_sub(1));
    }

    pub fn filter(&self) -> &str {
        &self.filter
    }

    pub fn set_filter(&mut self, f: String) {
        self.filter = f;
        self.selected = 0;
    }

    /// Typing goes to the prompt.
    pub fn takes_text(&self) -> bool {
        self.prompt.is_some()
    }

    /// The editor has the keyboard.
    pub fn editing(&self) -> bool {
        matches!(self.pane, Pane::Edit(_)) && self.prompt.is_none()
    }
}
