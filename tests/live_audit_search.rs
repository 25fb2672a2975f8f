//! `strongroom audit search` (the release binary) on a real OpenBao audit log made by known
//! traffic (`common::audit_traffic`): each filter, the audit-hash match (`--hmac` from
//! `sys/audit-hash`, `--value-stdin` with the reader's token), pairing, two nodes' logs merged,
//! JSON output parsed, exit codes; the canary value never printed.
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use std::io::Write;
use std::path::Path;
use std::process::Stdio;

use common::audit_traffic::{
    AuditTraffic, BURST_READS, FAILED_LOGINS, PAYMENTS_PATH, PAYMENTS_VALUE, READER_READS,
};
use common::dev::http_request;
use common::strongroom_command;

#[derive(Debug)]
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    /// The exit code, with stderr when it is not `want`.
    fn expect_code(&self, want: i32) {
        assert_eq!(self.code, want, "{}", self.stderr);
    }
}

fn search<S: AsRef<std::ffi::OsStr>>(
    home: &Path,
    args: &[S],
    env: &[(&str, &str)],
    stdin: Option<&str>,
) -> Run {
    let mut cmd = strongroom_command(home);
    cmd.args(["audit", "search"]).args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    })
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("strongroom");
    if let Some(s) = stdin {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(s.as_bytes())
            .expect("write stdin");
    }
    let out = child.wait_with_output().expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        !stdout.contains(PAYMENTS_VALUE) && !stderr.contains(PAYMENTS_VALUE),
        "the canary was printed"
    );
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout,
        stderr,
    }
}

/// The plain lines' columns.
fn rows(r: &Run) -> Vec<Vec<String>> {
    r.stdout
        .lines()
        .map(|l| l.split('\t').map(str::to_string).collect())
        .collect()
}

#[test]
fn the_filters_the_hash_match_pairing_and_merging_on_real_traffic() {
    let t = AuditTraffic::start();
    let home = tempfile::tempdir().expect("home");
    let h = home.path();
    let log = t.log_path();
    let log_s = log.display().to_string();
    let f = |extra: &[&str]| -> Vec<String> {
        std::iter::once(log_s.clone())
            .chain(extra.iter().map(|s| s.to_string()))
            .collect()
    };

    // Denied: the default-only token and the bad token on the payments secret.
    let r = search(h, &f(&["--denied"]), &[], None);
    assert_eq!(r.code, 0);
    let denied = rows(&r);
    assert!(denied.iter().all(|c| c[6] == "denied"), "{denied:?}");
    assert!(denied.iter().filter(|c| c[3] == PAYMENTS_PATH).count() >= 2);

    // Errors: the failed logins are there (from 127.0.0.2).
    let r = search(
        h,
        &f(&["--errors", "--path", "auth/userpass/login/"]),
        &[],
        None,
    );
    let errs = rows(&r);
    assert_eq!(errs.len(), FAILED_LOGINS, "{errs:?}");
    assert!(
        errs.iter()
            .all(|c| c[5] == "127.0.0.2" && c[6].starts_with("error"))
    );

    // Path + operation: the burst.
    let r = search(
        h,
        &f(&["--path", "secret/data/apps/burst", "--op", "read"]),
        &[],
        None,
    );
    assert_eq!(rows(&r).len(), BURST_READS);
    // A pattern.
    let r = search(
        h,
        &f(&["--path", "secret/data/*/burst", "--op", "read"]),
        &[],
        None,
    );
    assert_eq!(rows(&r).len(), BURST_READS);

    // Identity: the reader's reads of the payments secret (3 from 127.0.0.1, 1 from 127.0.0.2).
    let r = search(
        h,
        &f(&[
            "--identity",
            "reader",
            "--path",
            PAYMENTS_PATH,
            "--op",
            "read",
        ]),
        &[],
        None,
    );
    assert_eq!(rows(&r).len(), READER_READS + 1);

    // Remote address.
    let r = search(h, &f(&["--remote", "127.0.0.2"]), &[], None);
    let other = rows(&r);
    assert!(other.len() >= FAILED_LOGINS + 3, "{other:?}");
    assert!(other.iter().all(|c| c[5] == "127.0.0.2"));

    // Time window: everything in the last hour, nothing in the future or before 2000.
    search(h, &f(&["--since", "1h"]), &[], None).expect_code(0);
    search(h, &f(&["--until", "2000-01-01"]), &[], None).expect_code(3);
    search(h, &f(&["--since", "2200-01-01T00:00:00Z"]), &[], None).expect_code(3);
    search(h, &f(&["--since", "whenever"]), &[], None).expect_code(1);

    // Text search, case-insensitive.
    let r = search(h, &f(&["--grep", "PAYMENTS", "--op", "read"]), &[], None);
    assert!(rows(&r).iter().all(|c| c[3].contains("payments")));

    // The reader's accessor, hashed by the server: the reader's requests.
    let body = format!("{{\"input\":\"{}\"}}", t.reader_accessor);
    let (code, answer) = http_request(
        t.server.port,
        "POST",
        "/v1/sys/audit-hash/file",
        Some(&t.server.root_token),
        &body,
    )
    .expect("audit-hash");
    assert_eq!(code, 200, "{answer}");
    let v: serde_json::Value = serde_json::from_str(&answer).expect("json");
    let hmac = v["data"]["hash"]
        .as_str()
        .or(v["hash"].as_str())
        .expect("hash");
    let by_accessor = rows(&search(h, &f(&["--hmac", hmac]), &[], None));
    assert!(
        by_accessor.len() > READER_READS + BURST_READS,
        "{by_accessor:?}"
    );

    // The same by the reader's token on stdin (hashed with the server of the context).
    let env = [
        ("BAO_ADDR", t.server.addr.as_str()),
        ("BAO_TOKEN", t.server.root_token.as_str()),
    ];
    let r = search(
        h,
        &f(&["--value-stdin"]),
        &env,
        Some(&format!("{}\n", t.reader_token)),
    );
    assert_eq!(r.code, 0);
    assert!(!r.stdout.contains(&t.reader_token));
    let by_token = rows(&r);
    assert!(by_token.len() > READER_READS + BURST_READS, "{by_token:?}");
    // Without a server: a clear error.
    let r = search(h, &f(&["--value-stdin"]), &[], Some("x\n"));
    assert_eq!(r.code, 1);

    // Pairing: every read of the payments secret is a request with its response.
    let r = search(
        h,
        &f(&["--path", PAYMENTS_PATH, "--op", "read", "--format", "json"]),
        &[],
        None,
    );
    let recs: Vec<serde_json::Value> = r
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert!(recs.len() >= READER_READS + 3);
    for rec in &recs {
        let (q, a) = (&rec["request"], &rec["response"]);
        assert_eq!(q["type"], "request");
        assert_eq!(a["type"], "response");
        assert_eq!(q["request_id"], a["request_id"]);
        assert_eq!(q["path"], PAYMENTS_PATH);
    }

    // Two nodes: the log copied as a second node's; records merged by time, both labelled.
    let second = tempfile::tempdir().expect("dir");
    let node2 = second.path().join("audit.log");
    std::fs::copy(&log, &node2).expect("copy");
    let n2 = node2.display().to_string();
    let both = search(
        h,
        &[
            log_s.as_str(),
            n2.as_str(),
            "--path",
            "secret/data/apps/burst",
            "--op",
            "read",
            "--format",
            "json",
        ],
        &[],
        None,
    );
    let recs: Vec<serde_json::Value> = both
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert_eq!(recs.len(), 2 * BURST_READS);
    let times: Vec<&str> = recs.iter().map(|r| r["time"].as_str().unwrap()).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]));
    let labels: std::collections::BTreeSet<&str> =
        recs.iter().map(|r| r["node"].as_str().unwrap()).collect();
    assert_eq!(labels.len(), 2, "{labels:?}");

    // Nothing matched: exit 3; a missing file: exit 1.
    search(h, &f(&["--path", "no/such/"]), &[], None).expect_code(3);
    search(h, &["/nonexistent/audit.log"], &[], None).expect_code(1);
}
