//! The compliance report end to end: read the logs (the scanner's parallel visitor), aggregate, render
//! ([`render`]) and write a file with mode 0600 under a temporary name, renamed when complete
//! ([`write_report`]). Used by `strongroom audit report` and by the `AuditReport` job the audit
//! screen starts ([`run_job`]).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use tokio_util::sync::CancellationToken;

use super::job::ScanSpec;
use super::report::{Report, ReportAgg, ReportOptions};
use super::report_read::{ReadCounts, ReportError};
use crate::cli::ReportFormat;
use crate::jobs::{JobEvent, JobProgress, JobReport};

/// The report in one format (JSON: pretty, stable field names).
pub fn render(report: &Report, format: ReportFormat) -> String {
    match format {
        ReportFormat::Md => super::report_md::render(report),
        ReportFormat::Csv => super::report_csv::render(report),
        ReportFormat::Json => {
            let mut s = serde_json::to_string_pretty(report).unwrap_or_else(|_| "{}".into());
            s.push('\n');
            s
        }
    }
}

/// Read `files` (the filter applied per line) with the scanner's parallel visitor (one report
/// aggregator per thread, merged) and build the report. `cancelled` is asked per chunk;
/// `progress` gets the counters after each file.
pub fn build_report(
    files: &[PathBuf],
    filter: &super::AuditFilter,
    opts: &ReportOptions,
    cancelled: &(dyn Fn() -> bool + Sync),
    progress: &mut dyn FnMut(&ReadCounts),
) -> Result<Report, ReportError> {
    let mut agg = ReportAgg::new();
    let mut counts = ReadCounts {
        bytes_total: files
            .iter()
            .filter_map(|f| std::fs::metadata(f).ok())
            .map(|m| m.len())
            .sum(),
        ..ReadCounts::default()
    };
    for file in files {
        if cancelled() {
            return Err(ReportError::Cancelled);
        }
        let logs = [super::NodeLog {
            label: String::new(),
            files: vec![file.clone()],
        }];
        let (part, p) = super::scan::scan_parallel(
            &logs,
            filter,
            cancelled,
            ReportAgg::new,
            |a: &mut ReportAgg, e| a.visit(e),
            |a, b| a.merge(b),
        )
        .map_err(|e| ReportError::Read {
            file: shown(file),
            message: e.to_string(),
        })?;
        if cancelled() {
            return Err(ReportError::Cancelled);
        }
        agg.merge(part);
        counts.bytes_read += p.bytes_read;
        counts.entries += p.entries;
        counts.blank += p.blank;
        counts.bad += p.bad;
        progress(&counts);
    }
    agg.add_bad_lines(counts.blank, counts.bad);
    Ok(agg.finish(opts))
}

fn shown(path: &Path) -> String {
    crate::sanitize::sanitize(&path.display().to_string()).into_owned()
}

/// Write the report to `path` with mode 0600: a temporary file beside it, then a rename (a
/// reader never sees half a report; the temporary file is removed on failure).
pub fn write_report(path: &Path, format: ReportFormat, report: &Report) -> Result<(), ReportError> {
    let err = |e: std::io::Error| ReportError::Write {
        file: shown(path),
        message: e.to_string(),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "report".into());
    let tmp = path.with_file_name(format!(".{name}.partial-{}", std::process::id()));
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    let result = (|| {
        let mut f = opts.open(&tmp)?;
        f.write_all(render(report, format).as_bytes())?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(err)
}

fn progress_of(c: &ReadCounts) -> JobProgress {
    JobProgress {
        done: c.bytes_read,
        failed: 0,
        skipped: c.bad,
        total: Some(c.bytes_total),
    }
}

fn scan_progress(c: &ReadCounts) -> super::ScanProgress {
    super::ScanProgress {
        bytes_read: c.bytes_read,
        bytes_total: c.bytes_total,
        entries: c.entries,
        blank: c.blank,
        bad: c.bad,
        ..super::ScanProgress::default()
    }
}

/// The `AuditReport` job: progress as bytes (`Progress`) and as the scan's counters
/// (`Report(Audit)` without records) about ten times a second, then `Done` with the bytes read.
pub fn run_blocking(
    scan: &ScanSpec,
    path: &Path,
    format: ReportFormat,
    opts: &ReportOptions,
    cancel: &CancellationToken,
    emit: &mut (dyn FnMut(JobEvent) + Send),
) -> JobEvent {
    let files: Vec<PathBuf> = scan.logs.iter().flat_map(|l| l.files.clone()).collect();
    let mut last_emit: Option<Instant> = None;
    let mut last = ReadCounts::default();
    let mut progress = |c: &ReadCounts| {
        last = *c;
        if last_emit.is_none_or(|t| t.elapsed() >= Duration::from_millis(100)) {
            last_emit = Some(Instant::now());
            emit(JobEvent::Progress(progress_of(c)));
            emit(JobEvent::Report(Box::new(JobReport::Audit(
                super::AuditBatch {
                    records: Vec::new(),
                    progress: scan_progress(c),
                },
            ))));
        }
    };
    let cancelled = || cancel.is_cancelled();
    let built = build_report(&files, &scan.filter, opts, &cancelled, &mut progress);
    let done = progress_of(&last);
    match built.and_then(|r| write_report(path, format, &r)) {
        Ok(()) => {
            tracing::info!(file = %shown(path), "audit report written");
            JobEvent::Done(done)
        }
        Err(e) => JobEvent::Failed(crate::vault::VaultError::AuditReport(e.to_string())),
    }
}

/// The job from the worker (an async context): the blocking read runs in place on a
/// multi-threaded runtime, else inline.
#[allow(clippy::too_many_arguments)]
pub async fn run_job(
    scan: ScanSpec,
    path: PathBuf,
    format: ReportFormat,
    unused_days: u32,
    rotation_days: u32,
    cancel: &CancellationToken,
    emit: &mut (dyn FnMut(JobEvent) + Send),
) -> JobEvent {
    let opts = ReportOptions {
        since: scan.filter.since,
        until: scan.filter.until,
        unused_days,
        rotation_days,
        files: file_names(scan.logs.iter().flat_map(|l| l.files.iter())),
    };
    let multi = tokio::runtime::Handle::try_current()
        .is_ok_and(|h| h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread);
    if multi {
        tokio::task::block_in_place(|| run_blocking(&scan, &path, format, &opts, cancel, emit))
    } else {
        run_blocking(&scan, &path, format, &opts, cancel, emit)
    }
}

/// The files' names (not their directories) for the report's header.
pub fn file_names<'a>(files: impl Iterator<Item = &'a PathBuf>) -> Vec<String> {
    files
        .map(|p| {
            p.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| p.display().to_string())
        })
        .collect()
}
