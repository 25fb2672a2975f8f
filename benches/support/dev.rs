//! What the KV benchmarks share: a dev server on a free loopback port, a client, the load average.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use strongroom::vault::{ClientSettings, VaultClient};

pub fn client(addr: &str, token: &str) -> VaultClient {
    let settings = ClientSettings {
        token: Some(Arc::new(strongroom::secret::token_from(token))),
        timeout: Duration::from_secs(30),
        ..ClientSettings::default()
    };
    VaultClient::connect(addr, settings).expect("client")
}

/// The 1-minute load average, as text.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "?".into())
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

pub fn start_dev_server(bao: &Path, port: u16, token: &str, dir: &Path) -> Child {
    let log = std::fs::File::create(dir.join("bao.log")).expect("log");
    let child = Command::new(bao)
        .args([
            "server",
            "-dev",
            &format!("-dev-listen-address=127.0.0.1:{port}"),
        ])
        .arg(format!("-dev-root-token-id={token}"))
        .env("HOME", dir)
        .current_dir(dir)
        .stdout(Stdio::from(log.try_clone().expect("log")))
        .stderr(Stdio::from(log))
        .spawn()
        .expect("start bao");
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let up = TcpStream::connect(("127.0.0.1", port))
            .map(|mut s| {
                let _ = write!(s, "GET /v1/sys/health HTTP/1.0\r\n\r\n");
                let mut b = String::new();
                let _ = s.read_to_string(&mut b);
                b.starts_with("HTTP/1.0 200") || b.starts_with("HTTP/1.1 200")
            })
            .unwrap_or(false);
        if up {
            break;
        }
        assert!(Instant::now() < deadline, "bao dev server did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    child
}
