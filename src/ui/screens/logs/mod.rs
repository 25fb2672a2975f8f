//! The server log stream (`:logs [NODE] [LEVEL]`): `sys/monitor` of one configured node, live.
//!
//! The stream is a job ([`JobSpec::Monitor`]) started on open and cancelled by `esc`, by a
//! restart (another level or node) and, through the app, before a raft restore or a step-down
//! (an open stream on the active node blocks both). Lines arrive in batches, already
//! sanitised; at most `[logs] max_lines` are kept (the oldest dropped and counted). The view
//! follows the newest line; scrolling up or pausing freezes it on the same lines while new ones
//! keep arriving (counted in the header). `/` filters the kept lines. When the stream comes back
//! after a loss (a node restart), a gap marker says when it was lost and for how long.

pub mod buffer;
mod view;

use chrono::{DateTime, Utc};

use super::{Effect, ScreenCtx};
use crate::action::Action;
use crate::jobs::{JobEvent, JobReport, JobSpec};
use crate::reply::{Reply, WriteOutcome};
use crate::sanitize::sanitize;
use crate::vault::monitor::{LogBatch, LogLevel, LossKind, StreamStatus};

pub use buffer::{DEFAULT_MAX_LINES, Entry, LogBuffer, MAX_LINES_RANGE};
pub use view::LogsView;

pub const HINTS: &[Action] = &[
    Action::PauseLog,
    Action::FollowLog,
    Action::LogLevel,
    Action::LogNode,
    Action::Filter,
    Action::Back,
];

/// The job's key under this screen.
pub const JOB: &str = "monitor";

/// What the stream is doing, as the header shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StreamState {
    /// No stream (no node to ask yet).
    Idle,
    Connecting,
    Streaming {
        since: DateTime<Utc>,
    },
    /// Lost or refused; the job tries again after `retry_in_ms`.
    Lost {
        kind: LossKind,
        reason: String,
        retry_in_ms: u64,
    },
    /// Closed before a raft restore or a step-down; `r` opens it again.
    ClosedForWrite,
    /// The job ended with an error (a node that is not configured).
    Failed(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct LogsScreen {
    /// What `:logs NODE` asked for (an address, host:port or node id), until resolved.
    pub query: Option<String>,
    /// The node streamed (a configured address).
    pub node: Option<String>,
    pub level: LogLevel,
    pub state: StreamState,
    pub buffer: LogBuffer,
    /// The `/` filter as typed.
    pub filter: String,
    /// Paused: the view stays on `anchor` (lines keep arriving).
    pub paused: bool,
    /// `None`: following the newest line; `Some(seq)`: the last line shown.
    pub anchor: Option<u64>,
    /// When and why the stream was lost, until it is back (then a gap marker).
    pub lost: Option<(DateTime<Utc>, String)>,
    /// A job is running under [`JOB`].
    pub running: bool,
}

impl Default for LogsScreen {
    fn default() -> Self {
        LogsScreen::new(None, LogLevel::Info, DEFAULT_MAX_LINES)
    }
}

impl LogsScreen {
    pub fn new(query: Option<String>, level: LogLevel, max_lines: usize) -> LogsScreen {
        LogsScreen {
            query,
            node: None,
            level,
            state: StreamState::Idle,
            buffer: LogBuffer::new(max_lines),
            filter: String::new(),
            paused: false,
            anchor: None,
            lost: None,
            running: false,
        }
    }

    /// The lower-case needle of the filter.
    pub fn needle(&self) -> String {
        self.filter.to_lowercase()
    }

    /// Matching entries after the view's last line (paused or scrolled up).
    pub fn new_lines(&self) -> usize {
        match self.anchor {
            Some(a) => self.buffer.count_after(&self.needle(), a),
            None => 0,
        }
    }

    pub fn following(&self) -> bool {
        self.anchor.is_none()
    }

    pub fn on_open(&mut self, ctx: &ScreenCtx) -> Vec<Effect> {
        match resolve_node(self.query.as_deref(), ctx) {
            Ok(addr) => {
                self.node = Some(addr);
                self.start()
            }
            Err(msg) => {
                self.state = StreamState::Failed(msg);
                Vec::new()
            }
        }
    }

    /// Start (or restart) the stream of `node` at `level`.
    fn start(&mut self) -> Vec<Effect> {
        let Some(addr) = self.node.clone() else {
            return Vec::new();
        };
        let mut out = Vec::new();
        if self.running {
            out.push(Effect::CancelJob { what: JOB.into() });
        }
        self.running = true;
        self.lost = None;
        self.state = StreamState::Connecting;
        out.push(Effect::StartJob {
            what: JOB.into(),
            spec: JobSpec::Monitor {
                addr,
                level: self.level,
            },
        });
        out
    }

    /// Stop the stream (before a raft restore or a step-down): the effects that cancel it.
    pub fn close_for_write(&mut self) -> Vec<Effect> {
        if !self.running {
            return Vec::new();
        }
        self.running = false;
        self.state = StreamState::ClosedForWrite;
        self.marker("stream closed for a restore or step-down", false);
        vec![Effect::CancelJob { what: JOB.into() }]
    }

    fn marker(&mut self, text: &str, gap: bool) {
        self.buffer.push(Entry::Marker {
            text: text.to_string(),
            gap,
        });
    }

    /// Lines of the view's body (the header takes two).
    fn page(ctx: &ScreenCtx) -> i64 {
        i64::from(ctx.body.height.saturating_sub(2).max(1))
    }

    /// Move the view by `n` lines (negative: up); up stops following.
    fn scroll(&mut self, n: i64) {
        let needle = self.needle();
        let from = self.anchor.unwrap_or(self.buffer.last_seq());
        if let Some(seq) = self.buffer.step(&needle, from, n) {
            self.anchor = Some(seq);
        }
    }

    fn follow(&mut self) {
        self.paused = false;
        self.anchor = None;
    }

    pub fn on_action(&mut self, a: Action, ctx: &ScreenCtx) -> Option<Vec<Effect>> {
        match a {
            Action::Back => {
                if !self.filter.is_empty() {
                    self.filter.clear();
                    return Some(Vec::new());
                }
                let mut out = Vec::new();
                if self.running {
                    self.running = false;
                    out.push(Effect::CancelJob { what: JOB.into() });
                }
                out.push(Effect::Close);
                return Some(out);
            }
            Action::Up => self.scroll(-1),
            Action::Down => self.scroll(1),
            Action::PageUp => self.scroll(-Self::page(ctx)),
            Action::PageDown => self.scroll(Self::page(ctx)),
            Action::Top => self.scroll(-(self.buffer.len() as i64)),
            Action::Bottom | Action::FollowLog => self.follow(),
            Action::PauseLog => {
                if self.paused {
                    self.follow();
                } else {
                    self.paused = true;
                    self.anchor = Some(self.anchor.unwrap_or(self.buffer.last_seq()));
                }
            }
            Action::LogLevel => {
                self.level = self.level.next();
                self.marker(&format!("level → {}", self.level.as_str()), false);
                return Some(self.start());
            }
            Action::LogNode => return Some(self.next_node(ctx)),
            Action::ReopenLog => {
                if self.node.is_none() {
                    return Some(self.on_open(ctx));
                }
                self.marker("stream reopened", false);
                return Some(self.start());
            }
            _ => return None,
        }
        Some(Vec::new())
    }

    /// The next configured node of the cluster (its stream replaces this one).
    fn next_node(&mut self, ctx: &ScreenCtx) -> Vec<Effect> {
        let nodes: Vec<&str> = ctx
            .cluster
            .nodes
            .iter()
            .filter(|n| !n.discovered)
            .map(|n| n.addr.as_str())
            .collect();
        let i = self
            .node
            .as_deref()
            .and_then(|cur| nodes.iter().position(|n| *n == cur));
        let next = match i {
            Some(i) => nodes.get((i + 1) % nodes.len()),
            None => nodes.first(),
        };
        let Some(next) = next.map(|n| n.to_string()) else {
            return vec![Effect::Toast(
                "no configured node to stream".into(),
                crate::app::ToastLevel::Warn,
            )];
        };
        if self.node.as_deref() == Some(next.as_str()) && self.running {
            return vec![Effect::Toast(
                "this cluster has one configured node".into(),
                crate::app::ToastLevel::Info,
            )];
        }
        self.marker(&format!("node → {}", sanitize(&next)), false);
        self.node = Some(next);
        self.start()
    }

    pub fn on_job(&mut self, what: &str, event: JobEvent, _ctx: &ScreenCtx) -> Vec<Effect> {
        if what != JOB {
            return Vec::new();
        }
        match event {
            JobEvent::Report(r) => {
                if let JobReport::Log(batch) = *r {
                    self.on_batch(batch);
                }
            }
            JobEvent::Failed(e) => {
                self.running = false;
                self.state = StreamState::Failed(sanitize(&e.to_string()).into_owned());
            }
            JobEvent::Done(_) => {
                self.running = false;
                self.state = StreamState::Idle;
            }
            JobEvent::Progress(_) | JobEvent::Partial(_) => {}
        }
        Vec::new()
    }

    /// Lines and state from the job.
    pub fn on_batch(&mut self, batch: LogBatch) {
        if let Some(s) = batch.status {
            self.on_status(s);
        }
        for l in batch.lines {
            self.buffer.push(Entry::Line(l));
        }
        // A view on lines that were dropped moves to the oldest kept one.
        if let Some(a) = self.anchor
            && let Some((first, _)) = self.buffer.matching("").next()
            && a < *first
        {
            self.anchor = Some(*first);
        }
    }

    fn on_status(&mut self, s: StreamStatus) {
        match s {
            StreamStatus::Connecting { .. } => {
                if !matches!(self.state, StreamState::Lost { .. }) {
                    self.state = StreamState::Connecting;
                }
            }
            StreamStatus::Connected { at } => {
                if let Some((lost_at, reason)) = self.lost.take() {
                    let gap = (at - lost_at).num_seconds().max(0);
                    let text = format!(
                        "stream lost {} ({reason}) · back {} ({gap} s gap, lines may be missing)",
                        lost_at.format("%H:%M:%S"),
                        at.format("%H:%M:%S"),
                    );
                    self.marker(&text, true);
                }
                self.state = StreamState::Streaming { since: at };
            }
            StreamStatus::Lost {
                at,
                kind,
                reason,
                retry_in,
            } => {
                let reason = sanitize(&reason).into_owned();
                if matches!(self.state, StreamState::Streaming { .. }) && self.lost.is_none() {
                    self.lost = Some((at, reason.clone()));
                }
                self.state = StreamState::Lost {
                    kind,
                    reason,
                    retry_in_ms: u64::try_from(retry_in.as_millis()).unwrap_or(u64::MAX),
                };
            }
        }
    }

    pub fn on_reply(&mut self, _reply: Reply, _ctx: &ScreenCtx) -> Vec<Effect> {
        Vec::new()
    }

    pub fn on_write(&mut self, _outcome: WriteOutcome, _ctx: &ScreenCtx) -> Vec<Effect> {
        Vec::new()
    }

    pub fn on_tick(&mut self, _ctx: &ScreenCtx) -> Vec<Effect> {
        Vec::new()
    }

    pub fn wants_tick(&self) -> bool {
        false
    }

    pub fn takes_text(&self) -> bool {
        false
    }

    pub fn on_text_key(&mut self, _key: crossterm::event::KeyEvent) -> Vec<Effect> {
        Vec::new()
    }

    pub fn on_paste(&mut self, _text: &str) {}

    pub fn filter(&self) -> &str {
        &self.filter
    }

    pub fn set_filter(&mut self, f: String) {
        self.filter = f;
    }

    pub fn on_cover(&mut self) {}

    pub fn hints(&self) -> &'static [Action] {
        HINTS
    }
}

/// The node to stream: `query` (an address, host:port or node id) among the cluster's nodes,
/// else the active node when configured, else the first configured one. A discovered node is
/// refused: the token only goes to configured addresses.
pub fn resolve_node(query: Option<&str>, ctx: &ScreenCtx) -> Result<String, String> {
    let nodes = &ctx.cluster.nodes;
    let Some(q) = query.map(str::trim).filter(|q| !q.is_empty()) else {
        if let Some(a) = ctx.cluster.active().filter(|n| !n.discovered) {
            return Ok(a.addr.clone());
        }
        return nodes
            .iter()
            .find(|n| !n.discovered)
            .map(|n| n.addr.clone())
            .ok_or_else(|| "no configured node to stream".to_string());
    };
    let q = q.trim_end_matches('/');
    let found = nodes.iter().find(|n| {
        let addr = n.addr.trim_end_matches('/');
        addr == q
            || addr.rsplit_once("//").is_some_and(|(_, hp)| hp == q)
            || n.node_id.as_deref() == Some(q)
    });
    match found {
        Some(n) if n.discovered => Err(format!(
            "{} was discovered, not configured: the token only goes to configured addresses \
             (add it to the context's addrs)",
            sanitize(&n.addr)
        )),
        Some(n) => Ok(n.addr.clone()),
        None => Err(format!(
            "no node {} in this cluster (configured: {})",
            sanitize(q),
            nodes
                .iter()
                .filter(|n| !n.discovered)
                .map(|n| sanitize(&n.addr).into_owned())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}
