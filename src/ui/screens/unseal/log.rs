//! The ceremony log: what happened, when, on which node, with the progress counts and the
//! outcome — never a share. Kept in memory, shown on the screen, saved (appended) on request.

use chrono::{DateTime, SecondsFormat, Utc};

/// At most this many entries are kept (the oldest go first).
const MAX_ENTRIES: usize = 500;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEntry {
    pub at: DateTime<Utc>,
    /// The node's name (raft id or host:port), or "cluster".
    pub node: String,
    /// "share", "reset", "round", "save" …
    pub action: String,
    /// Progress after it, `(p, t)`.
    pub progress: Option<(u32, u32)>,
    pub outcome: String,
}

impl LogEntry {
    /// One line: `2026-11-21T13:37:27Z  node2  share  2/3  accepted`.
    pub fn line(&self) -> String {
        let progress = self
            .progress
            .map_or_else(|| "-".to_string(), |(p, t)| format!("{p}/{t}"));
        format!(
            "{}  {}  {}  {}  {}",
            self.at.to_rfc3339_opts(SecondsFormat::Secs, true),
            self.node,
            self.action,
            progress,
            self.outcome
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CeremonyLog {
    pub entries: Vec<LogEntry>,
}

impl CeremonyLog {
    pub fn push(
        &mut self,
        at: DateTime<Utc>,
        node: &str,
        action: &str,
        progress: Option<(u32, u32)>,
        outcome: impl Into<String>,
    ) {
        self.entries.push(LogEntry {
            at,
            node: node.to_string(),
            action: action.to_string(),
            progress,
            outcome: outcome.into(),
        });
        if self.entries.len() > MAX_ENTRIES {
            self.entries.remove(0);
        }
    }

    /// The text a save appends: a header and one line per entry.
    pub fn text(&self, now: DateTime<Utc>) -> String {
        let mut out = format!(
            "# strongroom unseal ceremony log, saved {}\n",
            now.to_rfc3339_opts(SecondsFormat::Secs, true)
        );
        for e in &self.entries {
            out.push_str(&e.line());
            out.push('\n');
        }
        out
    }
}
