//! The server log stream at 1,000 lines a second keeps frames under 16 ms and memory bounded
//! (issue 19, "Performance"). Printed as ratios, measured in this run on this machine.
//!
//! Lines shaped like real `sys/monitor` lines go through the same path as the live stream:
//! raw bytes → the job's [`LineSplitter`] (bounded, parsed, sanitised) → `LogBatch` reports of
//! 100 lines every 100 ms (the job's batching) → `App::update` → a full frame drawn on a
//! 200×50 `TestBackend` after each batch. About 10 s at 1,000 lines/s with the default cap
//! (5,000 lines), then 5 s more with a `/` filter set (every frame scans the whole buffer).
//!
//! Run: `cargo bench --bench logs` (no server needed).
// A benchmark: it prints its ratios, and a failed set-up step ends it with a message.
#![allow(clippy::expect_used, clippy::print_stdout)]

use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::TestBackend;

use strongroom::app::{App, AppInit};
use strongroom::command::{Command, Ticket};
use strongroom::config::{ConnectionProfile, TokenSource};
use strongroom::event::Msg;
use strongroom::jobs::{JobEvent, JobReport, JobSpec};
use strongroom::keymap::Keymap;
use strongroom::theme::ThemeRegistry;
use strongroom::ui::screens::Screen;
use strongroom::vault::monitor::{LineSplitter, LogBatch, StreamStatus};

const FRAME_TARGET_MS: f64 = 16.0;
const LINES_PER_SEC: usize = 1000;
const BATCH_EVERY: Duration = Duration::from_millis(100);
const MAIN_SECS: usize = 10;
const FILTER_SECS: usize = 5;

const MODULES: [&str; 5] = [
    "core",
    "storage.raft",
    "core.cluster-listener",
    "expiration",
    "auth.approle",
];
const LEVELS: [&str; 5] = ["TRACE", "DEBUG", "INFO ", "WARN ", "ERROR"];

/// Raw bytes of `n` monitor lines starting at `i`, as the server sends them.
fn raw_lines(i: usize, n: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(n * 120);
    for k in i..i + n {
        let line = format!(
            "2026-11-23T13:{:02}:{:02}.{:03}Z [{}] {}: successful mount: namespace=\"\" path=tmp{k}/ type=kv version=\"\" request_id={k:08x}\n",
            (k / 60_000) % 60,
            (k / 1000) % 60,
            k % 1000,
            LEVELS[k % 5],
            MODULES[k % 5],
        );
        out.extend_from_slice(line.as_bytes());
    }
    out
}

fn app() -> App {
    let profile = ConnectionProfile {
        token_source: TokenSource::Flag,
        ..ConnectionProfile::new("bench", vec!["http://127.0.0.1:8200".into()])
    };
    let mut app = App::new(AppInit {
        profile: profile.clone(),
        contexts: vec![profile],
        theme: "default".into(),
        themes: ThemeRegistry::load(None, false),
        keymap: Keymap::load(None).0,
        poll_interval: Duration::from_secs(2),
        force_read_only: false,
        warnings: vec![],
        now: chrono::Utc::now(),
    });
    let _ = app.start();
    app.size = (200, 50);
    app
}

fn ticket(cmds: &[Command]) -> Ticket {
    cmds.iter()
        .find_map(|c| match c {
            Command::StartJob {
                ticket,
                spec: JobSpec::Monitor { .. },
            } => Some(ticket.clone()),
            _ => None,
        })
        .expect("the monitor job")
}

fn report(app: &mut App, t: &Ticket, batch: LogBatch) {
    app.update(Msg::Job {
        ticket: t.clone(),
        event: JobEvent::Report(Box::new(JobReport::Log(batch))),
    });
}

fn rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

struct Run {
    frames_ms: Vec<f64>,
    update_ms: Vec<f64>,
}

/// Feed `secs` seconds at the target rate, paced in real time; a frame after each batch.
fn feed(
    app: &mut App,
    t: &Ticket,
    term: &mut Terminal<TestBackend>,
    start: usize,
    secs: usize,
) -> Run {
    let per_batch = LINES_PER_SEC * BATCH_EVERY.as_millis() as usize / 1000;
    let batches = secs * 1000 / BATCH_EVERY.as_millis() as usize;
    let mut run = Run {
        frames_ms: Vec::with_capacity(batches),
        update_ms: Vec::with_capacity(batches),
    };
    let mut splitter = LineSplitter::default();
    let begin = Instant::now();
    for b in 0..batches {
        let raw = raw_lines(start + b * per_batch, per_batch);
        let u0 = Instant::now();
        let mut lines = Vec::with_capacity(per_batch);
        splitter.push(&raw, &mut lines);
        report(
            app,
            t,
            LogBatch {
                lines,
                status: None,
            },
        );
        run.update_ms.push(u0.elapsed().as_secs_f64() * 1000.0);
        let f0 = Instant::now();
        term.draw(|f| strongroom::ui::draw(f, app)).expect("draw");
        run.frames_ms.push(f0.elapsed().as_secs_f64() * 1000.0);
        // Real time: the next batch is due BATCH_EVERY after this one's.
        let due = begin + BATCH_EVERY * (b as u32 + 1);
        if let Some(wait) = due.checked_duration_since(Instant::now()) {
            std::thread::sleep(wait);
        }
    }
    run
}

fn pct(v: &[f64], p: f64) -> f64 {
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    s[((s.len() as f64 - 1.0) * p).round() as usize]
}

fn print(name: &str, r: &Run) {
    let max = pct(&r.frames_ms, 1.0);
    let p99 = pct(&r.frames_ms, 0.99);
    let p50 = pct(&r.frames_ms, 0.5);
    println!(
        "{name:<22} frames {:4}  p50 {p50:6.2} ms  p99 {p99:6.2} ms  max {max:6.2} ms  target {FRAME_TARGET_MS} ms  ratio p99 {:.2} max {:.2}",
        r.frames_ms.len(),
        p99 / FRAME_TARGET_MS,
        max / FRAME_TARGET_MS,
    );
    println!(
        "{:<22} update per 100-line batch (split, parse, sanitise, store): p99 {:6.2} ms  max {:6.2} ms",
        "",
        pct(&r.update_ms, 0.99),
        pct(&r.update_ms, 1.0),
    );
}

fn main() {
    let mut app = app();
    let rss0 = rss_kb();
    let t = ticket(&app.run_command("logs"));
    report(
        &mut app,
        &t,
        LogBatch {
            lines: vec![],
            status: Some(StreamStatus::Connected {
                at: chrono::Utc::now(),
            }),
        },
    );
    let mut term = Terminal::new(TestBackend::new(200, 50)).expect("terminal");
    let main = feed(&mut app, &t, &mut term, 0, MAIN_SECS);
    let (len, bytes, cap, dropped) = match app.screen() {
        Screen::Logs(s) => (
            s.buffer.len(),
            s.buffer.bytes(),
            s.buffer.cap(),
            s.buffer.dropped,
        ),
        _ => panic!("not on the log screen"),
    };
    let rss1 = rss_kb();
    if let Screen::Logs(s) = app.screen_mut() {
        s.set_filter("approle".into());
    }
    let filtered = feed(
        &mut app,
        &t,
        &mut term,
        MAIN_SECS * LINES_PER_SEC,
        FILTER_SECS,
    );
    let rss2 = rss_kb();

    println!(
        "strongroom log stream benchmark: {LINES_PER_SEC} lines/s in batches every {} ms, 200×50 frames (TestBackend)",
        BATCH_EVERY.as_millis()
    );
    print("following", &main);
    print("filter \"approle\"", &filtered);
    println!(
        "buffer after {MAIN_SECS} s: {len} lines (cap {cap}, ratio {:.2}), {dropped} dropped, {:.1} KiB kept ({:.0} bytes/line)",
        len as f64 / cap as f64,
        bytes as f64 / 1024.0,
        bytes as f64 / len.max(1) as f64,
    );
    println!(
        "process RSS: {:.1} MB before, {:.1} MB after {MAIN_SECS} s, {:.1} MB after {} s (bounded: no growth once the cap is reached)",
        rss0 as f64 / 1024.0,
        rss1 as f64 / 1024.0,
        rss2 as f64 / 1024.0,
        MAIN_SECS + FILTER_SECS,
    );
}
