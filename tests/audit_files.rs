//! The audit scanner on files: rotated plain and gzip files of one node (gzip told by its magic
//! bytes), blank, non-JSON and old-Vault lines, a truncated last line, pairing across files,
//! two nodes merged by time, tail mode (appended lines, then a rotation), the drill-down re-read,
//! the visitors, and a property test of scan + pairing + filter against the plain reference.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant, SystemTime};

use proptest::prelude::*;
use strongroom::audit::entry::parse_line;
use strongroom::audit::filter::PathMatch;
use strongroom::audit::pair::{WINDOW, pair_reference};
use strongroom::audit::reader::{group_logs, read_line};
use strongroom::audit::scan::{for_each_entry, scan_parallel, scan_records};
use strongroom::audit::{AuditFilter, AuditRecord, EntrySource, NodeLog, ScanSpec};

const T0: i64 = 1_796_538_000_000_000_000;

fn line(i: i64, kind: &str, id: &str, path: &str, denied: bool) -> String {
    let t = chrono::DateTime::from_timestamp_nanos(T0 + i * 1_000_000_000)
        .format("%Y-%m-%dT%H:%M:%S%.9fZ")
        .to_string();
    let mut v = serde_json::json!({
        "time": t, "type": kind,
        "auth": {"client_token": format!("hmac-sha256:tok{i}"), "accessor": "hmac-sha256:acc",
                 "display_name": "token", "policies": ["default"],
                 "policy_results": {"allowed": !denied}, "token_type": "service", "token_ttl": 3600},
        "request": {"id": id, "operation": "read", "mount_point": "secret/", "path": path,
                    "remote_address": "127.0.0.1", "data": {"path": "decoy", "error": "decoy"}},
    });
    if denied && kind == "response" {
        v["error"] = "1 error occurred:\n\t* permission denied\n\n".into();
    }
    v.to_string()
}

fn id(n: u32) -> String {
    format!("00000000-0000-0000-0000-{n:012x}")
}

fn gz(path: &Path, text: &str) {
    let f = std::fs::File::create(path).expect("create");
    let mut e = flate2::write::GzEncoder::new(f, flate2::Compression::fast());
    e.write_all(text.as_bytes()).expect("gz");
    e.finish().expect("gz");
}

fn age(path: &Path, secs_ago: u64) {
    let f = std::fs::File::options()
        .write(true)
        .open(path)
        .expect("open");
    f.set_modified(SystemTime::now() - Duration::from_secs(secs_ago))
        .expect("mtime");
}

/// audit.log.2 (gzip, named without .gz), audit.log.1.gz, audit.log (live, odd lines).
fn rotated_node(dir: &Path) -> Vec<PathBuf> {
    let oldest = dir.join("audit.log.2");
    gz(
        &oldest,
        &format!(
            "{}\n{}\n",
            line(0, "request", &id(1), "secret/data/a", false),
            line(0, "response", &id(1), "secret/data/a", false)
        ),
    );
    let older = dir.join("audit.log.1.gz");
    gz(
        &older,
        &format!(
            "{}\n\n{}\n",
            line(1, "request", &id(2), "secret/data/b", true),
            line(2, "request", &id(3), "secret/data/c", false)
        ),
    );
    let live = dir.join("audit.log");
    std::fs::write(
        &live,
        format!(
            "{}\n{}\nnot json at all\n{}\n\n{}\n{{\"time\":\"2026-12",
            line(2, "response", &id(2), "secret/data/b", true),
            line(3, "response", &id(3), "secret/data/c", false),
            r#"{"type":"request","request":{"path":"secret/data/old"}}"#,
            line(4, "request", &id(4), "secret/data/d", false),
        ),
    )
    .expect("live");
    age(&oldest, 300);
    age(&older, 200);
    vec![live, older, oldest]
}

fn collect(spec: &ScanSpec) -> (Vec<AuditRecord>, strongroom::audit::ScanProgress) {
    let mut all = Vec::new();
    let p = scan_records(spec, &|| false, &mut |r, _| {
        all.extend(r);
        true
    })
    .expect("scan");
    (all, p)
}

#[test]
fn rotated_plain_and_gzip_files_are_read_paired_and_counted() {
    let dir = tempfile::tempdir().expect("dir");
    let paths = rotated_node(dir.path());
    let logs = group_logs(&paths);
    assert_eq!(logs.len(), 1);
    let names: Vec<String> = logs[0]
        .files
        .iter()
        .map(|f| f.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["audit.log.2", "audit.log.1.gz", "audit.log"]);
    let spec = ScanSpec {
        logs,
        ..ScanSpec::default()
    };
    let (recs, p) = collect(&spec);
    assert_eq!(p.entries, 8);
    assert_eq!(p.blank, 2);
    assert_eq!(p.bad, 2, "the non-JSON line and the truncated last line");
    let paths: Vec<(&str, bool, bool)> = recs
        .iter()
        .map(|r| {
            (
                r.main().unwrap().path.as_str(),
                r.request.is_some(),
                r.response.is_some(),
            )
        })
        .collect();
    assert_eq!(
        paths,
        [
            ("secret/data/a", true, true),
            ("secret/data/b", true, true),
            ("secret/data/c", true, true),
            ("secret/data/old", true, false),
            ("secret/data/d", true, false),
        ]
    );
    // The pair across files: request in the gzip file, response in the live one.
    let b = &recs[1];
    assert_eq!(b.request.as_ref().unwrap().source.file, 1);
    assert_eq!(b.response.as_ref().unwrap().source.file, 2);
    assert!(b.is_denied());
    // Drill-down: each line read again, from gzip and plain files.
    for r in &recs {
        for e in r.lines() {
            let text = read_line(&spec.logs[0].files, e.source).expect("read again");
            let again = parse_line(text.as_bytes(), e.source).expect("an entry");
            assert_eq!(&again, e);
        }
    }
    // Denied only: the one record.
    let spec = ScanSpec {
        filter: AuditFilter {
            denied_only: true,
            ..AuditFilter::default()
        },
        ..spec
    };
    let (recs, _) = collect(&spec);
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0].main().unwrap().path, "secret/data/b");
}

#[test]
fn a_drill_down_refuses_huge_lines_and_unknown_files() {
    let files = vec![PathBuf::from("/nonexistent/audit.log")];
    let big = EntrySource {
        file: 0,
        offset: 0,
        len: 2 << 20,
    };
    assert!(read_line(&files, big).is_err());
    assert!(read_line(&files, EntrySource { file: 3, ..big }).is_err());
}

#[test]
fn two_nodes_are_merged_by_time_and_visited() {
    let dir = tempfile::tempdir().expect("dir");
    let (a, b) = (dir.path().join("n1"), dir.path().join("n2"));
    std::fs::create_dir_all(&a).unwrap();
    std::fs::create_dir_all(&b).unwrap();
    let mut la = String::new();
    let mut lb = String::new();
    for i in 0..300 {
        let target = if i % 3 == 0 { &mut lb } else { &mut la };
        target.push_str(&line(i, "request", &id(i as u32), "secret/data/x", false));
        target.push('\n');
        target.push_str(&line(i, "response", &id(i as u32), "secret/data/x", false));
        target.push('\n');
    }
    std::fs::write(a.join("audit.log"), la).unwrap();
    std::fs::write(b.join("audit.log"), lb).unwrap();
    let logs = group_logs(&[a.join("audit.log"), b.join("audit.log")]);
    assert_eq!(logs.len(), 2);
    assert_eq!(logs[0].label, "n1/audit.log");
    let spec = ScanSpec {
        logs: logs.clone(),
        ..ScanSpec::default()
    };
    let (recs, p) = collect(&spec);
    assert_eq!(p.entries, 600);
    assert_eq!(recs.len(), 300);
    let times: Vec<i64> = recs.iter().map(|r| r.time().unwrap()).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "merged by time");
    assert!(recs.iter().all(|r| r.response.is_some()));
    assert_eq!(recs.iter().filter(|r| r.node == 1).count(), 100);
    // Visitors: every entry, in time order when sequential.
    let mut seen = Vec::new();
    let vp = for_each_entry(&logs, &AuditFilter::default(), &|| false, &mut |e| {
        seen.push(e.time.unwrap())
    })
    .expect("visit");
    assert_eq!(seen.len(), 600);
    assert_eq!(vp.entries, 600);
    assert!(seen.windows(2).all(|w| w[0] <= w[1]));
    let (n, _) = scan_parallel(
        &logs,
        &AuditFilter::default(),
        &|| false,
        || 0u64,
        |a: &mut u64, _e| *a += 1,
        |a, b| *a += b,
    )
    .expect("parallel");
    assert_eq!(n, 600);
}

#[test]
fn tail_mode_picks_up_appended_lines_and_a_rotation() {
    let dir = tempfile::tempdir().expect("dir");
    let live = dir.path().join("audit.log");
    std::fs::write(
        &live,
        format!(
            "{}\n",
            line(0, "request", &id(1), "secret/data/first", false)
        ),
    )
    .unwrap();
    let spec = ScanSpec {
        logs: group_logs(std::slice::from_ref(&live)),
        follow: true,
        ..ScanSpec::default()
    };
    let stop = Arc::new(AtomicBool::new(false));
    let seen = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let (stop2, seen2) = (Arc::clone(&stop), Arc::clone(&seen));
    let scanner = std::thread::spawn(move || {
        scan_records(&spec, &|| stop2.load(Ordering::Relaxed), &mut |recs, _| {
            let mut s = seen2.lock().unwrap();
            for r in recs {
                let paired = if r.response.is_some() { "+" } else { "" };
                s.push(format!("{}{paired}", r.main().unwrap().path));
            }
            true
        })
    });
    let wait_for = |what: &str| {
        let deadline = Instant::now() + Duration::from_secs(30);
        while !seen.lock().unwrap().iter().any(|s| s == what) {
            assert!(
                Instant::now() < deadline,
                "{what} not seen: {:?}",
                seen.lock().unwrap()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    };
    // The response of the first request, written in two parts (a partial line waits).
    let resp = line(1, "response", &id(1), "secret/data/first", false);
    let (head, tail) = resp.split_at(40);
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&live)
        .unwrap();
    f.write_all(head.as_bytes()).unwrap();
    f.flush().unwrap();
    std::thread::sleep(Duration::from_millis(400));
    f.write_all(format!("{tail}\n").as_bytes()).unwrap();
    f.write_all(
        format!(
            "{}\n",
            line(2, "request", &id(2), "secret/data/appended", false)
        )
        .as_bytes(),
    )
    .unwrap();
    drop(f);
    wait_for("secret/data/first+");
    // Rotation: the live file renamed, a new one started.
    std::fs::rename(&live, dir.path().join("audit.log.1")).unwrap();
    std::fs::write(
        &live,
        format!(
            "{}\n{}\n",
            line(3, "request", &id(3), "secret/data/rotated", false),
            line(3, "response", &id(3), "secret/data/rotated", false)
        ),
    )
    .unwrap();
    wait_for("secret/data/rotated+");
    wait_for("secret/data/appended");
    stop.store(true, Ordering::Relaxed);
    let p = scanner.join().unwrap().expect("scan");
    assert!(p.following);
    assert_eq!(p.bad, 0, "the partial line was not read as a line");
}

#[derive(Debug, Clone)]
struct Gen {
    kind: u8,
    id: u32,
    path: u8,
    denied: bool,
    blank: bool,
}

fn gen_line() -> impl Strategy<Value = Gen> {
    (
        0u8..5,
        0u32..6,
        0u8..3,
        any::<bool>(),
        prop::bool::weighted(0.05),
    )
        .prop_map(|(kind, id, path, denied, blank)| Gen {
            kind,
            id,
            path,
            denied,
            blank,
        })
}

fn gen_filter() -> impl Strategy<Value = AuditFilter> {
    (
        prop::option::of(0i64..40),
        prop::option::of(prop_oneof![
            Just("secret/data/p1"),
            Just("secret/*/p2"),
            Just("sec")
        ]),
        any::<bool>(),
        any::<bool>(),
        prop::option::of(Just("P0")),
    )
        .prop_map(
            |(since, path, denied_only, errors_only, text)| AuditFilter {
                since: since.map(|s| T0 + s * 1_000_000_000),
                path: path.map(PathMatch::parse),
                denied_only,
                errors_only,
                text: text.map(str::to_string),
                ..AuditFilter::default()
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// The scanner (fast parser, line flags, pairer) equals parse → pair → filter, plainly.
    #[test]
    fn scan_equals_the_reference(lines in prop::collection::vec(gen_line(), 0..120), filter in gen_filter()) {
        let dir = tempfile::tempdir().expect("dir");
        let mut text = String::new();
        for (i, g) in lines.iter().enumerate() {
            if g.blank {
                text.push_str("\n{oops\n");
                continue;
            }
            let kind = match g.kind { 0 | 1 => "request", 2 | 3 => "response", _ => "other" };
            let id = if g.id == 0 { String::new() } else { id(g.id) };
            // As the audit device writes them: both lines of a request hold its path.
            let path = if g.id == 0 { u32::from(g.path) } else { g.id % 3 };
            text.push_str(&line(i as i64, kind, &id, &format!("secret/data/p{path}"), g.denied));
            text.push('\n');
        }
        let path = dir.path().join("audit.log");
        std::fs::write(&path, &text).unwrap();
        let spec = ScanSpec {
            logs: vec![NodeLog { label: "n".into(), files: vec![path] }],
            filter: filter.clone(),
            ..ScanSpec::default()
        };
        let (got, _) = collect(&spec);
        let mut entries = Vec::new();
        let mut off = 0u64;
        for l in text.split_inclusive('\n') {
            let body = l.strip_suffix('\n').unwrap_or(l);
            let src = EntrySource { file: 0, offset: off, len: body.len() as u32 };
            if let Ok(e) = parse_line(body.as_bytes(), src) {
                entries.push(e);
            }
            off += l.len() as u64;
        }
        let want: Vec<AuditRecord> = pair_reference(&entries, WINDOW)
            .into_iter()
            .filter(|r| filter.matches(r))
            .collect();
        prop_assert_eq!(got, want);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_job_reports_batches_then_done_and_respects_the_limit() {
    use strongroom::jobs::{JobEvent, JobReport};
    let dir = tempfile::tempdir().expect("dir");
    let logs = group_logs(&rotated_node(dir.path()));
    let spec = ScanSpec {
        logs,
        limit: 2,
        ..ScanSpec::default()
    };
    let cancel = tokio_util::sync::CancellationToken::new();
    let mut events = Vec::new();
    let last =
        strongroom::audit::scan_job::run_scan_job(spec, &cancel, &mut |e| events.push(e)).await;
    let mut records = Vec::new();
    let mut progress = None;
    for e in events {
        if let JobEvent::Report(r) = e
            && let JobReport::Audit(b) = *r
        {
            assert!(b.records.len() <= 2);
            records.extend(b.records);
            progress = Some(b.progress);
        }
    }
    let p = progress.expect("a batch");
    assert_eq!((p.entries, p.matched, p.dropped), (8, 5, 3));
    let newest: Vec<&str> = records
        .iter()
        .rev()
        .take(2)
        .map(|r| r.main().unwrap().path.as_str())
        .collect();
    assert_eq!(newest, ["secret/data/d", "secret/data/old"]);
    assert!(matches!(last, JobEvent::Done(d) if d.done == 5));
}
