//! What the anomaly signals panel shows: [`Signal`]s with their evidence. Built by
//! `crate::audit::anomaly` over the loaded window (the screen calls [`detect`]).

use super::entry::EntrySource;
use super::record::AuditRecord;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SignalKind {
    /// A secret read from a new address for that identity.
    NewAddress,
    /// Access volume above the factor × the baseline for a path.
    VolumeSpike,
    /// Access by a human auth method outside working hours.
    OffHours,
    /// Denied requests (grouped by identity and path).
    Denied,
    /// Repeated failed logins from one source.
    FailedLogins,
    /// A token created with an unusually long TTL.
    LongTtlToken,
}

impl SignalKind {
    pub fn title(self) -> &'static str {
        match self {
            SignalKind::NewAddress => "read from a new address",
            SignalKind::VolumeSpike => "access volume spike",
            SignalKind::OffHours => "off-hours human access",
            SignalKind::Denied => "denied requests",
            SignalKind::FailedLogins => "repeated failed logins",
            SignalKind::LongTtlToken => "long-TTL token created",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    Info,
    Warn,
    High,
}

/// One signal: what, how bad, and the entries behind it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signal {
    pub kind: SignalKind,
    pub severity: Severity,
    /// One line, sanitised: "userpass-alice read secret/data/apps/payments from 127.0.0.2 (usually 127.0.0.1)".
    pub summary: String,
    /// The identity, path and address it is about (empty when not relevant), sanitised.
    pub identity: String,
    pub path: String,
    pub remote_address: String,
    /// The entries behind it (capped), oldest first.
    pub evidence: Vec<EntrySource>,
    /// Their request ids, same order (to select the records in the browser).
    pub evidence_ids: Vec<String>,
    /// How many entries in all (may exceed `evidence.len()`).
    pub total: u64,
    /// First and last time of the evidence (unix ns).
    pub first: Option<i64>,
    pub last: Option<i64>,
}

/// The anomaly signals of a loaded window of records (most severe first). Built by
/// `crate::audit::anomaly`: every line of the records goes through its aggregator.
pub fn detect(records: &[AuditRecord], cfg: &AnomalyConfig) -> Vec<Signal> {
    let mut agg = super::anomaly::AnomalyAgg::new(cfg.clone());
    for r in records {
        for line in r.lines() {
            agg.visit(&line.as_entry_ref());
        }
    }
    agg.finish()
}

/// Thresholds of the signals (the `[audit]` table of the config file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnomalyConfig {
    /// Working hours, minutes after midnight in the configured offset: [start, end).
    pub work_start_min: u32,
    pub work_end_min: u32,
    /// Working days, bit 0 = Monday … bit 6 = Sunday.
    pub work_days: u8,
    /// Offset of local time from UTC, seconds.
    pub utc_offset_secs: i32,
    /// A path's volume in a bucket above this × its baseline signals.
    pub volume_factor: u32,
    /// Failed logins from one address within `failed_login_window_secs` that signal.
    pub failed_logins: u32,
    pub failed_login_window_secs: u32,
    /// A created token's TTL above this signals (seconds).
    pub long_ttl_secs: i64,
    /// The volume signal's bucket width in ms (0: automatic, a twentieth of the window between
    /// 1 ms and 1 min).
    pub volume_window_ms: u64,
    /// A path's peak must hold at least this many requests to signal (noise).
    pub volume_min_count: u32,
}

impl Default for AnomalyConfig {
    fn default() -> Self {
        AnomalyConfig {
            work_start_min: 8 * 60,
            work_end_min: 18 * 60,
            work_days: 0b001_1111,
            utc_offset_secs: 0,
            volume_factor: 3,
            failed_logins: 3,
            failed_login_window_secs: 600,
            long_ttl_secs: 7 * 24 * 3600,
            volume_window_ms: 0,
            volume_min_count: 10,
        }
    }
}
