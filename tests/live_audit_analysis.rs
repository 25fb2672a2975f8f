//! Anomaly signals and the compliance report on the log of known traffic (a real dev server with
//! a file audit device, `common::audit_traffic`): every signal fires with the right evidence, the
//! quiet parts stay quiet, `strongroom audit report` lists the expected rows in md, csv and json,
//! the report job writes a 0600 file, gzip and bad lines are handled; the canary never shows.
#![allow(clippy::expect_used)]

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};

use common::audit_traffic::{self, AuditTraffic};
use strongroom::audit::anomaly::AnomalyAgg;
use strongroom::audit::report_read::read_entries;
use strongroom::audit::{AnomalyConfig, AuditEntry, AuditFilter, EntryKind, Signal, SignalKind};

/// Every entry of the files (with the sources the aggregators saw) and the signals.
fn analyse(files: &[PathBuf], cfg: &AnomalyConfig) -> (Vec<AuditEntry>, Vec<Signal>) {
    let mut agg = AnomalyAgg::new(cfg.clone());
    let mut entries = Vec::new();
    read_entries(
        files,
        &AuditFilter::default(),
        &mut || true,
        &mut |_| {},
        &mut |e| {
            agg.visit(e);
            entries.push(e.to_owned_entry());
        },
    )
    .expect("read the log");
    (entries, agg.finish())
}

fn of(s: &[Signal], kind: SignalKind) -> Vec<&Signal> {
    s.iter().filter(|x| x.kind == kind).collect()
}

/// Working hours of one hour, twelve hours away from now: now is off hours.
fn off_now() -> AnomalyConfig {
    let now = chrono::Utc::now().timestamp();
    let minute = (now.rem_euclid(86_400) / 60) as u32;
    let start = (minute + 720) % 1440;
    AnomalyConfig {
        work_start_min: start,
        work_end_min: (start + 60) % 1440,
        work_days: 0b111_1111,
        // The payments secret has 6 accepted requests in all (it can never reach 8); the burst
        // has 20 in a row, far denser than a twentieth of the traffic's span.
        volume_min_count: 8,
        ..AnomalyConfig::default()
    }
}

fn wait_for_log(t: &AuditTraffic) {
    // The last traffic's response line is written before the answer; make sure it is there.
    for _ in 0..50 {
        if t.server.audit_log().contains("\"delete\"") {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

#[test]
fn every_signal_fires_on_the_known_traffic_with_its_evidence() {
    let t = AuditTraffic::start();
    wait_for_log(&t);
    let (entries, s) = analyse(&[t.log_path()], &off_now());
    let find = |f: &dyn Fn(&AuditEntry) -> bool| -> Vec<&AuditEntry> {
        entries.iter().filter(|e| f(e)).collect()
    };
    // 1. The reader's read from 127.0.0.2, and nothing else.
    let new = of(&s, SignalKind::NewAddress);
    assert_eq!(new.len(), 1, "{new:#?}");
    let other = find(&|e| {
        e.kind == Some(EntryKind::Request)
            && e.display_name == "token-reader"
            && e.remote_address == "127.0.0.2"
    });
    assert_eq!(other.len(), 1);
    assert_eq!(new[0].identity, "token-reader");
    assert_eq!(new[0].path, audit_traffic::PAYMENTS_PATH);
    assert_eq!(new[0].remote_address, "127.0.0.2");
    assert_eq!(new[0].evidence, vec![other[0].source]);
    assert_eq!(new[0].evidence_ids, vec![other[0].request_id.clone()]);
    // 2. The burst, not the payments secret.
    let vol = of(&s, SignalKind::VolumeSpike);
    assert_eq!(vol.len(), 1, "{vol:#?}");
    assert_eq!(vol[0].path, "secret/data/apps/burst");
    assert!(vol[0].total >= 8, "{:?}", vol[0]);
    for src in &vol[0].evidence {
        let e = entries
            .iter()
            .find(|e| e.source == *src)
            .expect("evidence entry");
        assert_eq!(e.path, "secret/data/apps/burst");
    }
    // 3. alice (userpass) off hours: her login and her read; no machine identity.
    let off = of(&s, SignalKind::OffHours);
    assert_eq!(off.len(), 1, "{off:#?}");
    assert_eq!(off[0].identity, format!("userpass-{}", audit_traffic::USER));
    assert_eq!(off[0].total, 2, "{:?}", off[0]);
    let quiet = AnomalyConfig {
        work_start_min: 0,
        work_end_min: 24 * 60,
        work_days: 0b111_1111,
        ..AnomalyConfig::default()
    };
    assert!(of(&analyse(&[t.log_path()], &quiet).1, SignalKind::OffHours).is_empty());
    // 4. The two denied reads of the payments secret.
    let denied = of(&s, SignalKind::Denied);
    let mut who: Vec<(&str, &str, u64)> = denied
        .iter()
        .map(|d| (d.identity.as_str(), d.path.as_str(), d.total))
        .collect();
    who.sort();
    assert_eq!(
        who,
        [
            ("(no valid token)", audit_traffic::PAYMENTS_PATH, 1),
            ("token-nosy", audit_traffic::PAYMENTS_PATH, 1),
        ]
    );
    // 5. The failed logins from 127.0.0.2.
    let failed = of(&s, SignalKind::FailedLogins);
    assert_eq!(failed.len(), 1, "{failed:#?}");
    assert_eq!(failed[0].remote_address, "127.0.0.2");
    assert_eq!(failed[0].total, audit_traffic::FAILED_LOGINS as u64);
    assert_eq!(failed[0].evidence.len(), audit_traffic::FAILED_LOGINS);
    // 6. The 700h token (alice's login token has the dev default 768h, also above 7 days);
    // never the 1h tokens.
    let long = of(&s, SignalKind::LongTtlToken);
    let ttls: Vec<i64> = long
        .iter()
        .map(|l| {
            let e = entries
                .iter()
                .find(|e| e.source == l.evidence[0])
                .expect("evidence entry");
            e.created_token_ttl.expect("a created token")
        })
        .collect();
    assert!(ttls.contains(&audit_traffic::LONG_TTL_SECS), "{ttls:?}");
    assert!(ttls.iter().all(|t| *t > 7 * 86_400), "{ttls:?}");
    for sig in &s {
        assert!(!sig.summary.contains(audit_traffic::PAYMENTS_VALUE));
    }
}

fn report(home: &Path, files: &[PathBuf], format: &str) -> String {
    let out = common::strongroom_command(home)
        .args(["audit", "report", "--format", format])
        .args(files)
        .output()
        .expect("run strongroom");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(!stdout.contains(audit_traffic::PAYMENTS_VALUE));
    assert!(!stderr.contains(audit_traffic::PAYMENTS_VALUE));
    stdout
}

#[test]
fn audit_report_lists_the_known_traffic_in_every_format() {
    let t = AuditTraffic::start();
    wait_for_log(&t);
    let home = tempfile::tempdir().expect("home");
    let files = [t.log_path()];
    let md = report(home.path(), &files, "md");
    assert!(md.contains("## Access inventory"), "{md}");
    assert!(
        md.contains("| token-reader | secret/data/apps/payments | 4 | 0 |"),
        "{md}"
    );
    assert!(
        md.contains("| userpass-alice | secret/data/apps/payments | 1 | 0 |"),
        "{md}"
    );
    assert!(
        md.contains("| token | secret/data/apps/payments | 0 | 1 |"),
        "{md}"
    );
    assert!(
        md.contains(
            "| token-nosy | secret/data/apps/payments | read | 127.0.0.1 | permission denied |"
        ),
        "{md}"
    );
    assert_eq!(
        md.matches("| auth/userpass/login/alice | update | 127.0.0.2 | invalid credentials |")
            .count(),
        audit_traffic::FAILED_LOGINS,
        "{md}"
    );
    assert_eq!(
        md.matches("| token | reader | update | 127.0.0.1 | ok |")
            .count(),
        2,
        "{md}"
    );
    assert!(
        md.contains("| token | tmp | update | 127.0.0.1 | ok |"),
        "{md}"
    );
    assert!(
        md.contains("| token | tmp | delete | 127.0.0.1 | ok |"),
        "{md}"
    );
    assert!(md.contains("OpenBao does not audit"), "{md}");

    let csv = report(home.path(), &files, "csv");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], strongroom::audit::report_csv::HEADER);
    assert!(
        csv.contains("\naccess,,token-reader,secret/data/apps/payments,,,,4,0,"),
        "{csv}"
    );
    assert_eq!(
        lines
            .iter()
            .filter(|l| l.starts_with("policy_change,"))
            .count(),
        4,
        "{csv}"
    );
    assert_eq!(
        lines
            .iter()
            .filter(|l| l.starts_with("failed,") && l.contains("invalid credentials"))
            .count(),
        audit_traffic::FAILED_LOGINS
    );

    let json: serde_json::Value =
        serde_json::from_str(&report(home.path(), &files, "json")).expect("json");
    let policies: Vec<(String, String)> = json["policy_changes"]
        .as_array()
        .expect("policy_changes")
        .iter()
        .map(|p| {
            (
                p["subject"].as_str().unwrap_or("").to_string(),
                p["operation"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(
        policies,
        [
            ("reader", "update"),
            ("reader", "update"),
            ("tmp", "update"),
            ("tmp", "delete")
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
    let failed = json["failed"].as_array().expect("failed");
    assert_eq!(
        failed.len(),
        2 + audit_traffic::FAILED_LOGINS,
        "{failed:#?}"
    );
    let payments: Vec<&serde_json::Value> = json["access"]
        .as_array()
        .expect("access")
        .iter()
        .filter(|a| a["path"] == audit_traffic::PAYMENTS_PATH)
        .collect();
    assert_eq!(payments.len(), 3, "{payments:#?}");
    assert_eq!(json["totals"]["bad_lines"], 0);
}

#[test]
fn gzip_bad_lines_the_report_job_and_bad_arguments() {
    let t = AuditTraffic::start();
    wait_for_log(&t);
    let dir = tempfile::tempdir().expect("dir");
    let log = t.server.audit_log();
    // A rotated gzip file and a live file with junk and a truncated last line.
    let gz = dir.path().join("audit.log.1.gz");
    let mut enc = flate2::write::GzEncoder::new(
        std::fs::File::create(&gz).expect("gz"),
        flate2::Compression::fast(),
    );
    enc.write_all(log.as_bytes()).expect("write gz");
    enc.finish().expect("finish gz");
    let live = dir.path().join("audit.log");
    let first = log.lines().next().expect("a line");
    std::fs::write(&live, format!("\nnot json\n{}", &first[..first.len() / 2])).expect("live");
    let home = tempfile::tempdir().expect("home");
    let json: serde_json::Value =
        serde_json::from_str(&report(home.path(), &[gz.clone(), live.clone()], "json"))
            .expect("json");
    assert_eq!(json["totals"]["entries"], log.lines().count());
    assert_eq!(json["totals"]["bad_lines"], 2);
    assert_eq!(json["totals"]["blank_lines"], 1);
    // The job the audit screen starts: a 0600 file, `Done`.
    let out = dir.path().join("report.md");
    let scan = strongroom::audit::ScanSpec {
        logs: vec![strongroom::audit::NodeLog {
            label: "node1".into(),
            files: vec![gz, live],
        }],
        ..Default::default()
    };
    let opts = strongroom::audit::ReportOptions {
        unused_days: 30,
        rotation_days: 90,
        ..Default::default()
    };
    let mut events = Vec::new();
    let end = strongroom::audit::report_job::run_blocking(
        &scan,
        &out,
        strongroom::cli::ReportFormat::Md,
        &opts,
        &tokio_util::sync::CancellationToken::new(),
        &mut |e| events.push(e),
    );
    assert!(
        matches!(end, strongroom::jobs::JobEvent::Done(_)),
        "{end:?}"
    );
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&out)
        .expect("report file")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    let text = std::fs::read_to_string(&out).expect("read report");
    assert!(
        text.contains("| token-reader | secret/data/apps/payments | 4 | 0 |"),
        "{text}"
    );
    assert!(!text.contains(audit_traffic::PAYMENTS_VALUE));
    let mut left: Vec<String> = std::fs::read_dir(dir.path())
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(
        left,
        ["audit.log", "audit.log.1.gz", "report.md"],
        "no temporary file left"
    );
    // A missing file: exit 1 naming it; a bad --since: exit 1 naming the flag.
    let missing = common::strongroom_command(home.path())
        .args(["audit", "report", "/nonexistent/audit.log"])
        .output()
        .expect("run");
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("/nonexistent/audit.log"));
    let bad = common::strongroom_command(home.path())
        .args(["audit", "report", "--since", "soonish"])
        .arg(t.log_path())
        .output()
        .expect("run");
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--since"));
}
