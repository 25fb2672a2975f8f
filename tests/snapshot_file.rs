//! The snapshot save's file handling against a scripted HTTP server on 127.0.0.1 (a real
//! OpenBao cannot be made slow or huge on demand): a save cancelled mid-stream leaves neither
//! the partial file nor the target; a reply that announces more than the bound is refused
//! before a file is made; a server error leaves nothing; a complete save is 0600 with the
//! SHA-256 of its bytes and no partial file beside it. Every wait is bounded.
// Test crate: helpers outside #[test] fns fail the test with a message via expect.
#![allow(clippy::expect_used)]

use std::path::Path;
use std::time::Duration;

use sha2::Digest;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use strongroom::vault::client::{ClientSettings, VaultClient};
use strongroom::vault::snapshot::{SnapshotError, partial_path, save_snapshot};

/// Serve one connection: read the request head, write `head`, then each chunk of `body`
/// (chunked encoding), then either end the body or hang for `hang`.
async fn serve_once(head: &'static str, body: Vec<Vec<u8>>, end: bool) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move {
        let Ok((mut sock, _)) = listener.accept().await else {
            return;
        };
        let mut buf = vec![0u8; 4096];
        let mut seen = Vec::new();
        while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
            match tokio::time::timeout(Duration::from_secs(5), sock.read(&mut buf)).await {
                Ok(Ok(n)) if n > 0 => seen.extend_from_slice(&buf[..n]),
                _ => return,
            }
        }
        let _ = sock.write_all(head.as_bytes()).await;
        for chunk in body {
            let _ = sock
                .write_all(format!("{:x}\r\n", chunk.len()).as_bytes())
                .await;
            let _ = sock.write_all(&chunk).await;
            let _ = sock.write_all(b"\r\n").await;
        }
        if end {
            let _ = sock.write_all(b"0\r\n\r\n").await;
        } else {
            tokio::time::sleep(Duration::from_secs(20)).await;
        }
    });
    addr
}

const CHUNKED: &str =
    "HTTP/1.1 200 OK\r\nContent-Type: application/gzip\r\nTransfer-Encoding: chunked\r\n\r\n";

fn client(addr: &str) -> VaultClient {
    VaultClient::connect(addr, ClientSettings::default()).expect("client")
}

fn entries(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .expect("dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[tokio::test]
async fn a_cancelled_save_leaves_no_file() {
    let addr = serve_once(CHUNKED, vec![vec![7u8; 1000]], false).await;
    let dir = tempfile::tempdir().expect("dir");
    let target = dir.path().join("s.snap");
    let cancel = CancellationToken::new();
    let c2 = cancel.clone();
    let mut seen = 0;
    let mut progress = |b: u64| {
        seen = b;
        c2.cancel();
    };
    let r = tokio::time::timeout(
        Duration::from_secs(15),
        save_snapshot(&client(&addr), &target, &cancel, &mut progress),
    )
    .await
    .expect("the cancel ends the save");
    assert!(matches!(r, Err(SnapshotError::Cancelled)), "{r:?}");
    assert_eq!(seen, 1000, "progress in bytes");
    assert!(!target.exists());
    assert!(!partial_path(&target).exists());
    assert_eq!(entries(dir.path()), Vec::<String>::new());
}

#[tokio::test]
async fn a_snapshot_over_the_bound_is_refused_before_any_file() {
    let addr = serve_once(
        "HTTP/1.1 200 OK\r\nContent-Length: 5000000000\r\n\r\n",
        vec![],
        false,
    )
    .await;
    let dir = tempfile::tempdir().expect("dir");
    let target = dir.path().join("big.snap");
    let r = save_snapshot(
        &client(&addr),
        &target,
        &CancellationToken::new(),
        &mut |_| {},
    )
    .await;
    assert!(matches!(r, Err(SnapshotError::TooLarge)), "{r:?}");
    assert_eq!(entries(dir.path()), Vec::<String>::new());
}

#[tokio::test]
async fn a_server_error_leaves_nothing() {
    let addr = serve_once(
        "HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\nContent-Length: 71\r\n\r\n{\"errors\":[\"raft error when taking snapshot: nothing new to snapshot\"]}",
        vec![],
        false,
    )
    .await;
    let dir = tempfile::tempdir().expect("dir");
    let target = dir.path().join("s.snap");
    let r = save_snapshot(
        &client(&addr),
        &target,
        &CancellationToken::new(),
        &mut |_| {},
    )
    .await;
    let e = r.expect_err("a failure").to_string();
    assert!(e.contains("nothing new to snapshot"), "{e}");
    assert_eq!(entries(dir.path()), Vec::<String>::new());
}

#[tokio::test]
async fn a_complete_save_is_private_with_its_checksum() {
    let chunks = vec![vec![1u8; 4096], vec![2u8; 10], b"end".to_vec()];
    let all: Vec<u8> = chunks.concat();
    let addr = serve_once(CHUNKED, chunks, true).await;
    let dir = tempfile::tempdir().expect("dir");
    let target = dir.path().join("ok.snap");
    let saved = save_snapshot(
        &client(&addr),
        &target,
        &CancellationToken::new(),
        &mut |_| {},
    )
    .await
    .expect("saved");
    assert_eq!(saved.bytes, all.len() as u64);
    let hex: String = sha2::Sha256::digest(&all)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(saved.sha256, hex);
    assert_eq!(std::fs::read(&target).expect("file"), all);
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&target)
        .expect("meta")
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o600);
    assert_eq!(entries(dir.path()), vec!["ok.snap".to_string()]);
}

#[tokio::test]
async fn a_save_dropped_mid_stream_leaves_no_partial_file() {
    let addr = serve_once(CHUNKED, vec![vec![9u8; 500]], false).await;
    let dir = tempfile::tempdir().expect("dir");
    let target = dir.path().join("s.snap");
    let cancel = CancellationToken::new();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<u64>();
    let mut progress = move |b: u64| {
        let _ = tx.send(b);
    };
    let c = client(&addr);
    let mut save = Box::pin(save_snapshot(&c, &target, &cancel, &mut progress));
    // Run the save until the first bytes are on disk, then drop it (as a shutdown would).
    tokio::select! {
        r = &mut save => panic!("the save ended: {r:?}"),
        b = rx.recv() => assert_eq!(b, Some(500)),
    }
    assert!(
        partial_path(&target).exists(),
        "the partial file while saving"
    );
    drop(save);
    assert_eq!(entries(dir.path()), Vec::<String>::new());
}
