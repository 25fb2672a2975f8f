//! The server log stream against a real `bao server -dev`: the `Monitor` job through the real
//! worker receives a line the test provokes (a KV mount at a random path), the level filter
//! holds it back at `error`, a node restart (same port, same root token) shows as a loss then a
//! new connection with the new process's lines, a sealed node is reported as sealed and
//! retried, a discovered (not configured) node is refused, and a cancel ends the job.
// Test crate: helpers outside #[test] fns fail the test with a message via expect.
#![allow(clippy::expect_used)]

mod common;

use std::time::Duration;

use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use common::dev::{DevServer, http_request};
use strongroom::jobs::{JobEvent, JobReport, JobSpec};
use strongroom::vault::monitor::{LogBatch, LogLevel, LossKind, StreamStatus};
use strongroom::vault::worker::Worker;

/// The longest a test waits for one expected event (bounded; never a timed assertion).
const WAIT: Duration = Duration::from_secs(30);

struct Running {
    rx: mpsc::UnboundedReceiver<JobEvent>,
    cancel: CancellationToken,
    task: tokio::task::JoinHandle<JobEvent>,
}

fn start(dev: &DevServer, addr: &str, level: LogLevel) -> Running {
    let profile = common::profile_for(std::slice::from_ref(&dev.addr), Some(&dev.root_token));
    let worker = Worker::new(&profile).expect("worker");
    let (tx, rx) = mpsc::unbounded_channel();
    let cancel = CancellationToken::new();
    let spec = JobSpec::Monitor {
        addr: addr.to_string(),
        level,
    };
    let c = cancel.clone();
    let task = tokio::spawn(async move {
        let mut emit = move |e: JobEvent| {
            let _ = tx.send(e);
        };
        strongroom::vault::jobs::run(&worker, spec, &c, &mut emit).await
    });
    Running { rx, cancel, task }
}

fn batch(e: JobEvent) -> Option<LogBatch> {
    match e {
        JobEvent::Report(r) => match *r {
            JobReport::Log(b) => Some(b),
            _ => None,
        },
        _ => None,
    }
}

impl Running {
    /// Batches until `pred` holds for one (bounded by [`WAIT`]); every batch seen, in order.
    async fn until(&mut self, what: &str, pred: impl Fn(&LogBatch) -> bool) -> Vec<LogBatch> {
        let mut seen = Vec::new();
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let e = tokio::time::timeout_at(deadline, self.rx.recv())
                .await
                .unwrap_or_else(|_| panic!("no {what} within {WAIT:?}; saw {seen:#?}"))
                .expect("the job ended");
            if let Some(b) = batch(e) {
                let done = pred(&b);
                seen.push(b);
                if done {
                    return seen;
                }
            }
        }
    }

    async fn connected(&mut self) {
        self.until("connection", |b| {
            matches!(b.status, Some(StreamStatus::Connected { .. }))
        })
        .await;
    }

    async fn stop(self) {
        self.cancel.cancel();
        let last = tokio::time::timeout(WAIT, self.task)
            .await
            .expect("the job ends at once when cancelled")
            .expect("the job task");
        assert!(matches!(last, JobEvent::Done(_)), "{last:?}");
    }
}

fn mount(dev: &DevServer, path: &str) {
    let r = http_request(
        dev.port,
        "POST",
        &format!("/v1/sys/mounts/{path}"),
        Some(&dev.root_token),
        r#"{"type":"kv"}"#,
    );
    assert_eq!(r.map(|(c, _)| c), Some(204), "mounting {path}");
}

fn has_mount_line(b: &LogBatch, path: &str) -> bool {
    b.lines.iter().any(|l| {
        l.message.contains("successful mount") && l.message.contains(&format!("path={path}/"))
    })
}

fn random_path() -> String {
    format!(
        "tmp{}",
        std::process::id() ^ (chrono::Utc::now().timestamp_subsec_nanos())
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_provoked_line_arrives_parsed_and_cancel_ends_the_job() {
    let dev = DevServer::start();
    let mut job = start(&dev, &dev.addr, LogLevel::Info);
    job.connected().await;
    let path = random_path();
    mount(&dev, &path);
    let seen = job
        .until("the mount line", |b| has_mount_line(b, &path))
        .await;
    let line = seen
        .iter()
        .flat_map(|b| &b.lines)
        .find(|l| l.message.contains(&format!("path={path}/")))
        .expect("the line");
    assert_eq!(line.level, Some(LogLevel::Info));
    assert_eq!(line.module, "core");
    assert!(line.time.is_some());
    job.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_error_level_the_info_line_does_not_come() {
    let dev = DevServer::start();
    let mut errors = start(&dev, &dev.addr, LogLevel::Error);
    let mut infos = start(&dev, &dev.addr, LogLevel::Info);
    errors.connected().await;
    infos.connected().await;
    let path = random_path();
    mount(&dev, &path);
    // The info stream sees the line: by then the error stream has had it too, if at all.
    infos
        .until("the mount line", |b| has_mount_line(b, &path))
        .await;
    // A second line on the info stream as a barrier, then drain the error stream.
    let second = format!("{path}b");
    mount(&dev, &second);
    infos
        .until("the second mount line", |b| has_mount_line(b, &second))
        .await;
    while let Ok(e) = errors.rx.try_recv() {
        if let Some(b) = batch(e) {
            assert!(
                !b.lines
                    .iter()
                    .any(|l| l.message.contains("successful mount")),
                "an info line on the error stream: {b:?}"
            );
        }
    }
    errors.stop().await;
    infos.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_restart_is_a_loss_then_lines_of_the_new_process() {
    let mut dev = DevServer::start();
    let mut job = start(&dev, &dev.addr, LogLevel::Info);
    job.connected().await;
    dev.restart_dev();
    let seen = job
        .until("a loss", |b| {
            matches!(b.status, Some(StreamStatus::Lost { .. }))
        })
        .await;
    let Some(StreamStatus::Lost { kind, reason, .. }) = seen.last().and_then(|b| b.status.clone())
    else {
        panic!("no loss")
    };
    assert!(!reason.is_empty());
    assert!(
        matches!(kind, LossKind::Error | LossKind::Sealed),
        "{kind:?}"
    );
    job.connected().await;
    let path = random_path();
    mount(&dev, &path);
    job.until("the new process's mount line", |b| has_mount_line(b, &path))
        .await;
    job.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sealed_node_is_reported_sealed_and_retried() {
    let dev = DevServer::start();
    dev.seal();
    let mut job = start(&dev, &dev.addr, LogLevel::Info);
    // Two sealed answers in a row: it keeps trying.
    for _ in 0..2 {
        let seen = job
            .until("a sealed loss", |b| {
                matches!(
                    b.status,
                    Some(StreamStatus::Lost {
                        kind: LossKind::Sealed,
                        ..
                    })
                )
            })
            .await;
        assert!(
            !seen
                .iter()
                .any(|b| matches!(b.status, Some(StreamStatus::Connected { .. })))
        );
    }
    job.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_not_configured_is_refused() {
    let dev = DevServer::start();
    let other = format!("http://127.0.0.1:{}", common::free_port());
    let job = start(&dev, &other, LogLevel::Info);
    let last = tokio::time::timeout(WAIT, job.task)
        .await
        .expect("refused at once")
        .expect("the job task");
    match last {
        JobEvent::Failed(e) => assert!(e.to_string().contains("not"), "{e}"),
        other => panic!("not refused: {other:?}"),
    }
}
