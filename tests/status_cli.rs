//! `strongroom status` exit codes against real servers, as `bao status` has them:
//! 0 unsealed, 2 sealed, 1 error (unreachable).

mod common;

use std::process::{Command, Output};

use common::dev::DevServer;

fn status(args: &[&str], home: &std::path::Path) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_strongroom"));
    for (k, _) in std::env::vars() {
        if k.starts_with("BAO_") || k.starts_with("VAULT_") || k.starts_with("STRONGROOM_") {
            cmd.env_remove(k);
        }
    }
    cmd.env("HOME", home)
        .env("STRONGROOM_CONFIG_DIR", home.join("config"))
        .env("STRONGROOM_STATE_DIR", home.join("state"))
        .arg("status")
        .args(args)
        .output()
        .expect("run strongroom status")
}

fn text(o: &Output) -> String {
    format!(
        "stdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn exit_codes_follow_bao_status() {
    let home = tempfile::tempdir().expect("tempdir");
    let dev = DevServer::start();

    let ok = status(
        &["--addr", &dev.addr, "--token", &dev.root_token],
        home.path(),
    );
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok));
    let out = String::from_utf8_lossy(&ok.stdout);
    assert!(out.contains("active"), "{out}");
    assert!(!out.contains(&dev.root_token), "the token is never printed");

    let json = status(&["--addr", &dev.addr, "--format", "json"], home.path());
    assert_eq!(json.status.code(), Some(0), "{}", text(&json));
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).expect("valid JSON");
    assert_eq!(v["overall"], "ok");
    assert_eq!(v["nodes"][0]["state"], "active");
    assert_eq!(v["nodes"][0]["sealed"], false);

    dev.seal();
    let sealed = status(&["--addr", &dev.addr], home.path());
    assert_eq!(sealed.status.code(), Some(2), "{}", text(&sealed));
    assert!(String::from_utf8_lossy(&sealed.stdout).contains("sealed"));

    let dead = format!("http://127.0.0.1:{}", common::free_port());
    let unreachable = status(&["--addr", &dead], home.path());
    assert_eq!(unreachable.status.code(), Some(1), "{}", text(&unreachable));
    assert!(String::from_utf8_lossy(&unreachable.stdout).contains("unreachable"));
}

#[test]
fn env_addresses_are_used_and_bao_wins_over_vault() {
    let home = tempfile::tempdir().expect("tempdir");
    let dev = DevServer::start();
    let dead = format!("http://127.0.0.1:{}", common::free_port());
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_strongroom"));
    for (k, _) in std::env::vars() {
        if k.starts_with("BAO_") || k.starts_with("VAULT_") {
            cmd.env_remove(k);
        }
    }
    let out = cmd
        .env("HOME", home.path())
        .env("STRONGROOM_CONFIG_DIR", home.path().join("config"))
        .env("BAO_ADDR", &dev.addr)
        .env("VAULT_ADDR", &dead)
        .args(["status", "--format", "json"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

#[test]
fn a_bad_config_file_is_a_clear_error() {
    let home = tempfile::tempdir().expect("tempdir");
    let cfg = home.path().join("config");
    std::fs::create_dir_all(&cfg).expect("mkdir");
    std::fs::write(
        cfg.join("config.toml"),
        "[contexts.prod]\nadress = [\"x\"]\n",
    )
    .expect("write");
    let out = status(&[], home.path());
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("config.toml") && err.contains("line 2") && err.contains("adress"),
        "{err}"
    );
}
