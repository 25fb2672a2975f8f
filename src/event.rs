//! `Msg`: what happened. Terminal events and ticks come from [`EventTask`], Vault replies from
//! the worker; everything goes through one channel into `App::update`.

use chrono::{DateTime, Utc};
use crossterm::event::{Event, EventStream, KeyEvent, MouseEvent};
use futures::StreamExt;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::vault::worker::Reply;

#[derive(Debug)]
pub enum Msg {
    Key(KeyEvent),
    Mouse(MouseEvent),
    Paste(String),
    Resize(u16, u16),
    /// Periodic tick carrying the current time (the only clock `update` sees).
    Tick(DateTime<Utc>),
    /// A reply from the Vault worker.
    Vault {
        seq: u64,
        reply: Reply,
    },
    /// The process came back from a suspend.
    Resumed,
}

/// Reads crossterm events and produces ticks until cancelled.
pub struct EventTask;

impl EventTask {
    pub fn spawn(tx: mpsc::UnboundedSender<Msg>, tick: Duration, cancel: CancellationToken) {
        tokio::spawn(async move {
            let mut events = EventStream::new();
            let mut interval = tokio::time::interval(tick);
            interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
            loop {
                let msg = tokio::select! {
                    _ = cancel.cancelled() => break,
                    _ = interval.tick() => Msg::Tick(Utc::now()),
                    ev = events.next() => match ev {
                        Some(Ok(Event::Key(k))) => Msg::Key(k),
                        Some(Ok(Event::Mouse(m))) => Msg::Mouse(m),
                        Some(Ok(Event::Paste(p))) => Msg::Paste(p),
                        Some(Ok(Event::Resize(w, h))) => Msg::Resize(w, h),
                        Some(Ok(_)) => continue,
                        Some(Err(e)) => {
                            tracing::warn!(error = %e, "terminal event error");
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
