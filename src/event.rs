//! `Msg`: what happened. Terminal events and ticks come from [`EventTask`], Vault replies from
//! the worker; everything goes through one channel into `App::update`.

use chrono::{DateTime, Utc};
use crossterm::event::{Event, EventStream, KeyEvent, MouseEvent};
use futures::{Stream, StreamExt};
use std::time::Duration;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::command::Ticket;
use crate::jobs::JobEvent;
use crate::reply::Reply;

#[derive(Debug)]
pub enum Msg {
    Key(KeyEvent),
    Mouse(MouseEvent),
    Paste(String),
    Resize(u16, u16),
    /// Periodic tick carrying the current time (the only clock `update` sees).
    Tick(DateTime<Utc>),
    /// A reply from the Vault worker, with the ticket of its request.
    Vault {
        ticket: Ticket,
        reply: Reply,
    },
    /// An event of a running job (or a batch write).
    Job {
        ticket: Ticket,
        event: JobEvent,
    },
    /// The process came back from a suspend.
    Resumed,
    /// A file the runtime wrote for the app (a run journal, a report) could not be written.
    FileError(String),
    /// A file the runtime wrote for the app is saved (its path).
    FileSaved(String),
}

/// Consecutive terminal read errors after which input is given up (a hung-up terminal fails
/// every read at once; without a limit the task would spin a core and never yield).
const MAX_INPUT_ERRORS: u32 = 20;
/// Pause after a terminal read error, so a failing terminal does not hog a worker thread.
const INPUT_ERROR_PAUSE: Duration = Duration::from_millis(50);

/// Reads crossterm events and produces ticks until cancelled.
pub struct EventTask;

impl EventTask {
    pub fn spawn(tx: mpsc::UnboundedSender<Msg>, tick: Duration, cancel: CancellationToken) {
        Self::spawn_from(EventStream::new(), tx, tick, cancel);
    }

    /// As [`EventTask::spawn`], reading terminal events from `events`.
    pub fn spawn_from<S>(
        mut events: S,
        tx: mpsc::UnboundedSender<Msg>,
        tick: Duration,
        cancel: CancellationToken,
    ) where
        S: Stream<Item = std::io::Result<Event>> + Unpin + Send + 'static,
    {
        tokio::spawn(async move {
            let mut interval = tokio::time::interval(tick);
            interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
            let mut errors = 0u32;
            loop {
                let msg = tokio::select! {
                    _ = cancel.cancelled() => break,
                    _ = interval.tick() => Msg::Tick(Utc::now()),
                    ev = events.next(), if errors < MAX_INPUT_ERRORS => match ev {
                        Some(Ok(ev)) => {
                            errors = 0;
                            match ev {
                                Event::Key(k) => Msg::Key(k),
                                Event::Mouse(m) => Msg::Mouse(m),
                                Event::Paste(p) => Msg::Paste(p),
                                Event::Resize(w, h) => Msg::Resize(w, h),
                                _ => continue,
                            }
                        }
                        Some(Err(e)) => {
                            errors += 1;
                            tracing::warn!(error = %e, errors, "terminal event error");
                            if errors >= MAX_INPUT_ERRORS {
                                tracing::error!("terminal input keeps failing: no more key events");
                            }
                            tokio::time::sleep(INPUT_ERROR_PAUSE).await;
                            continue;
                        }
                        None => break,
                    },
                };
                if tx.send(msg).is_err() {
                    break;
                }
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_terminal_that_fails_every_read_is_given_up_and_ticks_go_on() {
        let reads = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&reads);
        // A hung-up terminal: every read fails at once, forever.
        let events = futures::stream::repeat_with(move || {
            counter.fetch_add(1, Ordering::SeqCst);
            Err(std::io::Error::other("Input/output error (os error 5)"))
        });
        let (tx, mut rx) = mpsc::unbounded_channel();
        let cancel = CancellationToken::new();
        EventTask::spawn_from(events, tx, Duration::from_millis(50), cancel.clone());
        tokio::time::sleep(INPUT_ERROR_PAUSE * (MAX_INPUT_ERRORS + 10)).await;
        assert_eq!(reads.load(Ordering::SeqCst), MAX_INPUT_ERRORS as usize);
        let mut ticks = 0;
        while let Ok(msg) = rx.try_recv() {
            assert!(matches!(msg, Msg::Tick(_)), "{msg:?}");
            ticks += 1;
        }
        assert!(ticks >= 5, "ticks stopped: {ticks}");
        cancel.cancel();
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_good_read_resets_the_error_count() {
        let mut n = 0u32;
        // Errors in runs shorter than the limit, each run ended by a key press.
        let events = futures::stream::poll_fn(move |_| {
            n += 1;
            if n > 3 * MAX_INPUT_ERRORS {
                return std::task::Poll::Pending;
            }
            std::task::Poll::Ready(Some(if n.is_multiple_of(MAX_INPUT_ERRORS / 2) {
                Ok(Event::Key(crossterm::event::KeyCode::Char('x').into()))
            } else {
                Err(std::io::Error::other("transient"))
            }))
        });
        let (tx, mut rx) = mpsc::unbounded_channel();
        let cancel = CancellationToken::new();
        EventTask::spawn_from(events, tx, Duration::from_secs(3600), cancel.clone());
        let mut keys = 0;
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        while keys < 6 {
            match tokio::time::timeout_at(deadline, rx.recv()).await {
                Ok(Some(Msg::Key(_))) => keys += 1,
                Ok(Some(_)) => {}
                Ok(None) | Err(_) => panic!("only {keys} keys arrived"),
            }
        }
        cancel.cancel();
    }
}
