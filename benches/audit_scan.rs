//! The audit scanner on a 1 GB audit log, figures printed in one run:
//! - a real log is recorded first: a `bao server -dev` with a file audit device gets a few hundred
//!   varied requests (writes, reads, lists, denied reads, bad tokens, failed and good logins);
//! - a 1 GB file is grown from it in a temporary directory (request ids, increasing times,
//!   paths and client addresses varied; the lines keep their real shape, ~1.5 KB);
//! - the filter query (path prefix + time window + denied) with `strongroom audit search` (the
//!   release binary, as a child: wall time in GB/s and its peak memory from `/usr/bin/time -v`),
//!   with `jq -c 'select(…)'` on the same file and `grep -cF` of a fixed string; ratios;
//! - a full visitor pass (`audit::scan::scan_parallel` with a counting aggregator over every
//!   entry): the floor of the compliance report;
//! - the whole compliance report with the release `strongroom audit report --format json`: GB/s
//!   and peak memory, ratios against jq and grep.
//!
//! Run: `cargo bench --bench audit_scan` (needs `bao`, `jq`, `grep`, `/usr/bin/time`).
//! `AUDIT_BENCH_MB=200` grows a smaller file (a quick try). The file is deleted at the end
//! (`AUDIT_BENCH_KEEP=<path>` keeps a copy, to profile).
#![allow(clippy::expect_used, clippy::print_stdout, clippy::print_stderr)]

use std::io::{BufWriter, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use strongroom::audit::{AuditFilter, EntryRef, NodeLog};

const TARGET_GBPS: f64 = 1.0;
const TARGET_MB: f64 = 100.0;
const PREFIX: &str = "secret/data/team3/";

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        eprintln!("audit_scan: a benchmark; run it with `cargo bench --bench audit_scan`");
        return;
    }
    let mb: u64 = std::env::var("AUDIT_BENCH_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1024);
    let dir = tempfile::tempdir().expect("temp dir");
    let sample = record_real_log(dir.path());
    let lines: Vec<String> = std::fs::read_to_string(&sample)
        .expect("recorded log")
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(str::to_string)
        .collect();
    println!("recorded {} real audit lines", lines.len());
    let big = dir.path().join("audit.log");
    let t = Instant::now();
    let (t0, t1) = grow(&lines, &big, mb << 20);
    let size = std::fs::metadata(&big).expect("size").len();
    let gb = size as f64 / 1e9;
    println!("grew {:.2} GB in {:.1} s", gb, t.elapsed().as_secs_f64());
    if let Ok(keep) = std::env::var("AUDIT_BENCH_KEEP") {
        std::fs::copy(&big, keep).expect("keep a copy");
    }
    // Warm the page cache for every reader alike.
    let _ = Command::new("cat").arg(&big).stdout(Stdio::null()).status();

    let since = fmt(t0 + (t1 - t0) / 4);
    let until = fmt(t0 + (t1 - t0) * 3 / 4);
    let (ours_s, ours_n, rss_mb) = ours(&big, &since, &until);
    let (jq_s, jq_n) = jq(&big, &since, &until);
    let grep_s = grep(&big);
    let visit_s = visitor_pass(&big);
    let (report_s, report_bytes, report_mb) = report(&big);
    let ours_gbps = gb / ours_s;
    println!();
    println!("query: --path {PREFIX} --since {since} --until {until} --denied");
    println!(
        "  ours  {ours_gbps:>7.2} GB/s  ({ours_s:.2} s, {ours_n} records, peak {rss_mb:.1} MB)"
    );
    println!(
        "  jq    {:>7.3} GB/s  ({jq_s:.1} s, {jq_n} lines; ours/jq = {:.0}×)",
        gb / jq_s,
        jq_s / ours_s
    );
    println!(
        "  grep -cF {:>4.2} GB/s  ({grep_s:.2} s; ours/grep = {:.2})",
        gb / grep_s,
        grep_s / ours_s
    );
    println!(
        "  visitor pass (every entry, counting aggregator): {:.2} GB/s ({visit_s:.2} s)",
        gb / visit_s
    );
    println!(
        "full report (`strongroom audit report --format json`): {:.2} GB/s ({report_s:.2} s, {report_bytes} bytes of report, peak {report_mb:.1} MB; ours/jq-query = {:.0}×, ours/grep = {:.2})",
        gb / report_s,
        jq_s / report_s,
        grep_s / report_s
    );
    println!(
        "targets: query ≥ {TARGET_GBPS} GB/s: {}; query peak < {TARGET_MB} MB: {}; report ≥ {TARGET_GBPS} GB/s: {}; report peak < {TARGET_MB} MB: {}; visitor ≥ {TARGET_GBPS} GB/s: {}",
        verdict(ours_gbps >= TARGET_GBPS),
        verdict(rss_mb < TARGET_MB),
        verdict(gb / report_s >= TARGET_GBPS),
        verdict(report_mb < TARGET_MB),
        verdict(gb / visit_s >= TARGET_GBPS)
    );
    drop(dir);
}

fn verdict(ok: bool) -> &'static str {
    if ok { "met" } else { "MISSED" }
}

fn fmt(ns: i64) -> String {
    chrono::DateTime::from_timestamp_nanos(ns)
        .format("%Y-%m-%dT%H:%M:%S%.9fZ")
        .to_string()
}

fn http(port: u16, method: &str, path: &str, token: &str, body: &str) -> String {
    let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) else {
        return String::new();
    };
    s.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let tok = if token.is_empty() {
        String::new()
    } else {
        format!("X-Vault-Token: {token}\r\n")
    };
    write!(
        s,
        "{method} /v1/{path} HTTP/1.0\r\nHost: 127.0.0.1\r\n{tok}Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .expect("send");
    let mut b = String::new();
    let _ = s.read_to_string(&mut b);
    b
}

/// A dev server with a file audit device and a few hundred varied requests; the log's path.
fn record_real_log(dir: &Path) -> PathBuf {
    let bao = strongroom::sandbox::process::find_bao().expect("bao on PATH");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("port");
    let log = dir.join("real.log");
    let cfg = dir.join("audit.hcl");
    std::fs::write(
        &cfg,
        format!(
            "audit \"file\" \"file\" {{\n  options {{\n    file_path = \"{}\"\n  }}\n}}\n",
            log.display()
        ),
    )
    .expect("config");
    let token = format!("benchroot-{port}");
    let out = std::fs::File::create(dir.join("bao.out")).expect("out");
    let mut child = Command::new(bao)
        .args([
            "server",
            "-dev",
            &format!("-dev-listen-address=127.0.0.1:{port}"),
        ])
        .arg(format!("-dev-root-token-id={token}"))
        .arg(format!("-config={}", cfg.display()))
        .env("HOME", dir)
        .current_dir(dir)
        .stdout(Stdio::from(out.try_clone().expect("out")))
        .stderr(Stdio::from(out))
        .spawn()
        .expect("start bao");
    let deadline = Instant::now() + Duration::from_secs(20);
    while !http(port, "GET", "sys/health", "", "").contains(" 200 ") {
        assert!(Instant::now() < deadline, "bao did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    let t = token.as_str();
    http(
        port,
        "POST",
        "sys/auth/userpass",
        t,
        r#"{"type":"userpass"}"#,
    );
    http(
        port,
        "POST",
        "auth/userpass/users/alice",
        t,
        r#"{"password":"pw","token_policies":"default"}"#,
    );
    for i in 0..60 {
        let p = format!("secret/data/apps/svc{}/prod", i % 12);
        http(
            port,
            "POST",
            &p,
            t,
            &format!(r#"{{"data":{{"k":"v{i}","n":"{i}"}}}}"#),
        );
        http(port, "GET", &p, t, "");
        http(port, "GET", &p, "s.notavalidtoken000000000", "");
        if i % 4 == 0 {
            http(port, "LIST", "secret/metadata/apps/", t, "");
            http(
                port,
                "POST",
                "auth/userpass/login/alice",
                "",
                r#"{"password":"wrong"}"#,
            );
        }
        if i % 10 == 0 {
            http(
                port,
                "POST",
                "auth/userpass/login/alice",
                "",
                r#"{"password":"pw"}"#,
            );
            http(
                port,
                "POST",
                "auth/token/create",
                t,
                r#"{"policies":["default"],"ttl":"1h"}"#,
            );
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    log
}

/// Grow `target` bytes from the real lines; the first and last times (unix ns).
fn grow(lines: &[String], path: &Path, target: u64) -> (i64, i64) {
    let mut w = BufWriter::with_capacity(1 << 20, std::fs::File::create(path).expect("create"));
    let t0: i64 = 1_796_000_000_000_000_000;
    let mut t = t0;
    let mut written = 0u64;
    let mut round = 0u64;
    while written < target {
        for l in lines {
            // Request and response lines of one request share the round's id suffix, and
            // (as the audit device writes them) the same path and address.
            let mut s = l.clone();
            let mut key = round;
            if let Some(at) = s.find("\"id\":\"") {
                let id_at = at + 6;
                let id_len = s[id_at..].find('"').unwrap_or(0);
                if id_len == 36 {
                    let id = s[id_at..id_at + 36].to_string();
                    key = round * 31 + id.bytes().map(u64::from).sum::<u64>();
                    let new = format!("{}{:012x}", &id[..24], round);
                    s = s.replace(&id, &new);
                }
            }
            let team = format!("secret/data/team{}/", key % 40);
            s = s.replace("secret/data/apps/", &team);
            s = s.replace(
                "\"127.0.0.1\"",
                &format!("\"10.0.{}.{}\"", round % 256, key % 250 + 1),
            );
            if let Some(end) = s.find("\",\"type\"") {
                t += 50_000;
                s = format!("{{\"time\":\"{}{}", fmt(t), &s[end..]);
            }
            w.write_all(s.as_bytes()).expect("write");
            w.write_all(b"\n").expect("write");
            written += s.len() as u64 + 1;
            if written >= target {
                break;
            }
        }
        round += 1;
    }
    w.flush().expect("flush");
    (t0, t)
}

fn ours(file: &Path, since: &str, until: &str) -> (f64, usize, f64) {
    let t = Instant::now();
    let out = Command::new("/usr/bin/time")
        .arg("-v")
        .arg(env!("CARGO_BIN_EXE_strongroom"))
        .args(["audit", "search"])
        .arg(file)
        .args([
            "--path", PREFIX, "--since", since, "--until", until, "--denied",
        ])
        .output()
        .expect("strongroom audit search");
    let secs = t.elapsed().as_secs_f64();
    let n = out.stdout.iter().filter(|&&b| b == b'\n').count();
    let err = String::from_utf8_lossy(&out.stderr);
    let kb: f64 = err
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("Maximum resident set size (kbytes): ")
        })
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(f64::NAN);
    (secs, n, kb / 1024.0)
}

/// The whole compliance report with the release binary (`--format json` to /dev/null-like
/// capture): wall seconds, report size, peak memory (MB) from `/usr/bin/time -v`.
fn report(file: &Path) -> (f64, usize, f64) {
    let t = Instant::now();
    let out = Command::new("/usr/bin/time")
        .arg("-v")
        .arg(env!("CARGO_BIN_EXE_strongroom"))
        .args(["audit", "report", "--format", "json"])
        .arg(file)
        .output()
        .expect("strongroom audit report");
    let secs = t.elapsed().as_secs_f64();
    if !out.status.success() {
        eprintln!(
            "audit report failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let err = String::from_utf8_lossy(&out.stderr);
    let kb: f64 = err
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("Maximum resident set size (kbytes): ")
        })
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(f64::NAN);
    (secs, out.stdout.len(), kb / 1024.0)
}

fn jq(file: &Path, since: &str, until: &str) -> (f64, usize) {
    let q = format!(
        "select((.request.path // \"\" | startswith(\"{PREFIX}\")) and .time >= \"{since}\" and .time < \"{until}\" and ((.error // \"\" | contains(\"permission denied\")) or .auth.policy_results.allowed == false))"
    );
    let t = Instant::now();
    let out = Command::new("/usr/bin/jq")
        .args(["-c", &q])
        .arg(file)
        .output()
        .expect("jq");
    if !out.status.success() {
        eprintln!("jq failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    let n = out.stdout.iter().filter(|&&b| b == b'\n').count();
    (t.elapsed().as_secs_f64(), n)
}

fn grep(file: &Path) -> f64 {
    let t = Instant::now();
    let out = Command::new("grep")
        .args(["-cF", "permission denied"])
        .arg(file)
        .output()
        .expect("grep");
    println!(
        "grep -cF: {} lines hold \"permission denied\"",
        String::from_utf8_lossy(&out.stdout).trim()
    );
    t.elapsed().as_secs_f64()
}

/// One full pass of the parallel visitor with a counting aggregator; seconds.
fn visitor_pass(file: &Path) -> f64 {
    let t = Instant::now();
    let n = report_pass(file);
    let s = t.elapsed().as_secs_f64();
    println!("visitor pass: {n} entries");
    s
}

/// The hook to time the compliance report over a file: today a counting aggregator (entries,
/// reads, denied) over every entry with `scan_parallel`.
pub fn report_pass(file: &Path) -> u64 {
    let logs = vec![NodeLog {
        label: "bench".into(),
        files: vec![file.to_path_buf()],
    }];
    let (counts, _p) = strongroom::audit::scan::scan_parallel(
        &logs,
        &AuditFilter::default(),
        &|| false,
        || [0u64; 3],
        |a: &mut [u64; 3], e: &EntryRef<'_>| {
            a[0] += 1;
            a[1] += u64::from(e.operation == "read");
            a[2] += u64::from(e.is_denied());
        },
        |a, b| {
            for i in 0..3 {
                a[i] += b[i];
            }
        },
    )
    .expect("scan");
    counts[0]
}
