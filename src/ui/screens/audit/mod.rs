//! Access history (`:audit [FILE…]`): the audit devices of every node (`sys/audit`) and a scan of
//! their log files (or the files named) as a job, rows arriving while it runs, with progress in
//! the title; `esc` cancels, `f` follows the live files. Filters (`F` form, `d` denied only, `x`
//! errors only) start a new scan (the filter runs in the scanner); `/` searches the loaded rows.
//! `h` matches a plain value by its HMAC (`sys/audit-hash`, the value never drawn or kept),
//! `enter` shows the full request and response (HMAC'd fields marked), `a` the anomaly signals of
//! the loaded window, `R` writes a compliance report.

mod actions;
mod drill;
mod form;
mod overlay;
mod replies;
mod signals;
mod view;

pub use actions::{HINTS, JOB, REPORT_JOB};
pub use drill::DrillState;
pub use form::{FilterForm, FormText, form_text_example, parse_when};
pub use overlay::{HashPrompt, ReportPrompt};
pub use signals::SignalsState;
pub use view::AuditView;

use std::collections::HashSet;

use chrono::{DateTime, Utc};

use crate::audit::{
    AnomalyConfig, AuditFilter, AuditRecord, NodeLog, ScanProgress, ScanSpec, Signal,
};
use crate::vault::VaultError;
use crate::vault::audit_area::LocatedDevice;

/// Records kept by default (the scan's limit).
pub const DEFAULT_LIMIT: usize = 100_000;

/// Where the screen is.
#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    /// Asking the nodes for their devices, or expanding the files named.
    Locating,
    /// Nothing to scan (no log of the devices on this machine, no file matched).
    NoFiles,
    /// The scan runs (first pass, or following the live files).
    Loading,
    Ready,
    Cancelled,
    /// The scan failed; the rows of the previous one stay (stale).
    Failed(VaultError),
}

/// One node's answer to `sys/audit`.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeDevices {
    pub addr: String,
    /// `None` while asked.
    pub result: Option<Result<Vec<LocatedDevice>, VaultError>>,
}

/// What covers the table.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Overlay {
    #[default]
    None,
    Drill(Box<DrillState>),
    Signals(SignalsState),
    Form(Box<FilterForm>),
    Hash(HashPrompt),
    Report(ReportPrompt),
}

/// A report being written from the screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportRun {
    pub path: String,
    pub progress: ScanProgress,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AuditScreen {
    /// `:audit FILE…` as typed (empty: the devices' files).
    pub patterns: Vec<String>,
    pub devices: Vec<NodeDevices>,
    /// The logs scanned (set once located).
    pub logs: Vec<NodeLog>,
    /// The scanner's filter (the `/` search is not in it: it runs over the loaded rows).
    pub filter: AuditFilter,
    pub follow: bool,
    pub limit: usize,
    pub phase: Phase,
    pub progress: ScanProgress,
    records: Vec<AuditRecord>,
    /// The rows of the previous scan while a new one runs (back if it fails).
    previous: Option<(Vec<AuditRecord>, Option<DateTime<Utc>>)>,
    pub loaded_at: Option<DateTime<Utc>>,
    search: String,
    /// A signal's evidence as the table's filter: its title and request ids.
    evidence: Option<(String, HashSet<String>)>,
    shown: Vec<u32>,
    selected: usize,
    pub overlay: Overlay,
    pub signals: Vec<Signal>,
    signals_stale: bool,
    pub anomaly: AnomalyConfig,
    /// The typed texts of the filter form (so it opens as it was left).
    pub form_text: form::FormText,
    /// `hmac-sha256:1f99…` of the value matched (never the value).
    pub hash_label: Option<String>,
    pub report: Option<ReportRun>,
    /// Missing `:audit` patterns, for the status line.
    pub missing: Vec<String>,
}

impl AuditScreen {
    /// `:audit` (`args`: files or globs; none: the devices' logs).
    pub fn new(args: &str) -> AuditScreen {
        AuditScreen {
            patterns: args.split_whitespace().map(str::to_string).collect(),
            devices: Vec::new(),
            logs: Vec::new(),
            filter: AuditFilter::default(),
            follow: false,
            limit: DEFAULT_LIMIT,
            phase: Phase::Locating,
            progress: ScanProgress::default(),
            records: Vec::new(),
            previous: None,
            loaded_at: None,
            search: String::new(),
            evidence: None,
            shown: Vec::new(),
            selected: 0,
            overlay: Overlay::None,
            signals: Vec::new(),
            signals_stale: true,
            anomaly: AnomalyConfig::default(),
            form_text: form::FormText::default(),
            hash_label: None,
            report: None,
            missing: Vec::new(),
        }
    }

    /// A screen over these logs with these records, scan done at `at` (tests, snapshots).
    pub fn with_records(logs: Vec<NodeLog>, records: Vec<AuditRecord>, at: DateTime<Utc>) -> Self {
        let mut s = AuditScreen::new("");
        s.logs = logs;
        s.add_records(records);
        s.phase = Phase::Ready;
        s.loaded_at = Some(at);
        s
    }

    /// The scan this screen runs now.
    pub fn spec(&self) -> ScanSpec {
        ScanSpec {
            logs: self.logs.clone(),
            filter: self.filter.clone(),
            follow: self.follow,
            limit: self.limit,
        }
    }

    /// Every file of the scan, in the scan's order (what `EntrySource::file` indexes).
    pub fn files(&self) -> Vec<std::path::PathBuf> {
        self.logs
            .iter()
            .flat_map(|l| l.files.iter().cloned())
            .collect()
    }

    pub fn loading(&self) -> bool {
        self.phase == Phase::Loading
    }

    pub fn following(&self) -> bool {
        self.loading() && self.progress.following
    }

    pub fn records(&self) -> &[AuditRecord] {
        &self.records
    }

    /// Add a batch in time order (a batch older than the last row is merged by time); over
    /// the limit, the oldest go. The cursor stays where it is.
    pub fn add_records(&mut self, batch: Vec<AuditRecord>) {
        if batch.is_empty() {
            return;
        }
        let last = self.records.last().and_then(AuditRecord::time);
        let first_new = batch.first().and_then(AuditRecord::time);
        let merge = matches!((last, first_new), (Some(l), Some(f)) if f < l);
        self.records.extend(batch);
        if merge {
            self.records.sort_by_key(|r| r.time().unwrap_or(i64::MIN));
        }
        let over = self.records.len().saturating_sub(self.limit.max(1));
        if over > 0 {
            self.records.drain(..over);
        }
        self.signals_stale = true;
        self.reshow();
    }

    /// Swap the rows for the previous scan's (a failed scan) or drop the previous ones.
    pub(crate) fn keep_previous(&mut self) {
        let rows = std::mem::take(&mut self.records);
        self.previous = Some((rows, self.loaded_at));
        self.signals_stale = true;
        self.reshow();
    }

    pub(crate) fn restore_previous(&mut self) -> bool {
        match self.previous.take() {
            Some((rows, at)) if self.records.is_empty() && !rows.is_empty() => {
                self.records = rows;
                self.loaded_at = at;
                self.signals_stale = true;
                self.reshow();
                true
            }
            _ => false,
        }
    }

    pub(crate) fn drop_previous(&mut self) {
        self.previous = None;
    }

    /// The rows the `/` search and a signal's evidence let through.
    pub(crate) fn reshow(&mut self) {
        let needle = self.search.as_str();
        let ev = self.evidence.as_ref().map(|(_, ids)| ids);
        self.shown = self
            .records
            .iter()
            .enumerate()
            .filter(|(_, r)| needle.is_empty() || r.text_matches(needle))
            .filter(|(_, r)| ev.is_none_or(|ids| r.lines().any(|l| ids.contains(&l.request_id))))
            .filter_map(|(i, _)| u32::try_from(i).ok())
            .collect();
    }

    pub fn shown_len(&self) -> usize {
        self.shown.len()
    }

    pub fn shown(&self, i: usize) -> Option<&AuditRecord> {
        self.shown
            .get(i)
            .and_then(|&x| self.records.get(x as usize))
    }

    pub fn selected_index(&self) -> usize {
        self.selected.min(self.shown.len().saturating_sub(1))
    }

    pub fn selected(&self) -> Option<&AuditRecord> {
        self.shown(self.selected_index())
    }

    pub(crate) fn move_by(&mut self, delta: isize) {
        let n = self.shown.len();
        self.selected = if n == 0 {
            0
        } else {
            self.selected_index()
                .saturating_add_signed(delta)
                .min(n - 1)
        };
    }

    pub fn filter_text(&self) -> &str {
        &self.search
    }

    /// The `/` search over the loaded rows.
    pub fn set_filter(&mut self, f: String) {
        if f != self.search {
            self.search = f;
            self.selected = 0;
            self.reshow();
        }
    }

    /// The signal whose evidence filters the table.
    pub fn evidence_title(&self) -> Option<&str> {
        self.evidence.as_ref().map(|(t, _)| t.as_str())
    }

    pub(crate) fn set_evidence(&mut self, ev: Option<(String, HashSet<String>)>) {
        self.evidence = ev;
        self.selected = 0;
        self.reshow();
    }

    /// The anomaly signals again when the loaded window changed (pure; bounded by the limit).
    pub fn refresh_signals(&mut self) {
        if self.signals_stale {
            self.signals = crate::audit::signal::detect(&self.records, &self.anomaly);
            self.signals_stale = false;
        }
    }

    /// Typing goes to the open form or prompt.
    pub fn takes_text(&self) -> bool {
        matches!(
            self.overlay,
            Overlay::Form(_) | Overlay::Hash(_) | Overlay::Report(_)
        )
    }

    /// The node label of a record (when several nodes' logs are merged).
    pub fn node_label(&self, r: &AuditRecord) -> Option<&str> {
        (self.logs.len() > 1)
            .then(|| self.logs.get(r.node as usize).map(|l| l.label.as_str()))
            .flatten()
    }
}

/// `hmac-sha256:1f99…`: the start of an HMAC, enough to recognise it.
pub fn short_hmac(h: &str) -> String {
    let (scheme, rest) = h.split_once(':').unwrap_or(("hmac", h));
    let head: String = rest.chars().take(4).collect();
    crate::sanitize::sanitize(&format!("{scheme}:{head}…")).into_owned()
}
