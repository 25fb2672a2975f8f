//! `bao server -dev` on a free 127.0.0.1 port, stopped by PID on drop (also when a test panics).
//! Also an uninitialised single server (`inmem` storage, no `-dev`) for the 501 case.
//!
//! The server runs with `HOME` set to its own temporary directory: a dev server writes its root
//! token to `~/.vault-token`, which must not touch the real home or race with other tests.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long a server may take to answer `sys/health` as expected (it takes well under 2 s).
const START_TIMEOUT: Duration = Duration::from_secs(20);

/// A running server: a dev server (in-memory storage, unsealed, root token known) or an
/// uninitialised one.
pub struct DevServer {
    /// `http://127.0.0.1:<port>`.
    pub addr: String,
    pub port: u16,
    /// Test-only root token of a throwaway dev server (empty for an uninitialised server).
    pub root_token: String,
    child: Child,
    dir: tempfile::TempDir,
}

impl DevServer {
    /// `bao server -dev`, waiting until `sys/health` answers 200 (active, unsealed).
    pub fn start() -> DevServer {
        Self::launch(200, |port, _dir| {
            let token = format!("devroot-{port}-{}", std::process::id());
            let args = vec![
                "server".to_string(),
                "-dev".to_string(),
                format!("-dev-listen-address=127.0.0.1:{port}"),
                format!("-dev-root-token-id={token}"),
            ];
            (args, token)
        })
    }

    /// `bao server -dev` with a file audit device declared in its config (OpenBao refuses
    /// audit devices created through the API): every request and answer lands in
    /// [`DevServer::audit_log`].
    pub fn start_with_audit() -> DevServer {
        Self::start_with_audit_file(false)
    }

    /// As [`DevServer::start_with_audit`], the device naming its file by its ABSOLUTE path (as
    /// real deployments do): the console finds the log on this machine from `sys/audit`.
    pub fn start_with_abs_audit() -> DevServer {
        Self::start_with_audit_file(true)
    }

    fn start_with_audit_file(absolute: bool) -> DevServer {
        Self::launch(200, move |port, dir| {
            let config = dir.join("audit.hcl");
            let file = if absolute {
                dir.join("audit.log").display().to_string()
            } else {
                "audit.log".to_string()
            };
            std::fs::write(
                &config,
                format!(
                    "audit \"file\" \"file\" {{\n  options {{\n    file_path = \"{file}\"\n  }}\n}}\n"
                ),
            )
            .expect("write the audit config");
            let token = format!("devroot-{port}-{}", std::process::id());
            let args = vec![
                "server".to_string(),
                "-dev".to_string(),
                format!("-dev-listen-address=127.0.0.1:{port}"),
                format!("-dev-root-token-id={token}"),
                format!("-config={}", config.display()),
            ];
            (args, token)
        })
    }

    /// A dev server whose config lets audit devices be created over the API (tests that read
    /// an audit log enable a file device themselves).
    pub fn start_with_api_audit() -> DevServer {
        Self::launch(200, |port, dir| {
            let token = format!("devroot-{port}-{}", std::process::id());
            let config = dir.join(format!("audit-{port}.hcl"));
            std::fs::write(&config, "unsafe_allow_api_audit_creation = true\n")
                .expect("write the server config");
            let args = vec![
                "server".to_string(),
                "-dev".to_string(),
                format!("-dev-listen-address=127.0.0.1:{port}"),
                format!("-dev-root-token-id={token}"),
                format!("-config={}", config.display()),
            ];
            (args, token)
        })
    }

    /// The server's working directory (holds `audit.log` of `start_with_audit`).
    pub fn dir(&self) -> &std::path::Path {
        self.dir.path()
    }

    /// The file audit device's log (one JSON object per line); empty without one.
    pub fn audit_log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("audit.log")).unwrap_or_default()
    }

    /// `bao server` with `inmem` storage and no `-dev`: never initialised, so `sys/health`
    /// answers 501. Waits for that answer.
    pub fn start_uninitialized() -> DevServer {
        Self::launch(501, |port, dir| {
            let config = dir.join(format!("server-{port}.hcl"));
            let hcl = format!(
                "ui = false\ndisable_mlock = true\nstorage \"inmem\" {{}}\n\
                 listener \"tcp\" {{\n  address = \"127.0.0.1:{port}\"\n  tls_disable = true\n}}\n"
            );
            std::fs::write(&config, hcl).expect("write the server config");
            let args = vec![
                "server".to_string(),
                format!("-config={}", config.display()),
            ];
            (args, String::new())
        })
    }

    /// Start `bao` with the arguments `args_for(port, dir)` gives, until `sys/health` answers
    /// `expect`. Retries with a new port on the rare race where another process took it.
    fn launch(expect: u16, args_for: impl Fn(u16, &Path) -> (Vec<String>, String)) -> DevServer {
        let bao = super::bao_path();
        let mut dir = tempfile::Builder::new()
            .prefix("strongroom-dev-")
            .tempdir()
            .expect("tempdir");
        let log_path = dir.path().join("bao.log");
        let log = std::fs::File::create(&log_path).expect("log file");
        for _ in 0..3 {
            let port = super::free_port();
            let (args, root_token) = args_for(port, dir.path());
            let mut cmd = Command::new(&bao);
            for (k, _) in std::env::vars_os() {
                let k = k.to_string_lossy();
                if k.starts_with("BAO_") || k.starts_with("VAULT_") {
                    cmd.env_remove(&*k);
                }
            }
            let child = cmd
                .args(&args)
                .env("HOME", dir.path())
                .current_dir(dir.path())
                .stdin(Stdio::null())
                .stdout(Stdio::from(log.try_clone().expect("log")))
                .stderr(Stdio::from(log.try_clone().expect("log")))
                .spawn()
                .unwrap_or_else(|e| panic!("cannot start {}: {e}", bao.display()));
            let mut server = DevServer {
                addr: format!("http://127.0.0.1:{port}"),
                port,
                root_token,
                child,
                dir,
            };
            if server.wait_health(expect, START_TIMEOUT) {
                return server;
            }
            server.stop();
            dir = std::mem::replace(&mut server.dir, tempfile::TempDir::new().expect("tempdir"));
        }
        let log = std::fs::read_to_string(&log_path).unwrap_or_default();
        panic!(
            "bao server did not answer sys/health {expect} within {START_TIMEOUT:?}; its log:\n{log}"
        );
    }

    /// Wait until `sys/health` answers `expect`; false when the process exits or time runs out.
    fn wait_health(&mut self, expect: u16, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return false;
            }
            if http_status(self.port, "GET", "/v1/sys/health", None) == Some(expect) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The server's own log (stdout and stderr), for failure messages.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("bao.log")).unwrap_or_default()
    }

    /// Seal the server through the API (`PUT sys/seal`) and wait until health says 503.
    pub fn seal(&self) {
        let code = http_status(self.port, "PUT", "/v1/sys/seal", Some(&self.root_token));
        assert_eq!(code, Some(204), "sealing the dev server");
        let deadline = Instant::now() + Duration::from_secs(10);
        while http_status(self.port, "GET", "/v1/sys/health", None) != Some(503) {
            assert!(
                Instant::now() < deadline,
                "the dev server did not report sealed"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Kill the server by PID (SIGKILL) and reap it. Safe to call twice.
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
    http_request(port, method, path, token, "").map(|(code, _)| code)
}

/// Status and body of a minimal HTTP/1.0 request with a JSON body.
pub fn http_request(
    port: u16,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: &str,
) -> Option<(u16, String)> {
    let s = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    http_exchange(s, method, path, token, body)
}

/// One HTTP/1.0 request and its answer over a connected stream.
pub fn http_exchange(
    mut s: std::net::TcpStream,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: &str,
) -> Option<(u16, String)> {
    use std::io::{Read, Write};
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

impl DevServer {
    /// Restart a plain dev server (`start()`): kill it by PID, then a new `bao server -dev` on
    /// the SAME port with the same root token (a node restart; its data starts empty again).
    pub fn restart_dev(&mut self) {
        self.stop();
        let log = std::fs::OpenOptions::new()
            .append(true)
            .open(self.dir.path().join("bao.log"))
            .expect("log file");
        let mut cmd = Command::new(super::bao_path());
        for (k, _) in std::env::vars_os() {
            let k = k.to_string_lossy();
            if k.starts_with("BAO_") || k.starts_with("VAULT_") {
                cmd.env_remove(&*k);
            }
        }
        self.child = cmd
            .args([
                "server".to_string(),
                "-dev".to_string(),
                format!("-dev-listen-address=127.0.0.1:{}", self.port),
                format!("-dev-root-token-id={}", self.root_token),
            ])
            .env("HOME", self.dir.path())
            .current_dir(self.dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::from(log.try_clone().expect("log")))
            .stderr(Stdio::from(log))
            .spawn()
            .expect("restart bao");
        assert!(
            self.wait_health(200, START_TIMEOUT),
            "the restarted dev server did not come up; its log:\n{}",
            self.log()
        );
    }
}
