//! `strongroom audit report` (built by the compliance report work of issue 17).
#![allow(clippy::print_stdout, clippy::print_stderr)]

use crate::cli::AuditAction;

pub fn run(_action: AuditAction) -> i32 {
    eprintln!("strongroom: audit report: not built yet");
    1
}
