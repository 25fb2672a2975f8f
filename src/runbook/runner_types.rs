//! The runner's types: variables, step states, the containment clock, refusals, times.

use chrono::{DateTime, Utc};

use crate::runbook::action::ActionPlan;
use crate::vault::models::wrapping::SecretText;

/// Minutes before the containment target from which the clock warns.
pub const WARN_MINUTES_BEFORE: i64 = 5;

/// A bound variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VarValue {
    Text(String),
    List(Vec<String>),
    Secret(SecretText),
}

/// Where a step is.
#[derive(Debug, Clone, PartialEq)]
pub enum StepStatus {
    Pending,
    /// A vault step whose plan the worker is making.
    Planning,
    /// A vault step with its plan, waiting for the responder (and the gate).
    Planned(Box<ActionPlan>),
    /// Its write was sent.
    Running(Box<ActionPlan>),
    Done,
    Skipped(String),
    Failed(String),
    /// Read-only rehearsal: shown, not executed.
    NotExecuted,
    /// Started before the console stopped, with no result in the journal: check on the server.
    Uncertain,
}

impl StepStatus {
    /// Finished with (done, skipped, rehearsed).
    pub fn settled(&self) -> bool {
        matches!(
            self,
            StepStatus::Done | StepStatus::Skipped(_) | StepStatus::NotExecuted
        )
    }

    pub fn label(&self) -> &'static str {
        match self {
            StepStatus::Pending => "pending",
            StepStatus::Planning => "preparing",
            StepStatus::Planned(_) => "ready",
            StepStatus::Running(_) => "running",
            StepStatus::Done => "done",
            StepStatus::Skipped(_) => "skipped",
            StepStatus::Failed(_) => "failed",
            StepStatus::NotExecuted => "not executed",
            StepStatus::Uncertain => "uncertain",
        }
    }
}

/// A step's run state.
#[derive(Debug, Clone, PartialEq)]
pub struct StepRun {
    pub status: StepStatus,
    /// When it settled (or failed).
    pub at: Option<DateTime<Utc>>,
    /// The result in words (an action's summary, a skip reason, an answer).
    pub result: Option<String>,
    /// Detail lines of an action's result.
    pub details: Vec<String>,
}

impl StepRun {
    pub(in crate::runbook::runner) fn new() -> Self {
        Self {
            status: StepStatus::Pending,
            at: None,
            result: None,
            details: Vec::new(),
        }
    }
}

/// How a run starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunStart {
    pub run_id: String,
    pub operator: String,
    pub context: String,
    pub detected_at: DateTime<Utc>,
    pub read_only: bool,
}

/// The containment clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockLevel {
    Ok,
    /// Within [`WARN_MINUTES_BEFORE`] of the target.
    Warn,
    /// Past the target, not contained.
    Over,
    /// Contained (within the target or not).
    Contained {
        in_time: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    /// Seconds since detection (until containment when contained).
    pub elapsed_secs: i64,
    pub target_secs: i64,
    pub level: ClockLevel,
}

/// A refused transition, in words for the screen.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RunError {
    #[error("the run is finished")]
    Finished,
    #[error("this step is not an {0} step")]
    WrongKind(&'static str),
    #[error("{0}")]
    Invalid(String),
    #[error("the phrase does not match: type \"{0}\"")]
    PhraseMismatch(String),
    #[error("nothing is waiting for that")]
    NotWaiting,
}

pub(in crate::runbook::runner) fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// RFC 3339, `now`, or an offset back (`-30m`, `-2h`, `-1d`, `-45s`).
pub fn parse_time(s: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    let s = s.trim();
    if s.eq_ignore_ascii_case("now") {
        return Ok(now);
    }
    if let Some(back) = s.strip_prefix('-') {
        let (n, unit) = back.split_at(back.len().saturating_sub(1));
        let n: i64 = n
            .parse()
            .map_err(|_| format!("\"{s}\" is not a time (RFC 3339, now, or -30m/-2h/-1d)"))?;
        let secs = match unit {
            "s" => n,
            "m" => n * 60,
            "h" => n * 3600,
            "d" => n * 86_400,
            _ => return Err(format!("\"{s}\": the unit is s, m, h or d")),
        };
        return Ok(now - chrono::Duration::seconds(secs.min(3650 * 86_400)));
    }
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| format!("\"{s}\" is not a time (RFC 3339, now, or -30m/-2h/-1d)"))
}
