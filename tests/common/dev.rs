//! `bao server -dev` on a free 127.0.0.1 port, stopped by PID on drop (also when a test panics).

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running dev server (in-memory storage, unsealed, root token known).
pub struct DevServer {
    pub addr: String,
    pub port: u16,
    /// Test-only token of a throwaway server.
    pub root_token: String,
    child: Child,
    _dir: tempfile::TempDir,
}

impl DevServer {
    pub fn start() -> DevServer {
        let bao = super::bao_path();
        let dir = tempfile::Builder::new()
            .prefix("strongroom-dev-")
            .tempdir()
            .expect("tempdir");
        let log = std::fs::File::create(dir.path().join("bao.log")).expect("log file");
        // Retry on the rare port race.
        for _ in 0..3 {
            let port = super::free_port();
            let root_token = format!("devroot-{port}-{}", std::process::id());
            let child = Command::new(&bao)
                .args([
                    "server",
                    "-dev",
                    &format!("-dev-listen-address=127.0.0.1:{port}"),
                ])
                .arg(format!("-dev-root-token-id={root_token}"))
                .stdin(Stdio::null())
                .stdout(Stdio::from(log.try_clone().expect("log")))
                .stderr(Stdio::from(log.try_clone().expect("log")))
                .spawn()
                .expect("start bao server -dev");
            let mut server = DevServer {
                addr: format!("http://127.0.0.1:{port}"),
                port,
                root_token,
                child,
                _dir: tempfile::TempDir::new().expect("tempdir"),
            };
            if server.wait_active(Duration::from_secs(20)) {
                server._dir = dir;
                return server;
            }
            server.stop();
        }
        let log = std::fs::read_to_string(dir.path().join("bao.log")).unwrap_or_default();
        panic!("bao server -dev did not become active; its log:\n{log}");
    }

    /// Wait until `sys/health` answers 200 (active, unsealed).
    fn wait_active(&mut self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return false;
            }
            if http_status(self.port, "GET", "/v1/sys/health", None) == Some(200) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Seal the server through the API (`PUT sys/seal`).
    pub fn seal(&self) {
        let code = http_status(self.port, "PUT", "/v1/sys/seal", Some(&self.root_token));
        assert_eq!(code, Some(204), "sealing the dev server");
    }

    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for DevServer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A minimal HTTP/1.0 request over a plain socket (no async runtime needed in sync tests).
pub fn http_status(port: u16, method: &str, path: &str, token: Option<&str>) -> Option<u16> {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    let auth = token
        .map(|t| format!("X-Vault-Token: {t}\r\n"))
        .unwrap_or_default();
    write!(
        s,
        "{method} {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n{auth}Content-Length: 0\r\n\r\n"
    )
    .ok()?;
    let mut buf = String::new();
    s.read_to_string(&mut buf).ok()?;
    buf.split_whitespace().nth(1)?.parse().ok()
}

/// Status and body of a minimal HTTP/1.0 request with a JSON body.
pub fn http_request(
    port: u16,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: &str,
) -> Option<(u16, String)> {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    let auth = token
        .map(|t| format!("X-Vault-Token: {t}\r\n"))
        .unwrap_or_default();
    write!(
        s,
        "{method} {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n{auth}Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .ok()?;
    let mut buf = String::new();
    s.read_to_string(&mut buf).ok()?;
    let code = buf.split_whitespace().nth(1)?.parse().ok()?;
    let body = buf
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    Some((code, body))
}

impl DevServer {
    /// Write a KV v2 secret (the dev server mounts KV v2 at `secret/`).
    pub fn put_secret(&self, path: &str, key: &str, value: &str) {
        let body = format!("{{\"data\":{{\"{key}\":\"{value}\"}}}}");
        let r = http_request(
            self.port,
            "POST",
            &format!("/v1/secret/data/{path}"),
            Some(&self.root_token),
            &body,
        );
        assert_eq!(r.map(|(c, _)| c), Some(200), "writing secret/{path}");
    }
}
