//! The KV browser with a 100,000-key folder, against the targets of the secrets issue, printed
//! as ratios (measured / target: under 1.0 is met), measured in this run:
//! - the process holds the folder in under 100 MB RSS (the folder arrives as a LIST answer
//!   through `App::update`, as in the console; RSS read from /proc/self/status),
//! - a frame at 200×60 draws in under 2 ms (median of 300 frames, the selection moving),
//! - a filter keystroke answers in under 16 ms (median of the keystrokes of three filters, each
//!   one `App::update` of a key in the `/` line).
//!
//! Run: `cargo bench --bench kv_browser` (no server needed: the update and draw code is what is
//! measured; the LIST itself is measured by `kv_walk`).
#![allow(clippy::expect_used, clippy::print_stdout, clippy::print_stderr)]

use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use strongroom::app::{App, AppInit};
use strongroom::command::{Command, Request};
use strongroom::config::ConnectionProfile;
use strongroom::event::Msg;
use strongroom::keymap::Keymap;
use strongroom::reply::Reply;
use strongroom::theme::ThemeRegistry;
use strongroom::vault::kv_area::{KvReply, KvRequest, OpenAs, Resolved};
use strongroom::vault::models::kv::KvVersion;

const KEYS: usize = 100_000;
const RSS_TARGET_MB: f64 = 100.0;
const FRAME_TARGET_MS: f64 = 2.0;
const KEY_TARGET_MS: f64 = 16.0;
const FRAMES: usize = 300;

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        eprintln!("kv_browser: a benchmark; run it with `cargo bench --bench kv_browser`");
        return;
    }
    let rss_before = rss_mb();
    let now = Utc.timestamp_opt(1_795_393_047, 0).single().expect("time");
    let p = ConnectionProfile::new("bench", vec!["http://127.0.0.1:8200".to_string()]);
    let mut app = App::new(AppInit {
        profile: p.clone(),
        contexts: vec![p],
        theme: "default".into(),
        themes: ThemeRegistry::load(None, false),
        keymap: Keymap::load(None).0,
        poll_interval: Duration::from_secs(2),
        force_read_only: false,
        warnings: vec![],
        now,
    });
    let _ = app.start();
    // `:cd secret/big/`, resolved, then the LIST answer of 100,000 keys.
    let cmds = type_line(&mut app, ":cd secret/big/");
    let ticket = fetch_ticket(&cmds);
    let cmds = app.update(Msg::Vault {
        ticket,
        reply: Reply::Kv(KvReply::Resolved {
            then: OpenAs::Browse,
            result: Ok(Resolved {
                mount: "secret/".into(),
                kv: KvVersion::V2,
                path: "big/".into(),
            }),
        }),
    });
    let ticket = fetch_ticket(&cmds);
    let keys: Vec<String> = (0..KEYS)
        .map(|i| {
            if i % 10 == 0 {
                format!("team-{:05}/", i / 10)
            } else {
                format!("service-{i:06}-{}", ["api", "db", "cache", "queue"][i % 4])
            }
        })
        .collect();
    app.update(Msg::Vault {
        ticket,
        reply: Reply::Kv(KvReply::List {
            mount: "secret/".into(),
            folder: "big/".into(),
            result: Ok(keys),
        }),
    });
    let rss = rss_mb();
    let listed = |app: &App| match app.screen() {
        strongroom::ui::screens::Screen::Secrets(s) => s.visible().len(),
        _ => 0,
    };
    assert_eq!(listed(&app), KEYS, "the browser holds the folder");

    let mut term = Terminal::new(TestBackend::new(200, 60)).expect("terminal");
    let mut frames = Vec::with_capacity(FRAMES);
    for i in 0..FRAMES {
        // Move through the folder: a page down every tenth frame, a row otherwise.
        let key = if i % 10 == 0 {
            KeyCode::PageDown
        } else {
            KeyCode::Down
        };
        app.update(Msg::Key(KeyEvent::new(key, KeyModifiers::NONE)));
        let t = Instant::now();
        term.draw(|f| strongroom::ui::draw(f, &app)).expect("draw");
        frames.push(t.elapsed());
    }
    let frame = median(frames);

    let mut keystrokes = Vec::new();
    for filter in ["service-0", "db", "team-0042"] {
        app.update(key('/'));
        for c in filter.chars() {
            let t = Instant::now();
            app.update(key(c));
            keystrokes.push(t.elapsed());
        }
        let n = listed(&app);
        assert!(
            n > 0 && n < KEYS,
            "the filter {filter} narrowed the list: {n}"
        );
        // `esc` in the `/` line clears the filter.
        app.update(Msg::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)));
        assert_eq!(listed(&app), KEYS);
    }
    let keystroke = median(keystrokes);

    println!("strongroom KV browser benchmark: one folder of {KEYS} keys (10% folders)");
    println!(
        "RSS holding the folder   {rss:8.1} MB  (before the app: {rss_before:.1} MB)  target {RSS_TARGET_MB} MB  ratio {:.2}",
        rss / RSS_TARGET_MB
    );
    println!(
        "frame at 200x60          {:8.3} ms  median of {FRAMES}  target {FRAME_TARGET_MS} ms  ratio {:.2}",
        ms(frame),
        ms(frame) / FRAME_TARGET_MS
    );
    println!(
        "filter keystroke         {:8.3} ms  median  target {KEY_TARGET_MS} ms  ratio {:.2}",
        ms(keystroke),
        ms(keystroke) / KEY_TARGET_MS
    );
}

fn key(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

fn type_line(app: &mut App, line: &str) -> Vec<Command> {
    let mut cmds = Vec::new();
    for c in line.chars() {
        cmds.extend(app.update(key(c)));
    }
    cmds.extend(app.update(Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE))));
    cmds
}

fn fetch_ticket(cmds: &[Command]) -> strongroom::command::Ticket {
    cmds.iter()
        .find_map(|c| match c {
            Command::Fetch {
                ticket,
                request: Request::Kv(KvRequest::Resolve { .. } | KvRequest::List { .. }),
            } => Some(ticket.clone()),
            _ => None,
        })
        .expect("a KV fetch")
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}
