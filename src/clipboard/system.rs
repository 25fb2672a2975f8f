//! The system clipboard through arboard. On X11 and Wayland the process that set the clipboard
//! serves it to others for as long as it lives, so the arboard `Clipboard` stays alive on a
//! dedicated thread; requests reach it over a bounded channel and each answer is awaited with a
//! timeout, so a stuck clipboard never freezes the console. Copies are marked excluded from
//! clipboard history where arboard offers it (Linux, macOS, Windows).

use std::sync::mpsc::{self, Receiver, SyncSender};
use std::time::Duration;

use secrecy::ExposeSecret;
use zeroize::Zeroizing;

use super::service::{Backend, ClipboardError, ReadBack};
use crate::secret::SecretString;

/// Requests waiting for the thread.
const QUEUE: usize = 4;
/// How long an answer may take.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(2);

enum Req {
    Set(SecretString, SyncSender<Result<(), ClipboardError>>),
    Get(SyncSender<ReadBack>),
    Clear(SyncSender<Result<(), ClipboardError>>),
}

/// A handle to the clipboard thread; dropping it ends the thread.
pub struct SystemClipboard {
    tx: SyncSender<Req>,
}

impl std::fmt::Debug for SystemClipboard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SystemClipboard")
    }
}

fn system_error(e: &arboard::Error) -> ClipboardError {
    ClipboardError::System(e.to_string())
}

/// Set the text, excluded from clipboard managers' history.
fn set_text(cb: &mut arboard::Clipboard, text: &str) -> Result<(), arboard::Error> {
    #[cfg(all(
        unix,
        not(any(target_os = "macos", target_os = "android", target_os = "emscripten"))
    ))]
    {
        use arboard::SetExtLinux;
        cb.set().exclude_from_history().text(text)
    }
    #[cfg(target_os = "macos")]
    {
        use arboard::SetExtApple;
        cb.set().exclude_from_history().text(text)
    }
    #[cfg(windows)]
    {
        use arboard::SetExtWindows;
        cb.set().exclude_from_history().text(text)
    }
    #[cfg(not(any(unix, windows)))]
    {
        cb.set().text(text)
    }
}

fn serve(mut cb: arboard::Clipboard, rx: &Receiver<Req>) {
    while let Ok(req) = rx.recv() {
        match req {
            Req::Set(text, reply) => {
                let r = set_text(&mut cb, text.expose_secret()).map_err(|e| system_error(&e));
                let _ = reply.send(r);
            }
            Req::Get(reply) => {
                let r = match cb.get_text() {
                    Ok(t) => ReadBack::Text(Zeroizing::new(t)),
                    // Empty, or not text: not ours.
                    Err(arboard::Error::ContentNotAvailable) => {
                        ReadBack::Text(Zeroizing::new(String::new()))
                    }
                    Err(e) => ReadBack::Failed(system_error(&e)),
                };
                let _ = reply.send(r);
            }
            Req::Clear(reply) => {
                let _ = reply.send(cb.clear().map_err(|e| system_error(&e)));
            }
        }
    }
}

impl SystemClipboard {
    /// Start the thread and open the clipboard there; an error when there is none.
    pub fn start() -> Result<SystemClipboard, ClipboardError> {
        let (tx, rx) = mpsc::sync_channel::<Req>(QUEUE);
        let (ready_tx, ready_rx) = mpsc::sync_channel::<Result<(), ClipboardError>>(1);
        std::thread::Builder::new()
            .name("clipboard".into())
            .spawn(move || match arboard::Clipboard::new() {
                Ok(cb) => {
                    let _ = ready_tx.send(Ok(()));
                    serve(cb, &rx);
                }
                Err(e) => {
                    let _ = ready_tx.send(Err(system_error(&e)));
                }
            })
            .map_err(|e| ClipboardError::System(format!("cannot start its thread: {e}")))?;
        match ready_rx.recv_timeout(ANSWER_TIMEOUT) {
            Ok(Ok(())) => Ok(SystemClipboard { tx }),
            Ok(Err(e)) => Err(e),
            Err(_) => Err(ClipboardError::System("no answer".into())),
        }
    }

    fn ask<T>(&self, make: impl FnOnce(SyncSender<T>) -> Req) -> Result<T, ClipboardError> {
        let (reply_tx, reply_rx) = mpsc::sync_channel(1);
        self.tx
            .try_send(make(reply_tx))
            .map_err(|_| ClipboardError::System("busy".into()))?;
        reply_rx
            .recv_timeout(ANSWER_TIMEOUT)
            .map_err(|_| ClipboardError::System("no answer".into()))
    }
}

impl Backend for SystemClipboard {
    fn name(&self) -> &'static str {
        "system clipboard"
    }

    fn set(&mut self, text: &str) -> Result<(), ClipboardError> {
        let secret = SecretString::from(text);
        self.ask(|r| Req::Set(secret, r))?
    }

    fn read_back(&mut self) -> ReadBack {
        self.ask(Req::Get).unwrap_or_else(ReadBack::Failed)
    }

    fn clear(&mut self) -> Result<(), ClipboardError> {
        self.ask(Req::Clear)?
    }
}
