//! Access history: the file audit device's logs (JSON lines, one object per request and one per
//! response, gzip-compressed when rotated) read as a stream, filtered, paired and analysed.
//!
//! - [`entry`]: one log line reduced to what the console shows and filters on ([`AuditEntry`]),
//!   and where it came from (file, byte offset) so the drill-down reads the full line again.
//! - [`filter`]: the filters of the browser, `audit search` and `audit report` ([`AuditFilter`]).
//! - [`record`]: a request and its response paired by request id ([`AuditRecord`]).
//!
//! Nothing here holds a whole file: scans stream, and only matching records are kept (bounded).
//! Every string is sanitised before it is drawn (by the views), printed or written in a report.

pub mod anomaly;
mod anomaly_finish;
pub mod entry;
pub mod entry_ref;
pub mod evidence;
pub mod fast;
pub mod filter;
pub mod job;
pub mod json_lex;
pub mod json_unescape;
pub mod line_filter;
pub mod pair;
pub mod pipeline;
pub mod reader;
pub mod reader_group;
pub mod reader_tail;
pub mod record;
pub mod report;
pub mod report_csv;
pub mod report_job;
pub mod report_md;
mod report_model;
pub mod report_read;
pub mod report_when;
pub mod scan;
pub mod scan_job;
pub mod scan_visit;
pub mod signal;
#[cfg(test)]
mod test_entries;
pub mod when;

pub use entry::{AuditEntry, EntryKind, EntrySource, LineError};
pub use entry_ref::{EntryRef, PoliciesRef};
pub use filter::AuditFilter;
pub use job::{AuditBatch, NodeLog, ScanProgress, ScanSpec};
pub use record::AuditRecord;
pub use report::{Report, ReportAgg, ReportOptions};
pub use report_job::{render as render_report, write_report};
pub use signal::{AnomalyConfig, Severity, Signal, SignalKind};
