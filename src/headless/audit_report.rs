//! `strongroom audit report <files…>`: the compliance report of audit logs on stdout (Markdown,
//! CSV or JSON). Exit 0; 1 when a file cannot be read or an argument is bad (bad lines are
//! counted in the report, not errors).
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::io::Write;

use crate::audit::AuditFilter;
use crate::audit::report::ReportOptions;
use crate::audit::report_job::{build_report, file_names, render};
use crate::audit::report_when::parse_when;
use crate::cli::AuditAction;

pub fn run(action: AuditAction) -> i32 {
    let AuditAction::Report {
        files,
        since,
        until,
        format,
        unused_days,
        rotation_days,
    } = action
    else {
        return 1;
    };
    let now = chrono::Utc::now().timestamp_nanos_opt().unwrap_or(i64::MAX);
    let when = |flag: &str, v: Option<String>| match v {
        None => Ok(None),
        Some(v) => parse_when(&v, now)
            .map(Some)
            .map_err(|e| format!("strongroom: audit report: --{flag}: {e}")),
    };
    let (since, until) = match (when("since", since), when("until", until)) {
        (Ok(s), Ok(u)) => (s, u),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("{e}");
            return 1;
        }
    };
    let filter = AuditFilter {
        since,
        until,
        ..AuditFilter::default()
    };
    let opts = ReportOptions {
        since,
        until,
        unused_days,
        rotation_days,
        files: file_names(files.iter()),
    };
    match build_report(&files, &filter, &opts, &|| false, &mut |_| {}) {
        Ok(report) => {
            let text = render(&report, format);
            let mut out = std::io::stdout().lock();
            if out
                .write_all(text.as_bytes())
                .and_then(|()| out.flush())
                .is_err()
            {
                return 1;
            }
            0
        }
        Err(e) => {
            eprintln!("strongroom: audit report: {e}");
            1
        }
    }
}
