//! `strongroom audit search` (built by the audit scanner work of issue 17).
#![allow(clippy::print_stdout, clippy::print_stderr)]

use crate::cli::AuditAction;
use crate::config::ConnectionProfile;

pub async fn run<E: std::fmt::Display>(
    _profile: Result<ConnectionProfile, E>,
    _action: AuditAction,
) -> i32 {
    eprintln!("strongroom: audit search: not built yet");
    1
}
