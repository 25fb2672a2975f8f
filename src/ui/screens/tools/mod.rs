//! The tools screen: unwrap, look up and rewrap a wrapping token, random bytes and hashes
//! (`sys/tools`), and the share dialog that wraps a KV secret. Tokens are typed into a masked
//! input; every secret output (unwrapped values, tokens, random bytes) is masked until revealed
//! and can be copied; leaving the screen drops them. The equivalent `bao` command is shown,
//! never with a secret in it.

mod actions;
mod bao;
mod view;

pub use actions::{hints, parse_hash_algorithm, parse_random};
pub use view::ToolsView;

use crate::input::LineInput;
use crate::ui::screens::Screen;
use crate::ui::widgets::secret_input::SecretInput;
use crate::vault::models::kv::KvVersion;
use crate::vault::models::tools::{DEFAULT_RANDOM_BYTES, RandomFormat};
use crate::vault::models::wrapping::{SecretText, Unwrapped, WrapInfo, WrapLookup};

/// What the screen does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    Unwrap,
    Lookup,
    Rewrap,
    Random,
    Hash,
    /// Wrap a KV secret (opened from the secret view).
    Share,
}

impl Tool {
    /// The tabs `tab` cycles through (sharing is opened for one secret, not a tab).
    pub const TABS: [Tool; 5] = [
        Tool::Unwrap,
        Tool::Lookup,
        Tool::Rewrap,
        Tool::Random,
        Tool::Hash,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Tool::Unwrap => "unwrap",
            Tool::Lookup => "lookup",
            Tool::Rewrap => "rewrap",
            Tool::Random => "random",
            Tool::Hash => "hash",
            Tool::Share => "share",
        }
    }

    /// Takes a wrapping token.
    pub fn takes_token(self) -> bool {
        matches!(self, Tool::Unwrap | Tool::Lookup | Tool::Rewrap)
    }
}

/// The secret a share dialog wraps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareTarget {
    pub addr: String,
    pub mount: String,
    pub kv_version: KvVersion,
    pub path: String,
    pub version: Option<u64>,
}

/// What the last request gave.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Output {
    #[default]
    None,
    /// Waiting for the server (what for).
    Waiting(String),
    Failed(String),
    Unwrapped(Unwrapped),
    Lookup(WrapLookup),
    /// A new wrapping token (shared secret or rewrap), shown once.
    Token(WrapInfo),
    Random(SecretText),
    Hash(String),
}

/// The masked token input. A secret has one home: a clone starts empty, and two inputs are
/// equal when both are empty or both are not.
#[derive(Debug, Default)]
pub struct TokenInput(pub SecretInput);

impl Clone for TokenInput {
    fn clone(&self) -> Self {
        Self::default()
    }
}

impl PartialEq for TokenInput {
    fn eq(&self, o: &Self) -> bool {
        self.0.is_empty() == o.0.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ToolsScreen {
    pub tool: Tool,
    /// The wrapping token (unwrap, lookup, rewrap).
    pub token: TokenInput,
    /// The text input of the other tools: "32 base64" (random), the text to hash, the TTL.
    pub line: LineInput,
    pub hash_algorithm: String,
    pub share: Option<ShareTarget>,
    /// Typing goes to the input.
    pub editing: bool,
    pub output: Output,
    pub revealed: bool,
    /// The selected field of unwrapped data.
    pub selected: usize,
    /// The summary of the write whose outcome this screen waits for.
    pub awaiting: Option<String>,
}

impl Default for ToolsScreen {
    fn default() -> Self {
        Self::new(Tool::Unwrap)
    }
}

/// The default TTL of a shared secret.
pub const DEFAULT_SHARE_TTL: &str = "1h";
/// The default algorithm of `:hash`.
pub const DEFAULT_HASH: &str = "sha2-256";

impl ToolsScreen {
    pub fn new(tool: Tool) -> Self {
        let mut s = Self {
            tool,
            token: TokenInput::default(),
            line: LineInput::default(),
            hash_algorithm: DEFAULT_HASH.into(),
            share: None,
            editing: true,
            output: Output::None,
            revealed: false,
            selected: 0,
            awaiting: None,
        };
        s.reset_line();
        s
    }

    /// The line's starting text for the current tool.
    fn reset_line(&mut self) {
        let text = match self.tool {
            Tool::Random => format!("{DEFAULT_RANDOM_BYTES} {}", RandomFormat::Base64.name()),
            Tool::Share => DEFAULT_SHARE_TTL.into(),
            _ => String::new(),
        };
        self.line = LineInput::with_text(&text);
    }

    /// Switch tool: the output and anything typed go.
    pub fn switch(&mut self, tool: Tool) {
        if self.tool != tool {
            self.tool = tool;
            self.token.0.clear();
            self.reset_line();
            self.output = Output::None;
            self.revealed = false;
            self.selected = 0;
        }
        self.editing = true;
    }

    /// Is typing going to an input?
    pub fn takes_text(&self) -> bool {
        self.editing
    }

    pub fn filter(&self) -> &str {
        ""
    }
}

/// The share dialog for one KV secret (a version of it, or the current one): a TTL input
/// (default 1h), then the wrapping token, shown once, masked, with reveal and copy.
pub fn share_screen(
    addr: String,
    mount: String,
    kv_version: KvVersion,
    path: String,
    version: Option<u64>,
) -> Screen {
    let mut s = ToolsScreen::new(Tool::Share);
    s.share = Some(ShareTarget {
        addr,
        mount,
        kv_version,
        path,
        version,
    });
    Screen::Tools(s)
}
