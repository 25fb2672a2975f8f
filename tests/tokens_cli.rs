//! `strongroom tokens ls|revoke` (the real binary) against a real `bao server -dev`: the filter
//! language picks the known tokens (plain and JSON), a revoke without `--yes` changes nothing,
//! with `--yes` they are gone (exit 0), the own token is left out, bad filters exit 1, and
//! `--read-only` refuses.
#![allow(clippy::expect_used)]

mod common;
mod tokens_support;

use std::process::Output;

use common::dev::DevServer;
use tokens_support::{alive, create, create_orphan};

fn run(dev: &DevServer, home: &std::path::Path, args: &[&str]) -> Output {
    common::strongroom_command(home)
        .env("BAO_ADDR", &dev.addr)
        .env("BAO_TOKEN", &dev.root_token)
        .arg("tokens")
        .args(args)
        .output()
        .expect("run strongroom tokens")
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn ls_and_revoke_with_filters_dry_run_first() {
    let dev = DevServer::start();
    let a = create(&dev, "ci-a", &["ci-deployer"], "1h");
    let b = create(&dev, "ci-b", &["ci-deployer"], "72h");
    let ops = create_orphan(&dev, "ops", &["ops"], "1h");
    let home = tempfile::tempdir().expect("tempdir");

    let o = run(
        &dev,
        home.path(),
        &["ls", "policy=ci-deployer", "--format", "json"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let mut names: Vec<&str> = v
        .as_array()
        .expect("array")
        .iter()
        .map(|t| t["display_name"].as_str().expect("name"))
        .collect();
    names.sort_unstable();
    assert_eq!(names, ["token-ci-a", "token-ci-b"]);
    assert!(v[0]["ttl"].as_i64().is_some() && v[0]["own"] == false);

    let o = run(&dev, home.path(), &["ls", "ttl>24h", "orphan=false"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(
        out(&o).contains("token-ci-b") && !out(&o).contains("token-ci-a"),
        "{}",
        out(&o)
    );
    let o = run(&dev, home.path(), &["ls", "orphan=true"]);
    assert!(
        out(&o).lines().any(|l| l.starts_with('*')),
        "own token marked:\n{}",
        out(&o)
    );

    // Dry run: nothing changes.
    let o = run(&dev, home.path(), &["revoke", "policy=ci-deployer"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(
        out(&o)
            .lines()
            .filter(|l| l.starts_with("would revoke"))
            .count(),
        2
    );
    assert!(err(&o).contains("nothing changed"), "{}", err(&o));
    assert!(alive(&dev, &a.accessor) && alive(&dev, &b.accessor));

    // Read-only refuses.
    let o = run(
        &dev,
        home.path(),
        &["--read-only", "revoke", "policy=ci-deployer", "--yes"],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(alive(&dev, &a.accessor));

    // --yes: gone.
    let o = run(
        &dev,
        home.path(),
        &["revoke", "policy=ci-deployer", "--yes"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(
        out(&o)
            .lines()
            .filter(|l| l.starts_with("revoked "))
            .count(),
        2,
        "{}",
        out(&o)
    );
    assert!(!alive(&dev, &a.accessor) && !alive(&dev, &b.accessor));
    assert!(alive(&dev, &ops.accessor));

    // The own token is left out of a revoke unless --include-self.
    let o = run(
        &dev,
        home.path(),
        &["revoke", "orphan=true", "--yes", "--format", "json"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(err(&o).contains("left out"), "{}", err(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v.as_array().map(Vec::len), Some(1), "{v}");
    assert!(!alive(&dev, &ops.accessor));
    let o = run(&dev, home.path(), &["ls"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "the console's token still works: {}",
        err(&o)
    );

    // Bad and empty filters.
    let o = run(&dev, home.path(), &["ls", "colour=red"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(err(&o).contains("unknown filter \"colour\""), "{}", err(&o));
    let o = run(&dev, home.path(), &["revoke", "--yes"]);
    assert_eq!(o.status.code(), Some(1));
}
