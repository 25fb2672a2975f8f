//! `strongroom status --all-contexts`: every context of the config file, polled concurrently
//! (at most [`MAX_IN_FLIGHT`] at once, each within [`POLL_TIMEOUT`]), printed by context name.
//! Exit codes as `status`: 1 if any context has an error (error wins), else 2 if any is sealed,
//! else 0. A context that cannot be polled at all (a bad CA file, no answer in time) is an
//! error entry, not a crash.
//!
//! `--format json` prints one object (stable: fields are only ever added); each context is the
//! object `strongroom status --format json` prints, plus `error` when it could not be polled:
//! ```json
//! {
//!   "overall": "error",                   // "ok" (exit 0) | "sealed" (2) | "error" (1)
//!   "contexts": [
//!     { "context": "prod", "overall": "ok", "nodes": [ … as in `status` … ] },
//!     { "context": "lab", "overall": "error", "nodes": [],
//!       "error": "no answer within 10s" }  // only when the context could not be polled
//!   ]
//! }
//! ```
// Headless subcommand: its job is to print results to stdout and errors to stderr.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use futures::StreamExt;
use serde::Serialize;

use super::{StatusReport, build_report, render_table};
use crate::cli::Format;
use crate::cluster::ClusterState;
use crate::config::ConnectionProfile;
use crate::fleet::MAX_IN_FLIGHT;
use crate::sanitize::sanitize;
use crate::vault::fleet::POLL_TIMEOUT;
use crate::vault::worker::Worker;

#[derive(Debug, Serialize)]
pub struct FleetReport {
    pub overall: &'static str,
    pub contexts: Vec<StatusReport>,
}

/// Poll every context and print the result; the exit code.
pub async fn status_all(contexts: &[ConnectionProfile], format: Format) -> i32 {
    let (report, code) = collect(contexts, POLL_TIMEOUT).await;
    match format {
        Format::Json => match serde_json::to_string_pretty(&report) {
            Ok(s) => println!("{s}"),
            Err(e) => {
                eprintln!("strongroom: {e}");
                return 1;
            }
        },
        Format::Table => {
            let tables: Vec<String> = report.contexts.iter().map(render_table).collect();
            print!("{}", tables.join("\n"));
        }
    }
    code
}

/// Every context's report, in the order given, and the exit code.
pub async fn collect(
    contexts: &[ConnectionProfile],
    limit: std::time::Duration,
) -> (FleetReport, i32) {
    let results: Vec<(StatusReport, i32)> = futures::stream::iter(contexts)
        .map(|p| one(p, limit))
        .buffered(MAX_IN_FLIGHT)
        .collect()
        .await;
    let code = overall_code(results.iter().map(|(_, c)| *c));
    let overall = match code {
        0 => "ok",
        2 => "sealed",
        _ => "error",
    };
    (
        FleetReport {
            overall,
            contexts: results.into_iter().map(|(r, _)| r).collect(),
        },
        code,
    )
}

/// Error wins, then sealed, then ok.
pub fn overall_code(codes: impl IntoIterator<Item = i32>) -> i32 {
    codes.into_iter().fold(0, |acc, c| match (acc, c) {
        (1, _) | (_, 1) => 1,
        (2, _) | (_, 2) => 2,
        (0, 0) => 0,
        _ => 1,
    })
}

fn failed(context: &str, why: &str) -> (StatusReport, i32) {
    (
        StatusReport {
            context: sanitize(context).into_owned(),
            overall: "error",
            nodes: Vec::new(),
            error: Some(sanitize(why).into_owned()),
        },
        1,
    )
}

async fn one(profile: &ConnectionProfile, limit: std::time::Duration) -> (StatusReport, i32) {
    let worker = match Worker::new(profile) {
        Ok(w) => w,
        Err(e) => return failed(&profile.context, &e.to_string()),
    };
    let poll = async {
        let mut state = ClusterState::new(&profile.addrs);
        state.apply(worker.poll_cluster(&state.node_addrs()).await);
        if state.nodes.iter().any(|n| n.discovered) {
            state.apply(worker.poll_cluster(&state.node_addrs()).await);
        }
        state
    };
    match tokio::time::timeout(limit, poll).await {
        Ok(state) => build_report(&profile.context, &state),
        Err(_) => failed(
            &profile.context,
            &format!("no answer within {}s", limit.as_secs()),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::{collect, overall_code, render_table};
    use crate::config::ConnectionProfile;

    /// A context that cannot be polled at all is an error entry beside the others, not a crash.
    #[tokio::test]
    async fn a_bad_context_is_an_error_entry() {
        let bad = ConnectionProfile {
            ca_cert: Some("/nonexistent/strongroom-test-ca.pem".into()),
            ..ConnectionProfile::new("bad\x1b[31m", vec!["https://127.0.0.1:1".into()])
        };
        let (report, code) = collect(&[bad], std::time::Duration::from_secs(5)).await;
        assert_eq!(code, 1);
        assert_eq!(report.overall, "error");
        let ctx = &report.contexts[0];
        assert!(
            ctx.error
                .as_deref()
                .is_some_and(|e| e.contains("strongroom-test-ca.pem")),
            "{ctx:?}"
        );
        let table = render_table(ctx);
        assert!(!table.contains('\x1b'), "{table}");
        assert!(table.starts_with("context bad�[31m — error\n"), "{table}");
        let v = serde_json::to_value(&report).expect("json");
        assert_eq!(v["contexts"][0]["nodes"], serde_json::json!([]));
    }

    #[test]
    fn error_wins_then_sealed() {
        assert_eq!(overall_code([0, 0]), 0);
        assert_eq!(overall_code([0, 2, 0]), 2);
        assert_eq!(overall_code([2, 1, 0]), 1);
        assert_eq!(overall_code([1, 2]), 1);
        assert_eq!(overall_code(Vec::<i32>::new()), 0);
    }
}
