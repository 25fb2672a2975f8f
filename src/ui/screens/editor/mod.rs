//! The secret editor: create or edit a KV secret in memory (never through a temp file), as JSON
//! or `key=value` lines, and save it with check-and-set on the version that was loaded. On a
//! check-and-set conflict it reads the newer version, shows what changed in it (field names and
//! kinds, values masked) and lets the user re-apply their edit on top of it or discard it.
//!
//! The text lives in a [`SecretBuffer`] (wiped when the editor closes); `Debug` of the screen is
//! redacted; nothing of the buffer is logged. Typed keys go to the text area (the app routes
//! them here while [`KeyContext::Editor`] is active); save, cancel, format and revert come from
//! the keymap's `[editor]` section, the questions' answers from `[editor_prompt]`.

mod actions;
mod buffer;
pub mod format;
mod merge;
mod view;

pub use actions::{HINTS, PROMPT_HINTS};
pub use buffer::SecretBuffer;
pub use format::{Format, ParseError};

use crate::keymap::KeyContext;
use crate::ui::screens::Screen;
use crate::vault::VaultError;
use crate::vault::models::kv::KvVersion;
use crate::vault::models::kv_diff::FieldDiff;
use crate::vault::models::kv_secret::SecretFields;

/// Edit what exists, or create.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Intent {
    Edit,
    New,
}

/// The version the edit started from: its values and, on KV v2, its number (the
/// check-and-set; 0 for a secret that does not exist yet).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Base {
    pub fields: SecretFields,
    pub version: Option<u64>,
    /// The loaded version was deleted or destroyed (so it had no values).
    pub deleted: bool,
}

/// The newer version found after a check-and-set conflict.
#[derive(Debug, Clone, PartialEq)]
pub struct Newer {
    pub fields: SecretFields,
    pub version: u64,
    /// What changed in it compared with the version the user edited.
    pub theirs: Vec<FieldDiff>,
    /// Fields changed both there and in the user's edit (the user's value wins on re-apply).
    pub both: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ConflictState {
    Loading,
    Ready(Newer),
    Failed(VaultError),
}

/// A save refused by check-and-set: the user's fields, and the newer version.
#[derive(Debug, Clone, PartialEq)]
pub struct Conflict {
    pub mine: SecretFields,
    pub newer: ConflictState,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    /// `:edit`/`:new` by path: finding the mount (and its KV version) first.
    Resolving,
    /// Reading the values to edit.
    Loading,
    Failed(VaultError),
    Editing,
    /// "Discard your changes?"
    AskDiscard,
    Conflict(Box<Conflict>),
}

/// The editor's state.
#[derive(Clone, PartialEq)]
pub struct EditorScreen {
    pub addr: String,
    /// With its trailing `/` once resolved.
    pub mount: String,
    pub kv: KvVersion,
    /// Relative to the mount.
    pub path: String,
    pub intent: Intent,
    pub phase: Phase,
    pub format: Format,
    pub buffer: SecretBuffer,
    pub base: Base,
    /// Typed since the last load, revert or re-apply.
    pub dirty: bool,
    /// The last parse error (shown until the text changes).
    pub error: Option<ParseError>,
    /// One line of news under the text ("re-applied on v4", "no changes to save").
    pub note: Option<String>,
    /// The fields of the save in flight (for a conflict).
    pending: Option<SecretFields>,
}

impl std::fmt::Debug for EditorScreen {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EditorScreen")
            .field("mount", &self.mount)
            .field("path", &self.path)
            .field("intent", &self.intent)
            .field("phase", &self.phase)
            .field("format", &self.format)
            .field("buffer", &self.buffer)
            .field("dirty", &self.dirty)
            .finish_non_exhaustive()
    }
}

impl EditorScreen {
    fn with(addr: String, mount: String, kv: KvVersion, path: String, intent: Intent) -> Self {
        let (phase, base) = match intent {
            Intent::Edit => (Phase::Loading, Base::default()),
            Intent::New => (
                Phase::Editing,
                Base {
                    fields: SecretFields::new(),
                    version: (kv == KvVersion::V2).then_some(0),
                    deleted: false,
                },
            ),
        };
        let format = Format::default();
        Self {
            addr,
            mount: normalise_mount(&mount),
            kv,
            path: path.trim_matches('/').to_string(),
            intent,
            phase,
            format,
            buffer: SecretBuffer::new(format::to_lines(&base.fields, format)),
            base,
            dirty: false,
            error: None,
            note: None,
            pending: None,
        }
    }

    /// `:edit secret/apps/x` / `:new …`: the mount is found first (the mounts list says which
    /// mount holds the path and its KV version).
    pub fn by_path(addr: String, full_path: &str, intent: Intent) -> Self {
        let mut s = Self::with(
            addr,
            String::new(),
            KvVersion::V2,
            full_path.trim_matches('/').to_string(),
            intent,
        );
        s.phase = Phase::Resolving;
        s
    }

    /// "secret/apps/x".
    pub fn full_path(&self) -> String {
        format!("{}{}", self.mount, self.path)
    }

    pub fn key_context(&self) -> KeyContext {
        match self.phase {
            Phase::Editing => KeyContext::Editor,
            _ => KeyContext::EditorPrompt,
        }
    }

    /// The check-and-set of a save now.
    pub fn cas(&self) -> Option<u64> {
        match self.kv {
            KvVersion::V1 => None,
            KvVersion::V2 => self.base.version,
        }
    }

    /// The fields of the save in flight.
    pub fn pending(&self) -> Option<&SecretFields> {
        self.pending.as_ref()
    }

    /// The save was refused by the gate or cancelled by the user: not saving any more.
    pub fn save_abandoned(&mut self) {
        if self.pending.take().is_some() {
            self.note = Some("not saved".into());
        }
    }

    /// Close: wipe the text now (the screen may live on in a clone for a moment).
    pub fn wipe(&mut self) {
        self.buffer.wipe();
        self.pending = None;
    }
}

/// "secret" / "/secret/" → "secret/".
fn normalise_mount(m: &str) -> String {
    let m = m.trim_matches('/');
    if m.is_empty() {
        String::new()
    } else {
        format!("{m}/")
    }
}

/// Edit an existing secret: the editor reads its values (the user's explicit edit) and uses the
/// version it read as the check-and-set.
pub fn edit_screen(addr: String, mount: String, kv: KvVersion, path: String) -> Screen {
    Screen::Editor(Box::new(EditorScreen::with(
        addr,
        mount,
        kv,
        path,
        Intent::Edit,
    )))
}

/// Create a secret (check-and-set 0 on KV v2: it must not exist yet).
pub fn new_screen(addr: String, mount: String, kv: KvVersion, path: String) -> Screen {
    Screen::Editor(Box::new(EditorScreen::with(
        addr,
        mount,
        kv,
        path,
        Intent::New,
    )))
}
