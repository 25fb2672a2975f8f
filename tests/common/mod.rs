//! Helpers every live and end-to-end test can reuse: real OpenBao servers on 127.0.0.1 with
//! free ports (a dev server, a 3-node raft cluster), stopped by PID; a tmux driver.
#![allow(dead_code)]

pub mod audit_traffic;
pub mod cluster;
pub mod dev;
pub mod hostile;
pub mod postgres;
pub mod tmux;

use std::path::PathBuf;

/// `bao` on PATH, or a failing test that says how to get it. Never a silent skip.
pub fn bao_path() -> PathBuf {
    match strongroom::sandbox::process::find_bao() {
        Ok(p) => p,
        Err(e) => panic!("{e}"),
    }
}

/// The real `strongroom` binary with a clean environment: none of our BAO_*, VAULT_* or
/// STRONGROOM_* variables, and HOME, config and state dirs under `home`.
pub fn strongroom_command(home: &std::path::Path) -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_strongroom"));
    for (k, _) in std::env::vars_os() {
        let k = k.to_string_lossy();
        if k.starts_with("BAO_") || k.starts_with("VAULT_") || k.starts_with("STRONGROOM_") {
            cmd.env_remove(&*k);
        }
    }
    cmd.env("HOME", home)
        .env("STRONGROOM_CONFIG_DIR", home.join("config"))
        .env("STRONGROOM_STATE_DIR", home.join("state"));
    cmd
}

/// A free TCP port on 127.0.0.1.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port on 127.0.0.1")
}

/// A connection profile for tests.
pub fn profile_for(addrs: &[String], token: Option<&str>) -> strongroom::config::ConnectionProfile {
    strongroom::config::ConnectionProfile {
        token: token.map(|t| std::sync::Arc::new(strongroom::secret::token_from(t))),
        token_source: strongroom::config::TokenSource::Flag,
        ..strongroom::config::ConnectionProfile::new("test", addrs.to_vec())
    }
}
