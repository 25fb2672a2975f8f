//! A tiny HTTP/1.1 server on 127.0.0.1 for hostile-server tests: it answers with whatever a test
//! crafts (odd bodies, huge bodies, lying `Content-Length`s, long fields, listed addresses on other
//! ports and schemes) and records every request's method, path and headers, so a test can assert
//! what reached it (the token, above all). One thread per connection, `Connection: close`,
//! stopped on drop. Loopback only; every loop is bounded.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// One request as the server saw it. Header names are lower-case.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    /// The request target, query included.
    pub target: String,
    pub headers: BTreeMap<String, String>,
}

impl Seen {
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or("")
    }
}

/// What to answer.
pub enum Reply {
    /// A JSON (or any) body with this status.
    Body { status: u16, body: Vec<u8> },
    /// Claims `Content-Length: claimed`, then sends at most `send` bytes of `x`.
    LyingLength { claimed: u64, send: usize },
    /// A chunked body of `x` that goes on until the client hangs up or `max` bytes were sent.
    Endless { max: usize },
}

impl Reply {
    pub fn json(status: u16, v: &serde_json::Value) -> Reply {
        Reply::Body {
            status,
            body: v.to_string().into_bytes(),
        }
    }
}

type Handler = dyn Fn(&Seen) -> Reply + Send + Sync;

pub struct HostileServer {
    pub port: u16,
    /// `http://127.0.0.1:<port>`.
    pub addr: String,
    seen: Arc<Mutex<Vec<Seen>>>,
    /// Bytes of body written in all (to tell that a huge reply was cut short).
    pub body_bytes_sent: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl HostileServer {
    pub fn start(handler: impl Fn(&Seen) -> Reply + Send + Sync + 'static) -> HostileServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        listener.set_nonblocking(true).expect("nonblocking");
        let port = listener.local_addr().expect("local addr").port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sent = Arc::new(AtomicU64::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let handler: Arc<Handler> = Arc::new(handler);
        let thread = {
            let (seen, sent, stop) = (seen.clone(), sent.clone(), stop.clone());
            std::thread::spawn(move || {
                // Bounded: the test drops the server within minutes; at most 20,000 connections.
                let mut accepted = 0;
                while !stop.load(Ordering::Relaxed) && accepted < 20_000 {
                    match listener.accept() {
                        Ok((stream, _)) => {
                            accepted += 1;
                            let (seen, sent, handler) =
                                (seen.clone(), sent.clone(), handler.clone());
                            std::thread::spawn(move || serve(stream, &seen, &sent, &*handler));
                        }
                        Err(_) => std::thread::sleep(Duration::from_millis(5)),
                    }
                }
            })
        };
        HostileServer {
            port,
            addr: format!("http://127.0.0.1:{port}"),
            seen,
            body_bytes_sent: sent,
            stop,
            thread: Some(thread),
        }
    }

    /// Every request so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

impl Drop for HostileServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn serve(stream: TcpStream, seen: &Mutex<Vec<Seen>>, sent: &AtomicU64, handler: &Handler) {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let _ = stream.set_write_timeout(Some(Duration::from_secs(5)));
    let Ok(read_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(read_half.take(64 * 1024));
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() || line.is_empty() {
        return;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or("").to_string();
    let target = parts.next().unwrap_or("").to_string();
    let mut headers = BTreeMap::new();
    for _ in 0..200 {
        let mut h = String::new();
        if reader.read_line(&mut h).is_err() {
            return;
        }
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
        }
    }
    let req = Seen {
        method,
        target,
        headers,
    };
    seen.lock()
        .unwrap_or_else(|p| p.into_inner())
        .push(req.clone());
    let mut out = stream;
    let head = |status: u16, extra: &str| {
        format!(
            "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nConnection: close\r\n{extra}\r\n"
        )
    };
    match handler(&req) {
        Reply::Body { status, body } => {
            let h = head(status, &format!("Content-Length: {}\r\n", body.len()));
            if out.write_all(h.as_bytes()).is_ok() && out.write_all(&body).is_ok() {
                sent.fetch_add(body.len() as u64, Ordering::Relaxed);
            }
        }
        Reply::LyingLength { claimed, send } => {
            let h = head(200, &format!("Content-Length: {claimed}\r\n"));
            if out.write_all(h.as_bytes()).is_err() {
                return;
            }
            let chunk = vec![b'x'; 64 * 1024];
            let mut left = send;
            while left > 0 {
                let n = left.min(chunk.len());
                if out.write_all(&chunk[..n]).is_err() {
                    return;
                }
                sent.fetch_add(n as u64, Ordering::Relaxed);
                left -= n;
            }
        }
        Reply::Endless { max } => {
            if out
                .write_all(head(200, "Transfer-Encoding: chunked\r\n").as_bytes())
                .is_err()
            {
                return;
            }
            let data = vec![b'x'; 64 * 1024];
            let mut chunk = format!("{:x}\r\n", data.len()).into_bytes();
            chunk.extend_from_slice(&data);
            chunk.extend_from_slice(b"\r\n");
            let mut total = 0;
            while total < max {
                if out.write_all(&chunk).is_err() {
                    return;
                }
                total += data.len();
                sent.fetch_add(data.len() as u64, Ordering::Relaxed);
            }
            let _ = out.write_all(b"0\r\n\r\n");
        }
    }
    let _ = out.flush();
}

/// A `sys/health` body of an unsealed node (`standby` as asked).
pub fn health_body(standby: bool) -> serde_json::Value {
    serde_json::json!({
        "initialized": true, "sealed": false, "standby": standby,
        "performance_standby": false, "replication_performance_mode": "disabled",
        "replication_dr_mode": "disabled", "server_time_utc": chrono::Utc::now().timestamp(),
        "version": "2.7.2", "cluster_name": "hostile", "cluster_id": "0000-hostile",
        "enterprise": false, "echo_duration_ms": 0, "clock_skew_ms": 0
    })
}

/// A `sys/seal-status` body of an unsealed Shamir node.
pub fn seal_body() -> serde_json::Value {
    serde_json::json!({
        "type": "shamir", "initialized": true, "sealed": false, "t": 3, "n": 5,
        "progress": 0, "nonce": "", "version": "2.7.2", "build_date": "2026-10-26T20:32:27Z",
        "migration": false, "cluster_name": "hostile", "cluster_id": "0000-hostile",
        "recovery_seal": false, "storage_type": "raft"
    })
}

/// The usual answers of an unsealed node; `None` for any other path.
pub fn node_reply(seen: &Seen, standby: bool, leader: &str) -> Option<Reply> {
    match seen.path() {
        "/v1/sys/health" => Some(Reply::json(
            if standby { 429 } else { 200 },
            &health_body(standby),
        )),
        "/v1/sys/seal-status" => Some(Reply::json(200, &seal_body())),
        "/v1/sys/leader" => Some(Reply::json(
            200,
            &serde_json::json!({
                "ha_enabled": true, "is_self": !standby, "active_time": "0001-01-01T00:00:00Z",
                "leader_address": leader, "leader_cluster_address": "",
                "performance_standby": false, "raft_committed_index": 1, "raft_applied_index": 1
            }),
        )),
        _ => None,
    }
}

/// The header that carries the token, if the request had one.
pub fn token_of(seen: &Seen) -> Option<&str> {
    seen.headers.get("x-vault-token").map(String::as_str)
}
