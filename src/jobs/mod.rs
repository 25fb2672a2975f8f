//! Long work with progress: one shape for Vault walks, bulk writes and (later) file scans.
//! A job is started with `Command::StartJob` (or a batch `Command::Write`), reports
//! `Msg::Job { ticket, event }` with [`JobEvent`]s, and is stopped with `Command::CancelJob`.
//! The producer coalesces progress with a [`Throttle`] (about 10 updates a second, the last one
//! always sent), so a fast producer can never flood the UI loop; bulk results travel as owned
//! batches.

pub mod copy;
pub mod leases;
pub mod search;
pub mod throttle;
pub mod walk;

pub use throttle::Throttle;

use crate::vault::VaultError;
use crate::vault::models::kv::KvVersion;

/// What a job is asked to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobSpec {
    /// Count the secrets of a KV mount with the walker (SCAN when allowed, else a LIST walk);
    /// denied folders are skipped and counted.
    CountSecrets {
        /// A configured node.
        addr: String,
        /// `secret/`.
        mount: String,
        kv_version: KvVersion,
    },
    /// Search secret paths matching `pattern` (a case-insensitive regex, see `jobs::search`)
    /// below `prefix` of each mount, one mount after the other; results as `Partial` batches.
    SearchSecrets {
        addr: String,
        /// `(mount, kv_version)`, e.g. `("secret/", V2)`.
        mounts: Vec<(String, KvVersion)>,
        /// The folder below each mount (`""` for the whole mount).
        prefix: String,
        pattern: String,
    },
    /// The dry run of a copy or move: walk the sources and read metadata (never a value);
    /// the plan comes back as `JobReport::CopyPlan` (see `jobs::copy`).
    PlanCopy {
        addr: String,
        /// One path (a secret or a folder), or several secrets.
        sources: Vec<String>,
        /// The target path or folder.
        dst: String,
    },
    /// Every token by accessor (`auth/token/accessors` + `lookup-accessor`, bounded
    /// concurrency); tokens come as `JobReport::Tokens` batches with the inventory's progress.
    TokenInventory { addr: String },
    /// The expiry radar: every lease, token, PKI certificate and KV v2 secret (with its
    /// rotation due time by `rotation`), four sources at once; updates as
    /// `JobReport::Radar` (see `vault::radar`).
    Radar {
        addr: String,
        rotation: crate::radar::RotationPolicy,
    },
    /// Every lease below `prefix` (`""`: all) with `sys/leases/lookup` (bounded concurrency);
    /// leases come back in batches as `JobReport::Leases` (see `jobs::leases`).
    LeaseInventory { addr: String, prefix: String },
    /// Stream a raft snapshot of the ACTIVE node at `addr` into `path` (0600, a temporary name
    /// renamed when complete); progress in bytes (`done`), then `JobReport::Snapshot` with
    /// the size and SHA-256. Cancelling removes the partial file.
    SaveSnapshot {
        addr: String,
        path: std::path::PathBuf,
    },
    /// Scan audit log files (no server involved): matching records come back as
    /// `JobReport::Audit` batches with the scan's counters (see `crate::audit`).
    AuditScan(crate::audit::ScanSpec),
    /// Scan audit logs and write the compliance report to `path` (mode 0600); the job reports
    /// the scan's progress, then `Done` (see `crate::audit::report`).
    AuditReport {
        scan: crate::audit::ScanSpec,
        path: std::path::PathBuf,
        format: crate::cli::ReportFormat,
        unused_days: u32,
        rotation_days: u32,
    },
    /// Prepare a runbook's `vault` step: look up what it needs and answer
    /// `JobReport::RunbookPlan` (a read-only operation such as `audit.search` is performed
    /// here and its plan carries the result). See `crate::runbook::action`.
    RunbookPrepare(Box<crate::runbook::PrepareSpec>),
    /// The server log stream of ONE configured node (`sys/monitor?log_level=`): runs until
    /// cancelled, reconnecting with a backoff; lines and state changes come as
    /// `JobReport::Log` batches (see `vault::monitor`).
    Monitor {
        addr: String,
        level: crate::vault::monitor::LogLevel,
    },
}

impl JobSpec {
    /// Jobs that read-only mode refuses (named as the gate names writes): a raft snapshot
    /// holds the whole cluster's data.
    pub fn refused_in_read_only(&self) -> Option<&'static str> {
        match self {
            JobSpec::SaveSnapshot { .. } => Some("saving a raft snapshot"),
            _ => None,
        }
    }
}

/// Counters of a running job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct JobProgress {
    /// Items done (secrets found, writes made).
    pub done: u64,
    /// Items that failed.
    pub failed: u64,
    /// Items skipped (denied subtrees).
    pub skipped: u64,
    /// The total, when known in advance (a batch).
    pub total: Option<u64>,
}

impl JobProgress {
    /// "12 of 40", "12 found · 2 skipped".
    pub fn label(&self) -> String {
        let mut s = match self.total {
            Some(t) => format!("{} of {t}", self.done + self.failed),
            None => format!("{}", self.done),
        };
        if self.failed > 0 {
            s += &format!(" · {} failed", self.failed);
        }
        if self.skipped > 0 {
            s += &format!(" · {} skipped", self.skipped);
        }
        s
    }
}

/// What a job reports.
#[derive(Debug, Clone, PartialEq)]
pub enum JobEvent {
    Progress(JobProgress),
    /// A batch of results, in order of arrival.
    Partial(Vec<String>),
    /// Finished, with the final counters.
    Done(JobProgress),
    Failed(VaultError),
    /// Structured counters or results of one kind of job (a search's per-mount counters).
    Report(Box<JobReport>),
}

/// What `JobEvent::Report` carries, by kind of job.
#[derive(Debug, Clone, PartialEq)]
pub enum JobReport {
    Search(search::SearchProgress),
    CopyPlan(copy::CopyPlan),
    /// A batch of a token inventory (possibly empty: progress only).
    Tokens(TokenBatch),
    Radar(crate::vault::radar::RadarUpdate),
    /// A batch of leases (maybe empty) and the inventory's counters.
    Leases(leases::LeaseBatch),
    /// A saved raft snapshot: file, size, checksum.
    Snapshot(crate::vault::snapshot::SnapshotSaved),
    /// Matching audit records (maybe none: progress only) and the scan's counters.
    Audit(crate::audit::AuditBatch),
    /// The plan of a runbook's `vault` step.
    RunbookPlan(crate::runbook::ActionPlan),
    /// Log lines of a `Monitor` job (maybe none) and its state when it changed.
    Log(crate::vault::monitor::LogBatch),
}

/// A batch of tokens of `JobSpec::TokenInventory`, with the inventory's counters and the
/// console's own token's accessor (so that the list marks it).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TokenBatch {
    pub items: Vec<crate::vault::models::tokens::TokenInfo>,
    pub progress: crate::vault::inventory::InventoryProgress,
    pub own_accessor: Option<String>,
}
