//! OSC 52: the terminal sets its clipboard from `ESC ] 52 ; c ; <base64> BEL`. Works over SSH
//! and without a display, in terminals (and tmux with `set-clipboard on`) that allow it. It
//! cannot be read back, so a clear is sent only if we made no other copy since (see
//! [`super::Clipboard`]).
//!
//! Clearing: an empty payload clears the clipboard in xterm, kitty, foot and WezTerm; tmux
//! ignores an empty payload, so inside tmux (`TMUX` set) the clear overwrites the buffer with a
//! single space instead.

use std::io::Write;

use base64::Engine;
use zeroize::Zeroizing;

use super::service::{Backend, ClipboardError, ReadBack};

/// The sequence that puts `text` on the clipboard. Zeroized when dropped by the caller.
pub fn osc52_set(text: &str) -> Zeroizing<Vec<u8>> {
    let b64 = Zeroizing::new(base64::engine::general_purpose::STANDARD.encode(text.as_bytes()));
    let mut out = Zeroizing::new(Vec::with_capacity(b64.len() + 8));
    out.extend_from_slice(b"\x1b]52;c;");
    out.extend_from_slice(b64.as_bytes());
    out.push(0x07);
    out
}

/// The sequence that clears the clipboard; inside tmux, one that overwrites it with a space.
pub fn osc52_clear(in_tmux: bool) -> Vec<u8> {
    if in_tmux {
        b"\x1b]52;c;IA==\x07".to_vec()
    } else {
        b"\x1b]52;c;\x07".to_vec()
    }
}

/// OSC 52 to a writer (the terminal: the runtime writes between draws, never inside a frame).
pub struct Osc52 {
    out: Box<dyn Write + Send>,
    in_tmux: bool,
}

impl Osc52 {
    pub fn new(out: Box<dyn Write + Send>, in_tmux: bool) -> Self {
        Self { out, in_tmux }
    }

    /// To the process's standard output (the terminal the console draws on).
    pub fn stdout() -> Self {
        let in_tmux = std::env::var_os("TMUX").is_some_and(|v| !v.is_empty());
        Self::new(Box::new(std::io::stdout()), in_tmux)
    }

    fn write_all(&mut self, bytes: &[u8]) -> Result<(), ClipboardError> {
        self.out
            .write_all(bytes)
            .and_then(|()| self.out.flush())
            .map_err(|e| ClipboardError::Terminal(e.to_string()))
    }
}

impl std::fmt::Debug for Osc52 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Osc52")
            .field("in_tmux", &self.in_tmux)
            .finish()
    }
}

impl Backend for Osc52 {
    fn name(&self) -> &'static str {
        "OSC 52"
    }

    fn set(&mut self, text: &str) -> Result<(), ClipboardError> {
        let seq = osc52_set(text);
        self.write_all(&seq)
    }

    fn read_back(&mut self) -> ReadBack {
        ReadBack::Unsupported
    }

    fn clear(&mut self) -> Result<(), ClipboardError> {
        let seq = osc52_clear(self.in_tmux);
        self.write_all(&seq)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A terminal in memory.
    #[derive(Clone, Default)]
    struct Screen(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

    impl Write for Screen {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0
                .lock()
                .map_err(|_| std::io::ErrorKind::Other)?
                .extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn the_backend_writes_whole_sequences_and_cannot_read_back() {
        let screen = Screen::default();
        let mut b = Osc52::new(Box::new(screen.clone()), false);
        b.set("pw").expect("written");
        b.clear().expect("written");
        assert!(matches!(b.read_back(), ReadBack::Unsupported));
        let written = screen.0.lock().expect("lock").clone();
        assert_eq!(written, b"\x1b]52;c;cHc=\x07\x1b]52;c;\x07");
        assert!(!format!("{b:?}").contains("pw"));
    }

    #[test]
    fn sequences() {
        assert_eq!(&osc52_set("hello")[..], b"\x1b]52;c;aGVsbG8=\x07");
        assert_eq!(osc52_clear(false), b"\x1b]52;c;\x07");
        assert_eq!(osc52_clear(true), b"\x1b]52;c;IA==\x07");
    }
}
