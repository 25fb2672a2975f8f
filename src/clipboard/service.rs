//! The clipboard service's state machine: which backend a copy goes to, and the clear after
//! `clear_after` that happens only if the clipboard still holds our text. Pure apart from its
//! backends, so unit tests drive it with an in-memory backend (test code only: there is no
//! in-memory product mode).

use std::time::{Duration, Instant};

use secrecy::ExposeSecret;
use zeroize::Zeroizing;

use super::settings::{ClipboardMode, ClipboardSettings};
use super::{CopyText, same_text};
use crate::secret::SecretString;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClipboardError {
    #[error("copying is off (clipboard.mode = off)")]
    Off,
    #[error("system clipboard unavailable: {0}")]
    System(String),
    #[error("cannot write to the terminal: {0}")]
    Terminal(String),
}

/// What reading the clipboard back gave.
pub enum ReadBack {
    Text(Zeroizing<String>),
    /// The backend cannot be read (OSC 52).
    Unsupported,
    Failed(ClipboardError),
}

/// Where copies go: the system clipboard or the terminal.
pub trait Backend: Send {
    fn name(&self) -> &'static str;
    fn set(&mut self, text: &str) -> Result<(), ClipboardError>;
    fn read_back(&mut self) -> ReadBack;
    fn clear(&mut self) -> Result<(), ClipboardError>;
}

/// Which backend holds the current copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Which {
    System,
    Osc52,
}

/// Our copy of what we put on the clipboard, until it is cleared (zeroized when dropped).
struct Held {
    text: SecretString,
    clear_at: Instant,
    which: Which,
}

/// A copy that was made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Copied {
    /// "system clipboard" or "OSC 52".
    pub backend: &'static str,
    /// Set when the system clipboard failed and OSC 52 was used instead.
    pub fell_back: Option<ClipboardError>,
}

/// What a due clear did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClearOutcome {
    /// The clipboard held our text (or cannot be read and we made no other copy): cleared.
    Cleared,
    /// The clipboard holds something else now: left alone.
    Changed,
    Failed(ClipboardError),
}

/// Creates the system backend when first needed.
pub type SystemFactory = Box<dyn FnMut() -> Result<Box<dyn Backend>, ClipboardError> + Send>;

/// The clipboard service the runtime owns.
pub struct Clipboard {
    settings: ClipboardSettings,
    use_system: bool,
    system: Option<Box<dyn Backend>>,
    make_system: SystemFactory,
    osc52: Box<dyn Backend>,
    held: Option<Held>,
}

impl std::fmt::Debug for Clipboard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Clipboard")
            .field("settings", &self.settings)
            .field("use_system", &self.use_system)
            .field("holding", &self.held.is_some())
            .finish()
    }
}

/// Is there a system clipboard to use? A display (X11 or Wayland) and not over SSH.
pub fn system_wanted(mode: ClipboardMode, env: &dyn Fn(&str) -> Option<String>) -> bool {
    let set = |k: &str| env(k).is_some_and(|v| !v.is_empty());
    let display =
        cfg!(any(target_os = "macos", windows)) || set("DISPLAY") || set("WAYLAND_DISPLAY");
    let ssh = set("SSH_TTY") || set("SSH_CONNECTION");
    match mode {
        ClipboardMode::Auto => display && !ssh,
        ClipboardMode::System => true,
        ClipboardMode::Osc52 | ClipboardMode::Off => false,
    }
}

impl Clipboard {
    /// The product service: arboard (created on the first copy that wants it) and OSC 52 to
    /// standard output, chosen from the settings and the process environment.
    pub fn new(settings: ClipboardSettings) -> Self {
        let use_system = system_wanted(settings.mode, &|k| std::env::var(k).ok());
        Self::with_backends(
            settings,
            use_system,
            Box::new(|| {
                super::system::SystemClipboard::start().map(|s| Box::new(s) as Box<dyn Backend>)
            }),
            Box::new(super::osc52::Osc52::stdout()),
        )
    }

    pub fn with_backends(
        settings: ClipboardSettings,
        use_system: bool,
        make_system: SystemFactory,
        osc52: Box<dyn Backend>,
    ) -> Self {
        Self {
            settings,
            use_system,
            system: None,
            make_system,
            osc52,
            held: None,
        }
    }

    pub fn settings(&self) -> ClipboardSettings {
        self.settings
    }

    /// Is a copy waiting to be cleared?
    pub fn holding(&self) -> bool {
        self.held.is_some()
    }

    /// Copy `text`; it is cleared after `clear_after` (see [`Clipboard::poll`]). A new copy
    /// replaces the one held: the older one's clear is dropped with it.
    pub fn copy(
        &mut self,
        text: &CopyText,
        clear_after: Duration,
        now: Instant,
    ) -> Result<Copied, ClipboardError> {
        if self.settings.mode == ClipboardMode::Off {
            return Err(ClipboardError::Off);
        }
        let value = text.secret().expose_secret();
        let mut fell_back = None;
        if self.use_system {
            match self.system_backend().and_then(|b| b.set(value)) {
                Ok(()) => {
                    self.hold(text, clear_after, now, Which::System);
                    return Ok(Copied {
                        backend: "system clipboard",
                        fell_back: None,
                    });
                }
                Err(e) => {
                    tracing::warn!(error = %e, "system clipboard failed; using OSC 52");
                    // Do not try arboard again on every copy of this run.
                    self.use_system = false;
                    self.system = None;
                    fell_back = Some(e);
                }
            }
        }
        self.osc52.set(value)?;
        self.hold(text, clear_after, now, Which::Osc52);
        Ok(Copied {
            backend: "OSC 52",
            fell_back,
        })
    }

    fn system_backend(&mut self) -> Result<&mut Box<dyn Backend>, ClipboardError> {
        if self.system.is_none() {
            self.system = Some((self.make_system)()?);
        }
        self.system
            .as_mut()
            .ok_or_else(|| ClipboardError::System("not started".into()))
    }

    fn hold(&mut self, text: &CopyText, clear_after: Duration, now: Instant, which: Which) {
        self.held = Some(Held {
            text: text.secret().clone(),
            clear_at: now + clear_after,
            which,
        });
    }

    /// When the held copy is due.
    pub fn clear_at(&self) -> Option<Instant> {
        self.held.as_ref().map(|h| h.clear_at)
    }

    /// Clear the held copy if it is due; `None` when nothing was due.
    pub fn poll(&mut self, now: Instant) -> Option<ClearOutcome> {
        if self.held.as_ref().is_some_and(|h| h.clear_at <= now) {
            return self.clear_now();
        }
        None
    }

    /// Clear the held copy now (it is due, or the console is quitting), if the clipboard still
    /// holds it. Our copy of the text is dropped (zeroized) whatever happens.
    pub fn clear_now(&mut self) -> Option<ClearOutcome> {
        let held = self.held.take()?;
        let backend = match held.which {
            Which::System => match self.system.as_mut() {
                Some(b) => b,
                None => return Some(ClearOutcome::Changed),
            },
            Which::Osc52 => &mut self.osc52,
        };
        let ours = match backend.read_back() {
            ReadBack::Text(t) => same_text(&t, held.text.expose_secret()),
            // We made no other copy since (a new copy replaces the held one).
            ReadBack::Unsupported => true,
            ReadBack::Failed(e) => return Some(ClearOutcome::Failed(e)),
        };
        if !ours {
            return Some(ClearOutcome::Changed);
        }
        Some(match backend.clear() {
            Ok(()) => ClearOutcome::Cleared,
            Err(e) => ClearOutcome::Failed(e),
        })
    }
}

#[cfg(test)]
mod tests;
