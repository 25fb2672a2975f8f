//! The baselines of the KV walk benchmark, with no HTTP library: raw HTTP/1.1 keep-alive
//! connections over std::net (Content-Length or chunked answers), a 32-way concurrent LIST walk
//! sharing one queue of folders, and one raw SCAN; and, where curl is installed, a curl walk.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

/// One raw HTTP/1.1 keep-alive connection.
pub struct Conn {
    r: BufReader<TcpStream>,
}

impl Conn {
    pub fn open(port: u16) -> Conn {
        let s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        s.set_nodelay(true).expect("nodelay");
        s.set_read_timeout(Some(Duration::from_secs(30)))
            .expect("timeout");
        Conn {
            r: BufReader::new(s),
        }
    }

    /// Send one request and read the whole answer (Content-Length or chunked); the JSON body.
    pub fn call(&mut self, method: &str, path: &str, token: &str) -> (u16, Value) {
        write!(
            self.r.get_mut(),
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Vault-Token: {token}\r\n\r\n"
        )
        .expect("write");
        let mut line = String::new();
        self.r.read_line(&mut line).expect("status line");
        let status: u16 = line
            .split_whitespace()
            .nth(1)
            .and_then(|c| c.parse().ok())
            .expect("status");
        let (mut length, mut chunked) = (None, false);
        for _ in 0..100 {
            line.clear();
            self.r.read_line(&mut line).expect("header");
            let h = line.trim_end().to_ascii_lowercase();
            if h.is_empty() {
                break;
            }
            if let Some(v) = h.strip_prefix("content-length:") {
                length = v.trim().parse::<usize>().ok();
            } else if h.starts_with("transfer-encoding:") && h.contains("chunked") {
                chunked = true;
            }
        }
        let mut body = Vec::new();
        if chunked {
            for _ in 0..1_000_000 {
                line.clear();
                self.r.read_line(&mut line).expect("chunk size");
                let size = usize::from_str_radix(line.trim(), 16).expect("chunk size");
                let start = body.len();
                body.resize(start + size + 2, 0);
                self.r.read_exact(&mut body[start..]).expect("chunk");
                body.truncate(start + size);
                if size == 0 {
                    break;
                }
            }
        } else {
            body.resize(length.unwrap_or(0), 0);
            self.r.read_exact(&mut body).expect("body");
        }
        let v = if body.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&body).expect("JSON")
        };
        (status, v)
    }
}

fn keys_of(v: &Value) -> Vec<String> {
    v["data"]["keys"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|k| k.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// The baseline: `ways` threads, one keep-alive connection each, one shared queue of folders.
pub fn concurrent_walk(port: u16, token: &str, ways: usize) -> (Duration, usize, usize) {
    struct Shared {
        queue: VecDeque<String>,
        /// Folders queued or being listed.
        pending: usize,
        leaves: usize,
        lists: usize,
    }
    let t = Instant::now();
    let state = Arc::new((
        Mutex::new(Shared {
            queue: VecDeque::from(["bench/".to_string()]),
            pending: 1,
            leaves: 0,
            lists: 0,
        }),
        Condvar::new(),
    ));
    let threads: Vec<_> = (0..ways)
        .map(|_| {
            let state = Arc::clone(&state);
            let token = token.to_string();
            std::thread::spawn(move || {
                let mut conn = Conn::open(port);
                let (lock, cv) = &*state;
                loop {
                    let folder = {
                        let mut s = lock.lock().expect("lock");
                        loop {
                            if let Some(f) = s.queue.pop_front() {
                                break Some(f);
                            }
                            if s.pending == 0 {
                                break None;
                            }
                            s = cv.wait_timeout(s, Duration::from_secs(10)).expect("wait").0;
                        }
                    };
                    let Some(folder) = folder else {
                        cv.notify_all();
                        return;
                    };
                    let (status, v) = conn.call(
                        "GET",
                        &format!("/v1/secret/metadata/{folder}?list=true"),
                        &token,
                    );
                    assert_eq!(status, 200, "LIST {folder}");
                    let keys = keys_of(&v);
                    let mut s = lock.lock().expect("lock");
                    s.lists += 1;
                    for k in keys {
                        if k.ends_with('/') {
                            s.queue.push_back(format!("{folder}{k}"));
                            s.pending += 1;
                        } else {
                            s.leaves += 1;
                        }
                    }
                    s.pending -= 1;
                    cv.notify_all();
                }
            })
        })
        .collect();
    for th in threads {
        th.join().expect("baseline thread");
    }
    let d = t.elapsed();
    let s = state.0.lock().expect("lock");
    (d, s.leaves, s.lists)
}

/// One SCAN request on a fresh connection, answer read and parsed.
pub fn raw_scan_once(port: u16, token: &str) -> (Duration, usize) {
    let t = Instant::now();
    let mut conn = Conn::open(port);
    let (status, v) = conn.call("SCAN", "/v1/secret/metadata/bench/", token);
    let n = keys_of(&v).len();
    let d = t.elapsed();
    assert_eq!(status, 200, "SCAN");
    (d, n)
}

/// The literal baseline, when `curl` is on PATH: a shell-style walk, level by level,
/// `xargs -P <ways> curl` over the folders of each level (one curl process per LIST, the token
/// in a header file, each answer in its own file). `None` without curl.
pub fn curl_walk(
    port: u16,
    token: &str,
    ways: usize,
    dir: &Path,
) -> Option<(Duration, usize, usize)> {
    let has_curl = Command::new("curl")
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !has_curl {
        return None;
    }
    let header = dir.join("curl-headers");
    std::fs::write(&header, format!("X-Vault-Token: {token}\n")).expect("header file");
    let out = dir.join("curl-out");
    let t = Instant::now();
    let (mut level, mut leaves, mut lists) = (vec!["bench/".to_string()], 0, 0);
    // Bounded by the depth of the tree.
    for _ in 0..16 {
        if level.is_empty() {
            break;
        }
        let _ = std::fs::remove_dir_all(&out);
        std::fs::create_dir_all(&out).expect("curl out dir");
        let mut args = String::new();
        for (i, f) in level.iter().enumerate() {
            args.push_str(&format!(
                "{} http://127.0.0.1:{port}/v1/secret/metadata/{f}?list=true\n",
                out.join(i.to_string()).display()
            ));
        }
        let mut child = Command::new("xargs")
            .args(["-P", &ways.to_string(), "-n", "2", "curl", "-s", "-H"])
            .arg(format!("@{}", header.display()))
            .arg("-o")
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .expect("xargs");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(args.as_bytes())
            .expect("xargs input");
        assert!(child.wait().expect("xargs").success(), "curl walk");
        let mut next = Vec::new();
        for (i, f) in level.iter().enumerate() {
            let body = std::fs::read(out.join(i.to_string())).expect("curl answer");
            let v: Value = serde_json::from_slice(&body).expect("curl JSON");
            lists += 1;
            for k in keys_of(&v) {
                if k.ends_with('/') {
                    next.push(format!("{f}{k}"));
                } else {
                    leaves += 1;
                }
            }
        }
        level = next;
    }
    Some((t.elapsed(), leaves, lists))
}
